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
import { CodeVector, compareStrings, Frame, NumericVector } from "./frame.ts";
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
  /**
   * Bytes read at a time (default 8 MiB for files; `parseCsv` reads bytes already in memory in
   * one block unless this is given). Records may span blocks; only the memory use changes.
   */
  blockSize?: number;
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
  // Bytes already in memory are read in one block unless a block size is asked for (tests).
  const reader = new CsvReader({ blockSize: Math.max(1, bytes.length), ...options }, bytes.length);
  const step = reader.blockSize;
  let o = 0;
  for (; o + step < bytes.length; o += step) reader.push(bytes.subarray(o, o + step));
  if (reader.end(bytes.subarray(o))) {
    for (let k = 0; k < bytes.length && reader.pushRecovery(bytes.subarray(k, Math.min(bytes.length, k + step))); k += step);
    reader.endRecovery();
  }
  return reader.frame();
}

/** {@linkcode parseCsv} for text already in memory. */
export function parseCsvText(text: string, options: CsvOptions = {}): Frame {
  if (typeof text !== "string") throw new TypeError(`Cannot parse CSV: expected a string, got ${describeValue(text)}`);
  return parseCsv(new TextEncoder().encode(text), options);
}

/** Default bytes per block for {@linkcode CsvReader} (files are read this much at a time). */
export const BLOCK_SIZE = 8 << 20;

/** Thrown while guessing when the bytes so far cannot decide: read more and guess again. */
const NEED_MORE = Symbol("need more bytes");

/**
 * The CSV reader fed in blocks, so that a file never sits in memory whole: `push` the file's
 * bytes in chunks of any size, then `end()`. Complete records are read as soon as a block is
 * full; a partial last line (or a quoted field that spans blocks) is carried to the next block.
 * When a column guessed numeric met text after its first rows, `end()` returns true: feed the
 * same bytes again through `pushRecovery` (it returns false once it has read enough) and call
 * `endRecovery()`, which re-reads those rows' text. Then `frame()` gives the frame.
 */
export class CsvReader {
  readonly blockSize: number;
  readonly #options: CsvOptions;
  readonly #header: boolean | "auto";
  readonly #ctx: Context;
  /** Total bytes expected (file size), to pre-size the columns; 0 when unknown. */
  readonly #sizeHint: number;
  /** Pending bytes are `#buf[#start, #len)`; `#owned` false while `#buf` is the caller's chunk. */
  #buf: Uint8Array = EMPTY_U8;
  #start = 0;
  #len = 0;
  #owned = false;
  /** Read the pending bytes once this many are there (grows while one record spans blocks). */
  #threshold: number;
  #mode: "head" | "rows" | "recover" | "done" = "head";
  #state: State | null = null;
  #frame: Frame | null = null;
  /** Absolute offset where the data rows start (after the header), for the recovery pass. */
  #dataStart = 0;
  #line = 1;
  /** Recovery pass: bytes seen, rows re-read, rows to re-read and the last retyped column. */
  #seen = 0;
  #row = 0;
  #lastRow = 0;
  #lastCol = -1;

  constructor(options: CsvOptions = {}, sizeHint = 0) {
    const source = options.source === undefined ? "" : ` ${JSON.stringify(options.source)}`;
    const header = options.header ?? "auto";
    if (header !== true && header !== false && header !== "auto") {
      throw new TypeError(`Cannot parse CSV${source}: "header" must be true, false or "auto": got ${describeValue(header)}`);
    }
    const bs = options.blockSize ?? BLOCK_SIZE;
    if (typeof bs !== "number" || !Number.isInteger(bs) || bs < 1) {
      throw new TypeError(`Cannot parse CSV${source}: "blockSize" must be a positive whole number of bytes: got ${describeValue(bs)}`);
    }
    const sep = options.sep === undefined ? -1 : separatorByte(options.sep, source);
    const na = options.naStrings;
    if (na !== undefined && (!Array.isArray(na) || na.some((s) => typeof s !== "string"))) {
      throw new TypeError(`Cannot parse CSV${source}: "naStrings" must be an array of strings: got ${describeValue(na)}`);
    }
    const naAll = (na ?? DEFAULT_NA).filter((s) => s !== "").map(utf8);
    const naNumeric = na ? [] : NUMERIC_NA.map(utf8);
    // A user NA string that reads as a number ("-999") must be tested before the number path.
    const numericNa = naAll.some((w) => parseNumberBytes(w, 0, w.length) !== undefined);
    this.#ctx = { bytes: EMPTY_U8, base: 0, final: false, sep, source, naAll, naNumeric, numericNa, cursor: new FieldCursor(), names: [] };
    this.#options = options;
    this.#header = header;
    this.blockSize = bs;
    this.#threshold = bs;
    this.#sizeHint = sizeHint > 0 ? sizeHint : 0;
  }

