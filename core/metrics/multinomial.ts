/**
 * Multinomial metrics (spec 9.3) over rows of (actual class index, class probabilities, weight):
 * weighted confusion matrix, classification error, mean per-class error, logloss, MSE and r2 on
 * the actual class's probability, and top-K hit ratios with K = min(10, C).
 *
 * Unlike H2O's code (quirk Q19) the confusion matrix and the rank-1 hit count are weighted, as
 * H2O's documentation says every metric is.
 * @module
 */
import type { Accumulator } from "./accumulator.ts";
import { rowLogloss } from "./binomial.ts";
import { type ConfusionMatrix, confusionMatrix, meanPerClassError } from "./confusion_matrix.ts";
import { weightedVariance } from "./regression.ts";

/** Above this many classes no confusion matrix is kept (H2O's default limit). */
export const MAX_CONFUSION_MATRIX_CLASSES = 1000;

/** Plain, mergeable multinomial state. */
export interface MultinomialState {
  /** Rows counted, Σw, Σw(1 − p_actual)², Σw·logloss, Σw·class, Σw·class². */
  n: number;
  sw: number;
  sse: number;
  sll: number;
  swy: number;
  swyy: number;
  /** cm[actual·C + predicted] (weighted); empty past the class limit. */
  cm: Float64Array;
  /** hits[k]: weight of rows whose actual class ranked k + 1. */
  hits: Float64Array;
}

/** What `value()` returns; names follow H2O's ModelMetricsMultinomial. */
export interface MultinomialMetrics {
  readonly model_category: "Multinomial";
  readonly nobs: number;
  readonly mse: number;
  readonly rmse: number;
  readonly logloss: number;
  readonly r2: number;
  /** null past the class limit. */
  readonly confusion_matrix: ConfusionMatrix | null;
  readonly classification_error: number;
  readonly mean_per_class_error: number;
  /** hit_ratios[k]: share of the weight whose actual class is among the k + 1 most probable. */
  readonly hit_ratios: readonly number[];
}

/** Options of {@linkcode multinomialMetrics}. */
export interface MultinomialOptions {
  /** Largest class count that gets a confusion matrix (default 1000, H2O's). */
  maxConfusionMatrixClasses?: number;
}

/** A multinomial accumulator: `add(state, label, probs, w = 1, predicted = arg-max)`. */
export type MultinomialAccumulator = Accumulator<
  MultinomialState,
  [label: number, probs: ArrayLike<number>, w?: number, predicted?: number],
  MultinomialMetrics
>;

/**
 * Multinomial metrics for the classes in `domain`; the predicted class is the caller's (H2O breaks
 * exact ties at random, spec 15.2) or else the first arg-max.
 * @example
 * ```ts
 * const m = multinomialMetrics(["a", "b", "c"]);
 * const s = m.init();
 * m.add(s, 2, [0.2, 0.3, 0.5]);
 * m.add(s, 0, [0.1, 0.6, 0.3], 2);
 * m.value(s).hit_ratios; // [1/3, 1/3, 1]
 * ```
 */
export function multinomialMetrics(domain: readonly string[], options: MultinomialOptions = {}): MultinomialAccumulator {
  const C = domain.length;
  if (C < 2) throw new RangeError(`Cannot make multinomial metrics: "domain" needs at least 2 classes: got ${C}`);
  const K = Math.min(10, C);
  const withCm = C <= (options.maxConfusionMatrixClasses ?? MAX_CONFUSION_MATRIX_CLASSES);
  const scratch = new Float64Array(C);
  return {
    name: "Multinomial",
    init: () => ({ n: 0, sw: 0, sse: 0, sll: 0, swy: 0, swyy: 0, cm: new Float64Array(withCm ? C * C : 0), hits: new Float64Array(K) }),
    add(s, label, probs, w = 1, predicted) {
      if (Number.isNaN(label) || w === 0 || Number.isNaN(w)) return;
      if (!Number.isInteger(label) || label < 0 || label >= C) {
        throw new RangeError(`Cannot add a multinomial row: "label" must be a class index in [0, ${C - 1}]: got ${label}`);
      }
      if (probs.length !== C) throw new RangeError(`Cannot add a multinomial row: "probs" must have ${C} entries: got ${probs.length}`);
      for (let c = 0; c < C; c++) if (Number.isNaN(probs[c])) return;
      const pred = predicted ?? argMax(probs);
      if (!Number.isInteger(pred) || pred < 0 || pred >= C) {
        throw new RangeError(`Cannot add a multinomial row: "predicted" must be a class index in [0, ${C - 1}]: got ${pred}`);
      }
      const pActual = probs[label];
      s.n++;
      s.sw += w;
      s.sse += w * (1 - pActual) * (1 - pActual);
      s.sll += w * rowLogloss(pActual);
      s.swy += w * label;
      s.swyy += w * label * label;
      if (withCm) s.cm[label * C + pred] += w;
      const rank = rankOf(label, pred, probs, K, scratch);
      if (rank >= 0) s.hits[rank] += w;
    },
    merge: (a, b) => ({
      n: a.n + b.n,
      sw: a.sw + b.sw,
      sse: a.sse + b.sse,
      sll: a.sll + b.sll,
      swy: a.swy + b.swy,
      swyy: a.swyy + b.swyy,
      cm: a.cm.map((x, i) => x + b.cm[i]),
      hits: a.hits.map((x, i) => x + b.hits[i]),
    }),
    value(s) {
      const mse = s.sse / s.sw;
      const cm = withCm
        ? confusionMatrix(domain, Array.from({ length: C }, (_, a) => Array.from(s.cm.subarray(a * C, (a + 1) * C))))
        : null;
      let cum = 0;
      return {
        model_category: "Multinomial",
        nobs: s.n,
        mse,
        rmse: Math.sqrt(mse),
        logloss: s.sll / s.sw,
        r2: 1 - mse / weightedVariance(s.n, s.sw, s.swy, s.swyy),
        confusion_matrix: cm,
        classification_error: cm ? cm.totalError : NaN,
        mean_per_class_error: cm ? meanPerClassError(cm) : NaN,
        hit_ratios: Array.from(s.hits, (h) => (cum += h) / s.sw),
      };
    },
  };
}

/** Index of the largest value; the first one on ties. */
export function argMax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

// 0-based rank of the actual class: the predicted class first, then by decreasing probability
// (first index on ties); −1 when it is not among the top K. Ranked classes are set to −∞ so a
// class is never counted twice (H2O sets them to 0, which can re-pick a class once the rest are 0).
function rankOf(label: number, pred: number, probs: ArrayLike<number>, K: number, tmp: Float64Array): number {
  if (label === pred) return 0;
  tmp.set(probs);
  tmp[pred] = -Infinity;
  for (let k = 1; k < K; k++) {
    const next = argMax(tmp);
    if (next === label) return k;
    tmp[next] = -Infinity;
  }
  return -1;
}
