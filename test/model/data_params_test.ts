/**
 * The data-side parameters through the estimator, end to end on the reference backend:
 * balance_classes (spec §1.13, §15.2), offset_column (§1.12), initial_weights/initial_biases
 * (§2.6), categorical_encoding (§1.3) and max_categorical_features (§1.9): each changes the model
 * as H2O documents, survives save/load, and bad input is an error naming the field.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Backend } from "../../core/backend.ts";
import type { ModelData } from "../../core/train/train.ts";
import { type Column, type ColumnInput, Frame } from "../../frame/frame.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { decodeModel, encodeModel } from "../../model/file.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { simdBackend } from "../../backends/simd/simd.ts";
import * as plugins from "../../plugins/mod.ts";
import { iris, random, smooth } from "./_data.ts";

const backend: Backend = referenceBackend();
const fit = (params: Record<string, unknown>, y: string, frame: Frame) =>
  new DeepLearning({ seed: 1, epochs: 1, hidden: [5], ...params }).train({ y, training_frame: frame, backend });
const errorOf = async (params: Record<string, unknown>, y: string, frame: Frame) =>
  (await assertThrows(() => fit(params, y, frame), RangeError)).message;
const num = (name: string, data: ArrayLike<number>): ColumnInput => ({ name, type: "numeric", data: Float64Array.from(data) });
const values = (f: Frame, name: string) => Array.from((f.col(name) as unknown as { data: Iterable<number> }).data);
const roundTrip = (m: DeepLearningModel) => new DeepLearningModel(decodeModel(encodeModel(m.data)), plugins, { backend });

/** Iris with only 10 setosa rows: 10 / 50 / 50. */
const SKEWED = iris().rows(Array.from({ length: 110 }, (_, i) => i + 40));

// ── balance_classes ──────────────────────────────────────────────────────────────────────────

test("balance_classes trains on the balanced rows and corrects predicted probabilities back to the priors", async () => {
  const m = await fit({ balance_classes: true }, "species", SKEWED);
  const b = m.data.preprocessor.classBalance!;
  assertClose(b.prior, [10 / 110, 50 / 110, 50 / 110], { atol: 1e-12 });
  assertClose(b.model, [1 / 3, 1 / 3, 1 / 3], { atol: 1e-12 });
  assertEquals(m.data.output.trainingRows, 150); // setosa ×5: one epoch is the balanced frame
  assert(m.data.output.messages.some((x) => x.field === "balance_classes"), "the balancing is reported");
  // The same network without the correction: p_c ∝ raw_c · prior_c / model_c.
  const raw = new DeepLearningModel({ ...m.data, preprocessor: { ...m.data.preprocessor, classBalance: null } }, plugins, { backend });
  const [pc, pr] = [await m.predict(SKEWED), await raw.predict(SKEWED)];
  const levels = ["setosa", "versicolor", "virginica"];
  for (const i of [0, 30, 90]) {
    const r = levels.map((l, c) => values(pr, l)[i] * b.prior[c] / b.model[c]);
    const s = r.reduce((a, x) => a + x, 0);
    assertClose(levels.map((l) => values(pc, l)[i]), r.map((x) => x / s), { atol: 1e-12 });
  }
  assertClose(values(await roundTrip(m).predict(SKEWED), "setosa"), values(pc, "setosa"), { atol: 0 });
});

test("class_sampling_factors and max_after_balance_size need balance_classes; factors need one per class", async () => {
  let m = await errorOf({ class_sampling_factors: [1, 2, 3] }, "species", SKEWED);
  assert(m.includes("class_sampling_factors") && m.includes("balance_classes"), m);
  m = await errorOf({ max_after_balance_size: 2 }, "species", SKEWED);
  assert(m.includes("max_after_balance_size") && m.includes("balance_classes"), m);
  m = await errorOf({ balance_classes: true, class_sampling_factors: [1, 2] }, "species", SKEWED);
  assert(m.includes("one factor per class") && m.includes("(3): got 2"), m);
  m = await errorOf({ balance_classes: true }, "y", smooth(50, 1));
  assert(m.includes("balance_classes") && m.includes("classification"), m);
  // User factors: 10·3 + 50·1 + 50·1 = 130 rows.
  const u = await fit({ balance_classes: true, class_sampling_factors: [3, 1, 1] }, "species", SKEWED);
  assertEquals(u.data.output.trainingRows, 130);
});

