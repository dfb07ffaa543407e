/**
 * Which fold each training row belongs to (spec §10.1, §10.2), and H2O's rules on the
 * cross-validation parameters. Random and Stratified follow H2O's structure (a fresh generator
 * per row, seeded from the model seed and the row index; per class for Stratified) on Tide's
 * PRNG, so fold membership differs from H2O's for the same seed.
 * @module
 */
import type { Message } from "../../core/params.ts";
import { hashWords, Rng, seedWords } from "../../core/rng.ts";
import type { Frame } from "../../frame/frame.ts";

/** The fold of every row, and how it was chosen. */
export interface FoldAssignment {
  /** fold[i] ∈ 0 … nfolds − 1 for training row i. */
  readonly fold: Int32Array;
  readonly nfolds: number;
  /** "Random", "Modulo", "Stratified" or "Column" (from fold_column). */
  readonly scheme: string;
  /** With a fold column: its values in fold order (fold k holds rows whose value is labels[k]). */
  readonly labels?: readonly string[];
}

/** The cross-validation parameters, after parsing. */
export interface CvParams {
  readonly nfolds: number;
  readonly fold_assignment: string;
  readonly fold_column: string | null;
  readonly response_column: string | null;
  readonly weights_column: string | null;
  readonly seed: number;
}

/** True when these parameters ask for cross-validation. */
export function wantsCrossValidation(p: { nfolds?: unknown; fold_column?: unknown }): boolean {
  return Number(p.nfolds ?? 0) > 0 || (p.fold_column !== null && p.fold_column !== undefined && p.fold_column !== "");
}

/**
 * H2O's validity rules for the cross-validation parameters (spec §10.1), one message per field.
 * `given` holds what the user typed, so a parameter left at its default is not reported.
 */
export function checkCrossValidation(p: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>, train: Frame): Message[] {
  const out: Message[] = [];
  const err = (field: string, message: string) => out.push({ level: "error", field, message });
  const nfolds = p.nfolds as number;
  const foldColumn = p.fold_column as string | null;
  const assignment = p.fold_assignment as string;
  if (nfolds === 1) err("nfolds", `"nfolds" must be 0 (no cross-validation) or at least 2: got 1`);
  if (nfolds > train.nrow) err("nfolds", `"nfolds" = ${nfolds} exceeds the ${train.nrow} training rows: use at most ${train.nrow}`);
  if (foldColumn !== null) {
    if (nfolds > 0) err("fold_column", `"fold_column" and "nfolds" = ${nfolds} exclude each other: give one (the fold column sets the number of folds)`);
    if (assignment !== "AUTO") err("fold_assignment", `"fold_assignment" = ${assignment} cannot be used with "fold_column": remove one`);
    if (!train.has(foldColumn)) err("fold_column", `No column "${foldColumn}" in the training frame for "fold_column"`);
    else if (foldColumn === p.response_column) err("fold_column", `"fold_column" cannot be the response column "${foldColumn}"`);
    else if (foldColumn === p.weights_column) err("fold_column", `"fold_column" cannot be the weights column "${foldColumn}"`);
    else {
      const why = foldColumnProblem(train, foldColumn);
      if (why) err("fold_column", why);
    }
  } else if (nfolds === 0) {
    if (assignment !== "AUTO") err("fold_assignment", `"fold_assignment" = ${assignment} needs cross-validation: set "nfolds" ≥ 2`);
    for (const k of ["keep_cross_validation_predictions", "keep_cross_validation_fold_assignment"]) {
      if (p[k] === true && given[k] !== undefined) err(k, `"${k}" needs cross-validation: set "nfolds" ≥ 2 or a "fold_column"`);
    }
    // There are no fold models to keep or drop.
    if (given.keep_cross_validation_models !== undefined && p.keep_cross_validation_models === false) {
      err("keep_cross_validation_models", `"keep_cross_validation_models" needs cross-validation: set "nfolds" ≥ 2 or a "fold_column", or remove it`);
    }
  }
  if (wantsCrossValidation(p)) {
    if (p.checkpoint !== null && p.checkpoint !== undefined) err("checkpoint", `cross-validation ("nfolds"/"fold_column") cannot continue from a "checkpoint": remove one`);
    if (assignment === "Stratified") {
      const y = p.response_column as string | null;
      const classification = ["bernoulli", "multinomial"].includes(p.distribution as string) || (y !== null && train.has(y) && train.col(y).type === "categorical");
      if (!classification) err("fold_assignment", `"fold_assignment" = Stratified needs a categorical response (classification): use Random or Modulo, or convert the response with asfactor`);
    }
  }
  return out;
}

