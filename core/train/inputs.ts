/**
 * Network inputs from an adapted frame: the preprocessor's packed rows (preprocess.ts), then
 * what the network sees beyond them: feature hashing (hashing.ts) and the per-row offset in the
 * output unit's units (spec §1.12). Training, scoring and prediction all pack through here.
 * @module
 */
import type { PackedRows } from "../backend.ts";
import { correctProbabilities } from "./balance.ts";
import { hashRows } from "./hashing.ts";
import { type AdaptedFrame, inputNames, packRows, type PreprocessorSpec } from "./preprocess.ts";

/** Width of the one-hot block (the categorical inputs come first). */
export function oneHotWidth(spec: PreprocessorSpec): number {
  let w = 0;
  for (const inp of spec.inputs) if (inp.kind === "categorical") w = Math.max(w, inp.offset + inp.slots);
  return w;
}

/** Inputs of the network: the preprocessor's width, or M buckets plus the numerics with hashing. */
export function networkWidth(spec: PreprocessorSpec): number {
  return spec.hashing ? spec.hashing.buckets + spec.width - oneHotWidth(spec) : spec.width;
}

/** Names of the network's inputs: H2O's coefficient names, or "hash_0" … then numerics with hashing (Q3). */
export function networkInputNames(spec: PreprocessorSpec): string[] {
  const names = inputNames(spec);
  if (!spec.hashing) return names;
  const w = oneHotWidth(spec);
  return [...Array.from({ length: spec.hashing.buckets }, (_, j) => `hash_${j}`), ...names.slice(w)];
}

/**
 * Packs rows `rows` (all when omitted) for the network. With an offset column, `offset` holds
 * each row's offset in the output unit's units: (o − sub)·mul when the response is standardized,
 * so the de-standardized prediction is the network's part plus o (spec §1.12).
 */
export function packInputs(spec: PreprocessorSpec, a: AdaptedFrame, options: { rows?: ArrayLike<number>; precision?: 32 | 64 } = {}): PackedRows {
  let packed = packRows(spec, a, options);
  if (spec.hashing) packed = hashRows(packed, oneHotWidth(spec), spec.hashing);
  if (spec.offsetColumn && a.offset) {
    const r = spec.response;
    const sub = r?.kind === "numeric" ? r.sub : 0, mul = r?.kind === "numeric" ? r.mul : 1;
    const o = a.offset, rows = options.rows;
    const offset = packed.target instanceof Float32Array ? new Float32Array(packed.rows) : new Float64Array(packed.rows);
    for (let k = 0; k < packed.rows; k++) offset[k] = (o[rows ? rows[k] : k] - sub) * mul;
    packed = { ...packed, offset };
  }
  return packed;
}

/** Network outputs as the model reports them: class probabilities corrected for class balancing. */
export function reportedOutputs(spec: PreprocessorSpec, out: Float64Array): Float64Array {
  return correctProbabilities(out, spec.classBalance);
}
