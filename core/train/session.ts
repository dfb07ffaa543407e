/**
 * One training run's live state: the bound network, the sample and iteration counters, the
 * scoring history and the latest metrics. The loop (loop.ts) advances it; hooks (hooks.ts and
 * callers' own) read it at iteration boundaries and after scoring events, and may stop it.
 * @module
 */
import type { Backend, FusedNetwork, FusedTrainer } from "../backend.ts";
import type { Message } from "../params.ts";
import type { TrainingData, ScoreSet } from "./data.ts";
import { type NetworkDescription, readState, type Shape, weightRows, writeState } from "./network.ts";
import type { PreprocessorSpec } from "./preprocess.ts";
import type { TrainingPlan } from "./resolve.ts";
import type { ModelData, ModelOutput } from "./train.ts";
import { reportedOutputs } from "./inputs.ts";
import { computeMetrics, metricOptions, type ModelMetrics, reconstructionMetrics } from "./score.ts";
import { outputWidth } from "./head.ts";
import type { GenericNetwork } from "./step.ts";
import { instability, layerTable, type LayerRow } from "./summary.ts";
import { gedeon, type VariableImportance } from "./varimp.ts";

/** One scoring-history row (spec §7.4), keyed by snake_case H2O column names. */
export type HistoryRow = Readonly<Record<string, number | string>>;

/** Events emitted while training. */
export type TrainEvent =
  | { readonly type: "start"; readonly backend: string; /** With backend "auto": what it chose and why, one line. */ readonly backendChoice?: string; readonly fused: boolean; readonly threads: number; readonly rows: number; readonly inputs: number; readonly parameters: number; readonly iterationSamples: number; readonly messages: readonly Message[] }
  | { readonly type: "progress"; readonly epochs: number; readonly targetEpochs: number; readonly samples: number; readonly iteration: number; readonly samplesPerSecond: number; readonly etaSeconds: number; readonly elapsedSeconds: number; readonly lastScore: HistoryRow | null }
  | { readonly type: "score"; readonly row: HistoryRow }
  /** Something learnt while training, once (the webgpu backend's start-up figures after its first batch); also in the model's messages. */
  | { readonly type: "note"; readonly message: Message };

/**
 * Code that runs at the loop's boundaries: stopping rules, best-model tracking, derived
 * distribution parameters, and whatever a caller adds (checkpoint export, model averaging).
 */
export interface TrainingHook {
  /** Once, before the first iteration. */
  start?(s: TrainingSession): void | Promise<void>;
  /** After each iteration's samples are trained, before it may be scored. */
  iteration?(s: TrainingSession): void | Promise<void>;
  /** After each scoring event; `final` is the last score of the run (no stopping then). */
  scored?(s: TrainingSession, row: HistoryRow, final: boolean): void | Promise<void>;
  /** Once, after the last iteration, before the model is read out. */
  finish?(s: TrainingSession): void | Promise<void>;
}

/** What a session is built from. */
export interface SessionParts {
  readonly plan: TrainingPlan;
  readonly data: TrainingData;
  readonly backend: Backend;
  /** The bound network; its `distributionParams` object is refitted in place (Huber's δ). */
  readonly net: FusedNetwork & { readonly distributionParams: Record<string, number> };
  readonly shape: Shape;
  readonly generic: GenericNetwork;
  readonly fused: FusedTrainer | undefined;
  readonly hooks: readonly TrainingHook[];
  readonly onEvent?: (e: TrainEvent) => void;
  readonly signal?: AbortSignal;
  /** performance.now() when training started. */
  readonly t0: number;
  /** The network as a model file describes it. */
  readonly description: NetworkDescription;
  readonly modelId: string;
  /** Worker threads the trainer runs (1 on the generic path). */
  readonly threads: number;
  readonly messages: readonly Message[];
  /** The model this run continues (checkpoint restart), or null. */
  readonly resumedFrom: ModelData | null;
}

