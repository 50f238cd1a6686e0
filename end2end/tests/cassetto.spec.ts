import { test, expect } from "@playwright/test";
import { SAME_ORIGIN, checkA11y, settled, statePath, visit, watchErrors } from "./helpers";

// Positions of the demo data (deterministic seed): Roccaverde belongs to the datore.
const ROCCAVERDE = "Comune di Roccaverde";

const REACHABLE: Record<string, string[]> = {
  datore: ["Comune di Roccaverde", "Comune di Roccaverde", "Comune di Valfiorita", "Istituto Comprensivo Leonardo", "Officine Meccaniche Bianchi S.r.l."],
  delegato: ["Comune di Roccaverde"],
  intermediario: ["Azienda Sanitaria Locale Roma 9", "Comune di Pietrascura", "Provincia di Monteleone", "Università degli Studi di Castelmare"],
  subdelegato: ["Azienda Sanitaria Locale Roma 9", "Università degli Studi di Castelmare"],
};

for (const [role, names] of Object.entries(REACHABLE)) {
  test.describe(`ricerca as ${role}`, () => {
    test.use({ storageState: statePath(role) });
    test("lists exactly the reachable positions", async ({ page }, testInfo) => {
      const errors = watchErrors(page);
      await visit(page, "/cassetto", testInfo);
      const rows = page.getByTestId("posizioni").locator("tbody tr td:nth-child(3)");
      await expect(rows).toHaveText(names);
      await expect(page.getByTestId("conteggio")).toHaveText(`${names.length} posizioni`);
      await checkA11y(page);
      errors.assertClean();
    });
  });
}

