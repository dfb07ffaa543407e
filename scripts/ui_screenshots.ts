/**
 * Screenshots of every web UI page (`npm run screenshots`), at 1280×800 and 390×844, into
 * docs/ui/. It starts the built `dist/tide serve` (building it first when it is missing or older
 * than its sources; `--binary` names another, `--source` runs `bun cli/main.ts`) over a temporary
 * folder holding iris, drives Debian's chromium (never a downloaded browser) through the pages
 * the way a person would (two small classifiers and an autoencoder), and prints the cold-start
 * time from launching the server to the first page painted and the size of the UI's files.
 *
 * ```sh
 * bun scripts/ui_screenshots.ts [--out docs/ui] [--binary dist/tide | --source]
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
// The browser is up first, so the cold start counts the server's start-up and the first page only.
const binary = arg("--binary") ?? (process.argv.includes("--source") ? undefined : await tideBinary((line) => console.log(line)));
const browser = await openBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const server = await startServer(binary);
console.log(`tide serve: ${server.program}`);
try {
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready]");
  await page.evaluate(() => new Promise(requestAnimationFrame));
  const painted = performance.now();
  const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
  console.log(`cold start: ${(painted - server.launched).toFixed(0)} ms from launching tide serve to the first page painted ` +
    `(listening after ${(server.listening - server.launched).toFixed(0)} ms; in the browser, first contentful paint ${fcp.toFixed(0)} ms after navigation starts)`);
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
    ["model", `#/model/${model.id}`, "#chart-svg-varimp"],
    ["autoencoder", "#/model/shot_ae", "#anomaly"],
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
