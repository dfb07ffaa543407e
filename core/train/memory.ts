/**
 * How much memory training a network will take, estimated from its shape before anything is
 * allocated, so a network that cannot fit is refused with the estimate instead of failing
 * (or swapping) minutes later. A pure function of sizes: `tide train` checks it against free
 * memory, and a dry run can print it.
 *
 * What it counts (the large items; small per-layer bookkeeping is left out):
 * - the backend's state: weights and biases plus the optimizer's slots per parameter, at the
 *   backend's precision;
 * - two Float64 copies of that state: the snapshot read at each scoring event and the best
 *   model kept for `overwrite_with_best_model` (and the final model data);
 * - the saved model file's bytes (Float64 per value);
 * - per thread: activations and deltas for a mini-batch of rows, and a gradient buffer of
 *   the weights when mini-batches are blocked (mini_batch_size > 1);
 * - the packed training rows, when the row count is known (dense or CSR, whichever the
 *   packer picks, bounded by the non-zeros per row).
 * @module
 */

/** The sizes an estimate needs. */
export interface MemoryInput {
  /** Units per layer, input first, output last (`[inputs, ...hidden, outputs]`). */
  readonly units: readonly number[];
  /** Weight rows per hidden unit (2 for Maxout); default 1. */
  readonly channels?: number;
  /** Optimizer slots per parameter (ADADELTA: 2, momentum: 1, plain SGD: 0). */
  readonly optimizerSlots: number;
  /** Training threads (each has its own activations and deltas). */
  readonly threads: number;
  /** parallel_mode average or auto: threads 1 … n−1 each train a replica of the state. */
  readonly replicas?: boolean;
  /** Rows per update (`mini_batch_size`). */
  readonly miniBatch: number;
  /** Bits per value in the backend (32 for simd, 64 for reference). */
  readonly precision: 32 | 64;
  /** Training rows, to count the packed rows (omit to leave them out). */
  readonly rows?: number;
  /** Non-zero inputs per row at most (one per predictor column; default: every input). */
  readonly nonZerosPerRow?: number;
}

/** An estimate: the total and its parts, in bytes. */
export interface MemoryEstimate {
  readonly bytes: number;
  /** Weights and biases (without optimizer slots). */
  readonly parameters: number;
  readonly parts: readonly { readonly what: string; readonly bytes: number }[];
}

/**
 * Estimates the peak memory of training a network of this shape.
 * @example
 * ```ts
 * const e = estimateTrainingMemory({ units: [784, 9000, 9000, 10], optimizerSlots: 2, threads: 8, miniBatch: 1, precision: 32 });
 * formatBytes(e.bytes); // "2.6 GB"
 * ```
 */
export function estimateTrainingMemory(input: MemoryInput): MemoryEstimate {
  const { units, optimizerSlots, threads, miniBatch, precision } = input;
  const channels = input.channels ?? 1;
  let parameters = 0, unitsTotal = 0;
  for (let m = 0; m + 1 < units.length; m++) {
    const rows = units[m + 1] * (m + 2 < units.length ? channels : 1);
    parameters += rows * units[m] + rows;
    unitsTotal += rows;
  }
  const width = units[0] ?? 0;
  const bytes = precision / 8;
  const stateValues = parameters * (1 + Math.max(0, optimizerSlots));
  const parts = [
    { what: "weights, biases and optimizer state", bytes: stateValues * bytes },
    { what: "scoring snapshot and best-model copy (Float64)", bytes: 2 * stateValues * 8 },
    { what: "model file bytes at save", bytes: stateValues * 8 },
    { what: "per-thread activations and deltas", bytes: Math.max(1, threads) * Math.max(1, miniBatch) * 2 * (unitsTotal + width) * bytes },
    { what: "per-thread replicas (parallel_mode average)", bytes: input.replicas ? Math.max(0, threads - 1) * stateValues * bytes : 0 },
    { what: "per-thread mini-batch gradients", bytes: miniBatch > 1 ? Math.max(1, threads) * parameters * bytes : 0 },
  ];
  if (input.rows !== undefined) {
    // Rows are packed dense above 40 % non-zeros, else as CSR (index + value per non-zero):
    // either way at most about 2.5 values' bytes per non-zero, and never more than dense.
    const nnz = Math.min(width, input.nonZerosPerRow ?? width);
    parts.push({ what: "packed training rows", bytes: input.rows * (Math.min(width, 2.5 * nnz) + 2) * bytes });
  }
  return { bytes: parts.reduce((s, p) => s + p.bytes, 0), parameters, parts: parts.filter((p) => p.bytes > 0) };
}

/** Bytes as people read them: "512 B", "3.4 MB", "6.1 GB" (powers of 1000). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "?";
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let k = 0, v = n;
  while (v >= 1000 && k < units.length - 1) {
    v /= 1000;
    k++;
  }
  return k === 0 ? `${Math.round(v)} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[k]}`;
}
