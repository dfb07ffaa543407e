/**
 * Pairwise (strength-2) covering designs for the whole-step conformance cases: every value of
 * every factor meets every value of every other factor in at least one case, in far fewer cases
 * than the full product (9 distributions × 5 regularizers alone force at least 45).
 *
 * The design is built greedily and deterministically (AETG style): take the first pair not yet
 * covered, fix it in a new case, then give each remaining factor, in factor order, the value
 * that covers the most new pairs with the values already fixed (ties: the first value). An
 * optional `allowed` predicate excludes combinations a case may not hold; pairs that no allowed
 * case can hold are not required. {@linkcode uncoveredPairs} checks a design independently.
 * @module
 */

/** A partial case: `undefined` where a factor has no value yet. */
export type Partial = readonly (number | undefined)[];

/** Whether a (partial) case is allowed; must be true for the empty case. */
export type Allowed = (row: Partial) => boolean;

const always: Allowed = () => true;

/** Every pair `[i, a, j, b]` (factor i at value a, factor j > i at value b) that some allowed case can hold. */
export function requiredPairs(levels: readonly number[], allowed: Allowed = always): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let i = 0; i < levels.length; i++) {
    for (let j = i + 1; j < levels.length; j++) {
      for (let a = 0; a < levels[i]; a++) {
        for (let b = 0; b < levels[j]; b++) {
          const row: (number | undefined)[] = levels.map(() => undefined);
          row[i] = a;
          row[j] = b;
          if (allowed(row)) out.push([i, a, j, b]);
        }
      }
    }
  }
  return out;
}

/** A pairwise covering design: each case gives one value index per factor. */
export function pairwise(levels: readonly number[], allowed: Allowed = always): number[][] {
  const key = (i: number, a: number, j: number, b: number) => `${i}:${a}:${j}:${b}`;
  const todo = new Map<string, [number, number, number, number]>();
  for (const p of requiredPairs(levels, allowed)) todo.set(key(...p), p);
  const rows: number[][] = [];
  while (todo.size > 0) {
    const [i, a, j, b] = todo.values().next().value!;
    const row: (number | undefined)[] = levels.map(() => undefined);
    row[i] = a;
    row[j] = b;
    for (let f = 0; f < levels.length; f++) {
      if (row[f] !== undefined) continue;
      let best = -1, bestGain = -1;
      for (let v = 0; v < levels[f]; v++) {
        row[f] = v;
        if (!allowed(row)) continue;
        let gain = 0;
        for (let g = 0; g < levels.length; g++) {
          if (g === f || row[g] === undefined) continue;
          const k = g < f ? key(g, row[g]!, f, v) : key(f, v, g, row[g]!);
          if (todo.has(k)) gain++;
        }
        if (gain > bestGain) [best, bestGain] = [v, gain];
      }
      if (best < 0) throw new RangeError(`Cannot build a pairwise design: no allowed value for factor ${f}`);
      row[f] = best;
    }
    const done = row as number[];
    for (let f = 0; f < levels.length; f++) for (let g = f + 1; g < levels.length; g++) todo.delete(key(f, done[f], g, done[g]));
    rows.push(done);
  }
  return rows;
}

/** The required pairs a design misses, and the cases it holds that are not allowed (both empty for a valid design). */
export function uncoveredPairs(rows: readonly (readonly number[])[], levels: readonly number[], allowed: Allowed = always): { missing: string[]; forbidden: number[] } {
  const seen = new Set<string>();
  for (const r of rows) for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) seen.add(`${i}:${r[i]}:${j}:${r[j]}`);
  const missing = requiredPairs(levels, allowed).map((p) => p.join(":")).filter((k) => !seen.has(k));
  const forbidden = rows.flatMap((r, k) => (allowed(r) ? [] : [k]));
  return { missing, forbidden };
}
