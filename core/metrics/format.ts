/**
 * Text output that reads like H2O's Python client: the metrics summary block ("MSE: …"), the
 * confusion matrix with Error and Rate columns and a Totals row, the top-K hit ratios, the binomial
 * maximum-criteria and thresholds tables, the gains/lift table and the multinomial AUC tables.
 * @module
 */
import type { AutoencoderMetrics } from "./autoencoder.ts";
import type { BinomialMetrics } from "./binomial.ts";
import { CRITERION_NAMES } from "./_criteria.ts";
import type { ConfusionMatrix } from "./confusion_matrix.ts";
import type { MultinomialMetrics } from "./multinomial.ts";
import type { RegressionMetrics } from "./regression.ts";
import { g, renderTable } from "./_table.ts";

/** Any metrics `value()` returns. */
export type Metrics = RegressionMetrics | BinomialMetrics | MultinomialMetrics | AutoencoderMetrics;

/** H2O's confusion matrix table: class labels, then Error and Rate; one row per actual class; Totals. */
export function formatConfusionMatrix(
  cm: ConfusionMatrix,
  title = "Confusion Matrix: Row labels: Actual class; Column labels: Predicted class",
): string {
  const rows = cm.domain.map((label, a) => [label, ...cm.counts[a].map(g), g(cm.errors[a]), cm.rates[a]]);
  rows.push(["Totals", ...cm.predictedTotals.map(g), g(cm.totalError), cm.totalRate]);
  return renderTable(["", ...cm.domain, "Error", "Rate"], rows, title);
}

/** The "Top-K Hit Ratios" table; empty when there are none (max_hit_ratio_k = 0). */
export function formatHitRatios(hitRatios: readonly number[]): string {
  if (hitRatios.length === 0) return "";
  const rows = hitRatios.map((h, k) => [String(k + 1), g(h)]);
  return renderTable(["k", "hit_ratio"], rows, `Top-${hitRatios.length} Hit Ratios:`);
}

/** H2O's "Multinomial AUC values" (or "auc_pr values") table; empty when it was not computed. */
export function formatMultinomialAuc(m: MultinomialMetrics, which: "auc" | "pr_auc" = "auc"): string {
  if (!m.multinomial_auc_table) return "";
  const metric = which === "auc" ? "AUC" : "auc_pr";
  const rows = m.multinomial_auc_table.map((r) => [r.type, r.first, r.second, g(r[which])]);
  return renderTable(["type", "first_class_domain", "second_class_domain", metric], rows, `Multinomial ${metric} values:`);
}

/** The "Maximum Metrics" table: each criterion's best value, its threshold and bin index. */
export function formatMaxCriteria(m: BinomialMetrics): string {
  const rows = m.max_criteria.map((c) => [c.metric, g(c.threshold), g(c.value), String(c.idx)]);
  return renderTable(["metric", "threshold", "value", "idx"], rows, "Maximum Metrics: Maximum metrics at their respective thresholds");
}

/** The full thresholds table (one row per histogram bin, highest threshold first). */
export function formatThresholds(m: BinomialMetrics): string {
  const cols = ["threshold", ...CRITERION_NAMES, "idx"];
  const rows = m.thresholds.map((r) => cols.map((c) => g(r[c])));
  return renderTable(cols, rows, "Metrics for Thresholds: Binomial metrics as a function of classification thresholds");
}

/** The gains/lift table; empty when it was not computed. */
export function formatGainsLift(m: BinomialMetrics): string {
  if (!m.gains_lift?.length) return "";
  const cols = Object.keys(m.gains_lift[0]) as (keyof (typeof m.gains_lift)[number])[];
  const last = m.gains_lift[m.gains_lift.length - 1];
  const avg = last.cumulative_response_rate; // the whole data set's response rate
  const rows = m.gains_lift.map((r) => cols.map((c) => g(r[c])));
  return renderTable(cols, rows, `Gains/Lift Table: Avg response rate: ${(100 * avg).toFixed(2)} %`);
}

/** The summary block, one "Name: value" line per metric, as ModelMetrics*.show() prints it. */
export function formatSummary(m: Metrics): string {
  const lines: [string, number][] = [["MSE", m.mse], ["RMSE", m.rmse]];
  if (m.model_category === "Regression") {
    lines.push(["MAE", m.mae], ["RMSLE", m.rmsle], ["Mean Residual Deviance", m.mean_residual_deviance], ["R^2", m.r2]);
  } else if (m.model_category !== "AutoEncoder") {
    lines.push(["LogLoss", m.logloss], ["Mean Per-Class Error", m.mean_per_class_error]);
    if (m.model_category === "Binomial") lines.push(["AUC", m.auc], ["AUCPR", m.pr_auc], ["Gini", m.gini]);
    if (m.model_category === "Multinomial" && m.multinomial_auc_table) lines.push(["AUC", m.auc], ["AUCPR", m.pr_auc]);
  }
  return lines.map(([k, v]) => `${k}: ${v}`).join("\n");
}

/** Options of {@linkcode formatMetrics}. */
export interface FormatOptions {
  /** Algorithm name for the first line, e.g. "deeplearning". */
  algo?: string;
  /** Which data, e.g. "train", "validation", "cross-validation". */
  on?: string;
}

/**
 * The whole printout: header, summary, then the confusion matrix, maximum metrics, gains/lift or
 * hit ratios that apply.
 * @example
 * ```ts
 * console.log(formatMetrics(acc.value(state), { algo: "deeplearning", on: "validation" }));
 * ```
 */
export function formatMetrics(m: Metrics, options: FormatOptions = {}): string {
  const parts: string[] = [];
  const head: string[] = [];
  if (options.algo) head.push(`ModelMetrics${m.model_category}: ${options.algo}`);
  if (options.on) head.push(`** Reported on ${options.on} data. **`);
  if (head.length) parts.push(head.join("\n"));
  parts.push(formatSummary(m));
  if (m.model_category === "Binomial") {
    if (m.confusion_matrix) {
      parts.push(formatConfusionMatrix(m.confusion_matrix, `Confusion Matrix (Act/Pred) for max f1 @ threshold = ${m.threshold}`));
    }
    parts.push(formatMaxCriteria(m));
    const gl = formatGainsLift(m);
    if (gl) parts.push(gl);
  } else if (m.model_category === "Multinomial") {
    if (m.multinomial_auc_table) parts.push(formatMultinomialAuc(m, "auc"), formatMultinomialAuc(m, "pr_auc"));
    if (m.confusion_matrix) parts.push(formatConfusionMatrix(m.confusion_matrix));
    const hr = formatHitRatios(m.hit_ratios);
    if (hr) parts.push(hr);
  }
  return parts.join("\n\n");
}
