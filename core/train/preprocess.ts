/**
 * Preprocessing as H2O's DataInfo does it (spec §1): which columns are predictors, their order
 * (categoricals by decreasing level count, then numerics), the one-hot layout with an NA slot,
 * standardization, mean imputation, and the response transform. Fitted once on the training
 * frame, serialized into the model, and applied identically to every frame scored later.
 *
 * Documented behaviour where H2O's code differs (see docs/h2o-differences.md): a missing
 * categorical always goes to its NA slot (Q1), and a missing numeric is mean-imputed when
 * scoring as when training, in every standardization mode (Q2).
 * @module
 */
import type { Message } from "../params.ts";
import type { FloatArray, PackedRows } from "../backend.ts";
import type { Column, Frame } from "../../frame/frame.ts";
import { levelAt } from "../../frame/frame.ts";
import { codeArrayFor, CodeVector, NumericVector } from "../../frame/vector.ts";
import type { ClassBalance } from "./balance.ts";
import { type CategoricalEncoding, encodeCategorical, type LevelValues, levelValues } from "./encoding.ts";
import { hashSeed } from "./hashing.ts";

/** How numerics are transformed (spec §1.4). */
export type NumericMode = "STANDARDIZE" | "DESCALE" | "NORMALIZE" | "NONE";

/** A categorical predictor: a block of one-hot slots starting at `offset`. */
export interface CategoricalInput {
  readonly kind: "categorical";
  readonly name: string;
  readonly domain: readonly string[];
  readonly offset: number;
  /** K + 1 with all levels (the last is the NA slot), K without the first level. */
  readonly slots: number;
  /** The frame column it reads when that differs from `name` (EnumLimited's "x.top_10_levels"). */
  readonly column?: string;
  /** Code that levels outside `domain` take (EnumLimited's "other" level); else they are NA. */
  readonly other?: number;
}

/** A numeric predictor at input `offset`: value ↦ (x − sub)·mul, missing ↦ (mean − sub)·mul. */
export interface NumericInput {
  readonly kind: "numeric";
  readonly name: string;
  readonly offset: number;
  readonly mean: number;
  readonly sub: number;
  readonly mul: number;
  /** A categorical column turned into numbers (categorical_encoding Binary, Eigen, LabelEncoder). */
  readonly encoded?: LevelValues;
}

/** One predictor column. */
export type InputColumn = CategoricalInput | NumericInput;

/** The response: class labels, or a numeric target with its (optional) standardization. */
export type ResponseInfo =
  | { readonly kind: "categorical"; readonly name: string; readonly domain: readonly string[] }
  | { readonly kind: "numeric"; readonly name: string; readonly mean: number; readonly sigma: number; readonly sub: number; readonly mul: number };

/** Everything needed to turn a frame into network inputs; plain data, stored in the model. */
export interface PreprocessorSpec {
  readonly inputs: readonly InputColumn[];
  readonly width: number;
  readonly mode: NumericMode;
  readonly useAllFactorLevels: boolean;
  readonly response: ResponseInfo | null;
  readonly weightsColumn: string | null;
  /** Columns dropped by ignore_const_cols, reported in the model. */
  readonly droppedConstant: readonly string[];
  // Fields below are absent from models written before they existed; absent means "off".
  /** offset_column: added to the output unit in link space (core/train/inputs.ts). */
  readonly offsetColumn?: string | null;
  /** The categorical_encoding the inputs were built with (AUTO when absent). */
  readonly categoricalEncoding?: CategoricalEncoding;
  /** max_categorical_features: one-hot slots hashed into `buckets` inputs (core/train/hashing.ts). */
  readonly hashing?: { readonly buckets: number; readonly seed: number } | null;
  /** balance_classes: class frequencies for the prior correction of probabilities (balance.ts). */
  readonly classBalance?: ClassBalance | null;
}

/** Options for {@linkcode fitPreprocessor}. */
export interface FitOptions {
  readonly response: string | null;
  readonly classification: boolean;
  readonly ignored: readonly string[];
  readonly weightsColumn: string | null;
  readonly ignoreConstCols: boolean;
  readonly useAllFactorLevels: boolean;
  readonly standardize: boolean;
  readonly sparse: boolean;
  readonly autoencoder: boolean;
  /** Whether a numeric response is standardized (identity link, spec §1.6). */
  readonly standardizeResponse: boolean;
  /** offset_column (never a predictor). */
  readonly offsetColumn?: string | null;
  /** categorical_encoding (default AUTO: one-hot). */
  readonly categoricalEncoding?: CategoricalEncoding;
  /** max_categorical_features: hash the one-hot slots when their count exceeds it. */
  readonly maxCategoricalFeatures?: number;
  /** The model seed (feature hashing uses its low 32 bits). */
  readonly seed?: number;
}

