/**
 * The network, described once: its shape, its plugins by name and their settings
 * (`NetworkDescription`, plain data that model files hold), bound to registered plugins and
 * backend buffers by `bindNetwork` for training and prediction alike. Its parameters are
 * weights W[m] (rows = units·channels of layer m+1, columns = units of layer m) and biases b[m]
 * for m = 0 … L, plus their optimizer slots, as backend buffers with plain names, so checkpoints,
 * averaging and best-model copies walk one list.
 * @module
 */
import type { Activation } from "../activation.ts";
import type { Backend, BoundRegularizer, Buf, FusedNetwork, NetState, SoftmaxLoss } from "../backend.ts";
import type { DistributionParams } from "../distribution.ts";
import type { OptimizerParams } from "../optimizer.ts";
import { hashWords, Rng } from "../rng.ts";
import type { PluginSet } from "./resolve.ts";
import { outputHead, type Problem } from "./head.ts";

/** Units per layer (input first) and the hidden activation's channel count. */
export interface Shape {
  /** [n0, n1, …, nL, nOut] */
  readonly units: readonly number[];
  /** Channels per hidden unit (2 for Maxout); the output layer always has 1. */
  readonly channels: number;
}

/** A network by plugin names: what a model file keeps and every consumer rebuilds it from. */
export interface NetworkDescription {
  readonly shape: Shape;
  /** The output head (head.ts): a softmax over the classes, one linear unit, or the reconstructed inputs. */
  readonly problem: Problem;
  readonly activation: string;
  /** H2O's …WithDropout activation: the hidden layers' dropout ratios are in `dropout`. */
  readonly hiddenDropout: boolean;
  readonly softmaxLoss: SoftmaxLoss;
  readonly distribution: string;
  readonly distributionParams: DistributionParams;
  readonly optimizer: string;
  readonly optimizerParams: OptimizerParams;
  /** Dropout ratio per layer, input first (scoring scales by 1 − ratio). */
  readonly dropout: readonly number[];
}

/** How a bound network trains (the run's part of a {@linkcode FusedNetwork}); prediction uses {@linkcode PREDICT_ONLY}. */
export type RunSettings = Pick<FusedNetwork, "state" | "terms" | "constraints" | "skipZero" | "miniBatch" | "threads" | "parallel" | "seed" | "sparsity">;

/** Run settings for prediction: no regularizers, one thread, no dropout streams. */
export const PREDICT_ONLY: Omit<RunSettings, "state"> = { terms: [], constraints: [], skipZero: true, miniBatch: 1, threads: 1, seed: [0, 0] };

/**
 * The description with its plugins looked up in `plugins`, ready for a backend. Throws
 * `RangeError` naming a plugin that is not registered.
 */
export function bindNetwork(d: NetworkDescription, plugins: PluginSet, run: RunSettings): FusedNetwork {
  return {
    units: d.shape.units, activation: plugins.activations.get(d.activation), output: outputHead(d.problem),
    softmaxLoss: d.softmaxLoss, distribution: plugins.distributions.get(d.distribution), distributionParams: d.distributionParams,
    optimizer: plugins.optimizers.get(d.optimizer), optimizerParams: d.optimizerParams, dropout: d.dropout, ...run,
  };
}

/** Rows of W[m]: units of layer m+1 times their channels. */
export function weightRows(shape: Shape, m: number): number {
  const hidden = m + 1 < shape.units.length - 1;
  return shape.units[m + 1] * (hidden ? shape.channels : 1);
}

/** Number of weights and biases. */
export function parameterCount(shape: Shape): number {
  let n = 0;
  for (let m = 0; m + 1 < shape.units.length; m++) n += weightRows(shape, m) * (shape.units[m] + 1);
  return n;
}

/** Allocates a network's buffers (zeroed) on a backend. */
export function allocState(backend: Backend, shape: Shape, slots: number): NetState {
  const W: Buf[] = [], b: Buf[] = [], slotsW: Buf[][] = [], slotsB: Buf[][] = [];
  for (let m = 0; m + 1 < shape.units.length; m++) {
    const rows = weightRows(shape, m), cols = shape.units[m];
    W.push(backend.alloc(rows * cols, [rows, cols], "weights"));
    b.push(backend.alloc(rows, [rows, 1]));
    slotsW.push(Array.from({ length: slots }, () => backend.alloc(rows * cols, [rows, cols], "weights")));
    slotsB.push(Array.from({ length: slots }, () => backend.alloc(rows, [rows, 1])));
  }
  for (const list of [W, b, ...slotsW, ...slotsB]) for (const x of list) backend.fill(x, 0);
  return { W, b, slotsW, slotsB };
}

