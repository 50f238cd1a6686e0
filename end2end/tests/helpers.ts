import { APIRequestContext, Locator, Page, expect, test, TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import * as fs from "fs";
import * as path from "path";

export const PASSWORD = "Cassetto.Demo.2026";

// The demo accounts of the README (codici fiscali with their check character).
export const ACCOUNTS: Record<string, { cf: string; name: string; label: string; home: string }> = {
  datore: { cf: "RSSMRA70A01H501S", name: "Mario Rossi", label: "Datore di lavoro / Rappresentante legale", home: "/cassetto" },
  delegato: { cf: "BNCLRA85M41F205C", name: "Laura Bianchi", label: "Dipendente delegato", home: "/cassetto" },
  intermediario: { cf: "VRDGPP65C10L219T", name: "Giuseppe Verdi", label: "Intermediario", home: "/cassetto" },
  subdelegato: { cf: "NRENNA90D45H501O", name: "Anna Neri", label: "Dipendente dell'intermediario (subdelegato)", home: "/cassetto" },
  operatore: { cf: "GLLPLA75E15H501K", name: "Paolo Gallo", label: "Operatore di Sede INPS", home: "/backoffice" },
  idm: { cf: "CNTSRA80H50H501Q", name: "Sara Conti", label: "Gestore IDM di Sede", home: "/backoffice" },
  admin: { cf: "FRRLCU72L20H501Q", name: "Luca Ferri", label: "Amministratore", home: "/admin" },
  datore2: { cf: "MRNFNC68S60F839Q", name: "Franca Marino", label: "Datore di lavoro / Rappresentante legale", home: "/cassetto" },
  nessuno: { cf: "RMNGLI88C50H501M", name: "Giulia Romano", label: "Utente senza profilo", home: "/benvenuto" },
};

export const ROLES_WITH_STATE = ["datore", "delegato", "intermediario", "subdelegato"];

/** Where the stored sessions live: one directory per run, so two runs on one machine keep their own. */
export const STATE_DIR = process.env.E2E_STATE_DIR || "state";

export function statePath(role: string): string {
  return `${STATE_DIR}/${role}.json`;
}

/** Reads the demo code on the second-factor page, waiting for the next 30-second step if both usable codes were spent. */
async function demoCode(fetchPage: () => Promise<string>): Promise<string> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const html = await fetchPage();
    const m = html.match(/data-testid="codice-demo-valore"[^>]*>(\d{6})</);
    if (m) return m[1];
    if (Date.now() > deadline) throw new Error("no demo code shown");
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** Logs in with plain form posts, as a browser without JavaScript would. */
export async function loginThroughHttp(ctx: APIRequestContext, role: string) {
  const account = ACCOUNTS[role];
  const step1 = await ctx.post("/api/accesso/password", {
    form: { codice_fiscale: account.cf, password: PASSWORD, next: "" },
    headers: { Accept: "text/html" },
    maxRedirects: 0,
  });
  expect(step1.headers()["location"]).toBe("/accesso/codice");
  const code = await demoCode(async () => (await ctx.get("/accesso/codice")).text());
  const step2 = await ctx.post("/api/accesso/codice", {
    form: { codice: code, next: "" },
    headers: { Accept: "text/html" },
    maxRedirects: 0,
  });
  expect(step2.headers()["location"]).toBe(account.home);
}

/** Collects page errors and failed responses; `assertClean` fails the test on any of them. */
export function watchErrors(page: Page) {
  const problems: string[] = [];
  const allowed = new Set<string>();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !allowed.has(new URL(r.url()).pathname)) problems.push(`${r.status()} ${r.url()}`);
  });
  return {
    allow(path: string) {
      allowed.add(path);
    },
    assertClean() {
      expect(problems, problems.join("\n")).toEqual([]);
    },
  };
}

export function hydrated(testInfo: TestInfo): boolean {
  return testInfo.project.name === "hydrated";
}

/** Navigates and, in the hydrated run, waits until the WebAssembly has taken over the page. */
export async function visit(page: Page, path: string, testInfo: TestInfo) {
  await page.goto(path);
  await settled(page, testInfo);
}

export async function settled(page: Page, testInfo: TestInfo) {
  if (hydrated(testInfo)) await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 30_000 });
}

