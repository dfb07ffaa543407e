/**
 * Times `packRows`, the step that turns a frame into the rows backends train on, on the MNIST
 * training set as the booklet's trial run packs it (60000 × 717 inputs after constant columns,
 * `sparse` → CSR, Float32), on the sorted 10000-row scoring sample, on a dense frame of
 * 25 real-valued columns, and on 200000 rows of 10 categorical columns (one-hot, 237 inputs),
 * two of them constant or all missing (kept as inputs), beside 5 real ones. Prints the median of
 * the runs, the frame's bytes and a checksum of the packed values (equal checksums mean equal
 * packed rows, to compare two versions).
 *
 *   bun bench/pack_rows.ts [--runs 5]
 * @module
 */
import process from "node:process";
import { adaptFrame, fitPreprocessor, packRows } from "../core/train/preprocess.ts";
import type { PackedRows } from "../core/backend.ts";
import { mnistFrames } from "../datasets/mnist.ts";
import { Frame } from "../frame/frame.ts";

const runsFlag = process.argv.indexOf("--runs");
const runs = runsFlag > 0 ? Math.max(1, Number(process.argv[runsFlag + 1]) || 5) : 5;

const fitOptions = {
  classification: true, ignored: [], weightsColumn: null, ignoreConstCols: true, useAllFactorLevels: true,
  standardize: true, autoencoder: false, standardizeResponse: false,
};

function checksum(p: PackedRows): number {
  let s = 0;
  const v = p.csr ? p.csr.value : p.dense!;
  for (let i = 0; i < v.length; i++) s += v[i] * ((i % 7) + 1);
  if (p.csr) for (let i = 0; i < p.csr.index.length; i++) s += p.csr.index[i] % 13;
  return s;
}

function time(label: string, frame: Frame, y: string, sparse: boolean, rows?: number[], options: Partial<typeof fitOptions> = {}): void {
  const { spec } = fitPreprocessor(frame, { ...fitOptions, ...options, response: y, sparse });
  const a = adaptFrame(spec!, frame);
  const ms: number[] = [];
  let packed: PackedRows | null = null;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    packed = packRows(spec!, a, { rows, precision: 32 });
    ms.push(performance.now() - t);
  }
  ms.sort((x, y) => x - y);
  const n = packed!.rows;
  console.log(`  ${label.padEnd(34)} ${ms[Math.floor(ms.length / 2)].toFixed(1).padStart(7)} ms median  ` +
    `(${packed!.csr ? "CSR" : "dense"}, ${n} rows × ${packed!.width}, checksum ${checksum(packed!).toPrecision(12)})`);
}

const { train } = await mnistFrames();
const mnist = train.asfactor("C785");
const bytes = (mnist as { bytes?: number }).bytes;
console.log(`pack_rows: ${runs} runs; MNIST frame ${bytes === undefined ? "" : `${(bytes / 1e6).toFixed(1)} MB`}`);
time("MNIST, all rows", mnist, "C785", true);
const sample = Array.from({ length: 10000 }, (_, i) => i * 6);
time("MNIST, 10000-row scoring sample", mnist, "C785", true, sample);
let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const cols = Array.from({ length: 25 }, (_, j) => ({ name: `x${j}`, type: "numeric" as const, data: Float64Array.from({ length: 200000 }, () => rand() * 10) }));
const dense = new Frame([...cols, { name: "y", type: "categorical", codes: Int32Array.from({ length: 200000 }, () => (rand() < 0.5 ? 0 : 1)), domain: ["a", "b"] }]);
time("200000 × 25 reals, dense", dense, "y", false);
const N = 200000;
const codes = (levels: number) => Int32Array.from({ length: N }, () => (rand() < 0.02 ? -1 : Math.floor(rand() * levels)));
const levelNames = (k: number) => Array.from({ length: k }, (_, i) => `l${i}`);
const catCols = [200, 12, 5, 5, 3, 3, 2, 2].map((k, j) => ({ name: `c${j}`, type: "categorical" as const, codes: codes(k), domain: levelNames(k) }));
const categorical = new Frame([
  ...cols.slice(0, 5).map((c) => ({ ...c, data: c.data.subarray(0, N) })),
  ...catCols,
  { name: "same", type: "categorical", codes: new Int32Array(N).fill(1), domain: levelNames(3) },
  { name: "blank", type: "categorical", codes: new Int32Array(N).fill(-1), domain: levelNames(2) },
  { name: "y", type: "categorical", codes: Int32Array.from({ length: N }, () => (rand() < 0.5 ? 0 : 1)), domain: ["a", "b"] },
]);
console.log(`  (categorical frame ${(categorical.bytes / 1e6).toFixed(2)} MB)`);
time("200000 × 10 categoricals + 5 reals", categorical, "y", false, undefined, { ignoreConstCols: false });
