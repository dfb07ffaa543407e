/**
 * Helpers for tests that drive the generic training step directly: a small network on the
 * reference backend with every setting explicit, rows packed by hand, state read and written by
 * name, and an independent plain-loop forward pass to check the engine against.
 * @module
 */
import type { Activation } from "../../core/activation.ts";
import type { BoundRegularizer, FusedNetwork, NetState, PackedRows, SoftmaxLoss } from "../../core/backend.ts";
import type { Distribution, DistributionParams } from "../../core/distribution.ts";
import type { Optimizer, OptimizerParams } from "../../core/optimizer.ts";
import { allocState, initialize, namedBuffers, writeState } from "../../core/train/network.ts";
import { GenericNetwork } from "../../core/train/step.ts";
import { type RefBuf, referenceBackend } from "../../backends/reference/reference.ts";
import { activations, distributions, optimizers } from "../../plugins/mod.ts";
import { assert, assertClose } from "../_harness.ts";

/** Everything a test network can vary; defaults are a plain SGD network without regularization. */
export interface NetOptions {
  units: number[];
  activation?: string | Activation;
  distribution?: string | Distribution;
  distributionParams?: DistributionParams;
  softmaxLoss?: SoftmaxLoss;
  optimizer?: string | Optimizer;
  optimizerParams?: OptimizerParams;
  dropout?: number[];
  terms?: BoundRegularizer[];
  constraints?: BoundRegularizer[];
  skipZero?: boolean;
  miniBatch?: number;
  seed?: number;
  /** Initialization seed (default `seed`). */
  initSeed?: number;
  /** An autoencoder: the "reconstruct" output head (units must end in the input width). */
  autoencoder?: boolean;
  sparsity?: { beta: number; target: number } | null;
}

/** A network under test with direct access to its parameters. */
export interface TestNet {
  readonly net: FusedNetwork;
  readonly generic: GenericNetwork;
  readonly state: NetState;
  readonly backend: ReturnType<typeof referenceBackend>;
  /** Parameters and slots by name ("weights.0", "biases.0", "weights.0.slot1", …). */
  read(): Record<string, Float64Array>;
  write(values: Record<string, ArrayLike<number>>): void;
  /** Sets one parameter entry. */
  set(name: string, index: number, value: number): void;
  /** Trains on `order` (indices into `rows`). */
  train(rows: PackedRows, order: number[], ctx?: { samples?: number; pass?: number }): Promise<number>;
  /** Scoring forward pass: nOut values per row. */
  predict(rows: PackedRows): Promise<Float64Array>;
}

const pick = <T extends { name: string }>(reg: { get(n: string): T }, v: string | T | undefined, dflt: string): T =>
  typeof v === "object" ? v : reg.get(v ?? dflt);

/** Builds a network on a fresh reference backend, initialized as the engine does. */
export function makeNet(o: NetOptions): TestNet {
  const backend = referenceBackend();
  const activation = pick(activations, o.activation, "Tanh");
  const optimizer = pick(optimizers, o.optimizer, "sgd");
  const distribution = pick(distributions, o.distribution, "gaussian");
  const classification = distribution.family === "classification";
  const shape = { units: o.units, channels: activation.channels ?? 1 };
  const state = allocState(backend, shape, optimizer.slots);
  const seedWord = o.initSeed ?? o.seed ?? 1;
  initialize(backend, shape, state, { distribution: "UniformAdaptive", scale: 1, seed: [seedWord, 0], classification, activation });
  const net: FusedNetwork = {
    units: o.units,
    activation,
    output: o.autoencoder ? "reconstruct" : classification ? "softmax" : "linear",
    softmaxLoss: o.softmaxLoss ?? "CrossEntropy",
    distribution,
    distributionParams: o.distributionParams ?? {},
    optimizer,
    optimizerParams: o.optimizerParams ?? { rate: 0.01, rate_annealing: 0, rate_decay: 1 },
    dropout: o.dropout ?? o.units.slice(0, -1).map(() => 0),
    terms: o.terms ?? [],
    constraints: o.constraints ?? [],
    skipZero: o.skipZero ?? false,
    miniBatch: o.miniBatch ?? 1,
    threads: 1,
    seed: [o.seed ?? 1, 0],
    state,
    sparsity: o.sparsity ?? null,
  };
  const generic = new GenericNetwork(backend, net);
  const nOut = o.units[o.units.length - 1];
  return {
    net, generic, state, backend,
    read: () => hostState(state),
    write: (values) => writeState(backend, state, { ...hostState(state), ...values }),
    set(name, index, value) {
      const [kind, m, slot] = name.split(".");
      const list = kind === "weights" ? (slot ? state.slotsW[+m][+slot.slice(4)] : state.W[+m]) : (slot ? state.slotsB[+m][+slot.slice(4)] : state.b[+m]);
      backend.write(list, [value], index);
    },
    train: (rows, order, ctx = {}) => generic.train(rows, Int32Array.from(order), { samples: ctx.samples ?? 0, pass: ctx.pass ?? 0 }),
    async predict(rows) {
      const out = new Float64Array(rows.rows * nOut);
      await generic.predict(rows, out);
      return out;
    },
  };
}

