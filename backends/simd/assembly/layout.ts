// Field offsets of the structs the host writes into linear memory for the kernels.
// They must match backends/simd/layout.ts (a test compares the two files).

// Network context: 4-byte fields (i32, or f32 where noted).
export const C_LAYERS: i32 = 0; // weight matrices (hidden layers + 1)
export const C_ACT: i32 = 1; // 0 Tanh, 1 Rectifier, 2 Maxout, 3 a plugin's math called on the host
export const C_CHANNELS: i32 = 2;
export const C_OUTPUT: i32 = 3; // 0 softmax + cross-entropy, 1 softmax + quadratic, 2 linear, 3 reconstruct (autoencoder)
export const C_DIST: i32 = 4; // 0 gaussian, 1 laplace, 2 quantile, 3 huber, 4 poisson, 5 gamma, 6 tweedie, 7 a plugin's gradient called on the host
export const C_DIST_A: i32 = 5; // f32: quantile_alpha, huber_delta or tweedie_power
export const C_OPT: i32 = 6; // 0 adadelta, 1 sgd, 2 momentum, 3 nesterov
export const C_RHO: i32 = 7; // f32
export const C_EPS: i32 = 8; // f32
export const C_RATE: i32 = 9; // f32
export const C_ANNEAL: i32 = 10; // f32
export const C_DECAY: i32 = 11; // f32
export const C_MOM0: i32 = 12; // f32
export const C_RAMP: i32 = 13; // f32
export const C_MOM1: i32 = 14; // f32
export const C_L1: i32 = 15; // f32
export const C_L2: i32 = 16; // f32
export const C_MAXW2: i32 = 17; // f32, 0 = off
export const C_SKIP: i32 = 18; // 1: leave parameters whose data gradient is 0 untouched (fast_mode)
export const C_SEED0: i32 = 19;
export const C_SEED1: i32 = 20;
export const C_BATCH: i32 = 21;
export const C_N0: i32 = 22;
export const C_DENSE: i32 = 23; // rows × n0 f32, or 0 for CSR
export const C_INDPTR: i32 = 24;
export const C_INDEX: i32 = 25;
export const C_VALUE: i32 = 26;
export const C_TARGET: i32 = 27; // f32 per row: class index or (standardized) response (unused by an autoencoder)
export const C_WEIGHT: i32 = 28; // f32 per row, or 0
export const C_IN_DROP: i32 = 29; // keep an input iff (u32 >>> 8) ≥ this; 0 = no input dropout
export const C_OFFSET: i32 = 30; // f32 per row added to the linear output (offset_column), or 0
export const C_LAYER0: i32 = 32; // first layer record
export const C_LAYER_SIZE: i32 = 16;

// Layer record m (weights into layer m + 1), fields after C_LAYER0 + m·C_LAYER_SIZE.
export const L_IN: i32 = 0;
export const L_UNITS: i32 = 1;
export const L_ROWS: i32 = 2; // units × channels
export const L_W: i32 = 3; // transposed weights: f32 (in × rows), element (i, r) at i·rows + r
export const L_B: i32 = 4;
export const L_SW0: i32 = 5; // optimizer slots of W (same layout) and b
export const L_SW1: i32 = 6;
export const L_SB0: i32 = 7;
export const L_SB1: i32 = 8;
export const L_DROP: i32 = 9; // dropout threshold of this layer's output units (as C_IN_DROP)
export const L_NORM: i32 = 10; // f32 per row: Σ W[r, :]² for max_w2, or 0
export const L_ROWMAJOR: i32 = 11; // 1: W stored row-major (rows × in), chosen for layer 0 on dense inputs

// Thread scratch: one record per activation level ℓ = 0 … layers, T_SIZE fields each.
export const T_SIZE: i32 = 16;
export const T_LIST: i32 = 0; // i32[units]: live units of the level (per-sample path)
export const T_VAL: i32 = 1; // f32[units]: their activations
export const T_WIN: i32 = 2; // i32[units]: Maxout winning channel
export const T_COUNT: i32 = 3; // number of live units
export const T_Z: i32 = 4; // f32[batch × rows]: pre-activations
export const T_E: i32 = 5; // f32[batch × units]: errors
export const T_G: i32 = 6; // f32[batch × rows]: gradients at the pre-activation
export const T_A: i32 = 7; // f32[batch × units]: activations (mini-batch path)
export const T_M: i32 = 8; // f32[batch × units]: dropout masks (mini-batch path)
export const T_DW: i32 = 9; // f32[in × rows]: weight gradient (mini-batch path, level ≥ 1)
export const T_DB: i32 = 10; // f32[rows]
export const T_DENSE: i32 = 11; // f32[units]: dense scratch (level 0 when fast_mode is off)
export const T_GEMM: i32 = 12; // level 0 only: the thread's GEMM packing scratch (gemm_scratch_bytes)
