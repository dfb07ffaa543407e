/**
 * A trained Deep Learning model: predict, read metrics, save. Everything it needs (preprocessing
 * included) is in its `data`, which is also what the model file holds.
 * @module
 */
import type { Backend } from "../core/backend.ts";
import { allocState, bindNetwork, freeState, PREDICT_ONLY, weightRows, writeState } from "../core/train/network.ts";
import { packInputs, reportedOutputs } from "../core/train/inputs.ts";
import { adaptFrame, inputNames } from "../core/train/preprocess.ts";
import type { PluginSet } from "../core/train/resolve.ts";
import { computeMetrics, metricOptions, type ModelMetrics, predictedClass, regressionPrediction } from "../core/train/score.ts";
import { GenericNetwork } from "../core/train/step.ts";
import type { HistoryRow, ModelData, ModelOutput } from "../core/train/train.ts";
import type { VariableImportance } from "../core/train/varimp.ts";
import type { Column } from "../frame/frame.ts";
import { Frame, NumericVector } from "../frame/frame.ts";
import { readBytes, writeFileAtomic } from "../io/files.ts";
import { selectBackend } from "../backends/mod.ts";
import * as builtins from "../plugins/mod.ts";
import { decodeModel, encodeModel } from "./file.ts";
import { formatModel } from "./format.ts";
import { type MetricSource, type ParamDefaultActual, paramsWithDefaults, predictionColumnName } from "./accessors.ts";
import { ModelPerformance, type PrintableConfusionMatrix } from "./performance.ts";

/**
 * A trained model.
 * @example
 * ```ts
 * const model = await DeepLearningModel.load("mnist.tide");
 * const pred = await model.predict(test);
 * ```
 */
export class DeepLearningModel {
  #net: { backend: Backend; generic: GenericNetwork; close(): void } | null = null;

  readonly #backend: Backend | undefined;

  /**
   * @param data the model's data
   * @param plugins registries to resolve its plugin names (built-ins by default)
   * @param options.backend the backend predictions run on (default: the one named by the model's
   *   `backend` parameter, or the best available one when that is "auto" or missing here)
   */
  constructor(readonly data: ModelData, readonly plugins: PluginSet = builtins, options: { backend?: Backend } = {}) {
    this.#backend = options.backend;
    for (const [kind, name, reg] of [["activation", data.activation, plugins.activations], ["distribution", data.distribution, plugins.distributions], ["optimizer", data.optimizer, plugins.optimizers]] as const) {
      if (!reg.has(name)) throw new RangeError(`Cannot use this model: it needs the ${kind} plugin "${name}", which is not registered; add it before loading`);
    }
  }

  /** Loads a model file (checked: a foreign, truncated or corrupt file is an error). */
  static async load(path: string, plugins: PluginSet = builtins, options: { backend?: Backend } = {}): Promise<DeepLearningModel> {
    return new DeepLearningModel(decodeModel(await readBytes(path), `"${path}"`), plugins, options);
  }

  /** Writes the model file atomically; returns the path. */
  async save(path: string): Promise<string> {
    await writeFileAtomic(path, encodeModel(this.data));
    return path;
  }

  /** The model's name. */
  get modelId(): string {
    return this.data.modelId;
  }

  /** Every parameter with H2O's default and the actual value it trained with (H2O's `model.params`). */
  get params(): Readonly<Record<string, ParamDefaultActual>> {
    return paramsWithDefaults(this.data.params, this.plugins);
  }

  /** Stored metrics: `{ valid: true }` for the validation frame, else the training sample. */
  modelPerformance(options: { train?: boolean; valid?: boolean } = {}): ModelPerformance {
    const out = this.data.output;
    if (options.valid) {
      if (!out.validationMetrics) throw new RangeError("This model has no validation metrics: train it with a validation_frame");
      return new ModelPerformance(out.validationMetrics, "validation");
    }
    if (!out.trainingMetrics) throw new RangeError("This model has no training metrics");
    return new ModelPerformance(out.trainingMetrics, "training");
  }

