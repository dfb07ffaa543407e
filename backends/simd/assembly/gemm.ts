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
// Micro-kernel. A 2×16 tile of C lives in eight f32x4 registers; per k it loads 16 floats of
// B (four v128.load), broadcasts two floats of A (v128.load32_splat) and does eight
// f32x4.mul + eight f32x4.add. 2×16 is the largest tile whose working set (8 accumulators,
// 4 B vectors, 2 broadcasts, 1 product) fits the 15 XMM registers V8 allocates on x64: V8
// schedules all loads of an iteration ahead of the arithmetic, so 4×8 with a k-unroll, 4×12,
// 6×8 or 1×32 spill. 2×16 also beat 4×8 in both V8 and JavaScriptCore (each broadcast takes
// an FP-pipe slot on Zen 3; 2×16 needs 2 per 16 mul/add, 4×8 needs 4). The k loop is not
// unrolled, for the same register reason. Narrower 2×8 and 2×4 (and 1-row) variants of the
// same kernel take the N mod 16 columns; the last N mod 4 go through a small tile in scratch.
//
// Blocking (gemm_nn, gemm_tn, and gemm_nt for larger M): K in blocks of KC (KC_DIRECT for
// M ≤ 2). Within a K block, A of gemm_tn (stored K×M) is packed into row pairs, MC rows at a
// time, when it is reused by enough 16-column panels and its row stride is a multiple of 256
// bytes (a strided column strip would then crowd into a few L1 sets). B is packed per KC×16
// panel (16 contiguous floats per k) when it is reused by enough rows and its row stride is a
// multiple of 256 bytes, for the same reason. Otherwise both are read in place through (row,
// k) strides, so nn and tn differ only in strides. For small M (batch 1) B is streamed once
// in short K blocks (many sequential row streams for the prefetcher). gemm_nt packs
// (transposes with 4×4 shuffles) each KC×16 panel of its N×K matrix B, or for M < DOT_M and
// K ≥ 128 uses dot products of contiguous rows instead (2×4 outputs at a time, no packing).

// @ts-ignore: decorator
@inline const KC: i32 = 256; // k block: a 256×16 B panel is 16 KiB (L1D is 32 KiB)
// @ts-ignore: decorator
@inline const KC_DIRECT: i32 = 32; // k block for M ≤ 2 (B streamed from memory once)
// @ts-ignore: decorator
@inline const MC: i32 = 128; // rows of A packed at a time (128×256 floats = 128 KiB, in L2)
// @ts-ignore: decorator
@inline const PACKA_M: i32 = 4; // pack A (gemm_tn, lda % 64 == 0) from this M on ...
// @ts-ignore: decorator
@inline const PACKA_N: i32 = 48; // ... when N is at least this
// @ts-ignore: decorator
@inline const PACKB_M: i32 = 16; // pack B panels (nn, tn) from this M on, if ldb % 64 == 0
// @ts-ignore: decorator
@inline const KGEMV: i32 = __KG__; // gemm_nn / gemm_tn with K up to this run row by row (gemv)
// @ts-ignore: decorator
@inline const DOT_M: i32 = 64; // gemm_nt below this M (and K ≥ 128, or M < 4) uses dot products
// @ts-ignore: decorator
@inline const KC_DOT: i32 = 2048; // k block of the dot-product gemm_nt

// @ts-ignore: decorator
@inline function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

// Scratch layout (floats): B panel KC×16 | tile 2×16 | A block (≤ MC rows, even) × KC.
// @ts-ignore: decorator
@inline const TILE_OFF: i32 = KC * 16;
// @ts-ignore: decorator
@inline const APACK_OFF: i32 = KC * 16 + 32;

/** Bytes of scratch gemm_nn / gemm_nt / gemm_tn need for these sizes (0 if there is no work). */
export function gemm_scratch_bytes(M: i32, N: i32, K: i32): i32 {
  if (M <= 0 || N <= 0 || K <= 0) return 0;
  const mc = imin((M + 1) & ~1, MC);
  return (APACK_OFF + mc * imin(K, KC)) << 2;
}

/** C(M×N) = beta·C + A(M×K)·B(K×N). */
export function gemm_nn(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else if (M == 1 || K <= KGEMV) gemvRows(M, N, K, A, lda << 2, 4, B, ldb, C, ldc, beta);
  else gemmBlocked(M, N, K, A, lda << 2, 4, B, ldb, false, C, ldc, beta, scratch);
}

