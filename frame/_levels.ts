/**
 * A categorical column's levels while the CSV reader runs, keyed by their raw bytes in the input:
 * a repeated level costs a hash and a byte compare, never a string. Only the first sight of a
 * byte sequence decodes it. Distinct raw bytes are distinct texts, except that a quoted field
 * with `""` escapes (`"a""b"`) spells the same text as other bytes (`a"b`); those rare escaped
 * spellings are matched by text, so every text gets exactly one code.
 * @module
 */

/** FNV-1a over bytes `[s, e)`. */
export function hashBytes(bytes: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h | 0;
}

/** Level codes by raw bytes (open addressing, linear probing) plus the level texts by code. */
export class LevelTable {
  /** Level texts in order of first appearance: `texts[code]`. */
  readonly texts: string[] = [];
  /** Codes of texts first met in escaped spellings. */
  readonly #escapedTexts = new Map<string, number>();
  #slots = new Int32Array(64); // entry index + 1; 0 is empty
  #start = new Float64Array(32);
  #len = new Int32Array(32);
  #hash = new Int32Array(32);
  #code = new Int32Array(32);
  #escaped = new Uint8Array(32);
  #size = 0;
  /**
   * Each spelling's bytes, copied: the reader reads a file block by block, so the input that
   * held a spelling is gone by the time the same level comes again.
   */
  #pool = new Uint8Array(256);
  #poolLength = 0;

  /**
   * The code of the level spelled by bytes `[s, e)` (hash `h`, from {@linkcode hashBytes}),
   * or -1 when this spelling has not been seen.
   */
  find(bytes: Uint8Array, s: number, e: number, h: number, escaped: boolean): number {
    return this.#probe(bytes, s, e, h, escaped ? 1 : 0);
  }

  /** Records bytes `[s, e)` of `bytes` (hash `h`, not found) as a spelling of `text`; returns its code. */
  add(bytes: Uint8Array, s: number, e: number, h: number, escaped: boolean, text: string): number {
    let code = -1;
    if (escaped) {
      // The text may already be a level spelled without escapes: look its UTF-8 bytes up.
      const probe = new TextEncoder().encode(text);
      code = this.#probe(probe, 0, probe.length, hashBytes(probe, 0, probe.length), 0);
      if (code < 0) code = this.#escapedTexts.get(text) ?? -1;
    } else if (this.#escapedTexts.size) {
      code = this.#escapedTexts.get(text) ?? -1;
    }
    if (code < 0) {
      code = this.texts.length;
      this.texts.push(text);
      if (escaped) this.#escapedTexts.set(text, code);
    }
    if (2 * (this.#size + 1) > this.#slots.length) this.#rehash();
    const k = this.#size++;
    if (k === this.#start.length) this.#growEntries();
    const len = e - s;
    if (this.#poolLength + len > this.#pool.length) {
      const pool = new Uint8Array(Math.max(2 * this.#pool.length, this.#poolLength + len));
      pool.set(this.#pool.subarray(0, this.#poolLength));
      this.#pool = pool;
    }
    this.#pool.set(bytes.subarray(s, e), this.#poolLength);
    this.#start[k] = this.#poolLength;
    this.#poolLength += len;
    this.#len[k] = e - s;
    this.#hash[k] = h;
    this.#code[k] = code;
    this.#escaped[k] = escaped ? 1 : 0;
    const slots = this.#slots, mask = slots.length - 1;
    let i = h & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = k + 1;
    return code;
  }

  /** Finds `key[s, e)` among the entries. */
  #probe(key: Uint8Array, s: number, e: number, h: number, escaped: number): number {
    const slots = this.#slots, mask = slots.length - 1, len = e - s, input = this.#pool;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = slots[i] - 1;
      if (k < 0) return -1;
      if (this.#hash[k] !== h || this.#len[k] !== len || this.#escaped[k] !== escaped) continue;
      const o = this.#start[k];
      let b = 0;
      while (b < len && input[o + b] === key[s + b]) b++;
      if (b === len) return this.#code[k];
    }
  }

  #growEntries(): void {
    const n = this.#start.length * 2;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
    this.#start = grow(this.#start, new Float64Array(n));
    this.#len = grow(this.#len, new Int32Array(n));
    this.#hash = grow(this.#hash, new Int32Array(n));
    this.#code = grow(this.#code, new Int32Array(n));
    this.#escaped = grow(this.#escaped, new Uint8Array(n));
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let k = 0; k < this.#size; k++) {
      let i = this.#hash[k] & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = k + 1;
    }
    this.#slots = slots;
  }
}
