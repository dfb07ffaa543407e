/**
 * The training loop (spec §6.7): iterations of `train_samples_per_iteration` samples drawn from a
 * fresh seeded shuffle of the rows every epoch, scoring on H2O's schedule (§7.2), early stopping
 * (§8.1), the classification/regression stop (§8.3), the time budget (§8.4) and the best-model
 * restore (§8.5). Training runs through a backend's fused trainer when it has one for this
 * network, else through the generic op-level step. Emits progress and scoring events.
 * @module
 */
import type { Backend, FusedNetwork, FusedTrainer, PackedRows, SoftmaxLoss, FloatArray } from "../backend.ts";
import type { DistributionParams } from "../distribution.ts";
import type { OptimizerParams } from "../optimizer.ts";
import type { Message, ParamValues } from "../params.ts";
import { hashWords, Rng, seedWords, shuffle } from "../rng.ts";
import type { Frame } from "../../frame/frame.ts";
import { convergenceStop, NON_NEGATIVE_METRICS } from "./early_stopping.ts";
import { allocState, freeState, initialize, parameterCount, readState, type Shape, weightRows, writeState } from "./network.ts";
import { adaptFrame, type AdaptedFrame, fitPreprocessor, hasMissing, inputNames, packRows, type PreprocessorSpec, categoricalSlot } from "./preprocess.ts";
import { type PluginSet, type Problem, resolvePlan, type TrainingPlan } from "./resolve.ts";
import { computeMetrics, metricValue, type ModelMetrics, moreIsBetter } from "./score.ts";
import { GenericNetwork } from "./step.ts";
import { instability, layerTable, type LayerRow } from "./summary.ts";
import { gedeon, type VariableImportance } from "./varimp.ts";

/** One scoring-history row (spec §7.4), keyed by snake_case H2O column names. */
export type HistoryRow = Readonly<Record<string, number | string>>;

/** Everything a trained model is: plain data, serialized as is into model files. */
export interface ModelData {
  readonly modelId: string;
  /** Parameters after sanitizing (H2O's "actual" parameters). */
  readonly params: ParamValues;
  readonly problem: Problem;
  readonly activation: string;
  readonly hiddenDropout: boolean;
  readonly distribution: string;
  readonly distributionParams: DistributionParams;
  readonly optimizer: string;
  readonly optimizerParams: OptimizerParams;
  readonly softmaxLoss: SoftmaxLoss;
  /** Dropout ratio per layer, input first (scoring scales by 1 − ratio). */
  readonly dropout: readonly number[];
  readonly shape: Shape;
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
}

/** Events emitted while training. */
export type TrainEvent =
  | { readonly type: "start"; readonly backend: string; readonly fused: boolean; readonly threads: number; readonly rows: number; readonly inputs: number; readonly parameters: number; readonly iterationSamples: number; readonly messages: readonly Message[] }
  | { readonly type: "progress"; readonly epochs: number; readonly targetEpochs: number; readonly samples: number; readonly iteration: number; readonly samplesPerSecond: number; readonly etaSeconds: number; readonly elapsedSeconds: number; readonly lastScore: HistoryRow | null }
  | { readonly type: "score"; readonly row: HistoryRow };

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
}

/** Rows to score: packed inputs plus original-unit actuals and weights. */
interface ScoreSet {
  readonly packed: PackedRows;
  readonly actual: FloatArray;
  readonly weights: FloatArray | null;
}

