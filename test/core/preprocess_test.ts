/**
 * Preprocessing (spec §1) through core/train/preprocess.ts: Appendix C vectors 1–4, the numeric
 * modes, documented NA handling (Q1: NA → NA slot also in training; Q2: mean imputation at
 * scoring in every mode), input names, row packing (CSR vs dense) and frame adaptation.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import type { PackedRows } from "../../core/backend.ts";
import {
  adaptFrame, expandRow, type FitOptions, fitPreprocessor, hasMissing, inputNames, moments, packRows, type PreprocessorSpec, targetValue,
} from "../../core/train/preprocess.ts";
import { regressionPrediction } from "../../core/train/score.ts";
import { CodeVector, type Column, type ColumnInput, Frame } from "../../frame/frame.ts";
import { distributions } from "../../plugins/mod.ts";

const num = (name: string, values: number[]): ColumnInput => ({ name, type: "numeric", data: Float64Array.from(values) });
/** A categorical column from level strings (null = NA) with an explicit domain. */
const cat = (name: string, values: (string | null)[], domain: string[]): ColumnInput => ({
  name, type: "categorical", domain, codes: Int32Array.from(values, (v) => (v === null ? -1 : domain.indexOf(v))),
});
const str = (name: string, values: (string | null)[]): Column => ({ name, type: "string", data: values });

const OPTS: FitOptions = {
  response: null, classification: false, ignored: [], weightsColumn: null, ignoreConstCols: true,
  useAllFactorLevels: true, standardize: true, sparse: false, autoencoder: false, standardizeResponse: true,
};

function fit(frame: Frame, o: Partial<FitOptions> = {}): PreprocessorSpec {
  const { spec, messages } = fitPreprocessor(frame, { ...OPTS, ...o });
  if (!spec) throw new Error(`fit failed: ${messages.map((m) => m.message).join("; ")}`);
  return spec;
}

/** Expanded rows of a frame, as plain arrays. */
function expandAll(spec: PreprocessorSpec, frame: Frame): number[][] {
  const a = adaptFrame(spec, frame);
  return Array.from({ length: a.rows }, (_, r) => {
    const out = new Float64Array(spec.width);
    expandRow(spec, a, r, out);
    return Array.from(out);
  });
}

/** Dense rows back from packed rows (either layout). */
function unpack(p: PackedRows): number[][] {
  return Array.from({ length: p.rows }, (_, r) => {
    if (p.dense) return Array.from(p.dense.subarray(r * p.width, (r + 1) * p.width));
    const out = new Array(p.width).fill(0);
    const { indptr, index, value } = p.csr!;
    for (let j = indptr[r]; j < indptr[r + 1]; j++) out[index[j]] = value[j];
    return out;
  });
}

// ── Appendix C.1: standardization and constant columns ───────────────────────────────────────

test("fitPreprocessor() standardizes [1, 2, 3, NA] to [−1, 0, 1, 0] with the sample σ (Appendix C.1)", () => {
  const f = new Frame([num("x", [1, 2, 3, NaN]), num("c", [5, 5, NaN, 5])]);
  const spec = fit(f);
  assertEquals(spec.mode, "STANDARDIZE");
  assertEquals(spec.inputs.map((i) => i.name), ["x"], "the constant column is dropped");
  assertEquals(spec.droppedConstant, ["c"]);
  const x = spec.inputs[0];
  assert(x.kind === "numeric");
  assertClose([x.mean, x.sub, x.mul], [2, 2, 1]);
  assertClose(expandAll(spec, f).flat(), [-1, 0, 1, 0]);
});

test("fitPreprocessor() reports dropped constant columns and keeps them, centred with mul 1, when ignore_const_cols is off", () => {
  const f = new Frame([num("x", [1, 2, 3, NaN]), num("c", [5, 5, NaN, 5])]);
  const { spec, messages } = fitPreprocessor(f, OPTS);
  assert(messages.some((m) => m.level === "info" && m.field === "ignore_const_cols" && m.message.includes("c")), JSON.stringify(messages));
  assertEquals(spec!.width, 1);
  const kept = fit(f, { ignoreConstCols: false });
  assertEquals(kept.inputs.map((i) => i.name), ["x", "c"]);
  const c = kept.inputs[1];
  assert(c.kind === "numeric");
  assertEquals([c.sub, c.mul], [5, 1]);
  assertEquals(expandAll(kept, f).map((r) => r[1]), [0, 0, 0, 0]);
});