test("balance_classes with score_validation_sampling = Stratified samples every validation class at one rate", async () => {
  const valid = iris();
  const m = await new DeepLearning({ seed: 1, epochs: 1, hidden: [3], balance_classes: true, score_validation_sampling: "Stratified", score_validation_samples: 30 })
    .train({ y: "species", training_frame: SKEWED, validation_frame: valid, backend });
  const vm = m.data.output.validationMetrics as { nobs: number };
  assert(vm.nobs >= 15 && vm.nobs <= 45 && vm.nobs !== 150, `validation sample of ${vm.nobs} rows`);
  const uniform = await new DeepLearning({ seed: 1, epochs: 1, hidden: [3], balance_classes: true, score_validation_samples: 30 })
    .train({ y: "species", training_frame: SKEWED, validation_frame: valid, backend });
  assertEquals((uniform.data.output.validationMetrics as { nobs: number }).nobs, 30);
});

// ── offset_column ────────────────────────────────────────────────────────────────────────────

const SMOOTH = smooth(200, 3);
const OFF = Float64Array.from({ length: 200 }, (_, i) => (i % 9) - 4);
const WITH_OFFSET = SMOOTH.withColumn(num("o", OFF)).withColumn(num("y", values(SMOOTH, "y").map((v, i) => v + OFF[i])));
const shifted = (f: Frame, d: number) => f.withColumn(num("o", values(f, "o").map((v) => v + d)));

test("offset_column adds each row's offset in link space: identity link shifts predictions by Δo, log link scales by e^Δo", async () => {
  const m = await fit({ offset_column: "o" }, "y", WITH_OFFSET);
  assert(!m.data.output.varimp!.some((v) => v.variable === "o"), "the offset is not a predictor");
  const [p0, p1] = [values(await m.predict(WITH_OFFSET), "predict"), values(await m.predict(shifted(WITH_OFFSET, 1.5)), "predict")];
  assertClose(p1.map((v, i) => v - p0[i]), p0.map(() => 1.5), { atol: 1e-9 });
  // Negative and zero offsets count too (H2O's code drops them, Q5).
  const noOffset = await fit({}, "y", SMOOTH);
  assert(m.data.output.trainingMetrics!.rmse < noOffset.data.output.trainingMetrics!.rmse * 1.5, "learns y − o like y");

  const counts = SMOOTH.withColumn(num("o", OFF.map((v) => v / 4))).withColumn(num("y", values(SMOOTH, "y").map((v) => Math.round(Math.exp(v / 2)))));
  const pm = await fit({ offset_column: "o", distribution: "poisson" }, "y", counts);
  const [q0, q1] = [values(await pm.predict(counts), "predict"), values(await pm.predict(shifted(counts, 1)), "predict")];
  assertClose(q1.map((v, i) => v / q0[i]), q0.map(() => Math.E), { rtol: 1e-9 });
  assertClose(values(await roundTrip(pm).predict(counts), "predict"), q0, { atol: 0 });
});

test("offset_column is checked: present in every scored frame, numeric without missing values, regression only", async () => {
  const m = await fit({ offset_column: "o" }, "y", WITH_OFFSET);
  const e = await assertThrows(() => m.predict(SMOOTH), RangeError);
  assert(e.message.includes(`offset column "o"`), e.message);
  const holed = WITH_OFFSET.withColumn(num("o", OFF.map((v, i) => (i === 7 ? NaN : v))));
  let msg = await errorOf({ offset_column: "o" }, "y", holed);
  assert(msg.includes("offset_column") && msg.includes("row 8"), msg);
  msg = await errorOf({ offset_column: "nope" }, "y", WITH_OFFSET);
  assert(msg.includes(`No column "nope"`), msg);
  msg = await errorOf({ offset_column: "sepal_len" }, "species", iris());
  assert(msg.includes("offset_column") && msg.includes("regression only"), msg);
  const v = await assertThrows(() => new DeepLearning({ seed: 1, epochs: 1, hidden: [2], offset_column: "o" }).train({ y: "y", training_frame: WITH_OFFSET, validation_frame: SMOOTH, backend }), RangeError);
  assert(v.message.includes("validation frame has no offset column"), v.message);
});

