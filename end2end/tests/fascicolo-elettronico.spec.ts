import { test, expect, Page, TestInfo, Browser } from "@playwright/test";
import { NO_SESSION, callJson, checkA11y, hydrated, loginThroughUi, settled, statePath, visit } from "./helpers";

// Comune di Roccaverde: a position of Sede Roma Eur, the demo operator's Sede.
const ROMA = "8100000001800000";

async function operatorPage(browser: Browser, role: string, testInfo: TestInfo): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
  await loginThroughUi(page, role, testInfo);
  return page;
}

test.describe("Fascicolo Elettronico del Contribuente", () => {
  test.use({ storageState: statePath("datore") });

  test("an operator opens a position of the Sede read-only, and not one of another Sede", async ({ browser, page }, testInfo) => {
    // A position of Milano Nord, found through Mario's own Cassetto.
    const found = await callJson(page.request, "/api/cassetto/ricerca", { testo: "Valfiorita", pagina: 0 });
    const milano: string = found.rows[0].code;
    expect(found.rows[0].sede).toBe("Milano Nord");

    const operator = await operatorPage(browser, "operatore", testInfo);
    await operator.getByTestId("link-fascicolo-elettronico").click();
    await expect(operator).toHaveURL(/\/backoffice\/fascicolo$/);
    await settled(operator, testInfo);
    await operator.getByLabel("Codice fiscale, denominazione o codice posizione").fill("Roccaverde");
    await operator.getByRole("button", { name: "Cerca" }).click();
    await expect(operator).toHaveURL(/testo=Roccaverde/);
    await settled(operator, testInfo);
    const row = operator.locator(`tr[data-posizione="${ROMA}"]`);
    await expect(row).toContainText("Sede (sola consultazione)");
    await row.getByRole("link", { name: ROMA }).click();
    await expect(operator).toHaveURL(new RegExp(`/backoffice/fascicolo/${ROMA}$`));
    await settled(operator, testInfo);
    await expect(operator.getByTestId("banner-operatore")).toContainText("Sola consultazione");
    await expect(operator.getByTestId("anagrafica")).toContainText("Comune di Roccaverde");
    // Only consultation in the menu: no management service, no message to the Sede.
    const menu = operator.getByTestId("menu-posizione");
    await expect(menu.getByRole("link", { name: "Versamenti" })).toBeVisible();
    await expect(menu.getByRole("link", { name: "Fascicolo aziendale" })).toBeVisible();
    for (const name of ["Invio tracciati", "Compilazione manuale DMA", "Calcolo sanzioni ECA", "Com. Bidirezionale"]) {
      await expect(menu.getByRole("link", { name })).toHaveCount(0);
    }
    await checkA11y(operator);
    await menu.getByRole("link", { name: "Versamenti" }).click();
    await expect(operator).toHaveURL(new RegExp(`/backoffice/fascicolo/${ROMA}/versamenti$`));
    await settled(operator, testInfo);
    await expect(operator.getByTestId("banner-operatore")).toBeVisible();
    await expect(operator.locator("table tbody tr").first()).toBeVisible();
    await expect(operator.getByTestId("scrivi-sede")).toHaveCount(0);
    await expect(operator.getByTestId("feedback")).toHaveCount(0);

    // A management page asked for by address: not offered.
    await visit(operator, `/backoffice/fascicolo/${ROMA}/invio-tracciati`, testInfo);
    await expect(operator.getByTestId("non-disponibile")).toContainText("sola consultazione");
    await expect(operator.getByTestId("form-tracciato")).toHaveCount(0);

    // Another Sede's position: refused like a missing one.
    await visit(operator, `/backoffice/fascicolo/${milano}`, testInfo);
    await expect(operator.getByTestId("errore").first()).toContainText("non esiste o non è tra quelle a cui ha accesso");
    await expect(operator.getByTestId("anagrafica")).toHaveCount(0);
    await operator.context().close();
  });

  test("the IDM revokes the enablement and the operator is refused until it is given back", async ({ browser }, testInfo) => {
    const idm = await operatorPage(browser, "idm", testInfo);
    const operator = await operatorPage(browser, "operatore", testInfo);
    await visit(operator, `/backoffice/fascicolo/${ROMA}`, testInfo);
    await expect(operator.getByTestId("anagrafica")).toContainText("Comune di Roccaverde");

    const toggle = async (label: string, outcome: string) => {
      await visit(idm, "/backoffice/operatori", testInfo);
      const paolo = idm.getByTestId("operatore").filter({ hasText: "Paolo Gallo" });
      await paolo.getByRole("button", { name: label }).click();
      await expect(idm.getByTestId("esito")).toContainText(outcome);
      await settled(idm, testInfo);
    };
    await toggle("Revoca Fascicolo Elettronico", "revocata");
    await expect(idm.getByTestId("operatore").filter({ hasText: "Paolo Gallo" })).toHaveAttribute("data-fascicolo", "false");

    await visit(operator, `/backoffice/fascicolo/${ROMA}`, testInfo);
    await expect(operator.getByTestId("errore").first()).toContainText("Operazione non consentita");
    await expect(operator.getByTestId("anagrafica")).toHaveCount(0);

    await toggle("Abilita al Fascicolo Elettronico", "abilitato al Fascicolo Elettronico");
    await visit(operator, `/backoffice/fascicolo/${ROMA}`, testInfo);
    await expect(operator.getByTestId("anagrafica")).toContainText("Comune di Roccaverde");
    await idm.context().close();
    await operator.context().close();
  });
});
