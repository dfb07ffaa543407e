/**
 * What cross-validation leaves on the main model (spec §10.5); plain data, so the model file
 * keeps it as is.
 * @module
 */
import type { ModelMetrics } from "../../core/train/score.ts";
import type { HistoryRow } from "../../core/train/train.ts";
import type { Column } from "../../frame/frame.ts";
import type { CvSummary } from "./summary.ts";

/** The cross-validation part of a main model's output. */
export interface CrossValidationOutput {
  readonly nfolds: number;
  /** "Random", "Modulo", "Stratified" or "Column". */
  readonly foldAssignment: string;
  readonly foldModelIds: readonly string[];
  /** Each fold model's metrics on its own holdout fold. */
  readonly foldMetrics: readonly ModelMetrics[];
  /** Each fold model's scoring history. */
  readonly foldHistories: readonly (readonly HistoryRow[])[];
  /** H2O's cross_validation_metrics_summary. */
  readonly summary: CvSummary;
  /** The epochs the main model trained for and why ("from the folds" or "as given"). */
  readonly mainEpochs: { readonly epochs: number; readonly source: "folds" | "params" };
  /** With keep_cross_validation_predictions: every row predicted by the model that did not train on it. */
  readonly holdoutPredictions: readonly Column[] | null;
  /** With keep_cross_validation_fold_assignment: each training row's fold (0-based). */
  readonly foldAssignmentColumn: Int32Array | null;
}