/**
 * Fits the preprocessing on the training frame. Returns messages (errors name the column and the
 * fix) rather than throwing, so callers can report every problem at once.
 */
export function fitPreprocessor(frame: Frame, o: FitOptions): { spec: PreprocessorSpec | null; messages: Message[] } {
  const messages: Message[] = [];
  const special = new Set([o.response, o.weightsColumn, o.offsetColumn].filter((x): x is string => !!x));
  for (const name of [...special, ...o.ignored]) {
    if (!frame.has(name)) {
      const field = name === o.response ? "response_column" : name === o.weightsColumn ? "weights_column" : name === o.offsetColumn ? "offset_column" : "ignored_columns";
      messages.push({ level: "error", field, message: `No column "${name}" in the training frame` });
    }
  }
  if (messages.length) return { spec: null, messages };

  const ignored = new Set(o.ignored);
  const dropped: string[] = [];
  const cats: Column[] = [];
  const nums: Column[] = [];
  for (const c of frame.columns) {
    if (special.has(c.name) || ignored.has(c.name)) continue;
    if (c.type === "string") {
      if (o.ignoreConstCols) dropped.push(c.name);
      else messages.push({ level: "error", field: "ignored_columns", message: `Column "${c.name}" holds free text, which cannot be a predictor: add it to ignored_columns or convert it with asfactor` });
      continue;
    }
    if (o.ignoreConstCols && isConstant(c)) {
      dropped.push(c.name);
      continue;
    }
    (c.type === "categorical" ? cats : nums).push(c);
  }
  // categorical_encoding (encoding.ts): some categoricals become numeric inputs, others change levels.
  const weights = o.weightsColumn ? numericValues(frame.col(o.weightsColumn)) : null;
  const encoding = o.categoricalEncoding ?? "AUTO";
  const encoded = cats.flatMap((c) => encodeCategorical(c as Extract<Column, { type: "categorical" }>, encoding, { frame, response: o.response, weights }));
  const oneHot = encoded.filter((e) => e.kind === "categorical");
  // H2O's in-place (unstable) ordering of categoricals by decreasing level count (spec §1.2).
  for (let i = 0; i < oneHot.length; i++) {
    for (let j = i + 1; j < oneHot.length; j++) {
      if (oneHot[i].domain.length < oneHot[j].domain.length) [oneHot[i], oneHot[j]] = [oneHot[j], oneHot[i]];
    }
  }
  // H2O reads Inf and 1e400 as numbers and trains on them until the model turns unstable; Tide
  // refuses them up front, naming the first row (docs/h2o-differences.md).
  for (const c of [...nums, ...(o.response ? [frame.col(o.response)] : []), ...(o.weightsColumn ? [frame.col(o.weightsColumn)] : [])]) {
    const bad = nonFinite(c);
    if (bad) {
      messages.push({ level: "error", field: c.name === o.response ? "response_column" : c.name === o.weightsColumn ? "weights_column" : "training_frame", message: `Column "${c.name}" holds ${bad.value} at row ${bad.row + 1}${bad.count > 1 ? ` (and ${bad.count - 1} more row(s))` : ""}: training needs finite numbers; fix the value, or make it missing (an empty field or NA)` });
    }
  }
  const mode: NumericMode = !o.standardize ? "NONE" : o.autoencoder ? "NORMALIZE" : o.sparse ? "DESCALE" : "STANDARDIZE";
  const useAll = o.useAllFactorLevels || o.autoencoder;
  const inputs: InputColumn[] = [];
  let offset = 0;
  for (const c of oneHot) {
    const slots = useAll ? c.domain.length + 1 : c.domain.length;
    inputs.push({ ...c, offset, slots });
    offset += slots;
  }
  const oneHotWidth = offset;
  const numeric = [
    ...nums.map((c) => ({ name: c.name, data: (c as Extract<Column, { type: "numeric" }>).data.toArray() as ArrayLike<number>, encoded: undefined })),
    ...encoded.filter((e) => e.kind === "numeric").map((e) => ({ name: e.name, data: levelValues(frame.col(e.encoded.column), e.encoded, []), encoded: e.encoded })),
  ];
  // With an offset column H2O keeps the unweighted statistics (spec §1.4).
  const statWeights = o.offsetColumn ? null : weights;
  for (const c of numeric) {
    const s = moments(c.data, statWeights);
    const range = s.max - s.min;
    const sub = mode === "STANDARDIZE" || mode === "NORMALIZE" ? s.mean : 0;
    const mul = mode === "NONE" ? 1 : mode === "NORMALIZE" ? (range > 0 ? 1 / range : 1) : s.sigma > 0 ? 1 / s.sigma : 1;
    inputs.push({ kind: "numeric", name: c.name, offset, mean: s.mean, sub, mul, ...(c.encoded ? { encoded: c.encoded } : {}) });
    offset += 1;
  }
  // Feature hashing (spec §1.9) when max_categorical_features is below the one-hot width.
  const M = o.maxCategoricalFeatures ?? 2147483647;
  const hashing = M < oneHotWidth ? { buckets: M, seed: hashSeed(o.seed ?? 0) } : null;
  if (inputs.length === 0) {
    messages.push({ level: "error", field: "training_frame", message: `No predictor columns are left${dropped.length ? ` after dropping ${dropped.length} constant or text column(s)` : ""}: check ignored_columns and ignore_const_cols` });
  }

  let response: ResponseInfo | null = null;
  if (o.response) {
    const rc = frame.col(o.response);
    if (o.classification) {
      if (rc.type !== "categorical") {
        messages.push({ level: "error", field: "response_column", message: `Response "${rc.name}" must be categorical for classification: convert it with asfactor` });
      } else {
        if (rc.domain.length < 2) messages.push({ level: "error", field: "response_column", message: `Response "${rc.name}" has ${rc.domain.length} class(es); classification needs at least 2` });
        response = { kind: "categorical", name: rc.name, domain: rc.domain };
      }
    } else if (rc.type !== "numeric") {
      messages.push({ level: "error", field: "response_column", message: `Response "${rc.name}" is ${rc.type}; regression needs a numeric response (or choose distribution bernoulli/multinomial)` });
    } else {
      const s = moments(rc.data.toArray(), statWeights);
      if (!(s.max > s.min)) messages.push({ level: "error", field: "response_column", message: `Response "${rc.name}" is constant; there is nothing to learn` });
      const std = o.standardizeResponse;
      response = { kind: "numeric", name: rc.name, mean: s.mean, sigma: s.sigma, sub: std ? s.mean : 0, mul: std && s.sigma > 0 ? 1 / s.sigma : 1 };
    }
  }
  if (messages.some((m) => m.level === "error")) return { spec: null, messages };
  if (dropped.length) {
    messages.push({ level: "info", field: "ignore_const_cols", message: `Dropped ${dropped.length} constant, empty or text column(s): ${preview(dropped)}` });
  }
  return {
    spec: {
      inputs, width: offset, mode, useAllFactorLevels: useAll, response, weightsColumn: o.weightsColumn, droppedConstant: dropped,
      offsetColumn: o.offsetColumn ?? null, categoricalEncoding: encoding, hashing,
    },
    messages,
  };
}

