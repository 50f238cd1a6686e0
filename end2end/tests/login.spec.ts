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
