import { test, expect } from "@playwright/test";
import * as fs from "fs";
import { hydrated, settled, statePath, visit } from "./helpers";

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

  test("printing says it is under way and cannot be started twice", async ({ page }, testInfo) => {
    test.skip(!hydrated(testInfo), "without JavaScript the browser's own download shows the progress");
    // The server is held back a little, so the page's state while it works can be read.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/fascicolo.pdf", async (route) => {
      await held;
      await route.continue();
    });
    await visit(page, `/cassetto/${POSITION}/fascicolo`, testInfo);
    const button = page.getByTestId("stampa-fascicolo");
    const download = page.waitForEvent("download");
    await button.click();
    await expect(page.getByTestId("avanzamento")).toContainText("Preparazione del fascicolo in corso");
    await expect(button).toHaveAttribute("aria-disabled", "true");
    await expect(button).toHaveClass(/disabled/);
    release();
    expect((await download).suggestedFilename()).toBe(`fascicolo-${POSITION}.pdf`);
    const pdf = fs.readFileSync(await (await download).path());
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await expect(button).not.toHaveAttribute("aria-disabled", "true");
    await expect(page.getByTestId("avanzamento")).toHaveText("");
  });
});
