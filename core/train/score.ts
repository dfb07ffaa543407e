/**
 * Turning network outputs into predictions and metrics (spec §9, §15): class probabilities and
 * labels for classification, de-standardized responses for regression.
 * @module
 */
import type { Distribution, DistributionParams } from "../distribution.ts";
import { linkInv } from "../distribution.ts";
import type { FloatArray } from "../backend.ts";
import { argMax, binomialMetrics, multinomialMetrics, regressionMetrics } from "../metrics/mod.ts";
import { autoencoderMetrics, type AutoencoderMetrics } from "../metrics/mod.ts";
import type { PackedRows } from "../backend.ts";
import type { AucType, BinomialMetrics, MultinomialMetrics, RegressionMetrics } from "../metrics/mod.ts";
import type { ResponseInfo } from "./preprocess.ts";

/** Metrics of one frame for any model kind. */
export type ModelMetrics = BinomialMetrics | MultinomialMetrics | RegressionMetrics | AutoencoderMetrics;

/** What scoring needs to know about the model. */
export interface ScoringContext {
  readonly response: ResponseInfo;
  readonly distribution: Distribution;
  readonly distributionParams: DistributionParams;
  /** The metric parameters (gainslift_bins, auc_type, max_hit_ratio_k); H2O's defaults when omitted. */
  readonly metricOptions?: MetricOptions;
}

/** The model parameters that shape its metrics. */
export interface MetricOptions {
  /** gainslift_bins: −1 = H2O's 16 groups, 0 = no gains/lift table, g > 0 = g groups (binomial). */
  readonly gainsLiftBins?: number;
  /** auc_type: the multinomial AUC reported (AUTO and NONE: none). */
  readonly aucType?: AucType;
  /** max_hit_ratio_k: ranks in the hit-ratio table (multinomial; 0 = none). */
  readonly hitRatioK?: number;
}

/** The metric options from a model's parameters (wire names); missing ones take H2O's defaults. */
export function metricOptions(params: Readonly<Record<string, unknown>>): MetricOptions {
  return {
    gainsLiftBins: (params.gainslift_bins as number | undefined) ?? -1,
    aucType: (params.auc_type as AucType | undefined) ?? "AUTO",
    hitRatioK: (params.max_hit_ratio_k as number | undefined) ?? 10,
  };
}

/** Regression prediction in original units from the output unit's value (spec §1.6, §15.3). */
export function regressionPrediction(eta: number, ctx: ScoringContext): number {
  const r = ctx.response;
  if (r.kind !== "numeric") throw new TypeError("Cannot de-standardize a categorical response");
  return linkInv(ctx.distribution.link, eta / r.mul + r.sub);
}

/**
 * Metrics from raw outputs. `outputs` holds nOut values per row (probabilities, or the output
 * unit's value); `actual` holds class indices or original-unit responses (NaN rows are skipped).
 */
export function computeMetrics(
  outputs: Float64Array,
  actual: FloatArray,
  weights: FloatArray | null,
  ctx: ScoringContext,
): ModelMetrics {
  const n = actual.length;
  const r = ctx.response;
  if (r.kind === "numeric") {
    const acc = regressionMetrics(ctx.distribution, ctx.distributionParams);
    const s = acc.init();
    for (let i = 0; i < n; i++) acc.add(s, actual[i], regressionPrediction(outputs[i], ctx), weights ? weights[i] : 1);
    return acc.value(s);
  }
  const C = r.domain.length;
  if (C === 2) {
    const acc = binomialMetrics({ domain: [r.domain[0], r.domain[1]], gainsLiftBins: ctx.metricOptions?.gainsLiftBins });
    const s = acc.init();
    for (let i = 0; i < n; i++) acc.add(s, actual[i], outputs[i * 2 + 1], weights ? weights[i] : 1);
    return acc.value(s);
  }
  const acc = multinomialMetrics(r.domain, { aucType: ctx.metricOptions?.aucType, hitRatioK: ctx.metricOptions?.hitRatioK });
  const s = acc.init();
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(actual[i])) continue;
    acc.add(s, actual[i], outputs.subarray(i * C, (i + 1) * C), weights ? weights[i] : 1);
  }
  return acc.value(s);
}

/**
 * Autoencoder metrics (spec §9.4): the reconstruction MSE of each packed input row against its
 * reconstruction (`outputs`, rows × n₀), averaged over the rows.
 */
export function reconstructionMetrics(inputs: PackedRows, outputs: Float64Array): AutoencoderMetrics {
  const acc = autoencoderMetrics();
  const s = acc.init();
  const n0 = inputs.width, x = new Float64Array(n0);
  for (let r = 0; r < inputs.rows; r++) {
    packedRow(inputs, r, x);
    acc.add(s, x, outputs.subarray(r * n0, (r + 1) * n0));
  }
  return acc.value(s);
}

/** Row `r` of packed rows as a dense vector in `x` (n₀ values). */
export function packedRow(rows: PackedRows, r: number, x: Float64Array): Float64Array {
  const n0 = rows.width;
  if (rows.dense) {
    for (let i = 0; i < n0; i++) x[i] = rows.dense[r * n0 + i];
  } else {
    x.fill(0);
    const { indptr, index, value } = rows.csr!;
    for (let j = indptr[r]; j < indptr[r + 1]; j++) x[index[j]] = value[j];
  }
  return x;
}

/**
 * Predicted label of one row: binomial compares p1 with the threshold (max-F1 of the model's
 * validation metrics, else training metrics, else 0.5); multinomial takes the arg-max.
 */
export function predictedClass(probs: ArrayLike<number>, threshold: number): number {
  if (probs.length === 2) return probs[1] >= threshold ? 1 : 0;
  return argMax(probs);
}

/** The metric value early stopping and best-model selection read (spec §8.1, §8.5). */
export function metricValue(m: ModelMetrics, metric: string): number {
  const any = m as unknown as Record<string, number>;
  switch (metric) {
    case "deviance": return any.mean_residual_deviance;
    case "logloss": return any.logloss;
    case "MSE": return m.mse;
    case "RMSE": return m.rmse;
    case "MAE": return any.mae;
    case "RMSLE": return any.rmsle;
    case "AUC": return any.auc;
    case "AUCPR": return any.pr_auc;
    case "lift_top_group": return any.lift_top_group;
    case "misclassification": return any.classification_error;
    case "mean_per_class_error": return any.mean_per_class_error;
    default: throw new RangeError(`Unknown stopping metric "${metric}"`);
  }
}

/** True for metrics where a larger value is better. */
export function moreIsBetter(metric: string): boolean {
  return metric === "AUC" || metric === "AUCPR" || metric === "lift_top_group" || metric === "custom_increasing";
}
