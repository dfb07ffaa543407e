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
// Micro-kernel (k4x8). A 4×8 tile of C lives in eight f32x4 registers. Per k it does one
// v128.load of a packed 4-row panel of A, whose lanes are broadcast by four shuffles, two
// v128.load of B, and eight f32x4.mul + eight f32x4.add: 3 memory accesses per 64 flops. That
// count matters in Deno, whose V8 does explicit bounds checks on every access (no signal
// handler): this kernel is ~20 % faster there than a 2×16 one with v128.load32_splat
// broadcasts (6 accesses), and the same within noise in Node and Bun. Larger tiles do not fit:
// V8 (x64) allocates 15 XMM registers and schedules all loads of an iteration ahead of the
// arithmetic, so 4×12, 6×8, 1×32 or any k-unrolled loop spill (the k loop is not unrolled).
//
// Blocking (gemm_nn, gemm_tn, and gemm_nt for larger M): K in blocks of KC (KC_SMALL when
// M = 4, where B is streamed once), M in blocks of MC rows packed into 4-row panels (zero
// rows past M). B is packed per KC×8 panel (8 contiguous floats per k) when it is reused by
// at least PACKB_M rows and its row stride is a multiple of 256 bytes (a strided panel then
// crowds into a few L1 sets: a 4 KiB stride maps every row to one set); otherwise the kernel
// reads B in place. gemm_nt packs (transposes with 4×4 shuffles) each KC×8 panel of its N×K
// matrix B, or for M < DOT_M and K ≥ 128 uses dot products of contiguous rows instead (2×4
// outputs at a time, no packing). Partial tiles (M mod 4 rows, N mod 8 columns) are computed
// from zero-padded panels into a 4×8 tile in scratch and copied out.
//
// Batch 1: gemm_nn / gemm_tn with M < 4 run one gemv per row (B streamed once, four rows at a
// time, the row of C kept in L1); gemm_nt with M < 4 uses the dot products.

// @ts-ignore: decorator
@inline const KC: i32 = 256; // k block: a 256×8 B panel is 8 KiB, a 4×256 A panel 4 KiB
// @ts-ignore: decorator
@inline const KC_SMALL: i32 = 32; // k block for M = 4 (B streamed from memory once)
// @ts-ignore: decorator
@inline const MC: i32 = 128; // rows of A packed at a time (128×256 floats = 128 KiB, in L2)
// @ts-ignore: decorator
@inline const PACKB_M: i32 = 16; // pack B panels (nn, tn) from this M on, if ldb % 64 == 0
// @ts-ignore: decorator
@inline const DOT_M: i32 = 64; // gemm_nt below this M (and K ≥ 128, or M < 4) uses dot products
// @ts-ignore: decorator
@inline const KC_DOT: i32 = 2048; // k block of the dot-product gemm_nt

// @ts-ignore: decorator
@inline function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

// Scratch layout (floats): B panel KC×8 | tile 4×8 | A block (≤ MC rows, multiple of 4) × KC.
// @ts-ignore: decorator
@inline const TILE_OFF: i32 = KC * 8;
// @ts-ignore: decorator
@inline const APACK_OFF: i32 = KC * 8 + 32;

/** Bytes of scratch gemm_nn / gemm_nt / gemm_tn need for these sizes (0 if there is no work). */
export function gemm_scratch_bytes(M: i32, N: i32, K: i32): i32 {
  if (M <= 0 || N <= 0 || K <= 0) return 0;
  const mc = imin((M + 3) & ~3, MC);
  return (APACK_OFF + mc * imin(K, KC)) << 2;
}

/** C(M×N) = beta·C + A(M×K)·B(K×N). */
export function gemm_nn(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else if (M < 4) gemvRows(M, N, K, A, lda << 2, 4, B, ldb, C, ldc, beta);
  else gemmBlocked(M, N, K, A, lda << 2, 4, B, ldb, false, C, ldc, beta, scratch);
}

/** C(M×N) = beta·C + Aᵀ·B(K×N), A stored K×M. */
export function gemm_tn(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else if (M < 4) gemvRows(M, N, K, A, 4, lda << 2, B, ldb, C, ldc, beta);
  else gemmBlocked(M, N, K, A, 4, lda << 2, B, ldb, false, C, ldc, beta, scratch);
}

