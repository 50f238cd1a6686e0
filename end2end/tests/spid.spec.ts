import { test, expect, Page, TestInfo, request as playwrightRequest } from "@playwright/test";
import { ACCOUNTS, NO_SESSION, checkA11y, hydrated, loginThroughHttp, settled, tick, visit, watchErrors } from "./helpers";
import * as fs from "fs";
import * as path from "path";

// «Entra con SPID» / «Entra con CIE» against the test OpenID Providers that scripts/e2e.sh starts
// (end2end/oidc/op.mjs: oidc-provider configured as a SPID provider). Every flow runs hydrated and without
// JavaScript; the provider's own pages are plain forms.

test.use({ storageState: NO_SESSION });

interface Persona {
  id: string;
  given_name: string;
  family_name: string;
  codice_fiscale: string;
}

const PERSONE: Persona[] = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "oidc", "persone.json"), "utf8"));
const DEMO_CF = new Set(Object.values(ACCOUNTS).map((a) => a.cf));
/** The provider's people without an account in the Cassetto: one for each project, as both share one database. */
const NEWCOMERS = PERSONE.filter((p) => !DEMO_CF.has(p.codice_fiscale) && p.codice_fiscale !== "SPSMRC82B15H501M");

/** From /accesso through the SPID menu (or the CIE button) to the provider's login form. */
async function toProvider(page: Page, testInfo: TestInfo, door: "spid-demo1" | "spid-demo2" | "entra-cie") {
  await visit(page, "/accesso", testInfo);
  if (door !== "entra-cie") {
    await page.getByText("Entra con SPID").click();
    await expect(page.getByTestId(door)).toBeVisible();
  }
  await page.getByTestId(door).click();
  await expect(page.locator('input[name="persona"]').first()).toBeVisible();
}

/** At the provider: the person, the level, and «Entra» (or «Annulla»). */
async function atProvider(page: Page, cf: string, livello: "1" | "2" | "3", button: "Entra" | "Annulla" = "Entra") {
  await page.locator(`#persona-${cf}`).check();
  await page.locator(`#livello-${livello}`).check();
  await page.getByRole("button", { name: button, exact: true }).click();
}

test("the doors of /accesso: SPID with two providers, CIE, and the staff's password form", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await visit(page, "/accesso", testInfo);
  await expect(page.getByTestId("menu-spid")).toBeVisible();
  await expect(page.getByTestId("entra-cie")).toHaveText(/Entra con CIE/);
  await expect(page.getByRole("heading", { name: "Personale INPS e ambiente dimostrativo" })).toBeVisible();
  await checkA11y(page);
  // The providers' list opens from the keyboard.
  await page.locator(".menu-spid summary").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("spid-demo1")).toBeVisible();
  await expect(page.getByTestId("spid-demo2")).toBeVisible();
  await expect(page.getByTestId("spid-demo1")).toHaveAttribute("rel", "external");
  await checkA11y(page);
  errors.assertClean();
});