/** Trains a model; resolves to its data, or throws a `RangeError` naming every bad parameter. */
export async function trainModel(input: TrainInput): Promise<ModelData> {
  const t0 = performance.now();
  const { backend, plugins } = input;
  const cores = input.cores ?? (globalThis.navigator?.hardwareConcurrency || 1);
  let train = input.train;
  let valid = input.valid ?? null;
  const plan = resolvePlan(input.params, train, plugins, { hasValidation: !!valid, cores });
  const p = plan.params;
  p.backend = backend.name; // the actual backend, so a saved model predicts on the same arithmetic
  const y = p.response_column as string;
  if (plan.responseAsFactor) {
    train = train.asfactor(y);
    if (valid?.has(y)) valid = valid.asfactor(y);
  }
  const messages: Message[] = [...plan.messages];
  const fit = fitPreprocessor(train, {
    response: y, classification: plan.problem === "classification", ignored: (p.ignored_columns as string[] | null) ?? [],
    weightsColumn: p.weights_column as string | null, ignoreConstCols: p.ignore_const_cols as boolean,
    useAllFactorLevels: p.use_all_factor_levels as boolean, standardize: p.standardize as boolean, sparse: p.sparse as boolean,
    autoencoder: false, standardizeResponse: p.standardize === true && plan.distribution.link === "identity",
  });
  messages.push(...fit.messages);
  const prep = fit.spec;
  if (!prep) throw new RangeError(`Cannot train: ${fit.messages.filter((m) => m.level === "error").map((m) => m.message).join("; ")}`);
  if (valid && !valid.has(y)) throw new RangeError(`Cannot train: the validation frame has no response column "${y}"`);

  // Rows that train: known response, positive weight, and (Skip) no missing predictor.
  const adapted = adaptFrame(prep, train);
  const skipNA = p.missing_values_handling === "Skip";
  const usable: number[] = [];
  for (let r = 0; r < adapted.rows; r++) {
    if (Number.isNaN(adapted.response![r])) continue;
    if (adapted.weights && !(adapted.weights[r] > 0)) continue;
    if (skipNA && hasMissing(prep, adapted, r)) continue;
    usable.push(r);
  }
  const U = usable.length;
  // Epoch size (spec §6.1): every row with a positive weight counts, also those skipped for a
  // missing response or (Skip) a missing predictor, so an epoch asks as many samples as rows.
  let N = adapted.rows;
  if (adapted.weights) {
    N = 0;
    for (let r = 0; r < adapted.rows; r++) if (adapted.weights[r] > 0) N++;
  }
  if (U === 0) {
    throw new RangeError(`Cannot train: no usable training rows${skipNA ? " (every row has a missing value; use missing_values_handling MeanImputation)" : " (every response is missing or every weight is 0)"}`);
  }

  const hidden = p.hidden as number[];
  const nOut = prep.response!.kind === "categorical" ? prep.response!.domain.length : 1;
  const shape: Shape = { units: [prep.width, ...hidden, nOut], channels: plan.activation.channels ?? 1 };
  const nParams = parameterCount(shape);
  if (nParams > 1e8) throw new RangeError(`Cannot train: the network has ${nParams} parameters; the limit is 100 000 000 (reduce "hidden")`);
  const seed = seedWords(plan.seed);
  const dropout = shape.units.slice(0, -1).map((_, l) => plan.dropouts.reduce((r, d) => Math.max(r, d.regularizer.dropRatio!(l, hidden.length, d.params)), 0));

  // Parameters and the network description backends run.
  const state = allocState(backend, shape, plan.optimizer.slots);
  initialize(backend, shape, state, {
    distribution: p.initial_weight_distribution as "UniformAdaptive", scale: p.initial_weight_scale as number,
    seed, classification: plan.problem === "classification", activation: plan.activation,
  });
  const distributionParams: Record<string, number> = { ...plan.distributionParams };
  const miniBatch = p.mini_batch_size as number;
  const net: FusedNetwork = {
    units: shape.units, activation: plan.activation, output: plan.problem === "classification" ? "softmax" : "linear",
    softmaxLoss: plan.softmaxLoss, distribution: plan.distribution, distributionParams, optimizer: plan.optimizer,
    optimizerParams: plan.optimizerParams, dropout, terms: plan.terms, constraints: plan.constraints, skipZero: plan.skipZero,
    miniBatch, threads: p.nthreads as number, seed, state,
  };
  const packed = packRows(prep, adapted, { rows: usable, precision: backend.precision });
  const generic = new GenericNetwork(backend, net);
  const fused: FusedTrainer | undefined = backend.fused?.(net);
  fused?.load(packed);
  const threads = fused ? (p.nthreads as number) : 1;

  // Scoring sets (spec §7.1): a seeded sample of training rows, and the validation frame.
  const trainScore = scoreSet(prep, adapted, sampleRows(usable, p.score_training_samples as number, hashWords(seed[0], seed[1], 0x5c0e)), backend.precision);
  let validScore: ScoreSet | null = null;
  if (valid) {
    const va = adaptFrame(prep, valid);
    messages.push(...va.messages.map((m) => ({ ...m, message: `validation_frame: ${m.message}` })));
    const rows: number[] = [];
    for (let r = 0; r < va.rows; r++) if (!Number.isNaN(va.response![r]) && !(va.weights && !(va.weights[r] > 0))) rows.push(r);
    validScore = scoreSet(prep, va, sampleRows(rows, p.score_validation_samples as number, hashWords(seed[0], seed[1], 0x5c0f)), backend.precision);
  }
  const naSlotsSeen = seenNaSlots(prep, packed);
  const names = inputNames(prep);
  if (plan.distribution.name === "huber") distributionParams.huber_delta = huberDelta(packed.target, null, p.huber_alpha as number);

  const epochs = p.epochs as number;
  const totalSamples = Math.round(epochs * N);
  const T = iterationSamples(p.train_samples_per_iteration as number, N, epochs);
  input.onEvent?.({ type: "start", backend: backend.name, fused: !!fused, threads, rows: U, inputs: prep.width, parameters: nParams, iterationSamples: T, messages });

  // ── The loop ──
  const history: HistoryRow[] = [{ timestamp: timestamp(), duration: "0.000 sec", training_speed: "", epochs: 0, iterations: 0, samples: 0 }];
  const stopValues: number[] = [];
  let samples = 0, iteration = 0, pass = 0, cursor = 0;
  let order = permutation(U, seed, pass);
  let trainMs = 0, lastScoreStart = -Infinity, lastScoreDuration = 0;
  let status = "completed";
  let best: { loss: number; state: Record<string, Float64Array> } | null = null;
  let lastLoss = NaN;
  let trainingMetrics: ModelMetrics | null = null, validationMetrics: ModelMetrics | null = null;
  let varimp: VariableImportance[] | null = null;
  const lossOf = (m: ModelMetrics) => {
    const v = metricValue(m, plan.stoppingMetric);
    return moreIsBetter(plan.stoppingMetric) ? -v : v; // documented: lift and AUC are more-is-better (Q18)
  };
  const stopAt = p.max_runtime_secs as number > 0 ? t0 + (p.max_runtime_secs as number) * 1000 : Infinity;
  let slice = Math.max(miniBatch, Math.min(1000, T));

  const score = (final: boolean): HistoryRow => {
    const s0 = performance.now();
    lastScoreStart = s0;
    const st = readState(backend, state);
    const table = layerTable(st, summaryContext(samples));
    const unstable = instability(table);
    if (unstable) throw new RangeError(`Training diverged: ${unstable}`);
    trainingMetrics = metricsOf(generic, trainScore, prep, plan, distributionParams);
    validationMetrics = validScore ? metricsOf(generic, validScore, prep, plan, distributionParams) : null;
    if (p.variable_importances) varimp = importances(st, shape, names, naSlotsSeen);
    if (plan.distribution.name === "huber") distributionParams.huber_delta = trainingHuberDelta(generic, trainScore, p.huber_alpha as number);
    const ms = performance.now() - t0;
    const row = historyRow(ms, trainMs, samples, N, iteration, trainingMetrics, validationMetrics);
    history.push(row);
    lastLoss = lossOf(validationMetrics ?? trainingMetrics);
    if (!final && (!best || lastLoss < best.loss || Number.isNaN(best.loss)) && !Number.isNaN(lastLoss)) best = { loss: lastLoss, state: st };
    input.onEvent?.({ type: "score", row });
    lastScoreDuration = performance.now() - s0;
    return row;
  };
  const summaryContext = (n: number) => ({
    units: shape.units, activation: plan.activation.name, hiddenDropout: plan.hiddenDropout, output: net.output, dropout,
    l1: p.l1 as number, l2: p.l2 as number, optimizer: plan.optimizer, optimizerParams: plan.optimizerParams, samples: n,
  });

  try {
    while (samples < totalSamples) {
      iteration++;
      const iterEnd = Math.min(totalSamples, samples + T);
      while (samples < iterEnd) {
        if (input.signal?.aborted) throw new DOMException("Training was cancelled", "AbortError");
        if (cursor === U) {
          pass++;
          cursor = 0;
          order = permutation(U, seed, pass);
        }
        const take = Math.min(slice, iterEnd - samples, U - cursor);
        const idx = order.subarray(cursor, cursor + take);
        const s0 = performance.now();
        const done = fused ? await fused.train(idx, { samples, pass }) : generic.train(packed, idx, { samples, pass });
        const dt = performance.now() - s0;
        trainMs += dt;
        samples += done;
        cursor += take;
        // Aim for about half a second per slice so progress stays live and cancellation quick.
        slice = Math.max(miniBatch, Math.min(1_000_000, Math.round((take / Math.max(dt, 1)) * 500)));
        const rate = samples / Math.max(trainMs / 1000, 1e-9);
        input.onEvent?.({
          type: "progress", epochs: samples / N, targetEpochs: epochs, samples, iteration, samplesPerSecond: rate,
          etaSeconds: (totalSamples - samples) / rate, elapsedSeconds: (performance.now() - t0) / 1000, lastScore: history.length > 1 ? history[history.length - 1] : null,
        });
        if (performance.now() > stopAt) break;
        // Let timers, signals and I/O run between slices (cancellation, Ctrl-C, a server's requests).
        await new Promise((r) => setTimeout(r, 0));
      }
      const finishing = samples >= totalSamples;
      const timeUp = performance.now() > stopAt;
      const now = performance.now();
      const due = finishing || timeUp || p.score_each_iteration === true || lastScoreStart === -Infinity ||
        (now - lastScoreStart > (p.score_interval as number) * 1000 && lastScoreDuration / (now - lastScoreStart) < (p.score_duty_cycle as number));
      if (due) {
        score(finishing || timeUp);
        if (!finishing && !timeUp) {
          const tm = trainingMetrics! as ModelMetrics;
          if (plan.problem === "classification" && (p.classification_stop as number) >= 0 && (tm as { classification_error: number }).classification_error <= (p.classification_stop as number)) {
            status = "classification_stop";
            break;
          }
          if (plan.problem === "regression" && (p.regression_stop as number) >= 0 && tm.mse <= (p.regression_stop as number)) {
            status = "regression_stop";
            break;
          }
          stopValues.push(metricValue(validationMetrics ?? tm, plan.stoppingMetric));
          if (convergenceStop(stopValues, p.stopping_rounds as number, p.stopping_tolerance as number, moreIsBetter(plan.stoppingMetric), NON_NEGATIVE_METRICS.has(plan.stoppingMetric))) {
            status = "stopped early";
            break;
          }
        }
      }
      if (timeUp && !finishing) {
        status = "time limit";
        break;
      }
    }
    if (samples === 0 || history.length === 1 || (history[history.length - 1].samples as number) !== samples) score(true);
    // Documented best-model rule (§8.5): restore the best scored state, also after a time-out (Q17).
    const b = best as { loss: number; state: Record<string, Float64Array> } | null;
    if (p.overwrite_with_best_model && b && b.loss < lastLoss) {
      writeState(backend, state, b.state);
      score(true);
    }
    const finalState = readState(backend, state);
    const output: ModelOutput = {
      history, trainingMetrics, validationMetrics, layers: layerTable(finalState, summaryContext(samples)), varimp,
      samples, epochs: samples / N, iterations: iteration, status, runTimeMs: performance.now() - t0, backend: backend.name,
      threads, trainingRows: N, messages,
    };
    return {
      modelId: (p.model_id as string | null) ?? `DeepLearning_model_${Date.now().toString(36)}`,
      params: p, problem: plan.problem, activation: plan.activation.name, hiddenDropout: plan.hiddenDropout,
      distribution: plan.distribution.name, distributionParams: { ...distributionParams }, optimizer: plan.optimizer.name,
      optimizerParams: plan.optimizerParams, softmaxLoss: plan.softmaxLoss, dropout, shape, preprocessor: prep,
      state: finalState, output,
    };
  } finally {
    fused?.close();
    generic.close();
    freeState(backend, state);
  }
}

