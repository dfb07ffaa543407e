/**
 * H2O's `cross_validation_metrics_summary` (spec §10.5): one row per metric, with the mean and
 * the sample standard deviation over the folds, then each fold model's value on its own holdout
 * fold (`cv_1_valid` …).
 * @module
 */
import type { ModelMetrics } from "../../core/train/score.ts";
import { renderTable } from "../../core/metrics/_table.ts";

/** The summary table as plain data (kept in the model file). */
export interface CvSummary {
  readonly metrics: readonly string[];
  readonly mean: readonly number[];
  readonly sd: readonly number[];
  /** folds[k][j]: fold k's value of metrics[j]. */
  readonly folds: readonly (readonly number[])[];
}

/** The summary's metric values for one set of metrics, by H2O's row names. */
export function summaryValues(m: ModelMetrics): Record<string, number> {
  const any = m as unknown as Record<string, number>;
  if (m.model_category === "AutoEncoder") return { mse: m.mse, rmse: m.rmse };
  if (m.model_category === "Regression") {
    return {
      mae: m.mae, mean_residual_deviance: m.mean_residual_deviance, mse: m.mse, r2: m.r2,
      residual_deviance: m.mean_residual_deviance * m.nobs, rmse: m.rmse, rmsle: m.rmsle,
    };
  }
  const cm = m.confusion_matrix;
  const out: Record<string, number> = {};
  if (cm) {
    let total = 0, right = 0;
    cm.counts.forEach((row, a) => row.forEach((v, p) => ((total += v), a === p && (right += v))));
    out.accuracy = right / total;
    out.err = 1 - right / total;
    out.err_count = total - right;
  }
  if (m.model_category === "Binomial") {
    out.auc = m.auc;
    if (cm) {
      const [[tn, fp], [fn, tp]] = cm.counts;
      const precision = tp / (tp + fp), recall = tp / (tp + fn);
      const fBeta = (b: number) => ((1 + b * b) * precision * recall) / (b * b * precision + recall);
      out.f0point5 = fBeta(0.5);
      out.f1 = fBeta(1);
      out.f2 = fBeta(2);
      out.mcc = (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
      out.precision = precision;
      out.recall = recall;
      out.specificity = tn / (tn + fp);
    }
    out.lift_top_group = m.lift_top_group;
    out.pr_auc = m.pr_auc;
  }
  out.logloss = any.logloss;
  if (cm) {
    const errs = cm.errors.filter((e) => !Number.isNaN(e));
    out.max_per_class_error = Math.max(...errs);
    out.mean_per_class_accuracy = 1 - any.mean_per_class_error;
  }
  out.mean_per_class_error = any.mean_per_class_error;
  out.mse = m.mse;
  out.r2 = m.r2;
  out.rmse = m.rmse;
  return out;
}

/** Builds the summary from each fold model's holdout metrics; rows sorted by name, as H2O prints them. */
export function cvSummary(foldMetrics: readonly ModelMetrics[]): CvSummary {
  const values = foldMetrics.map(summaryValues);
  const metrics = Object.keys(values[0] ?? {}).sort();
  const folds = values.map((v) => metrics.map((k) => v[k] ?? NaN));
  const mean = metrics.map((_, j) => folds.reduce((s, f) => s + f[j], 0) / folds.length);
  const sd = metrics.map((_, j) => {
    const ss = folds.reduce((s, f) => s + (f[j] - mean[j]) ** 2, 0);
    return folds.length > 1 ? Math.sqrt(ss / (folds.length - 1)) : NaN;
  });
  return { metrics, mean, sd, folds };
}

/** The summary as H2O's Python client prints it. */
export function formatCvSummary(s: CvSummary): string {
  const g = (x: number) => (Number.isNaN(x) ? "NaN" : Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));
  const header = ["", "mean", "sd", ...s.folds.map((_, k) => `cv_${k + 1}_valid`)];
  const rows = s.metrics.map((name, j) => [name, g(s.mean[j]), g(s.sd[j]), ...s.folds.map((f) => g(f[j]))]);
  return renderTable(header, rows, "Cross-Validation Metrics Summary:");
}