/** C(M×N) = beta·C + A(M×K)·Bᵀ, B stored N×K. */
export function gemm_nt(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else if (M < 4 || (M < DOT_M && K >= 128)) gemmDot(M, N, K, A, lda, B, ldb, C, ldc, beta);
  else gemmBlocked(M, N, K, A, lda << 2, 4, B, ldb, true, C, ldc, beta, scratch);
}

/** M < 4 (batch 1): one gemv per row of C; B is streamed once per row. */
function gemvRows(M: i32, N: i32, K: i32, A: usize, ars: i32, aks: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32): void {
  for (let i = 0; i < M; i++) {
    gemv(N, K, A, aks, B, ldb, C, beta);
    A += <usize>ars;
    C += <usize>ldc << 2;
  }
}

/**
 * One row of C: c[0:N] = beta·c + Σ_k a[k]·B[k, 0:N], a[k] at a + k·aks bytes. B is
 * read once, four whole rows at a time (sequential streams), c (≤ a few KiB) stays in L1:
 * per 4 columns 4 loads of B, a load and a store of c, 4 mul + 4 add on 4 broadcasts.
 */
function gemv(N: i32, K: i32, a: usize, aks: i32, B: usize, ldb: i32, c: usize, beta: f32): void {
  scaleC(1, N, c, 0, beta);
  const ldbb = <usize>ldb << 2, as = <usize>aks;
  const n4 = <usize>(N & ~3) << 2, n = <usize>N << 2;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const x0 = v128.load32_splat(a), x1 = v128.load32_splat(a + as);
    const x2 = v128.load32_splat(a + 2 * as), x3 = v128.load32_splat(a + 3 * as);
    const b0 = B, b1 = b0 + ldbb, b2 = b1 + ldbb, b3 = b2 + ldbb;
    let o: usize = 0;
    for (; o < n4; o += 16) {
      const s01 = f32x4.add(f32x4.mul(x0, v128.load(b0 + o)), f32x4.mul(x1, v128.load(b1 + o)));
      const s23 = f32x4.add(f32x4.mul(x2, v128.load(b2 + o)), f32x4.mul(x3, v128.load(b3 + o)));
      v128.store(c + o, f32x4.add(v128.load(c + o), f32x4.add(s01, s23)));
    }
    for (; o < n; o += 4) {
      const s01 = f32x4.extract_lane(x0, 0) * load<f32>(b0 + o) + f32x4.extract_lane(x1, 0) * load<f32>(b1 + o);
      const s23 = f32x4.extract_lane(x2, 0) * load<f32>(b2 + o) + f32x4.extract_lane(x3, 0) * load<f32>(b3 + o);
      store<f32>(c + o, load<f32>(c + o) + (s01 + s23));
    }
    a += as << 2;
    B += ldbb << 2;
  }
  for (; k < K; k++) {
    const x = v128.load32_splat(a);
    let o: usize = 0;
    for (; o < n4; o += 16) v128.store(c + o, f32x4.add(v128.load(c + o), f32x4.mul(x, v128.load(B + o))));
    for (; o < n; o += 4) store<f32>(c + o, load<f32>(c + o) + f32x4.extract_lane(x, 0) * load<f32>(B + o));
    a += as;
    B += ldbb;
  }
}

/**
 * The blocked product. A element (i, k) is at A + i·ars + k·aks (bytes). B is K×N with row
 * stride ldb (elements), or with tb N×K (the gemm_nt case; its panels are always packed).
 */