/** C(M×N) = beta·C + Aᵀ·B(K×N), A stored K×M. */
export function gemm_tn(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) scaleC(M, N, C, ldc, beta);
  else if (M == 1 || K <= KGEMV) gemvRows(M, N, K, A, 4, lda << 2, B, ldb, C, ldc, beta);
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

/** gemv for each row of C (M = 1, or K so small that B is a few rows kept in L1). */
function gemvRows(M: i32, N: i32, K: i32, A: usize, ars: i32, aks: i32, B: usize, ldb: i32, C: usize, ldc: i32, beta: f32): void {
  const ldcb = <usize>ldc << 2;
  for (let i = 0; i < M; i++) {
    gemv(N, K, A, aks, B, ldb, C, beta);
    A += <usize>ars;
    C += ldcb;
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
  // Pack A / B when reused enough and their strided reads would crowd into a few cache sets
  // (stride a multiple of 256 bytes; a 4 KiB stride maps every row to the same L1 set). A is
  // only packed when its k stride is not 4 (gemm_tn): rows of A contiguous in k stream well,
  // and packing them measured slower.
  const packA = M >= PACKA_M && N >= PACKA_N && aks != 4 && (aks & 255) == 0;
  const packB = tb || (M >= PACKB_M && (ldb & 63) == 0);
  const kcb = M <= 2 ? KC_DIRECT : KC;
  for (let pc = 0; pc < K; pc += kcb) {
    const kc = imin(kcb, K - pc);
    const b = pc == 0 ? beta : <f32>1;
    // B block origin: row pc of a K×N matrix, or column pc of an N×K one.
    const b0 = tb ? B + (<usize>pc << 2) : B + <usize>pc * ldbb;
    for (let ic = 0; ic < M; ic += MC) {
      const mc = imin(MC, M - ic);
      let a = A + <usize>ic * <usize>ars + <usize>pc * <usize>aks;
      // Row pairs of A: pair p starts at a + p·ps, its second row at + ro, k step ks.
      let ps: usize, ro: usize, ks: i32;
      if (packA) {
        packAPairs(mc, kc, a, ars, aks, ap);
        a = ap;
        ps = <usize>kc << 3;
        ro = 4;
        ks = 8;
      } else {
        ps = <usize>ars << 1;
        ro = <usize>ars;
        ks = aks;
      }
      const c0 = C + <usize>ic * ldcb;
      let jc = 0;
      for (; jc + 16 <= N; jc += 16) {
        const c = c0 + (<usize>jc << 2);
        if (tb) {
          packBT(kc, 16, b0 + <usize>jc * ldbb, ldb, bp);
          cols16(mc, kc, a, ps, ro, ks, bp, 64, c, ldc, b);
        } else if (packB) {
          packB16(kc, b0 + (<usize>jc << 2), ldbb, bp);
          cols16(mc, kc, a, ps, ro, ks, bp, 64, c, ldc, b);
        } else {
          cols16(mc, kc, a, ps, ro, ks, b0 + (<usize>jc << 2), ldb << 2, c, ldc, b);
        }
      }
      const r = N - jc;
      if (r == 0) continue;
      // The last N mod 16 columns: kernel width w = 4, 8 or 16. If r == w, straight into C
      // (B in place or, for gemm_nt, packed); otherwise from a zero-padded packed panel into
      // the tile, of which r columns are copied out.
      const w = r <= 4 ? 4 : r <= 8 ? 8 : 16;
      const c = c0 + (<usize>jc << 2);
      let pb = bp, bks = 64;
      if (tb) packBT(kc, r, b0 + <usize>jc * ldbb, ldb, bp);
      else if (r == w) {
        pb = b0 + (<usize>jc << 2);
        bks = ldb << 2;
      } else packBEdge(kc, r, b0 + (<usize>jc << 2), ldbb, bp);
      if (r == w) {
        if (w == 4) cols4(mc, kc, a, ps, ro, ks, pb, bks, c, ldc, b);
        else cols8(mc, kc, a, ps, ro, ks, pb, bks, c, ldc, b);
      } else if (w == 4) tail4(mc, kc, a, ps, ro, ks, pb, c, ldc, r, b, tile);
      else if (w == 8) tail8(mc, kc, a, ps, ro, ks, pb, c, ldc, r, b, tile);
      else tail16(mc, kc, a, ps, ro, ks, pb, c, ldc, r, b, tile);
    }
  }
}

// Column strips of C[0:M, 0:4·nv] over one k block: row pairs through the 2-row kernel, an
// odd last row through the 1-row kernel.
// @ts-ignore: decorator
@inline function colsN(
  nv: i32, M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, bks: i32, c: usize, ldc: i32,
  b: f32,
): void {
  const step = <usize>ldc << 3;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    if (nv == 4) k2x16(kc, a, a + ro, ks, pb, bks, c, ldc, b);
    else if (nv == 2) k2x8(kc, a, a + ro, ks, pb, bks, c, ldc, b);
    else k2x4(kc, a, a + ro, ks, pb, bks, c, ldc, b);
    a += ps;
    c += step;
  }
  if (i < M) {
    if (nv == 4) k1x16(kc, a, ks, pb, bks, c, b);
    else if (nv == 2) k1x8(kc, a, ks, pb, bks, c, b);
    else k1x4(kc, a, ks, pb, bks, c, b);
  }
}

