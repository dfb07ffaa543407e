/**
 * The estimator users start from, as H2O's `H2ODeepLearningEstimator`: parameters by their H2O
 * names at construction, `train()` with frames.
 * @module
 */
import type { Backend } from "../core/backend.ts";
import { paramSpecs, type PluginSet } from "../core/train/resolve.ts";
import { type TrainEvent, trainModel } from "../core/train/train.ts";
import type { Frame } from "../frame/frame.ts";
import { selectBackend } from "../backends/mod.ts";
import { usedPluginRecords } from "../plugins/load.ts";
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
    const data = await trainModel({
      train: args.training_frame, valid: args.validation_frame ?? null, params, plugins: this.plugins, backend,
      onEvent: args.onEvent, signal: args.signal,
    });
    // Plugins loaded from files are recorded with their source hash, so predicting can check them.
    const used = usedPluginRecords(data, this.plugins);
    this.model = new DeepLearningModel(used.length ? { ...data, plugins: used } : data, this.plugins, { backend });
    return this.model;
  }
}
