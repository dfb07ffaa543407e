/**
 * End-to-end training through the public estimator (model/deep_learning.ts) on the reference
 * backend: accuracy floors on easy problems, prediction frames, reproducibility, the stopping
 * rules of spec §8 (early stopping, best-model restore, classification/regression stop, time
 * limit), cancellation, and ModelPerformance's accessors.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import type { Backend } from "../../core/backend.ts";
import { convergenceStop } from "../../core/train/early_stopping.ts";
import type { TrainEvent } from "../../core/train/train.ts";
import { type Column, Frame } from "../../frame/frame.ts";
import { DeepLearning, type DeepLearningEvent, type TrainArgs } from "../../model/deep_learning.ts";
import type { DeepLearningModel } from "../../model/model.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { simdBackend } from "../../backends/simd/simd.ts";
import { blobs, iris, noisyBinary, smooth } from "./_data.ts";

const backend: Backend = referenceBackend();

function fit(params: Record<string, unknown>, args: Omit<TrainArgs, "backend">): Promise<DeepLearningModel> {
  return new DeepLearning({ seed: 1, ...params }).train({ ...args, backend });
}

function numbers(f: Frame, name: string): Float64Array {
  const c = f.col(name);
  if (c.type !== "numeric") throw new Error(`${name} is not numeric`);
  return Float64Array.from(c.data);
}
function codes(f: Frame, name: string): Int32Array {
  const c = f.col(name);
  if (c.type !== "categorical") throw new Error(`${name} is not categorical`);
  return Int32Array.from(c.codes);
}
const history = (m: DeepLearningModel, key: string) => m.data.output.history.slice(1).map((r) => r[key] as number);

// ── Learning ─────────────────────────────────────────────────────────────────────────────────

test("DeepLearning.train() separates two blobs: holdout accuracy ≥ 97 % and AUC > 0.99", async () => {
  const m = await fit({ hidden: [8], epochs: 10, activation: "Tanh" }, { y: "cls", training_frame: blobs(200, 1) });
  const test = blobs(200, 2);
  const pred = await m.predict(test);
  const truth = codes(test, "cls"), got = codes(pred, "predict");
  const acc = truth.reduce((s, c, i) => s + (c === got[i] ? 1 : 0), 0) / truth.length;
  assert(acc >= 0.97, `accuracy ${acc}`);
  const perf = await m.performance(test);
  assert(perf.auc() > 0.99, `AUC ${perf.auc()}`);
  assertEquals(m.data.problem, "classification");
  assertEquals(m.data.distribution, "bernoulli");
});

test("DeepLearning.train() fits a smooth regression surface: holdout RMSE < 0.1 (σ_y ≈ 0.8) and R² > 0.98", async () => {
  const m = await fit({ hidden: [16, 16], epochs: 80, activation: "Tanh", stopping_rounds: 0 }, { y: "y", training_frame: smooth(300, 1) });
  const test = smooth(300, 2);
  const perf = await m.performance(test);
  assert(perf.rmse() < 0.1, `RMSE ${perf.rmse()}`);
  assert(perf.r2() > 0.98, `R² ${perf.r2()}`);
  // The prediction frame holds the same de-standardized values the metrics used.
  const pred = await m.predict(test);
  assertEquals(pred.names, ["predict"]);
  const y = numbers(test, "y"), yhat = numbers(pred, "predict");
  const rmse = Math.sqrt(y.reduce((s, v, i) => s + (v - yhat[i]) ** 2, 0) / y.length);
  assertClose(rmse, perf.rmse(), { rtol: 1e-9 });
  assertClose(perf.meanResidualDeviance(), perf.mse(), { rtol: 1e-12, message: "gaussian deviance is the MSE" });
});

test("DeepLearningModel.predict() on iris: columns predict + one per class, rows sum to 1, label = arg-max", async () => {
  const [train, test] = iris().splitFrame([0.7], 3);
  const m = await fit({ hidden: [10], epochs: 30, activation: "Tanh" }, { y: "species", training_frame: train });
  const pred = await m.predict(test);
  assertEquals(pred.names, ["predict", "setosa", "versicolor", "virginica"]);
  assertEquals(pred.nrow, test.nrow);
  const labels = codes(pred, "predict");
  const probs = ["setosa", "versicolor", "virginica"].map((c) => numbers(pred, c));
  let right = 0;
  const truth = codes(test, "species");
  for (let i = 0; i < pred.nrow; i++) {
    const p = probs.map((c) => c[i]);
    assertClose(p[0] + p[1] + p[2], 1, { rtol: 1e-6, message: `row ${i}` }); // predict may run on a Float32 backend
    assertEquals(labels[i], p.indexOf(Math.max(...p)), `row ${i} label`);
    if (labels[i] === truth[i]) right++;
  }
  assert(right / pred.nrow >= 0.9, `iris holdout accuracy ${right / pred.nrow}`);
  const hr = (await m.performance(test)).hitRatios();
  assertEquals(hr.length, 3);
  assert(hr[0] <= hr[1] && hr[1] <= hr[2] && hr[2] === 1, `hit ratios ${hr}`);
});

test("DeepLearningModel.predict() binomial labels use the max-F1 threshold and class columns get unique names", async () => {
  const base = blobs(60, 4);
  const renamed = new Frame(base.columns.map((c): Column => (c.name === "cls" && c.type === "categorical" ? { ...c, domain: ["other", "predict"] } : c)));
  const m = await fit({ hidden: [4], epochs: 5 }, { y: "cls", training_frame: renamed });
  const pred = await m.predict(renamed);
  assertEquals(pred.names, ["predict", "other", "predict1"]);
  const t = m.threshold;
  assert(t > 0 && t < 1, `threshold ${t}`);
  const p1 = numbers(pred, "predict1"), labels = codes(pred, "predict");
  for (let i = 0; i < pred.nrow; i++) assertEquals(labels[i], p1[i] >= t ? 1 : 0, `row ${i}`);
});

test("DeepLearning.train() with x uses only those predictors and predict() tolerates a missing or extra column", async () => {
  const train = blobs(80, 5);
  const m = await fit({ hidden: [4], epochs: 3 }, { y: "cls", x: ["x1", "noise"], training_frame: train });
  assertEquals(m.data.preprocessor.inputs.map((i) => i.name), ["x1", "noise"]);
  const full = await m.predict(train);
  const withoutX2 = await m.predict(train.drop(["x2"]));
  assertEquals(numbers(withoutX2, "pos"), numbers(full, "pos"), "x2 is not a predictor");
  const noNoise = await m.predict(train.drop(["noise"]));
  const meanFilled = await m.predict(train.withColumn({ name: "noise", type: "numeric", data: new Float64Array(train.nrow).fill(m.data.preprocessor.inputs[1].kind === "numeric" ? m.data.preprocessor.inputs[1].mean : NaN) }));
  assertClose(numbers(noNoise, "pos"), numbers(meanFilled, "pos"), { rtol: 1e-12, message: "a missing column is mean-imputed" });
});

test("DeepLearning.train() is reproducible: same seed → identical weights; another seed → different", async () => {
  const p = { hidden: [6, 4], epochs: 3, activation: "RectifierWithDropout", input_dropout_ratio: 0.1 };
  const train = blobs(80, 6);
  const a = await fit({ ...p, seed: 42 }, { y: "cls", training_frame: train });
  const b = await fit({ ...p, seed: 42 }, { y: "cls", training_frame: train });
  const c = await fit({ ...p, seed: 43 }, { y: "cls", training_frame: train });
  assertEquals(a.data.state, b.data.state);
  assertEquals(a.data.params.seed, 42);
  assert(a.data.state["weights.0"].some((w, i) => w !== c.data.state["weights.0"][i]), "seed 43 should differ");
});

// ── Stopping rules (spec §8) ─────────────────────────────────────────────────────────────────

test("DeepLearning.train() stops early on a plateau exactly when the convergence rule first fires", async () => {
  const train = noisyBinary(60, 7), valid = noisyBinary(200, 8);
  const m = await fit({
    hidden: [16], epochs: 200, train_samples_per_iteration: 60, score_each_iteration: true, stopping_rounds: 2,
    stopping_tolerance: 0.01, classification_stop: -1, overwrite_with_best_model: false, activation: "Tanh",
  }, { y: "y", training_frame: train, validation_frame: valid });
  assertEquals(m.data.output.status, "stopped early");
  assert(m.data.output.epochs < 200, `epochs ${m.data.output.epochs}`);
  const v = history(m, "validation_logloss");
  assertEquals(convergenceStop(v, 2, 0.01, false, true), true, "the last scoring event must satisfy the rule");
  for (let i = 1; i < v.length; i++) assertEquals(convergenceStop(v.slice(0, i), 2, 0.01, false, true), false, `rule already fired after ${i} events`);
});

test("DeepLearning.train() with overwrite_with_best_model restores the best validation state (last row = best)", async () => {
  const train = noisyBinary(40, 1), valid = noisyBinary(300, 2);
  const p = { hidden: [32, 32], epochs: 60, train_samples_per_iteration: 40, score_each_iteration: true, stopping_rounds: 0, classification_stop: -1, activation: "Tanh", seed: 3 };
  const m = await fit(p, { y: "y", training_frame: train, validation_frame: valid });
  const v = history(m, "validation_logloss");
  const best = Math.min(...v.slice(0, -1));
  assert(v[v.length - 2] > best * 1.1, `test setup: the model should overfit (last scored ${v[v.length - 2]}, best ${best})`);
  assertClose(v[v.length - 1], best, { rtol: 1e-12, message: "the final row scores the restored best state" });
  assertClose(m.modelPerformance({ valid: true }).logloss(), best, { rtol: 1e-12 });
  assertEquals(m.data.output.samples, 60 * 40, "the processed-sample count keeps all training");
  const bestRow = v.indexOf(best) + 2; // the history's rows count from 1 and start with the placeholder
  assert(String(m).includes(`from the scoring event at epoch ${m.data.output.history[bestRow - 1].epochs} (row ${bestRow} of the scoring history)`), "the printout names the best event");
  const last = await fit({ ...p, overwrite_with_best_model: false }, { y: "y", training_frame: train, validation_frame: valid });
  const w = history(last, "validation_logloss");
  assert(w[w.length - 1] > Math.min(...w) * 1.1, "without the option the last state stays");
});

test("DeepLearning.train() stops at classification_stop once the training error is low enough", async () => {
  const m = await fit({ hidden: [8], epochs: 100, train_samples_per_iteration: 20, score_each_iteration: true, classification_stop: 0.05 }, { y: "cls", training_frame: blobs(100, 9) });
  assertEquals(m.data.output.status, "classification_stop");
  assert(m.data.output.epochs < 100, `epochs ${m.data.output.epochs}`);
  const err = history(m, "training_classification_error");
  assert(err[err.length - 1] <= 0.05, `final training error ${err[err.length - 1]}`);
  assert(err.slice(0, -1).every((e) => e > 0.05), "it should stop at the first event at or below the threshold");
});

test("DeepLearning.train() with the default classification_stop 0 stops once the training error is exactly 0", async () => {
  const m = await fit({ hidden: [8], epochs: 100, train_samples_per_iteration: 20, score_each_iteration: true, activation: "Tanh" }, { y: "cls", training_frame: blobs(100, 9) });
  assertEquals(m.data.output.status, "classification_stop");
  const err = history(m, "training_classification_error");
  assertEquals(err[err.length - 1], 0);
  assert(m.data.output.epochs < 100, `epochs ${m.data.output.epochs}`);
});

test("DeepLearning.train() stops at regression_stop when the training MSE is below it", async () => {
  const m = await fit({ hidden: [4], epochs: 50, train_samples_per_iteration: 50, score_each_iteration: true, regression_stop: 1e9 }, { y: "y", training_frame: smooth(100, 3) });
  assertEquals(m.data.output.status, "regression_stop");
  assertEquals(m.data.output.iterations, 1);
  assertEquals(m.data.output.samples, 50);
});

test("DeepLearning.train() honours max_runtime_secs", async () => {
  const t0 = performance.now();
  const m = await fit({ hidden: [16, 16], epochs: 1e5, max_runtime_secs: 0.3, stopping_rounds: 0 }, { y: "y", training_frame: smooth(200, 4) });
  const ms = performance.now() - t0;
  assertEquals(m.data.output.status, "time limit");
  assert(ms < 5000, `took ${ms} ms for a 0.3 s budget`);
  assert(m.data.output.epochs > 0 && m.data.output.epochs < 1e5, `epochs ${m.data.output.epochs}`);
  const last = m.data.output.history[m.data.output.history.length - 1];
  assert(typeof last.training_rmse === "number", "the final state is scored");
});

test("DeepLearning.train() rejects with an AbortError when its signal aborts, and at once when already aborted", async () => {
  const ctl = new AbortController();
  let progress = 0;
  const onEvent = (e: DeepLearningEvent) => {
    if (e.type === "progress" && ++progress === 1) ctl.abort();
  };
  const e = await assertThrows(() => fit({ hidden: [8], epochs: 1e4 }, { y: "y", training_frame: smooth(200, 5), onEvent, signal: ctl.signal }), Error);
  assertEquals(e.name, "AbortError");
  assertEquals(progress, 1, "no training after the abort");
  const pre = AbortSignal.abort();
  const e2 = await assertThrows(() => fit({ hidden: [8], epochs: 1 }, { y: "y", training_frame: smooth(50, 5), signal: pre }), Error);
  assertEquals(e2.name, "AbortError");
});

test("DeepLearning.train() emits start, progress and one score event per history row", async () => {
  const events: DeepLearningEvent[] = [];
  const m = await fit({ hidden: [4], epochs: 4, train_samples_per_iteration: 50, score_each_iteration: true, stopping_rounds: 0 }, {
    y: "y", training_frame: smooth(50, 6), onEvent: (e) => events.push(e),
  });
  assertEquals(events[0].type, "start");
  const start = events[0] as Extract<TrainEvent, { type: "start" }>;
  assertEquals([start.rows, start.inputs, start.iterationSamples, start.backend], [50, 2, 50, "reference"]);
  const scores = events.filter((e) => e.type === "score");
  assertEquals(scores.length, m.data.output.history.length - 1);
  const progress = events.filter((e) => e.type === "progress") as Extract<TrainEvent, { type: "progress" }>[];
  assert(progress.length >= 4, `${progress.length} progress events`);
  assertClose(progress[progress.length - 1].epochs, 4);
  assertEquals(m.data.output.samples, 200);
  assertEquals(history(m, "samples"), [50, 100, 150, 200]);
});

test("DeepLearning.train() rejects bad parameters with one RangeError naming each", async () => {
  const e = await assertThrows(() => fit({ hidden: [0], epochs: -1, activation: "Sigmoid" }, { y: "cls", training_frame: blobs(20, 1) }), RangeError, "Cannot train");
  for (const s of ["hidden", "epochs", "activation"]) assert(e.message.includes(`"${s}"`), e.message);
  await assertThrows(() => fit({}, { y: "nope", training_frame: blobs(20, 1) }), RangeError, `"nope"`);
});

// ── ModelPerformance ─────────────────────────────────────────────────────────────────────────

test("ModelPerformance accessors for binomial models, with TypeErrors for regression-only ones", async () => {
  const train = blobs(100, 10), valid = blobs(100, 11);
  const m = await fit({ hidden: [4], epochs: 5 }, { y: "cls", training_frame: train, validation_frame: valid });
  const perf = m.modelPerformance({ valid: true });
  assertEquals([perf.category, perf.nobs()], ["Binomial", 100]);
  assertClose(perf.rmse() ** 2, perf.mse(), { rtol: 1e-12 });
  assertClose(perf.gini(), 2 * perf.auc() - 1, { rtol: 1e-12 });
  for (const v of [perf.logloss(), perf.classificationError(), perf.meanPerClassError(), perf.prAuc(), perf.r2()]) assert(Number.isFinite(v), `${v}`);
  const cm = perf.confusionMatrix();
  const text = String(cm);
  assert(text.includes("neg") && text.includes("pos"), text);
  await assertThrows(() => perf.mae(), TypeError, "mae");
  await assertThrows(() => perf.hitRatios(), TypeError);
  const again = await m.performance(valid);
  // performance() scores on the "auto" backend (possibly Float32): equal to float precision.
  assertClose(again.logloss(), perf.logloss(), { rtol: 1e-5, message: "stored validation metrics equal a fresh scoring" });
  assertClose(again.auc(), perf.auc(), { atol: 0.01 });
  assertEquals(m.modelPerformance().on, "training");
  assert(String(perf).length > 0, "printable");
  await assertThrows(() => m.performance(valid.drop(["cls"])), RangeError, `"cls"`);
});

test("ModelPerformance accessors for regression models, and errors for what they lack", async () => {
  const m = await fit({ hidden: [4], epochs: 5 }, { y: "y", training_frame: smooth(80, 12) });
  const perf = m.modelPerformance();
  assertEquals(perf.category, "Regression");
  for (const v of [perf.mse(), perf.rmse(), perf.mae(), perf.r2(), perf.meanResidualDeviance()]) assert(Number.isFinite(v), `${v}`);
  await assertThrows(() => perf.logloss(), TypeError, "logloss");
  await assertThrows(() => perf.auc(), TypeError, "auc");
  await assertThrows(() => perf.confusionMatrix(), TypeError);
  await assertThrows(() => m.modelPerformance({ valid: true }), RangeError, "validation");
});

test("DeepLearningModel scores on the backend its params name: performance() reproduces the stored metrics", async () => {
  // Trained with backend "reference" (Float64), the model must also predict there; scoring on
  // another backend (the Float32 SIMD one that "auto" picks) changes every probability.
  const train = blobs(100, 10), valid = blobs(100, 11);
  const m = await new DeepLearning({ seed: 1, hidden: [4], epochs: 5, backend: "reference" }).train({ y: "cls", training_frame: train, validation_frame: valid });
  assertEquals(m.data.output.backend, "reference");
  const stored = m.modelPerformance({ valid: true });
  const fresh = await m.performance(valid);
  assertClose(fresh.logloss(), stored.logloss(), { rtol: 1e-12, message: "logloss of the same state on the same frame" });
  assertClose(fresh.mse(), stored.mse(), { rtol: 1e-12, message: "MSE of the same state on the same frame" });
});

// ── Data handling and options through the whole pipeline ─────────────────────────────────────

test("DeepLearning.train() skips zero-weight rows: they neither train nor count toward an epoch (Appendix C.15)", async () => {
  const base = smooth(40, 13);
  const w = Float64Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 0 : 1));
  const m = await fit({ hidden: [4], epochs: 2, weights_column: "w", stopping_rounds: 0 }, { y: "y", training_frame: base.withColumn({ name: "w", type: "numeric", data: w }) });
  assertEquals(m.data.output.trainingRows, 30);
  assertEquals(m.data.output.samples, 60);
  assertEquals(m.data.output.epochs, 2);
  assertEquals(m.data.preprocessor.inputs.map((i) => i.name), ["a", "b"], "the weights column is not a predictor");
});

test("DeepLearning.train() counts rows skipped for a missing response or (Skip) predictor toward N (spec §6.1)", async () => {
  // 40 rows, 10 without a response: H2O's epoch is 40 rows, of which only 30 train.
  const base = smooth(40, 14);
  const y = numbers(base, "y").map((v, i) => (i % 4 === 0 ? NaN : v));
  const m = await fit({ hidden: [4], epochs: 2, train_samples_per_iteration: 0, stopping_rounds: 0 }, { y: "y", training_frame: base.withColumn({ name: "y", type: "numeric", data: y }) });
  assertEquals(m.data.output.trainingRows, 40, "N is the frame's row count");
  assertClose(m.data.output.epochs, m.data.output.samples / 40);
});

test("DeepLearning.train() with missing_values_handling Skip fails clearly when every row has a missing value", async () => {
  const base = smooth(10, 15);
  const a = numbers(base, "a").map((v, i) => (i % 2 ? NaN : v));
  const b = numbers(base, "b").map((v, i) => (i % 2 ? v : NaN));
  const f = base.withColumn({ name: "a", type: "numeric", data: a }).withColumn({ name: "b", type: "numeric", data: b });
  await assertThrows(() => fit({ hidden: [2], epochs: 1, missing_values_handling: "Skip" }, { y: "y", training_frame: f }), RangeError, "MeanImputation");
  const ok = await fit({ hidden: [2], epochs: 1 }, { y: "y", training_frame: f });
  assertEquals(ok.data.output.trainingRows, 10, "MeanImputation trains on every row");
});

test("DeepLearning.train() with epochs 0 trains nothing but returns a scored, usable model", async () => {
  const m = await fit({ hidden: [3], epochs: 0 }, { y: "cls", training_frame: blobs(30, 16) });
  assertEquals([m.data.output.samples, m.data.output.iterations], [0, 0]);
  assertEquals(m.data.output.history.length, 2, "placeholder plus one scoring of the initial model");
  assertEquals((await m.predict(blobs(5, 17))).nrow, 5);
  assertEquals(Array.from(new Set(m.data.state["biases.1"])), [0], "untouched output biases");
});

test("DeepLearning.train() with max_w2 keeps every row of every layer within the cap", async () => {
  const m = await fit({ hidden: [8, 8], epochs: 2, activation: "Tanh", max_w2: 0.5 }, { y: "y", training_frame: smooth(60, 18) });
  for (let l = 0; l < 3; l++) {
    const W = m.data.state[`weights.${l}`];
    const cols = m.data.shape.units[l];
    for (let r = 0; r < W.length / cols; r++) {
      const s = W.subarray(r * cols, (r + 1) * cols).reduce((t, w) => t + w * w, 0);
      assert(s <= 0.5 * (1 + 1e-9), `weights.${l} row ${r}: norm² ${s}`);
    }
  }
});

test("DeepLearning.train() without hidden layers trains a linear softmax with importances from W alone", async () => {
  // ADADELTA starts with tiny steps from a wide (4×) random softmax layer: use a manual rate.
  const m = await fit({ hidden: [], epochs: 10, adaptive_rate: false, rate: 0.01 }, { y: "cls", training_frame: blobs(100, 19) });
  assertEquals(m.data.shape.units, [3, 2]);
  const perf = await m.performance(blobs(100, 20));
  assert(perf.auc() > 0.99, `AUC ${perf.auc()}`);
  const vi = m.data.output.varimp!;
  assertEquals(vi.length, 3);
  assert(["x1", "x2"].includes(vi[0].variable), `a signal column should matter most: ${vi.map((v) => v.variable)}`);
});

test("DeepLearning.train() reports a diverging model with a clear RangeError", async () => {
  const f = smooth(50, 21);
  const big = f.withColumn({ name: "y", type: "numeric", data: numbers(f, "y").map((v) => v * 1e6) });
  const e = await assertThrows(() => fit({
    hidden: [32, 32], epochs: 50, adaptive_rate: false, rate: 10, rate_annealing: 0, standardize: false, activation: "Rectifier",
    score_each_iteration: true, train_samples_per_iteration: 10,
  }, { y: "y", training_frame: big }), RangeError, "diverged");
  assert(e.message.includes("smaller rate") || e.message.includes("Tanh"), e.message);
});

test("DeepLearning.train() variable importances use expanded names and zero NA slots never seen in training", async () => {
  const base = blobs(80, 22);
  const level = Int32Array.from({ length: 80 }, (_, i) => i % 3);
  const m = await fit({ hidden: [6], epochs: 3 }, { y: "cls", training_frame: base.withColumn({ name: "g", type: "categorical", codes: level, domain: ["u", "v", "w"] }) });
  const vi = Object.fromEntries(m.data.output.varimp!.map((r) => [r.variable, r]));
  assertEquals(Object.keys(vi).sort(), ["g.missing(NA)", "g.u", "g.v", "g.w", "noise", "x1", "x2"]);
  assertEquals(vi["g.missing(NA)"].relative_importance, 0);
  const rel = m.data.output.varimp!.map((r) => r.relative_importance);
  assertEquals(Math.max(...rel), 1);
  assertClose(m.data.output.varimp!.reduce((s, r) => s + r.percentage, 0), 1);
});

test("DeepLearning.train() with bernoulli on a numeric 0/1 response names the probability columns p0, p1 (H2O)", async () => {
  const base = blobs(60, 23);
  const y01 = Float64Array.from(codes(base, "cls"));
  const f = base.drop(["cls"]).withColumn({ name: "label", type: "numeric", data: y01 });
  const m = await fit({ hidden: [4], epochs: 20, activation: "Tanh", distribution: "bernoulli" }, { y: "label", training_frame: f });
  const pred = await m.predict(f);
  assertEquals(pred.names, ["predict", "p0", "p1"]); // integer class labels get a "p" prefix, as in H2O
  const perf = await m.performance(f); // the numeric response is read as a factor again
  assertEquals(perf.category, "Binomial");
  assert(perf.auc() > 0.95, `AUC ${perf.auc()}`);
});

test("DeepLearning.train() scores score_training_samples rows and score_validation_samples rows", async () => {
  const m = await fit({ hidden: [3], epochs: 1, score_training_samples: 25, score_validation_samples: 15 }, { y: "cls", training_frame: blobs(100, 24), validation_frame: blobs(60, 25) });
  assertEquals(m.modelPerformance().nobs(), 25);
  assertEquals(m.modelPerformance({ valid: true }).nobs(), 15);
});

test("DeepLearningModel.performance() skips rows whose class is missing or unseen in training", async () => {
  const m = await fit({ hidden: [4], epochs: 3 }, { y: "cls", training_frame: blobs(60, 26) });
  const test = blobs(10, 27);
  const known = await m.performance(test);
  const c = test.col("cls");
  assert(c.type === "categorical");
  const codes2 = Int32Array.from(c.codes);
  codes2[0] = 2; // "other", never seen in training
  codes2[1] = -1; // missing
  const perf = await m.performance(test.withColumn({ ...c, codes: codes2, domain: ["neg", "pos", "other"] }));
  assertEquals(perf.nobs(), 8);
  assert(Number.isFinite(perf.logloss()) && known.nobs() === 10, "the other rows still score");
});

test("DeepLearning.train() with huber sets the training δ to the huber_alpha quantile of |residuals| in standardized units", async () => {
  const f = smooth(80, 28);
  const m = await fit({ hidden: [4], epochs: 3, distribution: "huber", huber_alpha: 0.8 }, { y: "y", training_frame: f });
  const resp = m.data.preprocessor.response!;
  assert(resp.kind === "numeric" && resp.mul !== 1, "huber's identity link standardizes the response");
  const y = numbers(f, "y"), yhat = numbers(await m.predict(f), "predict");
  const r = Float64Array.from(y, (v, i) => Math.abs(v - yhat[i]) * resp.mul).sort();
  const want = r[Math.ceil(0.8 * r.length) - 1];
  assertClose(m.data.distributionParams.huber_delta, want, { rtol: 1e-4, message: "δ from the final state's residuals" });
  assertEquals(m.data.distributionParams.huber_alpha, 0.8);
});

const simd = simdBackend();
const simdMissing = (await simd.init()) ? false : `simd backend unavailable: ${simd.unavailableReason}`;

test("DeepLearning.train() with reproducible = true on the simd backend is bit-identical run after run, on one thread", async () => {
  const p = { hidden: [16, 8], epochs: 4, activation: "RectifierWithDropout", input_dropout_ratio: 0.1, l1: 1e-5, reproducible: true, seed: 7, backend: "simd" };
  const train = blobs(300, 9);
  const run = () => new DeepLearning(p).train({ y: "cls", training_frame: train });
  const a = await run(), b = await run();
  assertEquals(a.data.output.backend, "simd");
  assertEquals(a.data.output.threads, 1, "reproducible means one thread");
  assertEquals(a.data.state, b.data.state);
  assertEquals(a.data.output.history.map((r) => r.training_logloss), b.data.output.history.map((r) => r.training_logloss));
}, { skip: simdMissing });