/** The first ±Infinity in a numeric column: its row, its value, and how many there are. */
function nonFinite(c: Column): { row: number; value: number; count: number } | null {
  if (c.type !== "numeric" || countInfinite(c.data) === 0) return null;
  let row = -1, count = 0;
  for (let i = 0; i < c.data.length; i++) {
    const v = c.data.at(i);
    if (v === Infinity || v === -Infinity) {
      if (row < 0) row = i;
      count++;
    }
  }
  return row < 0 ? null : { row, value: c.data.at(row), count };
}

function preview(names: string[]): string {
  return names.length <= 8 ? names.join(", ") : `${names.slice(0, 8).join(", ")}, … (${names.length})`;
}

function isConstant(c: Column): boolean {
  if (c.type === "numeric") {
    const { raw, na } = c.data;
    if (raw === null) return true; // one value, or none
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (v === na) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return !(max > min); // also true when every value is missing
  }
  if (c.type === "categorical") {
    const raw = c.codes.raw;
    if (raw === null) return true; // one level, or none
    let first = -1;
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (v < 0) continue;
      if (first < 0) first = v;
      else if (v !== first) return false;
    }
    return true;
  }
  return false;
}

function numericValues(c: Column): FloatArray {
  if (c.type !== "numeric") throw new TypeError(`Column "${c.name}" must be numeric`);
  return c.data.toArray();
}