/** The state of one training run. */
export class TrainingSession {
  /** Samples trained, checkpoints included. */
  samples = 0;
  /** Iterations run, numbered from 1 and continued across checkpoints. */
  iteration = 0;
  /** Shuffle pass and position in it. */
  pass = 0;
  cursor = -1;
  /** Milliseconds spent training (not scoring), and when the last score started and took. */
  trainMs = 0;
  /** Wall time of the runs this one continues (checkpoints), for the history's durations. */
  priorMs = 0;
  lastScoreStart = -Infinity;
  lastScoreDuration = 0;
  readonly history: HistoryRow[] = [{ timestamp: timestamp(), duration: "0.000 sec", training_speed: "", epochs: 0, iterations: 0, samples: 0 }];
  trainingMetrics: ModelMetrics | null = null;
  validationMetrics: ModelMetrics | null = null;
  varimp: VariableImportance[] | null = null;
  /** The parameters as of the last score (read for the layer table). */
  scoredState: Record<string, Float64Array> | null = null;
  /** Samples per iteration; the loop reads it at each iteration, so a hook may retune it (averaging's −2). */
  iterationSamples = 0;
  /**
   * The rows shuffle pass `pass` visits, in order (indices into the training rows), when a hook
   * sets it (peer averaging: this peer's shard, or its own shuffle of replicated data); else the
   * seeded permutation of every row.
   */
  rowOrder: ((pass: number) => Int32Array) | null = null;
  /** "completed", "stopped early", "classification_stop", "regression_stop", "time limit" … */
  status = "completed";
  #stop = false;

  constructor(readonly parts: SessionParts) {}

  get plan(): TrainingPlan {
    return this.parts.plan;
  }
  get data(): TrainingData {
    return this.parts.data;
  }
  get prep(): PreprocessorSpec {
    return this.parts.data.prep;
  }
  /** Epochs trained so far. */
  get epochs(): number {
    return this.samples / this.parts.data.epochRows;
  }
  /** True once a hook asked to stop. */
  get stopping(): boolean {
    return this.#stop;
  }

  /** Asks the loop to stop after this boundary, recording why. */
  stop(status: string): void {
    this.status = status;
    this.#stop = true;
  }

  /** The parameters (weights, biases, optimizer slots; ρ̂ with sparsity) by name, copied out. */
  async readState(): Promise<Record<string, Float64Array>> {
    return { ...await readState(this.parts.backend, this.parts.net.state), ...this.parts.generic.readAverageActivations() };
  }

  /**
   * Replaces the parameters (best-model restore, checkpoints, averaging). Returns the names of
   * sparsity's ρ̂ arrays that `values` lacks (a model saved before they were kept): those stay as they were.
   */
  writeState(values: Readonly<Record<string, ArrayLike<number>>>): string[] {
    writeState(this.parts.backend, this.parts.net.state, values);
    return this.parts.generic.writeAverageActivations(values);
  }

  /** Network outputs for a scoring set (class probabilities, or the link-space value). */
  async outputs(set: ScoreSet): Promise<Float64Array> {
    const nOut = outputWidth(this.prep, set.packed.width);
    const out = new Float64Array(set.packed.rows * nOut);
    await this.parts.generic.predict(set.packed, out);
    return reportedOutputs(this.prep, out); // balance_classes: probabilities back to the original priors
  }

  /** The layer table (spec §7.5) of a state. */
  layers(state: Readonly<Record<string, Float64Array>>): LayerRow[] {
    const { plan, net, shape } = this.parts;
    const p = plan.params;
    return layerTable(state, {
      units: shape.units, activation: plan.activation.name, hiddenDropout: plan.hiddenDropout, output: net.output, dropout: net.dropout,
      l1: p.l1 as number, l2: p.l2 as number, optimizer: plan.optimizer, optimizerParams: plan.optimizerParams, samples: this.samples,
    });
  }

  /**
   * A scoring event (spec §7): metrics on the training sample and the validation frame,
   * variable importances, a history row; then every hook's `scored`. Throws `RangeError` when
   * the weights diverged.
   */
  async score(final: boolean): Promise<HistoryRow> {
    const { plan, data, hooks, onEvent, t0 } = this.parts;
    const s0 = performance.now();
    this.lastScoreStart = s0;
    const st = await this.readState();
    this.scoredState = st;
    const unstable = instability(this.layers(st));
    if (unstable) throw new RangeError(`Training diverged: ${unstable}`);
    this.trainingMetrics = await this.#metrics(data.trainScore);
    this.validationMetrics = data.validScore ? await this.#metrics(data.validScore) : null;
    if (plan.params.variable_importances) this.varimp = importances(st, this.parts.shape, data);
    const row = historyRow(this.priorMs + performance.now() - t0, this.trainMs, this.samples, data.epochRows, this.iteration, this.trainingMetrics, this.validationMetrics);
    this.history.push(row);
    for (const h of hooks) await h.scored?.(this, row, final);
    onEvent?.({ type: "score", row });
    this.lastScoreDuration = performance.now() - s0;
    return row;
  }

