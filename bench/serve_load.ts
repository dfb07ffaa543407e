/**
 * `tide serve` under load, on MNIST (issue 9's figures):
 *   1. start-up: spawn to the first answered `/3/Cloud`, and the idle RSS;
 *   2. one long booklet trial-run training (784-32-32-32-10) over REST, during which N clients
 *      poll `/3/Jobs/{id}` and `/3/Frames/{train}` without pause in some windows and nobody polls
 *      in the others, alternating (quiet, loaded, quiet, …, quiet): training samples/s in the
 *      loaded windows against the quiet ones, so both are measured in the same run and a shared
 *      machine's drifting load falls on both alike; p50/p99/max latency and errors of the pollers;
 *      CPU seconds of the server's request thread, its other threads and this process;
 *   3. one client polling `/3/Cloud` every 20 ms during the same training.
 * The server is a separate process (the source by default, or --bin dist/tide). Training speed
 * comes from the job's progress, read every 250 ms in every window.
 *
 *   bun bench/serve_load.ts [--bin dist/tide] [--clients 50] [--window 5] [--cycles 6]
 *                           [--nthreads N] [--interval MS] [--request_nice N] [--client_nice N]
 *
 * `--interval` is each client's pause between requests (default 0: back to back; h2o-py polls a
 * job every 200 ms at the fastest). `--request_nice` is passed to `tide serve` (its default: 10).
 * `--client_nice` lowers this process's own threads (the 50 clients), as if the clients ran on
 * other machines: the slowdown left is the server's part (Linux).
 * @module
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import process from "node:process";
import { mnistCsv } from "../datasets/mnist.ts";
import { restClient, startServe } from "./_serve.ts";

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const CLIENTS = Number(arg("clients", "50"));
const WINDOW_S = Number(arg("window", "5"));
const CYCLES = Number(arg("cycles", "6"));
const BIN = arg("bin", "");
const NTHREADS = arg("nthreads", "-1");
const INTERVAL = Number(arg("interval", "0"));
const NICE = arg("request_nice", "");
const CLIENT_NICE = Number(arg("client_nice", "0"));
const EPOCHS = 1000; // more than the run needs: the training is cancelled at the end
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const { train, test } = await mnistCsv();
const dataDir = dirname(train);
const loadStart = loadavg();
const t0 = performance.now();
const { child, url } = await startServe(BIN, dataDir, NICE ? ["--request_nice", NICE] : []);
for (;;) {
  const ok = await fetch(`${url}/3/Cloud`).then((r) => r.ok).catch(() => false);
  if (ok) break;
  await Bun.sleep(5);
}
const startupMs = performance.now() - t0;
await Bun.sleep(500);
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
const idleRss = rssMiB();

/** CPU seconds of the server's request thread and of its other threads. */
function serverCpu(): { main: number; rest: number } {
  let main = 0, rest = 0;
  for (const t of readdirSync(`/proc/${child.pid}/task`)) {
    try {
      const st = readFileSync(`/proc/${child.pid}/task/${t}/stat`, "utf8");
      const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
      const s = (Number(f[11]) + Number(f[12])) / 100;
      if (t === String(child.pid)) main += s;
      else rest += s;
    } catch { /* a thread that just ended */ }
  }
  return { main, rest };
}
const benchCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const { post, job, wait } = restClient(url);
async function importCsv(path: string, dest: string): Promise<string> {
  const imp = await post("/3/ImportFilesMulti", { paths: `[${path}]` });
  const p = await post("/3/Parse", { source_frames: `["${imp.destination_frames[0]}"]`, destination_frame: dest, check_header: "-1" });
  await wait(p.job.key.name);
  const r = await post("/99/Rapids", { ast: `(assign ${dest}f (:= ${dest} (as.factor (cols_py ${dest} 784)) 784 []))`, session_id: "_sid_bench" });
  return r.key.name;
}

const tImport = performance.now();
const tr = await importCsv(train, "train.hex");
const te = await importCsv(test, "test.hex");
const importS = (performance.now() - tImport) / 1000;
const nrow = (await (await fetch(`${url}/3/Frames/${tr}?row_count=0`)).json()).frames[0].rows;

const training = (await post("/3/ModelBuilders/deeplearning", {
  training_frame: tr, validation_frame: te, response_column: "C785", model_id: "load", distribution: "multinomial",
  activation: "RectifierWithDropout", hidden: "[32,32,32]", input_dropout_ratio: "0.2", sparse: "True", l1: "1e-05",
  epochs: String(EPOCHS), seed: "1", nthreads: NTHREADS,
})).job.key.name;

// Samples trained so far, read from the job's progress every 250 ms.
const progress: [number, number][] = [];
let monitoring = true;
const monitor = (async () => {
  while (monitoring) {
    const j = await job(training);
    if (j.status !== "RUNNING") throw new Error(`training ${j.status}: ${j.exception}`);
    progress.push([performance.now(), j.progress * EPOCHS * nrow]);
    await Bun.sleep(250);
  }
})();
const samplesAt = (t: number) => {
  const k = progress.findIndex(([pt]) => pt >= t);
  if (k <= 0) return k === 0 ? progress[0][1] : progress[progress.length - 1][1];
  const [ta, sa] = progress[k - 1], [tb, sb] = progress[k];
  return sa + ((sb - sa) * (t - ta)) / (tb - ta);
};
// Warm-up: the first epoch's start (sharing the frames, the first scoring) is not the steady pace.
while (progress.length === 0 || progress[progress.length - 1][1] < nrow) await Bun.sleep(100);

