/**
 * The shared backend conformance suite (STYLE §4): every backend's test file calls
 * {@linkcode runBackendSuite}, which checks each op, whole training steps through the engine's
 * generic step, and the optional fused trainer against the reference backend (Float64, the
 * definition) on fixed-seed random inputs. See docs/backends.md for the tolerances and the
 * pairwise design of the whole-step cases.
 *
 * ```ts
 * // test/conformance/simd_test.ts
 * await runBackendSuite(() => simdBackend());
 * ```
 * @module
 */
import type { Activation } from "../../core/activation.ts";
import { defineActivation } from "../../core/activation.ts";
import type {
  Backend, BoundRegularizer, Buf, BufRole, Elementwise, FusedNetwork, FusedTrainer, PackedRows, SoftmaxLoss,
} from "../../core/backend.ts";
import type { Distribution, DistributionParams } from "../../core/distribution.ts";
import { defineDistribution } from "../../core/distribution.ts";
import type { Optimizer, OptimizerParams } from "../../core/optimizer.ts";
import { defineOptimizer } from "../../core/optimizer.ts";
import type { ParamSpecs } from "../../core/params.ts";
import type { Regularizer, RegularizerParams } from "../../core/regularizer.ts";
import { defineRegularizer } from "../../core/regularizer.ts";
import { hashWords, Rng, shuffle } from "../../core/rng.ts";
import { allocState, freeState, initialize, readState, writeState } from "../../core/train/network.ts";
import { GenericNetwork } from "../../core/train/step.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { activations, distributions, optimizers, regularizers } from "../../plugins/mod.ts";
import { assert, assertClose, assertEquals, type CloseOptions, fail, test } from "../_harness.ts";
import { type Partial as PartialCase, pairwise, uncoveredPairs } from "./_design.ts";

/** Tests a backend's test file may skip, by name (or name prefix followed by a space), with a reason. */
export interface SuiteOptions {
  readonly skip?: readonly { readonly reason: string; readonly tests: readonly string[] }[];
  /** Skips the whole-step cases at mini-batch 1, with this reason (a backend that refuses to train per sample). */
  readonly skipMiniBatch1?: string;
  /**
   * The fused trainer takes a one-channel activation and a regression distribution without a
   * fast body (calling their math from the kernels) and must then match the reference; otherwise
   * it must decline them.
   */
  readonly hostMath?: boolean;
}

interface Case {
  readonly name: string;
  readonly fn: () => void | Promise<void>;
  readonly timeout?: number;
  /** Why this case cannot run on this backend (decided before init, from the backend's shape). */
  readonly skip?: string;
}

// ── Tolerances ───────────────────────────────────────────────────────────────────────────────

/**
 * Op tolerance for a result that sums `n` products of inputs of magnitude ≤ `scale`. Float32:
 * rtol 1e-4 and atol 1e-5·√n·scale (round-off of an n-term sum grows like √n for random signs;
 * on simd the worst error is 2 % of this bound for sums, 0.05 % for element-wise ops). Float64:
 * 1e-12 on the same scale.
 */
export function opTol(precision: 32 | 64, n = 1, scale = 1): CloseOptions {
  const k = Math.sqrt(Math.max(1, n)) * scale;
  return precision === 32 ? { rtol: 1e-4, atol: 1e-5 * k } : { rtol: 1e-12, atol: 1e-12 * k };
}

/**
 * Whole-network tolerance after a few training steps, per named buffer: |a − e| ≤ rtol·|e| +
 * rel·max(|e| over the buffer, 0.01). Float32 arithmetic drifts from Float64 a little every step;
 * the networks are small and the steps few, so on simd the worst drift is 9 % of this bound
 * (about 1e-6 relative). Still tight enough to see one step of l1 = 0.01 at rate 0.02.
 */
export function stepTol(precision: 32 | 64): { rtol: number; rel: number } {
  return precision === 32 ? { rtol: 1e-4, rel: 1e-5 } : { rtol: 1e-12, rel: 1e-12 };
}

/**
 * Worst error as a fraction of the allowed error, per test; printed when the environment sets
 * CONFORMANCE_REPORT=1 (how the tolerances in docs/backends.md were calibrated).
 */
// deno-lint-ignore no-explicit-any
const report: Map<string, number> | null = (globalThis as any).process?.env?.CONFORMANCE_REPORT ? new Map() : null;
let current = "";

/** assertClose, recording how close to the tolerance the comparison came. */
function close(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, o: CloseOptions): void {
  if (report) {
    const a = typeof actual === "number" ? [actual] : actual, e = typeof expected === "number" ? [expected] : expected;
    let worst = report.get(current) ?? 0;
    for (let i = 0; i < Math.min(a.length, e.length); i++) {
      const err = Math.abs(a[i] - e[i]);
      if (Number.isFinite(err)) worst = Math.max(worst, err / ((o.atol ?? 0) + (o.rtol ?? 0) * Math.abs(e[i]) || 1e-300));
    }
    report.set(current, worst);
  }
  assertClose(actual, expected, o);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

function compareNamed(actual: Record<string, Float64Array>, expected: Record<string, Float64Array>, precision: 32 | 64, label: string): void {
  const { rtol, rel } = stepTol(precision);
  for (const name of Object.keys(expected)) {
    const a = actual[name];
    if (!a) fail(`${label}: "${name}" is missing`);
    close(a, expected[name], { rtol, atol: rel * Math.max(maxAbs(expected[name]), 1e-2), message: `${label}: ${name}` });
  }
}

// ── Random inputs (values exactly representable in Float32, so only arithmetic differs) ─────

class Rand {
  readonly rng: Rng;
  constructor(...seed: number[]) {
    this.rng = new Rng(hashWords(0xc0f0, ...seed));
  }
  u(lo = -1, hi = 1): number {
    return Math.fround(lo + (hi - lo) * this.rng.uniform());
  }
  arr(n: number, lo = -1, hi = 1, zeros = 0): Float64Array {
    return Float64Array.from({ length: n }, () => (zeros > 0 && this.rng.uniform() < zeros ? 0 : this.u(lo, hi)));
  }
  mask(n: number, pZero: number): Float64Array {
    return Float64Array.from({ length: n }, () => (this.rng.uniform() < pZero ? 0 : 1));
  }
}

/** Buffers allocated on one backend, freed together. */
class Pool {
  readonly #bufs: Buf[] = [];
  constructor(readonly be: Backend) {}
  buf(values: ArrayLike<number> | number, shape?: readonly [number, number], role: BufRole = "data"): Buf {
    const n = typeof values === "number" ? values : values.length;
    const b = this.be.alloc(n, shape, role);
    this.#bufs.push(b);
    if (typeof values === "number") this.be.fill(b, 7); // garbage an op must overwrite
    else this.be.write(b, values);
    return b;
  }
  read(b: Buf): Promise<Float64Array> {
    return this.be.read(b);
  }
  free(): void {
    for (const b of this.#bufs) this.be.free(b);
    this.#bufs.length = 0;
  }
}

/** Runs `f` with a pool on each backend; returns both results. */
async function both<T>(ref: Backend, be: Backend, f: (p: Pool) => T | Promise<T>): Promise<{ ref: T; got: T }> {
  const pr = new Pool(ref), pb = new Pool(be);
  try {
    return { ref: await f(pr), got: await f(pb) };
  } finally {
    pr.free();
    pb.free();
  }
}

// ── Plugin settings used by the cases ────────────────────────────────────────────────────────

function numericDefaults(specs: ParamSpecs | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, s] of Object.entries(specs ?? {})) if (typeof s.default === "number") out[k] = s.default;
  return out;
}

