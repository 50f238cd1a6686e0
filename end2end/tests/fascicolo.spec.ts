import { test, expect } from "@playwright/test";
import * as fs from "fs";
import { settled, statePath, visit } from "./helpers";

// Comune di Roccaverde: CF 81000000018, PRGAZIENDA 00000.
const POSITION = "8100000001800000";

test.describe("fascicolo aziendale", () => {
  test.use({ storageState: statePath("datore") });

  test("one click from the position's menu gives the dossier as a PDF", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}`, testInfo);
    await page.getByTestId("menu-posizione").getByRole("link", { name: "Fascicolo aziendale" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fascicolo aziendale");
    await settled(page, testInfo);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("stampa-fascicolo").click()]);
    expect(download.suggestedFilename()).toBe(`fascicolo-${POSITION}.pdf`);
    const pdf = fs.readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(10_000);
  });
});
