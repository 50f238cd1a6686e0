import { Page, TestInfo, expect, test } from "@playwright/test";
import { ACCOUNTS, NO_SESSION, checkA11y, hydrated, loginThroughUi, settled, statePath, visit } from "./helpers";

// Issue 16 item 6: every page fits a phone (390 × 844) and a laptop (1366 × 900) without a horizontal
// scrollbar, and axe finds nothing serious at either size. The pages are found by walking each role's links,
// so a new page is checked without being listed here.
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 900 };
const POSITION = "8100000001800000";

/** One page per kind: numbers and position codes in a path stand for any other, as a manual page for the rest. */
function kind(path: string): string {
  if (path.startsWith("/supporto/")) return "/supporto/S";
  return path
    .split("/")
    .map((s) => (/^\d{6,}$/.test(s) ? "P" : /^\d+$/.test(s) ? "N" : s))
    .join("/");
}

/** The links of the page to other pages of ours (not downloads, not the login). */
async function pageLinks(page: Page): Promise<string[]> {
  const hrefs = await page.locator("a[href^='/']:not([download])").evaluateAll((els) => els.map((e) => e.getAttribute("href") || ""));
  return hrefs
    .map((h) => h.split("#")[0].split("?")[0])
    .filter((h) => h && !/\.(pdf|zip)$|^\/(esporta|esporta-errori|ricevute|accesso|vendor|pkg)\b/.test(h) && !/\/allegati/.test(h));
}

