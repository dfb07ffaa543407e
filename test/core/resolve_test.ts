/**
 * From user parameters to a training plan (core/train/resolve.ts): AUTO resolution (spec §4.4,
 * §8.1), the optimizer choice (§5.3–§5.4), dropout defaults (§3.3), cross-field validation
 * (§4.5) with every error reported at once and each naming its field.
 */
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { paramSpecs, resolvePlan, type TrainingPlan } from "../../core/train/resolve.ts";
import { type ColumnInput, Frame } from "../../frame/frame.ts";
import * as plugins from "../../plugins/mod.ts";

const n = 12;
const seq = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const catCol = (name: string, k: number): ColumnInput => ({
  name, type: "categorical", domain: Array.from({ length: k }, (_, i) => `c${i}`), codes: Int32Array.from({ length: n }, (_, i) => i % k),
});
const FRAME = new Frame([
  { name: "x1", type: "numeric", data: seq((i) => i * 0.5) },
  { name: "x2", type: "numeric", data: seq((i) => Math.sin(i)) },
  catCol("y2", 2),
  catCol("y3", 3),
  { name: "yr", type: "numeric", data: seq((i) => i - 4) },
  { name: "ypos", type: "numeric", data: seq((i) => (i % 5) + 0.5) },
  { name: "y01", type: "numeric", data: seq((i) => i % 2) },
  { name: "text", type: "string", data: Array.from({ length: n }, (_, i) => `t${i}`) },
]);

const plan = (input: Record<string, unknown>, o: { hasValidation?: boolean; cores?: number } = {}): TrainingPlan =>
  resolvePlan({ seed: 1, ...input }, FRAME, plugins, o);

async function errorOf(input: Record<string, unknown>): Promise<string> {
  return (await assertThrows(() => plan(input), RangeError, "Cannot train")).message;
}

test("resolvePlan() resolves distribution AUTO: 2 classes → bernoulli, 3+ → multinomial, numeric → gaussian", () => {
  const b = plan({ response_column: "y2" });
  assertEquals([b.problem, b.distribution.name, b.softmaxLoss, b.stoppingMetric], ["classification", "bernoulli", "CrossEntropy", "logloss"]);
  const m = plan({ response_column: "y3" });
  assertEquals([m.problem, m.distribution.name], ["classification", "multinomial"]);
  const g = plan({ response_column: "yr" });
  assertEquals([g.problem, g.distribution.name, g.stoppingMetric], ["regression", "gaussian", "deviance"]);
});

test("resolvePlan() resolves distribution AUTO from the regression loss (spec §4.4)", () => {
  const d = (loss: string) => plan({ response_column: "yr", loss }).distribution.name;
  assertEquals(d("Absolute"), "laplace");
  assertEquals(d("Quantile"), "quantile");
  assertEquals(d("Huber"), "huber");
  assertEquals(d("Quadratic"), "gaussian");
  assertEquals(d("Automatic"), "gaussian");
  // loss only chooses the AUTO distribution: gaussian + Absolute trains gaussian.
  assertEquals(plan({ response_column: "yr", distribution: "gaussian", loss: "Absolute" }).distribution.name, "gaussian");
});

test("resolvePlan() uses the Quadratic softmax loss for classification with loss Quadratic", () => {
  assertEquals(plan({ response_column: "y3", loss: "Quadratic" }).softmaxLoss, "Quadratic");
});

test("resolvePlan() passes distribution parameters through (huber_delta starts at 1)", () => {
  assertEquals(plan({ response_column: "yr", distribution: "quantile", quantile_alpha: 0.2 }).distributionParams, { quantile_alpha: 0.2 });
  assertEquals(plan({ response_column: "ypos", distribution: "tweedie", tweedie_power: 1.3 }).distributionParams, { tweedie_power: 1.3 });
  const h = plan({ response_column: "yr", distribution: "huber", huber_alpha: 0.8 }).distributionParams;
  assertEquals([h.huber_alpha, h.huber_delta], [0.8, 1]);
});

