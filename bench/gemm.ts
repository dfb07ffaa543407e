/**
 * GFLOP/s (2·M·N·K / time, single thread) of the WebAssembly SIMD GEMM kernels in
 * backends/simd/assembly/gemm.ts, on the shapes a Deep Learning mini-batch produces:
 *
 *   forward   Z(B×out) = A(B×in)·W(in×out)   gemm_nn(M=B,  N=out, K=in)
 *   backward  E(B×in)  = G(B×out)·Wᵀ         gemm_nt(M=B,  N=in,  K=out)
 *   gradient  dW(in×out) = Aᵀ·G              gemm_tn(M=in, N=out, K=B)
 *
 * and the same layer with the weights stored transposed, Wᵀ(out×in):
 *
 *   forward   Z = A·(Wᵀ)ᵀ                     gemm_nt(M=B,   N=out, K=in)
 *   backward  E = G·Wᵀ                        gemm_nn(M=B,   N=in,  K=out)
 *   gradient  dWᵀ(out×in) = Gᵀ·A              gemm_tn(M=out, N=in,  K=B)
 *
 * plus a naive scalar JavaScript triple loop (Float32Array, i-k-j order) as the baseline.
 * Timings are wall clock, best of 7 runs of at least ms/5 each after a warm-up (tier-up);
 * on a shared machine the best run is the one least disturbed by other processes.
 * The AssemblyScript file is compiled to a temporary .wasm with the backend's flags first.
 *
 *   bun bench/gemm.ts [--quick] [--batch 32,128] [--layers 717x200,1024x2048] [--ms 250] [--no-wt] [--no-naive]
 *   deno run -A bench/gemm.ts
 *   node --experimental-strip-types bench/gemm.ts     (Node ≥ 22.6)
 *
 * `--src other.ts` benchmarks another AssemblyScript file with the same exports instead.
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { kernelImports } from "../backends/simd/host.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
const quick = argv.includes("--quick");
const batches = (flag("--batch") ?? "1,32,128").split(",").map(Number);
const layers = (flag("--layers") ?? "717x200,200x200,200x10,32x32,1024x1024,1024x2048")
  .split(",").map((s) => s.split("x").map(Number) as [number, number]);
const minMs = Number(flag("--ms") ?? (quick ? 60 : 250));
const naive = !argv.includes("--no-naive");
const wt = !argv.includes("--no-wt");

/** Compiles the AssemblyScript source with the backend's flags; returns the wasm bytes. */
export function compileGemm(source = join(root, "backends/simd/assembly/gemm.ts")): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "tide-gemm-"));
  try {
    const out = join(dir, "gemm.wasm");
    execFileSync(join(root, "node_modules/.bin/asc"), [
      source, "-O3", "--runtime", "stub", "--noAssert", "--importMemory", "--sharedMemory",
      "--initialMemory", "256", "--maximumMemory", "65536", "--enable", "simd,threads", "-o", out,
    ], { stdio: ["ignore", "inherit", "inherit"] });
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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

const t0 = performance.now();
const bytes = compileGemm(flag("--src") ?? undefined);
const compileMs = performance.now() - t0;
const memory = new WebAssembly.Memory({ initial: 2048, maximum: 65536, shared: true }); // 128 MiB
const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes as BufferSource), kernelImports(memory));
const k = instance.exports as unknown as Exports;

// Memory map: A, B, C regions of 16 MiB each, then scratch.
const MiB = 1 << 20;
const pA = 1 * MiB, pB = 17 * MiB, pC = 33 * MiB, pS = 49 * MiB;
const f32 = new Float32Array(memory.buffer);
for (let i = pA / 4; i < pS / 4; i++) f32[i] = Math.random() - 0.5;

// Warm up (tier-up to the optimizing compilers: Liftoff → TurboFan, BBQ → OMG).
{
  const w0 = performance.now();
  while (performance.now() - w0 < (quick ? 300 : 1000)) {
    for (const M of [1, 3, 64]) {
      k.gemm_nn(M, 200, 300, pA, 300, pB, 200, pC, 200, 0, pS);
      k.gemm_nn(M, 256, 300, pA, 300, pB, 256, pC, 256, 1, pS);
      k.gemm_nt(M, 200, 300, pA, 300, pB, 300, pC, 200, 0, pS);
      k.gemm_nt(M, 200, 30, pA, 30, pB, 30, pC, 200, 0, pS);
      k.gemm_tn(M, 200, 300, pA, M, pB, 200, pC, 200, 1, pS);
    }
  }
}

