/**
 * Numeric column storage at H2O's density: each column keeps its values in the narrowest exact
 * encoding, as H2O's compressed chunks do. Whole numbers whose range fits are stored as 1-, 2- or
 * 4-byte unsigned integers plus a bias (value = stored + bias), with the top code as the missing
 * value only when the column has missing values; other values are Float32 where every value is
 * exact in float32, else Float64; a column with one value (or none) stores no per-row array.
 * Reading gives back exactly the numbers that were stored (NaN for missing), in every encoding.
 * @module
 */

/** How a numeric column is stored; `tide describe` prints it. */
export type NumericStorage = "int8" | "int16" | "int32" | "float32" | "float64" | "constant" | "missing";

/** The per-row arrays a numeric vector may hold. */
export type RawArray = Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

const F32_INT = 2 ** 24;

/** Value statistics that decide the encoding. */
interface Scan {
  n: number;
  missing: number;
  min: number;
  max: number;
  /** Every present value is a finite whole number (and not −0). */
  whole: boolean;
  /** Every value is exactly representable in float32. */
  f32: boolean;
}

function scan(x: ArrayLike<number>): Scan {
  let missing = 0, min = Infinity, max = -Infinity, whole = true, f32 = true;
  const n = x.length;
  if (x instanceof Uint8Array || x instanceof Uint16Array || x instanceof Int8Array || x instanceof Int16Array) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { n, missing, min, max, whole, f32 };
  }
  const isF32 = x instanceof Float32Array;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== v) {
      missing++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (whole && (Math.floor(v) !== v || !Number.isFinite(v) || (v === 0 && 1 / v < 0))) whole = false;
    if (f32 && !isF32 && Math.fround(v) !== v) f32 = false;
  }
  return { n, missing, min, max, whole, f32 };
}

/**
 * A read-only numeric vector in its narrowest exact encoding.
 * @example
 * ```ts
 * const v = NumericVector.from([1, 2, NaN, 250]);
 * v.storage; // "int8"
 * v.at(2);   // NaN
 * ```
 */
export class NumericVector {
  /** Rows. */
  readonly length: number;
  readonly storage: NumericStorage;
  /** Stored values (null for constant and missing columns): value = raw + bias. */
  readonly raw: RawArray | null;
  /**
   * Added to every stored value; for a constant column, the value. "No bias" is −0, not 0,
   * because x + (−0) is x for every x, −0 included (x + 0 would turn −0 into 0).
   */
  readonly bias: number;
  /** The stored code of a missing value; NaN when no stored code means missing (floats store NaN). */
  readonly na: number;

  private constructor(length: number, storage: NumericStorage, raw: RawArray | null, bias: number, na: number) {
    this.length = length;
    this.storage = storage;
    this.raw = raw;
    this.bias = bias;
    this.na = na;
  }

  /**
   * The narrowest exact encoding of `values` (NaN is missing). An array already in that
   * encoding (a Uint8Array or Uint16Array of whole numbers, a Float32Array or Float64Array that
   * cannot be narrowed) is kept without a copy.
   */
  static from(values: ArrayLike<number>): NumericVector {
    if (values instanceof NumericVector) return values;
    const s = scan(values);
    const n = s.n;
    if (s.missing === n) return new NumericVector(n, "missing", null, NaN, NaN);
    if (s.missing === 0 && s.min === s.max && (s.min !== 0 || !hasNegativeZero(values))) {
      return new NumericVector(n, "constant", null, s.min, NaN);
    }
    if (s.whole) {
      const range = s.max - s.min;
      const na = s.missing > 0;
      // Without missing values the whole code range holds values; with them the top code is NA.
      for (const [Ctor, top, storage] of WIDTHS) {
        const limit = na ? top - 1 : top;
        if (range > limit) continue;
        // Values already in range keep bias 0 so that a non-negative array is adopted as is.
        const bias = s.min >= 0 && s.max <= limit ? -0 : s.min;
        if (!na && bias === 0 && values instanceof Ctor) return new NumericVector(n, storage, values, -0, NaN);
        const raw = new Ctor(n);
        for (let i = 0; i < n; i++) {
          const v = values[i];
          raw[i] = v === v ? v - bias : top;
        }
        return new NumericVector(n, storage, raw, bias, na ? top : NaN);
      }
    }
    if (s.f32) {
      const raw = values instanceof Float32Array ? values : Float32Array.from(values);
      return new NumericVector(n, "float32", raw, -0, NaN);
    }
    const raw = values instanceof Float64Array ? values : Float64Array.from(values);
    return new NumericVector(n, "float64", raw, -0, NaN);
  }