function cols16(M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, bks: i32, c: usize, ldc: i32, b: f32): void {
  colsN(4, M, kc, a, ps, ro, ks, pb, bks, c, ldc, b);
}
function cols8(M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, bks: i32, c: usize, ldc: i32, b: f32): void {
  colsN(2, M, kc, a, ps, ro, ks, pb, bks, c, ldc, b);
}
function cols4(M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, bks: i32, c: usize, ldc: i32, b: f32): void {
  colsN(1, M, kc, a, ps, ro, ks, pb, bks, c, ldc, b);
}

// The last nr columns (nr < 4·nv) from a zero-padded panel (16 floats per k): 4·nv-wide
// kernels into the tile (row stride 16 floats), nr columns copied out.
// @ts-ignore: decorator
@inline function tailN(
  nv: i32, M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, c: usize, ldc: i32, nr: i32,
  b: f32, tile: usize,
): void {
  const step = <usize>ldc << 3;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    if (nv == 4) k2x16(kc, a, a + ro, ks, pb, 64, tile, 16, 0);
    else if (nv == 2) k2x8(kc, a, a + ro, ks, pb, 64, tile, 16, 0);
    else k2x4(kc, a, a + ro, ks, pb, 64, tile, 16, 0);
    copyTile(2, nr, tile, c, ldc, b);
    a += ps;
    c += step;
  }
  if (i < M) {
    if (nv == 4) k1x16(kc, a, ks, pb, 64, tile, 0);
    else if (nv == 2) k1x8(kc, a, ks, pb, 64, tile, 0);
    else k1x4(kc, a, ks, pb, 64, tile, 0);
    copyTile(1, nr, tile, c, ldc, b);
  }
}

