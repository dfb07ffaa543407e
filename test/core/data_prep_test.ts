/**
 * The data-side parameters below the estimator: class balancing's sampler and prior correction
 * (core/train/balance.ts, spec §1.13), the categorical encodings (encoding.ts, §1.3), feature
 * hashing (hashing.ts, §1.9), and the offset in packed rows (inputs.ts, §1.12).
 */
import { assert, assertClose, assertEquals, test } from "../_harness.ts";
import { balanceRows, correctProbabilities } from "../../core/train/balance.ts";
import { eigenValues } from "../../core/train/encoding.ts";
import { bucketOf, hashRows, murmur2 } from "../../core/train/hashing.ts";
import { networkInputNames, networkWidth, packInputs } from "../../core/train/inputs.ts";
import { adaptFrame, type CategoricalInput, type FitOptions, fitPreprocessor, packRows, type PreprocessorSpec } from "../../core/train/preprocess.ts";
import { CodeVector, type ColumnInput, Frame } from "../../frame/frame.ts";

const SEED: [number, number] = [7, 0];
const labels = (counts: number[]) => Float64Array.from(counts.flatMap((n, c) => Array.from({ length: n }, () => c)));
const tally = (rows: number[], y: Float64Array, C: number) => {
  const t = new Array(C).fill(0);
  for (const r of rows) t[y[r]]++;
  return t;
};

// ── balance_classes ──────────────────────────────────────────────────────────────────────────

test("balanceRows() with automatic ratios keeps the majority class and oversamples the others to its size", () => {
  const y = labels([60, 20, 10]);
  const { rows, ratios, balance } = balanceRows(y, null, { classes: 3, factors: null, maxRows: 5 * y.length, seed: SEED });
  assertClose(ratios, [1, 3, 6], { atol: 1e-12 });
  assertEquals(tally(rows, y, 3), [60, 60, 60]);
  assertClose(balance.prior, [60 / 90, 20 / 90, 10 / 90], { atol: 1e-12 });
  assertClose(balance.model, [1 / 3, 1 / 3, 1 / 3], { atol: 1e-12 });
  for (let i = 1; i < rows.length; i++) assert(rows[i] >= rows[i - 1], "balanced rows stay in row order");
});

test("balanceRows() caps the size at maxRows, scaling every ratio (the majority class is down-sampled)", () => {
  const y = labels([60, 20, 10]);
  const { rows, ratios } = balanceRows(y, null, { classes: 3, factors: null, maxRows: 90, seed: SEED });
  assertClose(ratios, [0.5, 1.5, 3], { atol: 1e-12 });
  const t = tally(rows, y, 3);
  assert(Math.abs(t[0] - 30) <= 12 && t[1] >= 20 && t[1] <= 40 && t[2] === 30, `counts ${t}`);
});

test("balanceRows() takes user factors in domain order, weighted class counts and drops missing labels", () => {
  const y = Float64Array.from([0, 0, 1, 1, NaN, 1]);
  const w = Float64Array.from([1, 1, 2, 2, 1, 0]);
  const { rows, balance } = balanceRows(y, w, { classes: 2, factors: [2, 1], maxRows: 100, seed: SEED });
  assertEquals(rows, [0, 0, 1, 1, 2, 3, 5]);
  assertClose(balance.prior, [2 / 6, 4 / 6], { atol: 1e-12 }); // weighted: class 1 has weight 4
  assertClose(balance.model, [4 / 8, 4 / 8], { atol: 1e-12 });
});

test("correctProbabilities() moves probabilities back to the original priors and renormalizes", () => {
  const out = Float64Array.from([0.5, 0.5, 0.2, 0.8]);
  correctProbabilities(out, { prior: [0.9, 0.1], model: [0.5, 0.5] });
  assertClose(Array.from(out), [0.9, 0.1, 0.2 * 1.8 / (0.2 * 1.8 + 0.8 * 0.2), 0.8 * 0.2 / (0.2 * 1.8 + 0.8 * 0.2)], { atol: 1e-12 });
  const same = Float64Array.from([0.3, 0.7]);
  assertEquals(Array.from(correctProbabilities(same, null)), [0.3, 0.7]);
});

// ── categorical_encoding ─────────────────────────────────────────────────────────────────────

