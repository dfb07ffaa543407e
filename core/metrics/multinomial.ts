/**
 * Multinomial metrics (spec 9.3) over rows of (actual class index, class probabilities, weight):
 * weighted confusion matrix, classification error, mean per-class error, logloss, MSE and r2 on
 * the actual class's probability, top-K hit ratios with K = min(max_hit_ratio_k, C), and, when
 * `auc_type` asks for it, H2O's multinomial AUC and AUCPR (one-vs-rest and one-vs-one, macro and
 * weighted averages).
 *
 * Unlike H2O's code (quirk Q19) the confusion matrix and the rank-1 hit count are weighted, as
 * H2O's documentation says every metric is.
 * @module
 */
import type { Accumulator } from "./accumulator.ts";
import { type Auc2State, auc2Add, auc2Curve, auc2Init, auc2Merge, aucOf, prAucOf } from "./_auc2.ts";
import { rowLogloss } from "./binomial.ts";
import { type ConfusionMatrix, confusionMatrix, meanPerClassError } from "./confusion_matrix.ts";
import { weightedVariance } from "./regression.ts";

/** Above this many classes no confusion matrix is kept (H2O's default limit). */
export const MAX_CONFUSION_MATRIX_CLASSES = 1000;

/** Above this many classes no multinomial AUC is computed (H2O's MAX_AUC_CLASSES). */
export const MAX_AUC_CLASSES = 50;

/** H2O's `auc_type` values; AUTO and NONE compute no multinomial AUC. */
export const AUC_TYPES = ["AUTO", "NONE", "MACRO_OVR", "WEIGHTED_OVR", "MACRO_OVO", "WEIGHTED_OVO"] as const;

/** One of {@linkcode AUC_TYPES}. */
export type AucType = (typeof AUC_TYPES)[number];

/**
 * One row of H2O's "Multinomial AUC values" table: a class against the rest (`second` = ""), a
 * pair of classes, or an average (`type` "Macro OVR", "Weighted OVR", "Macro OVO", "Weighted OVO").
 */
export interface MultinomialAucRow {
  readonly type: string;
  readonly first: string;
  readonly second: string;
  readonly auc: number;
  readonly pr_auc: number;
}

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
  /** hits[k]: weight of rows whose actual class ranked k + 1; empty when hit ratios are off. */
  hits: Float64Array;
  /** Per-class weight (for the weighted AUC averages). */
  cw: Float64Array;
  /** One-vs-rest histograms, one per class (positive = that class, score = its probability). */
  ovr: Auc2State[];
  /** One-vs-one histograms, ovo[i·C + j] for i ≠ j: rows of classes i and j, positive = i, score = p_i. Empty when off. */
  ovo: (Auc2State | null)[];
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
  /** hit_ratios[k]: share of the weight whose actual class is among the k + 1 most probable; empty when max_hit_ratio_k is 0. */
  readonly hit_ratios: readonly number[];
  /** The AUC `auc_type` selects; NaN when it is AUTO or NONE or there are more than 50 classes. */
  readonly auc: number;
  /** The AUCPR `auc_type` selects (NaN likewise). */
  readonly pr_auc: number;
  /** Every one-vs-rest and one-vs-one AUC and AUCPR with their averages; null when not computed. */
  readonly multinomial_auc_table: readonly MultinomialAucRow[] | null;
}

