/**
 * The model accessors of H2O's clients: varimp(), scoringHistory(), every metric with
 * { train | valid | xval }, weights(i) and biases(i) (export_weights_and_biases), params with
 * defaults and actual values, and H2O's prediction column names.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { predictionColumnName } from "../../model/accessors.ts";
import { DeepLearning, type TrainArgs } from "../../model/deep_learning.ts";
import { DeepLearningModel } from "../../model/model.ts";
import type { ModelData } from "../../core/train/train.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { blobs, iris, smooth } from "./_data.ts";

const backend = referenceBackend();

function fit(params: Record<string, unknown>, args: Omit<TrainArgs, "backend">): Promise<DeepLearningModel> {
  return new DeepLearning({ seed: 1, hidden: [3], epochs: 2, ...params }).train({ ...args, backend });
}

test("varimp() and scoringHistory() return the stored tables; varimp() names the parameter when there are none", async () => {
  const m = await fit({}, { y: "cls", training_frame: blobs(60, 1) });
  const v = m.varimp();
  assertEquals(v.map((r) => r.variable).sort(), ["noise", "x1", "x2"]);
  assertEquals(v[0].relative_importance, 1);
  assert(v.every((r, i) => i === 0 || r.relative_importance <= v[i - 1].relative_importance), "most important first");
  const h = m.scoringHistory();
  assertEquals(h[0].samples, 0);
  assertEquals(h.at(-1)!.samples, m.data.output.samples);
  const none = await fit({ variable_importances: false }, { y: "cls", training_frame: blobs(60, 1) });
  await assertThrows(() => none.varimp(), RangeError, "variable_importances = true");
});

test("every metric accessor reads train (default), valid or xval, as H2O's model.mse(valid=True)", async () => {
  const m = await fit({}, { y: "cls", training_frame: blobs(60, 1), validation_frame: blobs(30, 2) });
  const t = m.data.output.trainingMetrics!, v = m.data.output.validationMetrics!;
  assert(t.model_category === "Binomial" && v.model_category === "Binomial");
  assertEquals([m.mse(), m.mse({ train: true }), m.mse({ valid: true })], [t.mse, t.mse, v.mse]);
  assertEquals([m.rmse({ valid: true }), m.r2({ valid: true }), m.logloss({ valid: true }), m.auc({ valid: true }), m.aucpr({ valid: true })], [v.rmse, v.r2, v.logloss, v.auc, v.pr_auc]);
  assertEquals([m.gini(), m.meanPerClassError(), m.classificationError(), m.liftTopGroup()], [t.gini, t.mean_per_class_error, t.classification_error, t.lift_top_group]);
  assertEquals(m.confusionMatrix({ valid: true }).counts, v.confusion_matrix!.counts);
  await assertThrows(() => m.mae(), TypeError, "mae is not defined for Binomial");
  await assertThrows(() => m.mse({ xval: true }), RangeError, "nfolds");
  await assertThrows(() => m.mse({ train: true, valid: true }), RangeError, "pass one of");
  const r = await fit({}, { y: "y", training_frame: smooth(60, 3) });
  const rt = r.data.output.trainingMetrics!;
  assert(rt.model_category === "Regression");
  assertEquals([r.mae(), r.rmsle(), r.meanResidualDeviance()], [rt.mae, rt.rmsle, rt.mean_residual_deviance]);
  await assertThrows(() => r.mse({ valid: true }), RangeError, "validation_frame");
  await assertThrows(() => r.logloss(), TypeError, "logloss");
});

test("xval accessors read the cross-validation metrics when the model holds them", async () => {
  const m = await fit({}, { y: "cls", training_frame: blobs(60, 1), validation_frame: blobs(30, 2) });
  // Cross-validation adds an optional output field; here we hand one in as that code will.
  const data: ModelData = { ...m.data, output: { ...m.data.output, crossValidationMetrics: m.data.output.validationMetrics } as ModelData["output"] };
  const cv = new DeepLearningModel(data);
  assertEquals([cv.mse({ xval: true }), cv.auc({ xval: true })], [m.mse({ valid: true }), m.auc({ valid: true })]);
  assertEquals(cv.metricsOf({ xval: true }).on, "cross-validation");
});

test("weights(i) and biases(i) are frames with H2O's layout when export_weights_and_biases is true", async () => {
  const f = iris();
  const m = await fit({ hidden: [5, 4], export_weights_and_biases: true }, { y: "species", training_frame: f });
  const w0 = m.weights(0);
  assertEquals(w0.names, ["sepal_len", "sepal_wid", "petal_len", "petal_wid"]);
  assertEquals([w0.nrow, m.weights(1).nrow, m.weights(1).ncol, m.weights(2).nrow, m.weights(2).ncol], [5, 4, 5, 3, 4]);
  assertEquals(m.weights(1).names, ["C1", "C2", "C3", "C4", "C5"]);
  const raw = m.data.state["weights.1"];
  const c = m.weights(1).col("C3");
  assert(c.type === "numeric");
  assertClose(Array.from(c.data), [raw[2], raw[5 + 2], raw[10 + 2], raw[15 + 2]], { rtol: 0 }); // row r, column j = W[r·cols + j]
  const b = m.biases(2);
  assertEquals([b.names, b.nrow], [["C1"], 3]);
  assertClose(Array.from((b.col("C1") as unknown as { data: { toFloat64Array(): Float64Array } }).data.toFloat64Array()), Array.from(m.data.state["biases.2"]), { rtol: 0 });
  await assertThrows(() => m.weights(3), RangeError, "weights 0 … 2");
  // The standardization that spec 15.5 exports with them: 1/σ and the means of the inputs.
  const sl = f.col("sepal_len");
  assert(sl.type === "numeric");
  const xs = Array.from(sl.data);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  assertClose([m.normsub()[0], m.normmul()[0]], [mean, 1 / sd], { rtol: 1e-12 });
  assertEquals([m.normmul().length, m.respmul(), m.respsub(), m.catoffsets()], [4, null, null, [0]]);
  const plain = await fit({}, { y: "species", training_frame: f });
  await assertThrows(() => plain.weights(0), RangeError, "export_weights_and_biases = true");
  await assertThrows(() => plain.biases(0), RangeError, "export_weights_and_biases = true");
  await assertThrows(() => plain.normmul(), RangeError, "export_weights_and_biases = true");
  const r = await fit({ export_weights_and_biases: true }, { y: "y", training_frame: smooth(40, 2) });
  const y = smooth(40, 2).col("y");
  assert(y.type === "numeric");
  const ym = Array.from(y.data).reduce((a, b) => a + b, 0) / y.data.length;
  assertClose(r.respsub()![0], ym, { rtol: 1e-12 });
});

test("params gives H2O's default and the actual value of every parameter; actualParams the values", async () => {
  const m = await fit({ hidden: [3], activation: "TanhWithDropout" }, { y: "cls", training_frame: blobs(40, 1) });
  assertEquals(m.params.hidden, { default: [200, 200], actual: [3] });
  assertEquals(m.params.hidden_dropout_ratios, { default: null, actual: [0.5] }); // sanitized, as H2O's actual value
  assertEquals(m.params.epochs, { default: 10, actual: 2 });
  assertEquals(m.params.rho.default, 0.99); // plugin parameters too
  assertEquals(m.actualParams.epochs, 2);
});

test("prediction columns: p0, p1 for integer class labels, class names otherwise (H2O)", async () => {
  assertEquals(["0", "1", "-3", "+2", "007", "x1", "1.5", "1e3", "", "99999999999"].map(predictionColumnName), ["p0", "p1", "p-3", "p+2", "p007", "x1", "1.5", "1e3", "", "99999999999"]);
  const pred = await (await fit({}, { y: "species", training_frame: iris() })).predict(iris());
  assertEquals(pred.names, ["predict", "setosa", "versicolor", "virginica"]);
});
