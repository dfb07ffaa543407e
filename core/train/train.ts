/**
 * Training a model, in three plain steps: the plan (resolve.ts: parameters and plugins), the data
 * (data.ts: preprocessing, packed rows, scoring samples), and the iteration loop (loop.ts) with
 * hooks at its boundaries (hooks.ts: stopping, best model, derived parameters; callers add
 * theirs). Cross-validation and grid search call it; checkpoints and averaging plug into it.
 * @module
 */
import { type Backend, type BackendChooser, type FusedNetwork, type FusedTrainer, isBackendChooser, type PackedRows } from "../backend.ts";
import { type Message, ParameterError, type ParamValues } from "../params.ts";
import { seedWords } from "../rng.ts";
import type { Frame } from "../../frame/frame.ts";
import { prepareData, type TrainingData } from "./data.ts";
import { estimateTrainingMemory, formatBytes, type MemoryEstimate } from "./memory.ts";
import { availableMemory } from "../../io/system.ts";
import { builtinHooks } from "./hooks.ts";
import { iterationSamples, permutation, runLoop } from "./loop.ts";
import { allocState, bindNetwork, freeState, initialize, type NetworkDescription, parameterCount, readState, type Shape, writeState } from "./network.ts";
import { pretrainedMessages, pretrainedState } from "./pretrained.ts";
import type { PreprocessorSpec } from "./preprocess.ts";
import { type PluginSet, resolvePlan, type TrainingPlan } from "./resolve.ts";
import { checkpointMessages, resumeHook } from "./checkpoint.ts";
import type { ModelMetrics } from "./score.ts";
import { type HistoryRow, type TrainEvent, type TrainingHook, TrainingSession } from "./session.ts";
import { GenericNetwork } from "./step.ts";
import { measureSpeed } from "./speed.ts";
import { outputWidth } from "./head.ts";
import type { LayerRow } from "./summary.ts";
import type { VariableImportance } from "./varimp.ts";
import type { CrossValidationOutput } from "../../lifecycle/cross_validation/output.ts";

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
  /** Plugins loaded from files that it trained with (plugins/load.ts): predicting checks them. */
  readonly plugins?: readonly { readonly kind: string; readonly name: string; readonly file: string; readonly sha256: string }[];
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
  /** Where the shuffle stood (pass, position) and the training time, so a checkpoint restart continues exactly. */
  readonly pass?: number;
  readonly cursor?: number;
  readonly trainMs?: number;
  /** With nfolds or fold_column: the merged holdout metrics (spec §10.5); absent otherwise. */
  readonly crossValidationMetrics?: ModelMetrics | null;
  /** With nfolds or fold_column: fold metrics, the summary table, kept predictions (lifecycle/cross_validation). */
  readonly crossValidation?: CrossValidationOutput;
}

/** Inputs of {@linkcode trainModel}. */
export interface TrainInput {
  readonly train: Frame;
  readonly valid?: Frame | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly plugins: PluginSet;
  /** A backend, or `backend = "auto"`'s chooser (backends/auto), asked once the network is known. */
  readonly backend: Backend | BackendChooser;
  readonly onEvent?: (e: TrainEvent) => void;
  readonly signal?: AbortSignal;
  /** Cores for nthreads = −1 (navigator.hardwareConcurrency when omitted). */
  readonly cores?: number;
  /** Hooks run after the built-in ones at every boundary of the loop. */
  readonly hooks?: readonly TrainingHook[];
  /**
   * A model to continue (spec §12): its weights, optimizer state, counters, history and
   * preprocessing carry on; `epochs` is the new total.
   */
  readonly checkpoint?: ModelData | null;
  /** pretrained_autoencoder: the autoencoder whose weights (all but the output layer) start this network. */
  readonly pretrained?: ModelData | null;
  /** Bytes training may use (default: the memory available now); a larger estimate is refused. */
  readonly availableMemory?: number;
}

/** A {@linkcode TrainInput} whose backend is chosen. */
export type BoundInput = Omit<TrainInput, "backend"> & { readonly backend: Backend };

/** Parameters above this count are refused before anything is allocated. */
const MAX_PARAMETERS = 1e8;

/** Trains a model; resolves to its data, or throws a `ParameterError` (a `RangeError`) naming every bad parameter. */
export async function trainModel(auto: TrainInput): Promise<ModelData> {
  const t0 = performance.now();
  const { input, prepared, reason } = await resolveBackend(auto);
  const { plan, data, shape, description, messages } = prepared;
  const p = plan.params;
  const trainer = await bindTrainer(input, prepared);
  const { net, generic, fused, threads } = trainer;
  const ckpt = input.checkpoint ?? null;
  const modelId = (p.model_id as string | null) ?? `DeepLearning_model_${Date.now().toString(36)}`;
  const session = new TrainingSession({
    plan, data, backend: input.backend, net, shape, generic, fused, onEvent: input.onEvent, signal: input.signal, t0, description, modelId, threads,
    messages, resumedFrom: ckpt, hooks: [...(ckpt ? [resumeHook(ckpt)] : []), ...builtinHooks(), ...(input.hooks ?? [])],
  });
  input.onEvent?.({
    type: "start", backend: input.backend.name, backendChoice: reason ?? undefined, fused: !!fused, threads, rows: data.usable.length, inputs: data.packed.width,
    parameters: prepared.estimate.parameters, iterationSamples: prepared.iterationSamples, messages,
  });
  try {
    await runLoop(session, { totalSamples: prepared.totalSamples, iterationSamples: prepared.iterationSamples });
    if (fused?.parallelNote) (messages as Message[]).push({ level: "info", field: "parallel_mode", message: fused.parallelNote });
    return await session.snapshot();
  } finally {
    trainer.close();
  }
}

