/**
 * Training a model, in three plain steps: the plan (resolve.ts: parameters and plugins), the data
 * (data.ts: preprocessing, packed rows, scoring samples), and the iteration loop (loop.ts) with
 * hooks at its boundaries (hooks.ts: stopping, best model, derived parameters; callers add
 * theirs). Cross-validation and grid search call it; checkpoints and averaging plug into it.
 * @module
 */
import type { Backend, FusedTrainer } from "../backend.ts";
import type { Message, ParamValues } from "../params.ts";
import { seedWords } from "../rng.ts";
import type { Frame } from "../../frame/frame.ts";
import { prepareData } from "./data.ts";
import { builtinHooks } from "./hooks.ts";
import { iterationSamples, runLoop } from "./loop.ts";
import { allocState, bindNetwork, freeState, initialize, type NetworkDescription, parameterCount, type Shape } from "./network.ts";
import type { PreprocessorSpec } from "./preprocess.ts";
import { type PluginSet, resolvePlan, type TrainingPlan } from "./resolve.ts";
import type { ModelMetrics } from "./score.ts";
import { type HistoryRow, type TrainEvent, type TrainingHook, TrainingSession } from "./session.ts";
import { GenericNetwork } from "./step.ts";
import type { LayerRow } from "./summary.ts";
import type { VariableImportance } from "./varimp.ts";

export { sampleRows } from "./data.ts";
export { iterationSamples, permutation } from "./loop.ts";
export { formatDuration, type HistoryRow, type TrainEvent, type TrainingHook } from "./session.ts";

/** Everything a trained model is: plain data, serialized as is into model files. */
export interface ModelData extends NetworkDescription {
  readonly modelId: string;
  /** Parameters after sanitizing (H2O's "actual" parameters). */
  readonly params: ParamValues;
  readonly preprocessor: PreprocessorSpec;
  /** Weights, biases and optimizer slots by name (see core/train/network.ts). */
  readonly state: Readonly<Record<string, Float64Array>>;
  readonly output: ModelOutput;
}

/** What training produced besides the parameters. */
export interface ModelOutput {
  readonly history: readonly HistoryRow[];
  readonly trainingMetrics: ModelMetrics | null;
  readonly validationMetrics: ModelMetrics | null;
  readonly layers: readonly LayerRow[];
  readonly varimp: readonly VariableImportance[] | null;
  readonly samples: number;
  readonly epochs: number;
  readonly iterations: number;
  /** "completed", "stopped early", "classification_stop", "regression_stop" or "time limit". */
  readonly status: string;
  readonly runTimeMs: number;
  readonly backend: string;
  readonly threads: number;
  /** Rows one epoch stands for (spec §6.1): rows with a positive weight, trainable or not. */
  readonly trainingRows: number;
  readonly messages: readonly Message[];
}

/** Inputs of {@linkcode trainModel}. */
export interface TrainInput {
  readonly train: Frame;
  readonly valid?: Frame | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly plugins: PluginSet;
  readonly backend: Backend;
  readonly onEvent?: (e: TrainEvent) => void;
  readonly signal?: AbortSignal;
  /** Cores for nthreads = −1 (navigator.hardwareConcurrency when omitted). */
  readonly cores?: number;
  /** Hooks run after the built-in ones at every boundary of the loop. */
  readonly hooks?: readonly TrainingHook[];
}

/** Parameters above this count are refused before anything is allocated. */
const MAX_PARAMETERS = 1e8;