test("resolvePlan() treats a numeric response as categorical for bernoulli/multinomial (asfactor)", () => {
  const p = plan({ response_column: "y01", distribution: "bernoulli" });
  assertEquals([p.problem, p.responseAsFactor, p.distribution.name], ["classification", true, "bernoulli"]);
  assertEquals(plan({ response_column: "y2" }).responseAsFactor, false);
});

test("resolvePlan() defaults hidden_dropout_ratios to 0.5 per hidden layer for …WithDropout activations", () => {
  const p = plan({ response_column: "y2", activation: "TanhWithDropout", hidden: [8, 4, 2] });
  assertEquals([p.activation.name, p.hiddenDropout], ["Tanh", true]);
  assertEquals(p.params.hidden_dropout_ratios, [0.5, 0.5, 0.5]);
  assertEquals(p.dropouts.map((d) => d.regularizer.name), ["hidden_dropout"]);
  const q = plan({ response_column: "y2", activation: "MaxoutWithDropout", hidden: [8, 4], hidden_dropout_ratios: [0.2, 0.1], input_dropout_ratio: 0.1 });
  assertEquals([q.activation.name, q.params.hidden_dropout_ratios], ["Maxout", [0.2, 0.1]]);
  assertEquals(q.dropouts.map((d) => d.regularizer.name).sort(), ["hidden_dropout", "input_dropout"]);
  const plain = plan({ response_column: "y2", activation: "Rectifier" });
  assertEquals([plain.hiddenDropout, plain.dropouts.length], [false, 0]);
});

test("resolvePlan() chooses the optimizer from adaptive_rate, momentum and nesterov_accelerated_gradient", () => {
  const o = (input: Record<string, unknown>) => plan({ response_column: "yr", ...input }).optimizer.name;
  assertEquals(o({}), "adadelta");
  assertEquals(o({ adaptive_rate: false }), "sgd");
  assertEquals(o({ adaptive_rate: false, momentum_stable: 0.9 }), "nesterov");
  assertEquals(o({ adaptive_rate: false, momentum_start: 0.5, nesterov_accelerated_gradient: false }), "momentum");
  assertEquals(o({ optimizer: "momentum" }), "momentum");
  const p = plan({ response_column: "yr", adaptive_rate: false, rate: 0.1, rate_decay: 0.5 });
  assertEquals(p.optimizerParams, { rate: 0.1, rate_annealing: 1e-6, rate_decay: 0.5 });
  assertEquals(plan({ response_column: "yr", rho: 0.9 }).optimizerParams, { rho: 0.9, epsilon: 1e-8 });
});

test("resolvePlan() warns that manual rate parameters are ignored under ADADELTA", () => {
  const p = plan({ response_column: "yr", rate: 0.1, momentum_start: 0.5 });
  const w = p.messages.find((m) => m.level === "warn" && m.field === "adaptive_rate");
  assert(w && w.message.includes("rate") && w.message.includes("momentum_start"), JSON.stringify(p.messages));
});

test("resolvePlan() binds active regularizers only: l1/l2 as gradient terms, max_w2 as a constraint", () => {
  const none = plan({ response_column: "yr" });
  assertEquals([none.terms.length, none.constraints.length, none.dropouts.length], [0, 0, 0]);
  const p = plan({ response_column: "yr", l1: 1e-5, l2: 1e-4, max_w2: 10 });
  assertEquals(p.terms.map((t) => t.regularizer.name), ["l1", "l2"]);
  assertEquals(p.terms.map((t) => Object.values(t.params)[0]), [1e-5, 1e-4]);
  assertEquals(p.constraints.map((t) => [t.regularizer.name, t.params.max_w2]), [["max_w2", 10]]);
});

test("resolvePlan() sets the zero-gradient shortcut (skipZero) as H2O's SHORTCUT rule", () => {
  const s = (input: Record<string, unknown>) => plan({ response_column: "yr", ...input }).skipZero;
  assertEquals(s({}), true, "fast_mode defaults to true");
  assertEquals(s({ fast_mode: false }), false, "ADADELTA without fast_mode");
  assertEquals(s({ fast_mode: false, adaptive_rate: false }), true, "plain SGD without regularization always skips");
  assertEquals(s({ fast_mode: false, adaptive_rate: false, l2: 0.1 }), false);
  assertEquals(s({ fast_mode: false, adaptive_rate: false, momentum_stable: 0.5 }), false);
});