/** Seconds `backend = "auto"` spends timing each candidate it has no cached speed for. */
const PROBE_SECONDS = 0.3;

/**
 * Binds `input`'s backend. With `backend = "auto"`, the data is prepared with the chooser's
 * provisional backend, then the chooser picks one for this network (timing candidates on the real
 * rows when it must; see backends/auto) and says why; the data is prepared again only when the
 * chosen backend computes in another precision.
 */
export async function resolveBackend(input: TrainInput): Promise<{ input: BoundInput; prepared: PreparedTraining; reason: string | null }> {
  const b = input.backend;
  if (!isBackendChooser(b)) return { input: input as BoundInput, prepared: prepareTraining(input as BoundInput), reason: null };
  const provisional = await b.provisional();
  let bound: BoundInput = { ...input, backend: provisional };
  let prepared = prepareTraining(bound);
  const { plan, data, description } = prepared;
  const p = plan.params;
  // Only the plugins and sizes count for a choice: the network's state stays empty.
  const net = {
    ...bindNetwork(description, input.plugins, {
      state: { W: [], b: [], slotsW: [], slotsB: [] }, terms: plan.terms, constraints: plan.constraints, skipZero: plan.skipZero,
      miniBatch: p.mini_batch_size as number, threads: p.nthreads as number, parallel: p.parallel_mode as "auto", seed: prepared.seed,
    }),
    offset: data.packed.offset != null,
  };
  const measure = async (candidate: Backend, stopBelow?: number): Promise<number> => {
    const trainer = await bindTrainer({ ...input, backend: candidate }, prepared);
    try {
      const order = permutation(data.usable.length, prepared.seed, 0);
      return await measureSpeed(trainer, data.packed, order, { slice: 256, miniBatch: p.mini_batch_size as number, seconds: PROBE_SECONDS, stopBelow });
    } finally {
      trainer.close();
    }
  };
  const choice = await b.choose(net, { reproducible: p.reproducible === true, rows: describeRows(data.packed), measure });
  if (choice.backend !== provisional) {
    bound = { ...input, backend: choice.backend };
    if (choice.backend.precision === provisional.precision) p.backend = choice.backend.name;
    else prepared = prepareTraining(bound);
  }
  return { input: bound, prepared, reason: choice.reason };
}

/** The rows in a few words, for the speed cache's key: "dense", or "csr" with its density in steps of 5 %. */
function describeRows(rows: PackedRows): string {
  if (!rows.csr) return "dense";
  const density = rows.csr.index.length / Math.max(1, rows.rows * rows.width);
  return `csr ${Math.round(density * 20) * 5} % non-zero`;
}

/** Everything known before the network is allocated: plan, data, shape, memory estimate, schedule. */
export interface PreparedTraining {
  readonly plan: TrainingPlan;
  readonly data: TrainingData;
  readonly shape: Shape;
  readonly description: NetworkDescription;
  readonly seed: readonly [number, number];
  readonly messages: readonly Message[];
  readonly estimate: MemoryEstimate;
  /** Samples the run will have trained at its end (epochs × rows, checkpoints included). */
  readonly totalSamples: number;
  readonly iterationSamples: number;
}

/**
 * Steps 1 and 2 (plan and data) and the network's shape, with the memory check: throws a
 * `ParameterError` naming every bad parameter, or a `RangeError` when the network would not fit.
 */
