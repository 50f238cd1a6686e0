import { test, expect, Page, TestInfo } from "@playwright/test";
import { ACCOUNTS, NO_SESSION, hydrated, loginThroughUi, settled, statePath, tick, visit, watchErrors } from "./helpers";

// Issue 16, "State and feedback": the page after every action, several actions in a row without a reload;
// the message of the last action only; one session on every page; the menu marks where the user is.

// Comune di Roccaverde, Mario's position at Sede Roma Eur, where Paolo Gallo is an operator.
const POSITION = "8100000001800000";
const OGGETTO = "Uniemens – Note di rettifica (risposta attesa entro 30 giorni)";

/** Opens a new richiesta from the position's menu, as the datore does, and returns the path of its page. */
async function newRichiesta(page: Page, testInfo: TestInfo): Promise<string> {
  await visit(page, `/cassetto/${POSITION}`, testInfo);
  await page.getByTestId("menu-posizione").getByRole("link", { name: "Com. Bidirezionale" }).click();
  await expect(page).toHaveURL(/\/comunicazioni\/nuova\?posizione=/);
  await settled(page, testInfo);
  const form = page.getByTestId("form-comunicazione");
  // Nothing is chosen for the user: the placeholder first, and the form refuses to go without a choice.
  await expect(form.getByLabel("Classe e oggetto")).toHaveValue("");
  await expect(form.getByLabel("Classe e oggetto")).toHaveAttribute("required", "");
  await form.getByLabel("Classe e oggetto").selectOption({ label: OGGETTO });
  await form.getByLabel("Testo della richiesta").fill("Chiediamo la verifica della nota di rettifica di marzo.");
  await tick(form, "Solo e-mail");
  await form.getByLabel("Indirizzo e-mail").fill("personale@comune-roccaverde.example.it");
  await form.getByRole("button", { name: "Invia la richiesta" }).click();
  await expect(page.getByTestId("esito")).toContainText("Richiesta protocollata");
  await settled(page, testInfo);
  return new URL(page.url()).pathname;
}