/** Mean, sample σ, min and max over non-missing finite values; weighted when weights are given. */
export function moments(x: ArrayLike<number>, w: ArrayLike<number> | null): { mean: number; sigma: number; min: number; max: number; n: number } {
  let n = 0, sw = 0, mean = 0, m2 = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const wi = w ? w[i] : 1;
    if (!Number.isFinite(v) || !(wi > 0)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    n++;
    sw += wi;
    const d = v - mean; // West's weighted Welford update
    mean += (wi / sw) * d;
    m2 += wi * d * (v - mean);
  }
  // Sample variance: n/(n − 1) · Σw(x − μ)²/Σw, which is Bessel's σ when every weight is 1.
  const sigma = n > 1 ? Math.sqrt((n / (n - 1)) * (m2 / sw)) : 0;
  return { mean: n ? mean : NaN, sigma, min, max, n };
}

/** A frame matched to a preprocessor: column data per input, response and weights, and warnings. */
export interface AdaptedFrame {
  readonly rows: number;
  /** Per input: the numeric column, or categorical codes already mapped to the training domain (-1 = NA or unseen). */
  readonly columns: readonly (NumericVector | CodeVector | null)[];
  readonly response: FloatArray | null;
  readonly weights: FloatArray | null;
  /** offset_column values (raw units), when the model has one. */
  readonly offset?: FloatArray | null;
  readonly messages: readonly Message[];
}

/**
 * Matches a frame's columns to the training columns: categorical levels are re-coded to the
 * training domain (unseen levels become the NA slot), a missing predictor becomes all-missing
 * (imputed), ±Infinity is treated as missing, extra columns are ignored (spec §1.8). Every
 * mismatch comes back as a warning that names the column and counts the rows it touches:
 * a missing (or renamed) column, a numeric column read as text, a categorical read as
 * numbers, unseen levels, levels that differ from training levels only in case, infinite values.
 */
export function adaptFrame(spec: PreprocessorSpec, frame: Frame, { requireResponse = false } = {}): AdaptedFrame {
  const messages: Message[] = [];
  const warn = (field: string, message: string) => messages.push({ level: "warn", field, message });
  const rows = frame.nrow;
  const sourceOf = (inp: InputColumn) => inp.kind === "numeric" ? inp.encoded?.column ?? inp.name : inp.column ?? inp.name;
  const known = new Set([...spec.inputs.map(sourceOf), spec.response?.name, spec.weightsColumn, spec.offsetColumn]);
  const extra = frame.names.filter((n) => !known.has(n));
  const encodedCache = new Map<string, Float64Array>();
  const missingWarned = new Set<string>();
  const columns = spec.inputs.map((inp) => {
    const source = sourceOf(inp);
    if (!frame.has(source)) {
      if (!missingWarned.has(source)) {
        const sameButCase = extra.find((n) => n.toLowerCase() === source.toLowerCase());
        const hint = sameButCase !== undefined
          ? `; the frame has "${sameButCase}", which differs only in case (names are case-sensitive): rename it`
          : extra.length ? `; the frame has column(s) the model does not use (${quoteList(extra)}): was it renamed?` : "";
        warn(source, `Column "${source}" is missing from the frame; all ${rows} row(s) treat it as missing${hint}`);
      }
      missingWarned.add(source);
      return null;
    }
    const c = frame.col(source);
    if (rows === 0) return inp.kind === "numeric" ? NumericVector.from(toNumbers(c)) : recode(c, inp.domain, messages, false, inp.other); // no values, no type to tell
    if (inp.kind === "numeric" && inp.encoded) {
      // One recoding per source column (Binary makes several inputs of one column).
      const key = `${source}\u0000${inp.encoded.domain.join("\u0000")}`;
      let v = encodedCache.get(key);
      if (!v) encodedCache.set(key, v = levelValues(c, { ...inp.encoded, values: inp.encoded.domain.map((_, i) => i), missing: NaN }, messages));
      return NumericVector.from(Float64Array.from(v, (code) => (Number.isNaN(code) ? inp.encoded!.missing : inp.encoded!.values[code])));
    }
    if (inp.kind === "numeric") {
      if (c.type === "numeric") {
        const inf = countInfinite(c.data);
        if (inf) warn(inp.name, `${inf} row(s) of "${inp.name}" hold an infinite value; they are treated as missing`);
        return c.data;
      }
      const data = toNumbers(c);
      let lost = 0;
      for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i]) && present(c, i)) lost++;
      warn(inp.name, `Column "${inp.name}" was numeric in training but is ${c.type} here; converted to numbers${lost ? `, ${lost} row(s) that are not numbers treated as missing` : ", every value read as a number"}`);
      return NumericVector.from(data);
    }
    if (c.type === "numeric") {
      warn(inp.name, `Column "${inp.name}" was categorical in training but holds numbers here; its values are matched to the training levels as text`);
    }
    return recode(c, inp.domain, messages, false, inp.other);
  });
  let response: FloatArray | null = null;
  const r = spec.response;
  if (r && frame.has(r.name)) {
    const c = frame.col(r.name);
    if (r.kind === "categorical") {
      const codes = recode(c, r.domain, messages, true);
      response = new Float64Array(codes.length);
      for (let i = 0; i < response.length; i++) {
        const v = codes.at(i);
        response[i] = v < 0 ? NaN : v;
      }
    } else {
      response = toNumbers(c);
    }
  } else if (r && requireResponse) {
    throw new RangeError(`Cannot score: the frame has no response column "${r.name}"; metrics need it (prediction does not)`);
  }
  let weights: FloatArray | null = null;
  if (spec.weightsColumn && frame.has(spec.weightsColumn)) weights = toNumbers(frame.col(spec.weightsColumn));
  const offset = spec.offsetColumn ? offsetValues(frame, spec.offsetColumn) : null;
  return { rows, columns, response, weights, offset, messages };
}

