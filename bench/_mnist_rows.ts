/**
 * MNIST's training frame packed as the booklet's trial run feeds it to a backend (C785 the
 * classes, 717 non-constant pixel inputs), for the benchmarks that drive trainers directly.
 * @module
 */
import type { PackedRows } from "../core/backend.ts";
import { adaptFrame, fitPreprocessor, type PreprocessorSpec } from "../core/train/preprocess.ts";
import { packRows } from "../core/train/preprocess.ts";
import type { Frame } from "../frame/frame.ts";

/** The preprocessor and the packed Float32 rows of `frame` (a frame with C785 as a factor). */
export function packMnist(frame: Frame, sparse: boolean): { prep: PreprocessorSpec; packed: PackedRows } {
  const prep = fitPreprocessor(frame, {
    response: "C785", classification: true, ignored: [], weightsColumn: null, ignoreConstCols: true, useAllFactorLevels: true,
    standardize: true, sparse, autoencoder: false, standardizeResponse: false,
  }).spec!;
  return { prep, packed: packRows(prep, adaptFrame(prep, frame), { precision: 32 }) };
}
