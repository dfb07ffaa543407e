/**
 * CSV to {@linkcode Frame}, read byte by byte from a `Uint8Array` (web-standard code only).
 * It follows H2O's parse setup: the separator, the header and each column's type are guessed
 * from a sample of the first rows, headerless columns are named C1..Cn, and categorical
 * domains are sorted by bytes. Unlike H2O it never turns unexpected text into NA: a numeric
 * column that meets text becomes categorical, keeping every value's text. The rules are in
 * docs/frames.md.
 *
 * Speed comes from three things: one `indexOf` pass counts line breaks to pre-size every
 * column, plain integers and short decimals are parsed from bytes in the row loop without a
 * string, and numeric columns are built in the narrowest array that holds them exactly: they
 * start as 1-byte integers and widen (2-byte, 4-byte, Float32, Float64) at the first value that
 * does not fit, so a column never takes more than its final size plus one copy. Finished
 * columns get their narrowest exact encoding (see frame/vector.ts).
 * @module
 */
import { compareStrings, Frame, narrowCodes, NumericVector } from "./frame.ts";
import type { Column, ColumnType } from "./frame.ts";
import {
  type BadBytes, CR, decodeText, DOT, FieldCursor, LF, matchesAny, MINUS, parseNumberBytes, POW10, QUOTE,
  scanField, ScanError, skipLineBreak, utf8,
} from "./_csv_scan.ts";
import { hashBytes, LevelTable } from "./_levels.ts";

/** Options for {@linkcode parseCsv}. */
export interface CsvOptions {
  /** Field separator, one ASCII character; guessed among `,` tab `;` `|` when absent. */
  sep?: string;
  /** Whether the first line names the columns; `"auto"` (default) guesses as H2O does. */
  header?: boolean | "auto";
  /** Column types by column name (header name, or C1..Cn without a header); overrides the guess. */
  columnTypes?: Readonly<Record<string, ColumnType>>;
  /**
   * Tokens read as missing in every column, replacing the defaults. An empty field is always
   * missing. Default: `"NA"` everywhere, plus `N/A`, `NaN`, `nan`, `null`, `NULL` in numeric columns.
   */
  naStrings?: readonly string[];
  /** What the bytes are (a path or URL), quoted in error messages. */
  source?: string;
}

/** Rows read to guess the header and the column types (H2O also guesses from a sample). */
export const GUESS_ROWS = 1000;
/** The guess sample also stops after this many bytes, so very wide rows stay cheap to guess. */
export const GUESS_BYTES = 1 << 17;
/** A guessed categorical column with more levels than this ... */
export const STRING_MIN_LEVELS = 10_000;
/** ... and more distinct values than this fraction of its non-missing values is read as string. */
export const STRING_DISTINCT_FRACTION = 0.9;

const DEFAULT_NA = ["NA"];
const NUMERIC_NA = ["N/A", "NaN", "nan", "null", "NULL"];
const SEPARATORS = [",", "\t", ";", "|"];
// Column builders while reading: numeric kinds from narrowest to widest (K_U8 … K_F64), then text.
const K_U8 = 0, K_U16 = 1, K_I32 = 2, K_F32 = 3, K_F64 = 4, K_CAT = 5, K_STR = 6;
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_U16 = new Uint16Array(0);
const EMPTY_F32 = new Float32Array(0);
const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/**
 * Parses CSV bytes (UTF-8, optionally with a BOM) into a frame.
 * @throws SyntaxError naming the line and column for ragged rows, unterminated quotes and bad bytes
 * @example
 * ```ts
 * const f = parseCsv(new TextEncoder().encode("x,y\n1,a\n2,b\n"));
 * f.types; // ["numeric", "categorical"]
 * ```
 */
