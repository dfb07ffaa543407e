/**
 * Frames: named, typed columns of equal length, as H2O's frames. Numeric columns are
 * {@linkcode NumericVector}s in their narrowest exact encoding (NaN reads as missing);
 * categoricals are {@linkcode CodeVector}s: 8-, 16- or 32-bit codes into a domain with -1 for
 * missing, or none per row when every row holds one level (or none).
 * Frames are immutable: every transform returns a new frame that shares untouched columns.
 * @module
 */
import { Rng, seedWords, hashWords } from "../core/rng.ts";
import { codeArrayFor, CodeVector, NumericVector } from "./vector.ts";
import type { CodeStorage, NumericStorage } from "./vector.ts";

export { CodeVector, NumericVector } from "./vector.ts";
export type { CodeArray, CodeStorage, NumericStorage } from "./vector.ts";

/** A numeric column; `data.at(i)` is row i's value, NaN when missing. */
export interface NumericColumn {
  readonly name: string;
  readonly type: "numeric";
  readonly data: NumericVector;
}

/** A categorical (enum) column: `codes.at(i)` indexes `domain`, -1 is missing. */
export interface CategoricalColumn {
  readonly name: string;
  readonly type: "categorical";
  readonly codes: CodeVector;
  readonly domain: readonly string[];
}

/** A free-text column (never a predictor); null is missing. */
export interface StringColumn {
  readonly name: string;
  readonly type: "string";
  readonly data: readonly (string | null)[];
}

/** Any column. */
export type Column = NumericColumn | CategoricalColumn | StringColumn;

/**
 * A column as given to {@linkcode Frame}: numeric data and categorical codes may be any array of
 * numbers; the frame stores them in their narrowest exact encoding.
 */
export type ColumnInput =
  | Column
  | { readonly name: string; readonly type: "numeric"; readonly data: ArrayLike<number> | NumericVector }
  | { readonly name: string; readonly type: "categorical"; readonly codes: ArrayLike<number> | CodeVector; readonly domain: readonly string[] };

/** How a column is stored: a {@linkcode NumericStorage}, a {@linkcode CodeStorage}, or "string". */
export type ColumnStorage = NumericStorage | CodeStorage | "string";

/** The column types, as `describe` prints them. */
export type ColumnType = Column["type"];

/** One column's summary, as H2O's `describe()` reports it. */
export interface ColumnSummary {
  readonly name: string;
  readonly type: ColumnType;
  /** Numeric: smallest non-missing value; categorical: NaN. */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1), as H2O. */
  readonly sigma: number;
  readonly zeros: number;
  readonly missing: number;
  /** Categorical: number of levels; otherwise NaN. */
  readonly cardinality: number;
}

/**
 * A table of typed columns.
 * @example
 * ```ts
 * const f = new Frame([{ name: "x", type: "numeric", data: new Float64Array([1, 2, 3]) }]);
 * f.nrow; // 3
 * ```
 */
export class Frame {
  readonly columns: readonly Column[];
  readonly nrow: number;
  readonly #byName: Map<string, Column>;

