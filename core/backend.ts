/**
 * The Backend contract: a few kernels over opaque buffers, one reference implementation that
 * defines "correct" (backends/reference), and faster ones checked against it op by op.
 *
 * Two levels:
 * - Ops (`affine`, `affineBackward`, `map`, `softmax`, …) that the engine's generic training step
 *   (core/train/step.ts) is written in. Any plugin trains on any backend through them: plugin math
 *   runs either as the backend's own fast body (looked up by `fastBody`), as the plugin's
 *   TypeScript function over the backend's memory (host backends), or as the plugin's declared GPU
 *   body (`wgsl`, next to its TypeScript math; device backends refuse a plugin without one).
 *   Ops only enqueue work; nothing leaves the backend except through the asynchronous `read`.
 * - An optional fused trainer (`fused`) that runs H2O's whole per-sample loop (forward, backward,
 *   update), or whole mini-batches of it, over many rows inside the backend, for networks whose
 *   every plugin it knows.
 *
 * Layout: a buffer allocated with a shape `[rows, cols]` is a matrix. `write` and `read` always
 * use row-major order. Matrices allocated with the role "weights" (W, its gradient and its
 * optimizer slots, shaped (out, in)) may be stored differently (transposed, say) because only the
 * backend's own ops look inside; all "weights" matrices of one shape share one layout, so
 * element-wise ops still pair their elements.
 * @module
 */
import type { Activation } from "./activation.ts";
import type { Distribution, DistributionParams } from "./distribution.ts";
import type { Optimizer, OptimizerParams } from "./optimizer.ts";
import type { Regularizer, RegularizerParams } from "./regularizer.ts";
import type { Named } from "./registry.ts";

/** A backend-owned buffer of numbers. */
export interface Buf {
  readonly length: number;
  /** `[rows, cols]` for matrices. */
  readonly shape?: readonly [number, number];
}

/** What a buffer holds: "weights" matrices may get a backend-specific layout (see above). */
export type BufRole = "data" | "weights";

/** Host arrays a backend computes in. */
export type FloatArray = Float64Array | Float32Array;

/** Sizes of one dense layer applied to a batch. */
export interface Dims {
  readonly batch: number;
  /** Input width (columns of W). */
  readonly in: number;
  /** Output rows of W (units × channels). */
  readonly out: number;
}

/** A regularizer with the settings it runs under. */
export interface BoundRegularizer {
  readonly regularizer: Regularizer;
  readonly params: RegularizerParams;
}

/** The element-wise kernels the engine needs; plugin math is carried in. */
export type Elementwise =
  /** outs[0] = f(ins[0]) */
  | { readonly kind: "activate"; readonly activation: Activation }
  /** outs[0] = ins[2] · df(ins[0], ins[1]) (error times derivative, from z and a) */
  | { readonly kind: "activateGrad"; readonly activation: Activation }
  /** outs[0] = ins[0] · ins[1] */
  | { readonly kind: "mul" }
  /** outs[0] = ins[0] · factor */
  | { readonly kind: "scale"; readonly factor: number }
  /** outs[0] = distribution.gradient(ins[1], linkInv(ins[0])) (regression and reconstruction output error) */
  | { readonly kind: "outputGrad"; readonly distribution: Distribution; readonly params: DistributionParams }
  /**
   * Parameter update. ins = [P, dP, ...slots], outs = [P, ...slots] (aliasing allowed).
   * γ = dP + Σ term.gradient(p); p = optimizer.step(p, γ, slots, params).
   * With `skipZero`, entries whose data gradient dP is exactly 0 are left untouched, state
   * included (H2O's fast_mode: a parameter that carried no signal this sample is not updated).
   * With `rowMask` (one value per row of P), rows whose mask is 0 are left untouched too
   * (Maxout's losing channels).
   */
  | {
    readonly kind: "update";
    readonly optimizer: Optimizer;
    readonly params: OptimizerParams;
    readonly terms: readonly BoundRegularizer[];
    readonly skipZero: boolean;
    readonly rowMask?: Buf | null;
  };

