import { test, expect, request, Locator, Page, TestInfo } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { ACCOUNTS, PASSWORD, callJson, lastMailNumber, waitForMail, NO_SESSION, tick, checkA11y, hydrated, loginThroughHttp, loginThroughUi, settled, statePath, visit, watchErrors } from "./helpers";

function otpOf(mail: string): string {
  const m = mail.match(/^\s*(\d{8})\s*$/m);
  if (!m) throw new Error("no OTP in the PEC");
  return m[1];
}

/**
 * Lets the 72 hours of a delega's OTP pass: the test moves its expiry into the past in the database the
 * server runs on (scripts/e2e.sh passes DATABASE_URL), as the Rust tests do.
 */
function expireOtp(delegaId: string) {
  runSql(`UPDATE delega_evidence SET otp_expires_at = otp_issued_at WHERE delega_id = ${Number(delegaId)}`);
}

/** Lets time pass for a delega: its period moved in the database the server runs on. */
function setPeriod(delegaId: string, from: string, until: string) {
  runSql(`UPDATE deleghe SET valid_from = '${from}', valid_until = '${until}' WHERE id = ${Number(delegaId)}`);
}

/** An ISO date `days` from today (the server's "today" is the clock's, in Italy; the tests run by day). */
function isoDay(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toLocaleDateString("sv-SE", { timeZone: "Europe/Rome" });
}

function italianDay(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

function runSql(sql: string) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is needed to age a delega");
  if (url.startsWith("sqlite:")) {
    const file = path.resolve("..", url.replace(/^sqlite:(\/\/)?/, "").split("?")[0]);
    execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", file, sql]);
  } else {
    execFileSync("psql", [url, "-qc", sql]);
  }
}

/** What the Ente tells its intermediary: position, its codice fiscale and the legal representative's. */
async function enteData(baseURL: string, denominazione: string) {
  const ctx = await request.newContext({ baseURL, storageState: NO_SESSION });
  await loginThroughHttp(ctx, "datore2");
  const found = await callJson(ctx, "/api/cassetto/ricerca", { testo: denominazione, pagina: 0 });
  const code = found.rows[0].code as string;
  const detail = await callJson(ctx, "/api/cassetto/posizione", { posizione: code });
  await ctx.dispose();
  return { code, enteCf: detail.ente_cf as string, repCf: detail.legal_rep_cf as string, pec: detail.pec as string };
}

/** Fills the request: the Ente, its legal representative (Carla Gialli), the public Gestione contributiva. */
async function fillRequest(form: Locator, ente: { code: string; enteCf: string; repCf: string }, until = "") {
  await form.getByLabel("Posizione contributiva").fill(ente.code);
  await form.getByLabel("Codice fiscale dell'Ente").fill(ente.enteCf);
  await form.getByLabel("Codice fiscale del legale rappresentante").fill(ente.repCf);
  await form.getByLabel("Nome", { exact: true }).fill("Carla");
  await form.getByLabel("Cognome", { exact: true }).fill("Gialli");
  await tick(form, "Gestione contributiva dipendenti pubblici");
  if (until) await form.getByLabel("Al", { exact: true }).fill(until);
}

async function requestDelega(page: Page, testInfo: TestInfo, ente: { code: string; enteCf: string; repCf: string }, until = "") {
  await visit(page, "/deleghe", testInfo);
  await expect(page.getByTestId("albo")).toContainText("Consulente del lavoro");
  const form = page.getByTestId("form-delega-intermediario");
  await fillRequest(form, ente, until);
  await form.getByLabel("Confermi la sua password").fill(PASSWORD);
  await form.getByRole("button", { name: "Inserisci la richiesta e invia la PEC" }).click();
  await expect(page.getByTestId("esito")).toContainText("Richiesta di delega inserita");
  await settled(page, testInfo);
  await expect(page.getByTestId("stato")).toHaveText("In attesa di attivazione");
  return page.url();
}

async function revoke(page: Page, testInfo: TestInfo) {
  await page.getByTestId("form-revoca").getByRole("button", { name: "Revoca delega" }).click();
  await expect(page.getByTestId("esito")).toHaveText("Delega revocata.");
  await settled(page, testInfo);
  await expect(page.getByTestId("stato")).toHaveText("Revocata");
}

