/**
 * The WebAssembly SIMD GEMM kernels (backends/simd/assembly/gemm.ts) against a float64
 * reference: every variant, beta 0 / 1 / 0.5, odd sizes, leading dimensions wider than the
 * matrices, K spanning several cache blocks; and nothing outside C's M×N window (row padding,
 * rows past M) or past the declared scratch is written.
 * @module
 */
import { assert, assertClose, test } from "../_harness.ts";
import { kernelImports } from "../../backends/simd/host.ts";

// Compile in-process with the backend's flags (no subprocess, ~2–4 s).
// deno-lint-ignore no-explicit-any
const asc = ((await import("assemblyscript/asc")) as any).default;
const source = await (await import("node:fs/promises")).readFile(
  new URL("../../backends/simd/assembly/gemm.ts", import.meta.url),
  "utf8",
);
const compiled = await asc.compileString({ "gemm.ts": source }, {
  optimizeLevel: 3,
  runtime: "stub",
  noAssert: true,
  importMemory: true,
  sharedMemory: true,
  initialMemory: 256,
  maximumMemory: 65536,
  enable: ["simd", "threads"],
});
if (compiled.error) throw new Error(`asc failed: ${compiled.error}\n${compiled.stderr}`);
const wasm: Uint8Array = compiled.binary;

type Gemm = (
  M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number,
  C: number, ldc: number, beta: number, scratch: number,
) => void;
interface Exports {
  gemm_nn: Gemm;
  gemm_nt: Gemm;
  gemm_tn: Gemm;
  gemm_scratch_bytes(M: number, N: number, K: number): number;
}

const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true }); // 16 MiB
const module = await WebAssembly.compile(wasm as BufferSource);
const k = (await WebAssembly.instantiate(module, kernelImports(memory))).exports as unknown as Exports;
const f32 = new Float32Array(memory.buffer);

/** Seeded uniform [-1, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

const SENTINEL = 12345.5;
type Variant = "nn" | "nt" | "tn";

/**
 * Runs one product at byte offsets with padded leading dimensions and checks it; returns
 * nothing, throws with the case in the message.
 */
function check(v: Variant, M: number, N: number, K: number, beta: number, pad: number, seed: number) {
  const rand = rng(seed);
  // Stored shapes: A is M×K (nn, nt) or K×M (tn); B is K×N (nn, tn) or N×K (nt).
  const [aRows, aCols] = v === "tn" ? [K, M] : [M, K];
  const [bRows, bCols] = v === "nt" ? [N, K] : [K, N];
  const lda = aCols + pad, ldb = bCols + (pad ? pad + 1 : 0), ldc = N + (pad ? pad + 2 : 0);
  // Float offsets, each region 16-byte aligned plus a seed-dependent 0..3 float shift.
  let top = 64;
  const alloc = (n: number) => {
    const at = top + (seed & 3);
    top = (at + n + 16 + 3) & ~3;
    return at;
  };
  const a = alloc(Math.max(1, aRows * lda));
  const b = alloc(Math.max(1, bRows * ldb));
  const cRowsAlloc = M + 2; // two guard rows past M
  const c = alloc(cRowsAlloc * ldc);
  const scratchBytes = k.gemm_scratch_bytes(M, N, K);
  assert(scratchBytes >= 0 && scratchBytes % 4 === 0, `scratch bytes ${scratchBytes}`);
  const s = alloc(scratchBytes / 4 + 64);
  assert(top * 4 < memory.buffer.byteLength, "test memory too small");

  for (let i = 0; i < aRows * lda; i++) f32[a + i] = rand();
  for (let i = 0; i < bRows * ldb; i++) f32[b + i] = rand();
  for (let i = 0; i < cRowsAlloc * ldc; i++) f32[c + i] = SENTINEL;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) f32[c + i * ldc + j] = beta === 0 ? NaN : rand(); // beta 0 must not read C
  }
  for (let i = 0; i < scratchBytes / 4 + 64; i++) f32[s + i] = SENTINEL;

  // Reference in float64: copy A as M×K and B as K×N, then i-p-j loops.
  const a64 = new Float64Array(M * K), b64 = new Float64Array(K * N);
  for (let i = 0; i < M; i++) {
    for (let p = 0; p < K; p++) a64[i * K + p] = v === "tn" ? f32[a + p * lda + i] : f32[a + i * lda + p];
  }
  for (let p = 0; p < K; p++) {
    for (let j = 0; j < N; j++) b64[p * N + j] = v === "nt" ? f32[b + j * ldb + p] : f32[b + p * ldb + j];
  }
  const expected = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    const e = expected.subarray(i * N, i * N + N);
    for (let p = 0; p < K; p++) {
      const x = a64[i * K + p];
      for (let j = 0; j < N; j++) e[j] += x * b64[p * N + j];
    }
    for (let j = 0; j < N; j++) e[j] += beta === 0 ? 0 : beta * f32[c + i * ldc + j];
  }

  k[`gemm_${v}`](M, N, K, a * 4, lda, b * 4, ldb, c * 4, ldc, beta, s * 4);

  const got = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) got[i * N + j] = f32[c + i * ldc + j];
  const what = `gemm_${v} M=${M} N=${N} K=${K} beta=${beta} lda=${lda} ldb=${ldb} ldc=${ldc}`;
  const tol = 1e-5 * Math.sqrt(Math.max(K, 1));
  assertClose(got, expected, { atol: tol, rtol: tol, message: what });
  for (let i = 0; i < cRowsAlloc; i++) {
    for (let j = i < M ? N : 0; j < ldc; j++) {
      if (f32[c + i * ldc + j] !== SENTINEL) throw new Error(`${what}: wrote C outside the window at (${i}, ${j})`);
    }
  }
  for (let i = scratchBytes / 4; i < scratchBytes / 4 + 64; i++) {
    if (f32[s + i] !== SENTINEL) throw new Error(`${what}: wrote past the scratch (float ${i})`);
  }
}

