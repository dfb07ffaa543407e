/**
 * The estimator users start from, as H2O's `H2ODeepLearningEstimator`: parameters by their H2O
 * names at construction, `train()` with frames.
 * @module
 */
import { type Backend, type BackendChooser, chosenBackend } from "../core/backend.ts";
import { paramSpecs, type PluginSet, resolvePlan } from "../core/train/resolve.ts";
import { type ModelData, type TrainEvent, type TrainingHook, type TrainInput, trainModel } from "../core/train/train.ts";
import { dryRun, type DryRunReport } from "../core/train/dry_run.ts";
import { Frame } from "../frame/frame.ts";
import { importFile } from "../frame/import.ts";
import { backendFor } from "../backends/mod.ts";
import { usedPluginRecords } from "../plugins/load.ts";
import * as builtins from "../plugins/mod.ts";
import { checkpointExportHook, prepareCheckpointDir } from "./checkpoint_export.ts";
import { DeepLearningModel } from "./model.ts";
import { type CrossValidationEvent, crossValidate } from "../lifecycle/cross_validation/cross_validate.ts";
import { checkCrossValidation, wantsCrossValidation } from "../lifecycle/cross_validation/folds.ts";
import { ParameterError, parseParams } from "../core/params.ts";

/** Deep Learning parameters by H2O wire name (see `tide train --help` for the full list). */
export type DeepLearningParams = Readonly<Record<string, unknown>>;

/** Events of `train()`: the trainer's, plus which fold or main model starts under cross-validation. */
export type DeepLearningEvent = TrainEvent | CrossValidationEvent;

/** What `train()` takes: frames and roles, as H2O's `train(x, y, training_frame, validation_frame)`. */
export interface TrainArgs {
  /** Response column (none for an autoencoder: it reconstructs its inputs). */
  readonly y?: string;
  /** Predictor columns (default: every other column). */
  readonly x?: readonly string[];
  readonly training_frame: Frame;
  readonly validation_frame?: Frame | null;
  /** Progress and scoring events while training (with nfolds, also which model is starting). */
  readonly onEvent?: (e: DeepLearningEvent) => void;
  /** Cancels training (the promise rejects with an AbortError). */
  readonly signal?: AbortSignal;
  /** A ready backend instance, or a chooser for "auto" (default: the `backend` parameter, "auto"). */
  readonly backend?: Backend | BackendChooser;
  /** Code to run at the training loop's boundaries (see docs/engine.md). */
  readonly hooks?: readonly TrainingHook[];
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
  /** With nfolds or fold_column and keep_cross_validation_models (default true): the fold models of the last `train()`. */
  crossValidationModels: DeepLearningModel[] = [];

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
  static checkParameters(given: DeepLearningParams, plugins: PluginSet = builtins): string[] {
    // Parameters that name columns or files are checked against the data by train().
    const { offset_column: _o, weights_column: _w, fold_column: _f, ignored_columns: _i, initial_weights: _iw, initial_biases: _ib, checkpoint: _c, pretrained_autoencoder: _pa, ...params } = given;
    // A problem found whatever the response's type does not depend on the frame.
    const y = typeof params.response_column === "string" && params.response_column !== "" ? params.response_column : "y";
    // An autoencoder has no response: give it one only when the user did (then it is an error).
    const autoencoder = params.autoencoder === true || params.autoencoder === "true";
    const response = autoencoder && (params.response_column === undefined || params.response_column === null) ? {} : { response_column: y };
    const frames = [
      new Frame([{ name: y, type: "numeric", data: Float64Array.of(0, 1, 0) }, { name: `${y}_x`, type: "numeric", data: Float64Array.of(1, 2, 3) }]),
      new Frame([{ name: y, type: "categorical", codes: Int32Array.of(0, 1, 0), domain: ["a", "b"] }, { name: `${y}_x`, type: "numeric", data: Float64Array.of(1, 2, 3) }]),
    ];
    const found = frames.map((f) => {
      try {
        resolvePlan({ ...params, ...response }, f, plugins, { hasValidation: true, cores: 1 });
        return [] as string[];
      } catch (e) {
        const problems = (e as { problems?: string[] }).problems;
        return problems ?? [(e as Error).message];
      }
    });
    return found[0].filter((m) => found[1].includes(m));
  }

  /**
   * Trains a model; rejects with a `RangeError` naming every invalid parameter. With a
   * `checkpoint` (a model file path, a model, or its data) it continues that model: parameters
   * not given here keep the checkpoint's values, and `epochs` is the new total.
   */
  async train(args: TrainArgs): Promise<DeepLearningModel> {
    const { input, params, checkpoint, backend } = await this.#input(args);
    // nfolds / fold_column: fold models, then the main model (lifecycle/cross_validation).
    let data;
    if (wantsCrossValidation(params)) {
      if (checkpoint) throw new ParameterError("Cannot train", [{ level: "error", field: "nfolds", message: `"nfolds" cannot be used with a checkpoint (spec §12.1): remove one of them` }]);
      const cv = await crossValidate(input as Parameters<typeof crossValidate>[0]);
      data = cv.main;
      this.crossValidationModels = cv.folds.map((f) => new DeepLearningModel(f, this.plugins, { backend: chosenBackend(backend, f.output.backend) }));
    } else {
      data = await trainModel(input);
      this.crossValidationModels = [];
    }
    // Plugins loaded from files are recorded with their source hash, so predicting can check them.
    const used = usedPluginRecords(data, this.plugins);
    this.model = new DeepLearningModel(used.length ? { ...data, plugins: used } : data, this.plugins, { backend: chosenBackend(backend, data.output.backend) });
    return this.model;
  }

