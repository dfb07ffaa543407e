/**
 * Reading back what cross-validation kept on a model: the combined holdout predictions and the
 * fold assignment (spec §10.5), as frames.
 * @module
 */
import { Frame } from "../../frame/frame.ts";
import type { ModelData } from "../../core/train/train.ts";

/**
 * The holdout predictions: each training row predicted by the fold model that did not train on
 * it (H2O's `cross_validation_holdout_predictions()`).
 * @example
 * ```ts
 * const m = await new DeepLearning({ nfolds: 5, keep_cross_validation_predictions: true }).train({ y: "species", training_frame: iris });
 * const holdout = cvHoldoutPredictions(m);
 * ```
 */
export function cvHoldoutPredictions(model: { readonly data: ModelData }): Frame {
  const cv = model.data.output.crossValidation;
  if (!cv) throw new RangeError(`Model ${model.data.modelId} was not cross-validated: train it with "nfolds" ≥ 2 or a "fold_column"`);
  if (!cv.holdoutPredictions) throw new RangeError(`Model ${model.data.modelId} kept no holdout predictions: train it with "keep_cross_validation_predictions" true`);
  return new Frame(cv.holdoutPredictions);
}

/**
 * Each training row's fold, 0-based (H2O's `cross_validation_fold_assignment()`), as a frame
 * with one column `fold_assignment`.
 * @example
 * ```ts
 * const folds = cvFoldAssignment(model).col("fold_assignment");
 * ```
 */
export function cvFoldAssignment(model: { readonly data: ModelData }): Frame {
  const cv = model.data.output.crossValidation;
  if (!cv) throw new RangeError(`Model ${model.data.modelId} was not cross-validated: train it with "nfolds" ≥ 2 or a "fold_column"`);
  if (!cv.foldAssignmentColumn) throw new RangeError(`Model ${model.data.modelId} kept no fold assignment: train it with "keep_cross_validation_fold_assignment" true`);
  return new Frame([{ name: "fold_assignment", type: "numeric", data: Float64Array.from(cv.foldAssignmentColumn) }]);
}
