// The web UI in a real browser (Debian's chromium through playwright-core; .ci/run installs it):
// import iris, read its column table, build a model with an invalid field and see the message
// beside it, fix it, watch the scoring chart grow while the job runs, read the model page
// (confusion matrix, variable importances), predict and download the CSV, download the JavaScript
// scorer, read an autoencoder's reconstruction errors, compare two models;
// also split, upload, as-factor and a binomial model's ROC, and cancel.
import { assert, assertEquals, test } from "../_harness.ts";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { importIris, openBrowser, startServer, trainTiny } from "./_browser.ts";

test("web UI in chromium: imports a file, trains with a live chart, inspects, predicts, compares and cancels", async () => {
  const [server, browser] = await Promise.all([startServer(process.env.TIDE_BINARY), openBrowser()]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
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
    await page.waitForSelector("#chart-svg-roc");
    assert(Number(await page.getAttribute("#chart-svg-roc", "data-points")) > 4);

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
    await page.evaluate(() => {
      const w = window as unknown as { seen: [number, string][] };
      w.seen = [];
      new MutationObserver(() => {
        const svg = document.getElementById("chart-svg-history");
        if (svg) w.seen.push([Number(svg.dataset.points), document.getElementById("job-status")?.textContent ?? ""]);
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.click("#train");
    await page.waitForSelector("#open-model", { timeout: 15_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: [number, string][] }).seen);
    const running = seen.filter(([, s]) => s.includes("RUNNING")).map(([n]) => n);
    assert(running.length >= 2 && running.at(-1)! > running[0], `points seen while running: ${running.join(",")}`);
    assert(seen.at(-1)![0] > running[0], `points: ${seen.map(([n]) => n).join(",")}`);

    await page.click("#open-model");
    await page.waitForSelector("#chart-svg-varimp");
    const cm = await page.$$eval("#cm td[data-cell]", (tds) => tds.map((td) => Number(td.textContent)));
    assertEquals(cm.length, 9);
    assertEquals(cm.reduce((a, b) => a + b, 0), 150);
    assertEquals(await page.getAttribute("#chart-svg-varimp", "data-points"), "4");
    assert(Number(await page.getAttribute("#chart-svg-history", "data-points")) >= 150);

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
    await page.evaluate(async () => {
      const body = new URLSearchParams({ training_frame: "iris.hex", model_id: "ae", autoencoder: "True", hidden: "[2]", epochs: "2", ignored_columns: '["species"]' });
      const job = await (await fetch("/3/ModelBuilders/deeplearning", { method: "POST", body })).json();
      while ((await (await fetch(`/3/Jobs/${job.job.key.name}`)).json()).jobs[0].status === "RUNNING") await new Promise((r) => setTimeout(r, 100));
    });
    await page.goto(`${server.url}/#/model/ae`);
    await page.click("#anomaly button");
    await page.waitForSelector("#worst-rows");
    assertEquals(await page.getAttribute("#chart-svg-anomaly", "data-points"), "150");
    const errs = await page.$$eval("#worst-rows tbody tr", (rs) => rs.map((r) => Number(r.children[1].textContent)));
    assert(errs.length === 10 && errs.every((e, i) => i === 0 || e <= errs[i - 1]), errs.join(","));
    await page.click("#export-onnx");
    await page.waitForSelector("#export-msg.error");
    assert((await page.textContent("#export-msg"))!.includes("autoencoders are not exported"));

    const other = await trainTiny(page, server.url, "other", "hidden", "4");
    await page.goto(`${server.url}/#/compare/live,${other.id}`);
    await page.waitForSelector("#chart-svg-compare");
    const rows = await page.$$eval("#compare-metrics tbody th", (th) => th.map((t) => t.textContent));
    assertEquals(rows, ["live (training)", "other (training)"]);
    assertEquals(await page.$$eval("#chart-svg-compare polyline", (p) => p.length), 2);

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
    await page.waitForSelector("#chart-svg-history");
    await page.click("#cancel");
    await page.waitForSelector("#open-model");
    assert((await page.textContent("#job-status"))!.includes("CANCELLED"), (await page.textContent("#job-status"))!);
  } finally {
    await browser.close();
    await server.close();
  }
}, { timeout: 40_000 });
