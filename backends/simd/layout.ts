/**
 * Field offsets of the structs the host writes for the WebAssembly kernels. They mirror
 * backends/simd/assembly/layout.ts; test/simd/layout_test.ts checks that the two agree.
 * @module
 */
export const C = {
  LAYERS: 0, ACT: 1, CHANNELS: 2, OUTPUT: 3, DIST: 4, DIST_A: 5, OPT: 6, RHO: 7, EPS: 8, RATE: 9, ANNEAL: 10,
  DECAY: 11, MOM0: 12, RAMP: 13, MOM1: 14, L1: 15, L2: 16, MAXW2: 17, SKIP: 18, SEED0: 19, SEED1: 20, BATCH: 21,
  N0: 22, DENSE: 23, INDPTR: 24, INDEX: 25, VALUE: 26, TARGET: 27, WEIGHT: 28, IN_DROP: 29, OFFSET: 30, LAYER0: 32, LAYER_SIZE: 16,
} as const;

export const L = { IN: 0, UNITS: 1, ROWS: 2, W: 3, B: 4, SW0: 5, SW1: 6, SB0: 7, SB1: 8, DROP: 9, NORM: 10, ROWMAJOR: 11 } as const;

export const T = {
  SIZE: 16, LIST: 0, VAL: 1, WIN: 2, COUNT: 3, Z: 4, E: 5, G: 6, A: 7, M: 8, DW: 9, DB: 10, DENSE: 11, GEMM: 12,
} as const;

/** Built-in fast bodies the kernels implement, by plugin `fastBody` name → kernel code. */
export const ACTIVATIONS: Record<string, number> = { tanh: 0, rectifier: 1, maxout: 2 };
export const DISTRIBUTIONS: Record<string, number> = { gaussian: 0, laplace: 1, quantile: 2, huber: 3, poisson: 4, gamma: 5, tweedie: 6 };
export const OPTIMIZERS: Record<string, number> = { adadelta: 0, sgd: 1, momentum: 2, nesterov: 3 };

/** Integer dropout threshold: a unit is kept iff (u32 >>> 8) ≥ it, i.e. its 24-bit uniform ≥ ratio. */
export function dropThreshold(ratio: number): number {
  return ratio > 0 ? Math.ceil(ratio * 16777216) : 0;
}
