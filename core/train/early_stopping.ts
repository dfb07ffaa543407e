/**
 * H2O's convergence test (spec §8.1): compare the best of the last k moving averages (window k)
 * of the stopping metric with the moving average k scoring events earlier.
 * @module
 */

/**
 * True when training should stop. `values` are the metric per scoring event, oldest first,
 * without the placeholder row; `k` = stopping_rounds (0 disables); `tolerance` is relative.
 */
export function convergenceStop(values: readonly number[], k: number, tolerance: number, moreIsBetter: boolean, boundedBelowByZero: boolean): boolean {
  const S = values.length;
  if (k <= 0 || S < 2 * k) return false;
  const avg: number[] = [];
  for (let i = 0; i <= k; i++) {
    let s = 0;
    for (let j = S - 2 * k + i; j < S - k + i; j++) s += values[j];
    avg.push(s / k);
  }
  if (avg.some((a) => Number.isNaN(a))) return false;
  const ref = avg[0];
  const recent = avg.slice(1);
  if (boundedBelowByZero && ref === 0) return true;
  const lo = Math.min(...avg), hi = Math.max(...avg);
  if (Math.sign(lo) !== Math.sign(hi) && lo !== 0 && hi !== 0) return false;
  if (moreIsBetter) {
    const best = Math.max(...recent);
    if (Math.sign(best) !== Math.sign(ref)) return false;
    return best / ref <= 1 + tolerance;
  }
  const best = Math.min(...recent);
  if (Math.sign(best) !== Math.sign(ref)) return false;
  return best / ref >= 1 - tolerance;
}

/** Metrics that cannot go below 0 (a zero reference value then means "perfect, stop"). */
export const NON_NEGATIVE_METRICS: ReadonlySet<string> = new Set([
  "logloss", "MSE", "RMSE", "MAE", "RMSLE", "AUC", "AUCPR", "misclassification", "mean_per_class_error",
]);
