/**
 * N-fold cross-validation above the single-model trainer (spec §10.3–§10.5): N fold models, each
 * trained on the whole frame with 0/1 weights that switch its holdout rows off and validated on
 * the same frame with the complementary weights; then the main model on every row, for the
 * epochs the folds chose when early stopping or a time budget is on. The holdout predictions'
 * metric states are merged into the main model's cross-validation metrics.
 * @module
 */
import { type Backend, type BackendChooser, chosenBackend } from "../../core/backend.ts";
import { autoencoderMetrics, binomialMetrics, mergeAll, multinomialMetrics, regressionMetrics } from "../../core/metrics/mod.ts";
import { parseParams } from "../../core/params.ts";
import { adaptFrame, type PreprocessorSpec } from "../../core/train/preprocess.ts";
import { paramSpecs, type PluginSet } from "../../core/train/resolve.ts";
import type { ModelMetrics } from "../../core/train/score.ts";
import { type ModelData, type TrainEvent, type TrainInput, trainModel } from "../../core/train/train.ts";
import type { Column, Frame } from "../../frame/frame.ts";
import { CodeVector, NumericVector } from "../../frame/vector.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { assignFolds, checkCrossValidation, type FoldAssignment } from "./folds.ts";
import type { CrossValidationOutput } from "./output.ts";
import { cvSummary } from "./summary.ts";

/** Events while cross-validating: each model's training events, and which model is starting. */
export type CrossValidationEvent =
  | TrainEvent
  | { readonly type: "model"; readonly role: "fold" | "main"; readonly index: number; readonly count: number; readonly modelId: string; readonly epochs: number };

/**
 * Inputs of {@linkcode crossValidate}: those of `trainModel` (its hooks run for the main model;
 * fold models run without them), with CV parameters in `params`, and events that also say which
 * fold or main model starts.
 */
export type CrossValidationInput = Omit<TrainInput, "onEvent" | "checkpoint"> & { readonly onEvent?: (e: CrossValidationEvent) => void };

/** The main model (with its cross-validation output) and the fold models. */
export interface CrossValidationResult {
  readonly main: ModelData;
  /** Empty when keep_cross_validation_models is false. */
  readonly folds: readonly ModelData[];
}

const CV_KEYS = ["nfolds", "fold_assignment", "fold_column", "keep_cross_validation_models", "keep_cross_validation_predictions", "keep_cross_validation_fold_assignment"];

/**
 * Cross-validates and trains the main model. Throws `RangeError` naming every bad CV parameter
 * before anything trains.
 */
