// Single-precision GEMM for the SIMD backend: WebAssembly SIMD128 only (f32x4.mul + f32x4.add,
// no relaxed-simd, no FMA), so every engine (V8 in Node/Deno, JavaScriptCore in Bun) computes
// bit-identical results.
//
// All matrices are row-major f32 in linear memory; pointers are byte offsets, leading
// dimensions are in elements. beta = 0 overwrites C (NaN or Inf already in C do not leak),
// beta = 1 accumulates, any other beta scales C first.
//
//   gemm_nn: C(M×N) = beta·C + A(M×K)·B(K×N)
//   gemm_nt: C(M×N) = beta·C + A(M×K)·Bᵀ,  B stored N×K
//   gemm_tn: C(M×N) = beta·C + Aᵀ·B(K×N),  A stored K×M
//
// `scratch` is a byte offset to gemm_scratch_bytes(M, N, K) bytes private to the calling
// thread (any alignment; 16 is best). Nothing else is written: no globals, no data segments,
// no allocation, so one instance per Worker on one shared memory is safe as long as each
// Worker passes its own scratch (and its own C).
//
// Scheme. The micro-kernel keeps a 2×16 tile of C in eight f32x4 registers; per k it loads
// 16 floats of B (four v128.load), broadcasts two floats of A (v128.load32_splat) and does
// eight f32x4.mul + eight f32x4.add. 2×16 is the largest tile whose working set (8
// accumulators, 4 B vectors, 2 broadcasts, 1 product temporary) fits the 15 XMM registers V8
// allocates on x64 without spilling: V8 hoists all loads of an iteration ahead of the
// arithmetic, so 4×8 with a k-unroll, 4×12 or 6×8 all spill, and 4×8 measured slower than
// 2×16 in both V8 and JavaScriptCore (each broadcast costs an FP-pipe slot on Zen 3, and
// 2×16 needs 2 per 16 mul/add instead of 4). The k loop is not unrolled for the same reason.
//
// A is never packed: the kernel reads its two rows through (row stride, k stride) so nn and tn
// differ only in those strides. B is packed per KC×16 panel into scratch (16 contiguous
// floats per k) when the panel is reused by enough rows of A (M ≥ PACK_M): this keeps the
// panel in L1 even when ldb is a power of two (a direct strided panel then maps to one L1
// set). For small M (batch 1) B is streamed straight from memory in short KC_DIRECT blocks,
// which keeps 32 row streams going for the prefetcher. gemm_nt packs (transposes) each
// KC×16 panel of the N×K matrix B with 4×4 shuffles, or for small M uses dot products of
// contiguous rows instead. Partial tiles (N mod 16) are computed into a 2×16 tile in scratch
// from a zero-padded panel and copied out; an odd last row uses a 1×16 kernel.

// @ts-ignore: decorator
@inline const NR: i32 = 16; // columns of the micro-tile (4 f32x4)
// @ts-ignore: decorator
@inline const KC: i32 = 256; // k block when B is packed: a 256×16 panel is 16 KiB (L1 is 32 KiB)
// @ts-ignore: decorator
@inline const KC_DIRECT: i32 = 32; // k block when B is read in place (small M)
// @ts-ignore: decorator
@inline const PACK_M: i32 = 4; // pack B panels from this M on (gemm_nn, gemm_tn)
// @ts-ignore: decorator
@inline const DOT_M: i32 = 4; // gemm_nt below this M uses dot products, no packing
// @ts-ignore: decorator
@inline const KC_DOT: i32 = 512; // k block of the dot-product gemm_nt

// @ts-ignore: decorator
@inline function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

/** Bytes of scratch gemm_nn / gemm_nt / gemm_tn need for these sizes (0 if there is no work). */
export function gemm_scratch_bytes(M: i32, N: i32, K: i32): i32 {
  if (M <= 0 || N <= 0 || K <= 0) return 0;
  return (imin(K, KC) * NR + 2 * NR) << 2;
}

/** C(M×N) = beta·C + A(M×K)·B(K×N). */
export function gemm_nn(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else gemmKN(M, N, K, A, lda << 2, 4, B, ldb, C, ldc, beta, scratch);
}

/** C(M×N) = beta·C + Aᵀ·B(K×N), A stored K×M. */
export function gemm_tn(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else gemmKN(M, N, K, A, 4, lda << 2, B, ldb, C, ldc, beta, scratch);
}

