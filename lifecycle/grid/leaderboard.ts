/**
 * How grid models are ranked (spec §11.5): a metric read from the cross-validation metrics when
 * the model has them, else the validation metrics, else the training metrics; classification
 * sorts by logloss and regression by residual deviance unless `sort_by` says otherwise;
 * `decreasing` flips the order.
 * @module
 */
import type { ModelMetrics } from "../../core/train/score.ts";
import type { ModelData } from "../../core/train/train.ts";
import { renderTable } from "../../core/metrics/_table.ts";
import { summaryValues } from "../cross_validation/summary.ts";

/** Metric names `sort_by` accepts, besides every numeric field of the metrics object. */
const ALIASES: Readonly<Record<string, string>> = {
  residual_deviance: "mean_residual_deviance", deviance: "mean_residual_deviance", err: "classification_error",
  misclassification: "classification_error", aucpr: "pr_auc", auc_pr: "pr_auc",
};

/** Every name `sort_by` accepts (checked before a grid starts). */
export const SORT_METRICS: readonly string[] = [
  "logloss", "auc", "pr_auc", "aucpr", "gini", "rmse", "mse", "r2", "mae", "rmsle", "mean_residual_deviance", "residual_deviance",
  "deviance", "err", "err_count", "classification_error", "misclassification", "mean_per_class_error", "mean_per_class_accuracy",
  "max_per_class_error", "lift_top_group", "accuracy", "f1", "f2", "f0point5", "precision", "recall", "specificity", "mcc",
  "absolute_mcc", "min_per_class_accuracy", "tns", "fns", "fps", "tps", "tnr", "fnr", "fpr", "tpr",
];

/** The metrics a model is ranked on, and where they come from. */
export function rankingMetrics(d: ModelData): { metrics: ModelMetrics | null; on: "xval" | "valid" | "train" } {
  const o = d.output;
  if (o.crossValidationMetrics) return { metrics: o.crossValidationMetrics, on: "xval" };
  if (o.validationMetrics) return { metrics: o.validationMetrics, on: "valid" };
  return { metrics: o.trainingMetrics, on: "train" };
}

/** The default sort metric: logloss for classification, residual deviance for regression, the reconstruction MSE for autoencoders. */
export function defaultSortBy(problem: string): string {
  return problem === "classification" ? "logloss" : problem === "autoencoder" ? "mse" : "residual_deviance";
}

/**
 * One model's value of a `sort_by` metric, or undefined when its metrics have no such value.
 * Threshold criteria (`f1`, `accuracy`, …) are read at their own best threshold.
 */
export function sortValue(m: ModelMetrics, name: string): number | undefined {
  const key = ALIASES[name.toLowerCase()] ?? name.toLowerCase();
  const any = m as unknown as Record<string, unknown>;
  if (typeof any[key] === "number") return any[key] as number;
  if (m.model_category === "Binomial") {
    const c = m.max_criteria.find((x) => x.metric === `max ${key}`);
    if (c) return c.value;
  }
  const summary = summaryValues(m)[key];
  return typeof summary === "number" ? summary : undefined;
}

/** Sorts model data by a metric; models without it go last. Throws `RangeError` when no model has it. */
export function sortModels<T extends { readonly data: ModelData }>(models: readonly T[], sortBy: string, decreasing: boolean): T[] {
  const withValue = models.map((m) => {
    const r = rankingMetrics(m.data).metrics;
    return { m, v: r ? sortValue(r, sortBy) : undefined };
  });
  if (models.length && withValue.every((x) => x.v === undefined)) {
    throw new RangeError(`Cannot sort by "${sortBy}": the models' metrics have no such value; use logloss, auc, rmse, mse, r2, mae, err, residual_deviance, f1, …`);
  }
  const key = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? Infinity : decreasing ? -v : v);
  return withValue.sort((a, b) => (key(a.v) === key(b.v) ? 0 : key(a.v) - key(b.v))).map((x) => x.m);
}

/**
 * The leaderboard as text: one row per model, best first, with its hyper-parameter values, its
 * id and the sort metric (marked xval, valid or train for where it was read).
 */
export function formatLeaderboard(grid: {
  readonly gridId: string;
  readonly sortBy: string;
  readonly decreasing: boolean;
  readonly models: readonly { readonly model: { readonly data: ModelData }; readonly hyperParams: Readonly<Record<string, unknown>> }[];
}): string {
  const names = [...new Set(grid.models.flatMap((g) => Object.keys(g.hyperParams)))];
  const show = (v: unknown) => (v === undefined ? "" : Array.isArray(v) ? `[${v.join(", ")}]` : String(v));
  const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "" : String(Number(v.toPrecision(6))));
  const rows = grid.models.map((g) => {
    const r = rankingMetrics(g.model.data);
    return [...names.map((n) => show(g.hyperParams[n])), g.model.data.modelId, num(r.metrics ? sortValue(r.metrics, grid.sortBy) : undefined), r.on];
  });
  const title = `Grid ${grid.gridId}: ${grid.models.length} model${grid.models.length === 1 ? "" : "s"}, sorted by ${grid.sortBy} (${grid.decreasing ? "decreasing" : "increasing"})`;
  return renderTable([...names, "model_id", grid.sortBy, "on"], rows, title);
}
