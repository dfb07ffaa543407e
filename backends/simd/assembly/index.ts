// The module's exports: the fused trainer, the op kernels and GEMM.
export { refresh_norms, train_rows } from "./fused";
export { affine_backward_n, affine_backward_t, affine_n, affine_t, softmax_rows } from "./ops";
export { gemm_nn, gemm_nt, gemm_scratch_bytes, gemm_tn } from "./gemm";
