/**
 * Seeded random numbers: xoshiro128** on 32-bit words, so the same stream is cheap to produce in
 * TypeScript and in WebAssembly. Every backend draws dropout masks from this generator in the
 * same order, which is what lets a fast backend be checked step for step against the reference.
 *
 * Streams are derived, not shared: one per weight matrix at initialisation, one per training
 * sample for its dropout masks (from the model seed, the pass over the data and the row), so
 * results do not depend on how rows are spread over threads.
 * @module
 */

/** Murmur3's 32-bit finaliser: a bijective mix of one word. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds any number of 32-bit words into one seed word (order matters). */
export function hashWords(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) h = mix32((h ^ mix32(w >>> 0)) + 0x7f4a7c15);
  return h;
}

/**
 * Splits a user seed (any safe integer, negative included, as H2O's `long` seed) into two
 * 32-bit words.
 */
export function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Invalid seed: "seed" must be a safe integer: got ${seed}`);
  }
  const big = BigInt.asUintN(64, BigInt(seed));
  return [Number(big & 0xffffffffn), Number(big >> 32n)];
}

/** A xoshiro128** generator. `state` is exposed so WebAssembly kernels can continue the stream. */
export class Rng {
  readonly state = new Uint32Array(4);

  /** Seeds from one 32-bit word through splitmix32, as the WebAssembly kernels do. */
  constructor(seedWord = 0) {
    this.reseed(seedWord);
  }

  /** Restarts the stream from a 32-bit seed word. */
  reseed(seedWord: number): this {
    let x = seedWord >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      this.state[i] = mix32(x);
    }
    if ((this.state[0] | this.state[1] | this.state[2] | this.state[3]) === 0) this.state[0] = 1;
    return this;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.state;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 bits, exactly representable in float32 (as H2O's `U()`). */
  uniform(): number {
    return (this.nextU32() >>> 8) * 5.9604644775390625e-8;
  }

  /** Standard normal draw (Box-Muller on two uniforms). */
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Uniform integer in [0, n) for n ≤ 2^32, without modulo bias. */
  below(n: number): number {
    if (n <= 1) return 0;
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return x % n;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fisher-Yates shuffle of `a` in place. */
export function shuffle<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