/** The reference backend's buffers read in place (synchronous: they live in host memory). */
function hostState(state: NetState): Record<string, Float64Array> {
  return Object.fromEntries(namedBuffers(state).map(([n, b]) => [n, (b as RefBuf).data.slice()]));
}

/** Dense packed rows from plain arrays (targets: class index or numeric value). */
export function packDense(X: number[][], target: number[], weight: number[] | null = null): PackedRows {
  const width = X[0].length;
  const dense = new Float64Array(X.length * width);
  X.forEach((r, i) => dense.set(r, i * width));
  return { rows: X.length, width, dense, csr: null, target: Float64Array.from(target), weight: weight ? Float64Array.from(weight) : null };
}

/** Pre-activations and activations of one row, by plain loops (no dropout, Maxout rows u·2 + q). */
export interface ForwardTrace {
  /** z per weight matrix (rows of W[m], channels included). */
  z: Float64Array[];
  /** activations per layer, input first; the last is the raw output (softmax not applied). */
  a: Float64Array[];
}

/** An independent forward pass over a state, for margins (kinks) and expected values. */
export function forwardTrace(st: Record<string, Float64Array>, units: number[], act: Activation, x: number[], scale: number[] | null = null): ForwardTrace {
  const L1 = units.length - 1;
  const channels = act.channels ?? 1;
  let a = Float64Array.from(x, (v) => v * (scale ? 1 - scale[0] : 1));
  const zs: Float64Array[] = [];
  const as: Float64Array[] = [a];
  for (let m = 0; m < L1; m++) {
    const W = st[`weights.${m}`], b = st[`biases.${m}`];
    const rows = b.length, nIn = units[m];
    const z = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = b[r];
      for (let i = 0; i < nIn; i++) s += W[r * nIn + i] * a[i];
      z[r] = s;
    }
    zs.push(z);
    if (m === L1 - 1) {
      a = z;
    } else {
      const n = units[m + 1];
      const next = new Float64Array(n);
      for (let u = 0; u < n; u++) {
        let best = z[u * channels];
        for (let q = 1; q < channels; q++) best = Math.max(best, z[u * channels + q]);
        next[u] = act.f(best) * (scale ? 1 - scale[m + 1] : 1);
      }
      a = next;
    }
    as.push(a);
  }
  return { z: zs, a: as };
}

/** Softmax of a vector, shifted by its maximum. */
export function softmax(z: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(z));
  const e = Array.from(z, (v) => Math.exp(v - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

/** Indices where a and b differ. */
export function changed(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

/**
 * Central differences (step `h`) of `loss` for every weight and bias of `t`, by name (optimizer
 * slots left out): what the gradient checks compare the training step against.
 */
export async function numericGradient(t: TestNet, loss: () => Promise<number>, h: number): Promise<Record<string, Float64Array>> {
  const out: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(t.read())) {
    if (name.includes("slot")) continue;
    const g = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const w = values[i];
      t.set(name, i, w + h);
      const up = await loss();
      t.set(name, i, w - h);
      const down = await loss();
      t.set(name, i, w);
      g[i] = (up - down) / (2 * h);
    }
    out[name] = g;
  }
  return out;
}

/** One training call on `idx` at learning rate `rate`; returns (before − after)/rate per parameter, and restores the parameters. */
export async function stepGradient(t: TestNet, rows: PackedRows, idx: number[], rate: number): Promise<Record<string, Float64Array>> {
  const before = t.read();
  await t.train(rows, idx);
  const after = t.read();
  const out: Record<string, Float64Array> = {};
  for (const name of Object.keys(before)) if (!name.includes("slot")) out[name] = Float64Array.from(before[name], (w, i) => (w - after[name][i]) / rate);
  t.write(before);
  return out;
}

/**
 * Asserts the training step's gradient equals the numeric one for every parameter, and that more
 * than `minNonzero` entries are non-zero (else the check would pass on an all-zero gradient).
 */
export function compareGradients(analytic: Record<string, Float64Array>, numeric: Record<string, Float64Array>, label: string, minNonzero: number): void {
  let nonzero = 0;
  for (const name of Object.keys(numeric)) {
    assertClose(analytic[name], numeric[name], { atol: 2e-6, rtol: 1e-5, message: `${label}: ${name}` });
    for (const v of numeric[name]) if (Math.abs(v) > 1e-6) nonzero++;
  }
  assert(nonzero > minNonzero, `${label}: only ${nonzero} non-zero gradient entries; the check is vacuous`);
}
