import { test, expect, Page, TestInfo } from "@playwright/test";
import { execFileSync } from "child_process";
import {
  NO_SESSION, SAME_ORIGIN, callJson, checkA11y, hydrated, lastMailNumber, loginThroughUi, settled, statePath, tick, visit,
  waitForMail, waitForMessage, waitForSms, watchErrors,
} from "./helpers";

// Comune di Roccaverde: Mario's position at Sede Roma Eur, where Paolo Gallo is an operator.
const POSITION = "8100000001800000";
const OGGETTO = "Uniemens – Note di rettifica (risposta attesa entro 30 giorni)";
const EMAIL = "personale@comune-roccaverde.example.it";

// Three files of three admitted types, with contents that are what their names say.
const PDF = Buffer.concat([Buffer.from("%PDF-1.7\n% nota di rettifica\n"), Buffer.alloc(40_000, 0x20), Buffer.from("\n%%EOF\n")]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251))]);
const XML = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<DenunceRetributiveMensili><Matricola>8100000001</Matricola></DenunceRetributiveMensili>\n');
const FILES = [
  { name: "nota-rettifica.pdf", mimeType: "application/pdf", buffer: PDF },
  { name: "quietanza-f24.png", mimeType: "image/png", buffer: PNG },
  { name: "uniemens-marzo.xml", mimeType: "application/xml", buffer: XML },
];

/** A phone number of its own per run, so the SMS the sink files can be told apart. */
function phoneFor(testInfo: TestInfo): string {
  return `+39 333 ${hydrated(testInfo) ? 1 : 2}${String(Date.now() % 1_000_000).padStart(6, "0")}`;
}

/** The entries of a zip file, name → bytes (hex), read with Python's zipfile. */
function zipEntries(file: string): Record<string, string> {
  const script = "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: z.read(n).hex() for n in z.namelist()}))";
  return JSON.parse(execFileSync("python3", ["-c", script, file]).toString());
}

/** How many richieste the user has, as the history page lists them. */
async function richiesteCount(page: Page, testInfo: TestInfo): Promise<number> {
  await visit(page, "/comunicazioni", testInfo);
  return page.getByTestId("richiesta-comunicazione").count();
}

/**
 * Fills the form of a new richiesta. The notices: with a phone, by e-mail and SMS (or by SMS only, `smsOnly`),
 * with the SMS consent; without one, by e-mail only, which needs no consent.
 */
async function fillRichiesta(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[], phone?: string, smsOnly = false) {
  const form = page.getByTestId("form-comunicazione");
  await form.getByLabel("Classe e oggetto").selectOption({ label: OGGETTO });
  await form.getByLabel("Testo della richiesta").fill("La nota di rettifica di marzo non considera il versamento del 16/04.");
  await form.getByLabel("Allegati (facoltativi)").setInputFiles(files);
  await tick(form, phone ? (smsOnly ? "Solo SMS" : "E-mail e SMS") : "Solo e-mail");
  if (!smsOnly) await form.getByLabel("Indirizzo e-mail").fill(EMAIL);
  if (phone) {
    await form.getByLabel("Telefono cellulare").fill(phone);
    await tick(form, /Acconsento/);
  }
  return form;
}

/** The start of a slot the operator publishes: 20 days ahead, at a minute of its own per run. */
function slotStart(testInfo: TestInfo): { input: string; shown: string } {
  const d = new Date(Date.now() + (20 + (hydrated(testInfo) ? 0 : 1)) * 86_400_000);
  const minutes = 8 * 60 + (Math.floor(Date.now() / 1000) % 96) * 5; // 08:00 to 15:55
  const pad = (n: number) => String(n).padStart(2, "0");
  const [y, m, day, h, min] = [d.getFullYear(), pad(d.getMonth() + 1), pad(d.getDate()), pad(Math.floor(minutes / 60)), pad(minutes % 60)];
  return { input: `${y}-${m}-${day}T${h}:${min}`, shown: `${day}/${m}/${y} ${h}:${min}` };
}

