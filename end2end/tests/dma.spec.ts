import { test, expect } from "@playwright/test";
import * as fs from "fs";
import { checkA11y, settled, statePath, visit } from "./helpers";

// Comune di Roccaverde: CF 81000000018, PRGAZIENDA 00000.
const POSITION = "8100000001800000";

function listapospa(workers: [string, string][]): Buffer {
  const records = workers
    .map(([cf, imponibile]) =>
      `<D0_DenunciaIndividuale><CFLavoratore>${cf}</CFLavoratore><Cognome>Bianchi</Cognome><Nome>Laura</Nome>` +
      `<E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine><Gestioni>` +
      `<GestPensionistica><CodGestione>2</CodGestione><Imponibile>${imponibile}</Imponibile><Contributo>476,00</Contributo>` +
      `</GestPensionistica></Gestioni></E0_PeriodoNelMese></D0_DenunciaIndividuale>`)
    .join("");
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>` +
    `<CFAzienda>81000000018</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>${records}</PosPA></ListaPosPA></Azienda></DenunceMensili>`,
  );
}

/** One worker whose record breaks each cross-field rule of INPS, and a second PosPA block. */
function withEveryInpsCode(): Buffer {
  const e0 =
    `<E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine><Gestioni>` +
    `<GestPensionistica><CodGestione>2</CodGestione><Imponibile>1000,00</Imponibile><Contributo>100,00</Contributo></GestPensionistica>` +
    `<GestCredito><CodGestione>9</CodGestione><Imponibile>500,00</Imponibile><Contributo>1,00</Contributo></GestCredito></Gestioni>` +
    // CPDEL paid by another body beyond the worker's own pension base and contribution: 00171I, 00172I;
    // Fondo credito beyond the worker's credit base: 00032I.
    `<AltroEnteVersante><TipoContributo>1</TipoContributo><Imponibile>1500,00</Imponibile><Contributo>200,00</Contributo></AltroEnteVersante>` +
    `<AltroEnteVersante><TipoContributo>9</TipoContributo><Imponibile>600,00</Imponibile><Contributo>0,00</Contributo></AltroEnteVersante>` +
    `</E0_PeriodoNelMese>`;
  // A cancelling V1 (causale 6) carrying more than its dates: 00126I.
  const v1 =
    `<V1_PeriodoPrecedente CausaleVariazione="6"><GiornoInizio>2025-11-01</GiornoInizio><GiornoFine>2025-11-30</GiornoFine>` +
    `<Gestioni><GestPensionistica><CodGestione>2</CodGestione></GestPensionistica></Gestioni></V1_PeriodoPrecedente>`;
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>` +
    `<CFAzienda>81000000018</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>` +
    `<D0_DenunciaIndividuale><CFLavoratore>RSSMRA70A01H501S</CFLavoratore><Cognome>Rossi</Cognome><Nome>Mario</Nome>${e0}${v1}</D0_DenunciaIndividuale>` +
    // A second PosPA block: 00124I.
    `</PosPA><PosPA></PosPA></ListaPosPA></Azienda></DenunceMensili>`,
  );
}

test.describe("invio denuncia DMA (ListaPosPA)", () => {
  test.use({ storageState: statePath("datore") });

  test("a clean file is acquired and listed; a file with problems is refused with each one, also as CSV", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    await checkA11y(page);
    let form = page.getByTestId("form-dma");
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles({
      name: "marzo.xml", mimeType: "application/xml", buffer: listapospa([["BNCLRA85M41F205C", "2000,00"], ["RSSMRA70A01H501S", "1800,00"]]),
    });
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    await expect(page.getByTestId("esito")).toContainText("Denuncia di 2026-03 acquisita");
    await expect(page.getByTestId("esito")).toContainText("2 lavoratori");
    await settled(page, testInfo);
    await page.getByTestId("esito").getByRole("link", { name: "Vedi le denunce trasmesse" }).click();
    await settled(page, testInfo);
    await expect(page.getByTestId("tabella")).toContainText("acquisita");

    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    form = page.getByTestId("form-dma");
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles({
      name: "errata.xml", mimeType: "application/xml", buffer: listapospa([["BNCLRA85M41F205X", "2000,00"], ["RSSMRA70A01H501S", "1.800.00"]]),
    });
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    await expect(page.getByTestId("scartata")).toContainText("2 problemi");
    await settled(page, testInfo);
    await expect(page.locator("[data-testid=errori-dma] tr[data-codice=CAS001]")).toContainText("BNCLRA85M41F205X");
    await expect(page.locator("[data-testid=errori-dma] tr[data-codice=CAS040]")).toContainText("1.800.00");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Scarica l'elenco (CSV)" }).click()]);
    const csv = fs.readFileSync(await download.path(), "utf8");
    expect(csv).toContain('"CAS001"');
    expect(csv).toContain('"CAS040"');
  });

  test("each INPS error code is listed with its Italian description", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    const form = page.getByTestId("form-dma");
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles({ name: "codici.xml", mimeType: "application/xml", buffer: withEveryInpsCode() });
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    await expect(page.getByTestId("scartata")).toContainText("5 problemi");
    await settled(page, testInfo);
    const row = (code: string) => page.locator(`[data-testid=errori-dma] tr[data-codice="${code}"]`);
    await expect(row("00171I")).toContainText("supera l'imponibile della gestione pensionistica");
    await expect(row("00172I")).toContainText("supera il contributo della gestione pensionistica");
    await expect(row("00032I")).toContainText("Fondo credito");
    await expect(row("00126I")).toContainText("solo GiornoInizio e GiornoFine");
    await expect(row("00124I")).toContainText("blocchi PosPA");
  });
});