let polling = false;
const lat: number[] = [];
let errors = 0;
const client = async (k: number) => {
  while (polling) {
    const path = k % 2 ? `/3/Jobs/${training}` : `/3/Frames/${tr}?row_count=10&column_count=20`;
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

if (CLIENT_NICE > 0) {
  // Every thread of this process (the JS thread and the HTTP client's): nice is per thread on Linux.
  const os = await import("node:os");
  for (const t of readdirSync("/proc/self/task")) os.setPriority(Number(t), CLIENT_NICE);
}

interface Window { loaded: boolean; from: number; to: number; main: number; rest: number; bench: number }
const windows: Window[] = [];
const SETTLE_MS = 500; // in-flight requests finish, or the pollers get going, before a window counts
for (let w = 0; w < 2 * CYCLES + 1; w++) {
  const loaded = w % 2 === 1;
  polling = loaded;
  const clients = loaded ? Array.from({ length: CLIENTS }, (_, k) => client(k)) : [];
  await Bun.sleep(SETTLE_MS);
  const c0 = serverCpu(), b0 = benchCpu(), from = performance.now();
  await Bun.sleep(WINDOW_S * 1000 - SETTLE_MS);
  const c1 = serverCpu(), b1 = benchCpu(), to = performance.now();
  windows.push({ loaded, from, to, main: c1.main - c0.main, rest: c1.rest - c0.rest, bench: b1 - b0 });
  polling = false;
  await Promise.all(clients);
}

// One client polling /3/Cloud every 20 ms during the same training: the latency a user's poll sees.
const one: number[] = [];
const tOne = performance.now();
while (performance.now() - tOne < 10_000) {
  const s = performance.now();
  await (await fetch(`${url}/3/Cloud`)).arrayBuffer();
  one.push(performance.now() - s);
  await Bun.sleep(20);
}
monitoring = false;
await monitor;
await post(`/3/Jobs/${training}/cancel`, {});
await wait(training);
await fetch(`${url}/3/Shutdown`, { method: "POST" });

const rate = (w: Window) => (samplesAt(w.to) - samplesAt(w.from)) / ((w.to - w.from) / 1000);
const sum = (ws: Window[], f: (w: Window) => number) => ws.reduce((a, w) => a + f(w), 0);
const quiet = windows.filter((w) => !w.loaded), busy = windows.filter((w) => w.loaded);
const mean = (ws: Window[]) => sum(ws, rate) / ws.length;
const seconds = (ws: Window[]) => sum(ws, (w) => (w.to - w.from) / 1000);
lat.sort((a, b) => a - b);
one.sort((a, b) => a - b);
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const f = (x: number) => x.toFixed(1);
const cpu = (ws: Window[]) => {
  const s = seconds(ws);
  return `request thread ${f((100 * sum(ws, (w) => w.main)) / s)}%, other server threads ${f((100 * sum(ws, (w) => w.rest)) / s)}%, bench ${f((100 * sum(ws, (w) => w.bench)) / s)}% of a core`;
};
console.log(`tide serve (${BIN || "source"}), MNIST trial run, nthreads ${NTHREADS}, request_nice ${NICE || "default"}, client_nice ${CLIENT_NICE}`);
console.log(`start-up to first /3/Cloud: ${f(startupMs)} ms; idle RSS ${f(idleRss)} MiB; import+parse of both files ${importS.toFixed(1)} s`);
console.log(`${CYCLES} windows of ${CLIENTS} clients polling /3/Jobs and /3/Frames ${INTERVAL > 0 ? `every ${INTERVAL} ms` : "back to back"} (${f(seconds(busy))} s in all) between ${CYCLES + 1} quiet windows:`);
console.log(`  training ${Math.round(mean(quiet))} samples/s quiet, ${Math.round(mean(busy))} samples/s under load: ${f(100 * (1 - mean(busy) / mean(quiet)))}% slower`);
console.log(`  per window (samples/s): ${windows.map((w) => `${w.loaded ? "L" : "q"}${Math.round(rate(w))}`).join(" ")}`);
console.log(`  ${lat.length} requests, ${errors} errors, latency p50 ${f(q(lat, 0.5))} ms, p99 ${f(q(lat, 0.99))} ms, max ${f(lat[lat.length - 1])} ms`);
console.log(`  CPU under load: ${cpu(busy)}; quiet: ${cpu(quiet)}`);
console.log(`one client polling /3/Cloud every 20 ms during training: ${one.length} requests, p50 ${f(q(one, 0.5))} ms, p99 ${f(q(one, 0.99))} ms, max ${f(one[one.length - 1])} ms`);
console.log(`load average (1, 5, 15 min) at the start: ${loadStart}; at the end: ${loadavg()}`);
process.exit(0);