/** C(M×N) = beta·C + A(M×K)·Bᵀ, B stored N×K. */
export function gemm_nt(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else if (M < DOT_M) gemmDot(M, N, K, A, lda, B, ldb, C, ldc, beta);
  else gemmPackT(M, N, K, A, lda, B, ldb, C, ldc, beta, scratch);
}

/** B is K×N row-major; A element (i, k) is at A + i·ars + k·aks (bytes). */
function gemmKN(
  M: i32, N: i32, K: i32, A: usize, ars: i32, aks: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32,
  scratch: usize,
): void {
  const tile = scratch + (<usize>(imin(K, KC) * NR) << 2);
  const pack = M >= PACK_M;
  const kcb = pack ? KC : KC_DIRECT;
  for (let pc = 0; pc < K; pc += kcb) {
    const kc = imin(kcb, K - pc);
    const b = pc == 0 ? beta : <f32>1;
    const a = A + <usize>pc * <usize>aks;
    const brow = B + (<usize>(pc * ldb) << 2);
    for (let jc = 0; jc < N; jc += NR) {
      const nr = imin(NR, N - jc);
      if (pack || nr < NR) {
        packB(kc, nr, brow + (<usize>jc << 2), ldb, scratch);
        panel(M, kc, a, ars, aks, scratch, NR << 2, C + (<usize>jc << 2), ldc, nr, b, tile);
      } else {
        panel(M, kc, a, ars, aks, brow + (<usize>jc << 2), ldb << 2, C + (<usize>jc << 2), ldc, nr, b, tile);
      }
    }
  }
}

/** gemm_nt with B panels transposed into scratch. */
function gemmPackT(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  const tile = scratch + (<usize>(imin(K, KC) * NR) << 2);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = imin(KC, K - pc);
    const b = pc == 0 ? beta : <f32>1;
    const a = A + (<usize>pc << 2);
    for (let jc = 0; jc < N; jc += NR) {
      const nr = imin(NR, N - jc);
      packBT(kc, nr, B + (<usize>(jc * ldb + pc) << 2), ldb, scratch);
      panel(M, kc, a, lda << 2, 4, scratch, NR << 2, C + (<usize>jc << 2), ldc, nr, b, tile);
    }
  }
}

/**
 * C[0:M, 0:nr] = b·C + A[0:M, 0:kc]·P for one panel P of kc×16 floats at pb, k stride bks
 * bytes (columns past nr, if any, are zero-padded in P and not stored).
 */
function panel(
  M: i32, kc: i32, a: usize, ars: i32, aks: i32, pb: usize, bks: i32, c: usize, ldc: i32, nr: i32, b: f32,
  tile: usize,
): void {
  const ldcb = <usize>ldc << 2;
  const rs = <usize>ars;
  let i = 0;
  if (nr == NR) {
    for (; i + 2 <= M; i += 2) {
      kernel2(kc, a, a + rs, aks, pb, bks, c, ldc, b);
      a += rs << 1;
      c += ldcb << 1;
    }
    if (i < M) kernel1(kc, a, aks, pb, bks, c, b);
  } else {
    for (; i + 2 <= M; i += 2) {
      kernel2(kc, a, a + rs, aks, pb, bks, tile, NR, 0);
      copyTile(2, nr, tile, c, ldc, b);
      a += rs << 1;
      c += ldcb << 1;
    }
    if (i < M) {
      kernel1(kc, a, aks, pb, bks, tile, 0);
      copyTile(1, nr, tile, c, ldc, b);
    }
  }
}

/** C = beta·C (for K = 0). */
function scaleC(M: i32, N: i32, C: usize, ldc: i32, beta: f32): void {
  if (beta == 1) return;
  for (let i = 0; i < M; i++) {
    const row = C + (<usize>(i * ldc) << 2);
    for (let j = 0; j < N; j++) {
      const p = row + (<usize>j << 2);
      store<f32>(p, beta == 0 ? <f32>0 : beta * load<f32>(p));
    }
  }
}