test.describe("state after actions", () => {
  test.use({ storageState: statePath("datore") });

  test("a quesito taken in charge, a refused action, a comment and the closing in a row: the page follows each", async ({ page, browser }, testInfo) => {
    const detailPath = await newRichiesta(page, testInfo);
    const operator = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    const errors = watchErrors(operator);
    errors.allow("/api/backoffice/quesiti/azione"); // the refused action's 400, expected below
    await loginThroughUi(operator, "operatore", testInfo);
    await visit(operator, detailPath, testInfo);
    const timeline = operator.getByTestId("cronologia").locator("tbody tr");
    const rows = await timeline.count();
    const form = () => operator.getByTestId("form-quesito");
    const perform = async (azione: string, commento: string) => {
      await form().getByLabel("Azione").selectOption(azione);
      await form().getByLabel("Commento").fill(commento);
      await form().getByRole("button", { name: "Registra" }).click();
    };

    await perform("in_carico", "");
    await expect(operator.getByTestId("esito")).toHaveText("Quesito aggiornato.");
    await expect(operator.getByTestId("stato-richiesta")).toHaveText("In carico");
    await expect(timeline).toHaveCount(rows + 1);
    await settled(operator, testInfo);

    // Refused: its error alone (not the banner of the earlier success); hydrated, the form keeps what was typed.
    await perform("in_carico", "Una seconda presa in carico");
    await expect(operator.getByTestId("errore-modulo")).toHaveText("Il quesito è già in carico.");
    await expect(operator.getByTestId("esito")).toHaveCount(0);
    if (hydrated(testInfo)) await expect(form().getByLabel("Commento")).toHaveValue("Una seconda presa in carico");
    await expect(timeline).toHaveCount(rows + 1);
    await settled(operator, testInfo);

    // The same redirect as the first action: the page still follows.
    await perform("commento", "Verifichiamo i versamenti di aprile.");
    await expect(operator.getByTestId("errore-modulo")).toHaveCount(0);
    await expect(operator.getByTestId("esito")).toHaveText("Quesito aggiornato.");
    await expect(timeline).toHaveCount(rows + 2);
    await expect(operator.getByTestId("cronologia")).toContainText("Verifichiamo i versamenti di aprile.");
    await expect(operator.getByTestId("stato-richiesta")).toHaveText("In carico");
    await settled(operator, testInfo);

    await perform("non_accolta", "Il versamento del 16/04 è imputato a un'altra matricola.");
    await expect(operator.getByTestId("stato-richiesta")).toHaveText("Chiusa – non accolta");
    await expect(timeline).toHaveCount(rows + 3);
    await expect(operator.getByTestId("form-quesito")).toHaveCount(0);
    errors.assertClean();
    await operator.context().close();
  });

  test("two deleghe conferred in a row are both listed, each at once", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    const enti = ["Comune di Valfiorita", "Officine Meccaniche Bianchi S.r.l."];
    await visit(page, "/deleghe", testInfo);
    const rowOf = (ente: string) =>
      page.getByTestId("deleghe-titolare").locator("tr[data-stato=attiva]").filter({ hasText: ente }).filter({ hasText: ACCOUNTS.delegato.name });
    for (const ente of enti) await expect(rowOf(ente)).toHaveCount(0);
    for (const [i, ente] of enti.entries()) {
      const form = page.getByTestId("form-delega-dipendente");
      await form.getByLabel("Codice fiscale del dipendente").fill(ACCOUNTS.delegato.cf);
      await tick(form, new RegExp(ente.replace(/[.]/g, "\\.")));
      await form.getByRole("button", { name: "Conferisci delega" }).click();
      await expect(page.getByTestId("esito")).toHaveText("Delega conferita.");
      await settled(page, testInfo);
      // This one and every earlier one, without a reload.
      for (const listed of enti.slice(0, i + 1)) await expect(rowOf(listed)).toHaveCount(1);
    }
    // Put back as found: both revoked.
    for (const ente of enti) {
      await visit(page, "/deleghe", testInfo);
      await rowOf(ente).getByRole("link", { name: /Dettaglio/ }).click();
      await settled(page, testInfo);
      await page.getByTestId("form-revoca").getByRole("button", { name: "Revoca delega" }).click();
      await expect(page.getByTestId("stato")).toHaveText("Revocata");
    }
    errors.assertClean();
  });

  test("the left menu marks the current page, and moves with the user", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/versamenti`, testInfo);
    const menu = page.getByTestId("menu-posizione");
    await expect(menu.locator("[aria-current=page]")).toHaveCount(1);
    await expect(menu.locator("[aria-current=page]")).toHaveText("Versamenti F24, F24 EP e Banca d'Italia");
    await menu.getByRole("link", { name: "Anagrafica" }).click();
    await expect(page).toHaveURL(new RegExp(`/cassetto/${POSITION}$`));
    await settled(page, testInfo);
    await expect(menu.locator("[aria-current=page]")).toHaveText("Anagrafica");
    // A declaration's workers are within «DMA – denunce trasmesse e errori».
    await menu.getByRole("link", { name: "DMA – denunce trasmesse e errori" }).click();
    await settled(page, testInfo);
    await page.getByTestId("tabella").locator("tbody a").first().click();
    await expect(page).toHaveURL(new RegExp(`/cassetto/${POSITION}/dma/\\d+`));
    await settled(page, testInfo);
    await expect(menu.locator("[aria-current=page]")).toHaveText("DMA – denunce trasmesse e errori");
  });

  test("one session everywhere: the public pages show the signed-in user, and «Accedi» leads home", async ({ page }, testInfo) => {
    for (const path of ["/", "/supporto", "/supporto/versamenti"]) {
      await visit(page, path, testInfo);
      await expect(page.getByTestId("utente")).toContainText(ACCOUNTS.datore.name);
      await expect(page.getByTestId("accedi")).toHaveCount(0);
      await expect(page.getByTestId("esci")).toHaveCount(1);
    }
    await visit(page, "/accesso", testInfo);
    await expect(page).toHaveURL(/\/cassetto$/);
    await expect(page.getByLabel("Password")).toHaveCount(0);
    await visit(page, "/accesso?next=/deleghe", testInfo);
    await expect(page).toHaveURL(/\/deleghe$/);
  });
});

test.describe("anonymous", () => {
  test.use({ storageState: NO_SESSION });

  test("the public pages offer «Accedi» to a visitor", async ({ page }, testInfo) => {
    await visit(page, "/supporto", testInfo);
    await expect(page.getByTestId("accedi")).toHaveCount(1);
    await expect(page.getByTestId("utente")).toHaveCount(0);
  });
});

test.describe("text inputs", () => {
  // Bootstrap Italia draws the border of `input[type=text]` and its kin: an input without a type has none.
  for (const [role, paths] of [
    ["anonymous", ["/accesso"]],
    ["datore", ["/cassetto", "/deleghe", `/cassetto/${POSITION}/calcolo-sanzioni-eca`, `/cassetto/${POSITION}/compilazione-dma`, "/comunicazioni/nuova"]],
    ["intermediario", ["/deleghe"]],
  ] as const) {
    test(`every text input has its type and its border (${role})`, async ({ browser }, testInfo) => {
      const context = await browser.newContext({
        javaScriptEnabled: hydrated(testInfo),
        storageState: role === "anonymous" ? NO_SESSION : statePath(role),
      });
      const page = await context.newPage();
      for (const path of paths) {
        await visit(page, path, testInfo);
        await expect(page.locator("input:not([type])"), path).toHaveCount(0);
        if (hydrated(testInfo)) {
          const borderless = await page.evaluate(() =>
            Array.from(document.querySelectorAll<HTMLInputElement>("input"))
              .filter((i) => !["hidden", "checkbox", "radio", "file"].includes(i.type) && i.offsetParent !== null)
              .filter((i) => getComputedStyle(i).borderBottomWidth === "0px")
              .map((i) => i.id || i.name),
          );
          expect(borderless, path).toEqual([]);
        }
      }
      await context.close();
    });
  }
});

test.describe("INPS roles", () => {
  test.use({ storageState: NO_SESSION });

  test("the back-office home offers each role what it may open; an operator reads a position in the Fascicolo Elettronico", async ({ page, browser }, testInfo) => {
    await loginThroughUi(page, "operatore", testInfo);
    const voci = page.getByTestId("voci-backoffice");
    await expect(voci.getByRole("link", { name: "Quesiti della Comunicazione bidirezionale" })).toHaveCount(1);
    await expect(voci.getByRole("link", { name: /Operatori della Sede/ })).toHaveCount(0);
    // Every page offered opens for the operator.
    const links = voci.getByRole("link");
    const hrefs: string[] = [];
    for (let i = 0; i < (await links.count()); i++) hrefs.push((await links.nth(i).getAttribute("href"))!);
    expect(hrefs.length).toBeGreaterThan(4);
    for (const href of hrefs) {
      await visit(page, href, testInfo);
      await expect(page.getByText("Operazione non consentita"), href).toHaveCount(0);
    }
    // The user-facing page of a position of the Sede leads to its read-only view.
    await visit(page, `/cassetto/${POSITION}/versamenti?canale=F24EP`, testInfo);
    await expect(page).toHaveURL(new RegExp(`/backoffice/fascicolo/${POSITION}/versamenti\\?canale=F24EP$`));

    const idm = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    await loginThroughUi(idm, "idm", testInfo);
    await expect(idm.getByTestId("voci-backoffice").getByRole("link")).toHaveText(["Operatori della Sede (gestore IDM)"]);
    await idm.context().close();
  });
});