function gemmBlocked(
  M: i32, N: i32, K: i32, A: usize, ars: i32, aks: i32, B: usize, ldb: i32, tb: bool, C: usize, ldc: i32,
  beta: f32, scratch: usize,
): void {
  const bp = scratch;
  const tile = scratch + (<usize>TILE_OFF << 2);
  const ap = scratch + (<usize>APACK_OFF << 2);
  const ldbb = <usize>ldb << 2;
  const ldcb = <usize>ldc << 2;
  // Pack B panels when reused by enough rows and a strided panel would crowd into a few cache
  // sets (row stride a multiple of 256 bytes; 4 KiB maps every row to the same L1 set).
  const packB = tb || (M >= PACKB_M && (ldb & 63) == 0);
  const kcb = M <= 4 ? KC_SMALL : KC;
  for (let pc = 0; pc < K; pc += kcb) {
    const kc = imin(kcb, K - pc);
    const b = pc == 0 ? beta : <f32>1;
    // B block origin: row pc of a K×N matrix, or column pc of an N×K one.
    const b0 = tb ? B + (<usize>pc << 2) : B + <usize>pc * ldbb;
    const panelBytes = <usize>kc << 4; // one packed 4-row panel of A
    for (let ic = 0; ic < M; ic += MC) {
      const mc = imin(MC, M - ic);
      packA4(mc, kc, A + <usize>ic * <usize>ars + <usize>pc * <usize>aks, ars, aks, ap);
      const c0 = C + <usize>ic * ldcb;
      for (let jc = 0; jc < N; jc += 8) {
        const nr = imin(8, N - jc);
        let pb: usize, bks: i32;
        if (tb) {
          packBT(kc, nr, b0 + <usize>jc * ldbb, ldb, bp);
          pb = bp;
          bks = 32;
        } else if (packB || nr < 8) {
          packB8(kc, nr, b0 + (<usize>jc << 2), ldbb, bp);
          pb = bp;
          bks = 32;
        } else {
          pb = b0 + (<usize>jc << 2);
          bks = ldb << 2;
        }
        let c = c0 + (<usize>jc << 2);
        let pa = ap;
        let i = 0;
        if (nr == 8) {
          for (; i + 4 <= mc; i += 4) {
            k4x8(kc, pa, pb, bks, c, ldc, b);
            pa += panelBytes;
            c += ldcb << 2;
          }
        }
        for (; i < mc; i += 4) {
          k4x8(kc, pa, pb, bks, tile, 8, 0);
          copyTile(imin(4, mc - i), nr, tile, c, ldc, b);
          pa += panelBytes;
          c += ldcb << 2;
        }
      }
    }
  }
}

/** C[0:mr, 0:nr] = beta·C + tile (row stride 8 floats). */
function copyTile(mr: i32, nr: i32, tile: usize, c: usize, ldc: i32, beta: f32): void {
  for (let r = 0; r < mr; r++) {
    const t = tile + (<usize>r << 5);
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

/**
 * Packs A[0:mc, 0:kc] (element (i, k) at a + i·ars + k·aks) into 4-row panels: panel p holds
 * kc × [A(4p, k), A(4p+1, k), A(4p+2, k), A(4p+3, k)] at dst + p·kc·16 bytes, rows past mc zero.
 */
function packA4(mc: i32, kc: i32, a: usize, ars: i32, aks: i32, dst: usize): void {
  const rs = <usize>ars, ksb = <usize>aks;
  let i = 0;
  if (aks == 4) {
    // Rows contiguous in k (gemm_nn, gemm_nt): 4×4 transposes.
    for (; i + 4 <= mc; i += 4) {
      const r0 = a, r1 = a + rs, r2 = r1 + rs, r3 = r2 + rs;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), 0);
        v128.store(dst, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
        v128.store(dst, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
        v128.store(dst, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
        dst += 64;
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2;
        store<f32>(dst, load<f32>(r0 + o), 0);
        store<f32>(dst, load<f32>(r1 + o), 4);
        store<f32>(dst, load<f32>(r2 + o), 8);
        store<f32>(dst, load<f32>(r3 + o), 12);
        dst += 16;
      }
      a += rs << 2;
    }
  } else {
    // Rows adjacent (gemm_tn, A stored K×M): each panel is 16 contiguous bytes per k.
    for (; i + 4 <= mc; i += 4) {
      let src = a;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        src += ksb;
        dst += 16;
      }
      a += rs << 2;
    }
  }
  const mr = mc - i;
  if (mr > 0) {
    for (let k = 0; k < kc; k++) {
      const src = a + <usize>k * ksb;
      store<f32>(dst, load<f32>(src), 0);
      store<f32>(dst, mr > 1 ? load<f32>(src + rs) : 0, 4);
      store<f32>(dst, mr > 2 ? load<f32>(src + 2 * rs) : 0, 8);
      store<f32>(dst, 0, 12);
      dst += 16;
    }
  }
}

/** Packs B[0:kc, 0:nr] (nr ≤ 8, row stride ldbb bytes) as 8 floats per k, zero past nr. */
function packB8(kc: i32, nr: i32, b: usize, ldbb: usize, dst: usize): void {
  if (nr == 8) {
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(b, 0), 0);
      v128.store(dst, v128.load(b, 16), 16);
      b += ldbb;
      dst += 32;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      let j = 0;
      for (; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(b + (<usize>j << 2)));
      for (; j < 8; j++) store<f32>(dst + (<usize>j << 2), 0);
      b += ldbb;
      dst += 32;
    }
  }
}

