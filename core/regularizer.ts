/**
 * The Regularizer contract. Kinds stay orthogonal: a gradient term (L1, L2) adds to the data
 * gradient of each updated parameter; a constraint (max_w2) rescales a unit's incoming weights
 * after its update; a dropout rule decides, per sample, which units of a layer are kept.
 * @module
 */
import type { ParamSpecs } from "./params.ts";
import type { Named } from "./registry.ts";
import type { Rng } from "./rng.ts";

/** Hyper-parameters by wire name. */
export type RegularizerParams = Readonly<Record<string, unknown>>;

/** A regularizer: implement one or more of the hooks. */
export interface Regularizer extends Named {
  readonly params: ParamSpecs;
  /** Whether it does anything with these settings (l1 = 0 → false), so engines can skip it. */
  active(p: RegularizerParams): boolean;
  /** Term added to a parameter's gradient (weights and biases alike, as in H2O). */
  gradient?(w: number, p: RegularizerParams): number;
  /**
   * Factor for a unit's incoming weights given their squared norm, 1 to keep them; applied after
   * every update of that unit.
   */
  constrain?(sumSquares: number, p: RegularizerParams): number;
  /**
   * Dropout: the fraction of layer `layer`'s units dropped while training (0 = inputs,
   * 1 … L = hidden layers). Dropped units are zeroed and learn nothing from that sample; when
   * scoring, the layer's values are multiplied by 1 − ratio instead.
   */
  dropRatio?(layer: number, layers: number, p: RegularizerParams): number;
  readonly fastBody?: string;
  /**
   * The GPU body for the hooks it implements: WGSL f32 expressions, `gradient` over `w`,
   * `constrain` over `s` (the row's Σw²), with `p0 … p3` the values of `params` in that order.
   * Dropout needs none: masks are drawn on the host from each sample's stream.
   */
  readonly wgsl?: { readonly params?: readonly string[]; readonly gradient?: string; readonly constrain?: string };
  /** Checks for the shared plugin test: `[w, expected gradient term]` or `[sumSquares, factor]`. */
  readonly vectors: readonly { readonly params: RegularizerParams; readonly input: number; readonly output: number }[];
}

/** Draws whether one unit is kept under dropout ratio `ratio` (one uniform per unit). */
export function keepUnit(rng: Rng, ratio: number): boolean {
  return rng.uniform() >= ratio;
}

/** Declares a regularizer; checks that it implements at least one hook. */
export function defineRegularizer(r: Regularizer): Regularizer {
  if (!r.gradient && !r.constrain && !r.dropRatio) {
    throw new TypeError(`Cannot define regularizer "${r.name}": implement gradient, constrain or dropRatio`);
  }
  return Object.freeze({ ...r });
}