/** Settings that move every optimizer away from its defaults (annealing, layer decay and a momentum ramp included). */
const OPTIMIZER_OVERRIDES: OptimizerParams = {
  rho: 0.95, epsilon: 1e-6, rate: 0.02, rate_annealing: 1e-3, rate_decay: 0.8,
  momentum_start: 0.5, momentum_ramp: 20, momentum_stable: 0.9,
};

function optimizerParams(o: Optimizer): OptimizerParams {
  const p = numericDefaults(o.params);
  for (const k of Object.keys(p)) if (k in OPTIMIZER_OVERRIDES) p[k] = OPTIMIZER_OVERRIDES[k];
  return p;
}

/** A distribution's parameters as the engine binds them (own params only; Huber's δ set as the engine would). */
function distributionParams(d: Distribution): DistributionParams {
  const p: Record<string, number> = numericDefaults(d.params);
  if ("quantile_alpha" in p) p.quantile_alpha = 0.3;
  if ("tweedie_power" in p) p.tweedie_power = 1.3;
  if (d.name === "huber") p.huber_delta = 0.5;
  return p;
}

/** Responses a distribution accepts: class indices, or values on its link's natural range. */
function responses(d: Distribution, classes: number, n: number, r: Rand): Float64Array {
  if (d.family === "classification") return Float64Array.from({ length: n }, () => r.rng.below(classes));
  const y = d.link === "log" ? r.arr(n, 0.25, 3, 0.2) : r.arr(n, -2, 2);
  for (let i = 0; i < n; i++) if (d.checkResponse?.(y[i])) y[i] = 1;
  return y;
}

function bound(name: string, params: RegularizerParams, reg?: Regularizer): BoundRegularizer {
  return { regularizer: reg ?? regularizers.get(name), params };
}

/** The gradient terms (every registered regularizer with a gradient, at small strengths). */
function gradientTerms(): BoundRegularizer[] {
  return regularizers.list().filter((r) => r.gradient).map((r) => {
    const p: Record<string, number> = {};
    for (const k of Object.keys(r.params)) p[k] = 1e-2;
    return bound(r.name, p, r);
  });
}

// ── Op cases ─────────────────────────────────────────────────────────────────────────────────

/** (batch, in, out): odd sizes 1, 3, 5, 17, 33, 717; batch 1 and > 1. */
const AFFINE_SIZES: readonly [number, number, number][] = [
  [1, 1, 1], [1, 3, 5], [3, 5, 3], [4, 17, 33], [5, 33, 17], [1, 717, 5], [3, 33, 717], [17, 717, 33],
];
/** Element counts for element-wise ops (each run on a buffer 3 longer, whose tail must stay put). */
const MAP_SIZES = [1, 3, 17, 33, 717];

