/**
 * The Activation contract: a hidden-layer non-linearity, its derivative and its own test vectors.
 * @module
 */
import type { Named } from "./registry.ts";

/** A hidden-layer activation function (H2O's `activation` parameter, without the dropout part). */
export interface Activation extends Named {
  /** a = f(z) */
  f(z: number): number;
  /** da/dz, given both z and a = f(z) (many derivatives are cheapest from a) */
  df(z: number, a: number): number;
  /**
   * Channels per unit: Maxout has 2 pre-activations per unit and the engine takes their maximum
   * before `f`; the gradient flows to the winning channel only. 1 when omitted.
   */
  readonly channels?: number;
  /** Initial biases of the first hidden layer and of deeper ones (H2O: Rectifier 0.5 and 1). */
  readonly initialBias?: readonly [first: number, rest: number];
  /** Name of a built-in fast body that accelerated backends may use instead of calling `f`/`df`. */
  readonly fastBody?: string;
  /**
   * The GPU body, next to the TypeScript math so an activation stays one file: WGSL expressions
   * of type f32 over `z` (f) and over `z` and `a = f(z)` (df). Device backends (webgpu) run these
   * and refuse, by name, a plugin without them.
   */
  readonly wgsl?: { readonly f: string; readonly df: string };
  /** [z, f(z), f'(z)] triples checked by the shared plugin test. */
  readonly vectors: readonly (readonly [number, number, number])[];
}

/** Declares an activation; fills defaults and checks the declaration. */
export function defineActivation(a: Activation): Activation {
  if (!a.vectors?.length) throw new TypeError(`Cannot define activation "${a.name}": it needs test "vectors"`);
  const channels = a.channels ?? 1;
  if (!Number.isInteger(channels) || channels < 1) {
    throw new TypeError(`Cannot define activation "${a.name}": "channels" must be a positive integer`);
  }
  return Object.freeze({ ...a, channels });
}