/** Classification loss on a softmax output. */
export type SoftmaxLoss = "CrossEntropy" | "Quadratic";

/** A backend: ops, buffers, and optionally a fused trainer. */
export interface Backend extends Named {
  /** Bits of the floats it computes with; chooses the tolerance in conformance tests. */
  readonly precision: 32 | 64;
  /** The available backend with the highest priority is the default. */
  readonly priority: number;
  /** False when it cannot run here (no SIMD, no adapter); never throws. */
  init(): Promise<boolean>;
  /** Why `init` returned false, for messages and visible test skips. */
  readonly unavailableReason?: string;

  alloc(length: number, shape?: readonly [number, number], role?: BufRole): Buf;
  free(b: Buf): void;
  /** Copies `src` into `dst` starting at element `offset` (row-major for matrices). */
  write(dst: Buf, src: ArrayLike<number>, offset?: number): void;
  /**
   * Copies a buffer out (row-major for matrices). Asynchronous because data leaves a device here
   * (a GPU maps a staging buffer); host backends resolve at once. Every call that reads results
   * (predict, scoring, readState) is asynchronous for this reason.
   */
  read(src: Buf): Promise<Float64Array>;
  /** Sets every element to `value`. */
  fill(dst: Buf, value: number): void;

  /** Y(batch, out) = X(batch, in) · Wᵀ + b, with W: (out, in), b: (out). */
  affine(X: Buf, W: Buf, b: Buf, Y: Buf, d: Dims): void;
  /**
   * Gradients of `affine` given dY(batch, out): dX = dY · W (skipped when null),
   * dW = scale · dYᵀ · X, db = scale · column sums of dY. Uses W as it is (before any update).
   */
  affineBackward(
    dY: Buf,
    X: Buf,
    W: Buf,
    out: { readonly dX: Buf | null; readonly dW: Buf; readonly db: Buf },
    d: Dims & { readonly scale: number },
  ): void;
  /** Runs an element-wise kernel over the first `n` elements of equally shaped buffers. */
  map(op: Elementwise, ins: readonly Buf[], outs: readonly Buf[], n: number): void;
  /** Row-wise softmax: P(batch, width) from Z(batch, width), shifted by the row maximum. */
  softmax(Z: Buf, P: Buf, batch: number, width: number): void;
  /**
   * Output error of a softmax layer with one-hot targets T: CrossEntropy E = P − T; Quadratic,
   * the exact gradient of ½‖P − T‖² through the softmax.
   */
  softmaxGrad(P: Buf, T: Buf, E: Buf, batch: number, width: number, loss: SoftmaxLoss): void;
  /**
   * Maxout: A(batch, units) = max over each unit's `channels` consecutive values of Z
   * (batch, units·channels); ties go to the first channel.
   */
  channelMax(Z: Buf, A: Buf, batch: number, units: number, channels: number): void;
  /**
   * Routes E(batch, units) to the winning channel of Z; other channels get 0. When `won` is given
   * (units·channels values), it is set to 1 for each channel that won in some batch row, else 0.
   */
  channelMaxGrad(Z: Buf, E: Buf, G: Buf, batch: number, units: number, channels: number, won?: Buf | null): void;
  /**
   * For each row r of W(rows, cols) with touched[r] ≠ 0 (every row when `touched` is null),
   * multiplies the row by `regularizer.constrain(Σ W[r,:]², params)`.
   */
  constrainRows(W: Buf, touched: Buf | null, rows: number, cols: number, c: BoundRegularizer): void;

  /**
   * Why this backend will not train this network, naming the parameter or plugin and the fix
   * (webgpu: mini_batch_size 1, a plugin without a GPU body), or undefined. The engine refuses
   * before training; a backend without this member trains everything.
   */
  refuse?(net: FusedNetwork): string | undefined;
  /** A fused trainer for this network, or undefined when some plugin has no fast body here. */
  fused?(net: FusedNetwork): FusedTrainer | undefined;
}

