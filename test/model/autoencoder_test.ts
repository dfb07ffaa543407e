/**
 * Autoencoders through the public API (spec §14): training on both backends, the scoring
 * history's reconstruction MSE, the model file, predict's reconstruction, anomaly scores,
 * deep features, pretrained starts, and the refusals.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { decodeModel, encodeModel } from "../../model/file.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { simdBackend } from "../../backends/simd/simd.ts";
import { type CategoricalColumn, Frame } from "../../frame/frame.ts";
import { forwardTrace } from "../core/_net.ts";
import { activations } from "../../plugins/mod.ts";
import { blobs } from "./_data.ts";

/** A numeric column's values (throws for another type). */
function num(f: Frame, name: string) {
  const c = f.col(name);
  if (c.type !== "numeric") throw new Error(`${name} is not numeric`);
  return c.data;
}

const backend = referenceBackend();
const FRAME = blobs(60, 3); // x1, x2, noise, cls (2 levels)

function fitAe(params: Record<string, unknown> = {}, frame = FRAME): Promise<DeepLearningModel> {
  return new DeepLearning({ autoencoder: true, hidden: [3], activation: "Tanh", epochs: 5, seed: 7, reproducible: true, ...params }).train({ training_frame: frame, backend });
}

test("autoencoder trains without a response: n₀ outputs, reconstruction MSE in the history, falling; the file round-trips", async () => {
  const m = await fitAe({ epochs: 30, score_each_iteration: true });
  // Inputs: cls one-hot with all levels + NA slot (3), then x1, x2, noise.
  assertEquals(m.data.shape.units, [6, 3, 6]);
  assertEquals(m.data.problem, "autoencoder");
  assertEquals(m.data.preprocessor.mode, "NORMALIZE");
  const h = m.scoringHistory().slice(1).map((r) => r.training_mse as number);
  assert(h.length >= 10 && h.every(Number.isFinite), JSON.stringify(m.scoringHistory()[1]));
  assert(h[h.length - 1] < 0.6 * h[0], `reconstruction MSE should fall: ${h[0]} → ${h[h.length - 1]}`);
  assertEquals(m.mse(), m.data.output.trainingMetrics!.mse);
  assertEquals(m.data.output.trainingMetrics!.model_category, "AutoEncoder");
  const back = new DeepLearningModel(decodeModel(encodeModel(m.data), "test"), undefined, { backend });
  assertEquals(back.isAutoencoder, true);
  assertEquals(String(num((await back.anomaly(FRAME)), "Reconstruction.MSE").at(5)), String(num((await m.anomaly(FRAME)), "Reconstruction.MSE").at(5)));
  assert(m.toString().includes("Tanh"), "the layer table names the output activation");
});

test("autoencoder on the SIMD fused trainer (2 threads HOGWILD!, mini-batch 4) reaches the reference's reconstruction error", async () => {
  const simd = simdBackend();
  if (!(await simd.init())) return void console.warn(`skipped: ${simd.unavailableReason}`);
  const params = { autoencoder: true, hidden: [4], activation: "Tanh", epochs: 40, seed: 7 };
  const ref = await new DeepLearning({ ...params, reproducible: true }).train({ training_frame: FRAME, backend });
  // HOGWILD! explicitly: parallel_mode auto may choose averaging, which learns less per epoch on
  // data this small (two half-data replicas per iteration); test/simd/parallel_mode_test.ts checks averaging.
  const fast = await new DeepLearning({ ...params, nthreads: 2, mini_batch_size: 4, parallel_mode: "hogwild" }).train({ training_frame: FRAME, backend: simd });
  assertEquals(fast.data.output.backend, "simd");
  assert(fast.mse() < 2 * ref.mse() + 0.01, `simd ${fast.mse()} vs reference ${ref.mse()}`);
});

test("early stopping and overwrite_with_best_model read the reconstruction MSE", async () => {
  const m = await fitAe({ epochs: 200, score_each_iteration: true, stopping_rounds: 2, stopping_tolerance: 0.5 });
  assertEquals(m.data.output.status, "stopped early");
  assert(m.data.output.epochs < 200, `${m.data.output.epochs}`);
});