function opCases(be: Backend, REF: Backend): Case[] {
  const cases: Case[] = [];
  const P = () => be.precision;
  const add = (name: string, fn: () => void | Promise<void>) => cases.push({ name, fn });

  add("write/read matches reference (weights matrices: transposed storage is invisible)", async () => {
    for (const [rows, cols] of [[1, 1], [3, 5], [17, 33], [33, 717], [717, 3]] as const) {
      const r = new Rand(1, rows, cols);
      const v = r.arr(rows * cols);
      const part = r.arr(Math.min(7, rows * cols));
      const off = Math.floor((rows * cols - part.length) / 2);
      const res = await both(REF, be, async (p) => {
        const W = p.buf(v, [rows, cols], "weights");
        const first = await p.read(W);
        p.be.write(W, part, off); // partial write at an offset, row-major
        return [first, await p.read(W)];
      });
      assertEquals(res.got[0], v, `round trip of a ${rows}×${cols} weights matrix`);
      assertEquals(res.got[1], res.ref[1], `write of ${part.length} values at offset ${off} into ${rows}×${cols}`);
    }
  });

  add("fill matches reference", async () => {
    for (const role of ["data", "weights"] as const) {
      for (const [rows, cols] of [[1, 1], [5, 3], [33, 17]] as const) {
        const res = await both(REF, be, async (p) => {
          const b = p.buf(new Float64Array(rows * cols).fill(3), [rows, cols], role);
          p.be.fill(b, -0.375);
          return await p.read(b);
        });
        assertEquals(res.got, res.ref, `fill of a ${rows}×${cols} ${role} matrix`);
      }
    }
  });

  for (const [batch, nIn, out] of AFFINE_SIZES) {
    add(`affine matches reference (batch ${batch}, in ${nIn}, out ${out})`, async () => {
      const r = new Rand(2, batch, nIn, out);
      const X = r.arr(batch * nIn, -1, 1, 0.2), W = r.arr(out * nIn), b = r.arr(out);
      const res = await both(REF, be, async (p) => {
        const Y = p.buf(batch * out, [batch, out]);
        p.be.affine(p.buf(X, [batch, nIn]), p.buf(W, [out, nIn], "weights"), p.buf(b, [out, 1]), Y, { batch, in: nIn, out });
        return await p.read(Y);
      });
      close(res.got, res.ref, { ...opTol(P(), nIn + 1), message: "Y" });
    });
  }

  for (const [batch, nIn, out] of AFFINE_SIZES) {
    add(`affineBackward matches reference (batch ${batch}, in ${nIn}, out ${out})`, async () => {
      const r = new Rand(3, batch, nIn, out);
      const dY = r.arr(batch * out, -1, 1, 0.2), X = r.arr(batch * nIn, -1, 1, 0.2), W = r.arr(out * nIn);
      for (const withDX of [true, false]) {
        for (const scale of [1, 1 / batch, -0.375]) {
          const res = await both(REF, be, async (p) => {
            const dX = withDX ? p.buf(batch * nIn, [batch, nIn]) : null;
            const dW = p.buf(out * nIn, [out, nIn], "weights"), db = p.buf(out, [out, 1]);
            const Wb = p.buf(W, [out, nIn], "weights");
            p.be.affineBackward(p.buf(dY, [batch, out]), p.buf(X, [batch, nIn]), Wb, { dX, dW, db }, { batch, in: nIn, out, scale });
            return { dX: dX ? await p.read(dX) : null, dW: await p.read(dW), db: await p.read(db), W: await p.read(Wb) };
          });
          const what = `${withDX ? "with" : "without"} dX, scale ${scale}`;
          if (withDX) close(res.got.dX!, res.ref.dX!, { ...opTol(P(), out), message: `dX (${what})` });
          close(res.got.dW, res.ref.dW, { ...opTol(P(), batch, Math.abs(scale)), message: `dW (${what})` });
          close(res.got.db, res.ref.db, { ...opTol(P(), batch, Math.abs(scale)), message: `db (${what})` });
          assertEquals(res.got.W, res.ref.W, `W is left as it was (${what})`);
        }
      }
    });
  }

  /** Runs one element-wise op over n of n + 3 elements on both backends; returns every buffer afterwards. */
  const mapBoth = async (op: Elementwise, inputs: Float64Array[], nOuts: number, n: number) =>
    await both(REF, be, async (p) => {
      const ins = inputs.map((v) => p.buf(v, [v.length, 1]));
      const outs = Array.from({ length: nOuts }, () => p.buf(new Float64Array(n + 3).fill(5), [n + 3, 1]));
      p.be.map(op, ins, outs, n);
      return await Promise.all([...outs, ...ins].map((b) => p.read(b)));
    });

  /** Compares the output (its tail included) and the inputs, which must be left as they were. */
  const closeAll = (res: { ref: Float64Array[]; got: Float64Array[] }, o: CloseOptions) =>
    res.ref.forEach((v, k) => close(res.got[k], v, { ...o, message: `${o.message}, ${k === 0 ? "output" : `input ${k - 1}`}` }));

  for (const act of activations.list()) {
    add(`map activate matches reference (${act.name})`, async () => {
      for (const n of MAP_SIZES) {
        const z = new Rand(4, n).arr(n + 3, -4, 4, 0.1);
        const res = await mapBoth({ kind: "activate", activation: act }, [z], 1, n);
        closeAll(res, { ...opTol(P(), 1, 4), message: `${act.name}, n ${n}` });
      }
    });
    add(`map activateGrad matches reference (${act.name})`, async () => {
      for (const n of MAP_SIZES) {
        const r = new Rand(5, n);
        const z = r.arr(n + 3, -4, 4, 0.1);
        const a = z.map((v) => Math.fround(act.f(v)));
        const e = r.arr(n + 3);
        const res = await mapBoth({ kind: "activateGrad", activation: act }, [z, a, e], 1, n);
        closeAll(res, { ...opTol(P()), message: `${act.name}, n ${n}` });
      }
    });
  }

  add("map mul matches reference", async () => {
    for (const n of MAP_SIZES) {
      const r = new Rand(6, n);
      const res = await mapBoth({ kind: "mul" }, [r.arr(n + 3), r.arr(n + 3, -1, 1, 0.3)], 1, n);
      closeAll(res, { ...opTol(P()), message: `n ${n}` });
    }
  });

  add("map scale matches reference", async () => {
    for (const n of MAP_SIZES) {
      for (const factor of [1, 0.8, -2.5, 0]) {
        const res = await mapBoth({ kind: "scale", factor }, [new Rand(7, n).arr(n + 3)], 1, n);
        closeAll(res, { ...opTol(P(), 1, 2.5), message: `factor ${factor}, n ${n}` });
      }
    }
  });

  for (const dist of distributions.list()) {
    add(`map outputGrad matches reference (${dist.name})`, async () => {
      const params = distributionParams(dist);
      for (const n of MAP_SIZES) {
        const r = new Rand(8, n);
        const eta = r.arr(n + 3, -2, 2);
        const y = dist.family === "classification" ? r.mask(n + 3, 0.5) : responses(dist, 1, n + 3, r);
        const res = await mapBoth({ kind: "outputGrad", distribution: dist, params }, [eta, y], 1, n);
        closeAll(res, { ...opTol(P(), 1, 10), message: `${dist.name}, n ${n}` });
      }
    });
  }

  for (const opt of optimizers.list()) {
    for (const layout of ["biases vector", "weights matrix"] as const) {
      add(`map update matches reference (${opt.name}, ${layout})`, () => updateCase(be, REF, opt, layout));
    }
  }

  add("softmax matches reference", async () => {
    for (const [batch, width] of [[1, 1], [1, 3], [3, 10], [5, 17], [4, 33]] as const) {
      const r = new Rand(9, batch, width);
      const z = r.arr(batch * width, -30, 30);
      if (z.length > 2) [z[0], z[1]] = [Math.fround(95), Math.fround(-100)]; // exp would overflow Float32 unshifted
      const res = await both(REF, be, async (p) => {
        const Pb = p.buf(batch * width, [batch, width]);
        p.be.softmax(p.buf(z, [batch, width]), Pb, batch, width);
        return await p.read(Pb);
      });
      close(res.got, res.ref, { ...opTol(P(), width), message: `batch ${batch}, width ${width}` });
    }
  });

  for (const loss of ["CrossEntropy", "Quadratic"] as const) {
    add(`softmaxGrad matches reference (${loss})`, async () => {
      for (const [batch, width] of [[1, 1], [1, 2], [3, 3], [5, 10], [4, 33]] as const) {
        const r = new Rand(10, batch, width);
        const Pv = new Float64Array(batch * width), T = new Float64Array(batch * width);
        for (let b = 0; b < batch; b++) {
          const e = r.arr(width, 0.01, 1);
          const s = e.reduce((x, y) => x + y, 0);
          for (let c = 0; c < width; c++) Pv[b * width + c] = Math.fround(e[c] / s);
          T[b * width + r.rng.below(width)] = 1;
        }
        const res = await both(REF, be, async (p) => {
          const E = p.buf(batch * width, [batch, width]);
          p.be.softmaxGrad(p.buf(Pv, [batch, width]), p.buf(T, [batch, width]), E, batch, width, loss);
          return await p.read(E);
        });
        close(res.got, res.ref, { ...opTol(P(), width), message: `batch ${batch}, width ${width}` });
      }
    });
  }

  /** Z with ties between channels in some units (ties go to the first channel). */
  const maxoutInput = (r: Rand, batch: number, units: number, channels: number) => {
    const z = r.arr(batch * units * channels, -2, 2);
    for (let i = 0; i < batch * units; i += 3) for (let q = 1; q < channels; q++) z[i * channels + q] = z[i * channels];
    return z;
  };
  const MAXOUT_SIZES = [[1, 1], [3, 5], [4, 17], [2, 33]] as const;

  add("channelMax matches reference", async () => {
    for (const channels of [2, 3]) {
      for (const [batch, units] of MAXOUT_SIZES) {
        const z = maxoutInput(new Rand(11, batch, units, channels), batch, units, channels);
        const res = await both(REF, be, async (p) => {
          const A = p.buf(batch * units, [batch, units]);
          p.be.channelMax(p.buf(z, [batch, units * channels]), A, batch, units, channels);
          return await p.read(A);
        });
        assertEquals(res.got, res.ref, `channels ${channels}, batch ${batch}, units ${units}`);
      }
    }
  });

  for (const withWon of [true, false]) {
    add(`channelMaxGrad matches reference (${withWon ? "with" : "without"} won)`, async () => {
      for (const channels of [2, 3]) {
        for (const [batch, units] of MAXOUT_SIZES) {
          const r = new Rand(12, batch, units, channels);
          const z = maxoutInput(r, batch, units, channels), e = r.arr(batch * units, -1, 1, 0.2);
          const res = await both(REF, be, async (p) => {
            const G = p.buf(batch * units * channels, [batch, units * channels]);
            const won = withWon ? p.buf(units * channels, [units * channels, 1]) : null;
            p.be.channelMaxGrad(p.buf(z, [batch, units * channels]), p.buf(e, [batch, units]), G, batch, units, channels, won);
            return { G: await p.read(G), won: won ? await p.read(won) : null };
          });
          const what = `channels ${channels}, batch ${batch}, units ${units}`;
          assertEquals(res.got.G, res.ref.G, `G (${what})`);
          if (withWon) assertEquals(res.got.won, res.ref.won, `won (${what})`);
        }
      }
    });
  }

  for (const reg of regularizers.list().filter((x) => x.constrain)) {
    for (const role of ["weights", "data"] as const) {
      add(`constrainRows matches reference (${reg.name}, ${role} matrix)`, async () => {
        for (const [rows, cols] of [[1, 1], [5, 3], [17, 33], [33, 717]] as const) {
          const r = new Rand(13, rows, cols);
          const W = r.arr(rows * cols, -1, 1, 0.1);
          // A cap halfway between two row norms, so no row sits on the boundary.
          const norms = Array.from({ length: rows }, (_, i) => W.subarray(i * cols, (i + 1) * cols).reduce((s, v) => s + v * v, 0)).sort((a, b) => a - b);
          const k = Math.floor(rows / 2);
          const cap = rows > 1 ? (norms[k - 1] + norms[k]) / 2 : norms[0] / 2;
          const params: Record<string, number> = {};
          for (const name of Object.keys(reg.params)) params[name] = cap;
          const c = bound(reg.name, params, reg);
          for (const touched of [null, r.mask(rows, 0.5)]) {
            const res = await both(REF, be, async (p) => {
              const Wb = p.buf(W, [rows, cols], role);
              p.be.constrainRows(Wb, touched ? p.buf(touched, [rows, 1]) : null, rows, cols, c);
              return await p.read(Wb);
            });
            close(res.got, res.ref, { ...opTol(P(), cols), message: `${rows}×${cols}, ${touched ? "some rows touched" : "every row"}` });
          }
        }
      });
    }
  }
  return cases;
}

