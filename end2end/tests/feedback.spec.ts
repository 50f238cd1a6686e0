import { test, expect, Page, TestInfo, Browser } from "@playwright/test";
import { NO_SESSION, callJson, checkA11y, hydrated, loginThroughUi, settled, statePath, visit } from "./helpers";

// Comune di Roccaverde, one of Mario's positions.
const POSITION = "8100000001800000";

async function loggedIn(browser: Browser, role: string, testInfo: TestInfo): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
  await loginThroughUi(page, role, testInfo);
  return page;
}

/** The dashboard's card of one service. */
async function card(page: Page, servizio: string, testInfo: TestInfo) {
  await visit(page, "/admin/feedback", testInfo);
  const c = page.locator(`[data-testid="servizio-feedback"][data-servizio="${servizio}"]`);
  await expect(c).toHaveCount(1);
  return c;
}

test.describe("Instant Feedback", () => {
  test.use({ storageState: statePath("datore") });

  test("a consulted page asks for a rating once; a negative one needs a reason; the dashboard counts it", async ({ browser, page }, testInfo) => {
    test.skip(!hydrated(testInfo), "the rating is offered by the page's script; without it nothing is shown");
    const admin = await loggedIn(browser, "admin", testInfo);
    const before = await card(admin, "note-rettifica", testInfo);
    const negativeBefore = Number(await before.getAttribute("data-negativi"));

    await visit(page, `/cassetto/${POSITION}/note-rettifica`, testInfo);
    const widget = page.getByTestId("feedback");
    await expect(widget).toContainText("Come valuta il servizio «Note di rettifica»?");
    await checkA11y(page);
    await widget.getByRole("button", { name: "Non soddisfatto" }).click();
    await widget.getByTestId("feedback-invia").click();
    await expect(widget.getByTestId("feedback-errore")).toContainText("Indichi il motivo per cui non è soddisfatto");
    await widget.getByLabel("Perché non è soddisfatto?").selectOption({ label: "Servizio difficile da usare" });
    await widget.getByLabel("Commento (facoltativo)").fill("Non trovo il filtro per anno");
    await widget.getByTestId("feedback-invia").click();
    await expect(widget.getByTestId("feedback-grazie")).toBeVisible();

    // One rating per use: the same page again offers nothing.
    await visit(page, `/cassetto/${POSITION}/note-rettifica`, testInfo);
    await page.waitForLoadState("networkidle");
    await expect(page.getByTestId("feedback")).toHaveCount(0);

    // Dismissed without answering: not offered again either.
    await visit(page, `/cassetto/${POSITION}/piani-ammortamento`, testInfo);
    await expect(page.getByTestId("feedback")).toContainText("Piani di ammortamento");
    await page.getByTestId("feedback-chiudi").click();
    await expect(page.getByTestId("feedback")).toHaveCount(0);
    await visit(page, `/cassetto/${POSITION}/piani-ammortamento`, testInfo);
    await page.waitForLoadState("networkidle");
    await expect(page.getByTestId("feedback")).toHaveCount(0);

    const after = await card(admin, "note-rettifica", testInfo);
    await expect(after).toHaveAttribute("data-negativi", String(negativeBefore + 1));
    await expect(after.getByTestId("motivi").locator('tr[data-motivo="Servizio difficile da usare"]')).toBeVisible();
    await expect(after.getByTestId("commenti")).toContainText("Non trovo il filtro per anno");
    await admin.context().close();
  });

  test("the calculator, the tracciati, the contestazione and the dossier print ask for their rating after use", async ({ browser, page }, testInfo) => {
    test.skip(!hydrated(testInfo), "the rating is offered by the page's script; without it nothing is shown");
    const admin = await loggedIn(browser, "admin", testInfo);
    const positives: Record<string, number> = {};
    for (const servizio of ["calcolo-sanzioni", "invio-tracciati", "contestazione", "fascicolo-stampa"]) {
      positives[servizio] = Number(await (await card(admin, servizio, testInfo)).getAttribute("data-positivi"));
    }
    const rate = async (label: string) => {
      const widget = page.getByTestId("feedback");
      await expect(widget).toContainText(`Come valuta il servizio «${label}»?`);
      await widget.locator('button[data-livello="3"]').click();
      await expect(widget.getByTestId("feedback-grazie")).toBeVisible();
    };

    // Calcolo sanzioni ECA: once a computation is shown (not on the empty form).
    await visit(page, `/cassetto/${POSITION}/calcolo-sanzioni-eca`, testInfo);
    await page.waitForLoadState("networkidle");
    await expect(page.getByTestId("feedback")).toHaveCount(0);
    await visit(page, `/cassetto/${POSITION}/calcolo-sanzioni-eca?contributo=1.000%2C00&scadenza=2025-03-16&pagamento=2025-05-16&regime=omissione`, testInfo);
    await expect(page.getByTestId("calcolo-sanzioni")).toBeVisible();
    await checkA11y(page);
    await rate("Calcolo sanzioni ECA");

    // Invio tracciati: after the file is protocolled.
    await visit(page, `/cassetto/${POSITION}/invio-tracciati`, testInfo);
    const record = `00001 FEEDBACK ${Date.now()}`.padEnd(120, " ");
    const tracciato = page.getByTestId("form-tracciato");
    await tracciato.getByLabel("File").setInputFiles({ name: "flusso.txt", mimeType: "text/plain", buffer: Buffer.from(`${record}\n`) });
    await tracciato.getByRole("button", { name: "Invia" }).click();
    await expect(page.getByTestId("esito")).toContainText("Tracciato ricevuto con protocollo");
    await rate("Invio tracciati");

    // Contestazione note di debito: after it is filed (on Valfiorita, whose notes no other test contests).
    const found = await callJson(page.request, "/api/cassetto/ricerca", { testo: "Valfiorita", pagina: 0 });
    const valfiorita: string = found.rows[0].code;
    await visit(page, `/cassetto/${valfiorita}/contestazione-note-debito`, testInfo);
    const contestazione = page.getByTestId("form-contestazione");
    await contestazione.getByLabel("Motivi della contestazione").fill(`Importo già versato (${Date.now()})`);
    await contestazione.getByRole("button", { name: "Presenta la contestazione" }).click();
    await expect(page.getByTestId("esito")).toContainText("Contestazione presentata con protocollo");
    await rate("Contestazione note di debito");

    // Stampa del fascicolo: after the PDF is made.
    await visit(page, `/cassetto/${POSITION}/fascicolo`, testInfo);
    await settled(page, testInfo);
    await expect(page.getByTestId("feedback")).toHaveCount(0);
    await Promise.all([page.waitForEvent("download"), page.getByTestId("stampa-fascicolo").click()]);
    await rate("Stampa del fascicolo aziendale");

    // Each rating is counted on the dashboard.
    for (const [servizio, before] of Object.entries(positives)) {
      await expect(await card(admin, servizio, testInfo)).toHaveAttribute("data-positivi", String(before + 1));
    }
    await admin.context().close();
  });

  test("admins and operators see satisfaction per service over time", async ({ browser }, testInfo) => {
    for (const role of ["admin", "operatore"]) {
      const viewer = await loggedIn(browser, role, testInfo);
      if (role === "admin") {
        await viewer.getByTestId("link-feedback").click();
        await expect(viewer).toHaveURL(/\/admin\/feedback$/);
        await settled(viewer, testInfo);
      }
      const c = await card(viewer, "versamenti", testInfo);
      await expect(c).toContainText(/Soddisfatti \d+% su \d+ valutazioni/);
      // The demo history spans several months: one bar group per month, each described for screen readers.
      const months = c.getByTestId("grafico").locator("g[data-mese]");
      expect(await months.count()).toBeGreaterThanOrEqual(6);
      await expect(c.getByTestId("grafico")).toHaveAttribute("aria-label", /Andamento mensile delle valutazioni di Versamenti/);
      await expect(c.getByTestId("conteggi")).toContainText("Non soddisfatto");
      await checkA11y(viewer);
      await viewer.context().close();
    }
  });
});