test("fitPreprocessor() drops all-missing columns, one-level categoricals and string columns", () => {
  const f = new Frame([
    num("x", [1, 2, 3]), num("empty", [NaN, NaN, NaN]), cat("one", ["a", null, "a"], ["a", "b"]), str("text", ["u", "v", "w"]),
    cat("two", ["a", "b", "a"], ["a", "b"]),
  ]);
  const spec = fit(f);
  assertEquals(spec.inputs.map((i) => i.name), ["two", "x"]);
  assertEquals([...spec.droppedConstant].sort(), ["empty", "one", "text"]);
  const { spec: none, messages } = fitPreprocessor(f, { ...OPTS, ignoreConstCols: false });
  assertEquals(none, null, "a string predictor with ignore_const_cols off is an error");
  assert(messages.some((m) => m.level === "error" && m.message.includes(`"text"`)), JSON.stringify(messages));
});

// ── Appendix C.2: response standardization ───────────────────────────────────────────────────

test("fitPreprocessor() standardizes an identity-link response: y = [10, 20, 30] → [−1, 0, 1]; η = 0.5 predicts 25 (Appendix C.2)", () => {
  const f = new Frame([num("x", [1, 5, 2]), num("y", [10, 20, 30])]);
  const spec = fit(f, { response: "y" });
  const a = adaptFrame(spec, f);
  assertClose([0, 1, 2].map((r) => targetValue(spec, a, r)), [-1, 0, 1]);
  const ctx = { response: spec.response!, distribution: distributions.get("gaussian"), distributionParams: {} };
  assertClose(regressionPrediction(0.5, ctx), 25);
  assertClose(regressionPrediction(-1, ctx), 10);
});

test("fitPreprocessor() leaves a log-link response in original units: target y, prediction exp(η)", () => {
  const f = new Frame([num("x", [1, 5, 2]), num("y", [1, 2, 4])]);
  const spec = fit(f, { response: "y", standardizeResponse: false });
  const a = adaptFrame(spec, f);
  assertEquals([0, 1, 2].map((r) => targetValue(spec, a, r)), [1, 2, 4]);
  const ctx = { response: spec.response!, distribution: distributions.get("poisson"), distributionParams: {} };
  assertClose(regressionPrediction(Math.log(3), ctx), 3);
});

test("fitPreprocessor() rejects a constant response, a missing response column and a numeric response for classification", () => {
  const f = new Frame([num("x", [1, 2, 3]), num("y", [4, 4, 4])]);
  const constant = fitPreprocessor(f, { ...OPTS, response: "y" });
  assertEquals(constant.spec, null);
  assert(constant.messages.some((m) => m.field === "response_column" && m.message.includes("constant")), JSON.stringify(constant.messages));
  const missing = fitPreprocessor(f, { ...OPTS, response: "nope" });
  assert(missing.messages.some((m) => m.field === "response_column" && m.message.includes(`"nope"`)), JSON.stringify(missing.messages));
  const cls = fitPreprocessor(new Frame([num("x", [1, 2, 3]), num("y", [0, 1, 0])]), { ...OPTS, response: "y", classification: true });
  assert(cls.messages.some((m) => m.field === "response_column" && m.message.includes("categorical")), JSON.stringify(cls.messages));
});

// ── Appendix C.3: one-hot encoding ───────────────────────────────────────────────────────────

const TRAIN3 = new Frame([cat("k", ["a", "b", "c", null, "b"], ["a", "b", "c"]), num("x", [1, 2, 3, 4, 5])]);
const SCORE3 = new Frame([cat("k", ["b", null, "d", "a", "c"], ["a", "b", "c", "d"]), num("x", [3, 3, 3, 3, 3])]);

test("expandRow() one-hot with all factor levels: K + 1 slots, NA and unseen levels in the NA slot (Appendix C.3)", () => {
  const spec = fit(TRAIN3);
  const k = spec.inputs[0];
  assert(k.kind === "categorical");
  assertEquals([k.offset, k.slots, spec.width], [0, 4, 5]);
  const train = expandAll(spec, TRAIN3).map((r) => r.slice(0, 4));
  assertEquals(train, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]]);
  const score = expandAll(spec, SCORE3).map((r) => r.slice(0, 4));
  assertEquals(score, [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]]);
});