  /** `length` rows of one value (NaN: every row missing), with no per-row array. */
  static constant(length: number, value: number): NumericVector {
    // −0 keeps its sign only in a float array (a constant's bias would add it away).
    if (value === 0 && 1 / value < 0) return NumericVector.from(new Float32Array(length).fill(-0));
    return new NumericVector(length, value === value ? "constant" : "missing", null, value, NaN);
  }

  /** The value at row `i` (NaN when missing). */
  at(i: number): number {
    const raw = this.raw;
    if (raw === null) return this.bias;
    const r = raw[i];
    return r === this.na ? NaN : r + this.bias;
  }

  /** The values in row order (so `Array.from(v)` and `Float64Array.from(v)` read them). */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Bytes of per-row storage. */
  get bytes(): number {
    return this.raw ? this.raw.byteLength : 0;
  }

  /** Every value as a new Float64Array. */
  toFloat64Array(): Float64Array {
    const out = new Float64Array(this.length);
    this.readInto(out);
    return out;
  }

  /**
   * Every value in a plain float array: the stored Float32Array or Float64Array itself when
   * there is one (do not write to it), else a Float32Array when every value is exact in float32,
   * else a new Float64Array.
   */
  toArray(): Float32Array | Float64Array {
    const raw = this.raw;
    if (raw instanceof Float32Array || raw instanceof Float64Array) return raw;
    const exact = raw === null ? Math.fround(this.bias) === this.bias || this.bias !== this.bias
      : Math.abs(this.bias) + (raw instanceof Uint32Array ? 2 ** 32 : raw instanceof Uint16Array ? 65536 : 256) <= F32_INT;
    const out = exact ? new Float32Array(this.length) : new Float64Array(this.length);
    this.readInto(out);
    return out;
  }

  /**
   * Writes the values of `rows` (all rows when omitted) into `out`, from `out[0]`. One tight
   * loop per encoding, so a column is decoded at memory speed.
   */
  readInto(out: Float32Array | Float64Array, rows?: ArrayLike<number>): void {
    const raw = this.raw, bias = this.bias, na = this.na;
    const n = rows ? rows.length : this.length;
    if (raw === null) {
      out.fill(bias, 0, n);
      return;
    }
    if (rows) {
      if (na === na) for (let k = 0; k < n; k++) { const r = raw[rows[k]]; out[k] = r === na ? NaN : r + bias; }
      else for (let k = 0; k < n; k++) out[k] = raw[rows[k]] + bias;
      return;
    }
    if (na === na) for (let k = 0; k < n; k++) { const r = raw[k]; out[k] = r === na ? NaN : r + bias; }
    else if (bias === 0) out.set(raw);
    else for (let k = 0; k < n; k++) out[k] = raw[k] + bias;
  }

  /** The rows `index`, in that order, in the same encoding (exact for any subset of rows). */
  take(index: ArrayLike<number>): NumericVector {
    const n = index.length;
    const raw = this.raw;
    if (raw === null) return new NumericVector(n, this.storage, null, this.bias, this.na);
    const out = new (raw.constructor as new (n: number) => RawArray)(n);
    for (let k = 0; k < n; k++) out[k] = raw[index[k]];
    return new NumericVector(n, this.storage, out, this.bias, this.na);
  }
}

const WIDTHS: readonly [typeof Uint8Array | typeof Uint16Array | typeof Uint32Array, number, NumericStorage][] = [
  [Uint8Array, 255, "int8"],
  [Uint16Array, 65535, "int16"],
  [Uint32Array, 2 ** 32 - 1, "int32"],
];

function hasNegativeZero(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] === 0 && 1 / x[i] < 0) return true;
  return false;
}

/** Categorical codes per row: the narrowest signed array for the domain's size. */
export type CodeArray = Int8Array | Int16Array | Int32Array;

/** How a categorical column's codes are stored; `tide describe` prints it. */
export type CodeStorage = "int8" | "int16" | "int32" | "constant" | "missing";

/** The signed array whose values hold every code of `levels` levels (-1 is missing). */
export function codeArrayFor(levels: number): typeof Int8Array | typeof Int16Array | typeof Int32Array {
  return levels <= 127 ? Int8Array : levels <= 32767 ? Int16Array : Int32Array;
}

