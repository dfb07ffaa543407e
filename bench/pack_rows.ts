/**
 * Times `packRows`, the step that turns a frame into the rows backends train on, on the MNIST
 * training set as the booklet's trial run packs it (60000 × 717 inputs after constant columns,
 * `sparse` → CSR, Float32), on the sorted 10000-row scoring sample, on a dense frame of
 * 25 real-valued columns, and on 200000 rows of 10 categorical columns (one-hot, 237 inputs),
 * two of them constant or all missing (kept as inputs), beside 5 real ones. Prints the median of
 * the runs, the frame's bytes and a checksum of the packed values (equal checksums mean equal
 * packed rows).
 *
 * `--against DIR` compares with another checkout of Tide (say `git worktree add /tmp/old HEAD~3`,
 * with node_modules linked): both versions' modules load into this one process, build the same
 * frames, and pack them in alternating order, round by round, so both see the same machine load.
 * It prints each version's fastest and median wall time, its median CPU time, and the ratio.
 *
 *   bun bench/pack_rows.ts [--runs 5] [--against DIR]
 * @module
 */
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { PackedRows } from "../core/backend.ts";

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Math.max(1, Number(flag("runs")) || 5);
const against = flag("against");

const fitOptions = {
  classification: true, ignored: [], weightsColumn: null, ignoreConstCols: true, useAllFactorLevels: true,
  standardize: true, autoencoder: false, standardizeResponse: false,
};

/** One benchmark case of one version: pack once, and what the result is. */
interface Case {
  label: string;
  pack(): PackedRows;
}

function checksum(p: PackedRows): number {
  let s = 0;
  const v = p.csr ? p.csr.value : p.dense!;
  for (let i = 0; i < v.length; i++) s += v[i] * ((i % 7) + 1);
  if (p.csr) for (let i = 0; i < p.csr.index.length; i++) s += p.csr.index[i] % 13;
  return s;
}

/**
 * The cases, built with the modules of the checkout at `root`. Only APIs both versions share
 * are used: frames are built from plain typed arrays.
 */
async function cases(root: string): Promise<{ cases: Case[]; bytes: string }> {
  const load = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const { adaptFrame, fitPreprocessor, packRows } = await load("core/train/preprocess.ts");
  const { Frame } = await load("frame/frame.ts");
  const { mnistFrames } = await load("datasets/mnist.ts");
  // deno-lint-ignore no-explicit-any
  type AnyFrame = any;
  const make = (label: string, frame: AnyFrame, y: string, sparse: boolean, rows?: number[], options = {}): Case => {
    const { spec } = fitPreprocessor(frame, { ...fitOptions, ...options, response: y, sparse });
    const a = adaptFrame(spec, frame);
    return { label, pack: () => packRows(spec, a, { rows, precision: 32 }) };
  };
  const { train } = await mnistFrames();
  const mnist = train.asfactor("C785");
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const N = 200000;
  const reals = Array.from({ length: 25 }, (_, j) => ({ name: `x${j}`, type: "numeric", data: Float64Array.from({ length: N }, () => rand() * 10) }));
  const binary = () => Int32Array.from({ length: N }, () => (rand() < 0.5 ? 0 : 1));
  const dense = new Frame([...reals, { name: "y", type: "categorical", codes: binary(), domain: ["a", "b"] }]);
  const codes = (levels: number) => Int32Array.from({ length: N }, () => (rand() < 0.02 ? -1 : Math.floor(rand() * levels)));
  const levelNames = (k: number) => Array.from({ length: k }, (_, i) => `l${i}`);
  const categorical = new Frame([
    ...reals.slice(0, 5),
    ...[200, 12, 5, 5, 3, 3, 2, 2].map((k, j) => ({ name: `c${j}`, type: "categorical", codes: codes(k), domain: levelNames(k) })),
    { name: "same", type: "categorical", codes: new Int32Array(N).fill(1), domain: levelNames(3) },
    { name: "blank", type: "categorical", codes: new Int32Array(N).fill(-1), domain: levelNames(2) },
    { name: "y", type: "categorical", codes: binary(), domain: ["a", "b"] },
  ]);
  const mb = (f: AnyFrame) => (typeof f.bytes === "number" ? `${(f.bytes / 1e6).toFixed(2)} MB` : "?");
  return {
    bytes: `MNIST frame ${mb(mnist)}, categorical frame ${mb(categorical)}`,
    cases: [
      make("MNIST, all rows", mnist, "C785", true),
      make("MNIST, 10000-row scoring sample", mnist, "C785", true, Array.from({ length: 10000 }, (_, i) => i * 6)),
      make("200000 × 25 reals, dense", dense, "y", false),
      make("200000 × 10 categoricals + 5 reals", categorical, "y", false, undefined, { ignoreConstCols: false }),
    ],
  };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (ms: number) => ms.toFixed(1).padStart(7);
const shape = (p: PackedRows) => `${p.csr ? "CSR" : "dense"}, ${p.rows} rows × ${p.width}, checksum ${checksum(p).toPrecision(12)}`;

const versions = [await cases(".")];
if (against) versions.push(await cases(against));
const wall = versions.map((v) => v.cases.map(() => [] as number[]));
const cpu = versions.map((v) => v.cases.map(() => [] as number[]));
const last: PackedRows[][] = versions.map(() => []);
for (let r = 0; r < runs; r++) {
  for (let c = 0; c < versions[0].cases.length; c++) {
    // Alternate which version goes first, so neither always meets a warmer cache or a fresh heap.
    const order = versions.map((_, v) => v);
    if (r % 2) order.reverse();
    for (const v of order) {
      const t = performance.now(), u = process.cpuUsage();
      last[v][c] = versions[v].cases[c].pack();
      const d = process.cpuUsage(u);
      wall[v][c].push(performance.now() - t);
      cpu[v][c].push((d.user + d.system) / 1000);
    }
  }
}

if (!against) {
  console.log(`pack_rows: ${runs} runs; ${versions[0].bytes}`);
  versions[0].cases.forEach((c, k) => console.log(`  ${c.label.padEnd(34)} ${fmt(median(wall[0][k]))} ms median  (${shape(last[0][k])})`));
} else {
  console.log(`pack_rows: ${runs} interleaved rounds, ms as fastest / median wall, median CPU\n  this:    ${versions[0].bytes}\n  against: ${versions[1].bytes} (${against})`);
  versions[0].cases.forEach((c, k) => {
    const t = (v: number) => `${fmt(Math.min(...wall[v][k]))} /${fmt(median(wall[v][k]))}, cpu ${fmt(median(cpu[v][k]))}`;
    const same = checksum(last[0][k]) === checksum(last[1][k]) ? "same rows" : "ROWS DIFFER";
    console.log(`  ${c.label.padEnd(34)} this ${t(0)}   against ${t(1)}   this/against: fastest ${(Math.min(...wall[0][k]) / Math.min(...wall[1][k])).toFixed(2)}, ` +
      `CPU ${(median(cpu[0][k]) / median(cpu[1][k])).toFixed(2)} (${same})`);
  });
}