  /** Adds the next bytes of the file (the reader copies what it keeps: `chunk` may be reused). */
  push(chunk: Uint8Array): void {
    chunk = plain(chunk);
    if (this.#mode === "recover" || this.#mode === "done") throw new Error("CsvReader.push() after end()");
    this.#append(chunk);
    if (!this.#owned || this.#len - this.#start >= this.#threshold) this.#process(false);
    this.#own();
  }

  /** Copies carried bytes that still lie in the caller's chunk, which it may overwrite. */
  #own(): void {
    if (this.#owned || this.#len === this.#start) return;
    this.#buf = this.#buf.slice(this.#start, this.#len);
    this.#len -= this.#start;
    this.#start = 0;
    this.#owned = true;
  }

  /** The file has ended (after `last`, its final bytes): reads what is left. True when a recovery pass must follow. */
  end(last?: Uint8Array): boolean {
    if (this.#mode === "recover" || this.#mode === "done") throw new Error("CsvReader.end() called twice");
    if (last) this.#append(plain(last));
    this.#process(true);
    this.#release();
    const s = this.#state;
    if (s === null) {
      this.#mode = "done";
      this.#frame = new Frame([]);
      return false;
    }
    for (let j = 0; j < s.ncol; j++) {
      if (s.retypedAt[j] > 0) {
        this.#lastRow = Math.max(this.#lastRow, s.retypedAt[j]);
        this.#lastCol = j;
      }
    }
    if (this.#lastCol < 0) return this.#finish();
    this.#mode = "recover";
    this.#threshold = this.blockSize;
    this.#ctx.base = 0;
    return true;
  }

  /** Adds the file's bytes again, from the start, for the recovery pass; false once it needs no more. */
  pushRecovery(chunk: Uint8Array): boolean {
    chunk = plain(chunk);
    if (this.#mode !== "recover") return false;
    // Bytes before the first data row (BOM, header) are skipped without being kept.
    const skip = Math.min(chunk.length, Math.max(0, this.#dataStart - this.#seen));
    this.#seen += chunk.length;
    if (skip === chunk.length) return true;
    if (this.#len === this.#start) this.#ctx.base = this.#seen - chunk.length + skip;
    this.#append(skip ? chunk.subarray(skip) : chunk);
    if (!this.#owned || this.#len - this.#start >= this.#threshold) this.#process(false);
    this.#own();
    return this.#mode === "recover";
  }

  /** Ends the recovery pass. */
  endRecovery(): void {
    if (this.#mode === "recover") this.#process(true);
    if (this.#row < this.#lastRow) throw fail(this.#ctx, "the file changed while it was read (its second pass found fewer rows); read it again");
    this.#finish();
  }

  /** The frame read. */
  frame(): Frame {
    if (this.#frame === null) throw new Error("CsvReader.frame() before end()");
    return this.#frame;
  }

  #finish(): false {
    this.#release();
    this.#mode = "done";
    this.#frame = new Frame(this.#state!.columns());
    this.#state = null;
    return false;
  }

  #release(): void {
    this.#buf = EMPTY_U8;
    this.#start = this.#len = 0;
    this.#owned = false;
    this.#ctx.bytes = EMPTY_U8;
  }

  /** Appends `chunk` to the pending bytes, compacting or growing the buffer as needed. */
  #append(chunk: Uint8Array): void {
    const pending = this.#len - this.#start;
    if (pending === 0) {
      // Read in place when nothing is carried (the caller's chunk: what is left of it is copied).
      this.#buf = chunk;
      this.#start = 0;
      this.#len = chunk.length;
      this.#owned = false;
      return;
    }
    const need = pending + chunk.length;
    if (!this.#owned || need > this.#buf.length) {
      // Room for the next block's carry too, so that one buffer serves every block.
      const buf = new Uint8Array(need + Math.min(this.#threshold >> 1, Math.max(need, 1 << 16)) + 1);
      buf.set(this.#buf.subarray(this.#start, this.#len));
      this.#buf = buf;
      this.#owned = true;
    } else if (this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#len);
    }
    this.#buf.set(chunk, pending);
    this.#start = 0;
    this.#len = need;
  }

  /**
   * Reads the complete records among the pending bytes (all of them when `final`), and keeps
   * the rest for the next block.
   */
  #process(final: boolean): void {
    const ctx = this.#ctx;
    let end = this.#len;
    if (final) {
      // The row loop reads digits without bounds checks: it needs a line break at the end.
      const last = end > this.#start ? this.#buf[end - 1] : LF;
      if (last !== LF && last !== CR) {
        if (!this.#owned || end >= this.#buf.length) {
          const buf = new Uint8Array(end - this.#start + 1);
          buf.set(this.#buf.subarray(this.#start, end));
          this.#buf = buf;
          this.#owned = true;
          end -= this.#start;
          this.#start = 0;
        }
        this.#buf[end++] = LF;
        this.#len = end;
      }
    } else {
      end = completeLines(this.#buf, this.#start, end);
      if (end <= this.#start) {
        this.#threshold = Math.max(this.#threshold, 2 * (this.#len - this.#start));
        return;
      }
    }
    ctx.bytes = this.#buf.subarray(this.#start, end);
    ctx.final = final;
    let used: number;
    if (this.#mode === "head") {
      const p = this.#head();
      if (p < 0) {
        // Undecided: guess again once twice the bytes are here.
        this.#threshold = Math.max(this.#threshold, 2 * (this.#len - this.#start));
        return;
      }
      used = this.#state ? readRows(this.#state, p) : p;
    } else if (this.#mode === "rows") {
      used = readRows(this.#state!, 0);
    } else {
      used = this.#recover();
    }
    this.#start += used;
    ctx.base += used;
    const carried = this.#len - this.#start;
    if (carried === 0) this.#start = this.#len = 0;
    // A record longer than half a block: read again only once the pending bytes have doubled,
    // so a huge quoted field costs linear time.
    this.#threshold = Math.max(this.blockSize, 2 * carried);
  }

  /**
   * Guesses the separator, header and column types from the first block. Returns the offset
   * of the first data row, or -1 when the bytes so far cannot decide.
   */
  #head(): number {
    const ctx = this.#ctx;
    const bytes = ctx.bytes, final = ctx.final;
    if (!final && bytes.length < 3) return -1;
    let p = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    try {
      if (ctx.sep < 0) {
        const sep = detectSeparator(bytes, p, final);
        if (sep < 0) return -1;
        ctx.sep = sep;
      }
      // First record (after blank lines): the header or the first row; it fixes the column count.
      let line = 1;
      for (;;) {
        const q = skipLineBreak(bytes, p);
        if (q === p) break;
        p = q;
        line++;
      }
      if (p >= bytes.length) {
        if (!final) return -1;
        this.#mode = "done";
        return bytes.length;
      }
      const first = readRecord(ctx, p, line);
      const ncol = first.fields.length / 3;
      ctx.names = Array.from({ length: ncol }, (_, j) => `C${j + 1}`);
      const guess = guessColumns(ctx, first);
      const hasHeader = this.#header === "auto" ? guess.header : this.#header;
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
      applyColumnTypes(ctx, this.#options.columnTypes, kinds, declared);
      this.#state = new State(ctx, kinds, declared, this.#estimateRows(p));
      this.#state.line = line;
      this.#dataStart = ctx.base + p;
      this.#mode = "rows";
      return p;
    } catch (e) {
      if (e === NEED_MORE) {
        // The separator guess may change with more bytes.
        if (this.#options.sep === undefined) ctx.sep = -1;
        return -1;
      }
      throw e;
    }
  }

  /**
   * An upper bound on the rows from `p` when every byte is here (line feeds, plus a last line
   * without one); otherwise an estimate from the first block's bytes per line and the file size,
   * which the builders grow past by half when it falls short.
   */
  #estimateRows(p: number): number {
    const bytes = this.#ctx.bytes;
    let count = 0;
    for (let k = bytes.indexOf(LF, p); k >= 0; k = bytes.indexOf(LF, k + 1)) count++;
    if (this.#ctx.final) return Math.max(count + (bytes.length > p && bytes[bytes.length - 1] !== LF ? 1 : 0), 1);
    const rest = this.#sizeHint - this.#ctx.base - p;
    if (rest <= 0 || count === 0) return Math.max(count * 2, 1024);
    return Math.ceil((rest * count / (bytes.length - p)) * 1.02) + 64;
  }

  /**
   * The recovery pass over one block: fills the rows read as numbers before each retyped column
   * met text, from their text, so the column reads exactly as if declared categorical. Returns
   * the bytes used (complete records).
   */
  #recover(): number {
    const s = this.#state!, ctx = this.#ctx, { bytes, sep, cursor } = ctx;
    const ncol = s.ncol, lastCol = this.#lastCol, n = bytes.length;
    let p = 0;
    while (p < n && this.#row < this.#lastRow) {
      const c = bytes[p];
      if (c === LF || c === CR) {
        p = skipLineBreak(bytes, p);
        continue;
      }
      const r = this.#row;
      let q = p;
      for (let j = 0; j < ncol; j++) {
        try {
          q = scanField(bytes, q, sep, cursor);
        } catch (e) {
          if (e instanceof ScanError && e.kind === "unterminated" && !ctx.final) return p;
          throw e;
        }
        if (j <= lastCol && r < s.retypedAt[j]) s.storeText(j, r, cursor.start, cursor.end, cursor.escaped, 0);
        if (j < ncol - 1) q++;
      }
      p = skipLineBreak(bytes, q);
      this.#row++;
    }
    if (this.#row >= this.#lastRow) this.#mode = "done";
    return this.#mode === "done" ? this.#len - this.#start : p;
  }
}

/** A plain `Uint8Array` view of Buffer and other subclasses, so the row loop sees one shape. */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The end of the complete lines in `buf[s, e)`: just past its last LF, or past its last CR when
 * a byte follows it (a CR at the very end may be half of a CRLF). Records that still run on
 * (a quoted field with a line break) are found by the readers, which stop before them.
 */
function completeLines(buf: Uint8Array, s: number, e: number): number {
  // (A negative start would make lastIndexOf count from the end.)
  const lf = e > s ? buf.lastIndexOf(LF, e - 1) : -1;
  if (lf >= s) return lf + 1;
  const cr = e - 2 >= s ? buf.lastIndexOf(CR, e - 2) : -1;
  return cr >= s ? cr + 1 : s;
}

interface Context {
  /** The block being read: whole records, ending with a line break. */
  bytes: Uint8Array;
  /** Offset of `bytes[0]` in the file (for byte offsets in messages). */
  base: number;
  /** No bytes follow this block. */
  final: boolean;
  sep: number;
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
    return fail(ctx, `line ${line}, ${columnLabel(ctx, j)}: the quote at byte offset ${ctx.base + e.offset} is never closed; close it with " or escape a literal quote as ""`);
  }
  const b = ctx.bytes[e.offset];
  return fail(ctx, `line ${line}, ${columnLabel(ctx, j)}: the quoted field that starts on this line is followed by ${byteName(b)} at byte offset ${ctx.base + e.offset}; a quoted field must end at a separator or line break, and a quote inside it is written ""`);
}

function badBytes(ctx: Context, line: number, j: number, bad: BadBytes): SyntaxError {
  const where = line > 0 ? `line ${line}` : "a row";
  return fail(ctx, `bad bytes at ${where}, ${columnLabel(ctx, j)}, byte offset ${ctx.base + bad.offset}: ${bad.what}; the file may be binary or in another encoding (save it as UTF-8 text)`);
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
function detectSeparator(bytes: Uint8Array, p: number, final: boolean): number {
  const codes = SEPARATORS.map((s) => s.charCodeAt(0));
  const lines: number[][] = [];
  let counts = [0, 0, 0, 0];
  let inQuote = false, empty = true;
  const p0 = p, end = Math.min(bytes.length, p + GUESS_BYTES);
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
  // Fewer than 20 lines before the block's end: wait for more bytes, unless the sample is full.
  if (!final && lines.length < 20 && end === bytes.length && end < p0 + GUESS_BYTES) return -1;
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
      if (e instanceof ScanError && e.kind === "unterminated" && !ctx.final) throw NEED_MORE;
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
    } catch (e) {
      if (e === NEED_MORE) throw e;
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
  // The sample ran into the end of the block before it was full: guess again with more bytes.
  if (!ctx.final && p >= bytes.length && rows < GUESS_ROWS && (rows === 0 || p < end)) throw NEED_MORE;
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
  cap: number;
  rows = 0;
  /** Line number of the next record. */
  line = 1;

  constructor(ctx: Context, kinds: Uint8Array, declared: Uint8Array, cap: number) {
    this.ctx = ctx;
    this.ncol = kinds.length;
    this.kinds = kinds;
    this.declared = declared;
    this.cap = cap;
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

  /**
   * Makes room for half as many rows again: when the row estimate from the first block falls
   * short, or lone-CR line breaks defeat the line-feed count.
   */
  grow(): void {
    const cap = this.cap + Math.max(1024, this.cap >> 1);
    const widen = <T extends Builder>(a: T): T => (a.length === 0 ? a : resize(a, cap));
    for (let j = 0; j < this.ncol; j++) {
      this.u8[j] = widen(this.u8[j]);
      this.u16[j] = widen(this.u16[j]);
      this.i32[j] = widen(this.i32[j]);
      this.f32[j] = widen(this.f32[j]);
      this.f64[j] = widen(this.f64[j]);
      this.codes[j] = widen(this.codes[j]);
    }
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
   * The finished columns, trimmed to the rows read, each in its narrowest exact encoding (one
   * column at a time, so finishing takes at most one column's extra copy); categorical domains
   * sorted by bytes.
   */
  columns(): Column[] {
    const rows = this.rows, names = this.ctx.names;
    const trim = <T extends Builder>(a: T): T => resize(a, rows);
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
    return { name, type: "categorical", codes: CodeVector.from(codes, levels.length), domain: order.map((i) => levels[i]) };
  }
}

/**
 * The row loop. Numeric fields try two inline byte paths: a float32 column's plain integer of up
 * to 7 digits followed by the separator (most fields of count, pixel and label data), then an
 * optional minus, up to 15 digits with an optional fraction, and the delimiter this column
 * expects. Anything else (quotes, exponents, NA tokens, text, long numbers, a ragged row) goes
 * through {@linkcode slowField}, which starts over from the field's first byte. The block ends
 * with a line break (see `CsvReader`), so digit runs stop without bounds checks. Returns where
 * it stopped: the block's end, or the start of a record that runs on into the next block.
 */
function readRows(s: State, p: number): number {
  const ctx = s.ctx;
  const bytes = ctx.bytes, n = bytes.length, sep = ctx.sep, ncol = s.ncol, last = ncol - 1;
  const kinds = s.kinds, u8 = s.u8, u16 = s.u16, i32 = s.i32, f32 = s.f32, f64 = s.f64, cursor = ctx.cursor, numericNa = ctx.numericNa;
  let row = s.rows, line = s.line;
  while (p < n) {
    let c = bytes[p];
    if (c === LF || c === CR) {
      p = skipLineBreak(bytes, p); // blank line
      s.line = ++line;
      continue;
    }
    if (row === s.cap) s.grow();
    const record = p;
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
      if (p < 0) return record; // a quoted field runs on into the next block
      if (j < last) {
        if (bytes[p] === sep) p++;
        else throw fail(ctx, raggedMessage(s, line, j + 1));
      }
    }
    if (bytes[p] === sep) {
      const more = countFields(ctx, p + 1);
      if (more < 0) return record;
      throw fail(ctx, raggedMessage(s, line, ncol + more));
    }
    p = skipLineBreak(bytes, p);
    s.line = line += 1 + cursor.newlines;
    s.rows = ++row;
  }
  return p;
}

function slowField(s: State, j: number, p: number, row: number, line: number): number {
  const ctx = s.ctx, cursor = ctx.cursor;
  const fieldLine = line + cursor.newlines;
  let q: number;
  try {
    q = scanField(ctx.bytes, p, ctx.sep, cursor);
  } catch (e) {
    if (e instanceof ScanError && e.kind === "unterminated" && !ctx.final) return -1;
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

type Builder = Uint8Array | Uint16Array | Float32Array | Float64Array | Int32Array;

/**
 * `a` with length `n` (the first values kept, new ones zero). The buffer is resized by
 * `ArrayBuffer.prototype.transfer`, which frees the old memory at once (often resizing in place)
 * instead of leaving a full-size copy for the garbage collector: trimming every column of a
 * large file by copying would otherwise hold the frame twice at the end of the read.
 */
function resize<T extends Builder>(a: T, n: number): T {
  if (a.length === n) return a;
  const buffer = a.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
  const Ctor = a.constructor as new (b: ArrayBuffer | number) => T;
  if (a.byteOffset === 0 && buffer.byteLength === a.byteLength && typeof buffer.transfer === "function") {
    try {
      return new Ctor(buffer.transfer(n * a.BYTES_PER_ELEMENT));
    } catch {
      // not transferable (a shared or non-resizable buffer): copy
    }
  }
  const b = new Ctor(n);
  b.set(n < a.length ? a.subarray(0, n) : a);
  return b;
}

/** True when the first `n` values of `a` are exact in float32 (whole numbers up to 2^24). */
function fitsF32(a: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] > 16777216 || a[i] < -16777216) return false;
  return true;
}

/** Fields from `p` to the end of its line (for the ragged-row message); -1 when the line runs on into the next block. */
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
  } catch (e) {
    return e instanceof ScanError && e.kind === "unterminated" && !ctx.final ? -1 : k;
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
