import { request, FullConfig } from "@playwright/test";
import * as fs from "fs";
import { ROLES_WITH_STATE, STATE_DIR, loginThroughHttp, statePath } from "./tests/helpers";

// Waits for the server cargo-leptos started (it seeds the demo database first), then logs in once
// per Cassetto role and stores the session, so specs about the Cassetto need not log in again.
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL as string;
  const ctx = await request.newContext({ baseURL });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await ctx.get("/healthz");
      if (res.ok()) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("server did not become healthy");
    await new Promise((r) => setTimeout(r, 500));
  }
  await ctx.dispose();
  fs.mkdirSync(STATE_DIR, { recursive: true });
  for (const role of ROLES_WITH_STATE) {
    const session = await request.newContext({ baseURL });
    await loginThroughHttp(session, role);
    await session.storageState({ path: statePath(role) });
    await session.dispose();
  }
}
