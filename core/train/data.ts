/**
 * The data step of training: the response as H2O treats it, the fitted preprocessor, the rows
 * that train, the epoch size, the packed rows backends train on, and the scoring samples.
 * @module
 */
import type { FloatArray, PackedRows } from "../backend.ts";
import { type Message, ParameterError } from "../params.ts";
import { hashWords, Rng } from "../rng.ts";
import type { Frame } from "../../frame/frame.ts";
import { balanceRows } from "./balance.ts";
import type { CategoricalEncoding } from "./encoding.ts";
import { networkInputNames, packInputs } from "./inputs.ts";
import { adaptFrame, type AdaptedFrame, categoricalSlot, fitPreprocessor, hasMissing, type PreprocessorSpec } from "./preprocess.ts";
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
  const autoencoder = plan.problem === "autoencoder";
  const y = p.response_column as string; // null for an autoencoder
  let train = trainFrame, valid = validFrame;
  if (plan.responseAsFactor) {
    train = train.asfactor(y);
    if (valid?.has(y)) valid = valid.asfactor(y);
  }
  const messages: Message[] = [];
  // A checkpoint restart keeps the model's preprocessing (its statistics too) and adapts the new frames to it.
  const fit = preprocessor ? { spec: preprocessor, messages: [] as Message[] } : fitPreprocessor(train, {
    response: autoencoder ? null : y, classification: plan.problem === "classification", ignored: (p.ignored_columns as string[] | null) ?? [],
    weightsColumn: p.weights_column as string | null, ignoreConstCols: p.ignore_const_cols as boolean,
    useAllFactorLevels: p.use_all_factor_levels as boolean, standardize: p.standardize as boolean, sparse: p.sparse as boolean,
    autoencoder, standardizeResponse: !autoencoder && p.standardize === true && plan.distribution.link === "identity",
    offsetColumn: p.offset_column as string | null, categoricalEncoding: p.categorical_encoding as CategoricalEncoding,
    maxCategoricalFeatures: p.max_categorical_features as number, seed: plan.seed,
  });
  messages.push(...fit.messages);
  let prep = fit.spec;
  if (!prep) throw new ParameterError("Cannot train", fit.messages);
  if (valid && !autoencoder && !valid.has(y)) throw new RangeError(`Cannot train: the validation frame has no response column "${y}"`);
  if (valid && prep.offsetColumn && !valid.has(prep.offsetColumn)) throw new RangeError(`Cannot train: the validation frame has no offset column "${prep.offsetColumn}" (offset_column)`);

  const adapted = adaptFrame(prep, train);
  if (preprocessor) messages.push(...adapted.messages.map((m) => ({ ...m, message: `training_frame: ${m.message}` })));
  const skipNA = p.missing_values_handling === "Skip";
  // balance_classes (spec §1.13): the balanced rows (repeats included) replace the training rows.
  let balanced: number[] | null = null;
  if (p.balance_classes === true && prep.response?.kind === "categorical") {
    const b = balanceRows(adapted.response!, adapted.weights, {
      classes: prep.response.domain.length, factors: p.class_sampling_factors as number[] | null,
      maxRows: Math.floor((p.max_after_balance_size as number) * adapted.rows), seed,
    });
    balanced = b.rows;
    prep = { ...prep, classBalance: b.balance };
    messages.push({ level: "info", field: "balance_classes", message: `Balanced ${adapted.rows} training rows to ${b.rows.length} (class sampling ratios ${b.ratios.map((x) => Number(x.toPrecision(4))).join(", ")})` });
  }
  const usable: number[] = [];
  let epochRows = 0;
  const candidates = balanced ? balanced.length : adapted.rows;
  for (let k = 0; k < candidates; k++) {
    const r = balanced ? balanced[k] : k;
    if (!adapted.weights || adapted.weights[r] > 0) epochRows++;
    if (!autoencoder && Number.isNaN(adapted.response![r])) continue;
    if (adapted.weights && !(adapted.weights[r] > 0)) continue;
    if (skipNA && hasMissing(prep, adapted, r)) continue;
    usable.push(r);
  }
  // Epoch size (spec §6.1, counted above): every (balanced) row with a positive weight, also those
  // skipped for a missing response or (Skip) a missing predictor, so an epoch asks as many samples as rows.
  if (usable.length === 0) {
    throw new RangeError(`Cannot train: no usable training rows${skipNA ? " (every row has a missing value; use missing_values_handling MeanImputation)" : " (every response is missing or every weight is 0)"}`);
  }
  const packed = packInputs(prep, adapted, { rows: usable, precision });

  // Scoring sets (spec §7.1): a seeded sample of training rows, and the validation frame.
  const trainScore = scoreSet(prep, adapted, sampleRows(usable, p.score_training_samples as number, hashWords(seed[0], seed[1], 0x5c0e)), precision);
  let validScore: ScoreSet | null = null;
  if (valid) {
    const va = adaptFrame(prep, valid);
    messages.push(...va.messages.map((m) => ({ ...m, message: `validation_frame: ${m.message}` })));
    const rows: number[] = [];
    for (let r = 0; r < va.rows; r++) if ((autoencoder || !Number.isNaN(va.response![r])) && !(va.weights && !(va.weights[r] > 0))) rows.push(r);
    const k = p.score_validation_samples as number;
    const stratified = p.balance_classes === true && p.score_validation_sampling === "Stratified" && prep.response?.kind === "categorical" && k > 0 && k < rows.length;
    validScore = scoreSet(prep, va, stratified ? stratifiedSample(va.response!, rows, k, prep.response!.kind === "categorical" ? prep.response!.domain.length : 0, seed) : sampleRows(rows, k, hashWords(seed[0], seed[1], 0x5c0f)), precision);
  }
  return {
    prep, adapted, usable, epochRows, packed, trainScore, validScore, inputNames: networkInputNames(prep),
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

/**
 * The validation scoring sample with balance_classes and score_validation_sampling = Stratified
 * (spec §7.1): the balancing sampler without oversampling, every class at the rate k / rows, every
 * class present.
 */
function stratifiedSample(labels: FloatArray, rows: number[], k: number, classes: number, seed: readonly [number, number]): number[] {
  const sub = Float64Array.from(rows, (r) => labels[r]);
  const picked = balanceRows(sub, null, { classes, factors: null, maxRows: k, seed, oversample: false, stream: 0x5c0f }).rows;
  return picked.map((i) => rows[i]);
}

function scoreSet(prep: PreprocessorSpec, a: AdaptedFrame, rows: number[], precision: 32 | 64): ScoreSet {
  const packed = packInputs(prep, a, { rows, precision });
  // An autoencoder's actuals are its packed inputs: no response to read.
  const actual = a.response ? Float64Array.from(rows, (r) => a.response![r]) : new Float64Array(rows.length);
  const weights = a.weights ? Float64Array.from(rows, (r) => a.weights![r]) : null;
  return { packed, actual, weights };
}

function unseenNaSlots(prep: PreprocessorSpec, rows: PackedRows): Set<number> {
  const naSlots = new Set<number>();
  if (prep.hashing) return naSlots; // hashed buckets mix levels: no input is only an NA slot
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
