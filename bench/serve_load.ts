/**
 * `tide serve` under load, on MNIST (issue 9's figures):
 *   1. start-up: spawn to the first answered `/3/Cloud`, and the idle RSS;
 *   2. a booklet trial-run training (784-32-32-32-10) over REST with nobody polling: samples/s;
 *   3. the same training while N clients poll `/3/Jobs/{id}` and `/3/Frames/{train}` without
 *      pause: p50/p99/max latency, requests, errors, and the training's samples/s against (2).
 * The server is a separate process (the source by default, or --bin dist/tide), so the clients'
 * own work does not share its event loop.
 *
 *   bun bench/serve_load.ts [--bin dist/tide] [--clients 50] [--epochs 20] [--nthreads N] [--interval MS]
 *
 * `--interval` is each client's pause between requests (default 0: back to back; h2o-py polls a
 * job every 200 ms at the fastest).
 * @module
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { mnistCsv } from "../datasets/mnist.ts";

const ROOT = resolve(import.meta.dir, "..");
const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const CLIENTS = Number(arg("clients", "50"));
const EPOCHS = arg("epochs", "20");
const BIN = arg("bin", "");
const NTHREADS = arg("nthreads", "-1");
const INTERVAL = Number(arg("interval", "0"));

const { train, test } = await mnistCsv();
const dataDir = dirname(train);
const t0 = performance.now();
const [cmd, args] = BIN ? [resolve(BIN), []] : [process.execPath, [join(ROOT, "cli", "main.ts")]];
const child = spawn(cmd, [...args, "serve", "--port", "0", "--data_dir", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise<string>((ok) => {
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    out += s;
    const m = /^(http:\/\/\S+)\n/.exec(out);
    if (m) ok(m[1]);
  });
});
for (;;) {
  const ok = await fetch(`${url}/3/Cloud`).then((r) => r.ok).catch(() => false);
  if (ok) break;
  await Bun.sleep(5);
}
const startupMs = performance.now() - t0;
await Bun.sleep(500);
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
const idleRss = rssMiB();

async function post(path: string, form: Record<string, string>): Promise<any> {
  const r = await fetch(`${url}${path}`, { method: "POST", body: new URLSearchParams(form), headers: { "content-type": "application/x-www-form-urlencoded" } });
  const body = await r.json();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${body.msg}`);
  return body;
}
async function wait(job: string): Promise<any> {
  for (;;) {
    const j = (await (await fetch(`${url}/3/Jobs/${job}`)).json()).jobs[0];
    if (j.status !== "RUNNING") return j;
    await Bun.sleep(200);
  }
}
async function importCsv(path: string, dest: string): Promise<string> {
  const imp = await post("/3/ImportFilesMulti", { paths: `[${path}]` });
  const src = `["${imp.destination_frames[0]}"]`;
  const p = await post("/3/Parse", { source_frames: src, destination_frame: dest, check_header: "-1" });
  await wait(p.job.key.name);
  const r = await post("/99/Rapids", { ast: `(assign ${dest}f (:= ${dest} (as.factor (cols_py ${dest} 784)) 784 []))`, session_id: "_sid_bench" });
  return r.key.name;
}

const tImport = performance.now();
const tr = await importCsv(train, "train.hex");
const te = await importCsv(test, "test.hex");
const importS = (performance.now() - tImport) / 1000;

const trialRun = (id: string) => ({
  training_frame: tr, validation_frame: te, response_column: "C785", model_id: id, distribution: "multinomial",
  activation: "RectifierWithDropout", hidden: "[32,32,32]", input_dropout_ratio: "0.2", sparse: "True", l1: "1e-05",
  epochs: EPOCHS, seed: "1", nthreads: NTHREADS,
});
async function trainOnce(id: string): Promise<{ job: string; done: Promise<number> }> {
  const job = (await post("/3/ModelBuilders/deeplearning", trialRun(id))).job.key.name;
  const done = wait(job).then(async (j) => {
    if (j.status !== "DONE") throw new Error(`training ${j.status}: ${j.exception}`);
    const m = (await (await fetch(`${url}/3/Models/${id}`)).json()).models[0];
    const h = m.output.scoring_history;
    const speeds = h.data[h.columns.findIndex((c: { name: string }) => c.name === "training_speed")] as (string | null)[];
    return parseFloat(speeds[speeds.length - 1] ?? "NaN");
  });
  return { job, done };
}

const quiet = await trainOnce("quiet");
const quietSpeed = await quiet.done;

const loaded = await trainOnce("loaded");
let running = true;
const lat: number[] = [];
let errors = 0;
const client = async (k: number) => {
  while (running) {
    const path = k % 2 ? `/3/Jobs/${loaded.job}` : `/3/Frames/${tr}?row_count=10&column_count=20`;
    const s = performance.now();
    try {
      const r = await fetch(`${url}${path}`);
      await r.arrayBuffer();
      if (!r.ok) errors++;
    } catch {
      errors++;
    }
    lat.push(performance.now() - s);
    if (INTERVAL > 0) await Bun.sleep(INTERVAL);
  }
};
const tLoad = performance.now();
const clients = Array.from({ length: CLIENTS }, (_, k) => client(k));
const loadedSpeed = await loaded.done;
running = false;
await Promise.all(clients);
const loadS = (performance.now() - tLoad) / 1000;
lat.sort((a, b) => a - b);
const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];

// One client polling alone while a training runs: the latency a user's poll sees.
const single = await trainOnce("single");
const one: number[] = [];
let singleRunning = true;
single.done.finally(() => (singleRunning = false));
while (singleRunning) {
  const s = performance.now();
  await (await fetch(`${url}/3/Cloud`)).arrayBuffer();
  one.push(performance.now() - s);
  await Bun.sleep(20);
}
await single.done;
one.sort((a, b) => a - b);

await fetch(`${url}/3/Shutdown`, { method: "POST" });
const f = (x: number) => x.toFixed(1);
console.log(`tide serve (${BIN || "source"}), MNIST trial run, ${EPOCHS} epochs, nthreads ${NTHREADS}`);
console.log(`start-up to first /3/Cloud: ${f(startupMs)} ms; idle RSS ${f(idleRss)} MiB; import+parse of both files ${importS.toFixed(1)} s`);
console.log(`training alone: ${Math.round(quietSpeed)} samples/s`);
console.log(`training with ${CLIENTS} clients polling /3/Jobs and /3/Frames ${INTERVAL > 0 ? `every ${INTERVAL} ms` : "back to back"} for ${loadS.toFixed(1)} s: ${Math.round(loadedSpeed)} samples/s (${f(100 * (1 - loadedSpeed / quietSpeed))}% slower)`);
console.log(`  ${lat.length} requests, ${errors} errors, latency p50 ${f(q(0.5))} ms, p99 ${f(q(0.99))} ms, max ${f(lat[lat.length - 1])} ms`);
console.log(`one client polling /3/Cloud every 20 ms during training: ${one.length} requests, p50 ${f(one[Math.floor(one.length / 2)])} ms, p99 ${f(one[Math.floor(0.99 * one.length)])} ms, max ${f(one[one.length - 1])} ms`);
process.exit(0);