/** Everything a fused trainer needs to know about the network (its parameters live in `state`). */
export interface FusedNetwork {
  /** Units per layer, input first: [n0, n1, …, nL, nOut]. */
  readonly units: readonly number[];
  readonly activation: Activation;
  /**
   * The output head (core/train/head.ts): "softmax" for classification, "linear" for regression,
   * "reconstruct" for an autoencoder (n₀ output units with the hidden activation, trained towards
   * the row's own inputs before input dropout; the loss gradient times the activation's derivative).
   */
  readonly output: "softmax" | "linear" | "reconstruct";
  readonly softmaxLoss: SoftmaxLoss;
  readonly distribution: Distribution;
  readonly distributionParams: DistributionParams;
  readonly optimizer: Optimizer;
  /** Optimizer hyper-parameters before `schedule` (the trainer schedules per layer and sample). */
  readonly optimizerParams: OptimizerParams;
  /** Dropout ratio per layer, input first: [input, hidden 1 … hidden L]. */
  readonly dropout: readonly number[];
  /** Gradient terms (l1, l2) and constraints (max_w2), already bound to their settings. */
  readonly terms: readonly BoundRegularizer[];
  readonly constraints: readonly BoundRegularizer[];
  readonly skipZero: boolean;
  /** Rows per update (1 = H2O's per-sample SGD). */
  readonly miniBatch: number;
  /** Worker threads of a host backend (1 = deterministic); a device backend runs on the device and ignores it. */
  readonly threads: number;
  /**
   * How threads share the model (`parallel_mode`): "hogwild" updates one model without locks;
   * "average" gives each thread a replica, merged by {@linkcode FusedTrainer.average}; "auto"
   * lets the trainer measure both and keep the faster. Absent: "hogwild".
   */
  readonly parallel?: "hogwild" | "average" | "auto";
  /** Model seed words for the per-sample dropout streams (see core/rng.ts). */
  readonly seed: readonly [number, number];
  /** The parameters: W[l], b[l] and their optimizer slots, l = 0 … L (weights into layer l+1). */
  readonly state: NetState;
  /** The rows carry offsets (`PackedRows.offset`): a fused trainer that cannot add them must decline. */
  readonly offset?: boolean;
  /**
   * Autoencoder sparsity (spec §5.6): each hidden unit's running average activation ρ̂ is pulled
   * towards `target` by adding beta·(ρ̂ − target) to its bias gradient. Absent or null: off; a
   * fused trainer that does not implement it must decline.
   */
  readonly sparsity?: { readonly beta: number; readonly target: number } | null;
}

/** A network's parameters as backend buffers. */
export interface NetState {
  readonly W: readonly Buf[];
  readonly b: readonly Buf[];
  /** slotsW[l][k] is slot k of W[l]; same shape as W[l]. */
  readonly slotsW: readonly (readonly Buf[])[];
  readonly slotsB: readonly (readonly Buf[])[];
}

/** Training rows in the layout the engine hands to backends: inputs already expanded. */
export interface PackedRows {
  readonly rows: number;
  /** Input width n0. */
  readonly width: number;
  /** Dense inputs (rows × width), or null when `csr` is given. */
  readonly dense: FloatArray | null;
  /** Sparse inputs: row r's non-zeros are index/value[indptr[r] … indptr[r+1]). */
  readonly csr: { readonly indptr: Int32Array; readonly index: Int32Array; readonly value: FloatArray } | null;
  /** Classification: class index per row; regression: the (standardized) target per row; autoencoder: unused (the inputs are the targets). */
  readonly target: FloatArray;
  /** Observation weights (each row's output error is multiplied by its weight), or null. */
  readonly weight: FloatArray | null;
  /**
   * offset_column: a value per row added to the output layer's pre-activation (link space, in the
   * units the network is trained in), in training and scoring. Absent or null: none.
   */
  readonly offset?: FloatArray | null;
}

