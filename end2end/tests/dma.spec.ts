import { test, expect, Page, TestInfo } from "@playwright/test";
import * as fs from "fs";
import { checkA11y, hydrated, settled, statePath, tick, visit } from "./helpers";

// Comune di Roccaverde: CF 81000000018, PRGAZIENDA 00000.
const POSITION = "8100000001800000";

/** How the worker is employed: every period of the month says it. */
const INQUADRAMENTO =
  `<InquadramentoLavPA><TipoImpiego>1</TipoImpiego><TipoServizio>4</TipoServizio><Contratto>RALN</Contratto>` +
  `<Qualifica>000123</Qualifica></InquadramentoLavPA>`;

function listapospa(workers: [string, string][], mese = "2026-03"): Buffer {
  const [y, m] = mese.split("-").map(Number);
  const fine = `${mese}-${new Date(Date.UTC(y, m, 0)).getUTCDate()}`;
  const records = workers
    .map(([cf, imponibile]) =>
      `<D0_DenunciaIndividuale><CFLavoratore>${cf}</CFLavoratore><Cognome>Bianchi</Cognome><Nome>Laura</Nome>` +
      `<E0_PeriodoNelMese><GiornoInizio>${mese}-01</GiornoInizio><GiornoFine>${fine}</GiornoFine>${INQUADRAMENTO}<Gestioni>` +
      `<GestPensionistica><CodGestione>2</CodGestione><Imponibile>${imponibile}</Imponibile><Contributo>476,00</Contributo>` +
      `</GestPensionistica></Gestioni></E0_PeriodoNelMese></D0_DenunciaIndividuale>`)
    .join("");
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><DenunceMensili><Azienda><AnnoMeseDenuncia>${mese}</AnnoMeseDenuncia>` +
    `<CFAzienda>81000000018</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>${records}</PosPA></ListaPosPA></Azienda></DenunceMensili>`,
  );
}

type File = { name: string; mimeType: string; buffer: Buffer };

/** Sends `file` from the import page; when the month already has a declaration in force (the demo's, or an
 *  earlier run's), confirms replacing it as the notice asks (ticked, the file chosen again). */
async function inviaDma(page: Page, testInfo: TestInfo, file: File) {
  const form = page.getByTestId("form-dma");
  await form.getByLabel("File ListaPosPA (XML)").setInputFiles(file);
  await form.getByRole("button", { name: "Invia la denuncia" }).click();
  const avviso = page.getByTestId("avviso-sostituzione");
  await expect(page.getByTestId("esito").or(page.getByTestId("scartata")).or(avviso)).toBeVisible();
  if ((await avviso.count()) === 0) return;
  await settled(page, testInfo);
  await tick(form, /Confermo: la nuova denuncia sostituisce/);
  await form.getByLabel("File ListaPosPA (XML)").setInputFiles(file);
  await form.getByRole("button", { name: "Invia la denuncia" }).click();
  await expect(page.getByTestId("esito").or(page.getByTestId("scartata"))).toBeVisible();
}

/** One worker whose record breaks each cross-field rule of INPS, and a second PosPA block. */
function withEveryInpsCode(): Buffer {
  const e0 =
    `<E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine>${INQUADRAMENTO}<Gestioni>` +
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

/** June 2021 (a month no demo declaration has): other bodies pay more CPDEL taxable (00171I) and more Fondo
 *  credito taxable (00032I) than the worker's own. Two warnings, no blocking error. */
function withWarningsOnly(): Buffer {
  const inquadramento = INQUADRAMENTO.replace("</Qualifica>", "</Qualifica><RegimeFineServizio>3</RegimeFineServizio>");
  const e0 =
    `<E0_PeriodoNelMese><GiornoInizio>2021-06-01</GiornoInizio><GiornoFine>2021-06-30</GiornoFine>${inquadramento}<Gestioni>` +
    `<GestPensionistica><CodGestione>2</CodGestione><Imponibile>2000,00</Imponibile><Contributo>476,00</Contributo></GestPensionistica>` +
    `<GestPrevidenziale><CodGestione>6</CodGestione><ImponibileTFS>2000,00</ImponibileTFS><ContributoTFS>50,00</ContributoTFS></GestPrevidenziale>` +
    `<GestCredito><CodGestione>9</CodGestione><Imponibile>2000,00</Imponibile><Contributo>7,00</Contributo></GestCredito></Gestioni>` +
    `<AltroEnteVersante><TipoContributo>1</TipoContributo><Imponibile>2500,00</Imponibile><Contributo>100,00</Contributo></AltroEnteVersante>` +
    `<AltroEnteVersante><TipoContributo>9</TipoContributo><Imponibile>2100,00</Imponibile><Contributo>0,00</Contributo></AltroEnteVersante>` +
    `</E0_PeriodoNelMese>`;
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><DenunceMensili><Azienda><AnnoMeseDenuncia>2021-06</AnnoMeseDenuncia>` +
    `<CFAzienda>81000000018</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>` +
    `<D0_DenunciaIndividuale><CFLavoratore>RSSMRA70A01H501S</CFLavoratore><Cognome>Rossi</Cognome><Nome>Mario</Nome>${e0}` +
    `</D0_DenunciaIndividuale></PosPA></ListaPosPA></Azienda></DenunceMensili>`,
  );
}