test("expandRow() one-hot without the first level: K slots, NA → NA slot in training and scoring (Q1 documented)", () => {
  const spec = fit(TRAIN3, { useAllFactorLevels: false });
  const k = spec.inputs[0];
  assert(k.kind === "categorical");
  assertEquals([k.slots, spec.width], [3, 4]);
  // a → [0,0,0], b → [1,0,0], c → [0,1,0], NA → [0,0,1] (H2O's code would put a training NA at [0,1,0])
  assertEquals(expandAll(spec, TRAIN3).map((r) => r.slice(0, 3)), [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
  assertEquals(expandAll(spec, SCORE3).map((r) => r.slice(0, 3)), [[1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 0, 0], [0, 1, 0]]);
});

test("fitPreprocessor() forces all factor levels for autoencoders and normalizes numerics by the range", () => {
  const spec = fit(TRAIN3, { useAllFactorLevels: false, autoencoder: true });
  assertEquals(spec.useAllFactorLevels, true);
  assertEquals(spec.mode, "NORMALIZE");
  const x = spec.inputs[1];
  assert(x.kind === "numeric");
  assertClose([x.sub, x.mul], [3, 1 / 4]); // (x − μ)/(max − min), spec §1.5
  assertClose(expandAll(spec, TRAIN3).map((r) => r[4]), [-0.5, -0.25, 0, 0.25, 0.5]);
});

test("inputNames() are H2O's coefficient names: col.level, col.missing(NA), then numerics", () => {
  assertEquals(inputNames(fit(TRAIN3)), ["k.a", "k.b", "k.c", "k.missing(NA)", "x"]);
  assertEquals(inputNames(fit(TRAIN3, { useAllFactorLevels: false })), ["k.b", "k.c", "k.missing(NA)", "x"]);
  for (const o of [{}, { useAllFactorLevels: false }]) {
    const spec = fit(TRAIN3, o);
    assertEquals(inputNames(spec).length, spec.width, "one name per input");
  }
});

// ── Appendix C.4: column order ───────────────────────────────────────────────────────────────

function levels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `l${i}`);
}
function orderFor(counts: number[]): string[] {
  const names = ["A", "B", "C"];
  const cols = counts.map((n, i) => cat(names[i], Array.from({ length: 10 }, (_, r) => levels(n)[r % n]), levels(n)));
  const f = new Frame([num("x1", Array.from({ length: 10 }, (_, i) => i)), ...cols, num("x0", Array.from({ length: 10 }, (_, i) => i * i))]);
  return fit(f).inputs.map((i) => i.name);
}

test("fitPreprocessor() orders categoricals by H2O's unstable swap procedure, then numerics in frame order (Appendix C.4)", () => {
  assertEquals(orderFor([3, 5, 5]), ["B", "C", "A", "x1", "x0"]);
  assertEquals(orderFor([5, 3, 5]), ["A", "C", "B", "x1", "x0"]);
  assertEquals(orderFor([3, 3, 5]), ["C", "B", "A", "x1", "x0"]);
});

test("fitPreprocessor() lays blocks out contiguously: offsets and width add up", () => {
  const f = new Frame([num("x", [1, 2, 3, 4]), cat("s", ["p", "q", "p", "q"], ["p", "q"]), cat("t", ["u", "v", "w", "u"], ["u", "v", "w"])]);
  const spec = fit(f);
  assertEquals(spec.inputs.map((i) => [i.name, i.offset]), [["t", 0], ["s", 4], ["x", 7]]);
  assertEquals(spec.width, 8);
});

// ── Numeric modes and missing values ─────────────────────────────────────────────────────────

test("fitPreprocessor() with sparse = true uses DESCALE: no centring, x/σ, NA → μ/σ (Q2 documented)", () => {
  const f = new Frame([num("x", [0, 2, 4, NaN])]);
  const spec = fit(f, { sparse: true });
  assertEquals(spec.mode, "DESCALE");
  const x = spec.inputs[0];
  assert(x.kind === "numeric");
  assertEquals(x.sub, 0);
  assertClose(x.mul, 1 / 2);
  assertClose(expandAll(spec, f).flat(), [0, 1, 2, 1]);
});

