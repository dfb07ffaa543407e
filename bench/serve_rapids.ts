/**
 * `/3/Cloud` latency while `tide serve` evaluates the Rapids of h2o-py's `split_frame([0.8])` on
 * a 1M-row frame (issue 9): the runif column, the mask, and both row selections. One client
 * polls `/3/Cloud` every 5 ms for the whole time; its latency says whether the event loop was held.
 *
 *   bun bench/make_csv.ts /tmp/big1m.csv            # 1,000,000 rows × 25 columns (180 MB), once
 *   bun bench/serve_rapids.ts [--bin dist/tide] [--csv /tmp/big1m.csv] [--repeat 3]
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { restClient, startServe } from "./_serve.ts";

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const BIN = arg("bin", "");
const CSV = resolve(arg("csv", "/tmp/big1m.csv"));
const REPEAT = Number(arg("repeat", "3"));
if (!existsSync(CSV)) throw new Error(`${CSV} is missing: bun bench/make_csv.ts ${CSV}`);

const { child, url } = await startServe(BIN, dirname(CSV));
const rest = restClient(url);
const post = rest.post;

async function wait(job: string): Promise<void> {
  const j = await rest.wait(job, 100);
  if (j.status !== "DONE") throw new Error(`${job}: ${j.status} ${j.exception}`);
}

const t0 = performance.now();
const imp = await post("/3/ImportFilesMulti", { paths: `[${CSV}]` });
const p = await post("/3/Parse", { source_frames: `["${imp.destination_frames[0]}"]`, destination_frame: "big.hex", check_header: "1" });
await wait(p.job.key.name);
const frame = (await (await fetch(`${url}/3/Frames/big.hex?row_count=0`)).json()).frames[0];
console.log(`import+parse of ${CSV}: ${frame.rows} rows × ${frame.total_column_count} columns in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const f = (x: number) => x.toFixed(1);
// The machine's load says how much of the latency is other work's (a shared machine).
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
for (let rep = 0; rep < REPEAT; rep++) {
  const lat: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const s = performance.now();
      await (await fetch(`${url}/3/Cloud`)).arrayBuffer();
      lat.push(performance.now() - s);
      await Bun.sleep(5);
    }
  })();
  await Bun.sleep(100);
  const sid = `_sid_bench${rep}`;
  const calls: string[] = [];
  const tSplit = performance.now();
  // h2o-py's split_frame([0.8], seed=42): the first part evaluates the runif; the second reuses it.
  for (const ast of [`(tmp= py_2_${sid} (rows big.hex (<= (tmp= py_1_${sid} (h2o.runif big.hex 42)) 0.8)))`, `(tmp= py_3_${sid} (rows big.hex (> py_1_${sid} 0.8)))`]) {
    const s = performance.now();
    const r = await post("/99/Rapids", { ast, session_id: sid });
    calls.push(`${r.num_rows} rows in ${((performance.now() - s) / 1000).toFixed(2)} s`);
  }
  const splitS = (performance.now() - tSplit) / 1000;
  polling = false;
  await poller;
  await fetch(`${url}/4/sessions/${sid}`, { method: "DELETE" });
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))];
  console.log(`split ${rep + 1}: ${calls.join(", ")} (${splitS.toFixed(2)} s); /3/Cloud every 5 ms meanwhile: ${lat.length} requests, p50 ${f(q(0.5))} ms, p99 ${f(q(0.99))} ms, max ${f(lat[lat.length - 1])} ms; load average ${loadavg()}`);
}
await fetch(`${url}/3/Shutdown`, { method: "POST" });
process.exit(0);
