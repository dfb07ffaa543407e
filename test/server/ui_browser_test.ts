// The web UI in a real browser (Debian's chromium through playwright-core; .ci/run installs it):
// import iris, read its column table, build a model with an invalid field and see the message
// beside it, fix it, watch the scoring chart grow while the job runs, read the model page
// (confusion matrix, variable importances), predict and download the CSV, download the JavaScript
// scorer, read an autoencoder's reconstruction errors, compare two models, watch a cross-validated
// training's chart start afresh for each fold;
// also split, upload, as-factor and a binomial model's ROC, and cancel.
// It runs the built dist/tide (built first when missing or stale; TIDE_UI_SOURCE=1 runs the source,
// TIDE_BINARY=path another binary). The charts are uPlot canvases: the checks read uPlot's data
// (`#chart-<id>`.uplot) and count the canvas pixels drawn in a series' colour.
import { assert, assertEquals, test } from "../_harness.ts";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { importIris, openBrowser, startServer, tideBinary, trainTiny } from "./_browser.ts";

/** The first series colours of app.js's COLORS, as RGB. */
const BLUE = [0x1f, 0x6f, 0xeb], ORANGE = [0xe8, 0x59, 0x0c];

/** Pixels of the chart's canvas that are (nearly) `rgb` and opaque: the series in that colour was drawn. */
function ink(page: Page, id: string, rgb: number[]): Promise<number> {
  return page.evaluate(([id, rgb]) => {
    const c = document.querySelector(`#chart-${id} canvas`) as HTMLCanvasElement | null;
    if (!c) return 0;
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 60) n++;
    return n;
  }, [id, rgb] as const);
}
/** uPlot's own view of a chart: its x values, series labels and width. */
function plot(page: Page, id: string): Promise<{ xs: number; labels: string[]; width: number; ys: (number | null)[][] } | null> {
  return page.evaluate((id) => {
    const u = (document.getElementById(`chart-${id}`) as unknown as { uplot?: any } | null)?.uplot;
    return u ? { xs: u.data[0].length, labels: u.series.map((s: any) => s.label), width: u.width, ys: u.data.slice(1) } : null;
  }, id);
}