export async function crossValidate(input: CrossValidationInput): Promise<CrossValidationResult> {
  const t0 = performance.now();
  const { train, plugins, backend } = input;
  const { params: p, messages } = parseParams(paramSpecs(plugins), input.params);
  const problems = [...messages.filter((m) => m.level === "error"), ...checkCrossValidation(p, input.params, train)];
  if (problems.length) throw new RangeError(`Cannot train: ${problems.map((m) => m.message).join("; ")}`);
  // Every model shares one seed (spec §10.3), drawn once when the user left it at −1.
  const seed = (p.seed as number) === -1 ? Math.floor(Math.random() * 2 ** 52) : (p.seed as number);
  const folds = assignFolds(train, {
    nfolds: p.nfolds as number, fold_assignment: p.fold_assignment as string, fold_column: p.fold_column as string | null,
    response_column: p.response_column as string | null, weights_column: p.weights_column as string | null, seed,
  });
  const F = folds.nfolds;
  for (let k = 0; k < F; k++) {
    if (!folds.fold.includes(k)) throw new RangeError(`Cannot cross-validate: fold ${k + 1} of ${F} has no rows; use fewer "nfolds"`);
  }
  const mainId = (p.model_id as string | null) ?? `DeepLearning_model_${Date.now().toString(36)}`;
  const userWeights = p.weights_column as string | null;
  const foldColumn = p.fold_column as string | null;
  const ignored = (p.ignored_columns as string[] | null) ?? [];
  const budget = (p.max_runtime_secs as number) > 0 ? t0 + (p.max_runtime_secs as number) * 1000 : Infinity;
  const secondsFor = (modelsLeft: number) => (budget === Infinity ? 0 : Math.max(1e-3, (budget - performance.now()) / 1000 / modelsLeft));

  // ── Fold models ──
  const base: Record<string, unknown> = { ...input.params, seed };
  for (const k of CV_KEYS) delete base[k];
  const W = freeName(train, "__cv_weight");
  const w = userWeights ? numbers(train.col(userWeights)) : null;
  const foldModels: ModelData[] = [];
  for (let k = 0; k < F; k++) {
    const modelId = `${mainId}_cv_${k + 1}`;
    input.onEvent?.({ type: "model", role: "fold", index: k + 1, count: F, modelId, epochs: p.epochs as number });
    const inFold = new Float64Array(train.nrow), holdout = new Float64Array(train.nrow);
    for (let i = 0; i < train.nrow; i++) {
      const wi = w ? (Number.isNaN(w[i]) ? 0 : w[i]) : 1;
      if (folds.fold[i] === k) holdout[i] = wi;
      else inFold[i] = wi;
    }
    foldModels.push(await trainModel({
      train: train.withColumn({ name: W, type: "numeric", data: inFold }),
      valid: train.withColumn({ name: W, type: "numeric", data: holdout }),
      params: {
        ...base, model_id: modelId, weights_column: W, max_runtime_secs: secondsFor(F - k + 1),
        ignored_columns: [...new Set([...ignored, ...(userWeights ? [userWeights] : []), ...(foldColumn ? [foldColumn] : [])])],
      },
      plugins, backend, onEvent: input.onEvent, signal: input.signal, cores: input.cores,
    }));
  }

  // ── Main model (spec §10.4) ──
  const early = (p.stopping_rounds as number) !== 0 || (p.max_runtime_secs as number) !== 0;
  const lastEpochs = foldModels.map((m) => Number(m.output.history[m.output.history.length - 1].epochs));
  const epochs = early ? lastEpochs.reduce((a, b) => a + b, 0) / F : (p.epochs as number);
  input.onEvent?.({ type: "model", role: "main", index: F + 1, count: F + 1, modelId: mainId, epochs });
  const mainParams: Record<string, unknown> = {
    ...input.params, seed, model_id: mainId, overwrite_with_best_model: false,
    ignored_columns: [...new Set([...ignored, ...(foldColumn ? [foldColumn] : [])])],
    max_runtime_secs: secondsFor(1),
  };
  if (!foldColumn) mainParams.fold_assignment = folds.scheme; // AUTO → Random (spec §16.8)
  if (early) Object.assign(mainParams, { stopping_rounds: 0, epochs });
  const main = await trainModel({ train, valid: input.valid ?? null, params: mainParams, plugins, backend, onEvent: input.onEvent, signal: input.signal, cores: input.cores, hooks: input.hooks });

  // ── Holdout predictions and metrics (spec §10.5) ──
  const holdout = await holdoutMetrics(train, foldModels, folds, plugins, backend, userWeights);
  const cv: CrossValidationOutput = {
    nfolds: F, foldAssignment: folds.scheme, foldModelIds: foldModels.map((m) => m.modelId),
    foldMetrics: holdout.foldMetrics, foldHistories: foldModels.map((m) => m.output.history), summary: cvSummary(holdout.foldMetrics),
    mainEpochs: { epochs, source: early ? "folds" : "params" },
    holdoutPredictions: p.keep_cross_validation_predictions ? holdout.predictions : null,
    foldAssignmentColumn: p.keep_cross_validation_fold_assignment ? folds.fold : null,
  };
  return {
    main: { ...main, output: { ...main.output, crossValidationMetrics: holdout.merged, crossValidation: cv, runTimeMs: performance.now() - t0 } },
    folds: p.keep_cross_validation_models ? foldModels : [],
  };
}

/**
 * Each fold model predicts the whole frame; its holdout rows feed one metric state per fold,
 * and the states merge into the cross-validation metrics.
 */