/** axe-core on the current page: no serious or critical WCAG 2.1 A/AA violation. */
export async function checkA11y(page: Page) {
  // axe runs as a script inside the page, which the no-JavaScript run forbids; the hydrated run checks
  // the same server-rendered pages.
  if (test.info().project.name === "no-js") return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Logs in through the real pages: codice fiscale and password, then the demo code. */
export async function loginThroughUi(page: Page, role: string, testInfo: TestInfo) {
  const account = ACCOUNTS[role];
  await visit(page, "/accesso", testInfo);
  await page.getByLabel("Codice fiscale").fill(account.cf);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Prosegui" }).click();
  await expect(page).toHaveURL(/\/accesso\/codice/);
  await settled(page, testInfo);
  const deadline = Date.now() + 40_000;
  while ((await page.getByTestId("codice-demo-valore").count()) === 0) {
    if (Date.now() > deadline) throw new Error("no demo code shown");
    await page.waitForTimeout(2_000);
    await page.reload();
    await settled(page, testInfo);
  }
  const code = (await page.getByTestId("codice-demo-valore").textContent())!.trim();
  await page.getByLabel("Codice", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Accedi" }).click();
  await expect(page).toHaveURL(new RegExp(`${account.home}$`));
  await settled(page, testInfo);
}

/** Calls a JSON server function with the session of `ctx`. */
export async function callJson(ctx: APIRequestContext, endpoint: string, body: unknown = {}) {
  const res = await ctx.post(endpoint, { data: body });
  expect(res.status(), `${endpoint}: ${await res.text()}`).toBe(200);
  return res.json();
}

/**
 * The storage state of a context that must start logged out: inside a test, new contexts inherit the
 * describe's storageState, and logging in over that session would end it (the id rotates at login).
 */
export const NO_SESSION = { cookies: [], origins: [] };

// The SMTP sink of scripts/e2e.sh files every message the server sends here.
const MAIL_DIR = process.env.MAIL_DIR || "../target/e2e/mail";

/** One part of a message at the sink, its content decoded (quoted-printable, base64) and read as UTF-8. */
export interface MailPart {
  contentType: string;
  /** The parameters of its Content-Type (`charset`, `method`, …), names lower-cased. */
  params: Record<string, string>;
  filename?: string;
  text: string;
}

/** A message at the sink as a mail program reads it. */
export interface Mail {
  /** Header names lower-cased, values unfolded (the first of each name). */
  headers: Record<string, string>;
  /** The parts that hold content (never a multipart), in order. */
  parts: MailPart[];
  /** The header block unfolded, then every text part decoded: what `waitForMail` searches and returns. */
  text: string;
}

/** Header lines of a block (bytes as latin1), unfolded. */
function headerLines(head: string): [string, string][] {
  return head
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .map((l) => l.match(/^([^:\s]+):\s*(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => [m[1].toLowerCase(), m[2].trim()]);
}

/** The value and the parameters of a structured header (`text/calendar; method=REQUEST`). */
function structured(value: string): [string, Record<string, string>] {
  const [first, ...rest] = value.split(";");
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf("=");
    if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"(.*)"$/, "$1");
  }
  return [first.trim().toLowerCase(), params];
}

/** Content-Transfer-Encoding undone: bytes as latin1 in, bytes out. */
function decodeTransfer(body: string, encoding: string): Buffer {
  if (encoding === "base64") return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (encoding === "quoted-printable") {
    const joined = body.replace(/=\r?\n/g, "");
    return Buffer.from(joined.replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), "latin1");
  }
  return Buffer.from(body, "latin1");
}

/** The leaf parts of an entity (bytes as latin1), depth first. */
function leafParts(entity: string, depth = 0): { headers: Record<string, string>; parts: MailPart[] } {
  const split = entity.search(/\r?\n\r?\n/);
  const head = split < 0 ? entity : entity.slice(0, split);
  const body = split < 0 ? "" : entity.slice(split).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const [k, v] of headerLines(head)) if (!(k in headers)) headers[k] = v;
  const [contentType, params] = structured(headers["content-type"] || "text/plain");
  if (contentType.startsWith("multipart/") && params.boundary && depth < 8) {
    const delimiter = `--${params.boundary}`;
    // The lines between delimiter lines (RFC 2046 §5.1.1), up to the closing `--boundary--`.
    const chunks: string[] = [];
    let current: string[] | null = null;
    for (const line of body.split(/\r?\n/)) {
      if (line.startsWith(delimiter) && /^(--)?[ \t]*$/.test(line.slice(delimiter.length))) {
        if (current) chunks.push(current.join("\r\n"));
        if (line.slice(delimiter.length).startsWith("--")) break;
        current = [];
      } else if (current) {
        current.push(line);
      }
    }
    const parts = chunks.flatMap((c) => leafParts(c, depth + 1).parts);
    return { headers, parts };
  }
  const encoding = (headers["content-transfer-encoding"] || "7bit").toLowerCase();
  const disposition = structured(headers["content-disposition"] || "")[1];
  const filename = disposition.filename || params.name;
  const text = decodeTransfer(body, encoding).toString("utf8");
  return { headers, parts: [{ contentType, params, filename, text }] };
}

