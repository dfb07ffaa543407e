/**
 * The estimator users start from, as H2O's `H2ODeepLearningEstimator`: parameters by their H2O
 * names at construction, `train()` with frames.
 * @module
 */
import type { Backend } from "../core/backend.ts";
import { estimateTrainingMemory, formatBytes } from "../core/train/memory.ts";
import { paramSpecs, type PluginSet, resolvePlan } from "../core/train/resolve.ts";
import { type TrainEvent, trainModel } from "../core/train/train.ts";
import { Frame } from "../frame/frame.ts";
import { availableMemory, coreCount } from "../io/system.ts";
import { selectBackend } from "../backends/mod.ts";
import * as builtins from "../plugins/mod.ts";
import { DeepLearningModel } from "./model.ts";

/** Deep Learning parameters by H2O wire name (see `tide train --help` for the full list). */
export type DeepLearningParams = Readonly<Record<string, unknown>>;

/** What `train()` takes: frames and roles, as H2O's `train(x, y, training_frame, validation_frame)`. */
export interface TrainArgs {
  /** Response column. */
  readonly y: string;
  /** Predictor columns (default: every other column). */
  readonly x?: readonly string[];
  readonly training_frame: Frame;
  readonly validation_frame?: Frame | null;
  /** Progress and scoring events while training. */
  readonly onEvent?: (e: TrainEvent) => void;
  /** Cancels training (the promise rejects with an AbortError). */
  readonly signal?: AbortSignal;
  /** A ready backend instance (default: the `backend` parameter, "auto"). */
  readonly backend?: Backend;
}

/**
 * H2O's Deep Learning estimator.
 * @example
 * ```ts
 * const dl = new DeepLearning({ distribution: "multinomial", activation: "RectifierWithDropout",
 *   hidden: [32, 32, 32], input_dropout_ratio: 0.2, sparse: true, l1: 1e-5, epochs: 10 });
 * const model = await dl.train({ y: "C785", training_frame: train, validation_frame: test });
 * model.modelPerformance({ valid: true }).logloss();
 * ```
 */
export class DeepLearning {
  /** The model from the last `train()`. */
  model: DeepLearningModel | null = null;

  /** @param params H2O-named parameters; @param plugins registries to draw plugins from */
  constructor(readonly params: DeepLearningParams = {}, readonly plugins: PluginSet = builtins) {}

  /** The parameter declarations (defaults, allowed values, help), plugins included. */
  static parameters(plugins: PluginSet = builtins): ReturnType<typeof paramSpecs> {
    return paramSpecs(plugins);
  }

  /**
   * The parameter problems that do not depend on the data (bad combinations, unsupported
   * features), found without a frame, so a command line can be refused before a large file is
   * imported. Problems that depend on the data (a response that is not there) are left to `train()`.
   * @returns one message per problem (empty when none is found)
   */
  static checkParameters(params: DeepLearningParams, plugins: PluginSet = builtins): string[] {
    // A problem found whatever the response's type does not depend on the frame.
    const y = typeof params.response_column === "string" && params.response_column !== "" ? params.response_column : "y";
    const frames = [
      new Frame([{ name: y, type: "numeric", data: Float64Array.of(0, 1, 0) }, { name: `${y}_x`, type: "numeric", data: Float64Array.of(1, 2, 3) }]),
      new Frame([{ name: y, type: "categorical", codes: Int32Array.of(0, 1, 0), domain: ["a", "b"] }, { name: `${y}_x`, type: "numeric", data: Float64Array.of(1, 2, 3) }]),
    ];
    const found = frames.map((f) => {
      try {
        resolvePlan({ ...params, response_column: y }, f, plugins, { hasValidation: true, cores: 1 });
        return [] as string[];
      } catch (e) {
        const problems = (e as { problems?: string[] }).problems;
        return problems ?? [(e as Error).message];
      }
    });
    return found[0].filter((m) => found[1].includes(m));
  }

  /** Trains a model; rejects with a `RangeError` naming every invalid parameter. */
  async train(args: TrainArgs): Promise<DeepLearningModel> {
    const params: Record<string, unknown> = { ...this.params, response_column: args.y };
    if (args.x) {
      const keep = new Set([...args.x, args.y]);
      const extra = (this.params.ignored_columns as string[] | undefined) ?? [];
      params.ignored_columns = [...new Set([...extra, ...args.training_frame.names.filter((n) => !keep.has(n))])];
    }
    delete params.training_frame;
    delete params.validation_frame;
    const backend = args.backend ?? (await selectBackend(String(this.params.backend ?? "auto")));
    checkResponseClasses(args.training_frame, args.y, params);
    checkMemory(args.training_frame, args.y, params, this.plugins, backend);
    const data = await trainModel({
      train: args.training_frame, valid: args.validation_frame ?? null, params, plugins: this.plugins, backend,
      onEvent: args.onEvent, signal: args.signal,
    });
    this.model = new DeepLearningModel(data, this.plugins, { backend });
    return this.model;
  }
}