/** C[0:mr, 0:nr] = beta·C + tile (row stride NR). */
function copyTile(mr: i32, nr: i32, tile: usize, c: usize, ldc: i32, beta: f32): void {
  for (let r = 0; r < mr; r++) {
    const t = tile + (<usize>(r * NR) << 2);
    const d = c + (<usize>(r * ldc) << 2);
    for (let j = 0; j < nr; j++) {
      const v = load<f32>(t + (<usize>j << 2));
      const p = d + (<usize>j << 2);
      if (beta == 0) store<f32>(p, v);
      else if (beta == 1) store<f32>(p, load<f32>(p) + v);
      else store<f32>(p, beta * load<f32>(p) + v);
    }
  }
}

/** Packs B[0:kc, 0:nr] (row stride ldb) as 16 floats per k, zero past nr. */
function packB(kc: i32, nr: i32, b: usize, ldb: i32, dst: usize): void {
  const ldbb = <usize>ldb << 2;
  if (nr == NR) {
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(b, 0), 0);
      v128.store(dst, v128.load(b, 16), 16);
      v128.store(dst, v128.load(b, 32), 32);
      v128.store(dst, v128.load(b, 48), 48);
      b += ldbb;
      dst += NR << 2;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      let j = 0;
      for (; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(b + (<usize>j << 2)));
      for (; j < NR; j++) store<f32>(dst + (<usize>j << 2), 0);
      b += ldbb;
      dst += NR << 2;
    }
  }
}

/**
 * Packs the transpose of B stored N×K: from rows 0:nr, columns 0:kc (row stride ldb), writes
 * for each k the 16 floats B[0:16, k] (zero past nr).
 */
function packBT(kc: i32, nr: i32, b: usize, ldb: i32, dst: usize): void {
  const ldbb = <usize>ldb << 2;
  let k = 0;
  if (nr == NR) {
    for (; k + 4 <= kc; k += 4) {
      let src = b + (<usize>k << 2);
      for (let j = 0; j < NR; j += 4) {
        const r0 = v128.load(src);
        const r1 = v128.load(src + ldbb);
        const r2 = v128.load(src + 2 * ldbb);
        const r3 = v128.load(src + 3 * ldbb);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const d = dst + (<usize>j << 2);
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), 0);
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), NR * 4);
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), NR * 8);
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), NR * 12);
        src += ldbb << 2;
      }
      dst += NR << 4;
    }
  }
  for (; k < kc; k++) {
    const o = b + (<usize>k << 2);
    let j = 0;
    for (; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(o + <usize>j * ldbb));
    for (; j < NR; j++) store<f32>(dst + (<usize>j << 2), 0);
    dst += NR << 2;
  }
}

/**
 * 2×16 micro-kernel: C[0:2, 0:16] = beta·C + Σ_{k<kc} [a0[k], a1[k]]ᵀ·pb[k], where a0, a1
 * advance by aks bytes and pb (16 floats) by bks bytes per k. kc ≥ 1.
 */
function kernel2(kc: i32, a0: usize, a1: usize, aks: i32, pb: usize, bks: i32, c: usize, ldc: i32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const as = <usize>aks, bs = <usize>bks;
  let k = kc;
  do {
    const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32), b3 = v128.load(pb, 48);
    let a = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    c02 = f32x4.add(c02, f32x4.mul(a, b2));
    c03 = f32x4.add(c03, f32x4.mul(a, b3));
    a = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    c12 = f32x4.add(c12, f32x4.mul(a, b2));
    c13 = f32x4.add(c13, f32x4.mul(a, b3));
    a0 += as;
    a1 += as;
    pb += bs;
  } while (--k);
  const p0 = c, p1 = c + (<usize>ldc << 2);
  if (beta == 0) {
    v128.store(p0, c00, 0);
    v128.store(p0, c01, 16);
    v128.store(p0, c02, 32);
    v128.store(p0, c03, 48);
    v128.store(p1, c10, 0);
    v128.store(p1, c11, 16);
    v128.store(p1, c12, 32);
    v128.store(p1, c13, 48);
  } else if (beta == 1) {
    v128.store(p0, f32x4.add(v128.load(p0, 0), c00), 0);
    v128.store(p0, f32x4.add(v128.load(p0, 16), c01), 16);
    v128.store(p0, f32x4.add(v128.load(p0, 32), c02), 32);
    v128.store(p0, f32x4.add(v128.load(p0, 48), c03), 48);
    v128.store(p1, f32x4.add(v128.load(p1, 0), c10), 0);
    v128.store(p1, f32x4.add(v128.load(p1, 16), c11), 16);
    v128.store(p1, f32x4.add(v128.load(p1, 32), c12), 32);
    v128.store(p1, f32x4.add(v128.load(p1, 48), c13), 48);
  } else {
    const vb = f32x4.splat(beta);
    v128.store(p0, f32x4.add(f32x4.mul(vb, v128.load(p0, 0)), c00), 0);
    v128.store(p0, f32x4.add(f32x4.mul(vb, v128.load(p0, 16)), c01), 16);
    v128.store(p0, f32x4.add(f32x4.mul(vb, v128.load(p0, 32)), c02), 32);
    v128.store(p0, f32x4.add(f32x4.mul(vb, v128.load(p0, 48)), c03), 48);
    v128.store(p1, f32x4.add(f32x4.mul(vb, v128.load(p1, 0)), c10), 0);
    v128.store(p1, f32x4.add(f32x4.mul(vb, v128.load(p1, 16)), c11), 16);
    v128.store(p1, f32x4.add(f32x4.mul(vb, v128.load(p1, 32)), c12), 32);
    v128.store(p1, f32x4.add(f32x4.mul(vb, v128.load(p1, 48)), c13), 48);
  }
}