test("web UI in chromium: imports a file, trains with a live chart, inspects, predicts, compares and cancels", async () => {
  const binary = await tideBinary((line) => console.log(line));
  const [server, browser] = await Promise.all([startServer(binary), openBrowser()]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await importIris(page, server.url);
    const cells = await page.$$eval("#columns tbody tr", (rows) => rows.map((r) => [...r.querySelectorAll("td")].slice(0, 8).map((td) => td.textContent!.trim())));
    assertEquals(cells.map((r) => r[0]), ["sepal_len", "sepal_wid", "petal_len", "petal_wid", "species"]);
    assertEquals(cells[0].slice(1, 4), ["numeric", "4.3", "7.9"]);
    assertEquals(cells[4][1], "factor");
    assertEquals(cells[4][7], "3");
    assertEquals(await page.$$eval("#columns svg.hist", (s) => s.length), 5);

    // Split 0.75 / rest with a seed: the parts hold every row once.
    await page.fill("#split [name=ratios]", "0.75");
    await page.click("#split button");
    await page.waitForSelector("#split-status a");
    const parts = [...(await page.textContent("#split-status"))!.matchAll(/\((\d+) rows\)/g)].map((m) => Number(m[1]));
    assertEquals(parts.length, 2);
    assertEquals(parts[0] + parts[1], 150);

    // Upload a two-class file from the browser, turn its 0/1 response into a factor, train: ROC.
    await writeFile(join(server.dir, "binary.csv"), "x1,x2,y\n" + Array.from({ length: 60 }, (_, i) => `${(i % 7) / 7 + (i % 2)},${(i % 5) / 5},${i % 2}`).join("\n") + "\n");
    await page.goto(`${server.url}/#/frames`);
    await page.waitForSelector("#import-upload");
    await page.setInputFiles("#import-upload [name=file]", join(server.dir, "binary.csv"));
    await page.click("#import-upload button");
    await page.waitForURL(/#\/frame\/(?!iris\.hex)/);
    await page.waitForSelector("#columns");
    const binary = decodeURIComponent(page.url().split("#/frame/")[1]);
    await page.click('[data-factor="2"]');
    await page.waitForFunction(() => document.querySelector("#columns tbody tr:nth-child(3) td:nth-child(2)")?.textContent === "factor");
    await trainTiny(page, server.url, "binary", undefined, undefined, binary);
    await page.click("#open-model");
    await page.waitForSelector("#chart-roc canvas");
    assert(Number(await page.getAttribute("#chart-roc", "data-points")) > 4, `ROC points: ${await page.getAttribute("#chart-roc", "data-points")}; page errors: ${errors.join("; ")}`);
    assertEquals((await plot(page, "roc"))!.labels, ["false positive rate", "ROC", "chance"]);
    assert(await ink(page, "roc", BLUE) > 100, "the ROC curve is drawn");

    // An invalid field: the server's message appears beside it, and the form is not left.
    await page.goto(`${server.url}/#/build/iris.hex`);
    await page.waitForSelector("#p-hidden");
    await page.fill("#p-hidden", "8,0");
    await page.click("#train");
    await page.waitForSelector('.field.invalid [data-error="hidden"]');
    const msg = await page.textContent('[data-error="hidden"]');
    assert(/hidden/.test(msg!) && msg!.length > 10, msg!);

    // Fixed: the job page's chart grows while the job is running.
    await page.fill("#p-hidden", "8");
    await page.fill("#p-epochs", "150");
    await page.fill("#p-model_id", "live");
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    await page.check("#p-score_each_iteration");
    await page.fill("#p-train_samples_per_iteration", "150");
    // Samples the live chart every 20 ms: uPlot's point count and the job's status as they were.
    await page.evaluate(() => {
      const w = window as unknown as { seen: [number, string][]; sampler: number };
      w.seen = [];
      w.sampler = setInterval(() => {
        const u = (document.getElementById("chart-history") as unknown as { uplot?: { data: number[][] } } | null)?.uplot;
        const n = u?.data[0].length ?? 0, status = document.getElementById("job-status")?.textContent ?? "";
        if (u && (w.seen.at(-1)?.[0] !== n || w.seen.at(-1)?.[1] !== status)) w.seen.push([n, status]);
      }, 20) as unknown as number;
    });
    await page.click("#train");
    await page.waitForFunction(() => (window as unknown as { seen: [number, string][] }).seen.filter(([, s]) => s.includes("RUNNING")).length >= 2, undefined, { timeout: 15_000 });
    assert(await ink(page, "history", BLUE) > 50, "the live chart's training line is drawn on its canvas");
    await page.waitForSelector("#open-model", { timeout: 15_000 });
    const seen = await page.evaluate(() => {
      const w = window as unknown as { seen: [number, string][]; sampler: number };
      clearInterval(w.sampler);
      return w.seen;
    });
    const running = seen.filter(([, s]) => s.includes("RUNNING")).map(([n]) => n);
    assert(running.length >= 2 && running.at(-1)! > running[0], `points seen while running: ${running.join(",")}`);
    assert(seen.at(-1)![0] > running[0], `points: ${seen.map(([n]) => n).join(",")}`);

    await page.click("#open-model");
    await page.waitForSelector("#chart-svg-varimp");
    const cm = await page.$$eval("#cm td[data-cell]", (tds) => tds.map((td) => Number(td.textContent)));
    assertEquals(cm.length, 9);
    assertEquals(cm.reduce((a, b) => a + b, 0), 150);
    assertEquals(await page.getAttribute("#chart-svg-varimp", "data-points"), "4");
    await page.waitForSelector("#chart-history canvas");
    const history = (await plot(page, "history"))!;
    assert(history.xs >= 150, `history points: ${history.xs}`);
    assertEquals(history.labels, ["epochs", "training"]);
    assert(await ink(page, "history", BLUE) > 100, "the scoring history is drawn");
    // The legend works from the keyboard: Enter on a series name hides its line.
    await page.focus("#chart-history .u-legend tr.u-series:nth-child(2) th");
    await page.keyboard.press("Enter");
    assertEquals(await page.getAttribute("#chart-history .u-legend tr.u-series:nth-child(2) th", "aria-pressed"), "false");
    assertEquals(await page.evaluate(() => (document.getElementById("chart-history") as unknown as { uplot: { series: { show: boolean }[] } }).uplot.series[1].show), false);
    await page.keyboard.press("Enter");
    // A narrow window: the charts shrink with it.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => (document.getElementById("chart-history") as unknown as { uplot: { width: number } }).uplot.width < 390);
    assert(await ink(page, "history", BLUE) > 50, "the narrowed chart is redrawn");
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.click("#predict button");
    await page.waitForSelector("#prediction-rows");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-predictions")]);
    const csv = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString());
    const lines = csv.trim().split("\n");
    assertEquals(lines.length, 151);
    assert(lines[0].replace(/"/g, "").startsWith("predict,setosa,versicolor,virginica"), lines[0]);

    // The standalone scorer downloads as a JavaScript module.
    const [scorer] = await Promise.all([page.waitForEvent("download"), page.click("#export-js")]);
    assertEquals(scorer.suggestedFilename(), "live.mjs");

    // An autoencoder's page: the reconstruction error's histogram, the worst rows, and the export's refusal.
    // Built from the form: ticking autoencoder sets the response column aside (none is sent).
    await page.goto(`${server.url}/#/build/iris.hex`);
    await page.waitForSelector("#p-epochs");
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    await page.check('[name=ignored][value="species"]');
    await page.check("#p-autoencoder");
    assert(await page.isDisabled("#f-response_column") && await page.isVisible("#ae-note"), "the response column is set aside");
    await page.fill("#p-model_id", "ae");
    await page.fill("#p-hidden", "2");
    await page.fill("#p-epochs", "2");
    await page.click("#train");
    await page.waitForSelector("#open-model", { timeout: 15_000 });
    await page.click("#open-model");
    await page.waitForSelector("#anomaly");
    await page.click("#anomaly button");
    await page.waitForSelector("#worst-rows");
    assertEquals(await page.getAttribute("#chart-anomaly", "data-points"), "150");
    const bins = (await plot(page, "anomaly"))!;
    assertEquals(bins.xs, 20);
    assertEquals(bins.ys[0].reduce((a, b) => a! + b!, 0), 150);
    assert(await ink(page, "anomaly", BLUE) > 200, "the histogram's bars are drawn");
    const errs = await page.$$eval("#worst-rows tbody tr", (rs) => rs.map((r) => Number(r.children[1].textContent)));
    assert(errs.length === 10 && errs.every((e, i) => i === 0 || e <= errs[i - 1]), errs.join(","));
    // Each worst row is one table row: its number, its error, then its five values in their own cells.
    assertEquals(await page.$$eval("#worst-rows tbody tr", (rs) => rs.map((r) => r.children.length)), new Array(10).fill(7));
    await page.click("#export-onnx");
    await page.waitForSelector("#export-msg.error");
    assert((await page.textContent("#export-msg"))!.includes("autoencoders are not exported"));

    const other = await trainTiny(page, server.url, "other", "hidden", "4");
    await page.goto(`${server.url}/#/compare/live,${other.id}`);
    await page.waitForSelector("#chart-compare canvas");
    const rows = await page.$$eval("#compare-metrics tbody th", (th) => th.map((t) => t.textContent));
    assertEquals(rows, ["live (training)", "other (training)"]);
    assertEquals((await plot(page, "compare"))!.labels, ["epochs", "live training", `${other.id} training`]);
    assert(await ink(page, "compare", BLUE) > 50 && await ink(page, "compare", ORANGE) > 50, "both models' lines are drawn");

    // A chart page opened first: its charts wait for the chart library, which loads after the first page.
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    fresh.on("pageerror", (e) => errors.push(e.message));
    await fresh.goto(`${server.url}/#/compare/live,${other.id}`);
    await fresh.waitForSelector("#chart-compare canvas");
    assert(await ink(fresh, "compare", ORANGE) > 50, "the compare chart is drawn on a fresh page");
    await fresh.close();

    // A cross-validated training: as each fold, then the main model, starts, its live chart is
    // emptied at once (not at the new model's first score) and titled by that model.
    await page.goto(`${server.url}/#/build/iris.hex`);
    await page.waitForSelector("#p-epochs");
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    for (const [f, v] of [["model_id", "cv"], ["epochs", "20"], ["hidden", "8"], ["seed", "1"], ["train_samples_per_iteration", "150"], ["nfolds", "2"]]) await page.fill(`#p-${f}`, v);
    await page.check("#p-score_each_iteration");
    await page.evaluate(() => {
      // Each chart title as it is set, with what the chart shows at that moment.
      const seen: { title: string; waiting: boolean; points: string | null }[] = (window as unknown as { seen: typeof seen }).seen = [];
      new MutationObserver(() => {
        const title = document.getElementById("chart-title")?.textContent ?? "";
        if (title.startsWith("Scoring history of") && title !== seen.at(-1)?.title) {
          seen.push({ title, waiting: !!document.querySelector("#chart-box-loss .chart-waiting"), points: document.getElementById("chart-history")?.dataset.points ?? null });
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.click("#train");
    await page.waitForSelector("#open-model", { timeout: 60_000 });
    const titled = await page.evaluate(() => (window as unknown as { seen: { title: string; waiting: boolean; points: string | null }[] }).seen);
    assertEquals(titled.at(-1)?.title, "Scoring history of the main model (cv)", JSON.stringify(titled));
    assert(titled.every((t) => t.waiting && t.points === null), JSON.stringify(titled));
    assert(Number(await page.getAttribute("#chart-history", "data-points")) > 0, "the main model's chart is drawn");

    // Cancel a long training from its job page: it ends CANCELLED and keeps the best model so far.
    await page.goto(`${server.url}/#/build/iris.hex`);
    await page.waitForSelector("#p-epochs");
    await page.fill("#p-epochs", "100000");
    await page.fill("#p-hidden", "8");
    await page.fill("#p-model_id", "long");
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    await page.check("#p-score_each_iteration");
    await page.fill("#p-train_samples_per_iteration", "150");
    await page.click("#train");
    await page.waitForSelector("#chart-history canvas");
    await page.click("#cancel");
    await page.waitForSelector("#open-model");
    assert((await page.textContent("#job-status"))!.includes("CANCELLED"), (await page.textContent("#job-status"))!);
    assertEquals(errors, [], "no script error on any page");
  } finally {
    await browser.close();
    await server.close();
  }
}, { timeout: 150_000 }); // about 15 s, plus about 10 s more when dist/tide is (re)built first
