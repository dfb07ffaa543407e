/**
 * H2O keeps the best model scored so far when a training is cancelled. The engine rejects a
 * cancelled training with an AbortError, so this training hook snapshots the model at every
 * scoring event that improves on the best one (by the stopping metric, validation metrics first,
 * as the engine's best-model rule ranks them); the server stores that snapshot when the job is
 * cancelled.
 * @module
 */
import { metricValue, moreIsBetter } from "../core/train/score.ts";
import type { ModelData, TrainingHook } from "../core/train/train.ts";

/** A hook and the best snapshot it has seen. */
export function bestSoFar(): { hook: TrainingHook; best(): ModelData | null } {
  let best: { loss: number; data: ModelData } | null = null;
  return {
    hook: {
      async scored(s) {
        const m = s.validationMetrics ?? s.trainingMetrics;
        if (!m) return;
        const v = metricValue(m, s.plan.stoppingMetric);
        const loss = moreIsBetter(s.plan.stoppingMetric) ? -v : v;
        if (Number.isNaN(loss) || (best && !(loss < best.loss))) return;
        const data = await s.snapshot(s.scoredState ?? await s.readState());
        best = { loss, data: { ...data, output: { ...data.output, status: "cancelled" } } };
      },
    },
    best: () => best?.data ?? null,
  };
}