test.describe("intermediario", () => {
  test.use({ storageState: statePath("intermediario") });

  test("delega by PEC and OTP: form, PDF, PEC, wrong and replaced OTP, activation, Ricerca, revocation", async ({ page, baseURL }, testInfo) => {
    const errors = watchErrors(page);
    const ente = await enteData(baseURL!, "Azienda Ospedaliera San Luca");
    const before = lastMailNumber();

    // A wrong password refuses the request with a clear message (re-authentication).
    await visit(page, "/deleghe", testInfo);
    const form = page.getByTestId("form-delega-intermediario");
    await fillRequest(form, ente);
    await form.getByLabel("Confermi la sua password").fill("Password.Sbagliata.1");
    errors.allow("/api/deleghe/intermediario");
    await form.getByRole("button", { name: "Inserisci la richiesta e invia la PEC" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("Password non corretta");
    await settled(page, testInfo);

    // The delegante is a person: the Ente's 11-digit code as the legal representative's is refused by name.
    await visit(page, "/deleghe", testInfo);
    const again = page.getByTestId("form-delega-intermediario");
    await fillRequest(again, { ...ente, repCf: ente.enteCf });
    await again.getByLabel("Confermi la sua password").fill(PASSWORD);
    await again.getByRole("button", { name: "Inserisci la richiesta e invia la PEC" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("deve essere quello di una persona fisica (16 caratteri)");
    await settled(page, testInfo);
    // The refused form keeps what was typed, the refused code included, with and without JavaScript; never the password.
    const refused = page.getByTestId("form-delega-intermediario");
    await expect(refused.getByLabel("Posizione contributiva")).toHaveValue(ente.code);
    await expect(refused.getByLabel("Codice fiscale del legale rappresentante")).toHaveValue(ente.enteCf);
    await expect(refused.getByLabel("Nome", { exact: true })).toHaveValue("Carla");
    await expect(refused.getByLabel("Cognome", { exact: true })).toHaveValue("Gialli");
    await expect(refused.getByLabel("Gestione contributiva dipendenti pubblici")).toBeChecked();
    // Without JavaScript the page is drawn again by the server, which never writes a password back.
    if (!hydrated(testInfo)) await expect(refused.getByLabel("Confermi la sua password")).toHaveValue("");

    const delegaUrl = await requestDelega(page, testInfo, ente);
    // Each refused submission is followed by a fresh visit, as a user would reload the page.
    const delegaPath = new URL(delegaUrl).pathname;
    await checkA11y(page);

    // The printable form: a real PDF naming the position.
    const download = page.waitForEvent("download");
    await page.getByTestId("scarica-modulo").click();
    const file = await (await download).path();
    const pdf = fs.readFileSync(file!);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(5_000);
    expect(pdf.toString("latin1")).toContain(`Delega a operare per la posizione contributiva ${ente.code}`);

    // The PEC reaches the Ente's box with the circular's subject and an OTP.
    const subject = `Comunicazione inserimento richiesta nuova delega per la posizione ${ente.code}`;
    const first = otpOf(await waitForMail([subject, `X-Sink-Rcpt: ${ente.pec}`], before));

    // A new OTP replaces the first: the old one is now refused.
    const beforeSecond = lastMailNumber();
    await page.getByTestId("form-nuovo-otp").getByRole("button", { name: "Richiedi un nuovo codice OTP" }).click();
    await expect(page.getByTestId("esito")).toContainText("Nuovo codice OTP");
    await settled(page, testInfo);
    const second = otpOf(await waitForMail([subject], beforeSecond));
    errors.allow("/api/deleghe/attiva");
    const activation = page.getByTestId("form-attiva");
    if (first !== second) {
      await activation.getByLabel("Codice OTP").fill(first);
      await tick(activation, /Dichiaro, sotto la mia responsabilità/);
      await activation.getByRole("button", { name: "Attiva delega" }).click();
      await expect(page.getByTestId("errore-modulo")).toContainText("Codice OTP errato. Tentativi rimasti: 4.");
      await settled(page, testInfo);
      await visit(page, delegaPath, testInfo);
    }
    // Without the declaration the delega is not activated.
    await page.getByTestId("form-attiva").getByLabel("Codice OTP").fill(second);
    await page.getByTestId("form-attiva").getByRole("button", { name: "Attiva delega" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("dichiarare");
    await settled(page, testInfo);
    await visit(page, delegaPath, testInfo);

    await page.getByTestId("form-attiva").getByLabel("Codice OTP").fill(second);
    await tick(page.getByTestId("form-attiva"), /Dichiaro, sotto la mia responsabilità/);
    await page.getByTestId("form-attiva").getByRole("button", { name: "Attiva delega" }).click();
    await expect(page.getByTestId("esito")).toHaveText("Delega attivata.");
    await settled(page, testInfo);
    await expect(page.getByTestId("stato")).toHaveText("Attiva");
    await expect(page.getByTestId("delegante")).toContainText(`Carla Gialli (${ente.repCf})`);
    await expect(page.getByTestId("servizi")).toHaveText("Gestione contributiva dipendenti pubblici");
    await expect(page.getByTestId("al")).toHaveText("Fino a revoca");
    await expect(page.getByTestId("storia").locator("tbody tr")).toContainText(["Richiesta inserita", "Codice OTP inviato via PEC"]);
    // The declaration made is the circular's whole text, kept in the history.
    await expect(page.getByTestId("storia").locator("tr[data-evento=attivata]")).toContainText(
      "a custodire presso di me la delega – unitamente a una fotocopia di un valido documento di identità del delegante – per tutto il periodo di durata della stessa, nonché nei cinque anni successivi, e a esibirla all'Istituto su richiesta.",
    );
    await expect(page.getByTestId("ricevute").locator("tr[data-ricevuta=avvenuta_consegna]")).toHaveCount(2);
    // Each receipt as a person reads it: its kind, when, to whom, what it means; the SMTP reply only folded away.
    const consegna = page.getByTestId("ricevute").locator("tr[data-ricevuta=avvenuta_consegna]").first();
    await expect(consegna.locator("td").nth(0)).toHaveText("Ricevuta di avvenuta consegna");
    await expect(consegna.locator("td").nth(1)).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await expect(consegna.locator("td").nth(2)).toHaveText(ente.pec);
    await expect(consegna.locator("td").nth(3)).toContainText("consegnato nella casella PEC del destinatario");
    await expect(consegna.locator("td").nth(3).getByText(/^250 /)).toBeHidden();

    // The position is now in the Ricerca.
    await visit(page, "/cassetto", testInfo);
    await expect(page.getByTestId("posizioni")).toContainText("Azienda Ospedaliera San Luca");

    // The reused OTP no longer works (the delega is active; the form is gone, the server refuses it).
    const reuse = await page.request.post("/api/deleghe/attiva", {
      form: { id: delegaPath.split("/").pop()!, otp: second, dichiarazione: "1" },
    });
    expect(reuse.status()).toBe(400);

    // Revoked: gone from the Ricerca at the next request.
    await visit(page, delegaPath, testInfo);
    await revoke(page, testInfo);
    await visit(page, "/cassetto", testInfo);
    await expect(page.getByTestId("posizioni")).not.toContainText("Azienda Ospedaliera San Luca");
    errors.assertClean();
  });

  test("an expired OTP is refused with its reason; a new one activates", async ({ page, baseURL }, testInfo) => {
    const errors = watchErrors(page);
    errors.allow("/api/deleghe/attiva");
    const ente = await enteData(baseURL!, "Azienda Ospedaliera San Luca");
    const before = lastMailNumber();
    const delegaPath = new URL(await requestDelega(page, testInfo, ente)).pathname;
    const subject = `Comunicazione inserimento richiesta nuova delega per la posizione ${ente.code}`;
    const expired = otpOf(await waitForMail([subject], before));

    expireOtp(delegaPath.split("/").pop()!);
    await visit(page, delegaPath, testInfo);
    const activation = page.getByTestId("form-attiva");
    await activation.getByLabel("Codice OTP").fill(expired);
    await tick(activation, /Dichiaro, sotto la mia responsabilità/);
    await activation.getByRole("button", { name: "Attiva delega" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("Il codice OTP è scaduto (vale 72 ore dall'invio)");
    await settled(page, testInfo);
    await visit(page, delegaPath, testInfo);
    await expect(page.getByTestId("stato")).toHaveText("In attesa di attivazione");

    const beforeSecond = lastMailNumber();
    await page.getByTestId("form-nuovo-otp").getByRole("button", { name: "Richiedi un nuovo codice OTP" }).click();
    await expect(page.getByTestId("esito")).toContainText("Nuovo codice OTP");
    await settled(page, testInfo);
    const fresh = otpOf(await waitForMail([subject], beforeSecond));
    await page.getByTestId("form-attiva").getByLabel("Codice OTP").fill(fresh);
    await tick(page.getByTestId("form-attiva"), /Dichiaro, sotto la mia responsabilità/);
    await page.getByTestId("form-attiva").getByRole("button", { name: "Attiva delega" }).click();
    await expect(page.getByTestId("esito")).toHaveText("Delega attivata.");
    await settled(page, testInfo);
    await revoke(page, testInfo);
    errors.assertClean();
  });

  test("a PEC that cannot be delivered shows on the delega", async ({ page, baseURL }, testInfo) => {
    const ente = await enteData(baseURL!, "Comune di Acquaviva Alta");
    await requestDelega(page, testInfo, ente);
    const deadline = Date.now() + 30_000;
    while ((await page.getByTestId("stato-pec").textContent()) !== "PEC non consegnata") {
      if (Date.now() > deadline) throw new Error("the bounce never showed");
      await page.waitForTimeout(1_000);
      await page.reload();
      await settled(page, testInfo);
    }
    await expect(page.getByTestId("ricevute").locator("tr[data-ricevuta=errore_consegna]")).toHaveCount(1);
    await revoke(page, testInfo);
  });
});

test.describe("intermediario: durata", () => {
  test.use({ storageState: statePath("intermediario") });

  test("a delega with an end date: listed as expiring, renewed by a new PEC and OTP, scaduta after its end", async ({ page, baseURL }, testInfo) => {
    const errors = watchErrors(page);
    errors.allow("/api/deleghe/attiva");
    const ente = await enteData(baseURL!, "Azienda Ospedaliera San Luca");
    const end = isoDay(10);
    const before = lastMailNumber();
    const delegaPath = new URL(await requestDelega(page, testInfo, ente, end)).pathname;
    const delegaId = delegaPath.split("/").pop()!;
    const subject = `Comunicazione inserimento richiesta nuova delega per la posizione ${ente.code}`;
    // The PEC states the period.
    const mail = await waitForMail([subject, `Durata della delega: dal ${italianDay(isoDay(0))} al ${italianDay(end)}`], before);
    const activation = page.getByTestId("form-attiva");
    await expect(activation.locator("label[for=dichiarazione]")).toContainText("e a esibirla all'Istituto su richiesta.");
    await activation.getByLabel("Codice OTP").fill(otpOf(mail));
    await tick(activation, /Dichiaro, sotto la mia responsabilità/);
    await activation.getByRole("button", { name: "Attiva delega" }).click();
    await expect(page.getByTestId("esito")).toHaveText("Delega attivata.");
    await settled(page, testInfo);
    await expect(page.getByTestId("al")).toHaveText(italianDay(end));

    // Among the deleghe expiring in the next 30 days.
    await visit(page, "/deleghe", testInfo);
    await checkA11y(page);
    const expiring = page.getByTestId("deleghe-in-scadenza").locator(`tr[data-id="${delegaId}"]`);
    await expect(expiring).toContainText("In scadenza");
    await expiring.getByRole("link", { name: /Dettaglio/ }).click();
    await settled(page, testInfo);

    // The renewal: a new form and PEC + OTP, from the day after the end.
    const newEnd = isoDay(400);
    const renewal = page.getByTestId("form-rinnovo");
    await expect(renewal.getByLabel("Codice fiscale del legale rappresentante")).toHaveValue(ente.repCf);
    await renewal.getByLabel("Nuova scadenza").fill(newEnd);
    await renewal.getByLabel("Confermi la sua password").fill(PASSWORD);
    const beforeRenewal = lastMailNumber();
    await renewal.getByRole("button", { name: "Richiedi il rinnovo e invia la PEC" }).click();
    await expect(page.getByTestId("esito")).toContainText("Richiesta di rinnovo inserita");
    await settled(page, testInfo);
    await expect(page.getByTestId("stato")).toHaveText("In attesa di attivazione");
    await expect(page.getByTestId("dal")).toHaveText(italianDay(isoDay(11)));
    const renewalPath = new URL(page.url()).pathname;
    const renewalMail = await waitForMail([subject, "rinnova la delega"], beforeRenewal);
    await page.getByTestId("form-attiva").getByLabel("Codice OTP").fill(otpOf(renewalMail));
    await tick(page.getByTestId("form-attiva"), /Dichiaro, sotto la mia responsabilità/);
    await page.getByTestId("form-attiva").getByRole("button", { name: "Attiva delega" }).click();
    await expect(page.getByTestId("esito")).toHaveText("Delega attivata.");
    await settled(page, testInfo);

    // Time passes: the first delega ended yesterday, the renewal starts tomorrow. Scaduta by itself, and the
    // position leaves the Ricerca at the next request.
    setPeriod(delegaId, isoDay(-30), isoDay(-1));
    setPeriod(renewalPath.split("/").pop()!, isoDay(1), newEnd);
    await visit(page, delegaPath, testInfo);
    await expect(page.getByTestId("stato")).toHaveText("Scaduta");
    await expect(page.getByTestId("form-revoca")).toHaveCount(0);
    await visit(page, "/cassetto", testInfo);
    await expect(page.getByTestId("posizioni")).not.toContainText("Azienda Ospedaliera San Luca");

    // Clean up for the other tests: the renewal is revoked.
    await visit(page, renewalPath, testInfo);
    await revoke(page, testInfo);
    errors.assertClean();
  });
});

test.describe("datore", () => {
  test.use({ storageState: statePath("datore") });

  test("delegates an employee, who then reaches the position, and revokes", async ({ page, browser }, testInfo) => {
    const errors = watchErrors(page);
    const name = "Istituto Comprensivo Leonardo";
    await visit(page, "/deleghe", testInfo);
    await checkA11y(page);
    const form = page.getByTestId("form-delega-dipendente");
    await form.getByLabel("Codice fiscale del dipendente").fill(ACCOUNTS.delegato.cf);
    await tick(form, new RegExp(name));
    await form.getByRole("button", { name: "Conferisci delega" }).click();
    await expect(page.getByTestId("esito")).toHaveText("Delega conferita.");
    await settled(page, testInfo);
    const row = page.getByTestId("deleghe-titolare").locator("tr[data-stato=attiva]").filter({ hasText: name });
    await expect(row).toHaveCount(1);

    const laura = await browser.newContext({ storageState: statePath("delegato"), javaScriptEnabled: hydrated(testInfo) });
    const lauraPage = await laura.newPage();
    await lauraPage.goto("/cassetto");
    await expect(lauraPage.getByTestId("posizioni")).toContainText(name);

    await row.getByRole("link", { name: /Dettaglio/ }).click();
    await settled(page, testInfo);
    await revoke(page, testInfo);
    await lauraPage.goto("/cassetto");
    await expect(lauraPage.getByTestId("posizioni")).not.toContainText(name);
    await laura.close();
    errors.assertClean();
  });
});

test.describe("profiles", () => {
  test("an SC62 request is approved or rejected by the operator of the Sede", async ({ browser }, testInfo) => {
    // The hydrated run approves, the run without JavaScript rejects with a reason.
    const approve = hydrated(testInfo);
    const js = { javaScriptEnabled: approve };
    const laura = await (await browser.newContext({ storageState: statePath("delegato"), ...js })).newPage();
    await visit(laura, "/profilo", testInfo);
    await expect(laura.getByTestId("periodo-transitorio")).toContainText("16/07/2023");
    await checkA11y(laura);
    const form = laura.getByTestId("form-richiesta");
    await form.getByLabel("Modello", { exact: true }).selectOption("SC62");
    await form.getByLabel("Codice fiscale dell'Ente").fill(await roccaverdeCf(laura));
    await tick(form, "Malattia – consultazione attestati");
    await form.getByRole("button", { name: "Invia la richiesta" }).click();
    await expect(laura.getByTestId("esito")).toHaveText("Richiesta inviata alla Sede competente.");
    await settled(laura, testInfo);
    const mine = laura.getByTestId("richieste").locator("tr[data-stato=in_attesa]").first();
    const id = (await mine.getAttribute("data-id"))!;

    const operator = await (await browser.newContext({ ...js, storageState: NO_SESSION })).newPage();
    await loginThroughUi(operator, "operatore", testInfo);
    await visit(operator, "/backoffice/richieste-profilo", testInfo);
    await checkA11y(operator);
    const card = operator.locator(`[data-testid=decisione][data-id="${id}"]`);
    if (approve) {
      await card.getByRole("button", { name: "Approva" }).click();
      await expect(operator.getByTestId("esito")).toContainText("Richiesta approvata");
    } else {
      await card.getByRole("button", { name: "Respingi" }).click();
      await expect(operator.getByTestId("errore-modulo")).toContainText("motivo del rifiuto");
      await card.getByLabel(/Motivo/).fill("Modulo non firmato");
      await card.getByRole("button", { name: "Respingi" }).click();
      await expect(operator.getByTestId("esito")).toHaveText("Richiesta respinta.");
    }
    await visit(laura, "/profilo", testInfo);
    const decided = laura.locator(`[data-testid=richiesta][data-id="${id}"]`);
    await expect(decided).toHaveAttribute("data-stato", approve ? "approvata" : "respinta");
    if (approve) {
      await expect(laura.getByTestId("ambiti").locator("li[data-ambito=malattia_attestati]")).toHaveCount(1);
    } else {
      await expect(decided).toContainText("Modulo non firmato");
    }
  });
});

/** Comune di Roccaverde's codice fiscale, as Laura (delegated on it) reads it in her Cassetto. */
async function roccaverdeCf(page: Page): Promise<string> {
  const found = await (await page.request.post("/api/cassetto/ricerca", { data: { testo: "Roccaverde", pagina: 0 } })).json();
  return found.rows[0].ente_cf as string;
}