/** Resolved samples per iteration (spec §6.2, single node; see docs/h2o-differences.md for −2). */
export function iterationSamples(tspi: number, N: number, epochs: number): number {
  if (tspi === 0 || tspi === -1) return N;
  if (tspi === -2) return Math.max(1, Math.min(N, Math.floor((epochs * N) / 10), 100_000));
  return Math.max(1, Math.min(tspi, Math.floor(epochs * N)));
}

/** The row order of shuffle pass `pass`: a seeded Fisher-Yates permutation of 0 … N−1. */
export function permutation(N: number, seed: readonly [number, number], pass: number): Int32Array {
  const order = Int32Array.from({ length: N }, (_, i) => i);
  return shuffle(order, new Rng(hashWords(seed[0], seed[1], 0x5f, pass)));
}

/** Up to `k` of `rows`, drawn without replacement by a seeded partial shuffle (all when k = 0 or k ≥ n). */
export function sampleRows(rows: readonly number[], k: number, seedWord: number): number[] {
  if (k <= 0 || k >= rows.length) return [...rows];
  const a = [...rows];
  const rng = new Rng(seedWord);
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k).sort((x, y) => x - y);
}

function scoreSet(prep: PreprocessorSpec, a: AdaptedFrame, rows: number[], precision: 32 | 64): ScoreSet {
  const packed = packRows(prep, a, { rows, precision });
  const actual = Float64Array.from(rows, (r) => a.response![r]);
  const weights = a.weights ? Float64Array.from(rows, (r) => a.weights![r]) : null;
  return { packed, actual, weights };
}