/** The update op: skipZero on/off × L1+L2 terms or none × rowMask or none × in place or not. */
async function updateCase(be: Backend, REF: Backend, opt: Optimizer, layout: "biases vector" | "weights matrix"): Promise<void> {
  const [rows, cols] = layout === "weights matrix" ? [33, 17] : [717, 1];
  const size = rows * cols;
  const n = layout === "weights matrix" ? size : size - 3; // a vector's tail must stay put
  const base = optimizerParams(opt);
  const params = opt.schedule ? opt.schedule(base, { layer: 2, samples: 7 }) : base;
  const role: BufRole = layout === "weights matrix" ? "weights" : "data";
  for (const skipZero of [true, false]) {
    for (const terms of [[], gradientTerms()]) {
      for (const masked of [false, true]) {
        for (const inPlace of [true, false]) {
          const r = new Rand(14, size, +skipZero, terms.length, +masked);
          const Pv = r.arr(size, -1, 1, 0.05), dP = r.arr(size, -1, 1, 0.3);
          const slots = Array.from({ length: opt.slots }, () => r.arr(size, 1e-4, 1e-2));
          const mask = masked ? r.mask(rows, 0.4) : null;
          const res = await both(REF, be, async (p) => {
            const ins = [p.buf(Pv, [rows, cols], role), p.buf(dP, [rows, cols], role), ...slots.map((s) => p.buf(s, [rows, cols], role))];
            const outs = inPlace ? [ins[0], ...ins.slice(2)] : [p.buf(Pv.map(() => 9), [rows, cols], role), ...slots.map((s) => p.buf(s.map(() => 9), [rows, cols], role))];
            const rowMask = mask ? p.buf(mask, [rows, 1]) : null;
            p.be.map({ kind: "update", optimizer: opt, params, terms, skipZero, rowMask }, ins, outs, n);
            return await Promise.all([...outs, ...ins].map((b) => p.read(b)));
          });
          const what = `${opt.name}, ${layout}, skipZero ${skipZero}, ${terms.length ? "l1+l2" : "no terms"}, ${masked ? "rowMask" : "no rowMask"}, ${inPlace ? "in place" : "separate outputs"}`;
          res.ref.forEach((v, k) => close(res.got[k], v, { ...opTol(be.precision, 1, 2), message: `${what}: buffer ${k}` }));
        }
      }
    }
  }
}

// ── Networks ─────────────────────────────────────────────────────────────────────────────────

const REGULARIZATION = ["none", "l1+l2", "max_w2", "input dropout", "hidden dropout"] as const;
type Regularization = typeof REGULARIZATION[number];

/** One whole-network case. */
interface NetCase {
  readonly activation: Activation;
  readonly distribution: Distribution;
  readonly optimizer: Optimizer;
  readonly regularization: Regularization;
  readonly miniBatch: number;
  readonly skipZero: boolean;
  readonly input: "dense" | "csr";
  readonly weighted: boolean;
  readonly loss: SoftmaxLoss;
  /** Extra gradient terms (the no-fast-body cases). */
  readonly terms?: readonly BoundRegularizer[];
  /** An autoencoder (output head "reconstruct": n₀ outputs trained towards the inputs), optionally with sparsity. */
  readonly autoencoder?: boolean;
  readonly sparsity?: { readonly beta: number; readonly target: number };
}

const HIDDEN = [5, 4];
const INPUTS = 6;
const ROWS = 14;

function caseLabel(c: NetCase): string {
  const loss = c.distribution.family === "classification" ? `, ${c.loss}` : "";
  const ae = c.autoencoder ? `autoencoder${c.sparsity ? ` with sparsity ${c.sparsity.beta}/${c.sparsity.target}` : ""}, ` : "";
  return `${ae}${c.activation.name}, ${c.distribution.name}${loss}, ${c.optimizer.name}, ${c.regularization}, mini-batch ${c.miniBatch}, skipZero ${c.skipZero ? "on" : "off"}, ${c.input}, ${c.weighted ? "row weights" : "unweighted"}`;
}

/** The network description minus its state. */
function describe(c: NetCase, seed: number): Omit<FusedNetwork, "state"> {
  const classes = c.distribution.family === "classification" ? (c.distribution.name === "bernoulli" ? 2 : 3) : 1;
  const units = [INPUTS, ...HIDDEN, c.autoencoder ? INPUTS : classes];
  const terms: BoundRegularizer[] = c.regularization === "l1+l2" ? gradientTerms() : [];
  const constraints = c.regularization === "max_w2" ? [bound("max_w2", { max_w2: 1 })] : [];
  const drops = c.regularization === "input dropout"
    ? [bound("input_dropout", { input_dropout_ratio: 0.2 })]
    : c.regularization === "hidden dropout" ? [bound("hidden_dropout", { hidden_dropout_ratios: [0.3, 0.2] })] : [];
  const dropout = units.slice(0, -1).map((_, l) => drops.reduce((r, d) => Math.max(r, d.regularizer.dropRatio!(l, HIDDEN.length, d.params)), 0));
  return {
    units, activation: c.activation, output: c.autoencoder ? "reconstruct" : classes > 1 ? "softmax" : "linear", softmaxLoss: c.loss,
    distribution: c.distribution, distributionParams: distributionParams(c.distribution), optimizer: c.optimizer,
    optimizerParams: optimizerParams(c.optimizer), dropout, terms: [...terms, ...(c.terms ?? [])], constraints,
    skipZero: c.skipZero, miniBatch: c.miniBatch, threads: 1, seed: [seed, 0x5eed], sparsity: c.sparsity ?? null,
  };
}

