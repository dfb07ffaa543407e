// The web UI's routes: its embedded files, the listing routes, the summary's histograms, and
// the per-job server-sent-events stream (scores arrive while training runs; the stream ends with
// the job and a late subscriber still gets the whole history).
import { assert, assertEquals, test } from "../_harness.ts";
import { uiModule } from "../../scripts/gen_ui.ts";
import { ASSETS } from "../../server/ui/assets.gen.ts";
import { dlForm, testServer } from "./_server.ts";
import { readFileSync } from "node:fs";
import { decodeModel } from "../../model/file.ts";

/** Reads a text/event-stream to its end; returns [event, data] pairs and the comment count. */
async function readEvents(res: Response): Promise<{ events: [string, any][]; comments: number }> {
const text = await res.text();
const events: [string, any][] = [];
let comments = 0;
for (const block of text.split("\n\n")) {
  if (!block.trim()) continue;
  if (block.startsWith(":")) {
    comments++;
    continue;
  }
  const ev = block.match(/^event: (.*)$/m)?.[1] ?? "message";
  events.push([ev, JSON.parse(block.match(/^data: (.*)$/m)![1])]);
}
return { events, comments };
}

test("web UI routes: serves the embedded page, script and style; the generated module is up to date", async () => {
  const s = await testServer();
  const index = await s.fetch(new Request("http://t/"));
  assertEquals(index.status, 200);
  assert(index.headers.get("content-type")!.startsWith("text/html"));
  const html = await index.text();
  assert(html.includes('src="/ui/app.js"') && html.includes('href="/ui/style.css"'), html);
  assert(html.includes('href="/ui/uPlot.min.css"') && ASSETS["app.js"].includes('"/ui/uPlot.iife.min.js"'), "uPlot's style is linked; app.js loads its script");
  const files: [string, string, string][] = [
    ["app.js", "text/javascript", "../../server/ui/static/app.js"], ["style.css", "text/css", "../../server/ui/static/style.css"],
    // uPlot, from the package at the version package.json pins (the charts).
    ["uPlot.iife.min.js", "text/javascript", "../../node_modules/uplot/dist/uPlot.iife.min.js"], ["uPlot.min.css", "text/css", "../../node_modules/uplot/dist/uPlot.min.css"],
    ["uPlot.LICENSE.txt", "text/plain", "../../node_modules/uplot/LICENSE"],
  ];
  for (const [name, type, file] of files) {
    const r = await s.fetch(new Request(`http://t/ui/${name}`));
    assertEquals(r.status, 200);
    assert(r.headers.get("content-type")!.startsWith(type));
    assertEquals(await r.text(), readFileSync(new URL(file, import.meta.url), "utf8"));
  }
  const pinned = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).dependencies.uplot;
  assert(ASSETS["uPlot.iife.min.js"].startsWith(`/*! https://github.com/leeoniya/uPlot (v${pinned}) */`), "the bundled uPlot is the pinned version");
  const missing = await s.call("GET", "/ui/nope.js");
  assertEquals(missing.status, 404);
  assert(missing.body.msg.includes("app.js"), missing.body.msg);
  assertEquals(readFileSync(new URL("../../server/ui/assets.gen.ts", import.meta.url), "utf8"), uiModule(), "run bun scripts/gen_ui.ts");
  // No address outside this machine, but for the SVG namespace and uPlot's banner comment (its home page, not a load).
  const remote = (t: string) => t.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, "").replace(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v[\d.]+\) \*\//, "").match(/https?:\/\/(?!127\.0\.0\.1)[a-z][^\s"')]*/g);
  for (const [name, text] of Object.entries(ASSETS)) if (!name.endsWith(".txt")) assertEquals(remote(text), null, `${name} loads nothing from the network`);
  await s.close();
});

test("web UI routes: lists frames and jobs; the summary carries histograms", async () => {
  const s = await testServer();
  const key = await s.importCsv("data.csv");
  const frames = await s.call("GET", "/3/Frames");
  assertEquals(frames.body.frames.map((f: any) => [f.frame_id.name, f.rows, f.columns]), [[key, 120, 4]]);
  const jobs = await s.call("GET", "/3/Jobs");
  assertEquals(jobs.body.jobs.map((j: any) => [j.description, j.status]), [["Parse", "DONE"]]);
  const sum = (await s.call("GET", `/3/Frames/${key}/summary`)).body.frames[0];
  const [x1, , , label] = sum.columns;
  assertEquals(x1.histogram_bins.length, 20);
  assertEquals(x1.histogram_bins.reduce((a: number, b: number) => a + b, 0), 120);
  assertEquals(x1.histogram_base, x1.mins[0]);
  assertEquals(label.histogram_bins, [40, 40, 40]);
  assertEquals((await s.call("GET", "/3/Frames/nope/summary")).status, 404);
  await s.close();
});

