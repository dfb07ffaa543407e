/**
 * A trained Deep Learning model: predict, read metrics, save. Everything it needs (preprocessing
 * included) is in its `data`, which is also what the model file holds.
 * @module
 */
import type { Backend } from "../core/backend.ts";
import { allocState, bindNetwork, freeState, PREDICT_ONLY, writeState } from "../core/train/network.ts";
import { packInputs, reportedOutputs } from "../core/train/inputs.ts";
import { adaptFrame } from "../core/train/preprocess.ts";
import type { PluginSet } from "../core/train/resolve.ts";
import { computeMetrics, predictedClass, regressionPrediction } from "../core/train/score.ts";
import { GenericNetwork } from "../core/train/step.ts";
import type { ModelData } from "../core/train/train.ts";
import type { Column } from "../frame/frame.ts";
import { Frame } from "../frame/frame.ts";
import { readBytes, writeFileAtomic } from "../io/files.ts";
import { selectBackend } from "../backends/mod.ts";
import * as builtins from "../plugins/mod.ts";
import { decodeModel, encodeModel } from "./file.ts";
import { formatModel } from "./format.ts";
import { ModelPerformance } from "./performance.ts";

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

  /** The parameters it trained with, after H2O's sanitizing ("actual" parameters). */
  get params(): Readonly<Record<string, unknown>> {
    return this.data.params;
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
  async performance(frame: Frame): Promise<ModelPerformance> {
    const prep = this.data.preprocessor;
    const a = adaptFrame(prep, this.#asTrained(frame), { requireResponse: true });
    const out = await this.#outputs(a);
    const ctx = { response: prep.response!, distribution: this.plugins.distributions.get(this.data.distribution), distributionParams: this.data.distributionParams };
    return new ModelPerformance(computeMetrics(out, a.response!, a.weights, ctx), "test");
  }

  /**
   * Predictions, one row per input row: classification gives `predict` (the label) then one
   * probability column per class named after it; regression gives `predict`.
   */
  async predict(frame: Frame): Promise<Frame> {
    const prep = this.data.preprocessor;
    const a = adaptFrame(prep, this.#asTrained(frame));
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
    r.domain.forEach((level, c) => cols.push({ name: uniqueName(level, cols), type: "numeric", data: probs[c] }));
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
    net.generic.predict(packInputs(prep, a, { precision: net.backend.precision }), out);
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

function uniqueName(name: string, cols: Column[]): string {
  let n = name, k = 1;
  while (cols.some((c) => c.name === n)) n = `${name}${k++}`;
  return n;
}