/** Runs H2O's per-sample loop inside the backend. */
export interface FusedTrainer {
  /** Hands the training rows over once (the trainer may copy them into its own memory). */
  load(rows: PackedRows): void;
  /**
   * Trains on rows `order[0 … order.length)` (indices into the loaded rows), in that order across
   * threads. `samples` is the model's processed-sample count before this call (for schedules);
   * `pass` numbers the shuffle pass (for the per-sample dropout streams). Resolves to the number
   * of samples trained.
   */
  train(order: Int32Array, ctx: { readonly samples: number; readonly pass: number }): Promise<number>;
  /**
   * Replica averaging (`parallel`: "average" or "auto"): merges the threads' replicas into
   * `net.state`, each weighted by the samples it trained since the last call, and starts them
   * all from the merged state at the next `train`. The engine calls it at every iteration
   * boundary. Optional: a trainer without replicas has nothing to merge.
   */
  average?(): void;
  /**
   * Threads it actually trains on, when fewer than the network's `threads` (the SIMD backend runs
   * a plugin activation without a fast body on one thread). Absent: `threads`.
   */
  readonly threads?: number;
  /** The parallel mode the trainer runs and why (for `parallel_mode` "auto"), once it knows. */
  readonly parallelNote?: string;
  /**
   * Once its first batch has run: one line on what it took to get there from process start (the
   * webgpu trainer: adapter, device, pipeline creation, the first batch). The engine emits it as a
   * "note" event and keeps it in the model's messages.
   */
  readonly startupNote?: string;
  /**
   * Releases threads and memory. A trainer may store its network's buffers in another layout
   * while it is open; by close() they are back in the backend's usual layout.
   */
  close(): void;
}

/**
 * `backend = "auto"` (backends/auto): a backend chosen for each network once its shape, plugins
 * and mini-batch are known. The engine asks it after preparing the data and before allocating the
 * network; everything else sees the backend it chose.
 */
export interface BackendChooser {
  readonly name: "auto";
  /** The backend the data is prepared with before the choice (the available one with the highest priority). */
  provisional(): Promise<Backend>;
  /** Chooses a backend for `net` (its `state` is empty: only the plugins and sizes count). */
  choose(net: FusedNetwork, how: ChoiceContext): Promise<BackendChoice>;
  /** The initialized instance of a backend this chooser chose or created, by name. */
  instance(name: string): Backend | undefined;
}

/** What the engine tells a chooser besides the network. */
export interface ChoiceContext {
  /** `reproducible = true`: the choice must not depend on timing. */
  readonly reproducible: boolean;
  /** The input rows in a few words ("dense", "csr 15 % non-zero"), for the measurement's cache key. */
  readonly rows: string;
  /**
   * Times `backend` training this network on the real rows and resolves to samples/s; it may stop
   * early and report a lower bound once the speed is clearly below `stopBelow`.
   */
  measure(backend: Backend, stopBelow?: number): Promise<number>;
}

/** A chooser's answer: the backend, and one line saying why. */
export interface BackendChoice {
  readonly backend: Backend;
  readonly reason: string;
}

/** True for `backend = "auto"`'s chooser, false for a backend. */
export function isBackendChooser(b: Backend | BackendChooser): b is BackendChooser {
  return typeof (b as BackendChooser).choose === "function";
}

/**
 * The backend a model trained with `b` under the name `name` predicts on: `b` itself, or the
 * instance the chooser chose (undefined when it has none: the model then picks by its `backend`).
 */
export function chosenBackend(b: Backend | BackendChooser | undefined, name: string): Backend | undefined {
  return b === undefined ? undefined : isBackendChooser(b) ? b.instance(name) : b;
}