test("anomaly(): Reconstruction.MSE is the row's mean squared error in the normalised input space; per-feature columns sum to it", async () => {
  const m = await fitAe();
  const mse = num((await m.anomaly(FRAME)), "Reconstruction.MSE");
  const se = await m.anomaly(FRAME, { perFeature: true });
  assertEquals(se.names, ["reconstr_cls.neg.SE", "reconstr_cls.pos.SE", "reconstr_cls.missing(NA).SE", "reconstr_x1.SE", "reconstr_x2.SE", "reconstr_noise.SE"]);
  for (let r = 0; r < FRAME.nrow; r += 7) {
    const sum = se.columns.reduce((s, c) => s + (c as { data: { at(i: number): number } }).data.at(r), 0);
    assertClose(mse.at(r), sum / 6, { rtol: 1e-12, message: `row ${r}` });
  }
  // By hand for row 0: normalised inputs against the reconstruction (raw network outputs).
  const p = m.data.preprocessor, x = num(FRAME, "x1").at(0);
  const x1 = p.inputs.find((i) => i.name === "x1") as { sub: number; mul: number };
  const out = forwardTrace(m.data.state as Record<string, Float64Array>, [...m.data.shape.units], activations.get("Tanh"), [
    ...(FRAME.col("cls") as CategoricalColumn).codes.at(0) === 0 ? [1, 0, 0] : [0, 1, 0], (x - x1.sub) * x1.mul,
    ...["x2", "noise"].map((n) => { const q = p.inputs.find((i) => i.name === n) as { sub: number; mul: number }; return (num(FRAME, n).at(0) - q.sub) * q.mul; }),
  ]);
  const a = Math.tanh(out.z[out.z.length - 1][3]);
  assertClose(num(se, "reconstr_x1.SE").at(0), (a - (x - x1.sub) * x1.mul) ** 2, { rtol: 1e-10 });
});

test("anomaly(): shuffling the rows of the scored frame permutes the scores the same way", async () => {
  const m = await fitAe();
  const perm = Array.from({ length: FRAME.nrow }, (_, i) => (i * 17) % FRAME.nrow);
  const shuffled = new Frame(FRAME.columns.map((c) => c.type === "categorical"
    ? { ...c, codes: Int32Array.from(perm, (i) => c.codes.at(i)) }
    : { name: c.name, type: "numeric" as const, data: Float64Array.from(perm, (i) => (c as { data: { at(i: number): number } }).data.at(i)) }));
  const a = num((await m.anomaly(FRAME)), "Reconstruction.MSE"), b = num((await m.anomaly(shuffled)), "Reconstruction.MSE");
  perm.forEach((i, k) => assertEquals(b.at(k), a.at(i), `row ${k}`));
});

test("predict() on an autoencoder gives reconstr_<input> columns, numerics back in original units", async () => {
  const m = await fitAe({ epochs: 60 });
  const pred = await m.predict(FRAME);
  assertEquals(pred.names, ["reconstr_cls.neg", "reconstr_cls.pos", "reconstr_cls.missing(NA)", "reconstr_x1", "reconstr_x2", "reconstr_noise"]);
  const se = await m.anomaly(FRAME, { perFeature: true });
  const x1 = m.data.preprocessor.inputs.find((i) => i.name === "x1") as { sub: number; mul: number };
  for (let r = 0; r < 5; r++) {
    const back = (num(pred, "reconstr_x1").at(r) - x1.sub) * x1.mul, xn = (num(FRAME, "x1").at(r) - x1.sub) * x1.mul;
    assertClose((back - xn) ** 2, num(se, "reconstr_x1.SE").at(r), { rtol: 1e-9, atol: 1e-12 });
  }
});

test("deepfeatures() equals an independent forward pass, for autoencoders and supervised models; a bad layer is refused", async () => {
  const ae = await fitAe({ hidden: [4, 2, 4] });
  const sup = await new DeepLearning({ hidden: [5, 3], activation: "RectifierWithDropout", epochs: 2, seed: 3 }).train({ y: "cls", training_frame: FRAME, backend });
  for (const [m, layer] of [[ae, 1], [sup, 0], [sup, 1]] as const) {
    const df = await m.deepfeatures(FRAME, layer);
    const units = m.data.shape.units[layer + 1];
    assertEquals(df.names, Array.from({ length: units }, (_, j) => `DF.L${layer + 1}.C${j + 1}`));
    const pack = (await import("../../core/train/inputs.ts")).packInputs;
    const { adaptFrame } = await import("../../core/train/preprocess.ts");
    const rows = pack(m.data.preprocessor, adaptFrame(m.data.preprocessor, FRAME));
    for (let r = 0; r < 4; r++) {
      const x = Array.from(rows.dense!.subarray(r * rows.width, (r + 1) * rows.width));
      const act = activations.get(m.data.activation);
      const tr = forwardTrace(m.data.state as Record<string, Float64Array>, [...m.data.shape.units], act, x, [...m.data.dropout]);
      assertClose(df.columns.map((c) => (c as { data: { at(i: number): number } }).data.at(r)), Array.from(tr.a[layer + 1]), { rtol: 1e-12, atol: 1e-14, message: `row ${r}` });
    }
  }
  await assertThrows(() => ae.deepfeatures(FRAME, 3), RangeError, "hidden layers 0 … 2");
  await assertThrows(() => sup.deepfeatures(FRAME, -1), RangeError, "No hidden layer -1");
});

