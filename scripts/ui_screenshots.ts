/**
 * Screenshots of every web UI page (`npm run screenshots`), at 1280×800 and 390×844, into
 * docs/ui/. It starts the built `dist/tide serve` (building it first when it is missing or older
 * than its sources; `--binary` names another, `--source` runs `bun cli/main.ts`) over a temporary
 * folder holding iris, drives Debian's chromium (never a downloaded browser) through the pages
 * the way a person would (two small classifiers and an autoencoder). First it measures the cold
 * start `--repeat` times (default 5: launch `tide serve`, load `/`, stop it) and prints the time
 * from launch to the first page painted, as the browser's clock says; then the size of the UI's
 * files in the binary.
 *
 * ```sh
 * bun scripts/ui_screenshots.ts [--out docs/ui] [--binary dist/tide | --source] [--repeat 5]
 * ```
 * @module
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import process from "node:process";
import { ASSETS } from "../server/ui/assets.gen.ts";
import { importIris, openBrowser, startServer, tideBinary, trainTiny } from "../test/server/_browser.ts";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const out = resolve(arg("--out") ?? join(ROOT, "docs", "ui"));
await mkdir(out, { recursive: true });
const binary = arg("--binary") ?? (process.argv.includes("--source") ? undefined : await tideBinary((line) => console.log(line)));
// The browser is up first, so a cold start counts the server's start-up and the first page only.
const browser = await openBrowser();

/**
 * One cold start: launch `tide serve`, open `/` as soon as it listens, and read the browser's
 * clock at app.js's "tide:painted" mark (set in the task after the frame that drew the first
 * page), as performance.timeOrigin + its time, against the wall clock at launch.
 */
async function coldStart(): Promise<{ painted: number; listening: number; navigation: number; fcp: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const launchedAt = Date.now();
  const server = await startServer(binary);
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => performance.getEntriesByName("tide:painted").length > 0);
    const paintedAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName("tide:painted")[0].startTime);
    const [origin, fcp] = await page.evaluate(() => [performance.timeOrigin, performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN]);
    return { painted: paintedAt - launchedAt, listening: server.listening - server.launched, navigation: origin - launchedAt, fcp };
  } finally {
    await page.close();
    await server.close();
  }
}
const runs = Number(arg("--repeat") ?? 5);
const starts: Awaited<ReturnType<typeof coldStart>>[] = [];
for (let i = 0; i < runs; i++) starts.push(await coldStart());
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(", ")})`;
console.log(`tide serve: ${binary ?? "bun cli/main.ts (source)"}`);
console.log(`cold start, ${runs} runs: first page painted ${ms(starts.map((r) => r.painted))} after launching tide serve; ` +
  `listening ${ms(starts.map((r) => r.listening))}; navigation started ${ms(starts.map((r) => r.navigation))}; first contentful paint ${ms(starts.map((r) => r.fcp))} after navigation starts`);

const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const server = await startServer(binary);
try {
  const bytes = Object.values(ASSETS).reduce((a, t) => a + new TextEncoder().encode(t).length, 0);
  const sizes = Object.entries(ASSETS).map(([n, t]) => `${n} ${(new TextEncoder().encode(t).length / 1024).toFixed(1)}`);
  console.log(`UI assets: ${Object.keys(ASSETS).length} files, ${(bytes / 1024).toFixed(1)} KiB in the binary (KiB each: ${sizes.join(", ")})`);
  // iris split 75/25 on its frame page; the classifiers train on the first part and are validated on the second.
  await importIris(page, server.url);
  await page.goto(`${server.url}/#/frame/iris.hex`);
  await page.waitForSelector("#split");
  await page.fill("#split [name=ratios]", "0.75");
  await page.click("#split button");
  await page.waitForSelector("#split-status a");
  const model = await trainTiny(page, server.url, "shot", undefined, undefined, "iris.hex_part0", "iris.hex_part1");
  const second = await trainTiny(page, server.url, "shot2", "hidden", "5", "iris.hex_part0", "iris.hex_part1");
  // A small autoencoder from the form: every measurement but the species, a 2-unit bottleneck.
  await page.goto(`${server.url}/#/build/iris.hex`);
  await page.waitForSelector("#p-epochs");
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  await page.check('[name=ignored][value="species"]');
  await page.check("#p-autoencoder");
  await page.fill("#p-model_id", "shot_ae");
  await page.fill("#p-hidden", "6,2,6");
  await page.selectOption("#p-activation", "Tanh");
  await page.fill("#p-epochs", "30");
  await page.fill("#p-seed", "1");
  await page.check("#p-score_each_iteration");
  await page.fill("#p-train_samples_per_iteration", "150");
  await page.click("#train");
  await page.waitForSelector("#open-model", { timeout: 60_000 });
  const pages: [string, string, string][] = [
    ["frames", "#/frames", "#frames"],
    ["frame", "#/frame/iris.hex", "#columns"],
    ["build", "#/build/iris.hex", "#build"],
    ["jobs", "#/jobs", "#jobs"],
    ["job", `#/job/${model.job}`, "#chart-history canvas"],
    ["model", `#/model/${model.id}`, "#chart-history canvas"],
    ["autoencoder", "#/model/shot_ae", "#chart-history canvas"],
    ["compare", `#/compare/${model.id},${second.id}`, "#chart-compare canvas"],
  ];
  for (const [w, h, tag] of [[1280, 800, "wide"], [390, 844, "narrow"]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const [name, hash, sel] of pages) {
      await page.goto(`${server.url}/${hash}`);
      await page.waitForSelector(sel);
      if (name === "model") {
        await page.click("#predict button");
        await page.waitForSelector("#prediction-rows");
      }
      if (name === "autoencoder") {
        await page.click("#anomaly button");
        await page.waitForSelector("#chart-anomaly canvas");
      }
      await page.screenshot({ path: join(out, `${name}-${tag}.png`), fullPage: name !== "build" });
    }
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
}