/** H2O's limit on the classes of a categorical response (its tree models' MAX_SUPPORTED_LEVELS). */
export const MAX_RESPONSE_CLASSES = 1000;

/**
 * A numeric response that a classification distribution turns into classes must look like class
 * labels: integers, at most {@linkcode MAX_RESPONSE_CLASSES} of them. A continuous response (say
 * 300 distinct prices) would silently become 300 classes.
 */
function checkResponseClasses(frame: Frame, y: string, params: Record<string, unknown>): void {
  const dist = String(params.distribution ?? "AUTO").toLowerCase();
  if (!frame.has(y) || (dist !== "bernoulli" && dist !== "multinomial")) return;
  const c = frame.col(y);
  if (c.type !== "numeric") return;
  const seen = new Set<number>();
  let fractional = NaN;
  for (let i = 0; i < c.data.length; i++) {
    const v = c.data[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v) && Number.isNaN(fractional)) fractional = i;
    if (seen.size <= MAX_RESPONSE_CLASSES) seen.add(v);
  }
  if (!Number.isNaN(fractional)) {
    throw new RangeError(`Cannot train: distribution ${dist} makes each value of the numeric response "${y}" a class, but row ${fractional + 1} holds ${c.data[fractional]}, which is not a class label: for a continuous response use a regression distribution (gaussian, laplace, …), or convert "${y}" with asfactor first if its values really are classes`);
  }
  if (seen.size > MAX_RESPONSE_CLASSES) {
    throw new RangeError(`Cannot train: the response "${y}" has more than ${MAX_RESPONSE_CLASSES} distinct values, H2O's limit of classes for a categorical response: for a continuous response use a regression distribution (gaussian, laplace, …)`);
  }
}

/** Refuses a network whose estimated training memory exceeds the memory available now. */
function checkMemory(frame: Frame, y: string, params: Record<string, unknown>, plugins: PluginSet, backend: Backend): void {
  const hidden = Array.isArray(params.hidden) ? (params.hidden as unknown[]).map(Number) : typeof params.hidden === "string" ? params.hidden.split(",").map(Number) : [200, 200];
  if (!hidden.every((h) => Number.isSafeInteger(h) && h > 0)) return; // resolvePlan reports it
  const ignored = new Set(Array.isArray(params.ignored_columns) ? params.ignored_columns as string[] : []);
  let width = 0, predictors = 0;
  for (const c of frame.columns) {
    if (c.name === y || ignored.has(c.name) || c.name === params.weights_column || c.type === "string") continue;
    width += c.type === "categorical" ? c.domain.length + 1 : 1;
    predictors++;
  }
  const r = frame.has(y) ? frame.col(y) : null;
  const outputs = r?.type === "categorical" ? r.domain.length : 1;
  const optName = String(params.optimizer ?? "AUTO");
  const slots = optName !== "AUTO" && plugins.optimizers.has(optName) ? plugins.optimizers.get(optName).slots : params.adaptive_rate === false || params.adaptive_rate === "false" ? 1 : 2;
  const nthreads = Number(params.nthreads ?? -1);
  const threads = params.reproducible === true || params.reproducible === "true" ? 1 : nthreads > 0 ? Math.min(nthreads, coreCount()) : coreCount();
  const e = estimateTrainingMemory({
    units: [width, ...hidden, outputs], optimizerSlots: slots, threads, miniBatch: Math.max(1, Number(params.mini_batch_size ?? 1) || 1),
    precision: backend.precision, rows: frame.nrow, nonZerosPerRow: predictors,
  });
  const free = availableMemory();
  if (e.bytes > free) {
    const parts = e.parts.map((p) => `${p.what} ${formatBytes(p.bytes)}`).join(", ");
    throw new RangeError(`Cannot train: the network ${[width, ...hidden, outputs].join("-")} (${e.parameters.toLocaleString("en-US")} weights and biases) needs about ${formatBytes(e.bytes)} of memory (${parts}), but only ${formatBytes(free)} is available: use fewer or smaller hidden layers`);
  }
}