async function holdoutMetrics(
  train: Frame, foldModels: readonly ModelData[], folds: FoldAssignment, plugins: PluginSet, backend: Backend | BackendChooser, weightsColumn: string | null,
): Promise<{ foldMetrics: ModelMetrics[]; merged: ModelMetrics; predictions: Column[] }> {
  const n = train.nrow;
  const prep = foldModels[0].preprocessor;
  if (foldModels[0].problem === "autoencoder") return await holdoutReconstruction(train, foldModels, folds, plugins, backend, weightsColumn);
  const r = prep.response!;
  const frame = r.kind === "categorical" && train.col(r.name).type === "numeric" ? train.asfactor(r.name) : train;
  const actual = adaptFrame(prep, frame, { requireResponse: true }).response!;
  const w = weightsColumn ? numbers(train.col(weightsColumn)) : null;
  const acc = accumulatorFor(prep, foldModels[0], plugins);
  const states: unknown[] = [];
  // Holdout predictions, filled fold by fold; numeric columns as plain arrays until the end.
  let predictions: ({ name: string; type: "categorical"; domain: readonly string[]; codes: Int32Array } | { name: string; type: "numeric"; data: Float64Array })[] = [];
  for (let k = 0; k < foldModels.length; k++) {
    const model = new DeepLearningModel(foldModels[k], plugins, { backend: chosenBackend(backend, foldModels[k].output.backend) });
    const pred = await model.predict(train);
    model.close();
    if (k === 0) {
      predictions = pred.columns.map((c) => (c.type === "categorical" ? { name: c.name, type: "categorical" as const, domain: c.domain, codes: new Int32Array(n) } : { name: c.name, type: "numeric" as const, data: new Float64Array(n) }));
    }
    const s = acc.init();
    const cols = pred.columns;
    const values = cols.map((c) => (c.type === "numeric" ? c.data.toFloat64Array() : new Float64Array(0)));
    const C = cols.length - 1;
    const probs = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      if (folds.fold[i] !== k) continue;
      cols.forEach((c, j) => {
        const out = predictions[j];
        if (c.type === "categorical" && out.type === "categorical") out.codes[i] = c.codes.at(i);
        else if (c.type === "numeric" && out.type === "numeric") out.data[i] = r.kind === "categorical" ? Math.round(values[j][i] * 1e8) / 1e8 : values[j][i];
      });
      const wi = w ? w[i] : 1;
      if (Number.isNaN(actual[i]) || !(wi > 0)) continue;
      if (r.kind === "numeric") acc.add(s, actual[i], values[0][i], wi);
      else if (C === 2) acc.add(s, actual[i], values[2][i], wi);
      else {
        for (let c = 0; c < C; c++) probs[c] = values[c + 1][i];
        acc.add(s, actual[i], probs, wi);
      }
    }
    states.push(s);
  }
  const columns: Column[] = predictions.map((c) => (c.type === "numeric" ? { name: c.name, type: "numeric", data: NumericVector.from(c.data) }
    : { ...c, codes: CodeVector.from(c.codes, c.domain.length) }));
  return { foldMetrics: states.map((s) => acc.value(s)), merged: acc.value(mergeAll(acc, states)), predictions: columns };
}

/**
 * Autoencoders (which H2O cannot cross-validate): each fold model scores the whole frame; the
 * reconstruction MSE of its holdout rows (positive weight) makes the fold's metrics, and every
 * holdout row's error (`Reconstruction.MSE`) is the holdout prediction.
 */
async function holdoutReconstruction(
  train: Frame, foldModels: readonly ModelData[], folds: FoldAssignment, plugins: PluginSet, backend: Backend | BackendChooser, weightsColumn: string | null,
): Promise<{ foldMetrics: ModelMetrics[]; merged: ModelMetrics; predictions: Column[] }> {
  const acc = autoencoderMetrics();
  const w = weightsColumn ? numbers(train.col(weightsColumn)) : null;
  const errors = new Float64Array(train.nrow);
  const states = [];
  for (let k = 0; k < foldModels.length; k++) {
    const model = new DeepLearningModel(foldModels[k], plugins, { backend: chosenBackend(backend, foldModels[k].output.backend) });
    const e = numbers((await model.anomaly(train)).col("Reconstruction.MSE"));
    model.close();
    const s = acc.init();
    for (let i = 0; i < train.nrow; i++) {
      if (folds.fold[i] !== k) continue;
      errors[i] = e[i];
      if (Number.isNaN(e[i]) || (w && !(w[i] > 0))) continue;
      s.n++;
      s.sum += e[i];
    }
    states.push(s);
  }
  return {
    foldMetrics: states.map((s) => acc.value(s)), merged: acc.value(states.reduce((a, b) => acc.merge(a, b))),
    predictions: [{ name: "Reconstruction.MSE", type: "numeric", data: NumericVector.from(errors) }],
  };
}

// One accumulator shape for the three metric families (their row arguments differ).
interface AnyAccumulator {
  init(): unknown;
  add(s: unknown, y: number, p: number | Float64Array, w: number): void;
  merge(a: unknown, b: unknown): unknown;
  value(s: unknown): ModelMetrics;
}

function accumulatorFor(prep: PreprocessorSpec, model: ModelData, plugins: PluginSet): AnyAccumulator {
  const r = prep.response!;
  if (r.kind === "numeric") return regressionMetrics(plugins.distributions.get(model.distribution), model.distributionParams) as unknown as AnyAccumulator;
  if (r.domain.length === 2) return binomialMetrics({ domain: [r.domain[0], r.domain[1]] }) as unknown as AnyAccumulator;
  return multinomialMetrics(r.domain) as unknown as AnyAccumulator;
}

function numbers(c: Column): ArrayLike<number> {
  if (c.type !== "numeric") throw new RangeError(`Column "${c.name}" must be numeric`);
  return c.data.toFloat64Array();
}

function freeName(frame: Frame, name: string): string {
  let n = name, k = 1;
  while (frame.has(n)) n = `${name}${k++}`;
  return n;
}
