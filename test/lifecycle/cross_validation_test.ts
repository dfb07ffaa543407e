/**
 * Cross-validation (spec §10): fold assignment schemes and H2O's parameter rules, fold models
 * then the main model, merged holdout metrics and the summary table, kept predictions and fold
 * assignment, the model file round trip, and the CLI (`tide train --nfolds`, `tide predict --cv_holdout`).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import { type CategoricalColumn, Frame } from "../../frame/frame.ts";
import { assignFolds, checkCrossValidation } from "../../lifecycle/cross_validation/folds.ts";
import { cvFoldAssignment, cvHoldoutPredictions } from "../../lifecycle/cross_validation/holdout.ts";
import { decodeModel, encodeModel } from "../../model/file.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { blobs, iris } from "../model/_data.ts";
import { irisFiles } from "../cli/_iris.ts";

const backend = referenceBackend();
const base = { nfolds: 0, fold_assignment: "AUTO", fold_column: null, response_column: "species", weights_column: null, seed: 7 };
const count = (a: Int32Array, F: number) => Array.from({ length: F }, (_, k) => a.filter((f) => f === k).length);

test("assignFolds: Modulo is i mod F; Random is seeded and uses every fold; Stratified spreads every class", () => {
  const f = iris();
  assertEquals(Array.from(assignFolds(f, { ...base, nfolds: 4, fold_assignment: "Modulo" }).fold.slice(0, 6)), [0, 1, 2, 3, 0, 1]);
  const a = assignFolds(f, { ...base, nfolds: 5, fold_assignment: "AUTO" });
  assertEquals(a.scheme, "Random");
  assertEquals(Array.from(a.fold), Array.from(assignFolds(f, { ...base, nfolds: 5, fold_assignment: "Random" }).fold), "same seed, same folds");
  assert(Array.from(a.fold).join() !== Array.from(assignFolds(f, { ...base, nfolds: 5, seed: 8 }).fold).join(), "another seed, other folds");
  assert(count(a.fold, 5).every((n) => n >= 15 && n <= 45), `fold sizes ${count(a.fold, 5)}`);
  const s = assignFolds(f, { ...base, nfolds: 5, fold_assignment: "Stratified" });
  const species = f.col("species") as CategoricalColumn;
  for (let c = 0; c < 3; c++) {
    const perFold = count(s.fold.filter((_, i) => species.codes.at(i) === c), 5);
    assert(perFold.every((n) => n >= 3), `class ${c} per fold ${perFold}`);
  }
});

test("assignFolds: a fold column gives the folds, categorical or contiguous integers from 0 or 1", () => {
  const f = new Frame([
    { name: "x", type: "numeric", data: new Float64Array([1, 2, 3, 4, 5, 6]) },
    { name: "g", type: "categorical", codes: Int32Array.from([2, 0, 2, 0, 2, 0]), domain: ["a", "unused", "b"] },
    { name: "k", type: "numeric", data: new Float64Array([1, 2, 3, 1, 2, 3]) },
  ]);
  const g = assignFolds(f, { ...base, fold_column: "g" });
  assertEquals([g.nfolds, Array.from(g.fold), g.labels], [2, [1, 0, 1, 0, 1, 0], ["a", "b"]]);
  const k = assignFolds(f, { ...base, fold_column: "k" });
  assertEquals([k.nfolds, Array.from(k.fold)], [3, [0, 1, 2, 0, 1, 2]]);
});

test("checkCrossValidation: H2O's rules, one message per field", () => {
  const f = iris().withColumn({ name: "gap", type: "numeric", data: Float64Array.from({ length: 150 }, (_, i) => (i % 2 ? 0 : 2)) });
  const p = (over: Record<string, unknown>) => ({ ...base, keep_cross_validation_predictions: false, checkpoint: null, distribution: "AUTO", ...over });
  const fields = (over: Record<string, unknown>, given: Record<string, unknown> = over) => checkCrossValidation(p(over), given, f).map((m) => m.field);
  assertEquals(fields({ nfolds: 1 }), ["nfolds"]);
  assertEquals(fields({ nfolds: 151 }), ["nfolds"]);
  assertEquals(fields({ nfolds: 5, fold_column: "sepal_len" }), ["fold_column", "fold_column"]); // both: exclusive, and not integers
  assertEquals(fields({ fold_column: "gap" }), ["fold_column"], "0 and 2 are not contiguous");
  assertEquals(fields({ fold_column: "species", fold_assignment: "Modulo" }), ["fold_assignment", "fold_column"]);
  assertEquals(fields({ fold_assignment: "Modulo" }), ["fold_assignment"], "no fold assignment without nfolds");
  assertEquals(fields({ keep_cross_validation_predictions: true }), ["keep_cross_validation_predictions"]);
  assertEquals(fields({ nfolds: 3, fold_assignment: "Stratified", response_column: "sepal_len" }), ["fold_assignment"]);
  assertEquals(fields({ nfolds: 3, checkpoint: "m.tide" }), ["checkpoint"]);
  assertEquals(fields({ nfolds: 3, fold_assignment: "Stratified" }), []);
});

test("nfolds 3 on iris: fold models, then the main model; merged holdout metrics; summary; kept predictions and folds", async () => {
  const frame = iris();
  const dl = new DeepLearning({
    nfolds: 3, seed: 3, hidden: [4], epochs: 2, stopping_rounds: 2, score_each_iteration: true, reproducible: true,
    keep_cross_validation_predictions: true, keep_cross_validation_fold_assignment: true,
  });
  const events: string[] = [];
  const m = await dl.train({ y: "species", training_frame: frame, backend, onEvent: (e) => e.type === "model" && events.push(`${e.role}${e.index}`) });
  assertEquals(events, ["fold1", "fold2", "fold3", "main4"]);
  const cv = m.data.output.crossValidation!;
  const merged = m.data.output.crossValidationMetrics!;
  assertEquals(cv.nfolds, 3);
  assertEquals(cv.foldMetrics.reduce((s, f) => s + f.nobs, 0), 150);
  assertEquals(merged.nobs, 150);
  // Merged, not averaged: the pooled error is the folds' error counts over all rows.
  const errCount = cv.summary.metrics.indexOf("err_count");
  assertClose((merged as { classification_error: number }).classification_error, cv.summary.folds.reduce((s, f) => s + f[errCount], 0) / 150, { atol: 1e-12 });
  const mse = cv.summary.metrics.indexOf("mse");
  assertClose(cv.summary.mean[mse], cv.foldMetrics.reduce((s, f) => s + f.mse, 0) / 3, { atol: 1e-12 });
  assert(cv.summary.metrics.includes("logloss") && cv.summary.folds.every((f) => f.length === cv.summary.metrics.length));
  // Main model (spec §10.4): no best-model restore, no early stopping, the folds' mean epochs.
  const foldEpochs = cv.foldHistories.map((h) => Number(h[h.length - 1].epochs));
  assertEquals(cv.mainEpochs.source, "folds");
  assertClose(m.data.params.epochs as number, foldEpochs.reduce((a, b) => a + b, 0) / 3, { atol: 1e-12 });
  assertEquals([m.data.params.overwrite_with_best_model, m.data.params.stopping_rounds, m.data.params.fold_assignment], [false, 0, "Random"]);
  // Holdout predictions: each row from the fold model that did not train on it.
  assertEquals(dl.crossValidationModels.length, 3);
  const folds = cvFoldAssignment(m).col("fold_assignment") as unknown as { data: { toFloat64Array(): Float64Array } };
  const holdout = cvHoldoutPredictions(m);
  assertEquals(holdout.names, ["predict", "setosa", "versicolor", "virginica"]);
  for (let k = 0; k < 3; k++) {
    const p = await dl.crossValidationModels[k].predict(frame);
    const i = folds.data.toFloat64Array().findIndex((f) => f === k);
    assertClose(holdout.value(i, "virginica") as number, p.value(i, "virginica") as number, { atol: 1e-8 });
  }
  // The model file keeps it all.
  const back = decodeModel(encodeModel(m.data));
  assertEquals(back.output.crossValidation, cv);
  assertEquals(back.output.crossValidationMetrics, merged);
});

test("nfolds with weights and a validation frame: zero-weight rows leave the CV metrics; the main model validates", async () => {
  const train = blobs(60, 1);
  const w = Float64Array.from({ length: 60 }, (_, i) => (i < 10 ? 0 : 1 + (i % 2)));
  const m = await new DeepLearning({ nfolds: 2, seed: 1, hidden: [3], epochs: 1, weights_column: "w", stopping_rounds: 0, keep_cross_validation_models: false })
    .train({ y: "cls", training_frame: train.withColumn({ name: "w", type: "numeric", data: w }), validation_frame: blobs(20, 2), backend });
  const cv = m.data.output.crossValidation!;
  assertEquals(cv.mainEpochs, { epochs: 1, source: "params" });
  assertEquals(m.data.output.crossValidationMetrics!.nobs, 50);
  assert(m.data.output.validationMetrics !== null);
  assert(!m.data.preprocessor.inputs.some((i) => i.name === "w"), "the weights column is no predictor");
  await assertThrows(() => cvHoldoutPredictions(m), RangeError, "keep_cross_validation_predictions");
});

test("tide train --nfolds prints the summary table; tide predict --cv_holdout writes the holdout predictions", async () => {
  const files = await irisFiles();
  const out = join(files.dir, "m.tide");
  const io = memoryIo();
  const code = await main(["train", "--training_frame", files.all, "--y", "species", "--nfolds", "3", "--hidden", "4", "--epochs", "1", "--seed", "1",
    "--backend", "reference", "--keep_cross_validation_predictions", "true", "--keep_cross_validation_models", "false", "--model_out", out], io);
  assertEquals(code, 0, io.stderr);
  assert(io.stdout.includes("Cross-Validation Metrics Summary:") && /mean\s+sd\s+cv_1_valid\s+cv_2_valid\s+cv_3_valid/.test(io.stdout), io.stdout);
  assert(io.stdout.includes("** Reported on cross-validation data. **"));
  assert(io.stderr.includes("Cross-validation: fold model 2 of 3"), io.stderr);
  const io2 = memoryIo();
  const csv = join(files.dir, "holdout.csv");
  assertEquals(await main(["predict", "--model", out, "--cv_holdout", "--out", csv], io2), 0, io2.stderr);
  const lines = (await readFile(csv, "utf8")).trim().split("\n");
  assertEquals([lines.length, lines[0]], [151, "predict,setosa,versicolor,virginica"]);
  // The model file keeps the probabilities too (they once came back empty).
  assert(lines.slice(1).every((l) => l.split(",").slice(1).every((p) => p !== "" && Number(p) >= 0 && Number(p) <= 1)), lines.slice(0, 3).join("\n"));
  const io3 = memoryIo();
  assertEquals(await main(["train", "--training_frame", files.all, "--y", "species", "--fold_assignment", "Modulo"], io3), 1);
  assert(io3.stderr.includes(`"fold_assignment" = Modulo needs cross-validation`), io3.stderr);
});

test("a fold column sets the folds (and is no predictor); max_runtime_secs is shared among the 3 models", async () => {
  const train = blobs(60, 4);
  const part = { name: "part", type: "categorical" as const, codes: Int32Array.from({ length: 60 }, (_, i) => (i < 20 ? 0 : 1)), domain: ["a", "b"] };
  const dl = new DeepLearning({ fold_column: "part", seed: 2, hidden: [3], epochs: 1, max_runtime_secs: 30, keep_cross_validation_fold_assignment: true });
  const m = await dl.train({ y: "cls", training_frame: train.withColumn(part), backend });
  const cv = m.data.output.crossValidation!;
  assertEquals([cv.nfolds, cv.foldAssignment, cv.foldMetrics.map((f) => f.nobs)], [2, "Column", [20, 40]]);
  assertEquals(Array.from(cv.foldAssignmentColumn!), Array.from(part.codes));
  assert(!m.data.preprocessor.inputs.some((i) => i.name === "part"), "the fold column is no predictor");
  const budgets = [...dl.crossValidationModels.map((f) => f.data.params.max_runtime_secs as number), m.data.params.max_runtime_secs as number];
  assert(budgets[0] > 9 && budgets[0] <= 10, `first fold model gets a third of 30 s: ${budgets}`);
  assert(budgets.every((b) => b > 0 && b <= 30), `${budgets}`);
  assertEquals(cv.mainEpochs.source, "folds", "a time budget makes the main model train for the folds' epochs");
});