function metricsOf(net: GenericNetwork, s: ScoreSet, prep: PreprocessorSpec, plan: TrainingPlan, dp: DistributionParams): ModelMetrics {
  const nOut = prep.response!.kind === "categorical" ? prep.response!.domain.length : 1;
  const out = new Float64Array(s.packed.rows * nOut);
  net.predict(s.packed, out);
  return computeMetrics(out, s.actual, s.weights, { response: prep.response!, distribution: plan.distribution, distributionParams: dp });
}

/** Huber's δ: the huber_alpha quantile of |residual| (standardized units), spec §4.6 as documented. */
function huberDelta(target: FloatArray, eta: Float64Array | null, alpha: number): number {
  const r = Float64Array.from(target, (t, i) => Math.abs(t - (eta ? eta[i] : 0))).sort();
  const q = r[Math.min(r.length - 1, Math.max(0, Math.ceil(alpha * r.length) - 1))];
  return q > 0 ? q : 1;
}

function trainingHuberDelta(net: GenericNetwork, s: ScoreSet, alpha: number): number {
  const eta = new Float64Array(s.packed.rows);
  net.predict(s.packed, eta);
  return huberDelta(s.packed.target, eta, alpha);
}

/** Inputs that are NA slots of categoricals never missing in training (their importance is 0). */
function seenNaSlots(prep: PreprocessorSpec, rows: PackedRows): Set<number> {
  const naSlots = new Set<number>();
  for (const inp of prep.inputs) if (inp.kind === "categorical") naSlots.add(inp.offset + categoricalSlot(prep, inp, -1));
  const seen = new Set<number>();
  if (naSlots.size === 0) return seen;
  const w = rows.width;
  if (rows.dense) {
    for (const s of naSlots) for (let r = 0; r < rows.rows; r++) if (rows.dense[r * w + s] !== 0) { seen.add(s); break; }
  } else {
    for (const i of rows.csr!.index) if (naSlots.has(i)) seen.add(i);
  }
  return new Set([...naSlots].filter((s) => !seen.has(s)));
}

function importances(st: Readonly<Record<string, Float64Array>>, shape: Shape, names: string[], zero: Set<number>): VariableImportance[] {
  const n0 = shape.units[0];
  const rowsA = weightRows(shape, 0);
  const hasHidden = shape.units.length > 2;
  return gedeon(st["weights.0"], rowsA, n0, hasHidden ? st["weights.1"] : null, hasHidden ? weightRows(shape, 1) : 0, hasHidden ? shape.channels : 1, names, zero);
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
    if (m.model_category === "Regression") {
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
      row[`${prefix}_classification_error`] = any.classification_error;
    }
  }
  return row;
}

