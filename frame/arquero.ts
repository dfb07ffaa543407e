/**
 * Bridges to arquero (https://idl.uw.edu/arquero), so frames can be explored and reshaped with
 * its verbs (filter, derive, groupby, join, …) and come back as frames for training.
 * @module
 */
import * as aq from "arquero";
import { asCategorical, asNumeric, CodeVector, compareStrings, Frame, levelAt, NumericVector } from "./frame.ts";
import type { CategoricalColumn, Column, ColumnType } from "./frame.ts";
import { STRING_DISTINCT_FRACTION, STRING_MIN_LEVELS } from "./csv.ts";

/** An arquero table, as `aq.table()` returns it. */
export type ArqueroTable = ReturnType<typeof aq.table>;

/** Options for {@linkcode fromArquero}. */
export interface FromArqueroOptions {
  /** Column types by name, overriding the inference (as `CsvOptions.columnTypes`). */
  columnTypes?: Readonly<Record<string, ColumnType>>;
}

/**
 * What {@linkcode toArquero} handed over, keyed by the very array it put in the table: a column
 * that comes back unchanged (the same array, possibly filtered or reordered) gets its type and
 * its whole domain back, as H2O keeps a factor's levels when rows are subset.
 */
const origin = new WeakMap<object, { type: "categorical"; domain: readonly string[] } | { type: "string" }>();

/**
 * A frame as an arquero table. Numeric columns are shared, not copied (NaN is missing, which
 * arquero's `op.valid` understands); categorical columns become arrays of level strings and
 * string columns arrays of strings, with null for missing.
 * @example
 * ```ts
 * const t = toArquero(frame).filter((d) => d.C785 < 5);
 * const small = fromArquero(t);
 * ```
 */
export function toArquero(frame: Frame): ArqueroTable {
  const data: Record<string, unknown> = {};
  for (const c of frame.columns) {
    if (c.type === "numeric") data[c.name] = c.data.toArray();
    else if (c.type === "categorical") {
      const values = levelArray(c);
      origin.set(values, { type: "categorical", domain: c.domain });
      data[c.name] = values;
    } else {
      const values = [...c.data];
      origin.set(values, { type: "string" });
      data[c.name] = values;
    }
  }
  return aq.table(data, frame.names);
}

/**
 * An arquero table as a frame, honouring its filter and order. Types: number (and Date, as
 * milliseconds since the epoch, H2O's time encoding) columns are numeric, kept as Float32 when
 * the table's column is a Float32Array and Float64 otherwise; strings and booleans are
 * categorical (levels sorted by bytes), or string when there are more than 10000 levels and
 * over 90% of values are distinct, as the CSV reader decides; null, undefined and NaN are missing.
 * Columns that came from {@linkcode toArquero} unchanged keep their type and whole domain.
 * @throws TypeError naming the column and row of a value that is none of these (an object, a huge bigint)
 */
export function fromArquero(table: ArqueroTable, options: FromArqueroOptions = {}): Frame {
  if (!table || typeof table.columnNames !== "function" || typeof table.array !== "function") {
    throw new TypeError("Cannot convert from arquero: expected an arquero table (from aq.table, aq.from or a verb)");
  }
  const types = options.columnTypes ?? {};
  const names = table.columnNames();
  for (const name of Object.keys(types)) {
    if (!names.includes(name)) {
      throw new RangeError(`Cannot convert from arquero: "columnTypes" names column ${JSON.stringify(name)}, which is not in the table: columns are ${names.map((n) => JSON.stringify(n)).join(", ")}`);
    }
  }
  const subset = table.isFiltered() || table.isOrdered();
  const columns = names.map((name) => {
    const raw = table.column(name) as unknown;
    let col = fromValues(name, raw, subset ? undefined : raw, () => table.array(name) as ArrayLike<unknown>);
    const want = types[name];
    if (want === "numeric") col = asNumeric(col);
    else if (want === "categorical") col = asCategorical(col);
    else if (want === "string") col = asString(col);
    else if (want !== undefined) {
      throw new TypeError(`Cannot convert from arquero: "columnTypes" for ${JSON.stringify(name)} must be "numeric", "categorical" or "string": got ${JSON.stringify(want)}`);
    }
    return col;
  });
  return new Frame(columns);
}