export function prepareTraining(input: BoundInput): PreparedTraining {
  const { backend, plugins } = input;
  const cores = input.cores ?? (globalThis.navigator?.hardwareConcurrency || 1);

  // 1. The plan.
  const ckpt = input.checkpoint ?? null;
  const plan = resolvePlan(input.params, input.train, plugins, { hasValidation: !!input.valid, cores });
  const p = plan.params;
  if (ckpt) {
    const problems = checkpointMessages(ckpt, plan, input.params, !!input.valid);
    if (problems.length) throw new ParameterError("Cannot continue from the checkpoint", [...problems, ...plan.messages]);
  }
  p.backend = backend.name; // the actual backend, so a saved model predicts on the same arithmetic
  const seed = seedWords(plan.seed);

  // 2. The data.
  const data = prepareData(plan, input.train, input.valid ?? null, { precision: backend.precision, seed, preprocessor: ckpt?.preprocessor });
  const messages: Message[] = [...plan.messages, ...data.messages];
  const prep = data.prep;

  // The network's shape, refused before anything is allocated when it would not fit.
  const hidden = p.hidden as number[];
  const nOut = outputWidth(prep, data.packed.width);
  const shape: Shape = { units: [data.packed.width, ...hidden, nOut], channels: plan.activation.channels ?? 1 };
  const estimate = memoryEstimate(plan, shape, data, backend);
  const free = input.availableMemory ?? availableMemory();
  if (estimate.bytes > free) {
    const parts = estimate.parts.map((x) => `${x.what} ${formatBytes(x.bytes)}`).join(", ");
    throw new RangeError(`Cannot train: the network ${shape.units.join("-")} (${estimate.parameters.toLocaleString("en-US")} weights and biases) needs about ${formatBytes(estimate.bytes)} of memory (${parts}), but only ${formatBytes(free)} is available: use fewer or smaller hidden layers`);
  }
  const nParams = parameterCount(shape);
  if (nParams > MAX_PARAMETERS) throw new RangeError(`Cannot train: the network has ${nParams} parameters; the limit is 100 000 000 (reduce "hidden")`);
  const description = describeNetwork(plan, shape);
  if (ckpt && JSON.stringify(ckpt.shape) !== JSON.stringify(shape)) {
    throw new RangeError(`Cannot continue from the checkpoint: its network is ${ckpt.shape.units.join("-")}, this data and hidden make ${shape.units.join("-")}`);
  }
  const pretrained = input.pretrained ?? null;
  if (pretrained) {
    const problems = pretrainedMessages(pretrained, shape, prep);
    if (ckpt) problems.push({ level: "error", field: "pretrained_autoencoder", message: `"pretrained_autoencoder" cannot be combined with "checkpoint": the checkpoint's weights are the start` });
    if (plan.initialState) problems.push({ level: "error", field: "pretrained_autoencoder", message: `"pretrained_autoencoder" cannot be combined with "initial_weights"/"initial_biases": choose one start` });
    if (problems.length) throw new ParameterError("Cannot train", problems);
  }
  const N = data.epochRows;
  return {
    plan, data, shape, description, seed, messages, estimate, totalSamples: Math.round((p.epochs as number) * N),
    iterationSamples: iterationSamples(p.train_samples_per_iteration as number, N, p.epochs as number),
  };
}

/** The network allocated, initialized and bound on the backend, with its trainers; `close()` frees them. */
export async function bindTrainer(input: BoundInput, { plan, data, shape, description, seed }: PreparedTraining): Promise<{
  readonly net: FusedNetwork & { readonly distributionParams: Record<string, number> };
  readonly generic: GenericNetwork;
  readonly fused: FusedTrainer | undefined;
  readonly threads: number;
  close(): void;
}> {
  const { backend, plugins } = input;
  const p = plan.params;
  const state = allocState(backend, shape, plan.optimizer.slots);
  initialize(backend, shape, state, {
    distribution: p.initial_weight_distribution as "UniformAdaptive", scale: p.initial_weight_scale as number,
    seed, classification: plan.problem === "classification", activation: plan.activation,
  });
  const pretrained = input.pretrained ?? null;
  if (pretrained) writeState(backend, state, { ...(await readState(backend, state)), ...pretrainedState(pretrained) });
  const net = {
    ...bindNetwork(description, plugins, {
      state, terms: plan.terms, constraints: plan.constraints, skipZero: plan.skipZero, miniBatch: p.mini_batch_size as number,
      threads: p.nthreads as number, parallel: p.parallel_mode as "auto" | "hogwild" | "average", seed,
      sparsity: plan.problem === "autoencoder" && (p.sparsity_beta as number) > 0 ? { beta: p.sparsity_beta as number, target: p.average_activation as number } : null,
    }),
    distributionParams: description.distributionParams as Record<string, number>,
    offset: data.packed.offset != null, // a fused trainer without offsets declines (offset_column)
  };
  const refusal = backend.refuse?.(net);
  if (refusal) {
    freeState(backend, state);
    throw new RangeError(`Cannot train on backend "${backend.name}": ${refusal}`);
  }
  const generic = new GenericNetwork(backend, net);
  const fused: FusedTrainer | undefined = backend.fused?.(net);
  fused?.load(data.packed);
  return {
    net, generic, fused, threads: fused ? (fused.threads ?? (p.nthreads as number)) : 1,
    close() {
      fused?.close();
      generic.close();
      freeState(backend, state);
    },
  };
}

/** The memory training this network on this data takes, estimated before anything is allocated. */
export function memoryEstimate(plan: TrainingPlan, shape: Shape, data: TrainingData, backend: Backend): MemoryEstimate {
  const p = plan.params;
  return estimateTrainingMemory({
    units: shape.units, channels: shape.channels, optimizerSlots: plan.optimizer.slots, threads: p.nthreads as number, replicas: p.parallel_mode !== "hogwild",
    miniBatch: p.mini_batch_size as number, precision: backend.precision, rows: data.usable.length,
    nonZerosPerRow: data.prep.inputs.length,
  });
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
