/**
 * The one place the exporters read a model: a plain scoring description (preprocessing,
 * layers, output transform) built from the model's data. When the model's in-memory shape
 * changes, only this file changes; the JavaScript and ONNX writers read {@linkcode ScoringModel}.
 * @module
 */
import type { ModelData } from "../core/train/train.ts";
import type { CategoricalInput as PrepCategoricalInput, NumericInput as PrepNumericInput } from "../core/train/preprocess.ts";

/** A numeric predictor, as the preprocessor declares it: value ↦ (x − sub)·mul, missing ↦ (mean − sub)·mul. */
export type NumericInput = Pick<PrepNumericInput, "kind" | "name" | "offset" | "mean" | "sub" | "mul">;

/**
 * A categorical predictor, as the preprocessor declares it: one-hot over `slots` inputs from
 * `offset`. Level k goes to slot k (k − 1 without the first level, which then has no slot);
 * missing and unseen levels go to the last slot.
 */
export type CategoricalInput = Pick<PrepCategoricalInput, "kind" | "name" | "offset" | "domain" | "slots">;

/** One dense layer: z = W·a + b (W row-major, `rows` × `cols`), then the activation. */
export interface Layer {
  readonly rows: number;
  readonly cols: number;
  readonly W: Float64Array;
  readonly b: Float64Array;
  /** Hidden layers: the built-in activation; the output layer: "softmax" or "linear". */
  readonly activation: "Tanh" | "Rectifier" | "Maxout" | "softmax" | "linear" | string;
  /** Maxout: pre-activations per unit (rows = units · channels, a unit's channels adjacent). */
  readonly channels: number;
  /** Scoring-time dropout compensation applied to this layer's output (1 − ratio; 1 for none). */
  readonly outScale: number;
}

/** What scoring needs, in plain data. */
export interface ScoringModel {
  readonly modelId: string;
  readonly inputs: readonly (NumericInput | CategoricalInput)[];
  readonly width: number;
  /** Scoring-time input dropout compensation (1 − input_dropout_ratio). */
  readonly inputScale: number;
  readonly layers: readonly Layer[];
  readonly response:
    | { readonly kind: "categorical"; readonly name: string; readonly domain: readonly string[]; readonly threshold: number }
    | { readonly kind: "numeric"; readonly name: string; readonly sub: number; readonly mul: number; readonly link: string };
  /** The arithmetic `tide predict` uses for this model: "simd" scores in Float32. */
  readonly backend: string;
  /** Plugins the model was trained with ("kind name"), for refusals. */
  readonly plugins: readonly string[];
}

/** Builds the scoring description of a model. */
export function scoringModel(d: ModelData, linkOf: (distribution: string) => string | undefined = () => undefined): ScoringModel {
  const prep = d.preprocessor;
  const resp = prep.response;
  if (!resp) throw new RangeError(`Cannot export model ${d.modelId}: it has no response (autoencoders are not exported)`);
  const units = d.shape.units;
  const L = units.length - 1;
  const layers: Layer[] = [];
  for (let m = 0; m < L; m++) {
    const hidden = m < L - 1;
    const channels = hidden ? d.shape.channels : 1;
    const rows = units[m + 1] * channels, cols = units[m];
    layers.push({
      rows, cols, W: d.state[`weights.${m}`], b: d.state[`biases.${m}`], channels,
      activation: hidden ? d.activation : d.problem === "classification" ? "softmax" : "linear",
      outScale: hidden ? 1 - (d.dropout[m + 1] ?? 0) : 1,
    });
  }
  const metrics = d.output.validationMetrics ?? d.output.trainingMetrics;
  const threshold = metrics && metrics.model_category === "Binomial" ? (metrics as unknown as { threshold: number }).threshold : 0.5;
  return {
    modelId: d.modelId,
    inputs: prep.inputs.map((i) => i.kind === "numeric"
      ? { kind: "numeric", name: i.name, offset: i.offset, mean: i.mean, sub: i.sub, mul: i.mul }
      : { kind: "categorical", name: i.name, offset: i.offset, domain: [...i.domain], slots: i.slots }),
    width: prep.width,
    inputScale: 1 - (d.dropout[0] ?? 0),
    layers,
    response: resp.kind === "categorical"
      ? { kind: "categorical", name: resp.name, domain: [...resp.domain], threshold }
      : { kind: "numeric", name: resp.name, sub: resp.sub, mul: resp.mul, link: distributionLink(d, linkOf) },
    backend: String(d.params.backend ?? "auto"),
    plugins: (d.plugins ?? []).map((p) => `${p.kind} "${p.name}"`),
  };
}

/** Whether `useAllFactorLevels` holds: a categorical's level 0 has a slot. */
export function levelSlot(input: CategoricalInput, code: number): number {
  if (code < 0) return input.slots - 1;
  return input.slots === input.domain.length + 1 ? code : code - 1;
}

// The link of a regression model's distribution. The model stores the distribution's name; the
// built-ins' links are fixed, and a plugin distribution's link cannot be known without it.
const LINKS: Record<string, string> = {
  gaussian: "identity", laplace: "identity", quantile: "identity", huber: "identity",
  poisson: "log", gamma: "log", tweedie: "log",
};

function distributionLink(d: ModelData, linkOf: (distribution: string) => string | undefined): string {
  const link = LINKS[d.distribution] ?? linkOf(d.distribution);
  if (!link) throw new RangeError(`Cannot export model ${d.modelId}: its distribution "${d.distribution}" is a plugin that is not loaded, so its link is unknown: load it with --plugin`);
  return link;
}