test("fitPreprocessor() with standardize = false keeps raw values and imputes the raw mean at scoring too (Q2 documented)", () => {
  const f = new Frame([num("x", [1, 2, 6, NaN])]);
  const spec = fit(f, { standardize: false });
  assertEquals(spec.mode, "NONE");
  assertClose(expandAll(spec, f).flat(), [1, 2, 6, 3]);
  const scoring = new Frame([num("x", [NaN, 10])]);
  assertClose(expandAll(spec, scoring).flat(), [3, 10]);
});

test("fitPreprocessor() uses weighted statistics when a weights column is given (spec §1.4)", () => {
  const f = new Frame([num("x", [1, 2, 3, 4]), num("w", [1, 1, 2, 1]), num("y", [0, 1, 0, 1])]);
  const spec = fit(f, { weightsColumn: "w", response: "y" });
  assertEquals(spec.inputs.map((i) => i.name), ["x"], "the weights column is not a predictor");
  const x = spec.inputs[0];
  assert(x.kind === "numeric");
  // μ_w = 13/5; σ_w² = n/(n−1)·Σw(x−μ)²/Σw = 4/3 · 5.2/5
  assertClose(x.mean, 2.6);
  assertClose(1 / x.mul, Math.sqrt((4 / 3) * (5.2 / 5)));
  const m = moments(Float64Array.from([1, 2, 3, 4]), null);
  assertClose([m.mean, m.sigma, m.min, m.max, m.n], [2.5, Math.sqrt(5 / 3), 1, 4, 4]);
});

test("hasMissing() flags rows with a missing numeric, a missing level or an absent column", () => {
  const spec = fit(TRAIN3);
  const a = adaptFrame(spec, new Frame([cat("k", ["a", null, "d"], ["a", "d"]), num("x", [1, 2, NaN])]));
  assertEquals([0, 1, 2].map((r) => hasMissing(spec, a, r)), [false, true, true]);
  const noX = adaptFrame(spec, new Frame([cat("k", ["a"], ["a"])]));
  assertEquals(hasMissing(spec, noX, 0), true);
});

// ── adaptFrame() ─────────────────────────────────────────────────────────────────────────────

test("adaptFrame() warns about a missing column and treats its values as missing (imputed)", () => {
  const spec = fit(TRAIN3);
  const a = adaptFrame(spec, new Frame([cat("k", ["a", "b"], ["a", "b"]), num("extra", [9, 9])]));
  const warn = a.messages.find((m) => m.level === "warn" && m.field === "x");
  assert(warn && warn.message.includes(`"x"`) && warn.message.includes("missing"), JSON.stringify(a.messages));
  const rows = expandAll(spec, new Frame([cat("k", ["a", "b"], ["a", "b"]), num("extra", [9, 9])]));
  assertEquals(rows, [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0]], "a missing numeric is the mean, i.e. 0 after standardizing");
  const noK = expandAll(spec, new Frame([num("x", [3])]));
  assertEquals(noK, [[0, 0, 0, 1, 0]], "a missing categorical column goes to its NA slot");
});

test("adaptFrame() warns about unseen levels with their count and maps them to the NA slot", () => {
  const spec = fit(TRAIN3);
  const a = adaptFrame(spec, SCORE3);
  const warn = a.messages.find((m) => m.field === "k");
  assert(warn && warn.level === "warn" && warn.message.includes("1 row(s)") && warn.message.includes("unseen"), JSON.stringify(a.messages));
  assertEquals(Array.from(a.columns[0] as CodeVector), [1, -1, -1, 0, 2]);
  const clean = adaptFrame(spec, TRAIN3);
  assertEquals(clean.messages.length, 0, "the training frame adapts without warnings");
});

test("adaptFrame() recodes a string column (and levels in another order) to the training domain", () => {
  const spec = fit(TRAIN3);
  const asStrings = new Frame([str("k", ["c", "a", null, "zz"]), num("x", [1, 1, 1, 1])]);
  assertEquals(expandAll(spec, asStrings).map((r) => r.slice(0, 4)), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1]]);
  const reordered = new Frame([cat("k", ["c", "a", "b"], ["c", "b", "a"]), num("x", [1, 1, 1])]);
  assertEquals(expandAll(spec, reordered).map((r) => r.slice(0, 4)), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]);
});