function tail16(M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, c: usize, ldc: i32, nr: i32, b: f32, tile: usize): void {
  tailN(4, M, kc, a, ps, ro, ks, pb, c, ldc, nr, b, tile);
}
function tail8(M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, c: usize, ldc: i32, nr: i32, b: f32, tile: usize): void {
  tailN(2, M, kc, a, ps, ro, ks, pb, c, ldc, nr, b, tile);
}
function tail4(M: i32, kc: i32, a: usize, ps: usize, ro: usize, ks: i32, pb: usize, c: usize, ldc: i32, nr: i32, b: f32, tile: usize): void {
  tailN(1, M, kc, a, ps, ro, ks, pb, c, ldc, nr, b, tile);
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

/** C[0:mr, 0:nr] = beta·C + tile (row stride 16 floats). */
function copyTile(mr: i32, nr: i32, tile: usize, c: usize, ldc: i32, beta: f32): void {
  for (let r = 0; r < mr; r++) {
    const t = tile + (<usize>r << 6);
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
 * Packs A[0:mc, 0:kc] (element (i, k) at a + i·ars + k·aks) as row pairs: pair p holds
 * kc × [A(2p, k), A(2p+1, k)] at dst + p·kc·8 bytes (the second of an odd last row is 0).
 */
function packAPairs(mc: i32, kc: i32, a: usize, ars: i32, aks: i32, dst: usize): void {
  const rs = <usize>ars, ksb = <usize>aks;
  let i = 0;
  if (aks == 4) {
    // Rows contiguous in k (gemm_nn, gemm_nt): interleave two rows with shuffles.
    for (; i + 2 <= mc; i += 2) {
      const r0 = a, r1 = a + rs;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        const x = v128.load(r0 + o), y = v128.load(r1 + o);
        v128.store(dst, v128.shuffle<f32>(x, y, 0, 4, 1, 5), 0);
        v128.store(dst, v128.shuffle<f32>(x, y, 2, 6, 3, 7), 16);
        dst += 32;
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2;
        store<f32>(dst, load<f32>(r0 + o), 0);
        store<f32>(dst, load<f32>(r1 + o), 4);
        dst += 8;
      }
      a += rs << 1;
    }
  } else {
    // Rows adjacent (gemm_tn: A stored K×M): each pair is 8 contiguous bytes per k.
    for (; i + 2 <= mc; i += 2) {
      let src = a;
      for (let k = 0; k < kc; k++) {
        store<u64>(dst, load<u64>(src));
        src += ksb;
        dst += 8;
      }
      a += rs << 1;
    }
  }
  if (i < mc) {
    for (let k = 0; k < kc; k++) {
      store<f32>(dst, load<f32>(a + <usize>k * ksb), 0);
      store<f32>(dst, 0, 4);
      dst += 8;
    }
  }
}

/** Packs B[0:kc, 0:16] (row stride ldbb bytes) as 16 floats per k. */
function packB16(kc: i32, b: usize, ldbb: usize, dst: usize): void {
  for (let k = 0; k < kc; k++) {
    v128.store(dst, v128.load(b, 0), 0);
    v128.store(dst, v128.load(b, 16), 16);
    v128.store(dst, v128.load(b, 32), 32);
    v128.store(dst, v128.load(b, 48), 48);
    b += ldbb;
    dst += 64;
  }
}

/** Packs B[0:kc, 0:nr] (nr < 16, row stride ldbb bytes) as 16 floats per k, zero past nr. */
function packBEdge(kc: i32, nr: i32, b: usize, ldbb: usize, dst: usize): void {
  for (let k = 0; k < kc; k++) {
    let j = 0;
    for (; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(b + (<usize>j << 2)));
    for (; j < 16; j++) store<f32>(dst + (<usize>j << 2), 0);
    b += ldbb;
    dst += 64;
  }
}

/**
 * Packs the transpose of B stored N×K: from rows 0:nr (nr ≤ 16), columns 0:kc (row stride
 * ldb), writes for each k the 16 floats B[0:16, k] (zero past nr).
 */
function packBT(kc: i32, nr: i32, b: usize, ldb: i32, dst: usize): void {
  const ldbb = <usize>ldb << 2;
  let k = 0;
  if (nr == 16) {
    for (; k + 4 <= kc; k += 4) {
      let src = b + (<usize>k << 2);
      for (let j = 0; j < 16; j += 4) {
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
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 64);
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 128);
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 192);
        src += ldbb << 2;
      }
      dst += 256;
    }
  }
  for (; k < kc; k++) {
    const o = b + (<usize>k << 2);
    let j = 0;
    for (; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(o + <usize>j * ldbb));
    for (; j < 16; j++) store<f32>(dst + (<usize>j << 2), 0);
    dst += 64;
  }
}

// Micro-kernels. k2xW: C[0:2, 0:W] = beta·C + Σ_{k<kc} [a0[k], a1[k]]ᵀ·pb[k]; k1xW: one row.
// a0, a1 advance by aks bytes and pb (W floats) by bks bytes per k; kc ≥ 1. W = 4·nv.

// @ts-ignore: decorator
@inline function storeBeta(c: usize, off: usize, s: v128, beta: f32): void {
  if (beta == 0) v128.store(c + off, s);
  else if (beta == 1) v128.store(c + off, f32x4.add(v128.load(c + off), s));
  else v128.store(c + off, f32x4.add(f32x4.mul(f32x4.splat(beta), v128.load(c + off)), s));
}