const CODE_STORAGE = new Map<unknown, CodeStorage>([[Int8Array, "int8"], [Int16Array, "int16"], [Int32Array, "int32"]]);

/**
 * A read-only categorical code vector (-1 is missing) in its narrowest form: 8-, 16- or 32-bit
 * codes per row, or no per-row array when every row holds the same level (`constant`) or none
 * (`missing`), as H2O keeps a constant chunk as one value.
 * @example
 * ```ts
 * const v = CodeVector.from([2, 2, 2], 3);
 * v.storage; // "constant"
 * v.at(1);   // 2
 * ```
 */
export class CodeVector {
  /** Rows. */
  readonly length: number;
  readonly storage: CodeStorage;
  /** Codes per row (null for constant and missing columns). */
  readonly raw: CodeArray | null;
  /** Every row's code when `raw` is null (-1 for missing); -1 otherwise. */
  readonly fill: number;

  private constructor(length: number, storage: CodeStorage, raw: CodeArray | null, fill: number) {
    this.length = length;
    this.storage = storage;
    this.raw = raw;
    this.fill = fill;
  }

  /**
   * The narrowest form of `codes` for `levels` levels. An array already of that width is kept
   * without a copy. Throws `RangeError` naming the row of a code outside -1 … levels − 1.
   */
  static from(codes: ArrayLike<number> | CodeVector, levels: number): CodeVector {
    if (codes instanceof CodeVector) return codes;
    const n = codes.length;
    let first = n ? codes[0] : -1, same = true;
    for (let i = 0; i < n; i++) {
      const v = codes[i];
      if (!(v >= -1 && v < levels && Math.floor(v) === v)) {
        throw new RangeError(`Cannot store categorical codes: row ${i + 1} has code ${v}, expected -1 (missing) or 0 … ${levels - 1} for ${levels} level(s)`);
      }
      if (v !== first) same = false;
    }
    if (same) return CodeVector.constant(n, first);
    const Ctor = codeArrayFor(levels);
    const raw = codes instanceof Ctor ? codes : Ctor.from(codes);
    return new CodeVector(n, CODE_STORAGE.get(Ctor)!, raw, -1);
  }

  /** `length` rows of one code (-1: every row missing), with no per-row array. */
  static constant(length: number, code: number): CodeVector {
    if (!(Number.isInteger(code) && code >= -1)) throw new RangeError(`Cannot store categorical codes: the constant code must be -1 (missing) or a level index ≥ 0, got ${code}`);
    return new CodeVector(length, code < 0 ? "missing" : "constant", null, code);
  }

  /** The code at row `i` (-1 when missing). */
  at(i: number): number {
    const raw = this.raw;
    return raw === null ? this.fill : raw[i];
  }

  /** The codes in row order (so `Array.from(v)` and `Int32Array.from(v)` read them). */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Bytes of per-row storage. */
  get bytes(): number {
    return this.raw ? this.raw.byteLength : 0;
  }

  /** Rows whose code is -1. */
  countMissing(): number {
    const raw = this.raw;
    if (raw === null) return this.fill < 0 ? this.length : 0;
    let n = 0;
    for (let i = 0; i < raw.length; i++) if (raw[i] < 0) n++;
    return n;
  }

  /**
   * Every code in a typed array: the stored array itself when there is one (do not write to
   * it), else a new array filled with the constant code. For consumers that need an array.
   */
  toArray(): CodeArray {
    if (this.raw) return this.raw;
    return new (codeArrayFor(this.fill + 1))(this.length).fill(this.fill);
  }

  /** Every code in a new Int32Array (safe to write to). */
  toInt32Array(): Int32Array {
    return this.raw ? Int32Array.from(this.raw) : new Int32Array(this.length).fill(this.fill);
  }

  /**
   * The rows `index`, in that order. A subset of a coded column stays at its width (its domain
   * is unchanged) unless every selected row holds the same code, which stores no array.
   */
  take(index: ArrayLike<number>): CodeVector {
    const n = index.length;
    const raw = this.raw;
    if (raw === null) return new CodeVector(n, this.storage, null, this.fill);
    const out = new (raw.constructor as new (n: number) => CodeArray)(n);
    let same = true;
    const first = n ? raw[index[0]] : -1;
    for (let k = 0; k < n; k++) {
      const v = raw[index[k]];
      out[k] = v;
      if (v !== first) same = false;
    }
    return same ? CodeVector.constant(n, first) : new CodeVector(n, this.storage, out, -1);
  }
}