/** Rows for a case: inputs with exact zeros (and one explicit zero in CSR), targets, optional weights. */
function caseRows(c: NetCase, d: Omit<FusedNetwork, "state">, seed: number, precision: 32 | 64): PackedRows {
  const r = new Rand(20, seed);
  const X = r.arr(ROWS * INPUTS, -1.5, 1.5, 0.35);
  X[1] = 0; // row 0, input 1: stored explicitly in CSR below
  const target = responses(c.distribution, d.units[d.units.length - 1], ROWS, r);
  const weight = c.weighted ? r.arr(ROWS, 0.5, 2) : null;
  const F = precision === 32 ? Float32Array : Float64Array;
  let csr: PackedRows["csr"] = null;
  if (c.input === "csr") {
    const indptr = new Int32Array(ROWS + 1), index: number[] = [], value: number[] = [];
    for (let i = 0; i < ROWS; i++) {
      for (let j = 0; j < INPUTS; j++) {
        // A stored 0 must act as a missing entry (no dropout draw, no update with skipZero).
        if (X[i * INPUTS + j] !== 0 || (i === 0 && j === 1)) {
          index.push(j);
          value.push(X[i * INPUTS + j]);
        }
      }
      indptr[i + 1] = index.length;
    }
    csr = { indptr, index: Int32Array.from(index), value: F.from(value) };
  }
  return {
    rows: ROWS, width: INPUTS, dense: c.input === "dense" ? F.from(X) : null, csr,
    target: F.from(target), weight: weight ? F.from(weight) : null,
  };
}

/** Allocates and initializes the reference network, rounding its state to Float32 values so both sides start equal. */
async function referenceNet(REF: Backend, d: Omit<FusedNetwork, "state">, seed: number): Promise<{ net: FusedNetwork; init: Record<string, Float64Array> }> {
  const shape = { units: d.units, channels: d.activation.channels ?? 1 };
  const state = allocState(REF, shape, d.optimizer.slots);
  initialize(REF, shape, state, {
    distribution: "UniformAdaptive", scale: 1, seed: [seed, 1], classification: d.output === "softmax", activation: d.activation,
  });
  const init = Object.fromEntries(Object.entries(await readState(REF, state)).map(([k, v]) => [k, v.map(Math.fround)]));
  writeState(REF, state, init);
  return { net: { ...d, state }, init };
}

function netOn(be: Backend, d: Omit<FusedNetwork, "state">, init: Record<string, Float64Array>): FusedNetwork {
  const state = allocState(be, { units: d.units, channels: d.activation.channels ?? 1 }, d.optimizer.slots);
  writeState(be, state, init);
  return { ...d, state };
}

/** Row orders: one update, the rest of pass 0 (ending in a partial mini-batch when B = 4), then all of pass 1. */
function orders(seed: number, B: number): { order: Int32Array; ctx: { samples: number; pass: number } }[] {
  const p0 = shuffle(Int32Array.from({ length: ROWS }, (_, i) => i), new Rng(hashWords(seed, 0)));
  const p1 = shuffle(Int32Array.from({ length: ROWS }, (_, i) => i), new Rng(hashWords(seed, 1)));
  return [
    { order: p0.subarray(0, B), ctx: { samples: 0, pass: 0 } },
    { order: p0.subarray(B), ctx: { samples: B, pass: 0 } },
    { order: p1, ctx: { samples: ROWS, pass: 1 } },
  ];
}

async function predictAll(g: GenericNetwork, rows: PackedRows, nOut: number): Promise<Float64Array> {
  const out = new Float64Array(rows.rows * nOut);
  await g.predict(rows, out, 5); // batches of 5: a partial last batch too
  return out;
}

/** Guards the cases themselves: a reference run that blows up would compare noise. */
function settled(st: Record<string, Float64Array>): void {
  for (const [name, v] of Object.entries(st)) {
    const m = maxAbs(v);
    assert(Number.isFinite(m) && m < 100, `the reference run diverged (max |${name}| = ${m}): the case's settings are too aggressive`);
  }
}

/** The generic step on `be` against the reference: state after one update and after all, then predictions. */
async function genericCase(be: Backend, REF: Backend, c: NetCase, seed: number): Promise<void> {
  const d = describe(c, seed);
  const { net: refNet, init } = await referenceNet(REF, d, seed);
  const net = netOn(be, d, init);
  const gr = new GenericNetwork(REF, refNet), gb = new GenericNetwork(be, net);
  const nOut = d.units[d.units.length - 1];
  try {
    const rowsRef = caseRows(c, d, seed, 64), rowsBe = caseRows(c, d, seed, be.precision);
    close(await predictAll(gb, rowsBe, nOut), await predictAll(gr, rowsRef, nOut), { ...opTol(be.precision, INPUTS, 10), message: "predict before training" });
    for (const [k, { order, ctx }] of orders(seed, c.miniBatch).entries()) {
      const n1 = await gr.train(rowsRef, order, ctx), n2 = await gb.train(rowsBe, order, ctx);
      assertEquals(n2, n1, "samples trained");
      if (k === 0 || k === 2) compareNamed(await readState(be, net.state), await readState(REF, refNet.state), be.precision, k === 0 ? "after one update" : "after every update");
    }
    settled(await readState(REF, refNet.state));
    const pr = await predictAll(gr, rowsRef, nOut), pb = await predictAll(gb, rowsBe, nOut);
    const { rtol, rel } = stepTol(be.precision);
    close(pb, pr, { rtol, atol: rel * Math.max(1, maxAbs(pr)), message: "predict after training" });
  } finally {
    gr.close();
    gb.close();
    freeState(REF, refNet.state);
    freeState(be, net.state);
  }
}

/**
 * The fused trainer (threads 1) against the reference's generic step on the same rows and orders.
 * `before(k, params)` may change the distribution's parameters before call k (both sides share them).
 */
async function fusedCase(be: Backend, REF: Backend, c: NetCase, seed: number, before?: (k: number, p: Record<string, number>) => void, threads = 1): Promise<void> {
  const d = { ...describe(c, seed), threads };
  const { net: refNet, init } = await referenceNet(REF, d, seed);
  const net = netOn(be, d, init);
  const gr = new GenericNetwork(REF, refNet), gb = new GenericNetwork(be, net);
  const nOut = d.units[d.units.length - 1];
  let trainer: FusedTrainer | undefined;
  try {
    trainer = be.fused!(net);
    assert(trainer, `fused() declined the network (${caseLabel(c)}); skip this case with a reason if that is intended`);
    const rowsRef = caseRows(c, d, seed, 64), rowsBe = caseRows(c, d, seed, be.precision);
    trainer.load(rowsBe);
    let k = 0;
    for (const { order, ctx } of orders(seed, c.miniBatch)) {
      before?.(k, d.distributionParams as Record<string, number>);
      const n1 = await gr.train(rowsRef, order, ctx);
      const n2 = await trainer.train(order, ctx);
      assertEquals(n2, n1, "samples trained");
      if (k === 0 || k === 2) compareNamed(await readState(be, net.state), await readState(REF, refNet.state), be.precision, k === 0 ? "after one update" : "after every update");
      k++;
    }
    settled(await readState(REF, refNet.state));
    // The engine scores between fused calls through the generic forward pass on the same buffers.
    const pr = await predictAll(gr, rowsRef, nOut), pb = await predictAll(gb, rowsBe, nOut);
    const { rtol, rel } = stepTol(be.precision);
    close(pb, pr, { rtol, atol: rel * Math.max(1, maxAbs(pr)), message: "GenericNetwork.predict on the fused trainer's state" });
  } finally {
    trainer?.close();
    gr.close();
    gb.close();
    freeState(REF, refNet.state);
    freeState(be, net.state);
  }
}