test.describe("comunicazione bidirezionale", () => {
  test.use({ storageState: statePath("datore") });

  test("richiesta with three files → in carico → non accolta, with e-mail and SMS; the user books a slot the operator sees", async ({ page, browser }, testInfo) => {
    const errors = watchErrors(page);
    errors.allow("/api/comunicazioni/nuova");
    const before = lastMailNumber();
    const phone = phoneFor(testInfo);

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

    // With the three files: the upload shows its progress (hydrated), then the richiesta is protocolled.
    await visit(page, `/comunicazioni/nuova?posizione=${POSITION}`, testInfo);
    form = await fillRichiesta(page, FILES, phone);
    if (hydrated(testInfo)) {
      // Record every value the progress bar takes (the upload is quick on this machine).
      await page.evaluate(() => {
        const seen: string[] = ((window as any).__progress = []);
        new MutationObserver(() => {
          const bar = document.querySelector("[data-testid=avanzamento] [role=progressbar]");
          if (bar) seen.push(bar.getAttribute("aria-valuenow") || "");
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      });
    }
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("esito")).toContainText("Richiesta protocollata");
    await settled(page, testInfo);
    if (hydrated(testInfo)) {
      const seen: string[] = await page.evaluate(() => (window as any).__progress);
      expect(seen).toContain("100");
    }
    const protocollo = (await page.getByTestId("protocollo").textContent())!.trim();
    expect(protocollo).toMatch(/^INPS\.7001\.\d{4}\.\d{7}$/);
    await expect(page.getByTestId("stato-richiesta")).toHaveText("Aperta");
    for (const f of FILES) await expect(page.getByTestId("allegati")).toContainText(f.name);
    const detailPath = new URL(page.url()).pathname;
    const id = Number(detailPath.split("/").pop());

    // The zip downloaded back holds exactly the files sent, byte for byte.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("scarica-allegati").click()]);
    expect(download.suggestedFilename()).toBe(`allegati-${protocollo}.zip`);
    const entries = zipEntries(await download.path());
    expect(Object.keys(entries).sort()).toEqual(FILES.map((f) => f.name).sort());
    for (const f of FILES) expect(entries[f.name]).toBe(f.buffer.toString("hex"));

    // Another user of the Cassetto does not find the richiesta nor its files (as if missing).
    const laura = await browser.newContext({ storageState: statePath("delegato") });
    expect((await laura.request.post("/api/comunicazioni/dettaglio", { data: { id } })).status()).toBe(404);
    expect((await laura.request.get(`/comunicazioni/${id}/allegati.zip`, SAME_ORIGIN)).status()).toBe(404);
    await laura.close();
    // Protocolled and routed: told by e-mail and by SMS.
    await waitForMail([`richiesta ${protocollo} protocollata`, EMAIL], before);
    const opened = await waitForSms(phone, protocollo);
    expect(opened).toHaveLength(1);
    expect(opened[0].text).toContain("Sede Roma Eur");
    // The richiesta's page tracks both deliveries.
    await visit(page, detailPath, testInfo);
    await expect(page.getByTestId("avvisi").locator("tr[data-stato=inviato]")).toHaveCount(2);
    await expect(page.getByTestId("avvisi")).toContainText(phone);
    // Within its soglia the richiesta cannot lead to an appointment yet.
    await expect(page.getByTestId("non-prenotabile")).toContainText("ancora nei tempi di risposta");

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
    // The Sede reads the files too.
    expect((await operator.request.get(`/comunicazioni/${id}/allegati.zip`, SAME_ORIGIN)).status()).toBe(200);

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

    // The operator publishes a slot at the Sede's agenda.
    const start = slotStart(testInfo);
    await visit(operator, "/agenda", testInfo);
    await checkA11y(operator);
    const slotForm = operator.getByTestId("form-slot");
    await slotForm.getByLabel("Data e ora di inizio").fill(start.input);
    await slotForm.getByLabel("Durata (minuti)").fill("30");
    await slotForm.getByRole("button", { name: "Pubblica" }).click();
    await expect(operator.getByTestId("esito")).toHaveText("Slot pubblicato.");
    await settled(operator, testInfo);
    await expect(operator.getByTestId("slot").filter({ hasText: start.shown })).toHaveAttribute("data-stato", "libero");

    // The user sees the outcome with its comment, and the closing notice arrives by e-mail and SMS.
    await visit(page, detailPath, testInfo);
    await expect(page.getByTestId("stato-richiesta")).toHaveText("Chiusa – non accolta");
    await expect(page.getByTestId("cronologia").locator("tbody tr")).toHaveCount(3);
    await expect(page.getByTestId("cronologia")).toContainText("Esito: non accolta. Il versamento del 16/04 è imputato a un'altra matricola.");
    await waitForMail([`richiesta ${protocollo} chiusa`], before);
    const closed = await waitForSms(phone, "esito non accolta");
    expect(closed).toHaveLength(1);

    // Non accolta: the user books the slot, giving phone and notes.
    const booking = page.getByTestId("form-prenotazione");
    await booking.locator("label", { hasText: start.shown }).click();
    await booking.getByLabel("Telefono").fill("3331234567");
    await booking.getByLabel("Note per la Sede").fill("Porterò la quietanza F24 del 16/04.");
    await booking.getByRole("button", { name: "Conferma la prenotazione" }).click();
    await expect(page.getByTestId("esito")).toContainText("Appuntamento prenotato");
    await settled(page, testInfo);
    await checkA11y(page);
    if (hydrated(testInfo)) {
      // Instant Feedback: the booking just made asks for its rating, once.
      const widget = page.getByTestId("feedback");
      await expect(widget).toContainText("Come valuta il servizio «Agenda appuntamenti (prenotazione)»?");
      await widget.locator('button[data-livello="3"]').click();
      await expect(widget.getByTestId("feedback-grazie")).toBeVisible();
    }
    const mine = page.getByTestId("prenotazione").filter({ hasText: protocollo });
    await expect(mine).toHaveAttribute("data-stato", "prenotata");
    await expect(mine).toContainText(start.shown);
    // The confirmation by e-mail: the letter in text and HTML, and the appointment as a calendar file.
    const confirmation = await waitForMessage([`confermato (richiesta ${protocollo})`, EMAIL], before);
    for (const type of ["text/plain", "text/html"]) {
      const part = confirmation.parts.find((p) => p.contentType === type)!;
      expect(part.text).toContain("Gentile Mario Rossi,");
      expect(part.text).toContain(`alle ore ${start.shown.split(" ")[1]}`);
      expect(part.text).toContain("Porterò la quietanza F24 del 16/04.");
    }
    const booked = confirmation.parts.find((p) => p.contentType === "text/calendar")!;
    expect(booked.filename).toBe("appuntamento.ics");
    expect(booked.params.method).toBe("REQUEST");
    const bookedLines = booked.text.replace(/\r\n /g, "").split("\r\n");
    expect(bookedLines[0]).toBe("BEGIN:VCALENDAR");
    expect(bookedLines).toContain("METHOD:REQUEST");
    expect(bookedLines).toContain("STATUS:CONFIRMED");
    const uid = bookedLines.find((l) => l.startsWith("UID:"))!;

    // The operator sees who booked, with phone and notes.
    await visit(operator, "/agenda", testInfo);
    const held = operator.getByTestId("slot").filter({ hasText: start.shown });
    await expect(held).toHaveAttribute("data-stato", "prenotata");
    await expect(held).toContainText("Mario Rossi");
    await expect(held).toContainText("Porterò la quietanza F24 del 16/04.");
    await operator.context().close();

    // The user cancels: the booking is shown cancelled.
    await mine.getByRole("button", { name: /Annulla/ }).click();
    await expect(page.getByTestId("esito")).toHaveText("Appuntamento annullato.");
    await settled(page, testInfo);
    await expect(page.getByTestId("prenotazione").filter({ hasText: protocollo })).toHaveAttribute("data-stato", "annullata");
    // The cancellation's calendar file removes the same event.
    const cancellation = await waitForMessage([`annullato (richiesta ${protocollo})`, EMAIL], before);
    const removed = cancellation.parts.find((p) => p.contentType === "text/calendar")!;
    expect(removed.params.method).toBe("CANCEL");
    const removedLines = removed.text.replace(/\r\n /g, "").split("\r\n");
    expect(removedLines).toContain("METHOD:CANCEL");
    expect(removedLines).toContain(uid);

    await visit(page, "/comunicazioni", testInfo);
    await expect(page.getByTestId("richieste-comunicazione").locator(`tr[data-stato=chiusa]`).filter({ hasText: protocollo })).toHaveCount(1);
    errors.assertClean();
  });

  test("a fourth file, an oversize file and a file that is not what its name says are refused, nothing stored", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    errors.allow("/api/comunicazioni/nuova");
    const count = await richiesteCount(page, testInfo);
    const pdf = (name: string) => ({ name, mimeType: "application/pdf", buffer: PDF });
    // Count, size and type are the browser's to check once hydrated (the same limits as the server's), before
    // a byte is sent; the content only the server can check. Without script the server refuses them all.
    let posts = 0;
    page.on("request", (r) => { if (r.method() === "POST" && r.url().includes("/api/comunicazioni/nuova")) posts++; });
    // [files, the browser's message (none: only the server can tell), the server's message]
    const cases: [{ name: string; mimeType: string; buffer: Buffer }[], string | null, string][] = [
      [[pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf"), pdf("d.pdf")], "Si possono allegare al massimo 3 file", "al massimo 3 file"],
      [[{ name: "scansione.pdf", mimeType: "application/pdf", buffer: Buffer.concat([PDF, Buffer.alloc(6 * 1024 * 1024, 0x20)]) }],
        "Il file «scansione.pdf» supera il limite di 5 MB", "supera il limite di 5 MB"],
      [[{ name: "programma.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ programma") }],
        "Il file «programma.exe» non è di un tipo ammesso: sono ammessi PDF", "«programma.exe» non è ammesso"],
      [[{ name: "fattura.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ\x90\x00 questo non è un PDF") }], null, "non corrisponde al suo tipo"],
    ];
    for (const [files, inBrowser, byServer] of cases) {
      await visit(page, `/comunicazioni/nuova?posizione=${POSITION}`, testInfo);
      const form = await fillRichiesta(page, files);
      const sent = posts;
      await form.getByRole("button", { name: "Invia la richiesta" }).click();
      if (inBrowser && hydrated(testInfo)) {
        const input = form.getByLabel("Allegati (facoltativi)");
        await expect(form.getByTestId("errore-file")).toContainText(inBrowser);
        await expect(input).toHaveClass(/is-invalid/);
        await expect(input).toHaveAttribute("aria-describedby", /allegati-errore/);
        expect(posts, "nothing sent while the choice is refused").toBe(sent);
        await expect(page.getByTestId("errore-modulo")).toHaveCount(0);
        continue;
      }
      await expect(page.getByTestId("errore-modulo")).toContainText(byServer);
      await settled(page, testInfo);
    }
    expect(await richiesteCount(page, testInfo)).toBe(count);
    errors.assertClean();
  });

  test("an operator does not reach a richiesta routed to another Sede", async ({ page, browser }, testInfo) => {
    // Comune di Valfiorita, another of Mario's Enti, belongs to Sede Milano Nord.
    const found = JSON.stringify(await callJson(page.request, "/api/cassetto/ricerca", { testo: "Valfiorita", pagina: 0 }));
    const milano = found.match(/\d{16}/)![0];
    await visit(page, `/comunicazioni/nuova?posizione=${milano}`, testInfo);
    const form = await fillRichiesta(page, []);
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("protocollo")).toHaveText(/^INPS\.4900\./);
    const protocollo = (await page.getByTestId("protocollo").textContent())!.trim();
    const path = new URL(page.url()).pathname;

    const operator = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    await loginThroughUi(operator, "operatore", testInfo);
    await visit(operator, path, testInfo);
    await expect(operator.getByTestId("errore")).toContainText("non esiste o non è tra quelle a cui ha accesso");
    await expect(operator.getByTestId("form-quesito")).toHaveCount(0);
    expect((await operator.request.get(`${path}/allegati.zip`, SAME_ORIGIN)).status()).toBe(404);
    await visit(operator, "/backoffice/quesiti", testInfo);
    await expect(operator.getByTestId("quesiti")).toBeVisible();
    await expect(operator.getByTestId("quesiti")).not.toContainText(protocollo);
    await operator.context().close();
  });
});

