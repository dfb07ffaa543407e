/**
 * The Optimizer contract: how one parameter moves given its gradient. Optimizers never read
 * regularizer settings; L1/L2 are already inside the gradient they receive.
 * @module
 */
import type { ParamSpecs } from "./params.ts";
import type { Named } from "./registry.ts";

/** Hyper-parameters as numbers, by wire name, after `schedule`. */
export type OptimizerParams = Record<string, number>;

/** Where in training a step happens, for schedules (annealing, momentum ramps, layer decay). */
export interface StepContext {
  /** 1 for the weights into the first hidden layer, L+1 for the output layer. */
  readonly layer: number;
  /** Samples processed so far by the model, checkpoints included. */
  readonly samples: number;
}

/** A test vector: successive gradients for one parameter and the values it must take. */
export interface OptimizerVector {
  readonly params: OptimizerParams;
  readonly w0: number;
  readonly gradients: readonly number[];
  readonly weights: readonly number[];
  readonly context?: StepContext;
}

/** A parameter update rule (ADADELTA, plain rate, momentum …). */
export interface Optimizer extends Named {
  /** State values kept per parameter (ADADELTA: 2, momentum: 1, plain rate: 0). */
  readonly slots: number;
  /** Its own hyper-parameters, by H2O wire name. */
  readonly params: ParamSpecs;
  /** Per layer and moment values of the hyper-parameters (default: unchanged). */
  schedule?(p: OptimizerParams, ctx: StepContext): OptimizerParams;
  /** New value of parameter `w` given gradient `g`; updates `s` (this parameter's slots) in place. */
  step(w: number, g: number, s: Float64Array, p: OptimizerParams): number;
  /** The step size this parameter gets now, from its slots (the model summary's "Mean Rate"). */
  rate?(s: Float64Array, p: OptimizerParams): number;
  /**
   * Whether `optimizer = AUTO` means this one under H2O's parameters (adaptive_rate, momentum_*,
   * nesterov_accelerated_gradient). AUTO takes the first registered optimizer that says yes.
   */
  auto?(p: Readonly<Record<string, unknown>>): boolean;
  /**
   * A zero gradient leaves the parameter and its slots unchanged, so skipping such updates is exact
   * (plain SGD; not momentum, whose velocity keeps moving the weight).
   */
  readonly idleOnZeroGradient?: boolean;
  readonly fastBody?: string;
  /**
   * The GPU body: WGSL statements that update `w` from gradient `g`, with the slots as
   * `s0 … s3` (all `var` f32) and `p0 … p3` the values of `params` after `schedule`, in that order.
   */
  readonly wgsl?: { readonly params?: readonly string[]; readonly step: string };
  readonly vectors: readonly OptimizerVector[];
}

/** Declares an optimizer; checks the declaration. */
export function defineOptimizer(o: Optimizer): Optimizer {
  if (!Number.isInteger(o.slots) || o.slots < 0) {
    throw new TypeError(`Cannot define optimizer "${o.name}": "slots" must be a non-negative integer`);
  }
  if (!o.vectors?.length) throw new TypeError(`Cannot define optimizer "${o.name}": it needs test "vectors"`);
  return Object.freeze({ ...o });
}

/** Runs `step` over a vector's gradients, returning the successive weights (used by tests). */
export function replayOptimizer(o: Optimizer, v: OptimizerVector): number[] {
  const s = new Float64Array(o.slots);
  const ctx = v.context ?? { layer: 1, samples: 0 };
  const p = o.schedule ? o.schedule(v.params, ctx) : v.params;
  let w = v.w0;
  return v.gradients.map((g) => (w = o.step(w, g, s, p)));
}
