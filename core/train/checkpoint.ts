/**
 * Checkpoint restart (spec §12): which parameters may change, and a hook that carries the model's
 * state, counters and history into the new run.
 * @module
 */
import type { Message } from "../params.ts";
import type { TrainingPlan } from "./resolve.ts";
import type { TrainingHook } from "./session.ts";
import type { ModelData } from "./train.ts";

/** Parameters that must keep the checkpoint's value (spec §12.2), plus Tide's own that shape the network or its update. */
const FIXED = [
  "response_column", "activation", "use_all_factor_levels", "standardize", "adaptive_rate", "autoencoder", "rho", "epsilon",
  "sparse", "sparsity_beta", "col_major", "rate", "rate_annealing", "rate_decay", "momentum_start", "momentum_ramp",
  "momentum_stable", "nesterov_accelerated_gradient", "ignore_const_cols", "max_categorical_features", "nfolds", "distribution",
  "quantile_alpha", "huber_alpha", "tweedie_power", "hidden", "ignored_columns", "optimizer",
];

/**
 * Parameters that may change on restart (spec §12.3), plus Tide's run settings. Every other
 * parameter must keep its value too ([IMPL] for the spec's unlisted ones; max_runtime_secs may change).
 */
const MAY_CHANGE = new Set([
  "seed", "checkpoint", "epochs", "score_interval", "train_samples_per_iteration", "target_ratio_comm_to_comp", "score_duty_cycle",
  "score_training_samples", "score_validation_samples", "score_validation_sampling", "classification_stop", "regression_stop",
  "stopping_rounds", "stopping_metric", "stopping_tolerance", "quiet_mode", "max_confusion_matrix_size", "diagnostics",
  "variable_importances", "initial_weight_distribution", "initial_weight_scale", "initial_weights", "initial_biases",
  "force_load_balance", "replicate_training_data", "shuffle_training_data", "single_node_mode", "fast_mode", "l1", "l2", "max_w2",
  "input_dropout_ratio", "hidden_dropout_ratios", "loss", "overwrite_with_best_model", "missing_values_handling",
  "average_activation", "reproducible", "export_weights_and_biases", "elastic_averaging", "elastic_averaging_moving_rate",
  "elastic_averaging_regularization", "mini_batch_size", "pretrained_autoencoder", "max_runtime_secs", "score_each_iteration",
  "model_id", "training_frame", "validation_frame", "backend", "nthreads", "parallel_mode", "export_checkpoints_dir",
]);

/**
 * Why `plan` cannot continue `ckpt`: one message per field (spec §12.1, §12.2). Empty when it can.
 * @param input the user's values (a changed parameter is named only when the user set it)
 */
export function checkpointMessages(ckpt: ModelData, plan: TrainingPlan, input: Readonly<Record<string, unknown>>, hasValidation: boolean): Message[] {
  const out: Message[] = [];
  const p = plan.params, c = ckpt.params;
  const err = (field: string, message: string) => out.push({ level: "error", field, message });
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  for (const name of Object.keys(p)) {
    if (MAY_CHANGE.has(name) || !(name in c) || same(p[name], c[name])) continue;
    const why = FIXED.includes(name) ? "H2O forbids changing it on restart" : "Tide keeps it fixed on restart";
    err(name, `"${name}" is ${JSON.stringify(p[name])} but the checkpoint trained with ${JSON.stringify(c[name])}; ${why}: ${name in input ? "remove it or set it back" : "set it back"}`);
  }
  if ((p.epochs as number) <= ckpt.output.epochs) {
    err("epochs", `"epochs" is a total across checkpoints and must exceed the checkpoint's ${round(ckpt.output.epochs)}: got ${p.epochs}`);
  }
  if ((p.nfolds as number) > 0) err("nfolds", `"nfolds" cannot be used with a checkpoint (spec §12.1): remove one of them`);
  if (ckpt.problem !== plan.problem) err("distribution", `the checkpoint is a ${ckpt.problem} model; this run would be ${plan.problem}`);
  const had = ckpt.output.validationMetrics !== null;
  if (had !== hasValidation) {
    err("validation_frame", had ? `the checkpoint trained with a validation frame: give one again` : `the checkpoint trained without a validation frame: remove it`);
  }
  return out;
}

/** Carries the checkpoint into the session: parameters and optimizer state, counters, history, timers, derived parameters. */
export function resumeHook(ckpt: ModelData): TrainingHook {
  return {
    start(s) {
      if (s.writeState(ckpt.state).length) {
        (s.parts.messages as Message[]).push({
          level: "warn", field: "checkpoint",
          message: `the checkpoint was saved without the sparsity running averages (a model file of format version 1): they restart from 0, so the run does not continue exactly; save it again with this Tide to keep them`,
        });
      }
      const o = ckpt.output;
      s.samples = o.samples;
      s.iteration = o.iterations;
      const U = s.data.usable.length;
      // Continue the same shuffle pass where it stopped; a model without the fields derives them.
      s.pass = o.pass ?? Math.max(0, Math.ceil(o.samples / U) - 1);
      s.cursor = Math.min(U, o.cursor ?? o.samples - s.pass * U);
      s.trainMs = o.trainMs ?? o.runTimeMs;
      s.priorMs = o.runTimeMs;
      s.history.splice(0, s.history.length, ...o.history);
      s.trainingMetrics = o.trainingMetrics;
      s.validationMetrics = o.validationMetrics;
      Object.assign(s.parts.net.distributionParams, ckpt.distributionParams);
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
