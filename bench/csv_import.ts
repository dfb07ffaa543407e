/**
 * Times `importFile` on the MNIST training set as gzipped CSV (60000 × 785, about 110 MB
 * uncompressed), the import H2O's Deep Learning booklet starts with. Prints the first (cold)
 * import, the median of the runs, rows/s, MB/s of uncompressed CSV and the peak RSS.
 *
 *   bun bench/csv_import.ts [--runs 5]
 *   deno run -A bench/csv_import.ts
 *
 * The CSV is written once by `mnistCsv()` into the cache (`$TIDE_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/tide`, else `~/.cache/tide`).
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import process from "node:process";
import { mnistCsv } from "../datasets/mnist.ts";
import { importFile } from "../frame/import.ts";

const runsFlag = process.argv.indexOf("--runs");
const runs = runsFlag > 0 ? Math.max(1, Number(process.argv[runsFlag + 1]) || 5) : 5;

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
const gc = () => (g.Bun ? g.Bun.gc(true) : g.gc?.());

/** Peak resident set size in MB: the kernel's high-water mark where there is one, else the current RSS. */
async function peakRssMb(): Promise<number> {
  try {
    const status = await readFile("/proc/self/status", "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / 2 ** 20;
}

const t0 = performance.now();
const { train } = await mnistCsv();
const prep = performance.now() - t0;
const gz = await readFile(train);
const csvBytes = gz.readUInt32LE(gz.length - 4); // gzip trailer: uncompressed size (mod 2^32)
const gzBytes = (await stat(train)).size;
const rssBefore = await peakRssMb();

const times: number[] = [];
let peakAfterFirst = 0;
let shape = "";
for (let i = 0; i < runs; i++) {
  gc();
  const t = performance.now();
  const frame = await importFile(train);
  times.push(performance.now() - t);
  shape = `${frame.nrow} × ${frame.ncol}, ${frame.columns[0].type}, ${frame.storage()[0].storage}`;
  if (i === 0) peakAfterFirst = await peakRssMb();
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const runtime = g.Bun ? `bun ${g.Bun.version}` : g.Deno ? `deno ${g.Deno.version.deno}` : `node ${process.version}`;
const mb = (x: number) => (x / 1e6).toFixed(1);
console.log(`csv_import: ${runtime}, ${train}`);
console.log(`  file          ${mb(gzBytes)} MB gzipped, ${mb(csvBytes)} MB CSV, frame ${shape} (cache ready in ${prep.toFixed(0)} ms)`);
console.log(`  first import  ${times[0].toFixed(0)} ms`);
console.log(`  median        ${median.toFixed(0)} ms of ${runs} runs (${times.map((t) => t.toFixed(0)).join(", ")})`);
console.log(`  throughput    ${(60000 / (median / 1000)).toFixed(0)} rows/s, ${(csvBytes / 1e6 / (median / 1000)).toFixed(0)} MB/s of CSV`);
console.log(`  peak RSS      ${peakAfterFirst.toFixed(0)} MB after the first import (${rssBefore.toFixed(0)} MB before it)`);
