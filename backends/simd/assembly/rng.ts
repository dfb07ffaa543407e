// xoshiro128** with splitmix-style seeding: the same stream as core/rng.ts, so dropout masks
// match the reference backend draw for draw. State lives in globals: one per module instance,
// and every Worker has its own instance.

let s0: u32 = 1, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;

// @ts-ignore: decorator
@inline function mix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

/** hashWords(a, b, c, d) of core/rng.ts */
export function hash4(a: u32, b: u32, c: u32, d: u32): u32 {
  let h: u32 = 0x9e3779b9;
  h = mix32((h ^ mix32(a)) + 0x7f4a7c15);
  h = mix32((h ^ mix32(b)) + 0x7f4a7c15);
  h = mix32((h ^ mix32(c)) + 0x7f4a7c15);
  h = mix32((h ^ mix32(d)) + 0x7f4a7c15);
  return h;
}

/** Rng.reseed of core/rng.ts */
export function reseed(seed: u32): void {
  let x = seed;
  x += 0x9e3779b9;
  s0 = mix32(x);
  x += 0x9e3779b9;
  s1 = mix32(x);
  x += 0x9e3779b9;
  s2 = mix32(x);
  x += 0x9e3779b9;
  s3 = mix32(x);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

/** Rng.nextU32 of core/rng.ts */
// @ts-ignore: decorator
@inline export function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** One dropout decision: kept iff the 24-bit uniform is ≥ ratio, i.e. (u >>> 8) ≥ threshold. */
// @ts-ignore: decorator
@inline export function keep(threshold: u32): bool {
  return (nextU32() >>> 8) >= threshold;
}