/**
 * A fused trainer leaves its network's buffers usable by every op once closed: the generic step
 * continues training the state (its own "weights" work buffers must pair with W element for
 * element, core/backend.ts) and matches the reference continuing from the same point.
 */
async function afterFusedCase(be: Backend, REF: Backend, c: NetCase, seed: number): Promise<void> {
  const d = describe(c, seed);
  const { net: refNet, init } = await referenceNet(REF, d, seed);
  const net = netOn(be, d, init);
  const gr = new GenericNetwork(REF, refNet), gb = new GenericNetwork(be, net);
  try {
    const rowsRef = caseRows(c, d, seed, 64), rowsBe = caseRows(c, d, seed, be.precision);
    const [first, second, third] = orders(seed, c.miniBatch);
    const trainer = be.fused!(net);
    assert(trainer, "fused() declined the network");
    try {
      trainer.load(rowsBe);
      await trainer.train(first.order, first.ctx);
    } finally {
      trainer.close();
    }
    await gr.train(rowsRef, first.order, first.ctx);
    for (const { order, ctx } of [second, third]) {
      await gr.train(rowsRef, order, ctx);
      await gb.train(rowsBe, order, ctx);
    }
    compareNamed(await readState(be, net.state), await readState(REF, refNet.state), be.precision, "fused, then generic");
  } finally {
    gr.close();
    gb.close();
    freeState(REF, refNet.state);
    freeState(be, net.state);
  }
}

/**
 * Trains with the fused trainer (threads 1) from the same state three times: twice with one
 * trainer (the state rewritten in between) and once with a fresh trainer; all bit-identical.
 */
async function determinismCase(be: Backend, REF: Backend, c: NetCase, seed: number): Promise<void> {
  const d = describe(c, seed);
  const { net: refNet, init } = await referenceNet(REF, d, seed);
  freeState(REF, refNet.state);
  const net = netOn(be, d, init);
  const rows = caseRows(c, d, seed, be.precision);
  const runs: Record<string, Float64Array>[] = [];
  const run = async (t: FusedTrainer) => {
    writeState(be, net.state, init);
    for (const { order, ctx } of orders(seed, c.miniBatch)) await t.train(order, ctx);
    runs.push(await readState(be, net.state));
  };
  let a: FusedTrainer | undefined, b: FusedTrainer | undefined;
  try {
    a = be.fused!(net);
    assert(a, "fused() declined the network");
    a.load(rows);
    await run(a);
    await run(a);
    b = be.fused!(net)!;
    b.load(rows);
    await run(b);
    for (const k of [1, 2]) {
      for (const name of Object.keys(runs[0])) assertEquals(runs[k][name], runs[0][name], `run ${k + 1} vs run 1: ${name}`);
    }
  } finally {
    a?.close();
    b?.close();
    freeState(be, net.state);
  }
}

/**
 * HOGWILD's sample count: with `threads` = 2 each Worker takes a contiguous half of `order`, and
 * its k-th update must be scheduled (rate annealing, momentum ramp) at the global count the
 * interleaved run would have, `samples + k·threads·B + t·B` for thread t, never past
 * `samples + order.length`. Made deterministic by giving thread 0's rows weight 0 (with skipZero
 * they change nothing), so the result must equal the reference trained on the interleaved order
 * (thread 0's batch k, thread 1's batch k, …) with a strong rate annealing that makes the counts
 * visible.
 */
async function threadScheduleCase(be: Backend, REF: Backend, miniBatch: number, seed: number): Promise<void> {
  const c = plain({ miniBatch, weighted: true });
  const base = describe(c, seed);
  const d = { ...base, optimizerParams: { ...base.optimizerParams, rate: 0.05, rate_annealing: 0.2 } };
  const { net: refNet, init } = await referenceNet(REF, d, seed);
  const net = netOn(be, { ...d, threads: 2 }, init);
  const n = miniBatch === 1 ? ROWS : 12; // two equal shares of whole mini-batches
  const rows64 = caseRows(c, d, seed, 64);
  const weight = Float64Array.from(rows64.weight!, (w, r) => (r < n / 2 ? 0 : w));
  const rowsRef = { ...rows64, weight };
  const rowsBe = { ...caseRows(c, d, seed, be.precision), weight: (be.precision === 32 ? Float32Array : Float64Array).from(weight) };
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const interleaved: number[] = [];
  for (let k = 0; k < n / 2; k += miniBatch) {
    for (const t of [0, 1]) for (let j = 0; j < miniBatch; j++) interleaved.push(t * (n / 2) + k + j);
  }
  const ctx = { samples: 3, pass: 0 };
  const gr = new GenericNetwork(REF, refNet);
  let trainer: FusedTrainer | undefined;
  try {
    trainer = be.fused!(net);
    assert(trainer, "fused() declined the network");
    trainer.load(rowsBe);
    assertEquals(await trainer.train(order, ctx), n, "samples trained");
    assertEquals(await gr.train(rowsRef, Int32Array.from(interleaved), ctx), n, "reference samples trained");
    compareNamed(await readState(be, net.state), await readState(REF, refNet.state), be.precision, "after the 2-thread call");
  } finally {
    trainer?.close();
    gr.close();
    freeState(REF, refNet.state);
    freeState(be, net.state);
  }
}

// ── The designs ──────────────────────────────────────────────────────────────────────────────

/** Factors of the whole-step design, in order; values come from the registries. */
function factors() {
  return {
    activation: activations.list(),
    distribution: distributions.list(),
    optimizer: optimizers.list(),
    regularization: [...REGULARIZATION],
    miniBatch: [1, 4],
    skipZero: [true, false],
    input: ["dense", "csr"] as const,
    weighted: [false, true],
    loss: ["CrossEntropy", "Quadratic"] as const,
  };
}

/** Fused design: Maxout with skipZero off is excluded (the generic path masks losing channels; see docs/backends.md). */
const fusedAllowed = (acts: readonly Activation[]) => (row: PartialCase) =>
  !(row[0] !== undefined && row[5] !== undefined && (acts[row[0]].channels ?? 1) > 1 && row[5] === 1);

function designCases(allowed?: (row: PartialCase) => boolean): { cases: NetCase[]; levels: number[]; rows: number[][] } {
  const f = factors();
  const levels = Object.values(f).map((v) => v.length);
  const rows = pairwise(levels, allowed);
  const cases = rows.map(([a, d, o, r, b, s, i, w, l]) => ({
    activation: f.activation[a], distribution: f.distribution[d], optimizer: f.optimizer[o], regularization: f.regularization[r],
    miniBatch: f.miniBatch[b], skipZero: f.skipZero[s], input: f.input[i], weighted: f.weighted[w], loss: f.loss[l],
  }));
  return { cases, levels, rows };
}