function quoteList(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => `"${n}"`).join(", ");
  return names.length > 5 ? `${shown}, … (${names.length})` : shown;
}

function present(c: Column, i: number): boolean {
  if (c.type === "numeric") return !Number.isNaN(c.data.at(i));
  if (c.type === "categorical") return c.codes.at(i) >= 0;
  return c.data[i] !== null && c.data[i]!.trim() !== "";
}

function countInfinite(v: NumericVector): number {
  // Only float storage holds ±Infinity (a constant column holds it in its bias).
  if (v.raw === null) return Math.abs(v.bias) === Infinity ? v.length : 0;
  if (!(v.raw instanceof Float32Array || v.raw instanceof Float64Array)) return 0;
  let n = 0;
  for (let i = 0; i < v.raw.length; i++) if (v.raw[i] === Infinity || v.raw[i] === -Infinity) n++;
  return n;
}

function toNumbers(c: Column): FloatArray {
  if (c.type === "numeric") return c.data.toArray();
  const out = new Float64Array(c.type === "categorical" ? c.codes.length : c.data.length);
  for (let i = 0; i < out.length; i++) {
    const s = c.type === "categorical" ? levelAt(c, i) : c.data[i];
    const v = s === null || s.trim() === "" ? NaN : Number(s);
    out[i] = Number.isFinite(v) ? v : NaN;
  }
  return out;
}

/** The offset column of a scored frame: required, numeric, no missing value (spec §1.8). */
function offsetValues(frame: Frame, name: string): FloatArray {
  if (!frame.has(name)) {
    throw new RangeError(`Cannot score: the frame has no offset column "${name}"; the model was trained with offset_column "${name}", so every frame it scores needs that column`);
  }
  const v = toNumbers(frame.col(name));
  for (let r = 0; r < v.length; r++) {
    if (!Number.isFinite(v[r])) throw new RangeError(`Cannot score: row ${r + 1} of offset column "${name}" is ${Number.isNaN(v[r]) ? "missing" : v[r]}; offsets must be finite numbers`);
  }
  return v;
}