test.describe("comunicazioni: the channels of the notices", () => {
  test.use({ storageState: statePath("datore") });

  test("SMS only: the consent is asked for the SMS, the notices go by SMS alone; e-mail only: by e-mail alone, without consent", async ({ page, browser }, testInfo) => {
    const errors = watchErrors(page);
    errors.allow("/api/comunicazioni/nuova");
    const phone = phoneFor(testInfo).replace("+39 333", "+39 334");

    // SMS chosen without the consent: refused with the reason (the consent is the SMS's).
    await visit(page, `/comunicazioni/nuova?posizione=${POSITION}`, testInfo);
    let form = page.getByTestId("form-comunicazione");
    await form.getByLabel("Classe e oggetto").selectOption({ label: OGGETTO });
    await form.getByLabel("Testo della richiesta").fill("Chiedo conferma della nota di rettifica di aprile.");
    await tick(form, "Solo SMS");
    if (hydrated(testInfo)) {
      // Once hydrated, the e-mail field of a channel not chosen steps aside; the SMS consent stays.
      await expect(form.getByLabel("Indirizzo e-mail")).toBeHidden();
      await expect(form.getByLabel(/Acconsento a ricevere via SMS/)).toBeVisible();
    }
    await form.getByLabel("Telefono cellulare").fill(phone);
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("occorre il consenso");
    await settled(page, testInfo);

    // SMS only, with the consent: the protocol notice is one SMS, no e-mail.
    await visit(page, `/comunicazioni/nuova?posizione=${POSITION}`, testInfo);
    form = await fillRichiesta(page, [], phone, true);
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("esito")).toContainText("Richiesta protocollata");
    await settled(page, testInfo);
    const smsPath = new URL(page.url()).pathname;
    const smsProtocollo = (await page.getByTestId("protocollo").textContent())!.trim();
    expect(await waitForSms(phone, smsProtocollo)).toHaveLength(1);
    await visit(page, smsPath, testInfo);
    await expect(page.getByTestId("avvisi").locator("tbody tr")).toHaveCount(1);
    await expect(page.getByTestId("avvisi").locator("tr[data-canale=sms]")).toContainText(phone);

    // E-mail only, no consent ticked: the protocol notice is one e-mail, no SMS.
    const before = lastMailNumber();
    await visit(page, `/comunicazioni/nuova?posizione=${POSITION}`, testInfo);
    form = await fillRichiesta(page, []);
    await expect(form.getByLabel(/Acconsento/)).not.toBeChecked();
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("esito")).toContainText("Richiesta protocollata");
    await settled(page, testInfo);
    const mailPath = new URL(page.url()).pathname;
    const mailProtocollo = (await page.getByTestId("protocollo").textContent())!.trim();
    await waitForMail([`richiesta ${mailProtocollo} protocollata`, EMAIL], before);
    await visit(page, mailPath, testInfo);
    await expect(page.getByTestId("avvisi").locator("tbody tr")).toHaveCount(1);
    await expect(page.getByTestId("avvisi").locator("tr[data-canale=email]")).toContainText(EMAIL);

    // The operator closes both: each closing notice goes the same way as the protocol notice.
    const operator = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    await loginThroughUi(operator, "operatore", testInfo);
    for (const path of [smsPath, mailPath]) {
      for (const azione of ["in_carico", "accolta"]) {
        await visit(operator, path, testInfo);
        const act = operator.getByTestId("form-quesito");
        await act.getByLabel("Azione").selectOption(azione);
        await act.getByLabel("Commento").fill("Nota verificata.");
        await act.getByRole("button", { name: "Registra" }).click();
        await expect(operator.getByTestId("esito")).toHaveText("Quesito aggiornato.");
        await settled(operator, testInfo);
      }
    }
    await operator.context().close();
    expect(await waitForSms(phone, "esito accolta")).toHaveLength(1);
    await waitForMail([`richiesta ${mailProtocollo} chiusa`], before);
    for (const [path, canale] of [[smsPath, "sms"], [mailPath, "email"]]) {
      await visit(page, path, testInfo);
      await expect(page.getByTestId("avvisi").locator("tbody tr")).toHaveCount(2);
      await expect(page.getByTestId("avvisi").locator(`tr[data-canale=${canale}]`)).toHaveCount(2);
    }
    errors.assertClean();
  });
});