test("anomaly() on a supervised model, and autoencoder parameters that make no sense, are clear errors", async () => {
  const sup = await new DeepLearning({ hidden: [3], epochs: 1, seed: 1 }).train({ y: "cls", training_frame: FRAME, backend });
  await assertThrows(() => sup.anomaly(FRAME), RangeError, "not an autoencoder");
  await assertThrows(() => new DeepLearning({ autoencoder: true, epochs: 1 }).train({ y: "cls", training_frame: FRAME, backend }), RangeError, "no response");
  await assertThrows(() => fitAe({ activation: "Maxout" }), RangeError, "Tanh or Rectifier");
});

test("nfolds cross-validates an autoencoder: each fold's holdout reconstruction MSE, merged; the holdout errors kept", async () => {
  const m = await fitAe({ nfolds: 3, keep_cross_validation_predictions: true, epochs: 2 });
  const cv = m.data.output.crossValidation!;
  assertEquals(cv.summary.metrics, ["mse", "rmse"]);
  const folds = cv.foldMetrics.map((f) => f.mse);
  assert(folds.every((v) => v > 0 && Number.isFinite(v)), folds.join(","));
  // The merged MSE is the mean over every holdout row, so the fold MSEs weighted by their rows.
  const rows = cv.foldMetrics.map((f) => f.nobs);
  assertEquals(rows.reduce((a, b) => a + b, 0), FRAME.nrow);
  assertClose(m.mse({ xval: true }), folds.reduce((s, v, k) => s + v * rows[k], 0) / FRAME.nrow, { rtol: 1e-12 });
  const kept = cv.holdoutPredictions!;
  assertEquals(kept.map((c) => c.name), ["Reconstruction.MSE"]);
});

test("a frame missing a training column is scored by anomaly() as predict() scores it: a warning, or an error with strict", async () => {
  const m = await fitAe();
  const less = new Frame(FRAME.columns.filter((c) => c.name !== "noise"));
  const warnings: string[] = [];
  const out = await m.anomaly(less, { onWarning: (w) => warnings.push(w) });
  assertEquals(out.nrow, FRAME.nrow);
  assert(warnings.some((w) => w.includes("noise")), warnings.join("; "));
  await assertThrows(() => m.anomaly(less, { strict: true }), RangeError, "noise");
});

test("pretrained_autoencoder starts a supervised model from the autoencoder's hidden layers; a shape mismatch names the layer", async () => {
  const ae = await fitAe({ hidden: [4, 2], epochs: 3 });
  // With 0 epochs the supervised model is its start: hidden layers copied, output layer random with biases 0.
  const sup = await new DeepLearning({ hidden: [4, 2], activation: "Tanh", epochs: 0, seed: 9, pretrained_autoencoder: ae, ignored_columns: [] })
    .train({ y: "cls", x: ["x1", "x2", "noise"], training_frame: FRAME, backend }).catch((e) => e as Error);
  // The supervised inputs differ from the autoencoder's (no cls one-hot): refused, naming the input layer.
  assert(sup instanceof RangeError && sup.message.includes("input layer"), String(sup));
  const ae2 = await fitAe({ hidden: [4, 2], epochs: 3, ignored_columns: ["cls"] });
  const ok = await new DeepLearning({ hidden: [4, 2], activation: "Tanh", epochs: 0, seed: 9, pretrained_autoencoder: ae2 }).train({ y: "cls", training_frame: FRAME, backend });
  for (const k of ["weights.0", "biases.0", "weights.1", "biases.1"]) assertEquals(Array.from(ok.data.state[k]), Array.from(ae2.data.state[k]), k);
  assertEquals(Array.from(ok.data.state["biases.2"]), [0, 0]);
  const bad = await new DeepLearning({ hidden: [4, 3], epochs: 1, pretrained_autoencoder: ae2 }).train({ y: "cls", training_frame: FRAME, backend }).catch((e) => e as Error);
  assert(bad instanceof RangeError && bad.message.includes("hidden layer 2 (layer 3) has 2 units"), String(bad));
  const notAe = await new DeepLearning({ hidden: [4, 2], epochs: 1, pretrained_autoencoder: ok }).train({ y: "cls", training_frame: FRAME, backend }).catch((e) => e as Error);
  assert(notAe instanceof RangeError && notAe.message.includes("not an autoencoder"), String(notAe));
});
