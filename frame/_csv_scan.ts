/**
 * Byte-level pieces of the CSV reader: one field scanner (RFC 4180 quoting), exact number
 * parsing straight from bytes, NA matching and strict UTF-8 text decoding. `csv.ts` holds the
 * row loop and the column builders; everything here works on `Uint8Array` offsets so that
 * numbers never become strings.
 * @module
 */

/** Byte values the reader tests for. */
export const LF = 10, CR = 13, QUOTE = 34, SPACE = 32, TAB = 9, PLUS = 43, MINUS = 45, DOT = 46;

/** Exact powers of ten: every 10^k for k ≤ 22 is a double without rounding (Clinger 1990). */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Where the last scanned field lies: content bytes `[start, end)`, and how it was written. */
export class FieldCursor {
  start = 0;
  end = 0;
  /** The field was in double quotes. */
  quoted = false;
  /** The quoted content holds `""` escapes that text decoding must fold. */
  escaped = false;
  /** Line breaks inside quotes seen since the caller last reset this (for line numbers). */
  newlines = 0;
}

/** Thrown by the scanner; `csv.ts` turns it into a message naming the line and column. */
export class ScanError extends Error {
  constructor(
    readonly kind: "unterminated" | "after-quote",
    readonly offset: number,
  ) {
    super(kind);
  }
}

/**
 * Scans one field starting at byte `p` and returns the offset of the byte that ends it (the
 * separator, CR, LF, or `bytes.length`). A field is quoted when its first non-blank byte is `"`:
 * inside, `""` is a literal quote and separators and line breaks are data; after the closing
 * quote only blanks may precede the delimiter. An unquoted field runs to the next separator or
 * line break, quotes included literally.
 */
export function scanField(bytes: Uint8Array, p: number, sep: number, f: FieldCursor): number {
  const n = bytes.length;
  let q = p;
  while (q < n && isBlank(bytes[q], sep)) q++;
  if (q < n && bytes[q] === QUOTE) {
    const open = q;
    let from = q + 1;
    let escaped = false;
    for (;;) {
      const k = bytes.indexOf(QUOTE, from);
      if (k < 0) throw new ScanError("unterminated", open);
      for (let i = from; i < k; i++) if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] !== LF)) f.newlines++;
      if (k + 1 < n && bytes[k + 1] === QUOTE) {
        escaped = true;
        from = k + 2;
        continue;
      }
      f.start = open + 1;
      f.end = k;
      q = k + 1;
      break;
    }
    while (q < n && isBlank(bytes[q], sep)) q++;
    if (q < n && bytes[q] !== sep && bytes[q] !== LF && bytes[q] !== CR) throw new ScanError("after-quote", q);
    f.quoted = true;
    f.escaped = escaped;
    return q;
  }
  while (q < n) {
    const c = bytes[q];
    if (c === sep || c === LF || c === CR) break;
    q++;
  }
  f.start = p;
  f.end = q;
  f.quoted = false;
  f.escaped = false;
  return q;
}

/** A space or tab that is not the separator: allowed around a quoted field. */
function isBlank(c: number, sep: number): boolean {
  return (c === SPACE || c === TAB) && c !== sep;
}

/** The offset just past the line break at `p` (CRLF, LF or a lone CR), or `p` at the end. */
export function skipLineBreak(bytes: Uint8Array, p: number): number {
  if (p >= bytes.length) return p;
  if (bytes[p] === CR) return p + 1 < bytes.length && bytes[p + 1] === LF ? p + 2 : p + 1;
  return bytes[p] === LF ? p + 1 : p;
}

const INF_WORDS = ["inf", "Inf", "INF", "infinity", "Infinity", "INFINITY"].map(ascii);

/**
 * Parses bytes `[s, e)` as a decimal number exactly as JavaScript's `Number()` would, or returns
 * `undefined` when they are not one. Accepted: optional blanks around, a sign, digits with an
 * optional fraction, an optional exponent, and `Inf`/`Infinity` (any of inf, Inf, INF). Not
 * accepted, unlike `Number()`: hex/octal/binary literals, an empty field, a bare sign or dot.
 * Up to 15 significant digits and |exponent| ≤ 22 take Clinger's fast path (one correctly
 * rounded multiply or divide of exact doubles, so the result is exact); longer numbers fall back
 * to `Number()` of the text.
 */
