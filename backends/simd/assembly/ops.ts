// Op-level kernels for the generic path (core/train/step.ts) and for scoring: the Backend
// contract's affine, affineBackward and softmax on transposed weights.
import { gemm_nn, gemm_nt, gemm_tn } from "./gemm";
import { axpy, copyf, f32at, setf, softmax, zerof } from "./math";

/** Y(B × rows) = X(B × nIn) · Wᵀ(nIn × rows) + b */
export function affine_t(X: usize, Wt: usize, b: usize, Y: usize, B: i32, nIn: i32, rows: i32, scratch: usize): void {
  for (let r = 0; r < B; r++) copyf(Y + (<usize>(r * rows) << 2), b, rows);
  gemm_nn(B, rows, nIn, X, nIn, Wt, rows, Y, rows, 1, scratch);
}

/** Scratch: gemm_scratch_bytes of the largest product. dX = dY · W (skipped when dX is 0), dWᵀ = scale · Xᵀ · dY, db = scale · column sums of dY */
export function affine_backward_t(dY: usize, X: usize, Wt: usize, dX: usize, dWt: usize, db: usize, B: i32, nIn: i32, rows: i32, scale: f32, scratch: usize): void {
  if (dX != 0) gemm_nt(B, nIn, rows, dY, rows, Wt, rows, dX, nIn, 0, scratch);
  gemm_tn(nIn, rows, B, X, nIn, dY, rows, dWt, rows, 0, scratch);
  finishGradients(dY, dWt, db, B, nIn * rows, rows, scale);
}

/** dW ← scale · dW (n values) and db ← scale · column sums of dY(B × rows). */
function finishGradients(dY: usize, dW: usize, db: usize, B: i32, n: i32, rows: i32, scale: f32): void {
  if (scale != 1) for (let i = 0; i < n; i++) setf(dW, i, f32at(dW, i) * scale);
  zerof(db, rows);
  for (let r = 0; r < B; r++) axpy(db, dY + (<usize>(r * rows) << 2), 1, rows);
  if (scale != 1) for (let i = 0; i < rows; i++) setf(db, i, f32at(db, i) * scale);
}

/** Row-wise softmax P(B × width) of Z, shifted by each row's maximum. */
export function softmax_rows(Z: usize, P: usize, B: i32, width: i32): void {
  for (let r = 0; r < B; r++) {
    const p = P + (<usize>(r * width) << 2);
    if (P != Z) copyf(p, Z + (<usize>(r * width) << 2), width);
    softmax(p, width);
  }
}

/** Y(B × rows) = X(B × nIn) · Wᵀ + b with W stored row-major (rows × nIn). */
export function affine_n(X: usize, W: usize, b: usize, Y: usize, B: i32, nIn: i32, rows: i32, scratch: usize): void {
  for (let r = 0; r < B; r++) copyf(Y + (<usize>(r * rows) << 2), b, rows);
  gemm_nt(B, rows, nIn, X, nIn, W, nIn, Y, rows, 1, scratch);
}

/** affine_backward_t for W stored row-major (rows × nIn): dX = dY · W, dW = scale · dYᵀ · X. */
export function affine_backward_n(dY: usize, X: usize, W: usize, dX: usize, dW: usize, db: usize, B: i32, nIn: i32, rows: i32, scale: f32, scratch: usize): void {
  if (dX != 0) gemm_nn(B, nIn, rows, dY, rows, W, nIn, dX, nIn, 0, scratch);
  gemm_tn(rows, nIn, B, dY, rows, X, nIn, dW, nIn, 0, scratch);
  finishGradients(dY, dW, db, B, nIn * rows, rows, scale);
}