export function parseCsv(bytes: Uint8Array, options: CsvOptions = {}): Frame {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`Cannot parse CSV: expected a Uint8Array of bytes, got ${describeValue(bytes)}`);
  }
  // Buffer and other subclasses are read through a plain view so the row loop sees one shape.
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const source = options.source === undefined ? "" : ` ${JSON.stringify(options.source)}`;
  const header = options.header ?? "auto";
  if (header !== true && header !== false && header !== "auto") {
    throw new TypeError(`Cannot parse CSV${source}: "header" must be true, false or "auto": got ${describeValue(header)}`);
  }
  // The row loop reads digits without bounds checks: it needs a line break at the end.
  const tail = bytes.length ? bytes[bytes.length - 1] : LF;
  if (tail !== LF && tail !== CR) {
    const copy = new Uint8Array(bytes.length + 1);
    copy.set(bytes);
    copy[bytes.length] = LF;
    bytes = copy;
  }
  let p = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const sep = options.sep === undefined ? detectSeparator(bytes, p) : separatorByte(options.sep, source);
  const na = options.naStrings;
  if (na !== undefined && (!Array.isArray(na) || na.some((s) => typeof s !== "string"))) {
    throw new TypeError(`Cannot parse CSV${source}: "naStrings" must be an array of strings: got ${describeValue(na)}`);
  }
  const naAll = (na ?? DEFAULT_NA).filter((s) => s !== "").map(utf8);
  const naNumeric = na ? [] : NUMERIC_NA.map(utf8);
  // A user NA string that reads as a number ("-999") must be tested before the number path.
  const numericNa = naAll.some((w) => parseNumberBytes(w, 0, w.length) !== undefined);
  const ctx: Context = { bytes, sep, source, naAll, naNumeric, numericNa, cursor: new FieldCursor(), names: [] };

  // First record (after blank lines): the header or the first row; it fixes the column count.
  let line = 1;
  for (;;) {
    const q = skipLineBreak(bytes, p);
    if (q === p) break;
    p = q;
    line++;
  }
  if (p >= bytes.length) return new Frame([]);
  const first = readRecord(ctx, p, line);
  const ncol = first.fields.length / 3;
  ctx.names = Array.from({ length: ncol }, (_, j) => `C${j + 1}`);
  const guess = guessColumns(ctx, first);
  const hasHeader = header === "auto" ? guess.header : header;
  if (hasHeader) {
    ctx.names = headerNames(ctx, first, line);
    p = first.next;
    line += 1 + first.newlines;
  }
  const kinds = new Uint8Array(ncol);
  const declared = new Uint8Array(ncol);
  for (let j = 0; j < ncol; j++) {
    kinds[j] = (hasHeader ? guess.dataText[j] : guess.dataText[j] + guess.firstText[j]) > 0 ? K_CAT : K_U8;
  }
  applyColumnTypes(ctx, options.columnTypes, kinds, declared);

  const s = new State(ctx, kinds, declared, estimateRows(bytes, p));
  readRows(s, p, line);
  s.recoverRetyped();
  return new Frame(s.columns());
}

/** {@linkcode parseCsv} for text already in memory. */
export function parseCsvText(text: string, options: CsvOptions = {}): Frame {
  if (typeof text !== "string") throw new TypeError(`Cannot parse CSV: expected a string, got ${describeValue(text)}`);
  return parseCsv(new TextEncoder().encode(text), options);
}

interface Context {
  readonly bytes: Uint8Array;
  readonly sep: number;
  readonly source: string;
  /** Missing in every column. */
  readonly naAll: readonly Uint8Array[];
  /** Also missing in numeric columns. */
  readonly naNumeric: readonly Uint8Array[];
  /** Some `naAll` token looks like a number. */
  readonly numericNa: boolean;
  readonly cursor: FieldCursor;
  names: string[];
}

function fail(ctx: Context, message: string): SyntaxError {
  return new SyntaxError(`Cannot parse CSV${ctx.source}: ${message}`);
}

function columnLabel(ctx: Context, j: number): string {
  return `column ${j + 1} (${JSON.stringify(ctx.names[j] ?? `C${j + 1}`)})`;
}

function scanFailure(ctx: Context, e: unknown, line: number, j: number): unknown {
  if (!(e instanceof ScanError)) return e;
  if (e.kind === "unterminated") {
    return fail(ctx, `line ${line}, ${columnLabel(ctx, j)}: the quote at byte offset ${e.offset} is never closed; close it with " or escape a literal quote as ""`);
  }
  const b = ctx.bytes[e.offset];
  return fail(ctx, `line ${line}, ${columnLabel(ctx, j)}: the quoted field that starts on this line is followed by ${byteName(b)} at byte offset ${e.offset}; a quoted field must end at a separator or line break, and a quote inside it is written ""`);
}

function badBytes(ctx: Context, line: number, j: number, bad: BadBytes): SyntaxError {
  const where = line > 0 ? `line ${line}` : "a row";
  return fail(ctx, `bad bytes at ${where}, ${columnLabel(ctx, j)}, byte offset ${bad.offset}: ${bad.what}; the file may be binary or in another encoding (save it as UTF-8 text)`);
}

function byteName(b: number): string {
  return b >= 0x20 && b < 0x7f ? JSON.stringify(String.fromCharCode(b)) : `byte 0x${b.toString(16).padStart(2, "0")}`;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return (v as object).constructor?.name ?? "an object";
  return String(v);
}

