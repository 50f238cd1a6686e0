import { test, expect } from "@playwright/test";
import { NO_SESSION, checkA11y, hydrated, loginThroughUi, settled, statePath, visit } from "./helpers";

const POSITION = "8100000001800000";

test.describe("contestazione note di debito", () => {
  test.use({ storageState: statePath("datore") });

  test("filed with a file, answered by the Sede, the answer shows to the user", async ({ page, browser }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/contestazione-note-debito`, testInfo);
    await checkA11y(page);
    const form = page.getByTestId("form-contestazione");
    // Each project contests its own nota (one waiting per nota).
    await form.getByLabel("Nota di debito").selectOption({ index: hydrated(testInfo) ? 0 : 1 });
    const motivo = `Versamento del 16/04 non considerato (${testInfo.project.name} ${Date.now()})`;
    await form.getByLabel("Motivi della contestazione").fill(motivo);
    await form.getByLabel(/Allegati/).setInputFiles({ name: "quietanza.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\nquietanza\n") });
    await form.getByRole("button", { name: "Presenta la contestazione" }).click();
    await expect(page.getByTestId("esito")).toContainText(/Contestazione presentata con protocollo INPS\.7001\./);
    await settled(page, testInfo);
    const protocollo = (await page.getByTestId("esito").textContent())!.match(/INPS\.\d+\.\d+\.\d+/)![0];
    const mine = page.getByTestId("contestazione").filter({ hasText: protocollo });
    await expect(mine).toHaveAttribute("data-stato", "presentata");
    await expect(mine).toContainText("quietanza.pdf");

    const operator = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    await loginThroughUi(operator, "operatore", testInfo);
    await visit(operator, "/backoffice/contestazioni", testInfo);
    await checkA11y(operator);
    const answer = operator.locator(`[data-testid=risposta-contestazione][data-protocollo="${protocollo}"]`);
    await answer.getByLabel(`Esito ${protocollo}`).selectOption("respinta");
    await answer.getByLabel(`Risposta ${protocollo}`).fill("Il versamento è imputato a un'altra nota.");
    await answer.getByRole("button", { name: "Rispondi" }).click();
    await expect(operator.getByTestId("esito")).toHaveText("Risposta registrata.");
    await settled(operator, testInfo);
    await operator.context().close();

    await visit(page, `/cassetto/${POSITION}/contestazione-note-debito`, testInfo);
    const answered = page.getByTestId("contestazione").filter({ hasText: protocollo });
    await expect(answered).toHaveAttribute("data-stato", "respinta");
    await expect(answered).toContainText("Il versamento è imputato a un'altra nota.");
  });

  test("offered on the notes of regolarizzazione only; one of sistemazione is refused by the server too", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/contestazione-note-debito`, testInfo);
    const notes = page.getByTestId("note-contestazione");
    const sistemazione = notes.locator("tr[data-tipo=Sistemazione]").first();
    const regolarizzazione = notes.locator("tr[data-tipo=Regolarizzazione]").first();
    // Absent on a nota of sistemazione, with the reason; present on one of regolarizzazione.
    await expect(sistemazione.getByTestId("contesta")).toHaveCount(0);
    await expect(sistemazione.getByTestId("non-contestabile")).toHaveText("Non contestabile: solo consultazione");
    await expect(regolarizzazione.getByRole("link", { name: /^Contesta la nota/ })).toBeVisible();
    // The form offers only the notes of regolarizzazione.
    const numeri = await notes.locator("tr[data-tipo=Regolarizzazione]").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-numero")));
    const options = await page.getByTestId("form-contestazione").getByLabel("Nota di debito").locator("option").allTextContents();
    expect(options.map((o) => o.split(" – ")[0])).toEqual(numeri);

    // «Contesta» on a nota leads to the form with that nota chosen.
    const numero = (await regolarizzazione.getAttribute("data-numero"))!;
    await regolarizzazione.getByRole("link", { name: /^Contesta la nota/ }).click();
    await expect(page).toHaveURL(/\?nota=\d+#form-contestazione$/);
    await settled(page, testInfo);
    await expect(page.getByTestId("form-contestazione").getByLabel("Nota di debito").locator("option:checked")).toContainText(numero);

    // Posted on the nota of sistemazione all the same (as a script might): refused, nothing filed.
    const id = (await sistemazione.getAttribute("data-id"))!;
    const numeroSistemazione = (await sistemazione.getAttribute("data-numero"))!;
    const filed = await page.getByTestId("contestazione").count();
    const res = await page.request.post(`/api/contestazioni/${POSITION}`, {
      headers: { Accept: "application/json" },
      multipart: { nota: id, motivi: "La nota non è dovuta." },
    });
    expect(res.status()).toBe(400);
    expect((await res.json()).errore).toContain(`La nota ${numeroSistemazione} non è contestabile`);
    await visit(page, `/cassetto/${POSITION}/contestazione-note-debito`, testInfo);
    await expect(page.getByTestId("contestazione")).toHaveCount(filed);
  });
});
