/**
 * Seeded random numbers (core/rng.ts): xoshiro128** checked against an independent BigInt
 * implementation, uniform and integer draws, shuffling, and seed handling.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { hashWords, mix32, Rng, seedWords, shuffle } from "../../core/rng.ts";

/** xoshiro128** written independently with BigInt arithmetic modulo 2³². */
function* xoshiroRef(s0: number, s1: number, s2: number, s3: number): Generator<number> {
  const M = 0xffffffffn;
  let s = [BigInt(s0), BigInt(s1), BigInt(s2), BigInt(s3)];
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  for (;;) {
    const result = (rotl((s[1] * 5n) & M, 7n) * 9n) & M;
    const t = (s[1] << 9n) & M;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
    s = s.map((v) => v & M);
    yield Number(result);
  }
}

test("Rng.nextU32() is xoshiro128**: from state (1, 2, 3, 4) it yields 11520, 0, 5927040, …", () => {
  const rng = new Rng();
  rng.state.set([1, 2, 3, 4]);
  assertEquals([rng.nextU32(), rng.nextU32(), rng.nextU32()], [11520, 0, 5927040]);
  const seeded = new Rng(123456);
  const ref = xoshiroRef(seeded.state[0], seeded.state[1], seeded.state[2], seeded.state[3]);
  for (let i = 0; i < 1000; i++) assertEquals(seeded.nextU32(), ref.next().value, `draw ${i}`);
});

test("mix32() is Murmur3's fmix32 (checked against BigInt arithmetic) and hashWords() depends on order", () => {
  const ref = (h0: number) => {
    let h = BigInt(h0 >>> 0);
    h ^= h >> 16n;
    h = (h * 0x85ebca6bn) & 0xffffffffn;
    h ^= h >> 13n;
    h = (h * 0xc2b2ae35n) & 0xffffffffn;
    h ^= h >> 16n;
    return Number(h);
  };
  assertEquals(mix32(0), 0);
  for (const x of [1, 2, 0xdeadbeef, 0xffffffff, 123456789, -5]) assertEquals(mix32(x), ref(x), `mix32(${x})`);
  assert(hashWords(1, 2) !== hashWords(2, 1), "hashWords ignores order");
  assertEquals(hashWords(1, 2, 3), hashWords(1, 2, 3));
  assert(hashWords(1) !== hashWords(1, 0), "hashWords ignores a trailing zero word");
});

test("Rng is deterministic per seed and reseed() restarts the stream", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 50 }, () => a.nextU32());
  assertEquals(xa, Array.from({ length: 50 }, () => b.nextU32()));
  const xc = Array.from({ length: 50 }, () => c.nextU32());
  assert(xa.some((v, i) => v !== xc[i]), "seed 43 should give another stream");
  a.reseed(42);
  assertEquals(Array.from({ length: 50 }, () => a.nextU32()), xa);
  const z = new Rng(0);
  assert(z.state.some((w) => w !== 0), "the state is never all zero");
});

test("Rng.uniform() draws 24-bit values in [0, 1) with mean ½ and variance 1/12", () => {
  const rng = new Rng(7);
  const n = 100_000;
  let s = 0, s2 = 0, min = 1, max = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert(u >= 0 && u < 1, `uniform ${u} outside [0, 1)`);
    assert(Number.isInteger(u * 2 ** 24), `uniform ${u} is not a multiple of 2^-24`);
    assertEquals(Math.fround(u), u, "uniform must be exact in float32");
    s += u;
    s2 += u * u;
    min = Math.min(min, u);
    max = Math.max(max, u);
  }
  assertClose(s / n, 0.5, { atol: 0.005 });
  assertClose(s2 / n - (s / n) ** 2, 1 / 12, { atol: 0.002 });
  assert(min < 1e-3 && max > 1 - 1e-3, "the range should be covered");
});

test("Rng.normal() has mean 0 and variance 1", () => {
  const rng = new Rng(9);
  const n = 100_000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    assert(Number.isFinite(z), "normal draw is not finite");
    s += z;
    s2 += z * z;
  }
  assertClose(s / n, 0, { atol: 0.015 });
  assertClose(s2 / n, 1, { atol: 0.02 });
});

test("Rng.below(n) stays in [0, n) with roughly equal counts", () => {
  const rng = new Rng(3);
  const n = 7, draws = 70_000;
  const counts = new Array(n).fill(0);
  for (let i = 0; i < draws; i++) {
    const k = rng.below(n);
    assert(Number.isInteger(k) && k >= 0 && k < n, `below(${n}) gave ${k}`);
    counts[k]++;
  }
  // χ² with 6 degrees of freedom: 22.5 is p ≈ 0.001.
  const chi2 = counts.reduce((s, c) => s + (c - draws / n) ** 2 / (draws / n), 0);
  assert(chi2 < 22.5, `χ² ${chi2} for counts ${counts}`);
  assertEquals(rng.below(1), 0);
  assertEquals(rng.below(0), 0);
});

test("Rng.below(n) has no modulo bias for n = 3·2^30", () => {
  // Plain x mod n would put values below 2^30 twice as often: P = 1/2 instead of 1/3.
  const rng = new Rng(5);
  const n = 3 * 2 ** 30, draws = 30_000;
  let low = 0;
  for (let i = 0; i < draws; i++) {
    const k = rng.below(n);
    assert(k >= 0 && k < n, `below gave ${k}`);
    if (k < 2 ** 30) low++;
  }
  assertClose(low / draws, 1 / 3, { atol: 0.02 });
});

test("shuffle() returns a permutation, in place, deterministically per seed", () => {
  const a = Int32Array.from({ length: 100 }, (_, i) => i);
  const out = shuffle(a, new Rng(1));
  assert(out === a, "shuffle works in place");
  assertEquals([...a].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert(a.some((v, i) => v !== i), "100 elements should move");
  const b = shuffle(Int32Array.from({ length: 100 }, (_, i) => i), new Rng(1));
  assertEquals(a, b);
  const c = shuffle(Int32Array.from({ length: 100 }, (_, i) => i), new Rng(2));
  assert(c.some((v, i) => v !== a[i]), "another seed should give another order");
  assertEquals(Array.from(shuffle(new Int32Array(0), new Rng(1))), []);
  assertEquals(Array.from(shuffle(Int32Array.of(9), new Rng(1))), [9]);
});

test("shuffle() makes all 24 orders of 4 elements about equally likely", () => {
  const rng = new Rng(17);
  const counts = new Map<string, number>();
  const trials = 24_000;
  for (let t = 0; t < trials; t++) {
    const key = Array.from(shuffle([0, 1, 2, 3], rng)).join("");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assertEquals(counts.size, 24);
  const chi2 = [...counts.values()].reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
  assert(chi2 < 49.7, `χ² ${chi2} with 23 degrees of freedom (p ≈ 0.001)`);
});

test("seedWords() splits a seed into two's-complement words and rejects unsafe integers", async () => {
  assertEquals(seedWords(0), [0, 0]);
  assertEquals(seedWords(42), [42, 0]);
  assertEquals(seedWords(2 ** 32 + 5), [5, 1]);
  assertEquals(seedWords(-1), [0xffffffff, 0xffffffff]);
  assertEquals(seedWords(-2), [0xfffffffe, 0xffffffff]);
  assertEquals(seedWords(Number.MAX_SAFE_INTEGER), [0xffffffff, 0x1fffff]);
  await assertThrows(() => seedWords(2 ** 60), RangeError, "seed");
  await assertThrows(() => seedWords(1.5), RangeError, "seed");
  await assertThrows(() => seedWords(NaN), RangeError, "seed");
});