function separatorByte(sep: string, source: string): number {
  // Digits, sign and dot would be read as part of numbers; quotes and line breaks are syntax.
  if (typeof sep !== "string" || sep.length !== 1 || sep.charCodeAt(0) > 0x7f || /[0-9.+\-"\r\n]/.test(sep)) {
    throw new TypeError(`Cannot parse CSV${source}: "sep" must be one ASCII character other than a digit, sign, dot, quote or line break: got ${describeValue(sep)}`);
  }
  return sep.charCodeAt(0);
}

/**
 * Picks the separator among `,` tab `;` `|` from the first 20 non-blank lines: one that splits
 * every line into the same number (> 1) of fields wins, the most fields first, then that order;
 * failing that, the one most frequent on the first line; a file with none is one column.
 */
function detectSeparator(bytes: Uint8Array, p: number): number {
  const codes = SEPARATORS.map((s) => s.charCodeAt(0));
  const lines: number[][] = [];
  let counts = [0, 0, 0, 0];
  let inQuote = false, empty = true;
  const end = Math.min(bytes.length, p + GUESS_BYTES);
  for (; p < end && lines.length < 20; p++) {
    const c = bytes[p];
    if (c === QUOTE) inQuote = !inQuote;
    else if (!inQuote && (c === LF || c === CR)) {
      if (!empty) lines.push(counts);
      counts = [0, 0, 0, 0];
      empty = true;
      continue;
    } else if (!inQuote) {
      const k = codes.indexOf(c);
      if (k >= 0) counts[k]++;
    }
    empty = false;
  }
  if (!empty && lines.length < 20) lines.push(counts);
  if (lines.length === 0) return codes[0];
  let best = -1;
  for (let k = 0; k < codes.length; k++) {
    const n = lines[0][k];
    if (n > 0 && lines.every((l) => l[k] === n) && (best < 0 || n > lines[0][best])) best = k;
  }
  if (best < 0) {
    for (let k = 0; k < codes.length; k++) if (lines[0][k] > 0 && (best < 0 || lines[0][k] > lines[0][best])) best = k;
  }
  return codes[Math.max(best, 0)];
}

/** One record's fields as flat triples (start, end, flags: 1 quoted, 2 escaped). */
interface RawRecord {
  readonly fields: number[];
  /** Offset of the next record (past the line break). */
  readonly next: number;
  /** Line breaks inside quoted fields. */
  readonly newlines: number;
}

function readRecord(ctx: Context, p: number, line: number): RawRecord {
  const { bytes, sep, cursor } = ctx;
  const fields: number[] = [];
  cursor.newlines = 0;
  for (;;) {
    const j = fields.length / 3;
    try {
      p = scanField(bytes, p, sep, cursor);
    } catch (e) {
      throw scanFailure(ctx, e, line + cursor.newlines, j);
    }
    fields.push(cursor.start, cursor.end, (cursor.quoted ? 1 : 0) | (cursor.escaped ? 2 : 0));
    if (p < bytes.length && bytes[p] === sep) p++;
    else break;
  }
  return { fields, next: skipLineBreak(bytes, p), newlines: cursor.newlines };
}

const C_EMPTY = 0, C_NUM = 1, C_NA = 2, C_TEXT = 3;

function classify(ctx: Context, s: number, e: number, flags: number): number {
  if (s === e) return C_EMPTY;
  if (matchesAny(ctx.bytes, s, e, ctx.naAll)) return C_NA;
  if (!(flags & 2) && parseNumberBytes(ctx.bytes, s, e) !== undefined) return C_NUM;
  if (matchesAny(ctx.bytes, s, e, ctx.naNumeric)) return C_NA;
  return C_TEXT;
}

interface Guess {
  /** Per column: text tokens among the sample rows after the first record. */
  readonly dataText: Int32Array;
  /** Per column: 1 when the first record's token is text. */
  readonly firstText: Int32Array;
  /** H2O's rule says the first record is a header. */
  readonly header: boolean;
}

/**
 * Classifies the sample's tokens per column (number, missing, text). The first record is a
 * header when every column whose later sample rows are all numbers (at least one) holds a
 * non-numeric token there (text or empty), and at least one of those is text; this covers
 * H2O's "all first-row tokens are strings while some column is numeric".
 *
 * When no column is numeric (every predictor categorical), that rule cannot see a header, so
 * {@linkcode allTextHeader} decides. `header` true or false overrides both.
 */
function guessColumns(ctx: Context, first: RawRecord): Guess {
  const ncol = first.fields.length / 3;
  const firstClass = new Int32Array(ncol);
  for (let j = 0; j < ncol; j++) firstClass[j] = classify(ctx, first.fields[3 * j], first.fields[3 * j + 1], first.fields[3 * j + 2]);
  const num = new Int32Array(ncol), text = new Int32Array(ncol);
  const bytes = ctx.bytes;
  let p = first.next, rows = 0;
  const end = first.next + GUESS_BYTES;
  while (p < bytes.length && rows < GUESS_ROWS && (rows === 0 || p < end)) {
    const q = skipLineBreak(bytes, p);
    if (q !== p) {
      p = q;
      continue;
    }
    let rec: RawRecord;
    try {
      rec = readRecord(ctx, p, 0);
    } catch {
      break; // the row loop reports it with its line number
    }
    const k = Math.min(ncol, rec.fields.length / 3);
    for (let j = 0; j < k; j++) {
      const c = classify(ctx, rec.fields[3 * j], rec.fields[3 * j + 1], rec.fields[3 * j + 2]);
      if (c === C_NUM) num[j]++;
      else if (c === C_TEXT) text[j]++;
    }
    p = rec.next;
    rows++;
  }
  let numericCols = 0, textOverNumber = 0, ok = true;
  for (let j = 0; j < ncol; j++) {
    if (text[j] > 0 || num[j] === 0) continue;
    numericCols++;
    if (firstClass[j] === C_TEXT) textOverNumber++;
    else if (firstClass[j] !== C_EMPTY) ok = false;
  }
  const firstText = Int32Array.from(firstClass, (c) => (c === C_TEXT ? 1 : 0));
  if (numericCols > 0) return { dataText: text, firstText, header: ok && textOverNumber > 0 };
  const header = firstClass.every((c) => c === C_TEXT) && allTextHeader(ctx, first, rows);
  return { dataText: text, firstText, header };
}

/**
 * For a file without numeric columns: the first record (all text) is a header when its tokens
 * are all different, none occurs again in its column among the next `rows` sample rows, and
 * some column repeats a value there (so its values look like levels, which names are not).
 * A lone record is a header (a file with no rows yet).
 */
function allTextHeader(ctx: Context, first: RawRecord, rows: number): boolean {
  const ncol = first.fields.length / 3;
  const bytes = ctx.bytes;
  const token = (f: number[], j: number) => latin1(bytes, f[3 * j], f[3 * j + 1]);
  const names = Array.from({ length: ncol }, (_, j) => token(first.fields, j));
  if (new Set(names).size !== ncol) return false;
  if (rows === 0) return true;
  const seen = Array.from({ length: ncol }, () => new Set<string>());
  let repeats = false, p = first.next;
  for (let r = 0; r < rows && p < bytes.length;) {
    const q = skipLineBreak(bytes, p);
    if (q !== p) {
      p = q;
      continue;
    }
    const rec = readRecord(ctx, p, 0);
    for (let j = 0; j < Math.min(ncol, rec.fields.length / 3); j++) {
      const t = token(rec.fields, j);
      if (t === names[j]) return false;
      if (seen[j].has(t)) repeats = true;
      else seen[j].add(t);
    }
    p = rec.next;
    r++;
  }
  return repeats;
}

/** Bytes as one char per byte: enough to compare tokens, cheaper than decoding UTF-8. */
function latin1(bytes: Uint8Array, s: number, e: number): string {
  let out = "";
  for (let k = s; k < Math.min(e, s + 512); k++) out += String.fromCharCode(bytes[k]);
  return e - s > 512 ? `${out}…${e - s}` : out;
}

/**
 * Header names, trimmed. An empty name becomes C<index> (H2O's default name), and a repeated
 * name gets the first free suffix `_2`, `_3`, … (never a name that appears elsewhere in the header).
 */
function headerNames(ctx: Context, first: RawRecord, line: number): string[] {
  const raw: string[] = [];
  for (let j = 0; j < first.fields.length / 3; j++) {
    const t = decodeText(ctx.bytes, first.fields[3 * j], first.fields[3 * j + 1], (first.fields[3 * j + 2] & 2) !== 0);
    if (typeof t !== "string") throw badBytes(ctx, line, j, t);
    raw.push(t.trim());
  }
  const taken = new Set(raw.filter((n) => n !== ""));
  const used = new Set<string>();
  return raw.map((name, j) => {
    const base = name === "" ? `C${j + 1}` : name;
    let cand = base;
    for (let k = 2; used.has(cand) || (cand !== name && taken.has(cand)); k++) cand = `${base}_${k}`;
    used.add(cand);
    return cand;
  });
}

function applyColumnTypes(
  ctx: Context,
  types: Readonly<Record<string, ColumnType>> | undefined,
  kinds: Uint8Array,
  declared: Uint8Array,
): void {
  if (types === undefined) return;
  if (types === null || typeof types !== "object") {
    throw new TypeError(`Cannot parse CSV${ctx.source}: "columnTypes" must be an object of column name to type: got ${describeValue(types)}`);
  }
  for (const [name, type] of Object.entries(types)) {
    const j = ctx.names.indexOf(name);
    if (j < 0) {
      const shown = ctx.names.slice(0, 12).map((n) => JSON.stringify(n)).join(", ");
      const more = ctx.names.length > 12 ? `, … (${ctx.names.length} columns)` : "";
      throw new RangeError(`Cannot parse CSV${ctx.source}: "columnTypes" names column ${JSON.stringify(name)}, which is not in the file: columns are ${shown}${more}`);
    }
    if (type !== "numeric" && type !== "categorical" && type !== "string") {
      throw new TypeError(`Cannot parse CSV${ctx.source}: "columnTypes" for ${JSON.stringify(name)} must be "numeric", "categorical" or "string": got ${describeValue(type)}`);
    }
    kinds[j] = type === "numeric" ? K_U8 : type === "categorical" ? K_CAT : K_STR;
    declared[j] = 1;
  }
}

/** An upper bound on the records from `p`: line feeds, plus a last line without one. */
function estimateRows(bytes: Uint8Array, p: number): number {
  let count = 0;
  for (let k = bytes.indexOf(LF, p); k >= 0; k = bytes.indexOf(LF, k + 1)) count++;
  if (bytes.length > p && bytes[bytes.length - 1] !== LF) count++;
  return Math.max(count, 1);
}

/** Column builders, indexed by column; only the array matching `kinds[j]` is live. */
class State {
  readonly ctx: Context;
  readonly ncol: number;
  readonly kinds: Uint8Array;
  readonly declared: Uint8Array;
  readonly u8: Uint8Array[] = [];
  readonly u16: Uint16Array[] = [];
  readonly i32: Int32Array[] = [];
  readonly f32: Float32Array[] = [];
  readonly f64: Float64Array[] = [];
  readonly codes: Int32Array[] = [];
  readonly strs: (string | null)[][] = [];
  /** Categorical columns' levels (null for other columns). */
  readonly levels: (LevelTable | null)[] = [];
  /** Row at which a guessed-numeric column met text and became categorical; -1 if never. */
  readonly retypedAt: Int32Array;
  /** Byte offset of each row, to recover the text of retyped columns. */
  rowStart: Float64Array;
  cap: number;
  rows = 0;

  constructor(ctx: Context, kinds: Uint8Array, declared: Uint8Array, cap: number) {
    this.ctx = ctx;
    this.ncol = kinds.length;
    this.kinds = kinds;
    this.declared = declared;
    this.cap = cap;
    this.rowStart = new Float64Array(cap);
    this.retypedAt = new Int32Array(this.ncol).fill(-1);
    for (let j = 0; j < this.ncol; j++) {
      const k = kinds[j];
      this.u8.push(k === K_U8 ? new Uint8Array(cap) : EMPTY_U8);
      this.u16.push(EMPTY_U16);
      this.i32.push(EMPTY_I32);
      this.f32.push(EMPTY_F32);
      this.f64.push(EMPTY_F64);
      this.codes.push(k === K_CAT ? new Int32Array(cap) : EMPTY_I32);
      this.strs.push(k === K_STR ? new Array(cap).fill(null) : []);
      this.levels.push(k === K_CAT ? new LevelTable() : null);
    }
  }

  /** Makes room for more rows (only when lone-CR line breaks defeat the line-feed count). */
  grow(): void {
    const cap = this.cap + Math.max(1024, this.cap >> 1);
    const widen = <T extends Uint8Array | Uint16Array | Float32Array | Float64Array | Int32Array>(a: T): T => {
      if (a.length === 0) return a;
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    for (let j = 0; j < this.ncol; j++) {
      this.u8[j] = widen(this.u8[j]);
      this.u16[j] = widen(this.u16[j]);
      this.i32[j] = widen(this.i32[j]);
      this.f32[j] = widen(this.f32[j]);
      this.f64[j] = widen(this.f64[j]);
      this.codes[j] = widen(this.codes[j]);
    }
    this.rowStart = widen(this.rowStart);
    this.cap = cap;
  }

  /** Stores a number (NaN: missing), widening the column at the first value its array cannot hold. */
  storeNumber(j: number, row: number, v: number): void {
    for (;;) {
      switch (this.kinds[j]) {
        case K_U8:
          if (v >= 0 && v <= 255 && (v | 0) === v && (v !== 0 || 1 / v > 0)) {
            this.u8[j][row] = v;
            return;
          }
          break;
        case K_U16:
          if (v >= 0 && v <= 65535 && (v | 0) === v && (v !== 0 || 1 / v > 0)) {
            this.u16[j][row] = v;
            return;
          }
          break;
        case K_I32:
          if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
            this.i32[j][row] = v;
            return;
          }
          break;
        case K_F32: {
          const a = this.f32[j];
          a[row] = v;
          if (a[row] === v || v !== v) return;
          break;
        }
        default:
          this.f64[j][row] = v;
          return;
      }
      this.widen(j, row, v);
    }
  }

  /**
   * Moves column `j` to the narrowest wider array that holds its first `row` values and `v`:
   * whole numbers go to 2- then 4-byte integers, missing values and fractions to Float32 when
   * every value is exact there, else Float64.
   */
  widen(j: number, row: number, v: number): void {
    const k = this.kinds[j];
    const whole = (v | 0) === v && (v !== 0 || 1 / v > 0);
    let to: number;
    if (whole && k === K_U8 && v >= 0 && v <= 65535) to = K_U16;
    else if (whole && k <= K_U16) to = K_I32;
    else if ((v !== v || Math.fround(v) === v) && k <= K_F32 && (k !== K_I32 || fitsF32(this.i32[j], row))) to = K_F32;
    else to = K_F64;
    const cap = this.cap;
    const src = k === K_U8 ? this.u8[j] : k === K_U16 ? this.u16[j] : k === K_I32 ? this.i32[j] : this.f32[j];
    const head = src.subarray(0, row);
    if (to === K_U16) (this.u16[j] = new Uint16Array(cap)).set(head);
    else if (to === K_I32) (this.i32[j] = new Int32Array(cap)).set(head);
    else if (to === K_F32) (this.f32[j] = new Float32Array(cap)).set(head);
    else (this.f64[j] = new Float64Array(cap)).set(head);
    this.u8[j] = EMPTY_U8;
    if (to !== K_U16) this.u16[j] = EMPTY_U16;
    if (to !== K_I32) this.i32[j] = EMPTY_I32;
    if (to !== K_F32) this.f32[j] = EMPTY_F32;
    this.kinds[j] = to;
  }

  /** A guessed-numeric column met text at `row`: it is categorical from now on. */
  retype(j: number, row: number): void {
    this.kinds[j] = K_CAT;
    this.codes[j] = new Int32Array(this.cap);
    this.levels[j] = new LevelTable();
    this.u8[j] = EMPTY_U8;
    this.u16[j] = EMPTY_U16;
    this.i32[j] = EMPTY_I32;
    this.f32[j] = EMPTY_F32;
    this.f64[j] = EMPTY_F64;
    this.retypedAt[j] = row;
  }

  /** Stores field `[s, e)` of a text column (categorical or string). */
  storeText(j: number, row: number, s: number, e: number, escaped: boolean, line: number): void {
    const ctx = this.ctx, bytes = ctx.bytes;
    if (s === e || matchesAny(bytes, s, e, ctx.naAll)) {
      if (this.kinds[j] === K_STR) this.strs[j][row] = null;
      else this.codes[j][row] = -1;
      return;
    }
    if (this.kinds[j] === K_STR) {
      this.strs[j][row] = this.decode(j, s, e, escaped, line);
      return;
    }
    const levels = this.levels[j]!;
    const h = hashBytes(bytes, s, e);
    let code = levels.find(bytes, s, e, h, escaped);
    if (code < 0) code = levels.add(bytes, s, e, h, escaped, this.decode(j, s, e, escaped, line));
    this.codes[j][row] = code;
  }

  decode(j: number, s: number, e: number, escaped: boolean, line: number): string {
    const t = decodeText(this.ctx.bytes, s, e, escaped);
    if (typeof t !== "string") throw badBytes(this.ctx, line, j, t);
    return t;
  }

  /**
   * Fills the rows a retyped column read as numbers before it met text, from their text, so
   * the column reads exactly as if it had been declared categorical. One pass over the rows
   * before the last retype serves every retyped column.
   */
  recoverRetyped(): void {
    let lastRow = 0, lastCol = -1;
    for (let j = 0; j < this.ncol; j++) {
      if (this.retypedAt[j] > 0) {
        lastRow = Math.max(lastRow, this.retypedAt[j]);
        lastCol = j;
      }
    }
    if (lastCol < 0) return;
    const { bytes, sep, cursor } = this.ctx;
    for (let r = 0; r < lastRow; r++) {
      let p = this.rowStart[r];
      for (let j = 0; j <= lastCol; j++) {
        p = scanField(bytes, p, sep, cursor) + 1;
        if (r < this.retypedAt[j]) this.storeText(j, r, cursor.start, cursor.end, cursor.escaped, 0);
      }
    }
  }

  /**
   * The finished columns, trimmed to the rows read, each in its narrowest exact encoding (one
   * column at a time, so finishing takes at most one column's extra copy); categorical domains
   * sorted by bytes.
   */
  columns(): Column[] {
    const rows = this.rows, names = this.ctx.names;
    const trim = <T extends Uint8Array | Uint16Array | Float32Array | Float64Array | Int32Array>(a: T): T =>
      (a.length === rows ? a : a.slice(0, rows)) as T;
    const out: Column[] = [];
    for (let j = 0; j < this.ncol; j++) {
      const name = names[j];
      const k = this.kinds[j];
      if (k <= K_F64) {
        const a = k === K_U8 ? this.u8[j] : k === K_U16 ? this.u16[j] : k === K_I32 ? this.i32[j] : k === K_F32 ? this.f32[j] : this.f64[j];
        this.u8[j] = EMPTY_U8;
        this.u16[j] = EMPTY_U16;
        this.i32[j] = EMPTY_I32;
        out.push({ name, type: "numeric", data: NumericVector.from(trim(a)) });
      } else if (k === K_STR) {
        const data = this.strs[j];
        data.length = rows;
        out.push({ name, type: "string", data });
      } else out.push(this.categorical(j, trim(this.codes[j])));
      this.f32[j] = EMPTY_F32;
      this.f64[j] = EMPTY_F64;
      this.codes[j] = EMPTY_I32;
    }
    return out;
  }

  categorical(j: number, codes: Int32Array): Column {
    const name = this.ctx.names[j];
    const levels = this.levels[j]!.texts;
    if (!this.declared[j] && levels.length > STRING_MIN_LEVELS) {
      let present = 0;
      for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) present++;
      if (levels.length > STRING_DISTINCT_FRACTION * present) {
        return { name, type: "string", data: Array.from(codes, (c) => (c < 0 ? null : levels[c])) };
      }
    }
    const order = levels.map((_, i) => i).sort((a, b) => compareStrings(levels[a], levels[b]));
    const remap = new Int32Array(levels.length);
    order.forEach((old, i) => (remap[old] = i));
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) codes[i] = remap[codes[i]];
    return { name, type: "categorical", codes: narrowCodes(codes, levels.length), domain: order.map((i) => levels[i]) };
  }
}

