import { test, expect } from "@playwright/test";
import { NO_SESSION, checkA11y, hydrated, loginThroughUi, settled, statePath, visit } from "./helpers";

// Comune di Roccaverde, one of Mario's positions.
const POSITION = "8100000001800000";

test.describe("calcolo sanzioni ECA", () => {
  test.use({ storageState: statePath("datore") });

  test("a hand-worked omissione across a rate change, line by line", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/calcolo-sanzioni-eca`, testInfo);
    await checkA11y(page);
    const form = page.getByTestId("form-sanzioni");
    // 10.000 € due 16/03/2025 paid 16/05/2025: 37 days at 8,15 % and, from the TUR change of 23/04, 24 at 7,90 %.
    await form.getByLabel("Contributo (senza nota)").fill("10.000,00");
    await form.getByLabel("Scadenza (senza nota)").fill("2025-03-16");
    await form.getByLabel("Data del pagamento").fill("2025-05-16");
    await form.getByLabel("Regime").selectOption("omissione");
    await form.getByRole("button", { name: "Calcola" }).click();
    await expect(page).toHaveURL(/regime=omissione/);
    await settled(page, testInfo);
    const result = page.getByTestId("calcolo-sanzioni");
    const rows = result.locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText("37");
    await expect(rows.nth(0)).toContainText("8,15 %");
    await expect(rows.nth(1)).toContainText("7,90 %");
    await expect(page.getByTestId("totale-sanzioni")).toContainText("134,56");
    await checkA11y(page);

    // A Nota di rettifica paid within 30 days: halved.
    await page.getByTestId("form-sanzioni").getByText("Nota di rettifica pagata entro 30 giorni").click();
    await page.getByTestId("form-sanzioni").getByRole("button", { name: "Calcola" }).click();
    await expect(page.getByTestId("totale-sanzioni")).toContainText("67,28");
    await settled(page, testInfo);

    // A seeded nota ECA gives its own amount and deadline; a payment on time owes nothing and says so.
    await visit(page, `/cassetto/${POSITION}/calcolo-sanzioni-eca`, testInfo);
    const select = page.getByTestId("form-sanzioni").getByLabel("Nota di debito ECA");
    const first = await select.locator("option").nth(1).getAttribute("value");
    await select.selectOption(first!);
    await page.getByTestId("form-sanzioni").getByLabel("Data del pagamento").fill("2000-01-01");
    await page.getByTestId("form-sanzioni").getByRole("button", { name: "Calcola" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("entro la scadenza");
  });

  test("an evasione declared within the terms gets the reduction; past them the page says which condition failed", async ({ page }, testInfo) => {
    const compute = async (denuncia: string, pagamento: string) => {
      await visit(page, `/cassetto/${POSITION}/calcolo-sanzioni-eca`, testInfo);
      const form = page.getByTestId("form-sanzioni");
      await form.getByLabel("Contributo (senza nota)").fill("10.000,00");
      await form.getByLabel("Scadenza (senza nota)").fill("2025-03-16");
      await form.getByLabel("Data del pagamento").fill(pagamento);
      await form.getByLabel("Regime").selectOption("evasione_30");
      await form.getByLabel("Data della denuncia spontanea").fill(denuncia);
      await form.getByRole("button", { name: "Calcola" }).click();
      await expect(page).toHaveURL(new RegExp(`denuncia=${denuncia}`));
      await settled(page, testInfo);
    };
    // Declared 10/04/2025, paid 30 days later: TUR + 5,5 (37 days at 8,15 %, 18 at 7,90 %), no notice.
    await compute("2025-04-10", "2025-05-10");
    await expect(page.getByTestId("regime-applicato")).toContainText("pagata entro 30 giorni dalla denuncia");
    await expect(page.getByTestId("calcolo-sanzioni").locator("tbody tr").nth(0)).toContainText("8,15 %");
    await expect(page.getByTestId("totale-sanzioni")).toContainText("121,58");
    await expect(page.getByTestId("avviso-sanzioni")).toHaveCount(0);
    await expect(page.getByTestId("form-sanzioni").getByLabel("Data della denuncia spontanea")).toHaveValue("2025-04-10");
    await checkA11y(page);

    // Declared on 17/03/2026, a day past the 12 months: the ordinary 30 % a year, and why.
    await compute("2026-03-17", "2026-03-20");
    await expect(page.getByTestId("avviso-sanzioni")).toContainText("oltre i 12 mesi dalla scadenza del 16/03/2025");
    await expect(page.getByTestId("avviso-sanzioni")).toContainText("ultimo giorno utile: 16/03/2026");
    await expect(page.getByTestId("regime-applicato")).toContainText("Evasione (30 % annuo, massimo 60 %)");
    await expect(page.getByTestId("calcolo-sanzioni").locator("tbody tr").nth(0)).toContainText("30,00 %");
    await checkA11y(page);
  });
});

test.describe("tassi", () => {
  test("the administrator adds and removes a dated rate", async ({ browser }, testInfo) => {
    const admin = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    await loginThroughUi(admin, "admin", testInfo);
    await visit(admin, "/admin", testInfo);
    const form = admin.getByTestId("nuovo-tasso");
    await form.getByLabel("Tipo").selectOption("mora");
    await form.getByLabel("In vigore dal").fill("2026-05-15");
    await form.getByLabel("Tasso annuo (%)").fill("2,5");
    await form.getByRole("button", { name: "Salva il tasso" }).click();
    await expect(admin.getByTestId("esito")).toHaveText("Tassi aggiornati.");
    await settled(admin, testInfo);
    const row = admin.locator('[data-testid=tasso][data-tipo=mora][data-dal="2026-05-15"]');
    await expect(row).toContainText("2,50 %");
    await row.getByRole("button", { name: /Rimuovi/ }).click();
    await expect(admin.getByTestId("esito")).toHaveText("Tassi aggiornati.");
    await settled(admin, testInfo);
    await expect(admin.locator('[data-testid=tasso][data-tipo=mora][data-dal="2026-05-15"]')).toHaveCount(0);
    await admin.context().close();
  });
});

test.describe("note di debito ECA", () => {
  test.use({ storageState: statePath("datore") });

  test("each note leads to its sanction calculation, the note already chosen", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/note-debito-eca`, testInfo);
    const row = page.getByTestId("tabella").locator("tbody tr").first();
    const numero = (await row.locator("td").first().textContent())!.trim();
    const link = row.getByRole("link", { name: `Calcola le sanzioni della nota ${numero}` });
    await expect(link).toHaveAttribute("href", new RegExp(`/cassetto/${POSITION}/calcolo-sanzioni-eca\\?nota=\\d+$`));
    const id = (await link.getAttribute("href"))!.split("nota=")[1];
    await link.click();
    await expect(page).toHaveURL(new RegExp(`calcolo-sanzioni-eca\\?nota=${id}$`));
    await settled(page, testInfo);
    await expect(page.getByTestId("form-sanzioni").getByLabel("Nota di debito ECA")).toHaveValue(id);
    await checkA11y(page);
  });
});
