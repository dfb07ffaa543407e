/**
 * Every declared parameter is honoured or explained (issue 6): for each one, a tiny model is
 * trained with and without a non-default value, in a context where the parameter can matter, and
 * the value must change the model (weights, history, preprocessing, metrics, outputs), be
 * refused with an error naming it, or be named by a warning saying why it does nothing here.
 */
import { assert, test } from "../_harness.ts";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { paramSpecs } from "../../core/train/resolve.ts";
import type { ParamSpec } from "../../core/params.ts";
import { Frame } from "../../frame/frame.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import type { DeepLearningModel } from "../../model/model.ts";
import { memoryIo } from "../../cli/_io.ts";
import { createPlugins } from "../../plugins/mod.ts";

/** Built-ins only: plugins other tests load into the shared registries stay out of this walk. */
const PLUGINS = createPlugins();

const n = 60;
let seed = 7;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const x1 = Float64Array.from({ length: n }, () => rnd() * 4 - 2), x2 = Float64Array.from({ length: n }, (_, i) => (i % 17 === 3 ? NaN : rnd()));
const FRAME = new Frame([
  { name: "x1", type: "numeric", data: x1 }, { name: "x2", type: "numeric", data: x2 },
  { name: "k", type: "numeric", data: new Float64Array(n).fill(2) },
  { name: "c", type: "categorical", codes: Int32Array.from({ length: n }, (_, i) => i % 3), domain: ["a", "b", "c"] },
  { name: "w", type: "numeric", data: Float64Array.from({ length: n }, (_, i) => 1 + (i % 2)) },
  { name: "f", type: "numeric", data: Float64Array.from({ length: n }, (_, i) => i % 2) },
  { name: "y", type: "categorical", codes: Int32Array.from(x1, (v, i) => (v + (x2[i] || 0) > 0.4 ? 1 : 0)), domain: ["no", "yes"] },
]);
const BASE = { hidden: [3], epochs: 2, seed: 3, reproducible: true, backend: "reference", stopping_rounds: 0, model_id: "m" };

interface Case {
  readonly value: unknown;
  /** Other parameters that make this one matter, and the response. */
  readonly context?: Record<string, unknown>;
  readonly y?: string;
  /** An effect outside the model data (printing, files, accessors): true when seen. */
  readonly effect?: (m: DeepLearningModel, dl: DeepLearning) => Promise<boolean> | boolean;
}

const dir = mkdtempSync(join(tmpdir(), "tide-walk-"));
const CASES: Record<string, Case> = {
  model_id: { value: "walk" },
  ignored_columns: { value: ["x2"] },
  weights_column: { value: "w" },
  offset_column: { value: "x2", y: "x1" },
  fold_column: { value: "f" },
  max_categorical_features: { value: 2 },
  class_sampling_factors: { value: [1, 2], context: { balance_classes: true } },
  max_after_balance_size: { value: 0.5, context: { balance_classes: true } },
  hidden: { value: [4] },
  hidden_dropout_ratios: { value: [0.3], context: { activation: "RectifierWithDropout" } },
  initial_weight_scale: { value: 2, context: { initial_weight_distribution: "Uniform" } },
  reproducible: { value: false, context: { nthreads: 1 } },
  epochs: { value: 3 },
  train_samples_per_iteration: { value: 20 },
  max_runtime_secs: { value: 1e-9 },
  seed: { value: 4 },
  // The default is every core: one thread differs where there are two or more, and two are capped (with a warning) on one core.
  nthreads: { value: (globalThis.navigator?.hardwareConcurrency ?? 1) > 1 ? 1 : 2, context: { reproducible: false, backend: "simd" } },
  backend: { value: "simd" },
  optimizer: { value: "sgd" },
  mini_batch_size: { value: 2 },
  nesterov_accelerated_gradient: { value: false, context: { adaptive_rate: false, momentum_stable: 0.5 } },
  max_w2: { value: 0.01 },
  distribution: { value: "laplace", y: "x1" },
  loss: { value: "Quadratic" },
  tweedie_power: { value: 1.2, y: "w", context: { distribution: "tweedie" } },
  quantile_alpha: { value: 0.2, y: "x1", context: { distribution: "quantile" } },
  huber_alpha: { value: 0.3, y: "x1", context: { distribution: "huber" } },
  score_training_samples: { value: 10 },
  score_validation_samples: { value: 10 },
  score_each_iteration: { value: true, context: { reproducible: false, nthreads: 1, epochs: 20, train_samples_per_iteration: 10 } },
  score_interval: { value: 0, context: { reproducible: false, nthreads: 1, epochs: 20, train_samples_per_iteration: 10, score_duty_cycle: 1 } },
  score_duty_cycle: { value: 1, context: { reproducible: false, nthreads: 1, epochs: 20, train_samples_per_iteration: 10, score_interval: 0 } },
  stopping_rounds: { value: 1, context: { epochs: 20, stopping_tolerance: 1 } },
  stopping_metric: { value: "misclassification", context: { epochs: 20, stopping_rounds: 1, stopping_tolerance: 0 } },
  stopping_tolerance: { value: 1, context: { epochs: 20, stopping_rounds: 1 } },
  classification_stop: { value: 0.5 },
  regression_stop: { value: 100, y: "x1" },
  overwrite_with_best_model: { value: false, context: { epochs: 20, adaptive_rate: false, rate: 0.9 } },
  auc_type: { value: "MACRO_OVR", y: "c" },
  max_hit_ratio_k: { value: 2, y: "c" },
  quiet_mode: { value: true, effect: () => quietPrintsLess() },
  export_weights_and_biases: { value: true, effect: (m) => m.weights(0).nrow > 0 },
  export_checkpoints_dir: { value: join(dir, "ck"), effect: () => existsSync(join(dir, "ck", "m.tide")) },
  keep_cross_validation_models: { value: false, context: { nfolds: 2 }, effect: (_m, dl) => dl.crossValidationModels.length === 0 },
  keep_cross_validation_predictions: { value: true, context: { nfolds: 2 } },
  keep_cross_validation_fold_assignment: { value: true, context: { nfolds: 2 } },
};
/** Parameters a dedicated test covers, because they need files or a second model. */
const ELSEWHERE: Record<string, string> = {
  training_frame: "a role (test/model)", validation_frame: "a role (test/model)", response_column: "a role (test/model)",
  checkpoint: "test/model/checkpoint_test.ts", initial_weights: "test/model/data_params_test.ts", initial_biases: "test/model/data_params_test.ts",
  pretrained_autoencoder: "the autoencoder tests",
};