/**
 * The row loop. Numeric fields try two inline byte paths: a float32 column's plain integer of up
 * to 7 digits followed by the separator (most fields of count, pixel and label data), then an
 * optional minus, up to 15 digits with an optional fraction, and the delimiter this column
 * expects. Anything else (quotes, exponents, NA tokens, text, long numbers, a ragged row) goes
 * through {@linkcode slowField}, which starts over from the field's first byte. The input ends
 * with a line break (see {@linkcode parseCsv}), so digit runs stop without bounds checks.
 */
function readRows(s: State, p: number, line: number): void {
  const ctx = s.ctx;
  const bytes = ctx.bytes, n = bytes.length, sep = ctx.sep, ncol = s.ncol, last = ncol - 1;
  const kinds = s.kinds, u8 = s.u8, u16 = s.u16, i32 = s.i32, f32 = s.f32, f64 = s.f64, cursor = ctx.cursor, numericNa = ctx.numericNa;
  let row = 0;
  while (p < n) {
    let c = bytes[p];
    if (c === LF || c === CR) {
      p = skipLineBreak(bytes, p); // blank line
      line++;
      continue;
    }
    if (row === s.cap) s.grow();
    s.rowStart[row] = p;
    cursor.newlines = 0;
    for (let j = 0; j < ncol; j++) {
      const kind = kinds[j];
      if (kind <= K_F32 && !numericNa) {
        // Commonest case first: up to 7 digits (exact in every builder but a full 1- or 2-byte
        // one), then the separator.
        let q = p, b = bytes[q], v = b - 48, x = 0;
        if (v >>> 0 <= 9) {
          while ((x = (b = bytes[++q]) - 48) >>> 0 <= 9) v = v * 10 + x;
          if (b === sep && q - p <= 7 && j < last) {
            if (kind === K_U8 && v <= 255) u8[j][row] = v;
            else if (kind === K_F32) f32[j][row] = v;
            else if (kind === K_U16 && v <= 65535) u16[j][row] = v;
            else if (kind === K_I32) i32[j][row] = v;
            else s.storeNumber(j, row, v);
            p = q + 1;
            continue;
          }
        }
      }
      if (kind <= K_F64 && !numericNa) {
        let q = p, neg = false;
        c = bytes[q];
        if (c === MINUS) {
          neg = true;
          c = bytes[++q];
        }
        let x = c - 48;
        if (x >>> 0 <= 9) {
          c = bytes[++q];
          let v = x, nd = 1, frac = 0;
          while ((x = c - 48) >>> 0 <= 9) {
            v = v * 10 + x;
            nd++;
            c = bytes[++q];
          }
          if (c === DOT) {
            c = bytes[++q];
            while ((x = c - 48) >>> 0 <= 9) {
              v = v * 10 + x;
              nd++;
              frac++;
              c = bytes[++q];
            }
          }
          if (nd <= 15 && (j < last ? c === sep : c === LF || c === CR)) {
            if (frac !== 0) v /= POW10[frac];
            if (neg) v = -v;
            if (kind === K_F64) f64[j][row] = v;
            // Up to 7 integer digits always fit float32's 24-bit significand.
            else if (kind === K_F32 && ((nd <= 7 && frac === 0) || Math.fround(v) === v)) f32[j][row] = v;
            else s.storeNumber(j, row, v);
            p = j < last ? q + 1 : q;
            continue;
          }
        } else if (q === p && (j < last ? c === sep : c === LF || c === CR)) {
          if (kind === K_F32) f32[j][row] = NaN; // an empty field is missing
          else if (kind === K_F64) f64[j][row] = NaN;
          else s.storeNumber(j, row, NaN);
          p = j < last ? q + 1 : q;
          continue;
        }
      }
      p = slowField(s, j, p, row, line);
      if (j < last) {
        if (bytes[p] === sep) p++;
        else throw fail(ctx, raggedMessage(s, line, j + 1));
      }
    }
    if (bytes[p] === sep) throw fail(ctx, raggedMessage(s, line, ncol + countFields(ctx, p + 1)));
    p = skipLineBreak(bytes, p);
    line += 1 + cursor.newlines;
    s.rows = ++row;
  }
}