const simd = simdBackend();
const simdOk = await simd.init();
test("the SIMD fused kernel adds offsets: per-sample and mini-batch training match the reference backend", async () => {
  for (const mini_batch_size of [1, 4]) {
    const params = { seed: 1, epochs: 2, hidden: [4], offset_column: "o", reproducible: true, mini_batch_size };
    let fused: boolean | null = null;
    const s = await new DeepLearning(params).train({ y: "y", training_frame: WITH_OFFSET, backend: simd, onEvent: (e) => { if (e.type === "start") fused = e.fused; } });
    assertEquals(fused, true);
    const r = await new DeepLearning(params).train({ y: "y", training_frame: WITH_OFFSET, backend });
    const [ps, pr] = [values(await s.predict(WITH_OFFSET), "predict"), values(await r.predict(WITH_OFFSET), "predict")];
    // Float32 against Float64 over 400 updates: close (runtimes differ in the last bits), while a
    // kernel that dropped the offsets would be off by ~0.5 (the offsets span −4 … 4).
    assertClose(ps, pr, { atol: 0.05 });
    const noOffset = values(await (await new DeepLearning({ ...params, offset_column: undefined, ignored_columns: ["o"] })
      .train({ y: "y", training_frame: WITH_OFFSET, backend: simd })).predict(WITH_OFFSET), "predict");
    assert(noOffset.some((v, i) => Math.abs(v - ps[i]) > 0.5), "the offset changes the fused model");
  }
}, { skip: simdOk ? false : `SIMD backend unavailable: ${simd.unavailableReason}` });

// ── initial_weights and initial_biases ───────────────────────────────────────────────────────

const matrix = (rows: number, cols: number, f: (r: number, c: number) => number) =>
  new Frame(Array.from({ length: cols }, (_, c) => num(`C${c + 1}`, Array.from({ length: rows }, (_, r) => f(r, c)))));
const IRIS = iris();

test("initial_weights and initial_biases replace the random start, layer by layer; an empty entry keeps a layer random", async () => {
  const W0 = matrix(3, 4, (r, c) => 0.1 * r - 0.05 * c), b0 = matrix(3, 1, (r) => r / 10);
  const m = await fit({ hidden: [3], epochs: 0, initial_weights: [W0, null], initial_biases: [b0, null] }, "species", IRIS);
  assertClose(Array.from(m.data.state["weights.0"]), Array.from({ length: 12 }, (_, i) => 0.1 * Math.floor(i / 4) - 0.05 * (i % 4)), { atol: 1e-15 });
  assertClose(Array.from(m.data.state["biases.0"]), [0, 0.1, 0.2], { atol: 1e-15 });
  const plain = await fit({ hidden: [3], epochs: 0 }, "species", IRIS);
  assertEquals(Array.from(m.data.state["weights.1"]), Array.from(plain.data.state["weights.1"]));
  assertEquals(m.data.params.initial_weights, ["Frame 3×4", ""]);
  // Training moves on from the given start.
  const t = await fit({ hidden: [3], epochs: 1, initial_weights: [W0, null], initial_biases: [b0, null] }, "species", IRIS);
  assert(t.data.state["weights.0"].some((w, i) => w !== m.data.state["weights.0"][i]), "trained");
});

test("initial_weights are checked: shape per layer named with expected and actual, one entry per layer, both lists", async () => {
  const good = matrix(3, 3, () => 0), bias = matrix(3, 1, () => 0);
  let msg = await errorOf({ hidden: [3], initial_weights: [matrix(4, 3, () => 0), good], initial_biases: [bias, bias] }, "species", IRIS);
  assert(msg.includes("initial_weights[0]") && msg.includes("input layer → hidden layer 1") && msg.includes("3 × 4: got 4 × 3"), msg);
  msg = await errorOf({ hidden: [3], initial_weights: [null, good], initial_biases: [null, matrix(2, 1, () => 0)] }, "species", IRIS);
  assert(msg.includes("initial_biases[1]") && msg.includes("hidden layer 1 → output layer") && msg.includes("3 × 1: got 2 × 1"), msg);
  msg = await errorOf({ hidden: [3], initial_weights: [null, null] }, "species", IRIS);
  assert(msg.includes(`"initial_weights" needs "initial_biases"`), msg);
  msg = await errorOf({ hidden: [3], initial_weights: [null], initial_biases: [null, null, null] }, "species", IRIS);
  assert(msg.includes(`"initial_weights" needs one entry per weight matrix (2`) && msg.includes("got 1") && msg.includes("initial_biases"), msg);
  msg = await errorOf({ hidden: [3], initial_weights: [null, null], initial_biases: [null, matrix(3, 1, (r) => (r ? 0 : NaN))] }, "species", IRIS);
  assert(msg.includes("missing or infinite value at row 1"), msg);
});

