/**
 * Autoencoder metrics (spec 9.4): each row's reconstruction error is the mean squared difference
 * over the n₀ expanded, normalised input slots; the model's MSE is the unweighted mean of those
 * per-row errors over the scored rows.
 * @module
 */
import type { Accumulator } from "./accumulator.ts";

/** Plain, mergeable state: rows counted and the sum of their reconstruction errors. */
export interface AutoencoderState {
  n: number;
  sum: number;
}

/** What `value()` returns. */
export interface AutoencoderMetrics {
  readonly model_category: "AutoEncoder";
  readonly nobs: number;
  readonly mse: number;
  readonly rmse: number;
}

/** An autoencoder accumulator: `add(state, input, reconstruction)`, both in the network's input space. */
export type AutoencoderAccumulator = Accumulator<AutoencoderState, [input: ArrayLike<number>, reconstruction: ArrayLike<number>], AutoencoderMetrics>;

/** Per-row reconstruction error (1/n₀)·Σ(x̂ᵢ − xᵢ)², the anomaly score of spec 14.4. */
export function reconstructionError(input: ArrayLike<number>, reconstruction: ArrayLike<number>): number {
  if (input.length !== reconstruction.length || input.length === 0) {
    throw new RangeError(`Cannot compute a reconstruction error: input has ${input.length} values, reconstruction ${reconstruction.length}`);
  }
  let s = 0;
  for (let i = 0; i < input.length; i++) s += (reconstruction[i] - input[i]) ** 2;
  return s / input.length;
}

/**
 * Reconstruction MSE; rows whose error is NaN are skipped.
 * @example
 * ```ts
 * const m = autoencoderMetrics();
 * const s = m.init();
 * m.add(s, [0, 1], [0, 0]); // row error 0.5
 * m.value(s).mse; // 0.5
 * ```
 */
export function autoencoderMetrics(): AutoencoderAccumulator {
  return {
    name: "AutoEncoder",
    init: () => ({ n: 0, sum: 0 }),
    add(s, input, reconstruction) {
      const e = reconstructionError(input, reconstruction);
      if (Number.isNaN(e)) return;
      s.n++;
      s.sum += e;
    },
    merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
    value(s) {
      const mse = s.sum / s.n;
      return { model_category: "AutoEncoder", nobs: s.n, mse, rmse: Math.sqrt(mse) };
    },
  };
}