/** 1×16 micro-kernel (the odd last row): C[0, 0:16] = beta·C + Σ_{k<kc} a0[k]·pb[k]. kc ≥ 1. */
function kernel1(kc: i32, a0: usize, aks: i32, pb: usize, bks: i32, c: usize, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  const as = <usize>aks, bs = <usize>bks;
  let k = kc;
  do {
    const a = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(a, v128.load(pb, 0)));
    c01 = f32x4.add(c01, f32x4.mul(a, v128.load(pb, 16)));
    c02 = f32x4.add(c02, f32x4.mul(a, v128.load(pb, 32)));
    c03 = f32x4.add(c03, f32x4.mul(a, v128.load(pb, 48)));
    a0 += as;
    pb += bs;
  } while (--k);
  if (beta == 0) {
    v128.store(c, c00, 0);
    v128.store(c, c01, 16);
    v128.store(c, c02, 32);
    v128.store(c, c03, 48);
  } else if (beta == 1) {
    v128.store(c, f32x4.add(v128.load(c, 0), c00), 0);
    v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    v128.store(c, f32x4.add(v128.load(c, 32), c02), 32);
    v128.store(c, f32x4.add(v128.load(c, 48), c03), 48);
  } else {
    const vb = f32x4.splat(beta);
    v128.store(c, f32x4.add(f32x4.mul(vb, v128.load(c, 0)), c00), 0);
    v128.store(c, f32x4.add(f32x4.mul(vb, v128.load(c, 16)), c01), 16);
    v128.store(c, f32x4.add(f32x4.mul(vb, v128.load(c, 32)), c02), 32);
    v128.store(c, f32x4.add(f32x4.mul(vb, v128.load(c, 48)), c03), 48);
  }
}

/**
 * gemm_nt as dot products of contiguous rows (no packing): C[i, j] = Σ_k A[i, k]·B[j, k]. For
 * each block of KC_DOT columns of k and each group of four rows of B (which then stay in L1),
 * a 2×4 kernel runs down the rows of A; an odd last row uses dot4 and N mod 4 columns dot1.
 */
function gemmDot(M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32): void {
  const ldab = <usize>lda << 2, ldbb = <usize>ldb << 2, ldcb = <usize>ldc << 2;
  for (let pc = 0; pc < K; pc += KC_DOT) {
    const kc = imin(KC_DOT, K - pc);
    const b = pc == 0 ? beta : <f32>1;
    const a0 = A + (<usize>pc << 2);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const bj = B + <usize>j * ldbb + (<usize>pc << 2);
      let a = a0;
      let c = C + (<usize>j << 2);
      let i = 0;
      for (; i + 2 <= M; i += 2) {
        dot24(kc, a, a + ldab, bj, ldbb, c, ldcb, b);
        a += ldab << 1;
        c += ldcb << 1;
      }
      if (i < M) dot4(kc, a, bj, ldbb, c, b);
    }
    for (; j < N; j++) {
      const bj = B + <usize>j * ldbb + (<usize>pc << 2);
      let a = a0;
      let p = C + (<usize>j << 2);
      for (let i = 0; i < M; i++) {
        const s = dot1(kc, a, bj);
        store<f32>(p, b == 0 ? s : b == 1 ? load<f32>(p) + s : b * load<f32>(p) + s);
        a += ldab;
        p += ldcb;
      }
    }
  }
}