  /** The model as it stands: what a model file holds (export_checkpoints_dir writes these). */
  async snapshot(given?: Record<string, Float64Array>): Promise<ModelData> {
    const state = given ?? await this.readState();
    const { plan, data, description, net, backend, modelId, threads, messages, t0 } = this.parts;
    const output: ModelOutput = {
      history: [...this.history], trainingMetrics: this.trainingMetrics, validationMetrics: this.validationMetrics,
      layers: this.layers(state), varimp: this.varimp, samples: this.samples, epochs: this.epochs, iterations: this.iteration,
      status: this.status, runTimeMs: this.priorMs + performance.now() - t0, backend: backend.name, threads,
      trainingRows: data.epochRows, messages, pass: this.pass, cursor: this.cursor, trainMs: this.trainMs,
    };
    return {
      modelId, params: plan.params, ...description, distributionParams: { ...net.distributionParams }, preprocessor: data.prep,
      state, output,
    };
  }

  async #metrics(s: ScoreSet): Promise<ModelMetrics> {
    const { plan, net } = this.parts;
    if (plan.problem === "autoencoder") return reconstructionMetrics(s.packed, await this.outputs(s));
    return computeMetrics(await this.outputs(s), s.actual, s.weights, {
      response: this.prep.response!, distribution: plan.distribution, distributionParams: net.distributionParams, metricOptions: metricOptions(plan.params),
    });
  }
}

function importances(st: Readonly<Record<string, Float64Array>>, shape: Shape, data: TrainingData): VariableImportance[] {
  const hasHidden = shape.units.length > 2;
  return gedeon(
    st["weights.0"], weightRows(shape, 0), shape.units[0], hasHidden ? st["weights.1"] : null, hasHidden ? weightRows(shape, 1) : 0,
    hasHidden ? shape.channels : 1, data.inputNames, data.unseenNaSlots,
  );
}

function timestamp(): string {
  const d = new Date();
  const z = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())} ${z(d.getHours())}:${z(d.getMinutes())}:${z(d.getSeconds())}`;
}

/** H2O's human-readable duration ("12.345 sec", "1 min 2.345 sec"). */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(3)} sec`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${(s - 60 * m).toFixed(3)} sec`;
  return `${Math.floor(m / 60)} hr ${m % 60} min ${(s - 60 * m).toFixed(3)} sec`;
}

function historyRow(ms: number, trainMs: number, samples: number, N: number, iteration: number, t: ModelMetrics, v: ModelMetrics | null): HistoryRow {
  const speed = samples / Math.max(1e-3, trainMs / 1000);
  const row: Record<string, number | string> = {
    timestamp: timestamp(), duration: formatDuration(ms),
    training_speed: speed > 10 ? `${Math.round(speed)} obs/sec` : `${speed.toPrecision(6)} obs/sec`,
    epochs: samples / N, iterations: iteration, samples,
  };
  for (const [prefix, m] of [["training", t], ["validation", v]] as const) {
    if (!m) continue;
    const any = m as unknown as Record<string, number>;
    row[`${prefix}_rmse`] = m.rmse;
    if (m.model_category === "AutoEncoder") {
      row[`${prefix}_mse`] = m.mse; // the reconstruction MSE (spec §14.3)
    } else if (m.model_category === "Regression") {
      row[`${prefix}_deviance`] = any.mean_residual_deviance;
      row[`${prefix}_mae`] = any.mae;
      row[`${prefix}_r2`] = m.r2;
    } else {
      row[`${prefix}_logloss`] = any.logloss;
      row[`${prefix}_r2`] = m.r2;
      if (m.model_category === "Binomial") {
        row[`${prefix}_auc`] = any.auc;
        row[`${prefix}_pr_auc`] = any.pr_auc;
        row[`${prefix}_lift`] = any.lift_top_group;
      }
      if (m.model_category === "Multinomial" && m.multinomial_auc_table) { // auc_type asked for one
        row[`${prefix}_auc`] = m.auc;
        row[`${prefix}_pr_auc`] = m.pr_auc;
      }
      row[`${prefix}_classification_error`] = any.classification_error;
    }
  }
  return row;
}