test("web UI routes: streams a training's progress and scoring events, then ends with the job", async () => {
  const s = await testServer();
  const key = await s.importCsv("data.csv");
  const r = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, epochs: "6", score_each_iteration: "True", train_samples_per_iteration: "120" }));
  assertEquals(r.status, 200, JSON.stringify(r.body));
  const id = r.body.job.key.name;
  const live = await s.fetch(new Request(`http://t/ui/jobs/${id}/events`));
  assertEquals(live.headers.get("content-type"), "text/event-stream");
  const { events } = await readEvents(live);
  const kinds = events.map(([e]) => e);
  assertEquals(kinds[0], "job");
  assertEquals(kinds.at(-1), "end");
  assertEquals(events.at(-1)![1].status, "DONE");
  const scores = events.filter(([e]) => e === "score").map(([, d]) => d.row);
  assert(scores.length >= 6, `scores: ${kinds.join(",")}`);
  assert(scores.every((row, i) => i === 0 || row.epochs > scores[i - 1].epochs), "epochs rise");
  assert(typeof scores[0].training_logloss === "number");
  // A stream opened after the job ended replays the scores and ends at once.
  const late = await readEvents(await s.fetch(new Request(`http://t/ui/jobs/${id}/events`)));
  assertEquals(late.events.filter(([e]) => e === "score").length, scores.length);
  assertEquals(late.events.at(-1)![0], "end");
  assertEquals((await s.call("GET", "/ui/jobs/nope/events")).status, 404);
  // The model file downloads and reads back.
  const file = await s.fetch(new Request(`http://t/3/Models.fetch.bin/${r.body.job.dest.name}`));
  assertEquals(file.status, 200);
  assertEquals(decodeModel(new Uint8Array(await file.arrayBuffer())).modelId, r.body.job.dest.name);
  assertEquals((await s.call("GET", "/3/Models.fetch.bin/nope")).status, 404);
  await s.close();
});

for (const workers of [true, false]) {
  test(`web UI routes: a grid's stream names each model as it starts (${workers ? "in a Worker, as tide serve trains" : "in process"}); each starts a new history`, async () => {
    const s = await testServer({ workers });
    const key = await s.importCsv("data.csv");
    const r = await s.call("POST", "/99/Grid/deeplearning", dlForm({ training_frame: key, epochs: "2", hyper_parameters: '{"hidden": [[4], [6]]}' }));
    assertEquals(r.status, 200, JSON.stringify(r.body));
    const { events } = await readEvents(await s.fetch(new Request(`http://t/ui/jobs/${r.body.job.key.name}/events`)));
    const starts = events.filter(([e]) => e === "grid_model").map(([, d]) => d);
    assertEquals(starts.map((d) => d.index), [1, 2]);
    // Each start names its model and how many the grid plans; the models stored are those named.
    assertEquals(starts.map((d) => d.count), [2, 2]);
    const grid = await s.call("GET", `/99/Grids/${r.body.job.dest.name}`);
    assertEquals(starts.map((d) => d.modelId).sort(), grid.body.model_ids.map((m: { name: string }) => m.name).sort());
    const scoresAfterLast = events.slice(events.findIndex(([e, d]) => e === "grid_model" && d.index === 2)).filter(([e]) => e === "score");
    assert(scoresAfterLast.length > 0 && scoresAfterLast[0][1].row.epochs <= 1, JSON.stringify(scoresAfterLast[0]));
    assertEquals(events.at(-1)![1].status, "DONE");
    // A late stream says first which model its replayed scores belong to: the last one.
    const late = await readEvents(await s.fetch(new Request(`http://t/ui/jobs/${r.body.job.key.name}/events`)));
    assertEquals(late.events.map(([e]) => e).slice(0, 2), ["job", "grid_model"]);
    assertEquals(late.events[1][1], starts[1]);
    assertEquals(late.events.filter(([e]) => e === "score").length, scoresAfterLast.length);
    await s.close();
  });
}

test("web UI routes: a cross-validated training's stream names each fold, then the main model; a late stream names the main model", async () => {
  const s = await testServer({ workers: true });
  const key = await s.importCsv("data.csv");
  const r = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, epochs: "2", nfolds: "2" }));
  assertEquals(r.status, 200, JSON.stringify(r.body));
  const id = r.body.job.key.name;
  const { events } = await readEvents(await s.fetch(new Request(`http://t/ui/jobs/${id}/events`)));
  const models = events.filter(([e]) => e === "model").map(([, d]) => d);
  assertEquals(models.map((d) => `${d.role} ${d.index} of ${d.count}`), ["fold 1 of 2", "fold 2 of 2", "main 3 of 3"]);
  assertEquals(models[2].modelId, r.body.job.dest.name);
  assertEquals(events.at(-1)![1].status, "DONE");
  const afterMain = events.slice(events.findIndex(([e, d]) => e === "model" && d.role === "main")).filter(([e]) => e === "score");
  const late = await readEvents(await s.fetch(new Request(`http://t/ui/jobs/${id}/events`)));
  assertEquals(late.events.map(([e]) => e).slice(0, 2), ["job", "model"]);
  assertEquals(late.events[1][1], models[2]);
  assertEquals(late.events.filter(([e]) => e === "score").length, afterMain.length);
  await s.close();
});
