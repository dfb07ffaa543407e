/**
 * A trained Deep Learning model: predict, read metrics, save. Everything it needs (preprocessing
 * included) is in its `data`, which is also what the model file holds.
 * @module
 */
import type { Backend } from "../core/backend.ts";
import { allocState, bindNetwork, freeState, PREDICT_ONLY, weightRows, writeState } from "../core/train/network.ts";
import { networkInputNames, oneHotWidth, packInputs, reportedOutputs } from "../core/train/inputs.ts";
import { adaptFrame, inputNames, type NumericInput, type PreprocessorSpec } from "../core/train/preprocess.ts";
import { reconstructionError } from "../core/metrics/mod.ts";
import type { PluginSet } from "../core/train/resolve.ts";
import { computeMetrics, metricOptions, type ModelMetrics, packedRow, predictedClass, reconstructionMetrics, regressionPrediction } from "../core/train/score.ts";
import { GenericNetwork } from "../core/train/step.ts";
import type { HistoryRow, ModelData, ModelOutput } from "../core/train/train.ts";
import type { VariableImportance } from "../core/train/varimp.ts";
import type { Column } from "../frame/frame.ts";
import { CodeVector, Frame, NumericVector } from "../frame/frame.ts";
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
    if (this.isAutoencoder) {
      const a = adapted(adaptFrame(prep, frame), options);
      const net = await this.#network();
      const packed = packInputs(prep, a, { precision: net.backend.precision });
      const out = new Float64Array(packed.rows * packed.width);
      await net.generic.predict(packed, out);
      return new ModelPerformance(reconstructionMetrics(packed, out), "test");
    }
    const a = adapted(adaptFrame(prep, this.#asTrained(frame), { requireResponse: true }), options);
    const out = await this.#outputs(a);
    const ctx = { response: prep.response!, distribution: this.plugins.distributions.get(this.data.distribution), distributionParams: this.data.distributionParams, metricOptions: metricOptions(this.data.params) };
    return new ModelPerformance(computeMetrics(out, a.response!, a.weights, ctx), "test");
  }

  /**
   * Predictions, one row per input row: classification gives `predict` (the label) then one
   * probability column per class named after it (`p0`, `p1` for integer labels, as H2O);
   * regression gives `predict`; an autoencoder gives its reconstruction, one `reconstr_<input>`
   * column per expanded input, numerics in original units (spec §14.5). Columns that do not match the training frame are reported
   * through `options.onWarning` (or refused with `options.strict`).
   */
  async predict(frame: Frame, options: ScoringOptions = {}): Promise<Frame> {
    const prep = this.data.preprocessor;
    const a = adapted(adaptFrame(prep, this.#asTrained(frame)), options);
    const out = await this.#outputs(a);
    if (this.isAutoencoder) return reconstructionFrame(prep, out, a.rows);
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
    const cols: Column[] = [{ name: "predict", type: "categorical", codes: CodeVector.from(codes, C), domain: r.domain }];
    r.domain.forEach((level, c) => cols.push({ name: uniqueName(predictionColumnName(level), cols), type: "numeric", data: NumericVector.from(probs[c]) }));
    return new Frame(cols);
  }

  /** True for an autoencoder (trained with autoencoder = true: no response, it reconstructs its inputs). */
  get isAutoencoder(): boolean {
    return this.data.problem === "autoencoder";
  }

  /**
   * Reconstruction errors of an autoencoder (spec §14.4), one row per frame row, in its
   * normalised, expanded input space: `Reconstruction.MSE` (the mean over the inputs), or with
   * `perFeature` one `reconstr_<input>.SE` column per expanded input. A response column in the
   * frame is ignored; other columns are matched as `predict` matches them.
   * @example
   * ```ts
   * const err = await ae.anomaly(test);            // h2o: model.anomaly(test)
   * const se = await ae.anomaly(test, { perFeature: true });
   * ```
   */
  async anomaly(frame: Frame, options: ScoringOptions & { perFeature?: boolean } = {}): Promise<Frame> {
    if (!this.isAutoencoder) {
      throw new RangeError(`Cannot score anomalies: model ${this.modelId} is not an autoencoder (it predicts "${this.data.params.response_column}"); train one with autoencoder = true`);
    }
    const prep = this.data.preprocessor;
    const a = adapted(adaptFrame(prep, frame), options);
    const net = await this.#network();
    const packed = packInputs(prep, a, { precision: net.backend.precision });
    const n0 = packed.width, n = packed.rows;
    const out = new Float64Array(n * n0);
    await net.generic.predict(packed, out);
    const x = new Float64Array(n0);
    if (!options.perFeature) {
      const mse = Float64Array.from({ length: n }, (_, r) => reconstructionError(packedRow(packed, r, x), out.subarray(r * n0, (r + 1) * n0)));
      return new Frame([{ name: "Reconstruction.MSE", type: "numeric", data: mse }]);
    }
    const cols = networkInputNames(prep).map(() => new Float64Array(n));
    for (let r = 0; r < n; r++) {
      packedRow(packed, r, x);
      for (let i = 0; i < n0; i++) cols[i][r] = (out[r * n0 + i] - x[i]) ** 2;
    }
    return new Frame(networkInputNames(prep).map((name, i) => ({ name: `reconstr_${name}.SE`, type: "numeric", data: cols[i] })));
  }

  /**
   * Deep features (spec §14.6): the scoring-mode activations of hidden layer `layer` (0 = the
   * first, as H2O's Python client counts), one `DF.L<layer+1>.C<unit>` column per unit. Works for
   * every model; a response column in the frame is ignored.
   * @example
   * ```ts
   * const features = await model.deepfeatures(train, 0); // h2o: model.deepfeatures(train, 0)
   * ```
   */
  async deepfeatures(frame: Frame, layer: number): Promise<Frame> {
    const hidden = this.data.shape.units.length - 2;
    if (!Number.isInteger(layer) || layer < 0 || layer >= hidden) {
      throw new RangeError(hidden === 0
        ? `Cannot compute deep features: model ${this.modelId} has no hidden layer`
        : `No hidden layer ${layer}: model ${this.modelId} has hidden layers 0 … ${hidden - 1} (0 is the first, as in H2O's Python client)`);
    }
    const prep = this.data.preprocessor;
    const a = adaptFrame(prep, this.#asTrained(frame));
    const net = await this.#network();
    const units = this.data.shape.units[layer + 1], n = a.rows;
    const out = new Float64Array(n * units);
    await net.generic.activations(packInputs(prep, a, { precision: net.backend.precision }), layer + 1, out);
    return new Frame(Array.from({ length: units }, (_, j) => ({
      name: `DF.L${layer + 1}.C${j + 1}`, type: "numeric" as const, data: Float64Array.from({ length: n }, (_, r) => out[r * units + j]),
    })));
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
    const nOut = this.data.shape.units[this.data.shape.units.length - 1];
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

/**
 * An autoencoder's reconstruction as H2O writes it (spec §14.5): `reconstr_<input>` per expanded
 * input; numeric inputs back in original units (x̂ = â / mul + sub), one-hot slots as raw outputs.
 */
function reconstructionFrame(prep: PreprocessorSpec, out: Float64Array, n: number): Frame {
  const names = networkInputNames(prep), n0 = names.length;
  const shift = prep.hashing ? prep.hashing.buckets - oneHotWidth(prep) : 0; // hashed one-hot slots come first
  const numeric = new Map<number, NumericInput>();
  for (const inp of prep.inputs) if (inp.kind === "numeric") numeric.set(inp.offset + shift, inp);
  return new Frame(names.map((name, i) => {
    const x = numeric.get(i);
    const data = Float64Array.from({ length: n }, (_, r) => {
      const v = out[r * n0 + i];
      return x && !x.encoded ? (x.mul !== 0 ? v / x.mul + x.sub : x.sub) : v;
    });
    return { name: `reconstr_${name}`, type: "numeric" as const, data };
  }));
}

function uniqueName(name: string, cols: Column[]): string {
  let n = name, k = 1;
  while (cols.some((c) => c.name === n)) n = `${name}${k++}`;
  return n;
}