test.describe("invio denuncia DMA (ListaPosPA)", () => {
  test.use({ storageState: statePath("datore") });

  test("a clean file is acquired and listed; a file with problems is refused with each one, also as CSV", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    await checkA11y(page);
    await inviaDma(page, testInfo, {
      name: "marzo.xml", mimeType: "application/xml", buffer: listapospa([["BNCLRA85M41F205C", "2000,00"], ["RSSMRA70A01H501S", "1800,00"]]),
    });
    await expect(page.getByTestId("esito")).toContainText("Denuncia di 03/2026 acquisita");
    await expect(page.getByTestId("esito")).toContainText("2 lavoratori");
    await settled(page, testInfo);
    await page.getByTestId("esito").getByRole("link", { name: "Vedi le denunce trasmesse" }).click();
    await settled(page, testInfo);
    await expect(page.getByTestId("tabella").locator("tbody tr", { hasText: "03/2026" }).first()).toContainText(/accettata/i);

    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    const form = page.getByTestId("form-dma");
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles({
      name: "errata.xml", mimeType: "application/xml", buffer: listapospa([["BNCLRA85M41F205X", "2000,00"], ["RSSMRA70A01H501S", "1.800.00"]]),
    });
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    await expect(page.getByTestId("scartata")).toContainText("2 problemi");
    await settled(page, testInfo);
    await expect(page.locator("[data-testid=errori-dma] tr[data-codice=CAS001]")).toContainText("BNCLRA85M41F205X");
    await expect(page.locator("[data-testid=errori-dma] tr[data-codice=CAS040]")).toContainText("1.800.00");
    // Each problem has its month in «Periodo»: the period's, or (a record's problem) the declaration's.
    await expect(page.locator("[data-testid=errori-dma] tr[data-codice=CAS001] td").nth(1)).toHaveText("03/2026");
    await expect(page.locator("[data-testid=errori-dma] tr[data-codice=CAS040] td").nth(1)).toHaveText("03/2026");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Scarica l'elenco (CSV)" }).click()]);
    const csv = fs.readFileSync(await download.path(), "utf8");
    // One problem per row, `;`-separated, the code a cell of its own (quoted only when it would need it).
    expect(csv).toMatch(/;"?CAS001"?;/);
    expect(csv).toMatch(/;"?CAS040"?;/);
    expect(csv).toMatch(/BNCLRA85M41F205X;"?03\/2026"?;/);
  });

  test("a file with warnings only is acquired «accettata con errori» with its counts; the warnings are on the consultation's DMA page, also as CSV", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    // June 2021: the hydrated run's declaration is in force when the run without script sends it again.
    await inviaDma(page, testInfo, { name: "avvisi.xml", mimeType: "application/xml", buffer: withWarningsOnly() });
    const esito = page.getByTestId("esito");
    await expect(esito).toContainText("Denuncia di 06/2021 acquisita");
    await expect(esito).toContainText("accettata con errori (0 errori bloccanti, 2 avvisi)");
    await settled(page, testInfo);
    await checkA11y(page);
    for (const code of ["00171I", "00032I"]) {
      await expect(page.locator(`[data-testid=errori-dma] tr[data-codice="${code}"]`)).toHaveAttribute("data-gravita", "Avviso");
    }
    await esito.getByRole("link", { name: "Vedi le denunce trasmesse" }).click();
    await settled(page, testInfo);
    // The declaration in the list, with its outcome; its workers' page has the warnings on the worker's line.
    await visit(page, `/cassetto/${POSITION}/dma?periodo_dal=2021-06&periodo_al=2021-06`, testInfo);
    const row = page.getByTestId("tabella").locator("tbody tr", { hasText: "06/2021" }).first();
    await expect(row).toContainText(/accettata con errori/i);
    await row.getByRole("link").first().click();
    await settled(page, testInfo);
    const warned = page.getByTestId("tabella").locator("tbody tr", { hasText: "00171I, 00032I" });
    await expect(warned).toHaveCount(1);
    await expect(warned).toContainText("RSSMRA70A01H501S");
    await expect(warned).toContainText("Fondo credito");
    // The TFS line is stored with its amounts.
    await expect(page.getByTestId("tabella").locator("tbody tr", { hasText: "TFS" }).first()).toContainText("ContributoTFS 50,00");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Scarica CSV" }).click()]);
    const csv = fs.readFileSync(await download.path(), "utf8");
    expect(csv).toContain("00171I, 00032I");
  });

  test("each INPS error code is listed with its Italian description", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    const form = page.getByTestId("form-dma");
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles({ name: "codici.xml", mimeType: "application/xml", buffer: withEveryInpsCode() });
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    // 00124I and 00126I block; 00171I, 00172I and 00032I are warnings.
    await expect(page.getByTestId("scartata")).toContainText("5 problemi (2 errori bloccanti, 3 avvisi)");
    await settled(page, testInfo);
    const row = (code: string) => page.locator(`[data-testid=errori-dma] tr[data-codice="${code}"]`);
    await expect(row("00171I")).toContainText("supera l'imponibile della gestione pensionistica");
    await expect(row("00172I")).toContainText("supera il contributo della gestione pensionistica");
    await expect(row("00032I")).toContainText("Fondo credito");
    await expect(row("00126I")).toContainText("solo GiornoInizio e GiornoFine");
    await expect(row("00124I")).toContainText("blocchi PosPA");
  });
});

