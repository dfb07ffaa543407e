/** A tiny seeded generator (mulberry32) so these tests do not depend on other modules' streams. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exact weighted AUC by comparing every positive with every negative; ties count one half. */
export function bruteForceAuc(rows: readonly (readonly [label: number, p: number, w: number])[]): number {
  const pos = rows.filter((r) => r[0] === 1);
  const neg = rows.filter((r) => r[0] === 0);
  const np = Float64Array.from(neg, (r) => r[1]);
  const nw = Float64Array.from(neg, (r) => r[2]);
  let area = 0;
  for (const [, pi, wi] of pos) {
    let beaten = 0;
    for (let j = 0; j < np.length; j++) beaten += nw[j] * (pi > np[j] ? 1 : pi === np[j] ? 0.5 : 0);
    area += wi * beaten;
  }
  const P = pos.reduce((s, r) => s + r[2], 0);
  const N = neg.reduce((s, r) => s + r[2], 0);
  return area / (P * N);
}