test("adaptFrame() converts a numeric predictor that arrives as text, with a warning", () => {
  const spec = fit(TRAIN3);
  const a = adaptFrame(spec, new Frame([cat("k", ["a", "a"], ["a"]), str("x", ["5", "oops"])]));
  assert(a.messages.some((m) => m.field === "x" && m.level === "warn"), JSON.stringify(a.messages));
  const rows = expandAll(spec, new Frame([cat("k", ["a", "a"], ["a"]), str("x", ["5", "oops"])]));
  const x = spec.inputs[1];
  assert(x.kind === "numeric");
  assertClose(rows.map((r) => r[4]), [(5 - 3) * x.mul, 0]);
});

test("adaptFrame() needs the response only when asked (requireResponse for metrics)", async () => {
  const f = new Frame([num("x", [1, 2, 3]), num("y", [1, 2, 4])]);
  const spec = fit(f, { response: "y" });
  const noY = new Frame([num("x", [1])]);
  assertEquals(adaptFrame(spec, noY).response, null);
  await assertThrows(() => adaptFrame(spec, noY, { requireResponse: true }), RangeError, `"y"`);
});

// ── packRows() ───────────────────────────────────────────────────────────────────────────────

test("packRows() stores mostly-zero rows as CSR and dense rows densely; both give expandRow's values", () => {
  const n = 30;
  const dom = levels(10);
  const sparseFrame = new Frame([cat("k", Array.from({ length: n }, (_, i) => dom[i % 10]), dom), num("y", Array.from({ length: n }, (_, i) => i % 7))]);
  const s1 = fit(sparseFrame, { response: "y" });
  const p1 = packRows(s1, adaptFrame(s1, sparseFrame));
  assert(p1.csr !== null && p1.dense === null, "1 non-zero of 11 per row should pack as CSR");
  assertEquals(unpack(p1), expandAll(s1, sparseFrame));
  assertEquals(p1.csr!.indptr.length, n + 1);
  assertEquals(p1.csr!.index.length, n, "CSR holds only the non-zeros");

  const denseFrame = new Frame([num("a", Array.from({ length: n }, (_, i) => i + 0.5)), num("b", Array.from({ length: n }, (_, i) => (i * 7) % 11 + 0.25)), num("y", Array.from({ length: n }, (_, i) => i))]);
  const s2 = fit(denseFrame, { response: "y" });
  const p2 = packRows(s2, adaptFrame(s2, denseFrame));
  assert(p2.dense !== null && p2.csr === null, "standardized numerics should pack densely");
  assertEquals(unpack(p2), expandAll(s2, denseFrame));
});

test("packRows() switches layout at 40 % non-zeros: 2 of 5 is CSR, 3 of 6 is dense", () => {
  const n = 20;
  const dom = ["a", "b", "c"];
  const k = cat("k", Array.from({ length: n }, (_, i) => dom[i % 3]), dom);
  const pos = (s: number) => num(`p${s}`, Array.from({ length: n }, (_, i) => 1 + ((i * s) % 5)));
  const f5 = new Frame([k, pos(1)]); // 4 slots + 1 numeric, sparse (DESCALE) keeps numerics non-zero
  const s5 = fit(f5, { sparse: true });
  assertEquals(s5.width, 5);
  assert(packRows(s5, adaptFrame(s5, f5)).csr !== null, "2 non-zeros of 5 (exactly 40 %) should be CSR");
  const f6 = new Frame([k, pos(1), pos(3)]);
  const s6 = fit(f6, { sparse: true });
  assertEquals(s6.width, 6);
  const p6 = packRows(s6, adaptFrame(s6, f6));
  assert(p6.dense !== null, "3 non-zeros of 6 (50 %) should be dense");
  assertEquals(unpack(p6), expandAll(s6, f6));
});

test("packRows() selects and orders rows, with their targets and weights", () => {
  const f = new Frame([num("x", [1, 2, 3, 4, 5]), num("w", [1, 2, 3, 4, 5]), num("y", [10, 20, 30, 40, 50])]);
  const spec = fit(f, { response: "y", weightsColumn: "w", standardizeResponse: false });
  const a = adaptFrame(spec, f);
  const p = packRows(spec, a, { rows: [4, 0, 2] });
  const all = expandAll(spec, f);
  assertEquals(p.rows, 3);
  assertEquals(unpack(p), [all[4], all[0], all[2]]);
  assertEquals(Array.from(p.target), [50, 10, 30]);
  assertEquals(Array.from(p.weight!), [5, 1, 3]);
  const p32 = packRows(spec, a, { rows: [1], precision: 32 });
  assert(p32.target instanceof Float32Array, "precision 32 stores Float32");
});