export function parseNumberBytes(bytes: Uint8Array, s: number, e: number): number | undefined {
  while (s < e && (bytes[s] === SPACE || bytes[s] === TAB)) s++;
  while (e > s && (bytes[e - 1] === SPACE || bytes[e - 1] === TAB)) e--;
  if (s === e) return undefined;
  let p = s;
  let neg = false;
  if (bytes[p] === MINUS || bytes[p] === PLUS) neg = bytes[p++] === MINUS;
  let m = 0, digits = 0, frac = 0, nd = 0;
  while (p < e && bytes[p] - 48 >>> 0 <= 9) {
    if (nd > 0 || bytes[p] !== 48) nd++; // significant digits: leading zeros do not count
    m = m * 10 + (bytes[p++] - 48);
    digits++;
  }
  if (p < e && bytes[p] === DOT) {
    p++;
    while (p < e && bytes[p] - 48 >>> 0 <= 9) {
      if (nd > 0 || bytes[p] !== 48) nd++;
      m = m * 10 + (bytes[p++] - 48);
      digits++;
      frac++;
    }
  }
  if (digits === 0) {
    for (const w of INF_WORDS) if (equalBytes(bytes, p, e, w)) return neg ? -Infinity : Infinity;
    return undefined;
  }
  let exp = 0;
  if (p < e && (bytes[p] === 101 || bytes[p] === 69)) {
    p++;
    let eneg = false;
    if (p < e && (bytes[p] === MINUS || bytes[p] === PLUS)) eneg = bytes[p++] === MINUS;
    const e0 = p;
    while (p < e && bytes[p] - 48 >>> 0 <= 9 && exp < 1e6) exp = exp * 10 + (bytes[p++] - 48);
    if (p === e0) return undefined;
    if (eneg) exp = -exp;
  }
  if (p !== e) {
    // Only digits can remain here when the exponent was clamped; anything else is not a number.
    while (p < e && bytes[p] - 48 >>> 0 <= 9) p++;
    if (p !== e) return undefined;
    return Number(latin1(bytes, s, e));
  }
  const k = exp - frac;
  if (nd <= 15 && k >= -22 && k <= 22) {
    const v = k >= 0 ? m * POW10[k] : m / POW10[-k];
    return neg ? -v : v;
  }
  return Number(latin1(bytes, s, e));
}

/** True when bytes `[s, e)` equal `word`. */
export function equalBytes(bytes: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[s + i] !== word[i]) return false;
  return true;
}

/** True when bytes `[s, e)` equal one of `words`. */
export function matchesAny(bytes: Uint8Array, s: number, e: number, words: readonly Uint8Array[]): boolean {
  for (let i = 0; i < words.length; i++) if (equalBytes(bytes, s, e, words[i])) return true;
  return false;
}

/** The UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

const asciiDecoder = new TextDecoder("utf-8");

/** Bytes known to be ASCII as a string (a decoder call is faster than building one by hand). */
function latin1(bytes: Uint8Array, s: number, e: number): string {
  return asciiDecoder.decode(bytes.subarray(s, e));
}

/** Why bytes `[s, e)` are not valid text: the offset and a description, or undefined when valid. */
export interface BadBytes {
  readonly offset: number;
  readonly what: string;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes bytes `[s, e)` as UTF-8 text, folding `""` to `"` when `escaped`. Returns a
 * {@linkcode BadBytes} instead when the bytes hold a NUL or are not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array, s: number, e: number, escaped: boolean): string | BadBytes {
  for (let i = s; i < e; i++) if (bytes[i] === 0) return { offset: i, what: "a NUL byte (0x00)" };
  let text: string;
  try {
    text = strictDecoder.decode(bytes.subarray(s, e));
  } catch {
    return { offset: s + firstInvalidUtf8(bytes.subarray(s, e)), what: "invalid UTF-8" };
  }
  return escaped ? text.replaceAll('""', '"') : text;
}

/** Index of the first byte that starts an invalid UTF-8 sequence (or the length when valid). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number, min: number;
    if (c >= 0xc2 && c <= 0xdf) [len, min] = [2, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [len, min] = [3, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [len, min] = [4, 0x10000];
    else return i;
    if (i + len > b.length) return i;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      if ((b[i + k] & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return i;
}