test.describe("comunicazioni: the datore's position", () => {
  test.use({ storageState: statePath("delegato") });

  test("the datore finds in «Sulla mia posizione» the richiesta his delegated employee sent, not in «Inviate da me»", async ({ page, browser }, testInfo) => {
    // Laura, delegated by Mario on Comune di Roccaverde, writes to the Sede.
    await visit(page, `/comunicazioni/nuova?posizione=${POSITION}`, testInfo);
    const form = await fillRichiesta(page, []);
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(page.getByTestId("esito")).toContainText("Richiesta protocollata");
    await settled(page, testInfo);
    const protocollo = (await page.getByTestId("protocollo").textContent())!.trim();
    // Laura, no datore, has no position of her own to choose.
    await visit(page, "/comunicazioni", testInfo);
    await expect(page.getByTestId("filtri-richieste").getByLabel("Richieste", { exact: true })).toHaveCount(0);

    const mario = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: statePath("datore") })).newPage();
    await visit(mario, "/comunicazioni", testInfo);
    await expect(mario.getByTestId("richieste-comunicazione")).not.toContainText(protocollo);
    const filters = mario.getByTestId("filtri-richieste");
    await filters.getByLabel("Richieste", { exact: true }).selectOption({ label: "Sulla mia posizione" });
    await filters.getByRole("button", { name: "Cerca" }).click();
    await expect(mario).toHaveURL(/vista=posizione/);
    await settled(mario, testInfo);
    await checkA11y(mario);
    const row = mario.getByTestId("richiesta-comunicazione").filter({ hasText: protocollo });
    await expect(row.getByTestId("autore")).toHaveText("Laura Bianchi");
    await row.getByRole("link", { name: protocollo }).click();
    await settled(mario, testInfo);
    await expect(mario.getByTestId("autore-richiesta")).toHaveText("Laura Bianchi");
    await expect(mario.getByTestId("stato-richiesta")).toHaveText("Aperta");
    // Booking an appointment stays the author's.
    await expect(mario.getByTestId("non-prenotabile")).toHaveCount(0);
    await mario.context().close();
  });
});