/** Options of {@linkcode multinomialMetrics}. */
export interface MultinomialOptions {
  /** Largest class count that gets a confusion matrix (default 1000, H2O's). */
  maxConfusionMatrixClasses?: number;
  /** max_hit_ratio_k: hit ratios for ranks 1 … min(k, C); 0 turns them off (default 10). */
  hitRatioK?: number;
  /** auc_type: which multinomial AUC `auc` and `pr_auc` report (default AUTO: none). */
  aucType?: AucType;
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
  const { hitRatioK = 10, aucType = "AUTO" } = options;
  if (!Number.isInteger(hitRatioK) || hitRatioK < 0) {
    throw new RangeError(`Cannot make multinomial metrics: "max_hit_ratio_k" must be an integer ≥ 0: got ${hitRatioK}`);
  }
  if (!AUC_TYPES.includes(aucType)) throw new RangeError(`Cannot make multinomial metrics: "auc_type" must be one of ${AUC_TYPES.join(", ")}: got ${aucType}`);
  const K = Math.min(hitRatioK, C);
  const withCm = C <= (options.maxConfusionMatrixClasses ?? MAX_CONFUSION_MATRIX_CLASSES);
  const withAuc = aucType !== "AUTO" && aucType !== "NONE" && C <= MAX_AUC_CLASSES;
  const scratch = new Float64Array(C);
  return {
    name: "Multinomial",
    init: () => ({
      n: 0, sw: 0, sse: 0, sll: 0, swy: 0, swyy: 0, cm: new Float64Array(withCm ? C * C : 0), hits: new Float64Array(K), cw: new Float64Array(C),
      ovr: withAuc ? Array.from({ length: C }, () => auc2Init()) : [],
      ovo: withAuc ? Array.from({ length: C * C }, (_, k) => (k % (C + 1) === 0 ? null : auc2Init())) : [],
    }),
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
      s.cw[label] += w;
      if (withCm) s.cm[label * C + pred] += w;
      if (K > 0) {
        const rank = rankOf(label, pred, probs, K, scratch);
        if (rank >= 0) s.hits[rank] += w;
      }
      if (withAuc) {
        for (let c = 0; c < C; c++) auc2Add(s.ovr[c], probs[c], c === label ? 1 : 0, w);
        for (let j = 0; j < C; j++) {
          if (j === label) continue;
          auc2Add(s.ovo[label * C + j]!, probs[label], 1, w); // label against j: a positive
          auc2Add(s.ovo[j * C + label]!, probs[j], 0, w); // j against label: a negative
        }
      }
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
      cw: a.cw.map((x, i) => x + b.cw[i]),
      ovr: a.ovr.map((h, i) => auc2Merge(h, b.ovr[i])),
      ovo: a.ovo.map((h, i) => (h ? auc2Merge(h, b.ovo[i]!) : null)),
    }),
    value(s) {
      const mse = s.sse / s.sw;
      const cm = withCm
        ? confusionMatrix(domain, Array.from({ length: C }, (_, a) => Array.from(s.cm.subarray(a * C, (a + 1) * C))))
        : null;
      let cum = 0;
      const table = withAuc ? aucTable(domain, s) : null;
      const pick = table ? table.find((r) => r.type === AVERAGE_ROW[aucType]) : undefined;
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
        auc: pick ? pick.auc : NaN,
        pr_auc: pick ? pick.pr_auc : NaN,
        multinomial_auc_table: table,
      };
    },
  };
}

const AVERAGE_ROW: Record<string, string> = { MACRO_OVR: "Macro OVR", WEIGHTED_OVR: "Weighted OVR", MACRO_OVO: "Macro OVO", WEIGHTED_OVO: "Weighted OVO" };

// H2O's table order: each class vs rest, the two OVR averages, each pair i < j, the two OVO
// averages. A pair's AUC is the mean of (i against j, score p_i) and (j against i, score p_j), as
// Hand and Till define it; "weighted" weights a class by its share of the weight (OVR) and a pair
// by the share of its two classes (OVO), as H2O's documentation says.
function aucTable(domain: readonly string[], s: MultinomialState): MultinomialAucRow[] {
  const C = domain.length;
  const of = (h: Auc2State) => {
    const c = auc2Curve(h);
    return { auc: aucOf(c), pr_auc: prAucOf(c) };
  };
  const average = (type: string, rows: MultinomialAucRow[], weights: number[] | null): MultinomialAucRow => {
    const ws = weights ?? rows.map(() => 1);
    const tw = ws.reduce((a, b) => a + b, 0);
    const mean = (k: "auc" | "pr_auc") => rows.reduce((acc, r, i) => acc + ws[i] * r[k], 0) / tw;
    return { type, first: "", second: "", auc: mean("auc"), pr_auc: mean("pr_auc") };
  };
  const ovr = domain.map((d, c) => ({ type: `${d} vs Rest`, first: d, second: "", ...of(s.ovr[c]) }));
  const ovo: MultinomialAucRow[] = [];
  const pairWeights: number[] = [];
  for (let i = 0; i < C; i++) {
    for (let j = i + 1; j < C; j++) {
      const a = of(s.ovo[i * C + j]!), b = of(s.ovo[j * C + i]!);
      ovo.push({ type: `${domain[i]} vs ${domain[j]}`, first: domain[i], second: domain[j], auc: (a.auc + b.auc) / 2, pr_auc: (a.pr_auc + b.pr_auc) / 2 });
      pairWeights.push((s.cw[i] + s.cw[j]) / s.sw);
    }
  }
  return [
    ...ovr, average("Macro OVR", ovr, null), average("Weighted OVR", ovr, Array.from(s.cw)),
    ...ovo, average("Macro OVO", ovo, null), average("Weighted OVO", ovo, pairWeights),
  ];
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