function slowField(s: State, j: number, p: number, row: number, line: number): number {
  const ctx = s.ctx, cursor = ctx.cursor;
  const fieldLine = line + cursor.newlines;
  let q: number;
  try {
    q = scanField(ctx.bytes, p, ctx.sep, cursor);
  } catch (e) {
    throw scanFailure(ctx, e, fieldLine, j);
  }
  const { start, end, escaped } = cursor;
  if (s.kinds[j] <= K_F64) {
    if (start === end || matchesAny(ctx.bytes, start, end, ctx.naAll)) {
      s.storeNumber(j, row, NaN);
      return q;
    }
    const v = escaped ? undefined : parseNumberBytes(ctx.bytes, start, end);
    if (v !== undefined) {
      s.storeNumber(j, row, v);
      return q;
    }
    if (matchesAny(ctx.bytes, start, end, ctx.naNumeric)) {
      s.storeNumber(j, row, NaN);
      return q;
    }
    const t = decodeText(ctx.bytes, start, end, escaped);
    if (typeof t !== "string") throw badBytes(ctx, fieldLine, j, t);
    if (s.declared[j]) {
      throw fail(ctx, `line ${fieldLine}, ${columnLabel(ctx, j)} is declared numeric in "columnTypes" but holds ${JSON.stringify(t)}; declare it "categorical" or add ${JSON.stringify(t)} to "naStrings"`);
    }
    s.retype(j, row);
  }
  s.storeText(j, row, start, end, escaped, fieldLine);
  return q;
}

/** True when the first `n` values of `a` are exact in float32 (whole numbers up to 2^24). */
function fitsF32(a: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] > 16777216 || a[i] < -16777216) return false;
  return true;
}

/** Fields from `p` to the end of its line (for the ragged-row message). */
function countFields(ctx: Context, p: number): number {
  const { bytes, sep, cursor } = ctx;
  let k = 1;
  try {
    for (;;) {
      p = scanField(bytes, p, sep, cursor);
      if (p < bytes.length && bytes[p] === sep) {
        p++;
        k++;
      } else return k;
    }
  } catch {
    return k;
  }
}

function raggedMessage(s: State, line: number, got: number): string {
  const names = s.ctx.names;
  const shown = names.length <= 6
    ? names.map((n) => JSON.stringify(n)).join(", ")
    : `${JSON.stringify(names[0])} … ${JSON.stringify(names[names.length - 1])}`;
  const sepName = s.ctx.sep === 9 ? "tab" : JSON.stringify(String.fromCharCode(s.ctx.sep));
  return `line ${line} has ${got} field${got === 1 ? "" : "s"}, expected ${s.ncol} (columns ${shown}); every row needs the same number of ${sepName}-separated fields, with separators inside values quoted`;
}