test("initial_weights and initial_biases read CSV files (the CLI's form) and the model records their paths", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-init-"));
  try {
    const w = join(dir, "w0.csv"), b = join(dir, "b0.csv");
    await writeFile(w, "a,b,c,d\n1,2,3,4\n5,6,7,8\n");
    await writeFile(b, "0.5\n-0.5\n");
    const m = await fit({ hidden: [2], epochs: 0, initial_weights: `${w},`, initial_biases: [b, ""] }, "species", IRIS);
    assertEquals(Array.from(m.data.state["weights.0"]), [1, 2, 3, 4, 5, 6, 7, 8]);
    assertEquals(Array.from(m.data.state["biases.0"]), [0.5, -0.5]);
    assertEquals(m.data.params.initial_weights, [w, ""]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// ── categorical_encoding and max_categorical_features ──────────────────────────────────────

/** A regression target driven by a 6-level categorical "g" and a numeric "x". */
function grouped(n: number, seed: number): Frame {
  const r = random(seed);
  const levels = ["a", "b", "c", "d", "e", "f"];
  const codes = Int32Array.from({ length: n }, () => Math.floor(r() * 6));
  const x = Float64Array.from({ length: n }, () => r() * 2 - 1);
  const y = Float64Array.from(codes, (c, i) => c * 0.5 + x[i]);
  return new Frame([{ name: "g", type: "categorical", domain: levels, codes }, num("x", x), num("y", y)]);
}
const G = grouped(300, 5);

test("every categorical_encoding trains, predicts and predicts the same after save/load", async () => {
  const widths: Record<string, number> = {};
  for (const encoding of ["OneHotInternal", "Binary", "Eigen", "LabelEncoder", "SortByResponse", "EnumLimited"]) {
    const m = await fit({ categorical_encoding: encoding, hidden: [4] }, "y", G);
    widths[encoding] = m.data.shape.units[0];
    assertEquals(m.data.preprocessor.categoricalEncoding, encoding);
    const p = values(await m.predict(G), "predict");
    assert(p.every(Number.isFinite), encoding);
    assertClose(values(await roundTrip(m).predict(G), "predict"), p, { atol: 0 });
  }
  assertEquals(widths, { OneHotInternal: 8, Binary: 4, Eigen: 2, LabelEncoder: 2, SortByResponse: 8, EnumLimited: 8 });
  const msg = await errorOf({ categorical_encoding: "SortByResponse" }, "species", iris().withColumn({ name: "g", type: "categorical", domain: ["u", "v"], codes: Int32Array.from({ length: 150 }, (_, i) => i % 2) }));
  assert(msg.includes("SortByResponse") && msg.includes("3 classes"), msg);
  const bad = await assertThrows(() => fit({ categorical_encoding: "OneHotExplicit" }, "y", G), RangeError);
  assert(bad.message.includes("categorical_encoding"), bad.message);
});

test("max_categorical_features hashes the one-hot inputs into that many buckets (width M + numerics), kept by the model", async () => {
  const m = await fit({ max_categorical_features: 3 }, "y", G);
  assertEquals(m.data.shape.units[0], 4);
  assertEquals(m.data.preprocessor.hashing, { buckets: 3, seed: 1 });
  assertEquals(m.data.output.varimp!.map((v) => v.variable).sort(), ["hash_0", "hash_1", "hash_2", "x"]);
  const p = values(await m.predict(G), "predict");
  assertClose(values(await roundTrip(m).predict(G), "predict"), p, { atol: 0 });
  const wide = await fit({ max_categorical_features: 7 }, "y", G); // 7 one-hot slots: not below, no hashing
  assertEquals([wide.data.shape.units[0], wide.data.preprocessor.hashing], [8, null]);
});

test("a model file written before these fields existed still loads and predicts", async () => {
  const m = await fit({}, "y", G);
  const { offsetColumn: _o, categoricalEncoding: _c, hashing: _h, classBalance: _b, ...old } = m.data.preprocessor;
  const data: ModelData = { ...m.data, preprocessor: old };
  const back = new DeepLearningModel(decodeModel(encodeModel(data)), plugins, { backend });
  assertClose(values(await back.predict(G), "predict"), values(await m.predict(G), "predict"), { atol: 0 });
});
