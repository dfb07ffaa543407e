/**
 * Timing a bound network's training on its real rows, for `--dry_run` and for `backend = "auto"`'s
 * probe: one untimed mini-batch (Workers start, pipelines compile, JIT), one short timed slice
 * (about 64 rows: a backend far behind `stopBelow` stops there, or already after a warm-up that
 * took over a second, so a slow software GPU is not timed for long), then slices of `slice` rows
 * until `seconds` have passed. Trains a throwaway
 * copy; the caller closes it.
 * @module
 */
import type { FusedTrainer, PackedRows } from "../backend.ts";
import type { GenericNetwork } from "./step.ts";

/** What {@linkcode measureSpeed} times. */
export interface SpeedTarget {
  readonly fused: FusedTrainer | undefined;
  readonly generic: GenericNetwork;
}

/** Options of {@linkcode measureSpeed}. */
export interface SpeedOptions {
  /** Rows per timed call (rounded up to whole mini-batches, at most all rows). */
  readonly slice: number;
  readonly miniBatch: number;
  /** Time to spend measuring, warm-up excluded. */
  readonly seconds: number;
  /** Stop after the first timed slice when it ran slower than this (samples/s): it is clearly behind. */
  readonly stopBelow?: number;
}

/** Samples/s of `t` on `rows` in the order `order`. */
export async function measureSpeed(t: SpeedTarget, rows: PackedRows, order: Int32Array, o: SpeedOptions): Promise<number> {
  const U = order.length;
  const sliceRows = (n: number) => Math.min(U, Math.max(o.miniBatch, Math.ceil(n / o.miniBatch) * o.miniBatch));
  let samples = 0, ms = 0;
  for (let k = 0, cursor = 0; ; k++) {
    const slice = sliceRows(k === 0 ? o.miniBatch : k === 1 ? 64 : o.slice);
    if (cursor + slice > U) cursor = 0;
    const idx = order.subarray(cursor, cursor + slice);
    const t0 = performance.now();
    const done = t.fused ? await t.fused.train(idx, { samples, pass: 0 }) : await t.generic.train(rows, idx, { samples, pass: 0 });
    cursor += slice;
    if (k === 0) {
      // A warm-up that took seconds and ran far below `stopBelow` is not start-up cost: already clearly behind.
      const warm = performance.now() - t0;
      if (o.stopBelow !== undefined && warm > 1000 && done / (warm / 1000) < o.stopBelow / 2) return done / (warm / 1000);
      continue;
    }
    ms += performance.now() - t0;
    samples += done;
    if (k === 1 && o.stopBelow !== undefined && samples / (ms / 1000) < o.stopBelow) break;
    if (ms > o.seconds * 1000 && k > 2) break;
  }
  return samples / Math.max(ms / 1000, 1e-9);
}