  /** Scores a frame that has the response column (H2O's `model_performance(test_data=…)`). */
  async performance(frame: Frame, options: ScoringOptions = {}): Promise<ModelPerformance> {
    const prep = this.data.preprocessor;
    const a = adapted(adaptFrame(prep, this.#asTrained(frame), { requireResponse: true }), options);
    const out = await this.#outputs(a);
    const ctx = { response: prep.response!, distribution: this.plugins.distributions.get(this.data.distribution), distributionParams: this.data.distributionParams, metricOptions: metricOptions(this.data.params) };
    return new ModelPerformance(computeMetrics(out, a.response!, a.weights, ctx), "test");
  }

  /**
   * Predictions, one row per input row: classification gives `predict` (the label) then one
   * probability column per class named after it (`p0`, `p1` for integer labels, as H2O);
   * regression gives `predict`. Columns that do not match the training frame are reported
   * through `options.onWarning` (or refused with `options.strict`).
   */
  async predict(frame: Frame, options: ScoringOptions = {}): Promise<Frame> {
    const prep = this.data.preprocessor;
    const a = adapted(adaptFrame(prep, this.#asTrained(frame)), options);
    const out = await this.#outputs(a);
    const r = prep.response!;
    const n = a.rows;
    if (r.kind === "numeric") {
      const ctx = { response: r, distribution: this.plugins.distributions.get(this.data.distribution), distributionParams: this.data.distributionParams };
      const data = Float64Array.from({ length: n }, (_, i) => regressionPrediction(out[i], ctx));
      return new Frame([{ name: "predict", type: "numeric", data }]);
    }
    const C = r.domain.length;
    const threshold = this.threshold;
    const codes = new Int32Array(n);
    const probs: Float64Array[] = Array.from({ length: C }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const row = out.subarray(i * C, (i + 1) * C);
      for (let c = 0; c < C; c++) probs[c][i] = row[c];
      codes[i] = predictedClass(row, threshold);
    }
    const cols: Column[] = [{ name: "predict", type: "categorical", codes, domain: r.domain }];
    r.domain.forEach((level, c) => cols.push({ name: uniqueName(predictionColumnName(level), cols), type: "numeric", data: NumericVector.from(probs[c]) }));
    return new Frame(cols);
  }

  /** Binomial label threshold: max-F1 of the validation metrics, else of the training metrics, else 0.5. */
  get threshold(): number {
    const m = this.data.output.validationMetrics ?? this.data.output.trainingMetrics;
    return m && m.model_category === "Binomial" ? m.threshold : 0.5;
  }

  /** H2O-like printout: layers, metrics, scoring history, variable importances. */
  toString(): string {
    return formatModel(this.data);
  }

  /** Frees the prediction buffers (they are rebuilt on the next predict). */
  close(): void {
    this.#net?.close();
    this.#net = null;
  }

  // ── Accessors of H2O's clients: model.varimp(), model.mse(valid=True), model.weights(0), … ──

  /** The parameters it trained with, after H2O's sanitizing (H2O's `model.actual_params`). */
  get actualParams(): Readonly<Record<string, unknown>> {
    return this.data.params;
  }

  /** Variable importances (Gedeon), most important first; throws when they were not computed. */
  varimp(): readonly VariableImportance[] {
    const v = this.data.output.varimp;
    if (!v) throw new RangeError(`Model ${this.modelId} has no variable importances: train it with variable_importances = true`);
    return v;
  }

  /** The scoring history, one row per scoring event (the first is the untrained placeholder). */
  scoringHistory(): readonly HistoryRow[] {
    return this.data.output.history;
  }

  /** The stored metrics of `{ train }` (default), `{ valid }` or `{ xval }` (cross-validation). */
  metricsOf(which: MetricSource = {}): ModelPerformance {
    const chosen = (["train", "valid", "xval"] as const).filter((k) => which[k]);
    if (chosen.length > 1) throw new RangeError(`Cannot read a metric: pass one of { train: true }, { valid: true } or { xval: true }, not ${chosen.join(" and ")}`);
    const out = this.data.output as ModelOutput & { crossValidationMetrics?: ModelMetrics | null };
    if (chosen[0] === "xval") {
      if (!out.crossValidationMetrics) throw new RangeError(`Model ${this.modelId} has no cross-validation metrics: train it with nfolds ≥ 2 or a fold_column`);
      return new ModelPerformance(out.crossValidationMetrics, "cross-validation");
    }
    return this.modelPerformance({ valid: chosen[0] === "valid" });
  }

  /** Mean squared error; `{ valid: true }` or `{ xval: true }` for validation or cross-validation. */
  mse(which?: MetricSource): number { return this.metricsOf(which).mse(); }
  /** Root mean squared error. */
  rmse(which?: MetricSource): number { return this.metricsOf(which).rmse(); }
  /** Mean absolute error (regression). */
  mae(which?: MetricSource): number { return this.metricsOf(which).mae(); }
  /** Root mean squared log error (regression). */
  rmsle(which?: MetricSource): number { return this.metricsOf(which).rmsle(); }
  /** Mean residual deviance (regression). */
  meanResidualDeviance(which?: MetricSource): number { return this.metricsOf(which).meanResidualDeviance(); }
  /** R². */
  r2(which?: MetricSource): number { return this.metricsOf(which).r2(); }
  /** Logarithmic loss (classification). */
  logloss(which?: MetricSource): number { return this.metricsOf(which).logloss(); }
  /** AUC: binomial, or multinomial as `auc_type` chose (NaN when it is AUTO or NONE). */
  auc(which?: MetricSource): number { return this.metricsOf(which).auc(); }
  /** Area under the precision-recall curve (binomial, or multinomial with `auc_type`). */
  aucpr(which?: MetricSource): number { return this.metricsOf(which).aucpr(); }
  /** 2·AUC − 1 (binomial). */
  gini(which?: MetricSource): number { return this.metricsOf(which).gini(); }
  /** Mean of the per-class error rates (classification). */
  meanPerClassError(which?: MetricSource): number { return this.metricsOf(which).meanPerClassError(); }
  /** Misclassification rate (classification; binomial at the max-F1 threshold). */
  classificationError(which?: MetricSource): number { return this.metricsOf(which).classificationError(); }
  /** Response rate of the top gains/lift group over the overall rate (binomial). */
  liftTopGroup(which?: MetricSource): number { return this.metricsOf(which).liftTopGroup(); }
  /** Top-k hit ratios, k = 1 … min(max_hit_ratio_k, classes) (multinomial). */
  hitRatios(which?: MetricSource): readonly number[] { return this.metricsOf(which).hitRatios(); }
  /** The confusion matrix (classification), printable as H2O's table. */
  confusionMatrix(which?: MetricSource): PrintableConfusionMatrix { return this.metricsOf(which).confusionMatrix(); }

  /**
   * Weight matrix `i` (0 = input → first hidden layer) as a frame: one row per unit of the upper
   * layer (units × channels for Maxout), one column per unit of the lower layer, named by the
   * expanded input names for `i` = 0 and C1, C2, … above. Needs `export_weights_and_biases = true`.
   */
  weights(i: number): Frame {
    const { rows, cols } = this.#exported(i, "weights");
    const w = this.data.state[`weights.${i}`];
    const names = i === 0 ? inputNames(this.data.preprocessor) : Array.from({ length: cols }, (_, j) => `C${j + 1}`);
    return new Frame(names.map((name, j) => ({ name, type: "numeric", data: Float64Array.from({ length: rows }, (_, r) => w[r * cols + j]) })));
  }

  /** Bias vector `i` as a one-column frame ("C1"), one row per unit of layer i + 1. Needs `export_weights_and_biases = true`. */
  biases(i: number): Frame {
    this.#exported(i, "biases");
    return new Frame([{ name: "C1", type: "numeric", data: Float64Array.from(this.data.state[`biases.${i}`]) }]);
  }

  /** Multipliers of the numeric inputs, in input order (1/σ when standardized); needs `export_weights_and_biases = true`. */
  normmul(): number[] {
    this.#exported(0, "normalization");
    return this.#numericInputs().map((x) => x.mul);
  }

  /** Offsets subtracted from the numeric inputs (the means when standardized); needs `export_weights_and_biases = true`. */
  normsub(): number[] {
    this.#exported(0, "normalization");
    return this.#numericInputs().map((x) => x.sub);
  }

  /** Multiplier of a standardized numeric response (null for classification); needs `export_weights_and_biases = true`. */
  respmul(): number[] | null {
    this.#exported(0, "normalization");
    const r = this.data.preprocessor.response;
    return r?.kind === "numeric" ? [r.mul] : null;
  }

  /** Offset of a standardized numeric response (null for classification); needs `export_weights_and_biases = true`. */
  respsub(): number[] | null {
    this.#exported(0, "normalization");
    const r = this.data.preprocessor.response;
    return r?.kind === "numeric" ? [r.sub] : null;
  }

  /** Where each categorical's one-hot block starts in the input layer, then where the last ends (H2O's catoffsets). */
  catoffsets(): number[] {
    this.#exported(0, "normalization");
    const cats = this.data.preprocessor.inputs.filter((x) => x.kind === "categorical");
    return cats.length ? [...cats.map((c) => c.offset), cats.at(-1)!.offset + cats.at(-1)!.slots] : [0];
  }

  #numericInputs(): { mul: number; sub: number }[] {
    return this.data.preprocessor.inputs.filter((x) => x.kind === "numeric").map((x) => x as { mul: number; sub: number });
  }

  #exported(i: number, what: string): { rows: number; cols: number } {
    const layers = this.data.shape.units.length - 1;
    if (this.data.params.export_weights_and_biases !== true) {
      throw new RangeError(`Model ${this.modelId} did not export its ${what}: train it with export_weights_and_biases = true`);
    }
    if (!Number.isInteger(i) || i < 0 || i >= layers) throw new RangeError(`No ${what} ${i}: this model has ${what} 0 … ${layers - 1} (${layers} layers of connections)`);
    return { rows: weightRows(this.data.shape, i), cols: this.data.shape.units[i] };
  }

  // The response may be numeric in a new frame while the model trained on it as a factor.
  #asTrained(frame: Frame): Frame {
    const r = this.data.preprocessor.response;
    return r && r.kind === "categorical" && frame.has(r.name) && frame.col(r.name).type === "numeric" ? frame.asfactor(r.name) : frame;
  }

  async #outputs(a: ReturnType<typeof adaptFrame>): Promise<Float64Array> {
    const net = await this.#network();
    const prep = this.data.preprocessor;
    const nOut = prep.response!.kind === "categorical" ? prep.response!.domain.length : 1;
    const out = new Float64Array(a.rows * nOut);
    await net.generic.predict(packInputs(prep, a, { precision: net.backend.precision }), out);
    return reportedOutputs(prep, out);
  }