// ── Plugins without a fast body (test-only) ──────────────────────────────────────────────────

const softsign = defineActivation({
  name: "Softsign (test-only)", summary: "z / (1 + |z|), no fast body",
  f: (z) => z / (1 + Math.abs(z)),
  df: (_z, a) => (1 - Math.abs(a)) * (1 - Math.abs(a)),
  vectors: [[0, 0, 1], [1, 0.5, 0.25], [-3, -0.75, 0.0625]],
});
const logcosh = defineDistribution({
  name: "logcosh (test-only)", summary: "log cosh of the residual, no fast body", link: "identity", family: "regression",
  deviance: (y, mu) => Math.log(Math.cosh(mu - y)),
  gradient: (y, mu) => Math.tanh(mu - y),
  vectors: [{ y: 0, mu: 0, deviance: 0, gradient: 0 }],
});

const softmaxSlow = defineDistribution({ ...distributions.get("multinomial"), name: "multinomial (test-only)", fastBody: undefined });

/** A plain case to vary one thing at a time from. */
function plain(c: Partial<NetCase> = {}): NetCase {
  return {
    activation: activations.get("Tanh"), distribution: distributions.get("gaussian"), optimizer: optimizers.get("sgd"),
    regularization: "none", miniBatch: 1, skipZero: true, input: "dense", weighted: false, loss: "CrossEntropy", ...c,
  };
}

/** Autoencoder cases: each fast activation and loss, both input layouts, mini-batches, weights and input dropout. */
function autoencoderCases(): NetCase[] {
  const ae = (c: Partial<NetCase>) => plain({ autoencoder: true, ...c });
  const tanh = activations.get("Tanh"), relu = activations.get("Rectifier");
  return [
    ae({}),
    ae({ activation: relu, distribution: distributions.get("laplace"), optimizer: optimizers.get("adadelta"), input: "csr" }),
    ae({ distribution: distributions.get("huber"), miniBatch: 4, weighted: true }),
    ae({ activation: relu, optimizer: optimizers.get("nesterov"), regularization: "input dropout", miniBatch: 4, input: "csr" }),
    ae({ activation: tanh, optimizer: optimizers.get("adadelta"), regularization: "hidden dropout", skipZero: false }),
    ae({ activation: tanh, distribution: distributions.get("quantile"), regularization: "l1+l2", input: "csr", weighted: true }),
  ];
}

function noFastBodyCases(): { what: string; c: NetCase }[] {
  const base = plain({ regularization: "hidden dropout" });
  const sgd = optimizers.get("sgd"), l2 = regularizers.get("l2");
  const sgdSlow = defineOptimizer({ ...sgd, name: "sgd (test-only)", fastBody: undefined });
  const l2Slow = defineRegularizer({ ...l2, name: "l2 (test-only)", fastBody: undefined });
  return [
    { what: `activation ${softsign.name}`, c: { ...base, activation: softsign } },
    { what: `distribution ${logcosh.name}`, c: { ...base, distribution: logcosh } },
    { what: `optimizer ${sgdSlow.name}`, c: { ...base, optimizer: sgdSlow, miniBatch: 4 } },
    { what: `regularizer ${l2Slow.name}`, c: { ...base, terms: [bound(l2Slow.name, { l2: 1e-2 }, l2Slow)] } },
  ];
}

// ── Registration ─────────────────────────────────────────────────────────────────────────────

/**
 * A plugin activation or distribution without a fast body, called from the fused kernels: per
 * sample and in mini-batches, dense and CSR, with dropout, fast_mode off, regularizers,
 * regression and classification, an autoencoder, and with `threads` 2 asked (host math runs on
 * one thread, so stays deterministic).
 */
function hostMathCases(): { c: NetCase; threads: number }[] {
  const a = softsign;
  return [
    { c: plain({ activation: a, regularization: "hidden dropout" }), threads: 1 },
    { c: plain({ activation: a, distribution: distributions.get("multinomial"), optimizer: optimizers.get("adadelta"), regularization: "input dropout", input: "csr" }), threads: 1 },
    { c: plain({ activation: a, distribution: distributions.get("bernoulli"), optimizer: optimizers.get("nesterov"), regularization: "hidden dropout", miniBatch: 4, weighted: true }), threads: 1 },
    { c: plain({ activation: a, regularization: "l1+l2", skipZero: false, input: "csr" }), threads: 1 },
    { c: plain({ activation: a, distribution: distributions.get("huber"), optimizer: optimizers.get("adadelta"), regularization: "max_w2", miniBatch: 4, input: "csr" }), threads: 2 },
    { c: plain({ distribution: logcosh, regularization: "hidden dropout", weighted: true }), threads: 1 },
    { c: plain({ activation: activations.get("Rectifier"), distribution: logcosh, optimizer: optimizers.get("adadelta"), regularization: "l1+l2", miniBatch: 4, input: "csr" }), threads: 2 },
    { c: plain({ activation: a, distribution: logcosh, optimizer: optimizers.get("nesterov"), regularization: "input dropout", skipZero: false }), threads: 1 },
    { c: plain({ autoencoder: true, distribution: logcosh, optimizer: optimizers.get("adadelta"), miniBatch: 4 }), threads: 1 },
    // No host math at all: a softmax head's error is p − y whatever the classification distribution.
    { c: plain({ distribution: softmaxSlow, optimizer: optimizers.get("adadelta"), regularization: "hidden dropout", input: "csr" }), threads: 1 },
    { c: plain({ distribution: softmaxSlow, regularization: "l1+l2", miniBatch: 4, loss: "Quadratic" }), threads: 1 },
  ];
}