const cat = (name: string, domain: string[], codes: number[]): ColumnInput => ({ name, type: "categorical", domain, codes: Int32Array.from(codes) });
const num = (name: string, data: number[]): ColumnInput => ({ name, type: "numeric", data: Float64Array.from(data) });
const FIT: FitOptions = {
  response: "y", classification: false, ignored: [], weightsColumn: null, ignoreConstCols: true, useAllFactorLevels: true,
  standardize: false, sparse: false, autoencoder: false, standardizeResponse: false,
};
const fit = (frame: Frame, o: Partial<FitOptions>): PreprocessorSpec => {
  const { spec, messages } = fitPreprocessor(frame, { ...FIT, ...o });
  if (!spec) throw new Error(messages.map((m) => m.message).join("; "));
  return spec;
};
const dense = (spec: PreprocessorSpec, frame: Frame) => {
  const p = packInputs(spec, adaptFrame(spec, frame));
  const out: number[][] = [];
  for (let r = 0; r < p.rows; r++) {
    const row = new Array(p.width).fill(0);
    if (p.dense) for (let j = 0; j < p.width; j++) row[j] = p.dense[r * p.width + j];
    else for (let k = p.csr!.indptr[r]; k < p.csr!.indptr[r + 1]; k++) row[p.csr!.index[k]] = p.csr!.value[k];
    out.push(row);
  }
  return out;
};
const FIVE = ["a", "b", "c", "d", "e"];
const CATS = new Frame([cat("x", FIVE, [0, 1, 2, 3, 4, -1]), num("z", [1, 2, 3, 4, 5, 6]), num("y", [1, 2, 3, 4, 5, 6])]);

test("categorical_encoding Binary: levels 1 … K in 1 + ⌊log₂ K⌋ bit columns x:0, x:1, …; missing is all zeros", () => {
  const spec = fit(CATS, { categoricalEncoding: "Binary" });
  assertEquals(networkInputNames(spec), ["z", "x:0", "x:1", "x:2"]);
  // a → 1 = 001, b → 2 = 010, c → 3 = 011, d → 4 = 100, e → 5 = 101, NA → 0.
  assertEquals(dense(spec, CATS).map((r) => r.slice(1)), [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 1], [0, 0, 0]]);
  // Scoring matches levels by name, in any order; an unseen level is encoded as missing.
  const other = new Frame([cat("x", ["e", "zz", "b"], [0, 1, 2]), num("z", [0, 0, 0])]);
  const a = adaptFrame(spec, other);
  assert(a.messages.some((m) => m.field === "x" && m.message.includes("1 row(s)")), "unseen level reported");
  assertEquals(dense(spec, other).map((r) => r.slice(1)), [[1, 0, 1], [0, 0, 0], [0, 1, 0]]);
});

test("categorical_encoding LabelEncoder: the level index as a number, missing mean-imputed", () => {
  const spec = fit(CATS, { categoricalEncoding: "LabelEncoder" });
  assertEquals(networkInputNames(spec), ["z", "x"]);
  assertEquals(dense(spec, CATS).map((r) => r[1]), [0, 1, 2, 3, 4, 2]); // NA → mean of 0 … 4
});

test("categorical_encoding Eigen: two levels give H2O's unique eigenvector; the mode is positive; unit length", () => {
  // q = (√0.75, √0.25): the eigenvector of I − qqᵀ for eigenvalue 1 is ±(q₂, −q₁).
  assertClose(eigenValues(Float64Array.from([3, 1])), [0.5, -Math.sqrt(0.75)], { atol: 1e-12 });
  const v = eigenValues(Float64Array.from([5, 3, 2, 0]));
  assertClose(v.reduce((s, x) => s + x * x, 0), 1, { atol: 1e-12 });
  const q = [5, 3, 2, 0].map((c) => Math.sqrt(c / 10));
  assertClose(v.reduce((s, x, i) => s + x * q[i], 0), 0, { atol: 1e-12 }); // orthogonal to q: eigenvalue 1
  assert(v[0] > 0 && v[3] === 0, `${v}`);
  const spec = fit(CATS, { categoricalEncoding: "Eigen" });
  assertEquals(networkInputNames(spec), ["z", "x.Eigen"]);
});

test("categorical_encoding SortByResponse orders levels by mean response; EnumLimited keeps the top 10 and 'other'", () => {
  const f = new Frame([cat("x", ["p", "q", "r"], [0, 0, 1, 1, 2, 2]), num("y", [9, 7, 1, 1, 5, 5])]);
  assertEquals((fit(f, { categoricalEncoding: "SortByResponse" }).inputs[0] as CategoricalInput).domain, ["q", "r", "p"]);

  const levels = Array.from({ length: 12 }, (_, i) => `L${i}`);
  const codes = [...levels.flatMap((_, i) => (i < 11 ? [i, i] : [i])), 11, -1]; // L11 seen twice, L0 … L10 twice, then NA
  codes[0] = 10; // L0 once only: not kept
  const g = new Frame([cat("x", levels, codes), num("y", codes.map((_, i) => i))]);
  const spec = fit(g, { categoricalEncoding: "EnumLimited" });
  const inp = spec.inputs[0] as CategoricalInput;
  assertEquals([inp.name, inp.column, inp.domain.length, inp.domain.at(-1)], ["x.top_10_levels", "x", 11, "other"]);
  assert(!inp.domain.includes("L0"), "a level seen once is not kept");
  const a = adaptFrame(spec, g);
  const col = a.columns[0] as CodeVector;
  assertEquals(col.at(1), 10); // L0 → "other"
  assertEquals(col.at(codes.length - 1), -1); // NA stays NA
  assertEquals(a.messages.length, 0);
});