/** Level codes of `c` in `domain`; −1 for missing, and for levels outside it unless `other` is given. */
export function recode(c: Column, domain: readonly string[], messages: Message[], isResponse = false, other?: number): CodeVector {
  const index = new Map(domain.map((v, i) => [v, i]));
  const n = c.type === "categorical" ? c.codes.length : c.data.length;
  // Unchanged codes (the training frame, or the same domain) are shared, not copied.
  if (c.type === "categorical" && c.domain.length === domain.length && c.domain.every((v, i) => v === domain[i])) return c.codes;
  const levels = Math.max(domain.length, (other ?? -1) + 1);
  const constant = c.type === "categorical" && c.codes.raw === null;
  const out = new (codeArrayFor(levels))(constant ? 1 : n); // a constant column maps its one code
  let result: CodeVector | null = null;
  // Unseen levels and their row counts (in first-seen order).
  const unseen = new Map<string, number>();
  if (c.type === "categorical") {
    const map = Int32Array.from(c.domain, (v) => index.get(v) ?? -2);
    const raw = c.codes.raw;
    for (let i = 0; i < (raw ? n : Math.min(n, 1)); i++) {
      const v = raw ? raw[i] : c.codes.fill; // a constant column: its one code, counted for all rows
      if (v >= 0 && map[v] === -2 && other === undefined) unseen.set(c.domain[v], (unseen.get(c.domain[v]) ?? 0) + (raw ? 1 : n));
      out[i] = v < 0 ? -1 : map[v] !== -2 ? map[v] : other !== undefined ? other : -1;
    }
    if (!raw) result = CodeVector.constant(n, n ? out[0] : -1);
  } else {
    for (let i = 0; i < n; i++) {
      const raw = c.type === "numeric" ? c.data.at(i) : c.data[i];
      if (raw === null || (typeof raw === "number" && Number.isNaN(raw))) {
        out[i] = -1;
        continue;
      }
      const text = String(raw);
      const hit = index.get(text);
      if (hit === undefined && other === undefined) unseen.set(text, (unseen.get(text) ?? 0) + 1);
      out[i] = hit !== undefined ? hit : other !== undefined ? other : -1;
    }
  }
  result ??= CodeVector.from(out, levels);
  if (unseen.size === 0) return result;
  const lower = new Map(domain.map((v) => [v.toLowerCase(), v]));
  let caseRows = 0, otherRows = 0;
  const casePairs: string[] = [], others: string[] = [];
  for (const [level, rows] of unseen) {
    const match = lower.get(level.toLowerCase());
    if (match !== undefined) {
      caseRows += rows;
      if (casePairs.length < 3) casePairs.push(`"${level}" vs "${match}"`);
    } else {
      otherRows += rows;
      if (others.length < 5) others.push(`"${level}"`);
    }
  }
  const what = isResponse ? `response "${c.name}"` : `"${c.name}"`;
  const effect = isResponse ? "metrics skip them" : "they use the missing-value input";
  if (caseRows) {
    messages.push({ level: "warn", field: c.name, message: `${caseRows} row(s) of ${what} have levels that differ from training levels only in case (${casePairs.join(", ")}); levels are case-sensitive, so ${effect}` });
  }
  if (otherRows) {
    const more = unseen.size - casePairs.length - others.length;
    messages.push({
      level: "warn", field: c.name,
      message: `${otherRows} row(s) of ${what} have ${isResponse ? "classes" : "levels"} unseen in training (${others.join(", ")}${more > 0 && others.length === 5 ? ", …" : ""}); ${effect}`,
    });
  }
  return result;
}

/** Writes row `r`'s expanded inputs into `out` (length `spec.width`), zeros included. */
export function expandRow(spec: PreprocessorSpec, a: AdaptedFrame, r: number, out: FloatArray): void {
  out.fill(0);
  for (let k = 0; k < spec.inputs.length; k++) {
    const inp = spec.inputs[k];
    const col = a.columns[k];
    if (inp.kind === "numeric") {
      const v = col ? (col as NumericVector).at(r) : NaN;
      out[inp.offset] = ((Number.isFinite(v) ? v : inp.mean) - inp.sub) * inp.mul; // NaN and ±Infinity are missing
    } else {
      const slot = categoricalSlot(spec, inp, col ? (col as CodeVector).at(r) : -1);
      if (slot >= 0) out[inp.offset + slot] = 1;
    }
  }
}

/** The slot a level code lands in (−1: none, the dropped first level). */
export function categoricalSlot(spec: PreprocessorSpec, inp: CategoricalInput, code: number): number {
  if (code < 0) return inp.slots - 1; // the NA slot (Q1: in training as when scoring)
  return spec.useAllFactorLevels ? code : code - 1;
}