function allCases(be: Backend, REF: Backend, options: SuiteOptions = {}): Case[] {
  const cases = opCases(be, REF);
  const generic = designCases();
  generic.cases.forEach((c, k) => {
    cases.push({ name: `GenericNetwork step matches reference [${k + 1}: ${caseLabel(c)}]`, fn: () => genericCase(be, REF, c, 100 + k) });
  });
  const hasFused = typeof be.fused === "function";
  const noFused = `${be.name} has no fused trainer (Backend.fused is absent)`;
  const fused = designCases(fusedAllowed(factors().activation));
  fused.cases.forEach((c, k) => {
    cases.push({
      name: `fused trainer matches reference [${k + 1}: ${caseLabel(c)}]`, fn: () => fusedCase(be, REF, c, 300 + k),
      skip: hasFused ? undefined : noFused,
    });
  });
  for (const c of [
    plain({ activation: activations.get("Rectifier"), distribution: distributions.get("multinomial"), optimizer: optimizers.get("adadelta"), regularization: "hidden dropout", input: "csr" }),
    plain({ activation: activations.get("Maxout"), distribution: distributions.get("poisson"), optimizer: optimizers.get("nesterov"), regularization: "input dropout", miniBatch: 4, weighted: true }),
  ]) {
    cases.push({
      name: `fused trainer is deterministic with threads 1 [${caseLabel(c)}]`, fn: () => determinismCase(be, REF, c, 500),
      skip: hasFused ? undefined : noFused,
    });
  }
  for (const mb of [1, 4]) {
    const c = plain({ distribution: distributions.get("huber"), optimizer: optimizers.get("adadelta"), miniBatch: mb });
    cases.push({
      name: `fused trainer matches reference when huber_delta changes between calls (the engine re-estimates it at scoring) [${caseLabel(c)}]`,
      fn: () => fusedCase(be, REF, c, 550 + mb, (k, p) => void (p.huber_delta = [0.5, 0.05, 2][k])),
      skip: hasFused ? undefined : noFused,
    });
  }
  for (const input of ["dense", "csr"] as const) {
    const c = plain({ activation: activations.get("Rectifier"), optimizer: optimizers.get("adadelta"), regularization: "l1+l2", input });
    cases.push({
      name: `GenericNetwork step matches reference on a state a closed fused trainer left [${caseLabel(c)}]`,
      fn: () => afterFusedCase(be, REF, c, 580),
      skip: hasFused ? undefined : noFused,
    });
  }
  for (const mb of [1, 2]) {
    cases.push({
      name: `fused trainer with threads 2 schedules each update at its interleaved global sample count (sgd, rate_annealing, mini-batch ${mb})`,
      fn: () => threadScheduleCase(be, REF, mb, 600 + mb),
      skip: hasFused ? undefined : noFused,
    });
  }
  // Autoencoders (spec §14): the "reconstruct" head on both paths; sparsity on the generic path only.
  autoencoderCases().forEach((c, k) => {
    cases.push({ name: `GenericNetwork step matches reference [${caseLabel(c)}]`, fn: () => genericCase(be, REF, c, 800 + k) });
    cases.push({ name: `fused trainer matches reference [${caseLabel(c)}]`, fn: () => fusedCase(be, REF, c, 820 + k), skip: hasFused ? undefined : noFused });
  });
  for (const act of ["Tanh", "Rectifier"]) {
    const c = plain({ autoencoder: true, activation: activations.get(act), optimizer: optimizers.get("adadelta"), sparsity: { beta: 0.5, target: act === "Tanh" ? -0.2 : 0.1 } });
    cases.push({
      name: `GenericNetwork step matches reference, and fused() declines sparsity [${caseLabel(c)}]`,
      fn: () => {
        if (hasFused) {
          const d = describe(c, 840);
          const state = allocState(be, { units: d.units, channels: 1 }, d.optimizer.slots);
          try {
            const t = be.fused!({ ...d, state });
            if (t) {
              t.close();
              fail("fused() returned a trainer for an autoencoder with sparsity, which only the generic path implements");
            }
          } finally {
            freeState(be, state);
          }
        }
        genericCase(be, REF, c, 840);
      },
    });
  }
  if (options.hostMath) {
    hostMathCases().forEach(({ c, threads }, k) => {
      cases.push({
        name: `fused trainer matches reference with plugin math without a fast body, called from the kernels [threads ${threads}, ${caseLabel(c)}]`,
        fn: () => fusedCase(be, REF, c, 860 + k, undefined, threads),
      });
    });
  }
  noFastBodyCases().forEach(({ what, c }, k) => {
    const host = options.hostMath && (c.activation === softsign || c.distribution === logcosh);
    cases.push({
      name: `GenericNetwork step matches reference for a plugin without a fast body${host ? "" : ", and fused() declines it"} (${what})`,
      fn: () => {
        if (hasFused && !host) {
          const d = describe(c, 700 + k);
          const state = allocState(be, { units: d.units, channels: d.activation.channels ?? 1 }, d.optimizer.slots);
          try {
            const t = be.fused!({ ...d, state });
            if (t) {
              t.close();
              fail(`fused() returned a trainer for a network with ${what}, which has no fast body`);
            }
          } finally {
            freeState(be, state);
          }
        }
        genericCase(be, REF, c, 700 + k);
      },
    });
  });
  return cases;
}

/** Registers the conformance suite for the backend `make()` returns (await it at the top of the test file). */
export async function runBackendSuite(make: () => Backend, options: SuiteOptions = {}): Promise<void> {
  const be = make();
  const REF = referenceBackend();
  await REF.init();
  const ok = await be.init();
  const cases = allCases(be, REF, options);
  const skips = options.skip ?? [];
  const used = new Set<number>();
  const skipOf = (name: string): string | undefined => {
    const k = skips.findIndex((s) => s.tests.some((t) => name === t || name.startsWith(t + " ")));
    if (k < 0) return undefined;
    used.add(k);
    return skips[k].reason;
  };
  const prefix = `${be.name}: `;
  for (const c of cases) {
    const perSample = options.skipMiniBatch1 && /mini-batch 1[,\]]/.test(c.name) ? options.skipMiniBatch1 : undefined;
    const reason = !ok ? `${be.name} is unavailable here: ${be.unavailableReason ?? "init() returned false"}` : c.skip ?? perSample ?? skipOf(c.name);
    const fn = !report ? c.fn : async () => {
      current = c.name;
      try {
        await c.fn();
      } finally {
        console.log(`CONFORMANCE_REPORT ${(report.get(c.name) ?? 0).toExponential(2)} ${prefix}${c.name}`);
      }
    };
    test(prefix + c.name, fn, { skip: reason ?? false, timeout: c.timeout ?? 30_000 });
  }
  test(`${prefix}the pairwise designs cover every pair of factor values`, () => {
    for (const allowed of [undefined, fusedAllowed(factors().activation)]) {
      const { levels, rows } = designCases(allowed);
      const { missing, forbidden } = uncoveredPairs(rows, levels, allowed);
      assertEquals(missing, [], "pairs not covered");
      assertEquals(forbidden, [], "cases outside the allowed set");
      assert(rows.length <= 60, `the design has ${rows.length} cases; the full product has ${levels.reduce((a, b) => a * b, 1)}`);
    }
  });
  if (report && ok) {
    // One line with the figures docs/backends.md quotes: how many comparisons, the worst error as a fraction of its bound.
    test(`${prefix}conformance report summary`, () => {
      const groups: Record<string, [number, string, number]> = {};
      for (const [name, ratio] of report) {
        const g = name.startsWith("GenericNetwork") ? "whole steps" : name.startsWith("fused") || name.includes("after a fused") ? "fused steps" : "ops";
        const cur = groups[g] ?? [0, "", 0];
        groups[g] = ratio >= cur[0] ? [ratio, name, cur[2] + 1] : [cur[0], cur[1], cur[2] + 1];
      }
      const all = Object.values(groups).sort((a, b) => b[0] - a[0]);
      const parts = Object.entries(groups).map(([g, [r, , n]]) => `${g}: ${n} tests, worst ${(100 * r).toPrecision(2)} %`);
      console.log(`CONFORMANCE_SUMMARY ${be.name} (precision ${be.precision}; tolerance ${be.precision === 32 ? "rtol 1e-4, atol 1e-5·√n·scale" : "rtol 1e-12, atol 1e-12·√n·scale"}): ${report.size} tests compared; ${parts.join("; ")}; worst overall ${(100 * (all[0]?.[0] ?? 0)).toPrecision(2)} % of the allowed error (${all[0]?.[1] ?? "none"})`);
    });
  }
  if (ok) {
    test(`${prefix}every skip entry names an existing test`, () => {
      const stale = skips.filter((_, k) => !used.has(k)).flatMap((s) => s.tests);
      assertEquals(stale, [], "skip entries that match no test");
    });
  }
}