  constructor(input: readonly ColumnInput[]) {
    const columns = input.map(storeColumn);
    this.columns = columns;
    this.nrow = columns.length ? columnLength(columns[0]) : 0;
    this.#byName = new Map();
    for (const c of columns) {
      if (this.#byName.has(c.name)) throw new TypeError(`Cannot build frame: column name "${c.name}" appears twice`);
      if (columnLength(c) !== this.nrow) {
        throw new TypeError(
          `Cannot build frame: column "${c.name}" has ${columnLength(c)} rows, expected ${this.nrow}`,
        );
      }
      this.#byName.set(c.name, c);
    }
  }

  /** Number of columns. */
  get ncol(): number {
    return this.columns.length;
  }

  /** Column names in order. */
  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** Column types in order. */
  get types(): ColumnType[] {
    return this.columns.map((c) => c.type);
  }

  /** True when the frame has a column of that name. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The named column; throws `RangeError` naming the available columns when missing. */
  col(name: string): Column {
    const c = this.#byName.get(name);
    if (c) return c;
    const shown = this.names.slice(0, 12).map((n) => `"${n}"`).join(", ");
    const more = this.ncol > 12 ? `, … (${this.ncol} columns)` : "";
    throw new RangeError(`No column "${name}" in the frame: columns are ${shown}${more}`);
  }

  /** A new frame with `name` converted to categorical (H2O's `asfactor`). */
  asfactor(name: string): Frame {
    return this.#replace(asCategorical(this.col(name)));
  }

  /** A new frame with `name` converted to numeric (categorical levels parsed as numbers, others NA). */
  asnumeric(name: string): Frame {
    return this.#replace(asNumeric(this.col(name)));
  }

  /** A new frame with only these columns, in this order. */
  select(names: readonly string[]): Frame {
    return new Frame(names.map((n) => this.col(n)));
  }

  /** A new frame without these columns. */
  drop(names: readonly string[]): Frame {
    for (const n of names) this.col(n);
    const gone = new Set(names);
    return new Frame(this.columns.filter((c) => !gone.has(c.name)));
  }

  /** A new frame with the given column added (or replaced when the name exists). */
  withColumn(input: ColumnInput): Frame {
    const column = storeColumn(input);
    return this.has(column.name) ? this.#replace(column) : new Frame([...this.columns, column]);
  }

  /** A new frame of the given rows, in the given order. */
  rows(index: ArrayLike<number>): Frame {
    return new Frame(this.columns.map((c) => takeRows(c, index)));
  }

  /** The first `n` rows. */
  head(n = 10): Frame {
    const k = Math.min(n, this.nrow);
    return this.rows(Array.from({ length: k }, (_, i) => i));
  }

  /**
   * Splits rows at random into `ratios.length + 1` frames, as H2O's `split_frame`: each row
   * draws a uniform number and lands in the part whose cumulative ratio range holds it, so the
   * sizes are close to, not exactly, the ratios.
   * @param ratios fractions of the first parts, summing to less than 1; the rest is the last part
   */
  splitFrame(ratios: readonly number[], seed = 42): Frame[] {
    const total = ratios.reduce((a, b) => a + b, 0);
    if (ratios.length === 0 || ratios.some((r) => !(r > 0)) || !(total < 1)) {
      throw new RangeError(
        `Cannot split frame: "ratios" must be positive and sum to less than 1: got [${ratios.join(", ")}]`,
      );
    }
    const cuts = ratios.map((_, i) => ratios.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const rng = new Rng(hashWords(...seedWords(seed), 0x5b117));
    const parts: number[][] = Array.from({ length: ratios.length + 1 }, () => []);
    for (let r = 0; r < this.nrow; r++) {
      const u = rng.uniform();
      let k = 0;
      while (k < cuts.length && u >= cuts[k]) k++;
      parts[k].push(r);
    }
    return parts.map((p) => this.rows(p));
  }

  /** Per column: how it is stored and its bytes (H2O's chunk summary, one line per column). */
  storage(): { name: string; storage: ColumnStorage; bytes: number }[] {
    return this.columns.map((c) => ({ name: c.name, storage: columnStorage(c), bytes: columnBytes(c) }));
  }

  /** Bytes of per-row storage of every column (string columns counted at 2 bytes a character plus 8 per row). */
  get bytes(): number {
    let n = 0;
    for (const c of this.columns) n += columnBytes(c);
    return n;
  }

  /** Per-column summary (type, min, max, mean, sigma, zeros, missing, cardinality). */
  describe(): ColumnSummary[] {
    return this.columns.map(summarize);
  }

  /** The value at (row, column) as users see it: a number, a level string, a string or null. */
  value(row: number, name: string): number | string | null {
    const c = this.col(name);
    if (c.type === "numeric") {
      const v = c.data.at(row);
      return Number.isNaN(v) ? null : v;
    }
    if (c.type === "categorical") return levelAt(c, row);
    return c.data[row];
  }

  #replace(column: Column): Frame {
    return new Frame(this.columns.map((c) => (c.name === column.name ? column : c)));
  }
}

/** Rows in a column. */
export function columnLength(c: Column): number {
  return c.type === "categorical" ? c.codes.length : c.data.length;
}

/** Row `i`'s level of a categorical column, null when missing. */
export function levelAt(c: CategoricalColumn, i: number): string | null {
  const k = c.codes.at(i);
  return k < 0 ? null : c.domain[k];
}

/** How a column is stored. */
export function columnStorage(c: Column): ColumnStorage {
  if (c.type === "numeric") return c.data.storage;
  if (c.type === "string") return "string";
  return c.codes.storage;
}

/** Bytes of a column's per-row storage. */
export function columnBytes(c: Column): number {
  if (c.type === "numeric") return c.data.bytes;
  if (c.type === "categorical") return c.codes.bytes;
  let n = 8 * c.data.length;
  for (const s of c.data) if (s !== null) n += 2 * s.length;
  return n;
}

/** Stores a column in its narrowest exact encoding (columns already stored are kept as they are). */
export function storeColumn(c: ColumnInput): Column {
  if (c.type === "numeric") {
    return c.data instanceof NumericVector ? c as NumericColumn : { name: c.name, type: "numeric", data: NumericVector.from(c.data) };
  }
  if (c.type === "categorical") {
    return c.codes instanceof CodeVector ? c as CategoricalColumn : { name: c.name, type: "categorical", codes: CodeVector.from(c.codes, c.domain.length), domain: c.domain };
  }
  return c;
}

/** Formats a number as H2O labels numeric levels: integers without a fraction ("3", not "3.0"). */
export function formatLevel(v: number): string {
  return String(v);
}

/** Converts any column to categorical. Numeric levels sort numerically, strings lexicographically. */
export function asCategorical(c: Column): CategoricalColumn {
  if (c.type === "categorical") return c;
  if (c.type === "numeric") {
    const values = c.data.toArray();
    const distinct = [...new Set(values.filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
    const code = new Map(distinct.map((v, i) => [v, i]));
    const codes = new (codeArrayFor(distinct.length))(values.length);
    for (let i = 0; i < codes.length; i++) codes[i] = Number.isNaN(values[i]) ? -1 : code.get(values[i])!;
    return { name: c.name, type: "categorical", codes: CodeVector.from(codes, distinct.length), domain: distinct.map(formatLevel) };
  }
  const domain = [...new Set(c.data.filter((v): v is string => v !== null))].sort(compareStrings);
  const code = new Map(domain.map((v, i) => [v, i]));
  const codes = new (codeArrayFor(domain.length))(c.data.length);
  for (let i = 0; i < codes.length; i++) codes[i] = c.data[i] === null ? -1 : code.get(c.data[i]!)!;
  return { name: c.name, type: "categorical", codes: CodeVector.from(codes, domain.length), domain };
}

/** Converts a column to numeric: levels or strings that are not numbers become missing. */
export function asNumeric(c: Column): NumericColumn {
  if (c.type === "numeric") return c;
  const data = new Float64Array(columnLength(c));
  for (let i = 0; i < data.length; i++) {
    const s = c.type === "categorical" ? levelAt(c, i) : c.data[i];
    const v = s === null || s.trim() === "" ? NaN : Number(s);
    data[i] = Number.isFinite(v) || Math.abs(v) === Infinity ? v : NaN;
  }
  return { name: c.name, type: "numeric", data: NumericVector.from(data) };
}

/**
 * Byte-order string comparison (H2O sorts levels lexicographically by their UTF-8 bytes).
 * UTF-8 byte order is code point order; JavaScript's `<` compares UTF-16 units, which differs
 * only when a surrogate (astral character) meets a unit at or above U+E000, so that case is
 * mapped before comparing.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000; // surrogates above U+E000..U+FFFF, as code points sort
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

function takeRows(c: Column, index: ArrayLike<number>): Column {
  const n = index.length;
  if (c.type === "numeric") return { ...c, data: c.data.take(index) };
  if (c.type === "categorical") return { ...c, codes: c.codes.take(index) };
  return { ...c, data: Array.from({ length: n }, (_, i) => c.data[index[i]]) };
}

function summarize(c: Column): ColumnSummary {
  if (c.type === "numeric") {
    let n = 0, missing = 0, zeros = 0, min = Infinity, max = -Infinity, mean = 0, m2 = 0;
    const data = c.data;
    for (let i = 0; i < data.length; i++) {
      const v = data.at(i);
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      if (v === 0) zeros++;
      if (v < min) min = v;
      if (v > max) max = v;
      if (!Number.isFinite(v)) continue;
      n++;
      const d = v - mean; // Welford: stable for large columns
      mean += d / n;
      m2 += d * (v - mean);
    }
    return {
      name: c.name, type: c.type, min: min === Infinity ? NaN : min, max: max === -Infinity ? NaN : max,
      mean: n ? mean : NaN, sigma: n > 1 ? Math.sqrt(m2 / (n - 1)) : n === 1 ? 0 : NaN,
      zeros, missing, cardinality: NaN,
    };
  }
  if (c.type === "categorical") {
    const missing = c.codes.countMissing();
    return {
      name: c.name, type: c.type, min: NaN, max: NaN, mean: NaN, sigma: NaN, zeros: 0, missing,
      cardinality: c.domain.length,
    };
  }
  const missing = c.data.filter((v) => v === null).length;
  return { name: c.name, type: c.type, min: NaN, max: NaN, mean: NaN, sigma: NaN, zeros: 0, missing, cardinality: NaN };
}
