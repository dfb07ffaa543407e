/**
 * The data step of training: the response as H2O treats it, the fitted preprocessor, the rows
 * that train, the epoch size, the packed rows backends train on, and the scoring samples.
 * @module
 */
import type { FloatArray, PackedRows } from "../backend.ts";
import { type Message, ParameterError } from "../params.ts";
import { hashWords, Rng } from "../rng.ts";
import type { Frame } from "../../frame/frame.ts";
import { adaptFrame, type AdaptedFrame, categoricalSlot, fitPreprocessor, hasMissing, inputNames, packRows, type PreprocessorSpec } from "./preprocess.ts";
import type { TrainingPlan } from "./resolve.ts";

/** Rows to score: packed inputs plus original-unit actuals and weights. */
export interface ScoreSet {
  readonly packed: PackedRows;
  readonly actual: FloatArray;
  readonly weights: FloatArray | null;
}

/** Everything training reads from the frames. */
export interface TrainingData {
  readonly prep: PreprocessorSpec;
  readonly adapted: AdaptedFrame;
  /** Rows that train: known response, positive weight, and (Skip) no missing predictor. */
  readonly usable: readonly number[];
  /** Rows one epoch stands for (spec §6.1): every row with a positive weight, trainable or not. */
  readonly epochRows: number;
  /** The usable rows, packed for the backend. */
  readonly packed: PackedRows;
  readonly trainScore: ScoreSet;
  readonly validScore: ScoreSet | null;
  /** Expanded input names (variable importances). */
  readonly inputNames: readonly string[];
  /** NA slots of categoricals never missing in training (their importance is 0). */
  readonly unseenNaSlots: ReadonlySet<number>;
  readonly messages: readonly Message[];
}

/**
 * Prepares the frames for a plan. Throws `RangeError` when nothing can train (no usable rows, a
 * validation frame without the response, no usable predictor).
 */
export function prepareData(
  plan: TrainingPlan,
  trainFrame: Frame,
  validFrame: Frame | null,
  { precision, seed, preprocessor }: { precision: 32 | 64; seed: readonly [number, number]; preprocessor?: PreprocessorSpec | null },
): TrainingData {
  const p = plan.params;
  const y = p.response_column as string;
  let train = trainFrame, valid = validFrame;
  if (plan.responseAsFactor) {
    train = train.asfactor(y);
    if (valid?.has(y)) valid = valid.asfactor(y);
  }
  const messages: Message[] = [];
  // A checkpoint restart keeps the model's preprocessing (its statistics too) and adapts the new frames to it.
  const fit = preprocessor ? { spec: preprocessor, messages: [] as Message[] } : fitPreprocessor(train, {
    response: y, classification: plan.problem === "classification", ignored: (p.ignored_columns as string[] | null) ?? [],
    weightsColumn: p.weights_column as string | null, ignoreConstCols: p.ignore_const_cols as boolean,
    useAllFactorLevels: p.use_all_factor_levels as boolean, standardize: p.standardize as boolean, sparse: p.sparse as boolean,
    autoencoder: false, standardizeResponse: p.standardize === true && plan.distribution.link === "identity",
  });
  messages.push(...fit.messages);
  const prep = fit.spec;
  if (!prep) throw new ParameterError("Cannot train", fit.messages);
  if (valid && !valid.has(y)) throw new RangeError(`Cannot train: the validation frame has no response column "${y}"`);

  const adapted = adaptFrame(prep, train);
  if (preprocessor) messages.push(...adapted.messages.map((m) => ({ ...m, message: `training_frame: ${m.message}` })));
  const skipNA = p.missing_values_handling === "Skip";
  const usable: number[] = [];
  for (let r = 0; r < adapted.rows; r++) {
    if (Number.isNaN(adapted.response![r])) continue;
    if (adapted.weights && !(adapted.weights[r] > 0)) continue;
    if (skipNA && hasMissing(prep, adapted, r)) continue;
    usable.push(r);
  }
  // Epoch size (spec §6.1): every row with a positive weight counts, also those skipped for a
  // missing response or (Skip) a missing predictor, so an epoch asks as many samples as rows.
  let epochRows = adapted.rows;
  if (adapted.weights) {
    epochRows = 0;
    for (let r = 0; r < adapted.rows; r++) if (adapted.weights[r] > 0) epochRows++;
  }
  if (usable.length === 0) {
    throw new RangeError(`Cannot train: no usable training rows${skipNA ? " (every row has a missing value; use missing_values_handling MeanImputation)" : " (every response is missing or every weight is 0)"}`);
  }
  const packed = packRows(prep, adapted, { rows: usable, precision });

  // Scoring sets (spec §7.1): a seeded sample of training rows, and the validation frame.
  const trainScore = scoreSet(prep, adapted, sampleRows(usable, p.score_training_samples as number, hashWords(seed[0], seed[1], 0x5c0e)), precision);
  let validScore: ScoreSet | null = null;
  if (valid) {
    const va = adaptFrame(prep, valid);
    messages.push(...va.messages.map((m) => ({ ...m, message: `validation_frame: ${m.message}` })));
    const rows: number[] = [];
    for (let r = 0; r < va.rows; r++) if (!Number.isNaN(va.response![r]) && !(va.weights && !(va.weights[r] > 0))) rows.push(r);
    validScore = scoreSet(prep, va, sampleRows(rows, p.score_validation_samples as number, hashWords(seed[0], seed[1], 0x5c0f)), precision);
  }
  return {
    prep, adapted, usable, epochRows, packed, trainScore, validScore, inputNames: inputNames(prep),
    unseenNaSlots: unseenNaSlots(prep, packed), messages,
  };
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

function unseenNaSlots(prep: PreprocessorSpec, rows: PackedRows): Set<number> {
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
