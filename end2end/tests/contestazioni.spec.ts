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
});
