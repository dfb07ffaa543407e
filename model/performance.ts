/**
 * A model's metrics on one frame, with the accessor names H2O's clients use
 * (`mse()`, `logloss()`, `confusionMatrix()` …).
 * @module
 */
import type { ConfusionMatrix } from "../core/metrics/mod.ts";
import { formatConfusionMatrix, formatMetrics } from "../core/metrics/mod.ts";
import type { ModelMetrics } from "../core/train/score.ts";

/** A confusion matrix that prints as H2O's table. */
export interface PrintableConfusionMatrix extends ConfusionMatrix {
  toString(): string;
}

/**
 * Metrics of a model on a frame (H2O's ModelMetrics* objects).
 * @example
 * ```ts
 * const perf = model.modelPerformance({ valid: true });
 * console.log(perf.mse(), perf.logloss());
 * console.log(String(perf.confusionMatrix()));
 * ```
 */
export class ModelPerformance {
  /** @param metrics the raw metrics object; @param on "train", "valid" or a description of the frame */
  constructor(readonly metrics: ModelMetrics, readonly on: string) {}

  #get(name: string): number {
    const v = (this.metrics as unknown as Record<string, unknown>)[name];
    if (typeof v !== "number") {
      throw new TypeError(`${name} is not defined for ${this.metrics.model_category} metrics`);
    }
    return v;
  }

  /** "Regression", "Binomial" or "Multinomial". */
  get category(): string {
    return this.metrics.model_category;
  }
  /** Mean squared error. */
  mse(): number { return this.metrics.mse; }
  /** Root mean squared error. */
  rmse(): number { return this.metrics.rmse; }
  /** R². */
  r2(): number {
    const m = this.metrics;
    if (m.model_category === "AutoEncoder") throw new TypeError(`R² is not defined for autoencoder metrics: read mse()`);
    return m.r2;
  }
  /** Rows scored. */
  nobs(): number { return this.metrics.nobs; }
  /** Logarithmic loss (classification). */
  logloss(): number { return this.#get("logloss"); }
  /** Misclassification rate (classification; binomial at the max-F1 threshold). */
  classificationError(): number { return this.#get("classification_error"); }
  /** Mean of the per-class error rates (classification). */
  meanPerClassError(): number { return this.#get("mean_per_class_error"); }
  /** Area under the ROC curve: binomial, or multinomial as `auc_type` chose (NaN for AUTO and NONE). */
  auc(): number { return this.#get("auc"); }
  /** 2·AUC − 1 (binomial). */
  gini(): number { return this.#get("gini"); }
  /** Area under the precision-recall curve (binomial). */
  prAuc(): number { return this.#get("pr_auc"); }
  /** Area under the precision-recall curve (binomial, or multinomial with `auc_type`), H2O's `aucpr()`. */
  aucpr(): number { return this.#get("pr_auc"); }
  /** Response rate of the top gains/lift group over the overall rate (binomial). */
  liftTopGroup(): number { return this.#get("lift_top_group"); }
  /** Mean absolute error (regression). */
  mae(): number { return this.#get("mae"); }
  /** Root mean squared log error (regression). */
  rmsle(): number { return this.#get("rmsle"); }
  /** Mean residual deviance (regression). */
  meanResidualDeviance(): number { return this.#get("mean_residual_deviance"); }
  /** Top-k hit ratios, k = 1 … min(max_hit_ratio_k, classes) (multinomial). */
  hitRatios(): readonly number[] {
    if (this.metrics.model_category !== "Multinomial") throw new TypeError(`hit ratios are defined for multinomial metrics only`);
    return this.metrics.hit_ratios;
  }
  /** The confusion matrix (classification), printable as H2O's table. */
  confusionMatrix(): PrintableConfusionMatrix {
    const m = this.metrics;
    if (m.model_category === "Regression" || m.model_category === "AutoEncoder" || !m.confusion_matrix) {
      throw new TypeError(`a confusion matrix is defined for classification metrics only`);
    }
    const cm = m.confusion_matrix;
    return { ...cm, toString: () => formatConfusionMatrix(cm) };
  }
  /** H2O-like printout of every metric. */
  toString(): string {
    return formatMetrics(this.metrics, { algo: "deeplearning", on: this.on });
  }
}