// @ts-ignore: decorator
@inline function mk2(
  nv: i32, kc: i32, a0: usize, a1: usize, aks: i32, pb: usize, bks: i32, c: usize, ldc: i32, beta: f32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const as = <usize>aks, bs = <usize>bks;
  let k = kc;
  do {
    const b0 = v128.load(pb, 0);
    const b1 = nv > 1 ? v128.load(pb, 16) : b0;
    const b2 = nv > 2 ? v128.load(pb, 32) : b0;
    const b3 = nv > 3 ? v128.load(pb, 48) : b0;
    let a = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    if (nv > 1) c01 = f32x4.add(c01, f32x4.mul(a, b1));
    if (nv > 2) c02 = f32x4.add(c02, f32x4.mul(a, b2));
    if (nv > 3) c03 = f32x4.add(c03, f32x4.mul(a, b3));
    a = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    if (nv > 1) c11 = f32x4.add(c11, f32x4.mul(a, b1));
    if (nv > 2) c12 = f32x4.add(c12, f32x4.mul(a, b2));
    if (nv > 3) c13 = f32x4.add(c13, f32x4.mul(a, b3));
    a0 += as;
    a1 += as;
    pb += bs;
  } while (--k);
  const p1 = c + (<usize>ldc << 2);
  if (beta == 0) {
    v128.store(c, c00, 0);
    if (nv > 1) v128.store(c, c01, 16);
    if (nv > 2) v128.store(c, c02, 32);
    if (nv > 3) v128.store(c, c03, 48);
    v128.store(p1, c10, 0);
    if (nv > 1) v128.store(p1, c11, 16);
    if (nv > 2) v128.store(p1, c12, 32);
    if (nv > 3) v128.store(p1, c13, 48);
  } else {
    storeBeta(c, 0, c00, beta);
    if (nv > 1) storeBeta(c, 16, c01, beta);
    if (nv > 2) storeBeta(c, 32, c02, beta);
    if (nv > 3) storeBeta(c, 48, c03, beta);
    storeBeta(p1, 0, c10, beta);
    if (nv > 1) storeBeta(p1, 16, c11, beta);
    if (nv > 2) storeBeta(p1, 32, c12, beta);
    if (nv > 3) storeBeta(p1, 48, c13, beta);
  }
}

// @ts-ignore: decorator
@inline function mk1(nv: i32, kc: i32, a0: usize, aks: i32, pb: usize, bks: i32, c: usize, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  const as = <usize>aks, bs = <usize>bks;
  let k = kc;
  do {
    const a = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(a, v128.load(pb, 0)));
    if (nv > 1) c01 = f32x4.add(c01, f32x4.mul(a, v128.load(pb, 16)));
    if (nv > 2) c02 = f32x4.add(c02, f32x4.mul(a, v128.load(pb, 32)));
    if (nv > 3) c03 = f32x4.add(c03, f32x4.mul(a, v128.load(pb, 48)));
    a0 += as;
    pb += bs;
  } while (--k);
  if (beta == 0) {
    v128.store(c, c00, 0);
    if (nv > 1) v128.store(c, c01, 16);
    if (nv > 2) v128.store(c, c02, 32);
    if (nv > 3) v128.store(c, c03, 48);
  } else {
    storeBeta(c, 0, c00, beta);
    if (nv > 1) storeBeta(c, 16, c01, beta);
    if (nv > 2) storeBeta(c, 32, c02, beta);
    if (nv > 3) storeBeta(c, 48, c03, beta);
  }
}

function k2x16(kc: i32, a0: usize, a1: usize, aks: i32, pb: usize, bks: i32, c: usize, ldc: i32, beta: f32): void {
  mk2(4, kc, a0, a1, aks, pb, bks, c, ldc, beta);
}
function k2x8(kc: i32, a0: usize, a1: usize, aks: i32, pb: usize, bks: i32, c: usize, ldc: i32, beta: f32): void {
  mk2(2, kc, a0, a1, aks, pb, bks, c, ldc, beta);
}
function k2x4(kc: i32, a0: usize, a1: usize, aks: i32, pb: usize, bks: i32, c: usize, ldc: i32, beta: f32): void {
  mk2(1, kc, a0, a1, aks, pb, bks, c, ldc, beta);
}
function k1x16(kc: i32, a0: usize, aks: i32, pb: usize, bks: i32, c: usize, beta: f32): void {
  mk1(4, kc, a0, aks, pb, bks, c, beta);
}
function k1x8(kc: i32, a0: usize, aks: i32, pb: usize, bks: i32, c: usize, beta: f32): void {
  mk1(2, kc, a0, aks, pb, bks, c, beta);
}
function k1x4(kc: i32, a0: usize, aks: i32, pb: usize, bks: i32, c: usize, beta: f32): void {
  mk1(1, kc, a0, aks, pb, bks, c, beta);
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
