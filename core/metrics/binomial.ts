/**
 * Binomial metrics (spec 9.2) over rows of (label 0|1, p₁ = probability of the positive class,
 * weight): MSE, logloss, r2, H2O's binned AUC/AUCPR with its thresholds table, the max-F1
 * threshold and its confusion matrix, and the gains/lift table.
 * @module
 */
import type { Accumulator } from "./accumulator.ts";
import { type Auc2Curve, type Auc2State, auc2Add, auc2Curve, auc2Init, auc2Merge, aucOf, NBINS, prAucOf } from "./_auc2.ts";
import { CRITERIA, CRITERION_NAMES } from "./_criteria.ts";
import { type ConfusionMatrix, confusionMatrix, meanPerClassError } from "./confusion_matrix.ts";
import { gainsLift, type GainsLiftRow } from "./_gains_lift.ts";
import { weightedVariance } from "./regression.ts";

/** logloss per row: −ln max(1e-15, p_actual), i.e. at most 34.538776 (H2O's clamp). */
export function rowLogloss(pActual: number): number {
  return -Math.log(Math.max(1e-15, pActual));
}

/** Plain, mergeable binomial state. */
export interface BinomialState {
  /** Rows counted, Σw, Σw(1 − p_actual)², Σw·logloss, Σwy, Σwy². */
  n: number;
  sw: number;
  sse: number;
  sll: number;
  swy: number;
  swyy: number;
  /** The AUC2 histogram. */
  auc: Auc2State;
  /** [p, label, w] triples for the gains/lift quantiles; null when gains/lift is off. */
  rows: number[] | null;
}

/** One row of the thresholds table: the threshold, every criterion, and the bin index. */
export type ThresholdRow = { readonly threshold: number; readonly idx: number } & Readonly<Record<string, number>>;

/** The maximum of one criterion over the thresholds (H2O's "Maximum Metrics" table). */
export interface MaxCriterion {
  readonly metric: string;
  readonly threshold: number;
  readonly value: number;
  readonly idx: number;
}

/** What `value()` returns; names follow H2O's ModelMetricsBinomial. */
export interface BinomialMetrics {
  readonly model_category: "Binomial";
  readonly nobs: number;
  readonly mse: number;
  readonly rmse: number;
  readonly logloss: number;
  readonly r2: number;
  readonly auc: number;
  readonly gini: number;
  readonly pr_auc: number;
  /** Bins from the highest threshold down. */
  readonly thresholds: readonly ThresholdRow[];
  /** One entry per criterion, named "max f1", "max f2", …; idx −1 when every value is NaN. */
  readonly max_criteria: readonly MaxCriterion[];
  /** The max-F1 threshold (0.5 when F1 is undefined everywhere, e.g. no positives). */
  readonly threshold: number;
  /** At the max-F1 threshold; null when there is none. */
  readonly confusion_matrix: ConfusionMatrix | null;
  /** (FP + FN) / (P + N) at the max-F1 threshold. */
  readonly classification_error: number;
  readonly mean_per_class_error: number;
  /** null when gains/lift is off (gainsLiftBins = 0). */
  readonly gains_lift: readonly GainsLiftRow[] | null;
  /** Response rate of the top group over the overall response rate. */
  readonly lift_top_group: number;
}

/** Options of {@linkcode binomialMetrics}. */
export interface BinomialOptions {
  /** The two class labels, negative first (default ["0", "1"]). */
  domain?: readonly [string, string];
  /** H2O's gainslift_bins: −1 = 16 default groups, 0 = off (rows are not kept), g > 0 = g groups. */
  gainsLiftBins?: number;
  /** Histogram bins (H2O: 400). */
  nBins?: number;
}

/** A binomial accumulator: `add(state, label, p1, w = 1)`. */
export type BinomialAccumulator = Accumulator<BinomialState, [label: number, p1: number, w?: number], BinomialMetrics>;

/**
 * Binomial metrics; the gains/lift table keeps every row (3 numbers each) unless `gainsLiftBins` is 0.
 * @example
 * ```ts
 * const m = binomialMetrics({ domain: ["No", "Yes"] });
 * const s = m.init();
 * m.add(s, 1, 0.8);
 * m.add(s, 0, 0.3);
 * m.value(s).auc; // 1
 * ```
 */
