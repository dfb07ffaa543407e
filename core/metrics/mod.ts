/**
 * Model metrics as H2O computes them (spec §9): accumulators shaped `{ init, add, merge, value }`
 * whose plain states merge across threads and cross-validation folds, and H2O-like text output.
 *
 * @example
 * ```ts
 * import { binomialMetrics, formatMetrics } from "./core/metrics/mod.ts";
 * const acc = binomialMetrics({ domain: ["No", "Yes"] });
 * const a = acc.init(), b = acc.init();   // e.g. two threads
 * acc.add(a, 1, 0.9);
 * acc.add(a, 0, 0.2, 2);                 // weight 2
 * acc.add(b, 1, 0.4);
 * const m = acc.value(acc.merge(a, b));
 * console.log(m.auc, m.threshold);
 * console.log(formatMetrics(m, { algo: "deeplearning", on: "train" }));
 * ```
 * @module
 */
export { type Accumulator, mergeAll } from "./accumulator.ts";
export { HUBER_DELTA_PARAM, type RegressionAccumulator, regressionMetrics, type RegressionMetrics, type RegressionState } from "./regression.ts";
export {
  type BinomialAccumulator,
  binomialMetrics,
  type BinomialMetrics,
  type BinomialOptions,
  type BinomialState,
  type MaxCriterion,
  rowLogloss,
  type ThresholdRow,
} from "./binomial.ts";
export {
  argMax,
  AUC_TYPES,
  type AucType,
  MAX_AUC_CLASSES,
  MAX_CONFUSION_MATRIX_CLASSES,
  type MultinomialAucRow,
  type MultinomialAccumulator,
  multinomialMetrics,
  type MultinomialMetrics,
  type MultinomialOptions,
  type MultinomialState,
} from "./multinomial.ts";
export { type AutoencoderAccumulator, autoencoderMetrics, type AutoencoderMetrics, type AutoencoderState, reconstructionError } from "./autoencoder.ts";
export { type ConfusionMatrix, confusionMatrix, meanPerClassError } from "./confusion_matrix.ts";
export { GAINS_LIFT_PROBS, type GainsLiftRow } from "./_gains_lift.ts";
export { NBINS } from "./_auc2.ts";
export {
  type FormatOptions,
  formatConfusionMatrix,
  formatGainsLift,
  formatHitRatios,
  formatMaxCriteria,
  formatMetrics,
  formatMultinomialAuc,
  formatSummary,
  formatThresholds,
  type Metrics,
} from "./format.ts";