// @ts-ignore: decorator
@inline function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  // [Σs0, Σs1, Σs2, Σs3]
  const t0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

// @ts-ignore: decorator
@inline function storeBeta(c: usize, s: v128, beta: f32): void {
  if (beta == 0) v128.store(c, s);
  else if (beta == 1) v128.store(c, f32x4.add(v128.load(c), s));
  else v128.store(c, f32x4.add(f32x4.mul(f32x4.splat(beta), v128.load(c)), s));
}

/**
 * 2×4 dot kernel: C[r, 0:4] = beta·C + [a_r·b0, a_r·b1, a_r·b2, a_r·b3] over K for rows a0, a1,
 * where b_c = b + c·ldbb and C rows are ldcb bytes apart.
 */
function dot24(K: i32, a0: usize, a1: usize, b: usize, ldbb: usize, c: usize, ldcb: usize, beta: f32): void {
  const b1 = b + ldbb, b2 = b1 + ldbb, b3 = b2 + ldbb;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  let o: usize = 0;
  const end = <usize>(K & ~3) << 2;
  for (; o < end; o += 16) {
    const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
    const y0 = v128.load(b + o), y1 = v128.load(b1 + o), y2 = v128.load(b2 + o), y3 = v128.load(b3 + o);
    s00 = f32x4.add(s00, f32x4.mul(x0, y0));
    s01 = f32x4.add(s01, f32x4.mul(x0, y1));
    s02 = f32x4.add(s02, f32x4.mul(x0, y2));
    s03 = f32x4.add(s03, f32x4.mul(x0, y3));
    s10 = f32x4.add(s10, f32x4.mul(x1, y0));
    s11 = f32x4.add(s11, f32x4.mul(x1, y1));
    s12 = f32x4.add(s12, f32x4.mul(x1, y2));
    s13 = f32x4.add(s13, f32x4.mul(x1, y3));
  }
  let r0 = hsum4(s00, s01, s02, s03);
  let r1 = hsum4(s10, s11, s12, s13);
  const lim = <usize>K << 2;
  for (; o < lim; o += 4) {
    const y = f32x4(load<f32>(b + o), load<f32>(b1 + o), load<f32>(b2 + o), load<f32>(b3 + o));
    r0 = f32x4.add(r0, f32x4.mul(v128.load32_splat(a0 + o), y));
    r1 = f32x4.add(r1, f32x4.mul(v128.load32_splat(a1 + o), y));
  }
  storeBeta(c, r0, beta);
  storeBeta(c + ldcb, r1, beta);
}

/** c[0:4] = beta·c + [a·b0, a·b1, a·b2, a·b3] over K, rows b_c = b + c·ldbb. */
function dot4(K: i32, a: usize, b: usize, ldbb: usize, c: usize, beta: f32): void {
  const b1 = b + ldbb, b2 = b1 + ldbb, b3 = b2 + ldbb;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let o: usize = 0;
  const end = <usize>(K & ~3) << 2;
  for (; o < end; o += 16) {
    const x = v128.load(a + o);
    s0 = f32x4.add(s0, f32x4.mul(x, v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(x, v128.load(b1 + o)));
    s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b2 + o)));
    s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b3 + o)));
  }
  let s = hsum4(s0, s1, s2, s3);
  const lim = <usize>K << 2;
  for (; o < lim; o += 4) {
    const y = f32x4(load<f32>(b + o), load<f32>(b1 + o), load<f32>(b2 + o), load<f32>(b3 + o));
    s = f32x4.add(s, f32x4.mul(v128.load32_splat(a + o), y));
  }
  storeBeta(c, s, beta);
}

/** a·b over K floats. */
function dot1(K: i32, a: usize, b: usize): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let o: usize = 0;
  const end8 = <usize>(K & ~7) << 2;
  for (; o < end8; o += 32) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  const end4 = <usize>(K & ~3) << 2;
  if (o < end4) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    o += 16;
  }
  const v = f32x4.add(s0, s1);
  let s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  const lim = <usize>K << 2;
  for (; o < lim; o += 4) s += load<f32>(a + o) * load<f32>(b + o);
  return s;
}
