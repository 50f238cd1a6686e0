import { test, expect } from "@playwright/test";
import { ACCOUNTS, checkA11y, loginThroughUi, settled, visit, watchErrors } from "./helpers";

// Every role logs in through the real pages (codice fiscale + password, then the second factor),
// sees itself in the header, and logs out; afterwards the session no longer opens anything.
for (const role of Object.keys(ACCOUNTS)) {
  test(`${role} logs in and out`, async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await loginThroughUi(page, role, testInfo);
    await expect(page.getByTestId("utente")).toContainText(ACCOUNTS[role].name);
    await expect(page.getByTestId("ruolo")).toHaveText(ACCOUNTS[role].label);
    await checkA11y(page);

    await page.getByTestId("esci").click();
    await expect(page).toHaveURL(/\/accesso\?uscita=1/);
    await settled(page, testInfo);
    await expect(page.getByTestId("uscita")).toBeVisible();
    await checkA11y(page);

    // The session is over on the server: a protected page sends the visitor back to the login.
    await visit(page, ACCOUNTS[role].home, testInfo);
    await expect(page).toHaveURL(/\/accesso\?next=/);
    errors.assertClean();
  });
}

test("a wrong password gets a clear Italian message", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await visit(page, "/accesso", testInfo);
  await page.getByLabel("Codice fiscale").fill("RSSMRA85T10A562S");
  await page.getByLabel("Password").fill("password-sbagliata");
  await page.getByRole("button", { name: "Prosegui" }).click();
  await expect(page.getByTestId("errore")).toContainText("Codice fiscale o password non corretti");
  await checkA11y(page);
  errors.assertClean();
});

// The password change form on /profilo, with and without JavaScript: a wrong current password is refused with a
// clear Italian message (the success path changes a shared demo account's password, so it is tested over HTTP in
// server/tests/api/accesso.rs instead).
test("the password change refuses a wrong current password", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  // Hydrated, the server function answers the refusal with its 400.
  errors.allow("/api/profilo/password");
  await loginThroughUi(page, "delegato", testInfo);
  await visit(page, "/profilo", testInfo);
  const form = page.getByTestId("form-password");
  await form.getByLabel("Password attuale").fill("password-sbagliata");
  await form.getByLabel("Nuova password", { exact: true }).fill("una frase lunga come password");
  await form.getByLabel("Conferma la nuova password").fill("una frase lunga come password");
  await form.getByRole("button", { name: "Cambia la password" }).click();
  await expect(page.getByTestId("errore-modulo")).toContainText("La password attuale non è corretta.");
  await checkA11y(page);
  errors.assertClean();
});