/** Why a column cannot be a fold column, or undefined when it can (spec §10.1). */
function foldColumnProblem(train: Frame, name: string): string | undefined {
  const c = train.col(name);
  if (c.type === "string") return `fold column "${name}" holds free text: convert it with asfactor`;
  const missing = c.type === "categorical" ? c.codes.toArray().findIndex((v) => v < 0) : Array.prototype.findIndex.call(c.data, (v: number) => Number.isNaN(v));
  if (missing >= 0) return `fold column "${name}" is missing at row ${missing + 1}: every row needs a fold`;
  if (c.type === "categorical") {
    const used = new Set(c.codes).size;
    return used < 2 ? `fold column "${name}" has ${used} distinct value; cross-validation needs at least 2` : undefined;
  }
  const data = c.data.toFloat64Array();
  const values = [...new Set(data)].sort((a, b) => a - b);
  const bad = data.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) return `fold column "${name}" must be categorical or hold integers: row ${bad + 1} is ${data[bad]}`;
  const lo = values[0], F = values.length;
  if ((lo !== 0 && lo !== 1) || values[F - 1] !== lo + F - 1) {
    return `fold column "${name}" must hold the contiguous integers 0…F−1 or 1…F: got ${values.slice(0, 8).join(", ")}${F > 8 ? ", …" : ""}`;
  }
  return F < 2 ? `fold column "${name}" has ${F} distinct value; cross-validation needs at least 2` : undefined;
}

/**
 * Assigns every training row to a fold. Assumes {@linkcode checkCrossValidation} found no error.
 * @param seed the model seed (already drawn when the user gave −1)
 */
export function assignFolds(train: Frame, p: CvParams): FoldAssignment {
  const n = train.nrow;
  const fold = new Int32Array(n);
  if (p.fold_column !== null) {
    const c = train.col(p.fold_column);
    if (c.type === "categorical") {
      // Folds in domain order over the levels that occur.
      const used = [...new Set(c.codes)].sort((a, b) => a - b);
      const index = new Map(used.map((code, k) => [code, k]));
      for (let i = 0; i < n; i++) fold[i] = index.get(c.codes.at(i))!;
      return { fold, nfolds: used.length, scheme: "Column", labels: used.map((code) => c.domain[code]) };
    }
    if (c.type !== "numeric") throw new RangeError(`fold column "${p.fold_column}" must be categorical or integer`);
    const data = c.data.toFloat64Array();
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, data[i]);
      hi = Math.max(hi, data[i]);
    }
    for (let i = 0; i < n; i++) fold[i] = data[i] - lo;
    return { fold, nfolds: hi - lo + 1, scheme: "Column", labels: Array.from({ length: hi - lo + 1 }, (_, k) => String(lo + k)) };
  }
  const F = p.nfolds;
  const [s0, s1] = seedWords(p.seed);
  const scheme = p.fold_assignment === "AUTO" ? "Random" : p.fold_assignment;
  if (scheme === "Modulo") {
    for (let i = 0; i < n; i++) fold[i] = i % F;
  } else if (scheme === "Random") {
    const rng = new Rng();
    for (let i = 0; i < n; i++) fold[i] = rng.reseed(hashWords(s0, s1, 0xf01d, i)).below(F);
  } else {
    // Stratified: one stream seed per class; a row without a class falls back to i mod F.
    const y = train.col(p.response_column!);
    const cls = y.type === "categorical" ? y.codes.toArray() : y.type === "numeric" ? Int32Array.from(y.data, (v) => (Number.isNaN(v) ? -1 : v)) : null;
    const rng = new Rng();
    for (let i = 0; i < n; i++) {
      const c = cls ? cls[i] : -1;
      fold[i] = c < 0 ? i % F : rng.reseed(hashWords(hashWords(s0, s1, 0x57a7, c), i)).below(F);
    }
  }
  return { fold, nfolds: F, scheme };
}