// ── max_categorical_features ────────────────────────────────────────────────────────────────

/** MurmurHash2 (Hadoop's variant) written from its definition over bytes, to check the shortcut. */
function murmurBytes(bytes: number[], seed: number): number {
  const m = 0x5bd1e995;
  let h = (seed ^ bytes.length) | 0;
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  return (h ^ (h >>> 15)) | 0;
}

test("murmur2() hashes an index's big-endian bytes; buckets are |h mod M| with Java's remainder", () => {
  for (const j of [0, 1, 7, 255, 256, 65537, 2 ** 31 - 1]) {
    for (const seed of [0, 1, -5, 123456789]) {
      assertEquals(murmur2(j, seed), murmurBytes([j >>> 24, (j >>> 16) & 255, (j >>> 8) & 255, j & 255], seed), `j=${j} seed=${seed}`);
    }
  }
  for (let j = 0; j < 50; j++) {
    const b = bucketOf(j, 7, 3);
    assert(b >= 0 && b < 7 && b === Math.abs(murmur2(j, 3) % 7), `bucket ${b}`);
  }
});

test("max_categorical_features hashes one-hot slots into M buckets, numerics after them; dense and CSR agree", () => {
  const spec = fit(CATS, { maxCategoricalFeatures: 3, seed: 42 });
  assertEquals([spec.width, networkWidth(spec)], [7, 4]);
  assertEquals(networkInputNames(spec), ["hash_0", "hash_1", "hash_2", "z"]);
  const rows = dense(spec, CATS);
  rows.forEach((r, i) => {
    const slot = i < 5 ? i : 5; // NA slot
    const want = [0, 0, 0, CATS.col("z").type === "numeric" ? i + 1 : 0];
    want[bucketOf(slot, 3, 42)] += 1;
    assertEquals(r, want, `row ${i}`);
  });
  const raw = packRows(spec, adaptFrame(spec, CATS));
  const d = new Float64Array(raw.rows * raw.width);
  if (raw.dense) d.set(raw.dense);
  else for (let r = 0; r < raw.rows; r++) for (let k = raw.csr!.indptr[r]; k < raw.csr!.indptr[r + 1]; k++) d[r * raw.width + raw.csr!.index[k]] = raw.csr!.value[k];
  const h1 = hashRows({ ...raw, dense: d, csr: null }, 6, spec.hashing!);
  const h2 = hashRows({ ...raw, dense: null, csr: toCsr(d, raw.rows, raw.width) }, 6, spec.hashing!);
  for (let r = 0; r < raw.rows; r++) for (let k = h2.csr!.indptr[r]; k < h2.csr!.indptr[r + 1]; k++) {
    assertEquals(h2.csr!.value[k], h1.dense![r * h1.width + h2.csr!.index[k]]);
  }
  assertEquals(fit(CATS, { maxCategoricalFeatures: 6 }).hashing, null); // not below the one-hot width: off
});

function toCsr(d: ArrayLike<number>, rows: number, width: number) {
  const indptr = new Int32Array(rows + 1), index: number[] = [], value: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) if (d[r * width + j] !== 0) { index.push(j); value.push(d[r * width + j]); }
    indptr[r + 1] = index.length;
  }
  return { indptr, index: Int32Array.from(index), value: Float64Array.from(value) };
}

// ── offset_column ────────────────────────────────────────────────────────────────────────────

test("packInputs() carries the offset in the network's units: (o − μ_y)/σ_y when the response is standardized", () => {
  const f = new Frame([num("x", [1, 2, 3, 4]), num("o", [0, 1, -2, 0.5]), num("y", [10, 20, 30, 40])]);
  const spec = fit(f, { offsetColumn: "o", standardize: true, standardizeResponse: true });
  assert(!spec.inputs.some((i) => i.name === "o"), "the offset column is not a predictor");
  const p = packInputs(spec, adaptFrame(spec, f), { rows: [3, 0] });
  const r = spec.response as { sub: number; mul: number };
  assertClose(Array.from(p.offset!), [(0.5 - r.sub) * r.mul, (0 - r.sub) * r.mul], { atol: 1e-12 });
  assertEquals(packInputs(fit(f, {}), adaptFrame(fit(f, {}), f)).offset, undefined);
});

test("fitPreprocessor() keeps unweighted statistics when an offset column is given (spec §1.4)", () => {
  const f = new Frame([num("x", [0, 10]), num("w", [1, 3]), num("o", [0, 0]), num("y", [1, 2])]);
  const weighted = fit(f, { weightsColumn: "w", standardize: true });
  const withOffset = fit(f, { weightsColumn: "w", offsetColumn: "o", standardize: true });
  assertClose((weighted.inputs[0] as { mean: number }).mean, 7.5, { atol: 1e-12 });
  assertClose((withOffset.inputs[0] as { mean: number }).mean, 5, { atol: 1e-12 });
  assertEquals(withOffset.inputs.map((i) => i.name), ["x"]);
});
