/**
 * The built-in training hooks: H2O's stopping rules (spec §8.1, §8.3), the best-model restore
 * (§8.5), and distribution parameters derived from the residuals (Huber's δ, §4.6).
 * @module
 */
import { convergenceStop, NON_NEGATIVE_METRICS } from "./early_stopping.ts";
import { metricValue, type ModelMetrics, moreIsBetter, packedRow } from "./score.ts";
import type { PackedRows } from "../backend.ts";
import { initialStateHook } from "./initial_state.ts";
import type { TrainingHook, TrainingSession } from "./session.ts";

/**
 * Refits the distribution's derived parameters: before training from the targets alone (a zero
 * prediction), then at every scoring event from the training sample's residuals.
 */
export function derivedParamsHook(): TrainingHook {
  const refit = (s: TrainingSession, target: ArrayLike<number>, prediction: Float64Array | null) => {
    const dist = s.plan.distribution;
    if (!dist.fitParams) return;
    const r = Float64Array.from(target, (t, i) => Math.abs(t - (prediction ? prediction[i] : 0)));
    Object.assign(s.parts.net.distributionParams, dist.fitParams(r, null, s.parts.net.distributionParams));
  };
  return {
    // A restart keeps the checkpoint's fitted values (resumeHook), as an uninterrupted run would have them;
    // otherwise the offsets are the start's prediction.
    start: (s) => {
      if (s.parts.resumedFrom) return;
      // An autoencoder's targets are its inputs (every slot of the scoring sample); its start predicts 0.
      if (s.plan.problem === "autoencoder") return s.plan.distribution.fitParams ? refit(s, reconstructionTargets(s.data.trainScore.packed), null) : undefined;
      refit(s, s.data.packed.target, s.data.packed.offset ? Float64Array.from(s.data.packed.offset) : null);
    },
    async scored(s) {
      if (!s.plan.distribution.fitParams) return;
      const set = s.data.trainScore;
      refit(s, s.plan.problem === "autoencoder" ? reconstructionTargets(set.packed) : set.packed.target, await s.outputs(set));
    },
  };
}

/** Every input slot of packed rows, row by row: an autoencoder's targets. */
function reconstructionTargets(rows: PackedRows): Float64Array {
  const n0 = rows.width, out = new Float64Array(rows.rows * n0), x = new Float64Array(n0);
  for (let r = 0; r < rows.rows; r++) out.set(packedRow(rows, r, x), r * n0);
  return out;
}

/** H2O's stopping rules after each non-final score: classification_stop, regression_stop, then early stopping. */
export function stoppingHook(): TrainingHook {
  const values: number[] = [];
  return {
    start(s) {
      // After a restart the moving averages see the checkpoint's scoring events too, where the history has the metric.
      if (!s.parts.resumedFrom) return;
      for (const row of s.history.slice(1)) {
        const v = historyMetric(row, s.plan.stoppingMetric);
        if (v === undefined) return void (values.length = 0);
        values.push(v);
      }
    },
    scored(s, _row, final) {
      if (final) return;
      const p = s.plan.params, metric = s.plan.stoppingMetric;
      const tm = s.trainingMetrics!;
      if (s.plan.problem === "classification" && (p.classification_stop as number) >= 0 && (tm as { classification_error: number }).classification_error <= (p.classification_stop as number)) {
        return s.stop("classification_stop");
      }
      if (s.plan.problem === "regression" && (p.regression_stop as number) >= 0 && tm.mse <= (p.regression_stop as number)) {
        return s.stop("regression_stop");
      }
      values.push(metricValue(s.validationMetrics ?? tm, metric));
      if (convergenceStop(values, p.stopping_rounds as number, p.stopping_tolerance as number, moreIsBetter(metric), NON_NEGATIVE_METRICS.has(metric))) {
        s.stop("stopped early");
      }
    },
  };
}

/**
 * Keeps the best scored state (validation metrics first) and, with overwrite_with_best_model,
 * restores it at the end and scores it, also after a time-out (documented rule, Q17).
 */
export function bestModelHook(): TrainingHook {
  let best: { loss: number; state: Record<string, Float64Array> } | null = null;
  let lastLoss = NaN;
  const lossOf = (s: TrainingSession, m: ModelMetrics) => {
    const v = metricValue(m, s.plan.stoppingMetric);
    return moreIsBetter(s.plan.stoppingMetric) ? -v : v; // documented: lift and AUC are more-is-better (Q18)
  };
  return {
    start(s) {
      const c = s.parts.resumedFrom;
      const m = c?.output.validationMetrics ?? c?.output.trainingMetrics;
      if (c && m) {
        lastLoss = lossOf(s, m);
        best = { loss: lastLoss, state: { ...c.state } as Record<string, Float64Array> };
      }
    },
    scored(s, _row, final) {
      lastLoss = lossOf(s, s.validationMetrics ?? s.trainingMetrics!);
      if (!final && (!best || lastLoss < best.loss || Number.isNaN(best.loss)) && !Number.isNaN(lastLoss)) best = { loss: lastLoss, state: s.scoredState! };
    },
    async finish(s) {
      const b = best as { loss: number; state: Record<string, Float64Array> } | null;
      if (s.plan.params.overwrite_with_best_model && b && b.loss < lastLoss) {
        s.writeState(b.state);
        await s.score(true);
      }
    },
  };
}

/**
 * parallel_mode average (and auto while it runs average): merges the fused trainer's per-thread
 * replicas into the model at every iteration boundary, before anything reads the model.
 */
export function replicaAveragingHook(): TrainingHook {
  return { iteration: (s) => s.parts.fused?.average?.() };
}

/** The hooks every training run has, in the order they run. */
export function builtinHooks(): TrainingHook[] {
  return [replicaAveragingHook(), initialStateHook(), derivedParamsHook(), stoppingHook(), bestModelHook()];
}

/** A stopping metric's value in a scoring-history row (validation first), or undefined when the history lacks it. */
function historyMetric(row: Readonly<Record<string, number | string>>, metric: string): number | undefined {
  const column: Record<string, string> = {
    logloss: "logloss", deviance: "deviance", RMSE: "rmse", MSE: "rmse", AUC: "auc", AUCPR: "pr_auc", lift_top_group: "lift",
    misclassification: "classification_error", MAE: "mae",
  };
  const c = column[metric];
  if (!c) return undefined;
  const v = row[`validation_${c}`] ?? row[`training_${c}`];
  if (metric === "MSE" && typeof (row.validation_mse ?? row.training_mse) === "number") return (row.validation_mse ?? row.training_mse) as number;
  if (typeof v !== "number") return undefined;
  return metric === "MSE" ? v * v : v;
}