test("resolvePlan() sanitizes: reproducible forces one thread and per-iteration scoring; seed −1 draws a seed", () => {
  const p = plan({ response_column: "yr", reproducible: true }, { cores: 8 });
  assertEquals([p.params.nthreads, p.params.score_each_iteration, p.params.train_samples_per_iteration], [1, true, -1]);
  assertEquals(plan({ response_column: "yr" }, { cores: 8 }).params.nthreads, 8);
  const r = resolvePlan({ response_column: "yr" }, FRAME, plugins);
  assert(Number.isSafeInteger(r.seed) && r.seed >= 0 && r.params.seed === r.seed, `seed ${r.seed}`);
  assertEquals(plan({ response_column: "yr", seed: 1234 }).seed, 1234);
});

test("resolvePlan() errors name the field: ratios without a dropout activation, wrong ratio count", async () => {
  let m = await errorOf({ response_column: "y2", activation: "Tanh", hidden: [4], hidden_dropout_ratios: [0.3] });
  assert(m.includes("hidden_dropout_ratios") && m.includes("TanhWithDropout"), m);
  m = await errorOf({ response_column: "y2", activation: "TanhWithDropout", hidden: [4, 4], hidden_dropout_ratios: [0.3] });
  assert(m.includes("hidden_dropout_ratios") && m.includes("(2)") && m.includes("got 1"), m);
});

test("resolvePlan() errors: CrossEntropy on a numeric response, bernoulli with 3 classes, regression on a categorical", async () => {
  let m = await errorOf({ response_column: "yr", distribution: "gaussian", loss: "CrossEntropy" });
  assert(m.includes("CrossEntropy") && m.includes(`"yr"`), m);
  m = await errorOf({ response_column: "y3", distribution: "bernoulli" });
  assert(m.includes("bernoulli") && m.includes("3") && m.includes("multinomial"), m);
  m = await errorOf({ response_column: "y2", distribution: "gaussian" });
  assert(m.includes("gaussian") && m.includes("categorical"), m);
  m = await errorOf({ response_column: "y3", loss: "Huber" });
  assert(m.includes(`loss "Huber"`), m);
  m = await errorOf({ response_column: "yr", distribution: "laplace", loss: "Huber" });
  assert(m.includes("laplace") && m.includes("Huber"), m);
});

test("resolvePlan() errors: poisson, gamma and tweedie with a negative response name the row", async () => {
  for (const d of ["poisson", "gamma", "tweedie"]) {
    const m = await errorOf({ response_column: "yr", distribution: d });
    assert(m.includes(d) && m.includes("row 1") && m.includes("-4"), m);
  }
  assertEquals(plan({ response_column: "ypos", distribution: "gamma" }).distribution.name, "gamma");
});

test("resolvePlan() errors: a missing or absent response column, and stopping metrics for the wrong problem", async () => {
  let m = await errorOf({});
  assert(m.includes("response_column"), m);
  m = await errorOf({ response_column: "nope" });
  assert(m.includes(`"nope"`) && m.includes("x1"), m);
  m = await errorOf({ response_column: "yr", stopping_metric: "logloss" });
  assert(m.includes("stopping_metric") && m.includes("logloss"), m);
  m = await errorOf({ response_column: "y3", stopping_metric: "AUC" });
  assert(m.includes("AUC") && m.includes("two classes"), m);
  m = await errorOf({ response_column: "y2", stopping_metric: "deviance" });
  assert(m.includes("deviance"), m);
  assertEquals(plan({ response_column: "y2", stopping_metric: "AUC" }).stoppingMetric, "AUC");
});

