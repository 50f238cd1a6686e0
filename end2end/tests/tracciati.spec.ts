import { test, expect } from "@playwright/test";
import { createHash } from "crypto";
import * as fs from "fs";
import { checkA11y, settled, statePath, visit } from "./helpers";

const POSITION = "8100000001800000";

test.describe("invio tracciati", () => {
  test.use({ storageState: statePath("datore") });

  test("a file is received with its protocol and SHA-256, and its receipt downloads", async ({ page }, testInfo) => {
    const content = Buffer.from(`RECORD;${testInfo.project.name};${Date.now()}\n`);
    const sha = createHash("sha256").update(content).digest("hex");
    await visit(page, `/cassetto/${POSITION}/invio-tracciati`, testInfo);
    await checkA11y(page);
    const form = page.getByTestId("form-tracciato");
    await form.getByLabel("File").setInputFiles({ name: "flusso.txt", mimeType: "text/plain", buffer: content });
    await form.getByRole("button", { name: "Invia" }).click();
    await expect(page.getByTestId("esito")).toContainText(/Tracciato ricevuto con protocollo INPS\.7001\.\d{4}\.\d{7}/);
    await settled(page, testInfo);
    const row = page.getByTestId("tracciato").filter({ hasText: sha });
    await expect(row).toHaveAttribute("data-stato", "elaborato");
    const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("link", { name: /Ricevuta/ }).click()]);
    const receipt = fs.readFileSync(await download.path(), "utf8");
    expect(receipt).toContain(`Impronta SHA-256: ${sha}`);
    expect(receipt).toContain(`Dimensione: ${content.length} byte`);
  });
});
