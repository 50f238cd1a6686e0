import { test, expect } from "@playwright/test";
import { createHash } from "crypto";
import * as fs from "fs";
import { checkA11y, settled, statePath, visit } from "./helpers";

const POSITION = "8100000001800000";

test.describe("invio tracciati", () => {
  test.use({ storageState: statePath("datore") });

  test("a file is received with its protocol and SHA-256, and its receipt downloads", async ({ page }, testInfo) => {
    // Records of the type's 120 characters (migration 0026), unique per run so the row is found by its hash.
    const record = (n: number) => `${String(n).padStart(5, "0")} ${testInfo.project.name} ${Date.now()}`.padEnd(120, " ");
    const content = Buffer.from(`${record(1)}\r\n${record(2)}\r\n`);
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
    expect(receipt).toContain("2 record da 120 caratteri");
  });

  test("an image is refused with an Italian message and nothing is listed", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/invio-tracciati`, testInfo);
    await settled(page, testInfo);
    const rows = await page.getByTestId("tracciato").count();
    const form = page.getByTestId("form-tracciato");
    await expect(form.getByLabel("Tipo di tracciato")).toContainText("record di 120 caratteri");
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
    await form.getByLabel("File").setInputFiles({ name: "scansione.png", mimeType: "image/png", buffer: png });
    await form.getByRole("button", { name: "Invia" }).click();
    await expect(page.getByTestId("errore-modulo")).toContainText("non è un tracciato di testo");
    await expect(page.getByTestId("esito")).toHaveCount(0);
    await settled(page, testInfo);
    await expect(page.getByTestId("tracciato")).toHaveCount(rows);
  });
});