async function quietPrintsLess(): Promise<boolean> {
  const { writeFileSync } = await import("node:fs");
  const csv = join(dir, "q.csv");
  writeFileSync(csv, ["x1,y", ...Array.from({ length: 30 }, (_, i) => `${i},${i % 2 ? "a" : "b"}`)].join("\n"));
  const { main } = await import("../../cli/main.ts");
  const lines = async (extra: string[]) => {
    const io = memoryIo();
    await main(["train", "--training_frame", csv, "--y", "y", "--hidden", "2", "--epochs", "1", ...extra], io);
    return io.stdout.split("\n").length;
  };
  return (await lines(["--quiet_mode", "true"])) < (await lines([]));
}

function nonDefault(spec: ParamSpec): unknown {
  if (spec.type === "bool") return !spec.default;
  if (spec.type === "enum") return spec.values!.find((x) => x !== spec.default);
  if (spec.type === "int" || spec.type === "float") {
    const d = spec.default as number;
    return [d * 2, d / 2, d + 1, 0.5, 0.3, 1, 2].find((c) =>
      c !== d && (spec.min === undefined || (spec.minExclusive ? c > spec.min : c >= spec.min)) &&
      (spec.max === undefined || (spec.maxExclusive ? c < spec.max : c <= spec.max)) && (spec.type !== "int" || Number.isInteger(c))
    );
  }
  return undefined;
}

function fingerprint(m: DeepLearningModel): string {
  const d = m.data;
  // Wall-clock fields differ between any two runs; everything else is the model.
  const clock = new Set(["timestamp", "duration", "training_speed", "runTimeMs", "trainMs", "messages"]);
  return JSON.stringify(
    { state: Object.entries(d.state).map(([k, v]) => [k, Array.from(v)]), rest: { ...d, params: 0, state: 0 } },
    (k, v) => (clock.has(k) ? undefined : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v),
  );
}

async function train(y: string, params: Record<string, unknown>): Promise<{ m: DeepLearningModel; dl: DeepLearning }> {
  const dl = new DeepLearning({ ...BASE, ...params }, PLUGINS);
  return { m: await dl.train({ y, training_frame: FRAME, validation_frame: FRAME }), dl };
}

test("every declared parameter changes the model, is refused by name, or is explained by a warning", async () => {
  const specs = paramSpecs(PLUGINS);
  const silent: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (name in ELSEWHERE) continue;
    const c: Case = CASES[name] ?? { value: nonDefault(spec) };
    assert(c.value !== undefined, `no test value for "${name}": add it to CASES`);
    const y = c.y ?? "y";
    const base = (await train(y, c.context ?? {})).m;
    let verdict: string;
    try {
      const { m, dl } = await train(y, { ...c.context, [name]: c.value });
      const warned = m.data.output.messages.some((x) => x.field === name || x.message.includes(`"${name}"`));
      verdict = fingerprint(m) !== fingerprint(base) || (c.effect && await c.effect(m, dl)) ? "changed" : warned ? "explained" : "silent";
    } catch (e) {
      verdict = (e as Error).message.includes(name) ? "refused" : `error: ${(e as Error).message}`;
    }
    if (verdict === "silent" || verdict.startsWith("error")) silent.push(`${name} = ${JSON.stringify(c.value)}: ${verdict}`);
  }
  assert(silent.length === 0, `parameters with no visible effect:\n${silent.join("\n")}`);
}, { timeout: 120_000 });