  async #network(): Promise<{ backend: Backend; generic: GenericNetwork; close(): void }> {
    if (this.#net) return this.#net;
    const d = this.data;
    const backend = this.#backend ?? await selectBackend(String(d.params.backend ?? "auto")).catch(() => selectBackend("auto"));
    const state = allocState(backend, d.shape, this.plugins.optimizers.get(d.optimizer).slots);
    writeState(backend, state, d.state);
    const net = bindNetwork(d, this.plugins, { state, ...PREDICT_ONLY });
    const generic = new GenericNetwork(backend, net);
    this.#net = { backend, generic, close: () => { generic.close(); freeState(backend, state); } };
    return this.#net;
  }
}

/** How {@linkcode DeepLearningModel.predict} treats a frame whose columns differ from the training frame's. */
export interface ScoringOptions {
  /** Called once per mismatch (a missing column, unseen levels, …), each naming its column and row count. */
  readonly onWarning?: (message: string) => void;
  /** Refuse a mismatched frame: throw a `RangeError` listing every mismatch instead of warning. */
  readonly strict?: boolean;
}

function adapted(a: ReturnType<typeof adaptFrame>, options: ScoringOptions): ReturnType<typeof adaptFrame> {
  const warnings = a.messages.filter((m) => m.level === "warn").map((m) => m.message);
  if (options.strict && warnings.length) {
    throw Object.assign(new RangeError(`Cannot score: the frame does not match the model's training frame (strict): ${warnings.join("; ")}`), { problems: warnings });
  }
  for (const w of warnings) options.onWarning?.(w);
  return a;
}

function uniqueName(name: string, cols: Column[]): string {
  let n = name, k = 1;
  while (cols.some((c) => c.name === n)) n = `${name}${k++}`;
  return n;
}