export function binomialMetrics(options: BinomialOptions = {}): BinomialAccumulator {
  const { domain = ["0", "1"], gainsLiftBins = -1, nBins = NBINS } = options;
  if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`Cannot make binomial metrics: "nBins" must be a positive integer: got ${nBins}`);
  return {
    name: "Binomial",
    init: () => ({ n: 0, sw: 0, sse: 0, sll: 0, swy: 0, swyy: 0, auc: auc2Init(nBins), rows: gainsLiftBins === 0 ? null : [] }),
    add(s, label, p1, w = 1) {
      if (Number.isNaN(label) || Number.isNaN(p1) || w === 0 || Number.isNaN(w)) return;
      if (label !== 0 && label !== 1) throw new RangeError(`Cannot add a binomial row: "label" must be 0 or 1: got ${label}`);
      const pActual = label === 1 ? p1 : 1 - p1;
      s.n++;
      s.sw += w;
      s.sse += w * (1 - pActual) * (1 - pActual);
      s.sll += w * rowLogloss(pActual);
      s.swy += w * label;
      s.swyy += w * label;
      auc2Add(s.auc, p1, label, w);
      s.rows?.push(p1, label, w);
    },
    merge: (a, b) => ({
      n: a.n + b.n,
      sw: a.sw + b.sw,
      sse: a.sse + b.sse,
      sll: a.sll + b.sll,
      swy: a.swy + b.swy,
      swyy: a.swyy + b.swyy,
      auc: auc2Merge(a.auc, b.auc),
      rows: a.rows && b.rows ? a.rows.concat(b.rows) : null,
    }),
    value(s) {
      const mse = s.sse / s.sw;
      const curve = auc2Curve(s.auc);
      const auc = aucOf(curve);
      const thresholds = thresholdTable(curve);
      const max_criteria = CRITERION_NAMES.map((name) => maxCriterion(name, thresholds));
      const best = max_criteria[0].idx; // f1 comes first
      const cm = best < 0 ? null : confusionMatrix(domain, [
        [curve.n - curve.fps[best], curve.fps[best]],
        [curve.p - curve.tps[best], curve.tps[best]],
      ]);
      const gl = s.rows ? gainsLift(s.rows, gainsLiftBins) : null;
      return {
        model_category: "Binomial",
        nobs: s.n,
        mse,
        rmse: Math.sqrt(mse),
        logloss: s.sll / s.sw,
        r2: 1 - mse / weightedVariance(s.n, s.sw, s.swy, s.swyy),
        auc,
        gini: 2 * auc - 1,
        pr_auc: prAucOf(curve),
        thresholds,
        max_criteria,
        threshold: best < 0 ? 0.5 : curve.thresholds[best],
        confusion_matrix: cm,
        classification_error: cm ? cm.totalError : NaN,
        mean_per_class_error: cm ? meanPerClassError(cm) : NaN,
        gains_lift: gl,
        lift_top_group: gl && gl.length ? gl[0].lift : NaN,
      };
    },
  };
}

function thresholdTable(c: Auc2Curve): ThresholdRow[] {
  return c.thresholds.map((threshold, i) => {
    const tp = c.tps[i];
    const fp = c.fps[i];
    const row: Record<string, number> = { threshold };
    for (const name of CRITERION_NAMES) row[name] = CRITERIA[name](tp, fp, c.p - tp, c.n - fp);
    row.idx = i;
    return row as ThresholdRow;
  });
}

// First strict maximum from the highest threshold down (H2O's max_criterion_idx).
function maxCriterion(name: string, rows: readonly ThresholdRow[]): MaxCriterion {
  let idx = -1;
  let best = -Number.MAX_VALUE;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i][name] > best) [idx, best] = [i, rows[i][name]];
  }
  return { metric: `max ${name}`, threshold: idx < 0 ? NaN : rows[idx].threshold, value: idx < 0 ? NaN : best, idx };
}