/** Reads an `.eml` file of the sink. */
export function parseMail(raw: Buffer): Mail {
  const latin1 = raw.toString("latin1");
  const { headers, parts } = leafParts(latin1);
  const split = latin1.search(/\r?\n\r?\n/);
  // Headers are ASCII (encoded words aside), so the block reads the same as UTF-8.
  const head = raw.subarray(0, split < 0 ? raw.length : split).toString("utf8").replace(/\r?\n[ \t]+/g, " ");
  const texts = parts.filter((p) => p.contentType.startsWith("text/")).map((p) => p.text);
  return { headers, parts, text: [head, ...texts].join("\n\n") };
}

/** The newest message whose headers or text parts contain all of `needles`, waiting for the outbox worker. */
export async function waitForMessage(needles: string[], after: number): Promise<Mail> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => /^\d+\.eml$/.test(f)) : [];
    const found = files
      .map((f) => ({ n: parseInt(f, 10), mail: parseMail(fs.readFileSync(path.join(MAIL_DIR, f))) }))
      .filter((m) => m.n > after && needles.every((s) => m.mail.text.includes(s)))
      .sort((a, b) => b.n - a.n);
    if (found.length) return found[0].mail;
    if (Date.now() > deadline) throw new Error(`no mail with ${needles.join(", ")}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `waitForMessage`'s text: the headers and the decoded text parts. */
export async function waitForMail(needles: string[], after: number): Promise<string> {
  return (await waitForMessage(needles, after)).text;
}

export function lastMailNumber(): number {
  if (!fs.existsSync(MAIL_DIR)) return 0;
  return Math.max(0, ...fs.readdirSync(MAIL_DIR).filter((f) => /^\d+\.eml$/.test(f)).map((f) => parseInt(f, 10)));
}

/** Ticks a Bootstrap Italia checkbox as a user does: its label, drawn over the hidden input. */
export async function tick(scope: Locator, label: string | RegExp) {
  await scope.locator("label", { hasText: label }).click();
  await expect(scope.getByLabel(label)).toBeChecked();
}

// The SMS gateway sink of scripts/e2e.sh files every SMS the server posts to it here (one JSON each).
const SMS_DIR = process.env.SMS_DIR || "../target/e2e/sms";

/** Every SMS sent to `to` whose text contains `needle`, waiting for the outbox worker to send one. */
export async function waitForSms(to: string, needle: string): Promise<{ to: string; text: string; reference: string }[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const files = fs.existsSync(SMS_DIR) ? fs.readdirSync(SMS_DIR).filter((f) => /^\d+\.json$/.test(f)) : [];
    const found = files
      .map((f) => JSON.parse(fs.readFileSync(path.join(SMS_DIR, f), "utf8")))
      .filter((m) => m.to === to && String(m.text).includes(needle));
    if (found.length) return found;
    if (Date.now() > deadline) throw new Error(`no SMS to ${to} with ${needle}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// A download asked for from a script is refused unless it says it comes from our own pages (the server
// answers audited downloads only to `Sec-Fetch-Site: same-origin|none`, docs/security.md).
export const SAME_ORIGIN = { headers: { "Sec-Fetch-Site": "same-origin" } };