test("resolvePlan() rejects features this version does not train, naming each", async () => {
  for (const [field, value] of [["elastic_averaging", true]] as const) {
    const m = await errorOf({ response_column: "y2", [field]: value });
    assert(m.includes(`"${field}"`) && m.includes("not supported"), `${field}: ${m}`);
  }
  const m = await errorOf({ response_column: "y2", sparsity_beta: 0.1 });
  assert(m.includes("sparsity_beta") && m.includes("autoencoder = true"), m);
});

test("resolvePlan() for an autoencoder: no response, the regression loss on each input, and its own refusals", async () => {
  const p = plan({ autoencoder: true, response_column: null });
  assertEquals([p.problem, p.distribution.name, p.stoppingMetric], ["autoencoder", "gaussian", "MSE"]);
  assertEquals(plan({ autoencoder: true, loss: "Absolute" }).distribution.name, "laplace");
  assertEquals(plan({ autoencoder: true, loss: "Huber" }).distribution.name, "huber");
  const cases: [Record<string, unknown>, string[]][] = [
    [{ autoencoder: true, response_column: "y2" }, ["response_column", "no response"]],
    [{ autoencoder: true, loss: "CrossEntropy" }, ["CrossEntropy", "Quadratic"]],
    [{ autoencoder: true, distribution: "multinomial" }, ["multinomial", "classes"]],
    [{ autoencoder: true, distribution: "poisson" }, ["poisson", "log link"]],
    [{ autoencoder: true, activation: "Maxout" }, ["Maxout", "Tanh or Rectifier"]],
    [{ autoencoder: true, stopping_metric: "logloss" }, ["logloss"]],
    [{ autoencoder: true, stopping_metric: "deviance" }, ["deviance", "MSE"]],
    [{ autoencoder: true, regression_stop: 0.1 }, ["regression_stop", "has none"]],
    [{ autoencoder: true, classification_stop: 0.1 }, ["classification_stop"]],
    [{ autoencoder: true, balance_classes: true }, ["balance_classes"]],
    [{ autoencoder: true, offset_column: "x1" }, ["offset_column"]],
    [{ autoencoder: true, activation: "Tanh", sparsity_beta: 0.1, average_activation: 1.5 }, ["average_activation", "(−1, 1)"]],
    [{ autoencoder: true, activation: "Rectifier", sparsity_beta: 0.1, average_activation: -0.1 }, ["average_activation", "above 0"]],
    [{ autoencoder: true, average_activation: 0.2 }, ["average_activation", "sparsity_beta"]],
  ];
  for (const [input, want] of cases) {
    const m = await errorOf({ response_column: null, ...input });
    for (const w of want) assert(m.includes(w), `${JSON.stringify(input)}: missing ${w} in: ${m}`);
  }
  const ok = plan({ autoencoder: true, activation: "Tanh", sparsity_beta: 0.1, average_activation: -0.2 });
  assertEquals(ok.params.sparsity_beta, 0.1);
});

test("resolvePlan() reports every error at once, parse errors included", async () => {
  const m = await errorOf({
    response_column: "y3", distribution: "bernoulli", activation: "Tanh", hidden: [4], hidden_dropout_ratios: [0.2],
    epochs: -3, nfolds: -1, bogus_param: 1,
  });
  for (const s of ["bernoulli", "hidden_dropout_ratios", `"epochs"`, `"nfolds"`, `"bogus_param"`]) assert(m.includes(s), `missing ${s} in: ${m}`);
});

test("paramSpecs() lists registered plugins and their …WithDropout forms as allowed values", () => {
  const specs = paramSpecs(plugins);
  for (const a of ["Tanh", "TanhWithDropout", "Rectifier", "RectifierWithDropout", "Maxout", "MaxoutWithDropout"]) {
    assert(specs.activation.values!.includes(a), `activation ${a}`);
  }
  assertEquals(specs.distribution.values![0], "AUTO");
  for (const d of plugins.distributions.names()) assert(specs.distribution.values!.includes(d), `distribution ${d}`);
  assertEquals(specs.optimizer.values, ["AUTO", ...plugins.optimizers.names()]);
  assert("huber_alpha" in specs && "rho" in specs && "max_w2" in specs, "plugin parameters are declared");
});