/** True when row `r` has any missing predictor (for missing_values_handling = Skip). */
export function hasMissing(spec: PreprocessorSpec, a: AdaptedFrame, r: number): boolean {
  for (let k = 0; k < spec.inputs.length; k++) {
    const col = a.columns[k];
    if (!col) return true;
    if (spec.inputs[k].kind === "numeric" ? Number.isNaN((col as NumericVector).at(r)) : (col as CodeVector).at(r) < 0) return true;
  }
  return false;
}

/** Expanded input names (H2O's coefficient names): "col.level", "col.missing(NA)", numerics. */
export function inputNames(spec: PreprocessorSpec): string[] {
  const names: string[] = [];
  for (const inp of spec.inputs) {
    if (inp.kind === "numeric") names.push(inp.name);
    else {
      const levels = spec.useAllFactorLevels ? inp.domain : inp.domain.slice(1);
      for (const l of levels) names.push(`${inp.name}.${l}`);
      names.push(`${inp.name}.missing(NA)`);
    }
  }
  return names;
}

/** Training target of row r: class index, or the standardized numeric response; NaN when missing. */
export function targetValue(spec: PreprocessorSpec, a: AdaptedFrame, r: number): number {
  const y = a.response ? a.response[r] : NaN;
  const resp = spec.response;
  if (!resp || resp.kind === "categorical") return y;
  return (y - resp.sub) * resp.mul;
}

/**
 * Per numeric input, a table from stored byte to network input for 1-byte columns (MNIST's
 * pixels): expanding such a column is then one load per value, with no missing-value test or
 * arithmetic. Null for other inputs.
 */
function byteTables(spec: PreprocessorSpec, a: AdaptedFrame): (Float64Array | null)[] {
  return spec.inputs.map((inp, k) => {
    const col = a.columns[k];
    if (inp.kind !== "numeric" || !(col instanceof NumericVector) || !(col.raw instanceof Uint8Array)) return null;
    const { mean, sub, mul } = inp;
    const fill = (mean - sub) * mul;
    const lut = new Float64Array(256);
    for (let b = 0; b < 256; b++) lut[b] = b === col.na ? fill : (b + col.bias - sub) * mul;
    return lut;
  });
}

/**
 * Expands rows `rows[from … to)` (or all rows) into `out` (count × width, zeros included),
 * column by column so each column's stored array is read in one tight loop.
 */
function expandBlock(
  spec: PreprocessorSpec, a: AdaptedFrame, luts: readonly (Float64Array | null)[], rows: ArrayLike<number> | undefined,
  from: number, to: number, out: Float64Array,
): void {
  const width = spec.width;
  const count = to - from;
  out.fill(0, 0, count * width);
  for (let k = 0; k < spec.inputs.length; k++) {
    const inp = spec.inputs[k];
    const col = a.columns[k];
    if (inp.kind === "numeric") {
      const { offset, mean, sub, mul } = inp;
      const fill = (mean - sub) * mul;
      const vec = col as NumericVector | null;
      const raw = vec ? vec.raw : null;
      if (raw === null) {
        const v = vec ? vec.bias : NaN; // a constant column, or none
        const x = v - v === 0 ? (v - sub) * mul : fill; // NaN and ±Infinity are missing
        for (let j = 0; j < count; j++) out[j * width + offset] = x;
        continue;
      }
      const lut = luts[k];
      if (lut) {
        const bytes = raw as Uint8Array;
        if (rows) for (let j = 0; j < count; j++) out[j * width + offset] = lut[bytes[rows[from + j]]];
        else for (let j = 0; j < count; j++) out[j * width + offset] = lut[bytes[from + j]];
        continue;
      }
      if (raw instanceof Float64Array || raw instanceof Float32Array) {
        // Stored floats are the values themselves (NaN is missing): one loop per array type.
        if (raw instanceof Float64Array) expandFloats(raw, rows, from, count, out, width, offset, sub, mul, fill);
        else expandFloats(raw, rows, from, count, out, width, offset, sub, mul, fill);
        continue;
      }
      const bias = vec!.bias, na = vec!.na;
      for (let j = 0; j < count; j++) {
        const r = raw[rows ? rows[from + j] : from + j];
        out[j * width + offset] = r === na ? fill : (r + bias - sub) * mul;
      }
    } else {
      const codes = col as CodeVector | null;
      const raw = codes ? codes.raw : null;
      if (raw === null) {
        const slot = categoricalSlot(spec, inp, codes ? codes.fill : -1); // one level (or none) for every row
        if (slot >= 0) for (let j = 0; j < count; j++) out[j * width + inp.offset + slot] = 1;
        continue;
      }
      for (let j = 0; j < count; j++) {
        const slot = categoricalSlot(spec, inp, raw[rows ? rows[from + j] : from + j]);
        if (slot >= 0) out[j * width + inp.offset + slot] = 1;
      }
    }
  }
}