test.describe("datore", () => {
  test.use({ storageState: statePath("datore") });

  test("a private-sector position offers only what applies to it", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await visit(page, "/cassetto", testInfo);
    await page.getByTestId("posizioni").locator("tr", { hasText: "Officine Meccaniche Bianchi" }).getByRole("link").click();
    await settled(page, testInfo);
    const menu = page.getByTestId("menu-posizione");
    await expect(menu).toHaveAttribute("data-gestione", "privata");
    for (const offered of ["Versamenti F24, F24 EP e Banca d'Italia", "Note di rettifica", "Com. Bidirezionale", "Fascicolo aziendale"]) {
      await expect(menu.getByRole("link", { name: offered })).toHaveCount(1);
    }
    for (const missing of ["Piani di ammortamento", "DMA – denunce trasmesse e errori", "Note di debito", "Note di debito ECA",
      "Contestazione note di debito", "Calcolo sanzioni ECA", "Invio tracciati", "Compilazione manuale DMA", "Invio denuncia DMA (file ListaPosPA)"]) {
      await expect(menu.getByRole("link", { name: missing, exact: true })).toHaveCount(0);
    }
    await checkA11y(page);
    // Typed in by hand, a service of the Gestione dipendenti pubblici says why it is not there.
    const code = new URL(page.url()).pathname.split("/")[2];
    await visit(page, `/cassetto/${code}/invio-tracciati`, testInfo);
    await expect(page.getByTestId("non-offerto")).toHaveText("«Invio tracciati» è un servizio della Gestione dipendenti pubblici: non è disponibile per le posizioni del settore privato.");
    await expect(page.getByTestId("form-tracciato")).toHaveCount(0);
    // A public position keeps them all.
    await visit(page, "/cassetto/8100000001800000", testInfo);
    await expect(page.getByTestId("menu-posizione")).toHaveAttribute("data-gestione", "pubblica");
    await expect(page.getByTestId("menu-posizione").getByRole("link", { name: "Invio tracciati" })).toHaveCount(1);
    errors.assertClean();
  });

  test("searches, opens a position and every consultation page", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await visit(page, "/cassetto", testInfo);
    await page.getByLabel("Codice fiscale, denominazione o codice posizione").fill("valfior");
    await page.getByRole("button", { name: "Cerca" }).click();
    await expect(page.getByTestId("conteggio")).toHaveText("1 posizioni");
    await expect(page.getByTestId("posizioni").locator("tbody tr")).toHaveCount(1);

    await visit(page, "/cassetto", testInfo);
    const first = page.getByTestId("posizioni").locator("tbody tr").filter({ hasText: ROCCAVERDE }).first();
    const code = (await first.getAttribute("data-posizione"))!;
    await first.getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/cassetto/${code}$`));
    await settled(page, testInfo);
    await expect(page.getByTestId("anagrafica")).toContainText(ROCCAVERDE);
    await expect(page.getByTestId("menu-posizione")).toBeVisible();
    await checkA11y(page);

    const sections = [
      "Versamenti F24, F24 EP e Banca d'Italia",
      "Note di rettifica",
      "Piani di ammortamento",
      "DMA – denunce trasmesse e errori",
      "Note di debito",
      "Note di debito ECA",
    ];
    for (const title of sections) {
      await page.getByTestId("menu-posizione").getByRole("link", { name: title, exact: true }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
      await settled(page, testInfo);
      await expect(page.getByTestId("tabella").locator("tbody tr").first()).toBeVisible();
      await expect(page.getByTestId("conteggio")).toHaveText(/^[1-9]\d* risultati$/);
      await expect(page.getByTestId("totali")).toBeVisible();
      await checkA11y(page);
    }

    // Versamenti: filter by channel, sort by amount, page forward.
    await page.getByTestId("menu-posizione").getByRole("link", { name: sections[0], exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(sections[0]);
    await settled(page, testInfo);
    const allCount = await page.getByTestId("conteggio").textContent();
    await page.getByLabel("Causale").fill("P708");
    await page.getByRole("button", { name: "Applica filtri" }).click();
    await expect(page).toHaveURL(/causale=P708/);
    await expect(page.getByTestId("conteggio")).not.toHaveText(allCount!);
    const causali = await page.getByTestId("tabella").locator("tbody tr td:nth-child(4)").allTextContents();
    expect(new Set(causali)).toEqual(new Set(["P708"]));

    await page.locator("th a[data-sort=importo]").click();
    await expect(page).toHaveURL(/ordina=importo/);
    await settled(page, testInfo);
    const amounts = (await page.getByTestId("tabella").locator("tbody tr td:nth-child(6)").allTextContents()).map((t) =>
      Number(t.replace(/\./g, "").replace(",", ".")),
    );
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    await expect(page.getByTestId("pagina")).toHaveText(/^Pagina 1 di \d+$/);
    await page.getByRole("link", { name: "Successiva" }).click();
    await expect(page.getByTestId("pagina")).toHaveText(/^Pagina 2 di \d+$/);
    await settled(page, testInfo);
    await expect(page).toHaveURL(/causale=P708/);
    await page.getByRole("link", { name: "Azzera" }).click();
    await expect(page).toHaveURL(new RegExp(`/cassetto/${code}/versamenti$`));
    await expect(page.getByTestId("conteggio")).toHaveText(allCount!);
    await settled(page, testInfo);

    // A piano opens its instalments; a DMA its workers.
    await visit(page, `/cassetto/${code}/piani-ammortamento`, testInfo);
    await page.getByTestId("tabella").locator("tbody tr a").first().click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Rate del piano di ammortamento");
    await settled(page, testInfo);
    await expect(page.getByTestId("tabella").locator("tbody tr").first()).toBeVisible();
    await checkA11y(page);
    await visit(page, `/cassetto/${code}/dma`, testInfo);
    await page.getByTestId("tabella").locator("tbody tr a").first().click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("dettaglio per lavoratore");
    await settled(page, testInfo);
    await checkA11y(page);

    // The management services are reached from the position's menu.
    await visit(page, `/cassetto/${code}`, testInfo);
    await page.getByTestId("menu-posizione").getByRole("link", { name: "Compilazione manuale DMA" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Compilazione manuale DMA");
    errors.assertClean();
  });

  test("a foreign position is refused, in the page and in the download", async ({ page, request }, testInfo) => {
    const errors = watchErrors(page);
    // The Camera di Commercio's position in the deterministic demo data: no demo user reaches it.
    const foreignCode = "8163352001000000";
    errors.allow(`/cassetto/${foreignCode}/versamenti`);
    const response = await page.goto(`/cassetto/${foreignCode}/versamenti`);
    expect(response!.status()).toBe(404);
    await expect(page.getByTestId("errore")).toContainText("non esiste o non è tra quelle a cui ha accesso");
    const csv = await request.get(`/esporta/${foreignCode}/versamenti`, SAME_ORIGIN);
    expect(csv.status()).toBe(404);
    errors.assertClean();
  });
});