test.describe("files from other payroll software", () => {
  test.use({ storageState: statePath("datore") });

  test("a Latin-1 file is acquired; a file of corrections only is listed as a variation", async ({ page }, testInfo) => {
    // An older program's file: declared ISO-8859-1, an accented surname in one byte.
    const latin1 = Buffer.from(
      listapospa([["BNCLRA85M41F205C", "2000,00"]]).toString("utf8")
        .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        .replace("<Cognome>Bianchi</Cognome>", "<Cognome>Nicolò</Cognome>"),
      "latin1",
    );
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    await inviaDma(page, testInfo, { name: "vecchio.xml", mimeType: "application/xml", buffer: latin1 });
    await expect(page.getByTestId("esito")).toContainText("acquisita");
    await settled(page, testInfo);

    // Corrections of November 2025 only (causale 5 replaces the period), sent in a declaration of December 2025.
    const v1 =
      `<V1_PeriodoPrecedente CausaleVariazione="5"><GiornoInizio>2025-11-01</GiornoInizio><GiornoFine>2025-11-30</GiornoFine>` +
      `${INQUADRAMENTO}<Gestioni><GestPensionistica><CodGestione>2</CodGestione><Imponibile>300,00</Imponibile>` +
      `<Contributo>71,40</Contributo></GestPensionistica></Gestioni></V1_PeriodoPrecedente>`;
    const variazione = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><DenunceMensili><Azienda><AnnoMeseDenuncia>2025-12</AnnoMeseDenuncia>` +
      `<CFAzienda>81000000018</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>` +
      `<D0_DenunciaIndividuale><CFLavoratore>RSSMRA70A01H501S</CFLavoratore><Cognome>Rossi</Cognome><Nome>Mario</Nome>${v1}` +
      `</D0_DenunciaIndividuale></PosPA></ListaPosPA></Azienda></DenunceMensili>`,
    );
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    const form = page.getByTestId("form-dma");
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles({ name: "variazione.xml", mimeType: "application/xml", buffer: variazione });
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    await expect(page.getByTestId("esito")).toContainText("acquisita");
    await settled(page, testInfo);
    await visit(page, `/cassetto/${POSITION}/dma`, testInfo);
    const row = page.getByTestId("tabella").locator("tbody tr", { hasText: "12/2025" }).filter({ hasText: "variazione" });
    await expect(row.first()).toContainText("300,00");
  });
});

test.describe("compilazione manuale DMA", () => {
  test.use({ storageState: statePath("datore") });

  test("a problem shows as one types and goes when fixed; the XML downloads; the declaration is sent and listed", async ({ page }, testInfo) => {
    // "Supporto" opens the manual at this service's page.
    await visit(page, `/cassetto/${POSITION}/compilazione-dma`, testInfo);
    await page.getByTestId("link-supporto").click();
    await expect(page).toHaveURL(/\/supporto\/compilazione-dma$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Compilazione manuale DMA");
    await expect(page.getByTestId("passi").locator("li")).toHaveCount(6);
    await visit(page, `/cassetto/${POSITION}/compilazione-dma`, testInfo);
    if (!hydrated(testInfo)) {
      // The form lives in the browser: without script the page says so and points to the file upload.
      await expect(page.getByTestId("senza-script")).toContainText("Invio denuncia DMA");
      return;
    }
    await settled(page, testInfo);
    await checkA11y(page);
    await page.getByLabel("Mese della denuncia").fill("2026-01");
    const worker = page.getByTestId("lavoratore").first();
    // The period made before the month was chosen now covers it.
    await expect(worker.getByLabel("Giorno inizio")).toHaveValue("2026-01-01");
    await expect(worker.getByLabel("Giorno fine")).toHaveValue("2026-01-31");
    await worker.getByLabel("Codice fiscale").fill("VRDGPP65C10L219X");
    await worker.getByLabel("Cognome").fill("Verdi");
    await worker.getByLabel("Nome", { exact: true }).fill("Giuseppe");
    await worker.getByLabel("Codice gestione").selectOption("2");
    await worker.getByLabel("Imponibile (€)").fill("2.500.00");
    await worker.getByLabel("Contributo (€)").fill("595,00");
    const checks = page.getByTestId("controlli");
    await expect(checks.locator("li[data-codice=CAS001]")).toContainText("VRDGPP65C10L219X");
    await expect(checks.locator("li[data-codice=CAS040]")).toContainText("2.500.00");
    // A period of the month says how the worker is employed.
    await expect(checks.locator("li[data-codice=CAS064]")).toContainText("InquadramentoLavPA");
    const send = page.getByRole("button", { name: "Invia la denuncia" });
    await expect(send).toBeDisabled();
    await worker.getByLabel("Tipo impiego").fill("1");
    await worker.getByLabel("Tipo servizio").fill("4");
    await worker.getByLabel("Contratto").fill("RALN");
    await worker.getByLabel("Qualifica (6 car.)").fill("000123");
    await expect(checks.locator("li[data-codice=CAS064]")).toHaveCount(0);

    await worker.getByLabel("Codice fiscale").fill("VRDGPP65C10L219T");
    await expect(checks.locator("li[data-codice=CAS001]")).toHaveCount(0);
    await worker.getByLabel("Imponibile (€)").fill("2500,00");
    // An F1 instalment, first with its number past the plan's end.
    await worker.getByRole("button", { name: "Aggiungi rata F1" }).click();
    const rata = worker.getByTestId("rata");
    await rata.getByLabel("Mese di riferimento").fill("2025-12");
    await rata.getByLabel("Codice gestione").selectOption("2");
    await rata.getByLabel("Tipo piano").selectOption("11");
    await rata.getByLabel("Operazione").selectOption("V");
    await rata.getByLabel("Rata n.").fill("61");
    await rata.getByLabel("Di (totale rate)").fill("60");
    await rata.getByLabel("Importo (€)").fill("120,00");
    await expect(checks.locator("li[data-codice=CAS051]")).toBeVisible();
    await rata.getByLabel("Rata n.").fill("3");
    await expect(checks).toHaveAttribute("data-problemi", "0");
    await expect(send).toBeEnabled();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Scarica il file XML" }).click()]);
    expect(download.suggestedFilename()).toBe("ListaPosPA-2026-01.xml");
    const xml = fs.readFileSync(await download.path(), "utf8");
    expect(xml).toContain("<CFAzienda>81000000018</CFAzienda>");
    expect(xml).toContain("<CFLavoratore>VRDGPP65C10L219T</CFLavoratore>");
    expect(xml).toContain("<Imponibile>2500,00</Imponibile>");
    expect(xml).toContain("<PrgRata>3</PrgRata><TotaleRate>60</TotaleRate>");

    // January 2026 has the demo's declaration: the server names it, and the sending waits for the confirmation.
    await send.click();
    const avviso = page.getByTestId("avviso-sostituzione");
    await expect(avviso).toContainText("Per il periodo 01/2026 è già stata trasmessa una denuncia il");
    await expect(send).toBeDisabled();
    await tick(avviso, /Confermo: la nuova denuncia sostituisce quella del periodo 01\/2026/);
    await send.click();
    await expect(page.getByTestId("esito")).toContainText("Denuncia di 01/2026 acquisita");
    await expect(page.getByTestId("esito")).toContainText("1 lavoratori");
    // The submission is a use of the service: its rating is offered under the outcome.
    await expect(page.getByTestId("feedback")).toContainText("«Invio denuncia DMA»");
    await visit(page, `/cassetto/${POSITION}/dma`, testInfo);
    await expect(page.getByTestId("tabella").locator("tbody tr", { hasText: "01/2026" }).first()).toContainText(/accettata/i);
  });
});

test.describe("una seconda denuncia dello stesso mese", () => {
  test.use({ storageState: statePath("datore") });

  test("is not stored beside the first: the notice names the one in force, the confirmed one replaces it", async ({ page }, testInfo) => {
    // April 2026: the demo's declaration (and, in the run without script, the hydrated run's) is in force.
    const file = { name: "aprile.xml", mimeType: "application/xml", buffer: listapospa([["BNCLRA85M41F205C", "1234,56"]], "2026-04") };
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    const form = page.getByTestId("form-dma");
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles(file);
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    const avviso = page.getByTestId("avviso-sostituzione");
    await expect(avviso).toContainText(/Per il periodo 04\/2026 è già stata trasmessa una denuncia il \d\d\/\d\d\/\d{4} \(protocollo INPS\./);
    await expect(avviso).toContainText("la nuova denuncia la sostituisce per intero");
    await expect(page.getByTestId("esito")).toHaveCount(0);
    await expect(page).toHaveURL(/\?sostituzione=\d+$/);
    await settled(page, testInfo);
    await checkA11y(page);
    // Not ticked: the browser does not send the form (the confirmation is required), script or not.
    await form.getByLabel("File ListaPosPA (XML)").setInputFiles(file);
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    await expect(avviso).toBeVisible();
    await expect(page).toHaveURL(/\?sostituzione=\d+$/);
    await tick(form, /Confermo: la nuova denuncia sostituisce quella del periodo 04\/2026/);
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    await expect(page.getByTestId("esito")).toContainText("Denuncia di 04/2026 acquisita");
    await settled(page, testInfo);

    // Both listed, newest first: the new one «sostitutiva», the old one «sostituita»; the month's totals are
    // the one in force only.
    await visit(page, `/cassetto/${POSITION}/dma?periodo_dal=2026-04&periodo_al=2026-04`, testInfo);
    const rows = page.getByTestId("tabella").locator("tbody tr");
    await expect(rows.first()).toContainText("sostitutiva");
    await expect(rows.first()).toContainText("1.234,56");
    await expect(rows.filter({ hasText: "sostituita" })).not.toHaveCount(0);
    await expect(page.getByTestId("totali").locator("[data-total=imponibile]")).toHaveText("1.234,56");
  });
});

test.describe("il campo del file", () => {
  test.use({ storageState: statePath("datore") });

  test("is the kit's upload: the file chosen is listed with its size, a file of another type is refused before sending", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/importa-dma`, testInfo);
    const form = page.getByTestId("form-dma");
    const input = form.getByLabel("File ListaPosPA (XML)");
    const pdf = { name: "denuncia.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n") };
    if (!hydrated(testInfo)) {
      // Without script the browser's own input; the server refuses what is not a declaration.
      await input.setInputFiles(pdf);
      await form.getByRole("button", { name: "Invia la denuncia" }).click();
      await expect(page.getByTestId("errore-modulo")).toBeVisible();
      return;
    }
    await expect(input).toHaveClass(/\bupload\b/);
    await input.setInputFiles({ name: "marzo.xml", mimeType: "application/xml", buffer: listapospa([["BNCLRA85M41F205C", "2000,00"]]) });
    const scelto = form.getByTestId("file-scelto");
    await expect(scelto).toHaveCount(1);
    await expect(scelto).toContainText("marzo.xml");
    await expect(scelto).toContainText(/\d+ byte/);
    await expect(form.getByTestId("errore-file")).toHaveCount(0);
    await checkA11y(page);

    await input.setInputFiles(pdf);
    await expect(form.getByTestId("errore-file")).toHaveText("Il file «denuncia.pdf» non è di un tipo ammesso: sono ammessi XML.");
    await expect(input).toHaveClass(/is-invalid/);
    await expect(input).toHaveAttribute("aria-invalid", "true");
    await form.getByRole("button", { name: "Invia la denuncia" }).click();
    // Not sent: still the empty page, no outcome, no refusal from the server.
    await expect(page).toHaveURL(new RegExp(`/cassetto/${POSITION}/importa-dma$`));
    await expect(page.getByTestId("errore-modulo")).toHaveCount(0);
    await expect(page.getByTestId("scartata")).toHaveCount(0);
  });
});