test("gemm: module has only the memory import, no globals, data segments or start", () => {
  const imports = WebAssembly.Module.imports(module);
  assert(imports.length === 1 && imports[0].kind === "memory", `imports ${JSON.stringify(imports)}`);
  const exports = WebAssembly.Module.exports(module).map((e) => e.name).sort();
  for (const name of ["gemm_nn", "gemm_nt", "gemm_scratch_bytes", "gemm_tn"]) {
    assert(exports.includes(name), `missing export ${name}`);
  }
  // Walk the sections: 6 global, 8 start, 11 data must be absent.
  let p = 8;
  const leb = () => {
    let r = 0, shift = 0, byte: number;
    do {
      byte = wasm[p++];
      r |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return r >>> 0;
  };
  while (p < wasm.length) {
    const id = wasm[p++];
    const size = leb();
    assert(id !== 6 && id !== 8 && id !== 11, `unexpected section ${id}`);
    p += size;
  }
});

const SMALL = [1, 2, 3, 5, 7, 13, 16, 17, 33];
for (const v of ["nn", "nt", "tn"] as const) {
  test(`gemm_${v}: all small sizes, beta 0 and 1, tight and padded ld`, () => {
    let seed = 1;
    for (const M of SMALL) {
      for (const N of SMALL) {
        for (const K of SMALL) {
          check(v, M, N, K, (seed & 1) ? 0 : 1, seed % 3 === 0 ? 0 : 3, seed);
          seed++;
        }
      }
    }
  });

  test(`gemm_${v}: large and odd sizes across cache blocks`, () => {
    // [M, N, K, pad]; pad -1 alternates 0 and 5. Covers the gemv path (M < 4), K blocks (256;
    // 32 for M = 4), M blocks (128 rows), packed and in-place B panels (packed when M ≥ 16 and
    // ldb is a multiple of 64), both gemm_nt paths (dot products for M < 64 and K ≥ 128),
    // M mod 4 and N mod 8 edges.
    const shapes: [number, number, number, number][] = [
      [1, 717, 200, -1], [1, 200, 717, -1], [2, 300, 257, -1], [3, 1024, 33, -1], [4, 64, 517, -1],
      [5, 48, 70, -1], [32, 200, 717, -1], [33, 717, 130, -1], [128, 10, 200, -1], [717, 33, 32, -1],
      [130, 35, 257, -1], [7, 2048, 20, -1], [64, 16, 513, -1], [1, 1, 1000, -1], [200, 1, 3, -1],
      [33, 64, 300, 0], [20, 128, 513, 0], [17, 50, 100, 13], [70, 40, 600, 0], [257, 50, 40, -1],
      [131, 64, 300, 0], [70, 48, 128, 0], [257, 64, 64, 0], [192, 50, 40, 0], [129, 50, 40, 0], [6, 61, 128, 0],
      [191, 48, 33, 1], [5, 48, 20, 59],
    ];
    let seed = 100;
    for (const [M, N, K, pad] of shapes) {
      for (const beta of [0, 1, 0.5]) check(v, M, N, K, beta, pad >= 0 ? pad : seed % 2 ? 5 : 0, seed++);
    }
  });

  test(`gemm_${v}: K = 0 scales C by beta`, () => {
    check(v, 5, 7, 0, 0, 2, 7);
    check(v, 5, 7, 0, 1, 2, 8);
    check(v, 5, 7, 0, 0.5, 0, 9);
  });
}

test("gemm: M or N = 0 writes nothing", () => {
  f32[1000] = SENTINEL;
  k.gemm_nn(0, 5, 5, 0, 5, 0, 5, 4000, 5, 0, 8000);
  k.gemm_nt(5, 0, 5, 0, 5, 0, 5, 4000, 5, 0, 8000);
  k.gemm_tn(0, 0, 5, 0, 5, 0, 5, 4000, 5, 0, 8000);
  assert(f32[1000] === SENTINEL, "C was written");
  assert(k.gemm_scratch_bytes(0, 5, 5) === 0, "scratch for an empty product");
});

test("gemm: scratch size is nondecreasing in M, N, K (one buffer for the largest product fits all)", () => {
  const sizes = [1, 3, 4, 5, 64, 127, 128, 129, 255, 256, 257, 2048];
  for (const M of sizes) {
    for (const K of sizes) {
      const s = k.gemm_scratch_bytes(M, 7, K);
      assert(s <= k.gemm_scratch_bytes(M + 1, 7, K) && s <= k.gemm_scratch_bytes(M, 7, K + 1), `M=${M} K=${K}`);
      assert(s === k.gemm_scratch_bytes(M, 1000, K), "independent of N");
    }
  }
});

test("gemm: two instances on one shared memory give the same result", async () => {
  const k2 = (await WebAssembly.instantiate(module, kernelImports(memory))).exports as unknown as Exports;
  const rand = rng(42);
  const [M, N, K] = [9, 37, 300];
  for (let i = 0; i < M * K + K * N; i++) f32[1024 + i] = rand();
  const A = 1024 * 4, B = (1024 + M * K) * 4, C1 = 200_000 * 4, C2 = 210_000 * 4;
  k.gemm_nn(M, N, K, A, K, B, N, C1, N, 0, 300_000 * 4);
  k2.gemm_nn(M, N, K, A, K, B, N, C2, N, 0, 400_000 * 4);
  for (let i = 0; i < M * N; i++) assert(Object.is(f32[200_000 + i], f32[210_000 + i]), `differs at ${i}`);
});