/**
 * Packs the transpose of B stored N×K: from rows 0:nr (nr ≤ 8), columns 0:kc (row stride
 * ldb), writes for each k the 8 floats B[0:8, k] (zero past nr).
 */
function packBT(kc: i32, nr: i32, b: usize, ldb: i32, dst: usize): void {
  const ldbb = <usize>ldb << 2;
  let k = 0;
  if (nr == 8) {
    for (; k + 4 <= kc; k += 4) {
      let src = b + (<usize>k << 2);
      for (let j = 0; j < 8; j += 4) {
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
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
        src += ldbb << 2;
      }
      dst += 128;
    }
  }
  for (; k < kc; k++) {
    const o = b + (<usize>k << 2);
    let j = 0;
    for (; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(o + <usize>j * ldbb));
    for (; j < 8; j++) store<f32>(dst + (<usize>j << 2), 0);
    dst += 32;
  }
}

/** C = beta·C (K = 0, and the first step of gemv). */
function scaleC(M: i32, N: i32, C: usize, ldc: i32, beta: f32): void {
  if (beta == 1) return;
  const vb = f32x4.splat(beta);
  const n4 = <usize>(N & ~3) << 2, n = <usize>N << 2;
  for (let i = 0; i < M; i++) {
    const row = C + (<usize>(i * ldc) << 2);
    let o: usize = 0;
    if (beta == 0) {
      for (; o < n4; o += 16) v128.store(row + o, f32x4.splat(0));
      for (; o < n; o += 4) store<f32>(row + o, 0);
    } else {
      for (; o < n4; o += 16) v128.store(row + o, f32x4.mul(vb, v128.load(row + o)));
      for (; o < n; o += 4) store<f32>(row + o, beta * load<f32>(row + o));
    }
  }
}

// @ts-ignore: decorator
@inline function storeBeta(c: usize, off: usize, s: v128, beta: f32): void {
  if (beta == 0) v128.store(c + off, s);
  else if (beta == 1) v128.store(c + off, f32x4.add(v128.load(c + off), s));
  else v128.store(c + off, f32x4.add(f32x4.mul(f32x4.splat(beta), v128.load(c + off)), s));
}

/**
 * 4×8 micro-kernel: C[0:4, 0:8] = beta·C + Σ_{k<kc} pa[k]ᵀ·pb[k], where pa is a packed 4-row
 * panel of A (16 bytes per k) and pb holds 8 floats of B per k, bks bytes apart. kc ≥ 1.
 * Per k: one v128.load of A whose lanes are broadcast by shuffles, two of B, 8 mul + 8 add.
 */
function k4x8(kc: i32, pa: usize, pb: usize, bks: i32, c: usize, ldc: i32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const bs = <usize>bks;
  let k = kc;
  do {
    const av = v128.load(pa);
    const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16);
    let a = v128.shuffle<f32>(av, av, 0, 0, 0, 0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.shuffle<f32>(av, av, 1, 1, 1, 1);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.shuffle<f32>(av, av, 2, 2, 2, 2);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.shuffle<f32>(av, av, 3, 3, 3, 3);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16;
    pb += bs;
  } while (--k);
  const ldcb = <usize>ldc << 2;
  const p1 = c + ldcb, p2 = p1 + ldcb, p3 = p2 + ldcb;
  if (beta == 0) {
    v128.store(c, c00, 0);
    v128.store(c, c01, 16);
    v128.store(p1, c10, 0);
    v128.store(p1, c11, 16);
    v128.store(p2, c20, 0);
    v128.store(p2, c21, 16);
    v128.store(p3, c30, 0);
    v128.store(p3, c31, 16);
  } else {
    storeBeta(c, 0, c00, beta);
    storeBeta(c, 16, c01, beta);
    storeBeta(p1, 0, c10, beta);
    storeBeta(p1, 16, c11, beta);
    storeBeta(p2, 0, c20, beta);
    storeBeta(p2, 16, c21, beta);
    storeBeta(p3, 0, c30, beta);
    storeBeta(p3, 16, c31, beta);
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
  storeBeta(c, 0, r0, beta);
  storeBeta(c + ldcb, 0, r1, beta);
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
  storeBeta(c, 0, s, beta);
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