function time(fn: () => void): number {
  fn();
  let reps = 1;
  for (;;) {
    const s = performance.now();
    for (let r = 0; r < reps; r++) fn();
    const ms = performance.now() - s;
    if (ms >= minMs / 5) {
      let best = ms / reps;
      for (let t = 0; t < 6; t++) {
        const s2 = performance.now();
        for (let r = 0; r < reps; r++) fn();
        best = Math.min(best, (performance.now() - s2) / reps);
      }
      return best;
    }
    reps *= ms > 0 ? Math.min(100, Math.ceil((minMs / 5) / Math.max(ms, 0.01) * 1.2)) : 100;
  }
}

/** Naive scalar C = A·B (+C when beta 1) on Float32Arrays with ld = width. */
function naiveNN(M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array) {
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    for (let j = 0; j < N; j++) c[ci + j] = 0;
    for (let p = 0; p < K; p++) {
      const av = a[i * K + p];
      const bp = p * N;
      for (let j = 0; j < N; j++) c[ci + j] += av * b[bp + j];
    }
  }
}

const gflops = (M: number, N: number, K: number, ms: number) => (2 * M * N * K) / (ms * 1e6);
const runtime = (globalThis as { Bun?: unknown; Deno?: unknown }).Bun
  ? "bun " + (globalThis as unknown as { Bun: { version: string } }).Bun.version
  : (globalThis as { Deno?: { version: { deno: string } } }).Deno
  ? "deno " + (globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno
  : "node " + process.version;
console.log(`gemm bench: ${runtime}, asc compile ${compileMs.toFixed(0)} ms, single thread, best of 7 runs, GFLOP/s = 2·M·N·K/t`);
console.log(
  ["batch", "in", "out", "nn fwd", "nt bwd", "tn grad", ...(wt ? ["Wᵀ: nt fwd", "nn bwd", "tn grad"] : []), ...(naive ? ["naive JS nn"] : [])]
    .map((s, i) => s.padStart(i < 3 ? 5 : 12)).join(" "),
);
for (const bsz of batches) {
  for (const [nIn, nOut] of layers) {
    const row: string[] = [String(bsz).padStart(5), String(nIn).padStart(5), String(nOut).padStart(5)];
    // forward: M=B, N=out, K=in; A B×in (lda in), W in×out (ldb out), C B×out
    const shapes: [keyof Exports, number, number, number, number, number, number][] = [
      ["gemm_nn", bsz, nOut, nIn, nIn, nOut, nOut],
      ["gemm_nt", bsz, nIn, nOut, nOut, nOut, nIn], // G B×out, W in×out (as N×K), E B×in
      ["gemm_tn", nIn, nOut, bsz, nIn, nOut, nOut], // A B×in (as K×M), G B×out, dW in×out
    ];
    if (wt) {
      shapes.push(
        ["gemm_nt", bsz, nOut, nIn, nIn, nIn, nOut], // A B×in, Wᵀ out×in (as N×K), Z B×out
        ["gemm_nn", bsz, nIn, nOut, nOut, nIn, nIn], // G B×out, Wᵀ out×in, E B×in
        ["gemm_tn", nOut, nIn, bsz, nOut, nIn, nIn], // G B×out (as K×M), A B×in, dWᵀ out×in
      );
    }
    for (const [name, M, N, K, lda, ldb, ldc] of shapes) {
      const fn = k[name] as Gemm;
      const ms = time(() => fn(M, N, K, pA, lda, pB, ldb, pC, ldc, 0, pS));
      row.push(gflops(M, N, K, ms).toFixed(2).padStart(12));
    }
    if (naive) {
      const a = new Float32Array(bsz * nIn).map(() => Math.random());
      const b = new Float32Array(nIn * nOut).map(() => Math.random());
      const c = new Float32Array(bsz * nOut);
      const ms = time(() => naiveNN(bsz, nOut, nIn, a, b, c));
      row.push(gflops(bsz, nOut, nIn, ms).toFixed(2).padStart(12));
    }
    console.log(row.join(" "));
  }
}