/** Releases a network's buffers. */
export function freeState(backend: Backend, s: NetState): void {
  for (const list of [s.W, s.b, ...s.slotsW, ...s.slotsB]) for (const x of list) backend.free(x);
}

/** Every buffer with its stable name: "weights.0", "biases.0", "weights.0.slot1", … */
export function namedBuffers(s: NetState): [string, Buf][] {
  const out: [string, Buf][] = [];
  s.W.forEach((w, m) => {
    out.push([`weights.${m}`, w], [`biases.${m}`, s.b[m]]);
    s.slotsW[m].forEach((x, k) => out.push([`weights.${m}.slot${k}`, x]));
    s.slotsB[m].forEach((x, k) => out.push([`biases.${m}.slot${k}`, x]));
  });
  return out;
}

/**
 * The name of hidden layer m + 1's running average activations ρ̂ (sparsity, spec §5.6) in a
 * model's state: not a backend buffer, but saved and restored with the parameters so a checkpoint
 * restart continues the penalty exactly.
 */
export function meanActivationName(m: number): string {
  return `mean_activation.${m}`;
}

/** Copies all buffers out, by name. */
export async function readState(backend: Backend, s: NetState): Promise<Record<string, Float64Array>> {
  const named = namedBuffers(s);
  const values = await Promise.all(named.map(([, b]) => backend.read(b)));
  return Object.fromEntries(named.map(([n], i) => [n, values[i]]));
}

/** Writes named arrays into the buffers; throws `RangeError` on a missing name or a wrong length. */
export function writeState(backend: Backend, s: NetState, values: Readonly<Record<string, ArrayLike<number>>>): void {
  for (const [name, buf] of namedBuffers(s)) {
    const v = values[name];
    if (!v) throw new RangeError(`Cannot load parameters: "${name}" is missing`);
    if (v.length !== buf.length) throw new RangeError(`Cannot load parameters: "${name}" has ${v.length} values, expected ${buf.length}`);
    backend.write(buf, v);
  }
}

/** Initialization settings (spec §2). */
export interface InitOptions {
  readonly distribution: "UniformAdaptive" | "Uniform" | "Normal";
  readonly scale: number;
  readonly seed: readonly [number, number];
  /** Classification output weights are drawn 4× wider under UniformAdaptive (H2O). */
  readonly classification: boolean;
  readonly activation: Activation;
}

/**
 * Fills weights and biases as H2O does (spec §2.3, §2.5): one random stream per matrix m,
 * seeded from the model seed and m; weights row by row; hidden biases from the activation
 * (Rectifier and Maxout: 0.5 in the first hidden layer, 1 deeper), output biases 0.
 */
export function initialize(backend: Backend, shape: Shape, s: NetState, o: InitOptions): void {
  const layers = shape.units.length - 1;
  for (let m = 0; m < layers; m++) {
    const rows = weightRows(shape, m), cols = shape.units[m];
    const rng = new Rng(hashWords(o.seed[0], o.seed[1], 0xbad5eed, m + 1));
    const w = new Float64Array(rows * cols);
    const isOutput = m === layers - 1;
    // Unit counts, not channel counts, set the Glorot range (H2O, also for Maxout).
    let r = Math.sqrt(6 / (shape.units[m] + shape.units[m + 1]));
    if (isOutput && o.classification) r *= 4;
    for (let i = 0; i < w.length; i++) {
      if (o.distribution === "UniformAdaptive") w[i] = -r + rng.uniform() * 2 * r;
      else if (o.distribution === "Uniform") w[i] = -o.scale + rng.uniform() * 2 * o.scale;
      else w[i] = o.scale * rng.normal();
    }
    backend.write(s.W[m], w);
    const [first, rest] = o.activation.initialBias ?? [0, 0];
    backend.fill(s.b[m], isOutput ? 0 : m === 0 ? first : rest);
  }
}