  /**
   * What `train(args)` would take, without training: the network, the memory of the model and of
   * training per thread, and the time the epochs take at this backend's measured speed. Throws as
   * `train` would for bad parameters, and for a network that would not fit in memory.
   * @example `console.log(formatDryRun(await new DeepLearning({ hidden: [1024, 1024] }).dryRun({ y: "C785", training_frame: train })))`
   */
  async dryRun(args: TrainArgs): Promise<DryRunReport> {
    const { input } = await this.#input(args);
    return await dryRun(input);
  }

  /** The trainer's input for `args`: parameters (with a checkpoint's), frames, backend and hooks. */
  async #input(args: TrainArgs): Promise<{ input: TrainInput; params: Record<string, unknown>; checkpoint: ModelData | null; backend: Backend | BackendChooser }> {
    const checkpoint = await resolveCheckpoint(this.params.checkpoint, this.plugins);
    const pretrained = await resolveModel(this.params.pretrained_autoencoder, this.plugins, "pretrained_autoencoder");
    const inherited = checkpoint ? inheritable(checkpoint.params, this.plugins) : {};
    const params: Record<string, unknown> = { ...inherited, ...this.params, response_column: args.y };
    if (args.x) {
      const keep = new Set([...args.x, args.y]);
      const extra = (this.params.ignored_columns as string[] | undefined) ?? [];
      params.ignored_columns = [...new Set([...extra, ...args.training_frame.names.filter((n) => !keep.has(n))])];
    }
    if (checkpoint) params.checkpoint = typeof this.params.checkpoint === "string" ? this.params.checkpoint : checkpoint.modelId;
    if (pretrained) params.pretrained_autoencoder = typeof this.params.pretrained_autoencoder === "string" ? this.params.pretrained_autoencoder : pretrained.modelId;
    delete params.training_frame;
    delete params.validation_frame;
    for (const field of ["initial_weights", "initial_biases"]) {
      if (params[field] !== undefined && params[field] !== null) params[field] = await readMatrices(params[field]);
    }
    const backend = args.backend ?? (await backendFor(String(this.params.backend ?? "auto")));
    const hooks = [...(args.hooks ?? [])];
    const exportDir = params.export_checkpoints_dir;
    if (typeof exportDir === "string" && exportDir !== "") hooks.push(checkpointExportHook(await prepareCheckpointDir(exportDir)));
    const input: TrainInput = {
      train: args.training_frame, valid: args.validation_frame ?? null, params, plugins: this.plugins, backend,
      onEvent: args.onEvent, signal: args.signal, checkpoint, hooks, pretrained,
    };
    if (!wantsCrossValidation(params)) {
      // fold_assignment or keep_cross_validation_* without nfolds: refused, not ignored.
      const cvErrors = checkCrossValidation(parseParams(paramSpecs(this.plugins), params).params, params, args.training_frame);
      if (cvErrors.length) throw new ParameterError("Cannot train", cvErrors);
    }
    return { input, params, checkpoint, backend };
  }
}

/** The model a `checkpoint` parameter names: a model file path, a model, or model data. */
function resolveCheckpoint(value: unknown, plugins: PluginSet): Promise<ModelData | null> {
  return resolveModel(value, plugins, "checkpoint");
}

/** The model a parameter (`checkpoint`, `pretrained_autoencoder`) names: a model file path, a model, or model data. */
async function resolveModel(value: unknown, plugins: PluginSet, field: string): Promise<ModelData | null> {
  if (value === undefined || value === null || value === "") return null;
  if (value instanceof DeepLearningModel) return value.data;
  if (typeof value === "string") {
    try {
      return (await DeepLearningModel.load(value, plugins)).data;
    } catch (e) {
      throw new RangeError(`"${field}": ${(e as Error).message}`);
    }
  }
  if (typeof value === "object" && "state" in value && "output" in value) return value as ModelData;
  throw new RangeError(`"${field}" must be a model file path or a model: got ${typeof value}`);
}

/**
 * The checkpoint's parameters a restart keeps unless given again: those it set away from their
 * defaults (not its name, frames, epochs, run settings or initial weights).
 */
function inheritable(params: Readonly<Record<string, unknown>>, plugins: PluginSet): Record<string, unknown> {
  const {
    model_id: _m, training_frame: _t, validation_frame: _v, epochs: _e, checkpoint: _c, backend: _b, nthreads: _n, export_checkpoints_dir: _x,
    initial_weights: _iw, initial_biases: _ib, pretrained_autoencoder: _pa, ...rest
  } = params;
  const specs = paramSpecs(plugins);
  return Object.fromEntries(Object.entries(rest).filter(([k, v]) => !(k in specs) || JSON.stringify(v) !== JSON.stringify(specs[k].default)));
}

/**
 * initial_weights / initial_biases entries: CSV paths are read into frames (keeping the path as
 * the name the model records); frames and empty entries pass through to the engine.
 */
async function readMatrices(raw: unknown): Promise<unknown[]> {
  const items = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(",").map((s) => s.trim()) : [raw];
  return await Promise.all(items.map(async (item) => (typeof item === "string" && item !== "" ? { frame: await importFile(item), source: item } : item)));
}