/** Trains a model; resolves to its data, or throws a `ParameterError` (a `RangeError`) naming every bad parameter. */
export async function trainModel(input: TrainInput): Promise<ModelData> {
  const t0 = performance.now();
  const { backend, plugins } = input;
  const cores = input.cores ?? (globalThis.navigator?.hardwareConcurrency || 1);

  // 1. The plan.
  const plan = resolvePlan(input.params, input.train, plugins, { hasValidation: !!input.valid, cores });
  const p = plan.params;
  p.backend = backend.name; // the actual backend, so a saved model predicts on the same arithmetic
  const seed = seedWords(plan.seed);

  // 2. The data.
  const data = prepareData(plan, input.train, input.valid ?? null, { precision: backend.precision, seed });
  const messages: Message[] = [...plan.messages, ...data.messages];
  const prep = data.prep;

  // 3. The network and the loop.
  const hidden = p.hidden as number[];
  const nOut = prep.response!.kind === "categorical" ? prep.response!.domain.length : 1;
  const shape: Shape = { units: [data.packed.width, ...hidden, nOut], channels: plan.activation.channels ?? 1 };
  const nParams = parameterCount(shape);
  if (nParams > MAX_PARAMETERS) throw new RangeError(`Cannot train: the network has ${nParams} parameters; the limit is 100 000 000 (reduce "hidden")`);
  const description = describeNetwork(plan, shape);
  const state = allocState(backend, shape, plan.optimizer.slots);
  initialize(backend, shape, state, {
    distribution: p.initial_weight_distribution as "UniformAdaptive", scale: p.initial_weight_scale as number,
    seed, classification: plan.problem === "classification", activation: plan.activation,
  });
  const net = {
    ...bindNetwork(description, plugins, {
      state, terms: plan.terms, constraints: plan.constraints, skipZero: plan.skipZero, miniBatch: p.mini_batch_size as number,
      threads: p.nthreads as number, seed,
    }),
    distributionParams: description.distributionParams as Record<string, number>,
    offset: data.packed.offset != null, // a fused trainer without offsets declines (offset_column)
  };
  const generic = new GenericNetwork(backend, net);
  const fused: FusedTrainer | undefined = backend.fused?.(net);
  fused?.load(data.packed);
  const threads = fused ? (p.nthreads as number) : 1;
  const session = new TrainingSession({
    plan, data, backend, net, shape, generic, fused, hooks: [...builtinHooks(), ...(input.hooks ?? [])], onEvent: input.onEvent,
    signal: input.signal, t0,
  });
  const N = data.epochRows;
  const totalSamples = Math.round((p.epochs as number) * N);
  const T = iterationSamples(p.train_samples_per_iteration as number, N, p.epochs as number);
  input.onEvent?.({ type: "start", backend: backend.name, fused: !!fused, threads, rows: data.usable.length, inputs: data.packed.width, parameters: nParams, iterationSamples: T, messages });

  try {
    await runLoop(session, { totalSamples, iterationSamples: T });
    const finalState = session.readState();
    const output: ModelOutput = {
      history: session.history, trainingMetrics: session.trainingMetrics, validationMetrics: session.validationMetrics,
      layers: session.layers(finalState), varimp: session.varimp, samples: session.samples, epochs: session.epochs,
      iterations: session.iteration, status: session.status, runTimeMs: performance.now() - t0, backend: backend.name, threads,
      trainingRows: N, messages,
    };
    return {
      modelId: (p.model_id as string | null) ?? `DeepLearning_model_${Date.now().toString(36)}`, params: p,
      ...description, distributionParams: { ...net.distributionParams }, preprocessor: prep, state: finalState, output,
    };
  } finally {
    fused?.close();
    generic.close();
    freeState(backend, state);
  }
}

/** The network a plan trains, for a shape known once the data is prepared. */
export function describeNetwork(plan: TrainingPlan, shape: Shape): NetworkDescription {
  const hidden = shape.units.length - 2;
  const dropout = shape.units.slice(0, -1).map((_, l) => plan.dropouts.reduce((r, d) => Math.max(r, d.regularizer.dropRatio!(l, hidden, d.params)), 0));
  return {
    shape, problem: plan.problem, activation: plan.activation.name, hiddenDropout: plan.hiddenDropout, softmaxLoss: plan.softmaxLoss,
    distribution: plan.distribution.name, distributionParams: { ...plan.distributionParams }, optimizer: plan.optimizer.name,
    optimizerParams: plan.optimizerParams, dropout,
  };
}
