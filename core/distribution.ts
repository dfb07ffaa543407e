/**
 * The Distribution (loss) contract. Conventions, stated once:
 * - `mu` is the prediction in response space, `mu = linkInv(eta)` with `eta` the output unit's value.
 * - `gradient(y, mu)` is the output error the network back-propagates, d(loss)/d(eta): for
 *   regression d(deviance)/d(eta) (H2O's scale, e.g. gaussian 2(mu − y)); for softmax
 *   classification, per output unit with y ∈ {0, 1}, d(−log p_y)/dz = mu − y.
 * - `deviance(y, mu)` is one row's deviance at unit weight (for "mean residual deviance").
 * @module
 */
import type { ParamSpecs } from "./params.ts";
import type { Named } from "./registry.ts";

/** How the output unit's value maps to the response. */
export type Link = "identity" | "log" | "softmax";

/** Hyper-parameters a distribution reads (tweedie_power, quantile_alpha, huber delta …). */
export type DistributionParams = Readonly<Record<string, number>>;

/** A test vector: inputs and the expected deviance and gradient. */
export interface DistributionVector {
  readonly y: number;
  readonly mu: number;
  readonly deviance: number;
  readonly gradient: number;
  readonly params?: DistributionParams;
}

/** An output distribution (H2O's `distribution` parameter). */
export interface Distribution extends Named {
  readonly link: Link;
  /** "classification" distributions use a softmax over one unit per class. */
  readonly family: "regression" | "classification";
  /** Its own hyper-parameters, by H2O wire name. */
  readonly params?: ParamSpecs;
  deviance(y: number, mu: number, p: DistributionParams): number;
  gradient(y: number, mu: number, p: DistributionParams): number;
  /** Returns why a response value is invalid for this distribution, or undefined. */
  checkResponse?(y: number): string | undefined;
  /**
   * Whether `distribution = AUTO` means this one, for a response with `classes` levels (0 when
   * numeric) and H2O's `loss`. AUTO takes the first registered distribution that says yes.
   */
  auto?(r: { readonly classes: number; readonly loss: string }): boolean;
  /** H2O losses it accepts besides "Automatic" (all when omitted). */
  readonly losses?: readonly string[];
  /** The exact number of classes it needs (bernoulli: 2), when it needs one. */
  readonly classes?: number;
  /**
   * Parameters it derives from the data instead of the user (Huber's δ), with their starting
   * values. The engine refits them with `fitParams` before training and at every scoring event.
   */
  readonly derivedParams?: DistributionParams;
  /**
   * Refits `derivedParams` from absolute residuals |y − prediction| (standardized units in
   * training), with row weights when given (metrics) or unweighted (training).
   */
  fitParams?(absResiduals: Float64Array, weights: Float64Array | null, p: DistributionParams): DistributionParams;
  readonly fastBody?: string;
  /**
   * The GPU body: `gradient` as a WGSL f32 expression over `y`, `mu` (response space, after the
   * link) and `p0 … p3`, the values of `params` in that order.
   */
  readonly wgsl?: { readonly params?: readonly string[]; readonly gradient: string };
  /** The parameters its fast body reads, in the order a backend passes them. */
  readonly fastBodyParams?: readonly string[];
  readonly vectors: readonly DistributionVector[];
}

/** Clamped exp used by every log-link computation (H2O: min(1e19, e^x)). */
export function expClamped(x: number): number {
  return Math.min(1e19, Math.exp(x));
}

/** Clamped log (H2O: −19 for x ≤ 0, else max(−19, ln x)). */
export function logClamped(x: number): number {
  return x <= 0 ? -19 : Math.max(-19, Math.log(x));
}

/** Inverse link: response-space prediction from the output unit's value. */
export function linkInv(link: Link, eta: number): number {
  return link === "log" ? expClamped(eta) : eta;
}

/** Declares a distribution; checks the declaration. */
export function defineDistribution(d: Distribution): Distribution {
  if (!d.vectors?.length) throw new TypeError(`Cannot define distribution "${d.name}": it needs test "vectors"`);
  if (d.family === "classification" && d.link !== "softmax") {
    throw new TypeError(`Cannot define distribution "${d.name}": classification needs link "softmax"`);
  }
  return Object.freeze({ ...d });
}