/** Where the page is wider than the window: the widest elements, for the failure message. */
async function overflow(page: Page): Promise<{ extra: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const extra = document.documentElement.scrollWidth - width;
    const culprits = extra <= 0 ? [] : Array.from(document.querySelectorAll("body *"))
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${(e.getAttribute("class") || "").replace(/ /g, ".")} → ${Math.round(e.getBoundingClientRect().right)}px`);
    return { extra, culprits };
  });
}

/** Checks one page at both sizes. */
async function fitsBothSizes(page: Page, path: string, testInfo: TestInfo) {
  for (const size of [LAPTOP, PHONE]) {
    await page.setViewportSize(size);
    await expect(page.locator("main")).toBeVisible();
    const { extra, culprits } = await overflow(page);
    expect(extra, `${path} at ${size.width}px is ${extra}px too wide: ${culprits.join("; ")}`).toBeLessThanOrEqual(0);
    const esci = page.getByTestId("esci");
    if (await esci.count()) {
      const box = (await esci.boundingBox())!;
      expect(box.x + box.width, `${path} at ${size.width}px: «Esci» off-screen`).toBeLessThanOrEqual(size.width);
    }
    await checkA11y(page);
  }
  await page.setViewportSize(LAPTOP);
}

/** Walks the pages reachable from `start`, one per kind, up to `limit`, checking each. */
async function walk(page: Page, start: string[], limit: number, testInfo: TestInfo): Promise<string[]> {
  const queue = [...start];
  const seen = new Set<string>();
  const visited: string[] = [];
  while (queue.length && visited.length < limit) {
    const path = queue.shift()!;
    if (seen.has(kind(path))) continue;
    seen.add(kind(path));
    await page.setViewportSize(LAPTOP);
    await visit(page, path, testInfo);
    // A page the role may not open sends it to the login: not this role's page.
    if (!path.startsWith("/accesso") && new URL(page.url()).pathname.startsWith("/accesso")) continue;
    visited.push(path);
    await fitsBothSizes(page, path, testInfo);
    for (const link of await pageLinks(page)) if (!seen.has(kind(link))) queue.push(link);
  }
  return visited;
}

test.describe("every page at 390 and 1366 pixels", () => {
  // Measuring needs a script in the page; the no-JavaScript run renders the same server pages.
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "measures the layout with scripts");
  test.setTimeout(600_000);

  test("as a visitor", async ({ browser }, testInfo) => {
    const page = await (await browser.newContext({ storageState: NO_SESSION })).newPage();
    const visited = await walk(page, ["/", "/supporto", "/accesso", "/privacy", "/accessibilita", "/note-legali", "/contatti"], 30, testInfo);
    expect(visited).toEqual(expect.arrayContaining(["/", "/supporto", "/privacy", "/accessibilita", "/note-legali", "/contatti"]));
  });

  for (const role of ["datore", "intermediario"]) {
    test(`as ${role}`, async ({ browser }, testInfo) => {
      const page = await (await browser.newContext({ storageState: statePath(role) })).newPage();
      const start = role === "datore"
        ? ["/cassetto", `/cassetto/${POSITION}`, `/cassetto/${POSITION}/dma`, "/deleghe", "/comunicazioni", "/comunicazioni/nuova", "/agenda", "/profilo"]
        : ["/cassetto", "/deleghe", "/comunicazioni", "/agenda", "/profilo"];
      const visited = await walk(page, start, role === "datore" ? 60 : 20, testInfo);
      expect(visited.length).toBeGreaterThan(role === "datore" ? 20 : 4);
    });
  }

  for (const role of ["operatore", "admin"]) {
    test(`as ${role}`, async ({ browser }, testInfo) => {
      const page = await (await browser.newContext({ storageState: NO_SESSION })).newPage();
      await loginThroughUi(page, role, testInfo);
      const start = role === "operatore" ? ["/backoffice", "/backoffice/fascicolo", `/backoffice/fascicolo/${POSITION}`] : ["/admin", "/admin/feedback"];
      const visited = await walk(page, start, 30, testInfo);
      expect(visited.length).toBeGreaterThan(2);
    });
  }
});

test.describe("menus on a phone", () => {
  test.use({ storageState: statePath("datore"), viewport: PHONE });

  test("the main navigation and the position's services fold behind their buttons, content first", async ({ page }, testInfo) => {
    await visit(page, `/cassetto/${POSITION}/versamenti`, testInfo);
    const nav = page.getByTestId("navigazione-principale");
    await expect(nav).toBeHidden();
    await page.getByTestId("apri-menu").click();
    await expect(nav.getByRole("link", { name: "Deleghe" })).toBeVisible();
    // The position's menu is folded: the table is the first thing under the title.
    const menu = page.getByTestId("menu-posizione");
    await expect(menu).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toBeInViewport();
    await page.getByTestId("apri-menu-posizione").click();
    await expect(menu.getByRole("link", { name: "Versamenti" })).toBeVisible();
    await expect(menu.getByRole("link", { name: "Versamenti" })).toHaveAttribute("aria-current", "page");
    // «Esci» stays on the screen.
    await expect(page.getByTestId("esci")).toBeInViewport();
  });

  test("on a laptop both menus are open and their buttons gone", async ({ page }, testInfo) => {
    await page.setViewportSize(LAPTOP);
    await visit(page, `/cassetto/${POSITION}/versamenti`, testInfo);
    await expect(page.getByTestId("apri-menu")).toBeHidden();
    await expect(page.getByTestId("apri-menu-posizione")).toBeHidden();
    await expect(page.getByTestId("navigazione-principale").getByRole("link", { name: "Deleghe" })).toBeVisible();
    await expect(page.getByTestId("menu-posizione").getByRole("link", { name: "Versamenti" })).toBeVisible();
  });
});

test.describe("the footer of a PA service", () => {
  test.use({ storageState: NO_SESSION });

  test("links privacy, accessibility, legal notes and contacts, each a page of ours", async ({ page }, testInfo) => {
    await visit(page, "/", testInfo);
    const links = page.getByTestId("link-legali");
    for (const [name, path, heading] of [
      ["Informativa privacy", "/privacy", "Informativa sul trattamento dei dati personali"],
      ["Dichiarazione di accessibilità", "/accessibilita", "Dichiarazione di accessibilità"],
      ["Note legali", "/note-legali", "Note legali"],
      ["Contatti", "/contatti", "Contatti"],
    ]) {
      await links.getByRole("link", { name }).click();
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await settled(page, testInfo);
    }
    // The header's centre names the service and links home.
    await expect(page.getByTestId("marchio")).toContainText("Cassetto previdenziale");
  });

  test("a signed-in user finds the services in the navbar, not in the slim bar", async ({ browser }, testInfo) => {
    const page = await (await browser.newContext({ javaScriptEnabled: hydrated(testInfo), storageState: statePath("datore") })).newPage();
    await visit(page, "/deleghe", testInfo);
    const nav = page.getByRole("navigation", { name: "Navigazione principale" });
    await expect(nav.getByRole("link", { name: "Deleghe" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("navigation", { name: "Utente" }).getByRole("link", { name: "Deleghe" })).toHaveCount(0);
    await expect(page.getByTestId("utente")).toContainText(ACCOUNTS.datore.name);
  });
});