test("an existing datore enters with SPID, lands home, and leaves through the provider too", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await toProvider(page, testInfo, "spid-demo1");
  await atProvider(page, ACCOUNTS.datore.cf, "2");
  await expect(page).toHaveURL(/\/cassetto$/);
  await settled(page, testInfo);
  await expect(page.getByTestId("utente")).toContainText("Mario Rossi");
  await page.getByTestId("esci").click();
  // Our session ends, then the provider asks to end its own.
  await expect(page.getByRole("button", { name: "Esci", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Esci", exact: true }).click();
  await expect(page).toHaveURL(/\/accesso\?uscita=1/);
  await settled(page, testInfo);
  await expect(page.getByTestId("uscita")).toBeVisible();
  await visit(page, "/cassetto", testInfo);
  await expect(page).toHaveURL(/\/accesso\?next=/);
  errors.assertClean();
});

test("a delegated employee enters with CIE", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await toProvider(page, testInfo, "entra-cie");
  await atProvider(page, ACCOUNTS.delegato.cf, "3");
  await expect(page).toHaveURL(/\/cassetto$/);
  await settled(page, testInfo);
  await expect(page.getByTestId("utente")).toContainText("Laura Bianchi");
  errors.assertClean();
});

test("a newcomer asks for SC65, the Sede approves, and the Cassetto then shows the Ente", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  const persona = NEWCOMERS[hydrated(testInfo) ? 0 : 1];
  expect(persona, "a newcomer for this project in end2end/oidc/persone.json").toBeTruthy();
  const staff = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  await loginThroughHttp(staff, "operatore");

  await toProvider(page, testInfo, "spid-demo2");
  await atProvider(page, persona.codice_fiscale, "2");
  await expect(page).toHaveURL(/\/benvenuto$/);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { name: "Benvenuto nel Cassetto previdenziale" })).toBeVisible();
  await expect(page.getByTestId("utente")).toContainText(`${persona.given_name} ${persona.family_name}`);
  await checkA11y(page);

  // The page names the Enti whose legal representative the register says the newcomer is; the demo's
  // operator decides for Sede Roma Eur.
  const row = page.getByTestId("enti-rappresentati").locator("tbody tr").filter({ hasText: "Roma Eur" }).first();
  const enteCf = (await row.locator("td").nth(0).textContent())!.trim();
  const scope = (await row.locator("td").nth(2).textContent())!.includes("pubblico")
    ? "Gestione contributiva dipendenti pubblici"
    : "Gestione contributiva dipendenti privati";

  await page.getByTestId("benvenuto-sc65").click();
  await expect(page).toHaveURL(/\/profilo/);
  await settled(page, testInfo);
  await page.getByLabel("Modello", { exact: true }).selectOption("SC65");
  await page.getByLabel("Codice fiscale dell'Ente").fill(enteCf);
  await tick(page.getByTestId("form-richiesta"), scope);
  await page.getByRole("button", { name: "Invia la richiesta" }).click();
  await expect(page.getByText("Richiesta inviata alla Sede competente.")).toBeVisible();
  const id = (await page.getByTestId("richieste").locator("tbody tr").first().locator("td").first().textContent())!.trim();

  const decided = await staff.post("/api/backoffice/richieste-profilo/decisione", {
    form: { id, esito: "approva" },
    headers: { Accept: "text/html" },
    maxRedirects: 0,
  });
  expect(decided.headers()["location"]).toContain("esito=approva");

  // Next login: the Ente's positions.
  await page.getByTestId("esci").click();
  await page.getByRole("button", { name: "Esci", exact: true }).click();
  await expect(page).toHaveURL(/\/accesso\?uscita=1/);
  await toProvider(page, testInfo, "spid-demo2");
  await atProvider(page, persona.codice_fiscale, "2");
  await expect(page).toHaveURL(/\/cassetto$/);
  await settled(page, testInfo);
  await expect(page.locator("table")).toContainText(enteCf);
  errors.assertClean();
  await staff.dispose();
});

test("SPID level 1 is refused with an Italian message", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await toProvider(page, testInfo, "spid-demo1");
  await atProvider(page, ACCOUNTS.datore.cf, "1");
  await expect(page).toHaveURL(/errore=spid_livello/);
  await expect(page.getByTestId("errore")).toContainText("serve almeno SPID di livello 2");
  errors.assertClean();
});

test("an INPS operator is refused through SPID; «Annulla» at the provider is said", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await toProvider(page, testInfo, "spid-demo1");
  await atProvider(page, ACCOUNTS.operatore.cf, "2");
  await expect(page.getByTestId("errore")).toContainText("Il personale INPS accede con le credenziali dell'Istituto");
  await toProvider(page, testInfo, "spid-demo1");
  await atProvider(page, ACCOUNTS.datore.cf, "2", "Annulla");
  await expect(page.getByTestId("errore")).toContainText("Accesso annullato");
  errors.assertClean();
});
