/**
 * Regression metrics (spec 9.1): MSE, RMSE, MAE, RMSLE, mean residual deviance and r2 over rows of
 * (actual, prediction, weight) in original units.
 * @module
 */
import type { Distribution, DistributionParams } from "../distribution.ts";
import type { Accumulator } from "./accumulator.ts";

/** The parameter under which the Huber threshold δ reaches `Distribution.deviance`. */
export const HUBER_DELTA_PARAM = "huber_delta";

/** Plain, mergeable regression state: weighted sums, plus the rows themselves for Huber. */
export interface RegressionState {
  /** Rows counted (unweighted). */
  n: number;
  /** Σw, Σw(y − ŷ)², Σw|y − ŷ|, Σw(ln(1 + ŷ) − ln(1 + y))² (NaN once a value ≤ −1 was seen). */
  sw: number;
  sse: number;
  sae: number;
  ssle: number;
  /** Σwy and Σwy² for the variance of the actuals. */
  swy: number;
  swyy: number;
  /** Σw·deviance (unused for Huber, whose δ is only known once all rows are in). */
  sdev: number;
  /** Distributions that refit parameters from residuals (Huber): the rows as [y, ŷ, w] triples; else null. */
  rows: number[] | null;
}

/** What `value()` returns; names follow H2O's ModelMetricsRegression. */
export interface RegressionMetrics {
  readonly model_category: "Regression";
  readonly nobs: number;
  readonly mse: number;
  readonly rmse: number;
  readonly mae: number;
  readonly rmsle: number;
  readonly mean_residual_deviance: number;
  readonly r2: number;
  /** Huber only: the δ used for the deviance (huber_alpha quantile of |y − ŷ|, spec 4.6). */
  readonly huber_delta?: number;
}

/** A regression accumulator: `add(state, y, yhat, w = 1)`. */
export type RegressionAccumulator = Accumulator<RegressionState, [y: number, yhat: number, w?: number], RegressionMetrics>;

/**
 * Regression metrics; the deviance comes from `distribution.deviance(y, ŷ, params)` (gaussian
 * when no distribution is given, so the mean residual deviance equals the MSE).
 * @param distribution the model's resolved distribution
 * @param params its hyper-parameters (quantile_alpha, tweedie_power, huber_alpha …)
 * @example
 * ```ts
 * const m = regressionMetrics();
 * const s = m.init();
 * m.add(s, 3, 2.5);
 * m.add(s, 1, 1.5, 2);
 * m.value(s).rmse; // 0.5
 * ```
 */
export function regressionMetrics(distribution?: Distribution, params: DistributionParams = {}): RegressionAccumulator {
  if (distribution && distribution.family !== "regression") {
    throw new TypeError(`Cannot compute regression metrics: distribution "${distribution.name}" is for classification`);
  }
  // A distribution that derives parameters from the residuals (Huber's δ) needs every row first.
  const refit = distribution?.fitParams ? distribution : null;
  return {
    name: "Regression",
    init: () => ({ n: 0, sw: 0, sse: 0, sae: 0, ssle: 0, swy: 0, swyy: 0, sdev: 0, rows: refit ? [] : null }),
    add(s, y, yhat, w = 1) {
      if (Number.isNaN(y) || Number.isNaN(yhat) || w === 0 || Number.isNaN(w)) return;
      const err = y - yhat;
      s.n++;
      s.sw += w;
      s.sse += w * err * err;
      s.sae += w * Math.abs(err);
      const le = y <= -1 || yhat <= -1 ? NaN : Math.log1p(yhat) - Math.log1p(y);
      s.ssle += w * le * le;
      s.swy += w * y;
      s.swyy += w * y * y;
      if (s.rows) s.rows.push(y, yhat, w);
      else if (distribution) s.sdev += w * distribution.deviance(y, yhat, params);
    },
    merge: (a, b) => ({
      n: a.n + b.n,
      sw: a.sw + b.sw,
      sse: a.sse + b.sse,
      sae: a.sae + b.sae,
      ssle: a.ssle + b.ssle,
      swy: a.swy + b.swy,
      swyy: a.swyy + b.swyy,
      sdev: a.sdev + b.sdev,
      rows: a.rows && b.rows ? a.rows.concat(b.rows) : null,
    }),
    value(s) {
      const mse = s.sse / s.sw;
      let deviance = distribution ? s.sdev / s.sw : mse;
      let fitted: DistributionParams = {};
      if (s.rows && refit) [fitted, deviance] = refittedDeviance(refit, params, s.rows, s.sw);
      return {
        model_category: "Regression",
        nobs: s.n,
        mse,
        rmse: Math.sqrt(mse),
        mae: s.sae / s.sw,
        rmsle: Math.sqrt(s.ssle / s.sw),
        mean_residual_deviance: deviance,
        r2: 1 - mse / weightedVariance(s.n, s.sw, s.swy, s.swyy),
        ...fitted,
      };
    },
  };
}

/** Population variance Σwy²/Σw − (Σwy/Σw)², 0 for fewer than two rows (H2O's weightedSigma²). */
export function weightedVariance(n: number, sw: number, swy: number, swyy: number): number {
  if (n <= 1) return 0;
  const mean = swy / sw;
  return swyy / sw - mean * mean;
}

// The distribution refits its derived parameters (Huber: δ = huber_alpha weighted quantile of
// |y − ŷ|, spec 4.6) on the scored rows, then Σw·D / Σw.
function refittedDeviance(
  dist: Distribution, params: DistributionParams, rows: number[], sw: number,
): [fitted: DistributionParams, deviance: number] {
  const m = rows.length / 3;
  const absErr = new Float64Array(m);
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    absErr[i] = Math.abs(rows[3 * i] - rows[3 * i + 1]);
    w[i] = rows[3 * i + 2];
  }
  const fitted = dist.fitParams!(absErr, w, params);
  const p = { ...params, ...fitted };
  let sum = 0;
  for (let i = 0; i < m; i++) sum += w[i] * dist.deviance(rows[3 * i], rows[3 * i + 1], p);
  return [fitted, sum / sw];
}