test.describe("comunicazioni: context links, history search, taxonomy", () => {
  test.use({ storageState: statePath("datore") });

  test("a consultation page's context link pre-fills position, classe and oggetto", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/note-rettifica`, testInfo);
    await page.getByTestId("scrivi-sede").click();
    await expect(page).toHaveURL(/\/comunicazioni\/nuova\?/);
    await settled(page, testInfo);
    const form = page.getByTestId("form-comunicazione");
    await expect(form.getByLabel("Posizione contributiva")).toHaveValue(POSITION);
    await expect(form.getByLabel("Classe e oggetto").locator("option:checked")).toHaveText(OGGETTO);
  });

  test("the history is searched by status and position, and sorted", async ({ page }, testInfo) => {
    await visit(page, "/comunicazioni", testInfo);
    await checkA11y(page);
    const filters = page.getByTestId("filtri-richieste");
    await filters.getByLabel("Stato").selectOption("chiusa");
    await filters.getByRole("button", { name: "Cerca" }).click();
    await expect(page).toHaveURL(/stato=chiusa/);
    await settled(page, testInfo);
    const rows = page.getByTestId("richiesta-comunicazione");
    expect(await rows.count()).toBeGreaterThan(0);
    for (const stato of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-stato")))) expect(stato).toBe("chiusa");

    await page.getByTestId("filtri-richieste").getByLabel("Matricola o posizione").fill("999999");
    await page.getByTestId("filtri-richieste").getByRole("button", { name: "Cerca" }).click();
    await expect(page.getByTestId("richieste-comunicazione")).toContainText("Nessuna richiesta per i filtri scelti.");
    await settled(page, testInfo);

    await visit(page, "/comunicazioni", testInfo);
    await page.locator("a[data-sort=protocollo]").click();
    await expect(page).toHaveURL(/ordina=protocollo/);
    await settled(page, testInfo);
    const protocolli = await page.getByTestId("richiesta-comunicazione").locator("td:first-child").allTextContents();
    expect(protocolli.length).toBeGreaterThan(1);
    expect([...protocolli].sort()).toEqual(protocolli);
  });

  test("the administrator changes a threshold of the taxonomy", async ({ browser }, testInfo) => {
    const admin = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: NO_SESSION })).newPage();
    await loginThroughUi(admin, "admin", testInfo);
    await visit(admin, "/admin", testInfo);
    await checkA11y(admin);
    const days = hydrated(testInfo) ? "20" : "21";
    const durc = admin.getByTestId("oggetto").filter({ has: admin.locator('input[value="DURC"]') }).first();
    await durc.getByLabel("Tempi soglia di DURC – DURC").fill(days);
    await durc.getByRole("button", { name: /Salva/ }).click();
    await expect(admin.getByTestId("esito")).toHaveText("Tassonomia aggiornata.");
    await settled(admin, testInfo);
    await expect(admin.getByLabel("Tempi soglia di DURC – DURC")).toHaveValue(days);
    // It is stored: read back on a fresh page.
    await visit(admin, "/admin", testInfo);
    await expect(admin.getByLabel("Tempi soglia di DURC – DURC")).toHaveValue(days);
    await admin.context().close();
  });
});