function fromValues(name: string, raw: unknown, whole: unknown, rows: () => ArrayLike<unknown>): Column {
  const known = raw && typeof raw === "object" ? origin.get(raw) : undefined;
  if (raw instanceof Float32Array || raw instanceof Float64Array) {
    if (whole) return { name, type: "numeric", data: NumericVector.from(raw) };
    const values = rows() as ArrayLike<number>;
    return { name, type: "numeric", data: NumericVector.from(raw instanceof Float32Array ? Float32Array.from(values) : Float64Array.from(values)) };
  }
  const values = rows();
  if (known?.type === "categorical") {
    const code = new Map(known.domain.map((v, i) => [v, i]));
    const codes = new Int32Array(values.length);
    let ok = true;
    for (let i = 0; i < values.length && ok; i++) {
      const v = values[i];
      const k = v === null || v === undefined ? -1 : code.get(v as string);
      if (k === undefined) ok = false;
      else codes[i] = k;
    }
    if (ok) return { name, type: "categorical", codes: CodeVector.from(codes, known.domain.length), domain: known.domain };
  }
  if (known?.type === "string" && Array.prototype.every.call(values, (v) => v == null || typeof v === "string")) {
    return { name, type: "string", data: Array.from(values, (v) => (v == null ? null : (v as string))) };
  }
  return infer(name, values);
}

function infer(name: string, values: ArrayLike<unknown>): Column {
  const n = values.length;
  let numbers = 0, texts = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
    if (typeof v === "number" || v instanceof Date) numbers++;
    else if (typeof v === "bigint") {
      if (!Number.isSafeInteger(Number(v))) {
        throw new TypeError(`Cannot convert from arquero: column ${JSON.stringify(name)} row ${i} holds ${v}n, beyond what a double holds exactly; convert it to a number or string first`);
      }
      numbers++;
    } else if (typeof v === "string" || typeof v === "boolean") texts++;
    else {
      throw new TypeError(`Cannot convert from arquero: column ${JSON.stringify(name)} row ${i} holds ${Array.isArray(v) ? "an array" : "an object"}; frames hold numbers and strings: derive a scalar column first`);
    }
  }
  if (texts === 0) {
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      data[i] = v === null || v === undefined ? NaN : v instanceof Date ? v.getTime() : Number(v);
    }
    return { name, type: "numeric", data: NumericVector.from(data) };
  }
  // Mixed numbers and text read as text, as a CSV column holding both does.
  const text = Array.from(values, (v) => (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) ? null : v instanceof Date ? v.toISOString() : String(v)));
  const distinct = new Set(text);
  distinct.delete(null);
  const present = text.length - text.filter((v) => v === null).length;
  if (distinct.size > STRING_MIN_LEVELS && distinct.size > STRING_DISTINCT_FRACTION * present) {
    return { name, type: "string", data: text };
  }
  const domain = [...distinct as Set<string>].sort(compareStrings);
  const code = new Map(domain.map((v, i) => [v, i]));
  const codes = Int32Array.from(text, (v) => (v === null ? -1 : code.get(v)!));
  return { name, type: "categorical", codes: CodeVector.from(codes, domain.length), domain } satisfies CategoricalColumn;
}

function asString(c: Column): Column {
  if (c.type === "string") return c;
  if (c.type === "categorical") return { name: c.name, type: "string", data: levelArray(c) };
  return { name: c.name, type: "string", data: Array.from(c.data.toFloat64Array(), (v) => (Number.isNaN(v) ? null : String(v))) };
}

/** A categorical column's levels per row, null for missing. */
function levelArray(c: CategoricalColumn): (string | null)[] {
  const out = new Array<string | null>(c.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = levelAt(c, i);
  return out;
}
