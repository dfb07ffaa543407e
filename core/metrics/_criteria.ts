/**
 * H2O's threshold criteria (hex/AUC2.ThresholdCriterion), in H2O's order, from the weighted counts
 * at one threshold: tp, fp, fn, tn (predicted positive iff the bin centre ≥ the threshold).
 * Divisions by zero give NaN, as in H2O, and NaN never wins a maximum.
 * @module
 */

type Criterion = (tp: number, fp: number, fn: number, tn: number) => number;

const precision: Criterion = (tp, fp) => tp / (tp + fp);
const recall: Criterion = (tp, _fp, fn) => tp / (tp + fn);
const specificity: Criterion = (_tp, fp, _fn, tn) => tn / (tn + fp);
const fBeta = (b2: number): Criterion => (tp, fp, fn, tn) => {
  const p = precision(tp, fp, fn, tn);
  const r = recall(tp, fp, fn, tn);
  return ((1 + b2) * p * r) / (b2 * p + r);
};

/** Criterion name → formula; also the column order of H2O's thresholds table. */
export const CRITERIA: Readonly<Record<string, Criterion>> = {
  f1: fBeta(1),
  f2: fBeta(4),
  f0point5: fBeta(0.25),
  accuracy: (tp, fp, fn, tn) => (tn + tp) / (tp + fn + tn + fp),
  precision,
  recall,
  specificity,
  absolute_mcc: (tp, fp, fn, tn) => {
    const num = tp * tn - fp * fn;
    if (num === 0) return 0;
    // Rounding can push |mcc| a hair above 1; H2O clamps it.
    return Math.min(1, Math.abs(num / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))));
  },
  min_per_class_accuracy: (tp, fp, fn, tn) => Math.min(recall(tp, fp, fn, tn), specificity(tp, fp, fn, tn)),
  mean_per_class_accuracy: (tp, fp, fn, tn) => 0.5 * (recall(tp, fp, fn, tn) + specificity(tp, fp, fn, tn)),
  tns: (_tp, _fp, _fn, tn) => tn,
  fns: (_tp, _fp, fn) => fn,
  fps: (_tp, fp) => fp,
  tps: (tp) => tp,
  tnr: specificity,
  fnr: (tp, _fp, fn) => fn / (fn + tp),
  fpr: (_tp, fp, _fn, tn) => fp / (fp + tn),
  tpr: recall,
};

/** The criterion names in H2O's order. */
export const CRITERION_NAMES = Object.keys(CRITERIA);
