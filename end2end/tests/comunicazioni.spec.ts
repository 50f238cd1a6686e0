import { test, expect } from "@playwright/test";
import { NO_SESSION, checkA11y, hydrated, lastMailNumber, loginThroughUi, settled, statePath, tick, visit, waitForMail, watchErrors } from "./helpers";

// Comune di Roccaverde: Mario's position at Sede Roma Eur, where Paolo Gallo is an operator.
const POSITION = "8100000001800000";
const OGGETTO = "Uniemens – Note di rettifica (risposta attesa entro 30 giorni)";

test.describe("comunicazione bidirezionale", () => {
  test.use({ storageState: statePath("datore") });

  test("a richiesta reaches its Sede, is taken in charge and closed non accolta; the user sees each step", async ({ page, browser }, testInfo) => {
    const errors = watchErrors(page);
    errors.allow("/api/comunicazioni/nuova");
    const before = lastMailNumber();

    // The context link of the position's menu ("Contatti" → "Com. Bidirezionale") pre-fills the position;
    // without a contact the richiesta is refused and nothing is stored.
    await visit(page, `/cassetto/${POSITION}`, testInfo);
    await page.getByTestId("menu-posizione").getByRole("link", { name: "Com. Bidirezionale" }).click();
    await expect(page).toHaveURL(new RegExp(`/comunicazioni/nuova\\?posizione=${POSITION}$`));
    await settled(page, testInfo);
    await checkA11y(page);
    let form = page.getByTestId("form-comunicazione");
    await expect(form.getByLabel("Posizione contributiva")).toHaveValue(POSITION);
    await form.getByLabel("Classe e oggetto").selectOption({ label: OGGETTO });
    await form.getByLabel("Testo della richiesta").fill("La nota di rettifica di marzo non considera il versamento del 16/04.");
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("Indichi almeno un recapito");
    await settled(page, testInfo);

    await visit(page, `/comunicazioni/nuova?posizione=${POSITION}`, testInfo);
    form = page.getByTestId("form-comunicazione");
    await form.getByLabel("Classe e oggetto").selectOption({ label: OGGETTO });
    await form.getByLabel("Testo della richiesta").fill("La nota di rettifica di marzo non considera il versamento del 16/04.");
    await form.getByLabel("E-mail", { exact: true }).fill("personale@comune-roccaverde.example.it");
    await tick(form, /Acconsento/);
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("esito")).toContainText("Richiesta protocollata");
    await settled(page, testInfo);
    const protocollo = (await page.getByTestId("protocollo").textContent())!.trim();
    expect(protocollo).toMatch(/^INPS\.7001\.\d{4}\.\d{7}$/);
    await expect(page.getByTestId("stato-richiesta")).toHaveText("Aperta");
    const detailPath = new URL(page.url()).pathname;
    // Another user of the Cassetto does not find it (the same answer as for a missing one).
    const laura = await browser.newContext({ storageState: statePath("delegato") });
    const foreign = await laura.request.post("/api/comunicazioni/dettaglio", { data: { id: Number(detailPath.split("/").pop()) } });
    expect(foreign.status()).toBe(404);
    await laura.close();
    await waitForMail([`richiesta ${protocollo} protocollata`, "personale@comune-roccaverde.example.it"], before);

    // The operator of Roma Eur finds it in the queue, takes it in charge and closes it non accolta.
    const operator = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    await loginThroughUi(operator, "operatore", testInfo);
    await visit(operator, "/backoffice/quesiti", testInfo);
    await checkA11y(operator);
    await operator.getByTestId("quesiti").getByRole("link", { name: protocollo }).click();
    await settled(operator, testInfo);
    let act = operator.getByTestId("form-quesito");
    await act.getByLabel("Azione").selectOption("in_carico");
    await act.getByRole("button", { name: "Registra" }).click();
    await expect(operator.getByTestId("esito")).toHaveText("Quesito aggiornato.");
    await settled(operator, testInfo);
    await expect(operator.getByTestId("stato-richiesta")).toHaveText("In carico");

    // Meanwhile the user sees it in charge.
    await visit(page, detailPath, testInfo);
    await expect(page.getByTestId("stato-richiesta")).toHaveText("In carico");
    await expect(page.getByTestId("form-quesito")).toHaveCount(0);

    act = operator.getByTestId("form-quesito");
    await act.getByLabel("Azione").selectOption("non_accolta");
    await act.getByLabel("Commento").fill("Il versamento del 16/04 è imputato a un'altra matricola.");
    await act.getByRole("button", { name: "Registra" }).click();
    await expect(operator.getByTestId("esito")).toHaveText("Quesito aggiornato.");
    await settled(operator, testInfo);
    await operator.context().close();

    await visit(page, detailPath, testInfo);
    await expect(page.getByTestId("stato-richiesta")).toHaveText("Chiusa – non accolta");
    await expect(page.getByTestId("cronologia").locator("tbody tr")).toHaveCount(3);
    await expect(page.getByTestId("cronologia")).toContainText("Esito: non accolta. Il versamento del 16/04 è imputato a un'altra matricola.");
    await waitForMail([`richiesta ${protocollo} chiusa`], before);

    await visit(page, "/comunicazioni", testInfo);
    await expect(page.getByTestId("richieste-comunicazione").locator(`tr[data-stato=chiusa]`).filter({ hasText: protocollo })).toHaveCount(1);
    errors.assertClean();
  });
});