function expandFloats(
  raw: FloatArray, rows: ArrayLike<number> | undefined, from: number, count: number, out: Float64Array,
  width: number, offset: number, sub: number, mul: number, fill: number,
): void {
  if (rows) {
    for (let j = 0; j < count; j++) {
      const v = raw[rows[from + j]];
      out[j * width + offset] = v - v === 0 ? (v - sub) * mul : fill; // NaN and ±Infinity are missing
    }
  } else {
    for (let j = 0; j < count; j++) {
      const v = raw[from + j];
      out[j * width + offset] = v - v === 0 ? (v - sub) * mul : fill;
    }
  }
}

/**
 * Packs rows into the layout backends train on: CSR when at most 40 % of inputs are non-zero
 * (MNIST with sparse = true is ~19 %), dense otherwise. `rows` selects and orders rows (all when
 * omitted). Float32 or Float64 storage follows the backend's precision.
 */
export function packRows(
  spec: PreprocessorSpec,
  a: AdaptedFrame,
  { rows, precision = 64 }: { rows?: ArrayLike<number>; precision?: 32 | 64 } = {},
): PackedRows {
  const Arr = precision === 32 ? Float32Array : Float64Array;
  const n = rows ? rows.length : a.rows;
  const width = spec.width;
  const target = new Arr(n);
  const weight = a.weights ? new Arr(n) : null;
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    target[k] = targetValue(spec, a, r);
    if (weight) weight[k] = a.weights![r];
  }
  const BLOCK = Math.max(1, Math.min(n, Math.floor(262144 / Math.max(1, width))));
  const buf = new Float64Array(BLOCK * width);
  const luts = byteTables(spec, a);
  // The first block (up to ~256 K values) decides the layout.
  let nnz = 0;
  const first = Math.min(n, BLOCK);
  expandBlock(spec, a, luts, rows, 0, first, buf);
  for (let i = 0; i < first * width; i++) if (buf[i] !== 0) nnz++;
  const sparse = first > 0 && nnz / (first * width) <= 0.4;
  if (!sparse) {
    const dense = new Arr(n * width);
    for (let from = 0; from < n; from += BLOCK) {
      const to = Math.min(n, from + BLOCK);
      if (from > 0) expandBlock(spec, a, luts, rows, from, to, buf);
      dense.set(buf.subarray(0, (to - from) * width), from * width);
    }
    return { rows: n, width, dense, csr: null, target, weight };
  }
  const indptr = new Int32Array(n + 1);
  let cap = Math.max(16, Math.ceil((nnz / Math.max(1, first)) * n * 1.1));
  let index = new Int32Array(cap);
  let value = new Arr(cap);
  let p = 0;
  for (let from = 0; from < n; from += BLOCK) {
    const to = Math.min(n, from + BLOCK);
    if (from > 0) expandBlock(spec, a, luts, rows, from, to, buf);
    for (let j = 0; j < to - from; j++) {
      const base = j * width;
      if (p + width > cap) {
        cap = Math.max(cap * 2, p + width);
        const ni = new Int32Array(cap);
        ni.set(index.subarray(0, p));
        index = ni;
        const nv = new Arr(cap);
        nv.set(value.subarray(0, p));
        value = nv;
      }
      for (let i = 0; i < width; i++) {
        const v = buf[base + i];
        if (v !== 0) {
          index[p] = i;
          value[p++] = v;
        }
      }
      indptr[from + j + 1] = p;
    }
  }
  // The estimate leaves about 10 % spare: a view keeps it, where a trimmed copy would briefly
  // hold both arrays (the largest allocation of training); copy only when much is spare.
  const trim = <T extends Int32Array | FloatArray>(x: T): T => (p < 0.8 * cap ? x.slice(0, p) : x.subarray(0, p)) as T;
  return { rows: n, width, dense: null, csr: { indptr, index: trim(index), value: trim(value) }, target, weight };
}
