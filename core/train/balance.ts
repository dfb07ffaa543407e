/**
 * Class balancing (spec §1.13): `balance_classes` over- and under-samples the training rows once,
 * before training, by per-class sampling ratios (automatic, or `class_sampling_factors` in domain
 * order), capped at `max_after_balance_size` times the training rows. The balanced rows replace
 * the training rows; predicted probabilities are then corrected back to the original class
 * priors (spec §15.2), for metrics during training as for predictions.
 * @module
 */
import type { FloatArray } from "../backend.ts";
import { hashWords, Rng } from "../rng.ts";

/** Relative class frequencies before and after balancing (H2O's priorClassDist, modelClassDist). */
export interface ClassBalance {
  readonly prior: readonly number[];
  readonly model: readonly number[];
}

/** Options of {@linkcode balanceRows}. */
export interface BalanceOptions {
  readonly classes: number;
  /** User ratios, one per class in domain order; null: majority class 1, others up to its count. */
  readonly factors: readonly number[] | null;
  /** Largest balanced row count (before rounding), e.g. max_after_balance_size × rows. */
  readonly maxRows: number;
  readonly seed: readonly [number, number];
  /** False: ratios above 1 are capped at 1 (stratified sampling without oversampling). */
  readonly oversample?: boolean;
  /** Stream tag, so two samplings from one seed draw independently. */
  readonly stream?: number;
}

/**
 * The balanced rows: for each row with a known class c, ⌊s_c⌋ copies plus one more with
 * probability frac(s_c), from a per-row random stream; redrawn (up to 10 times) while a class
 * that should get rows gets none. Sampling ignores the weights; the class counts do not.
 * @param labels class index per row (NaN: missing, the row is dropped)
 * @param weights observation weights, or null
 * @returns row indices in row order (repeated for copies), the ratios used, and the class
 *   frequencies before and after
 */
export function balanceRows(labels: FloatArray, weights: FloatArray | null, o: BalanceOptions): { rows: number[]; ratios: number[]; balance: ClassBalance } {
  const C = o.classes;
  const d = new Float64Array(C);
  for (let r = 0; r < labels.length; r++) {
    const c = labels[r];
    if (Number.isNaN(c)) continue;
    d[c] += weights ? weights[r] : 1;
  }
  let s: number[];
  if (o.factors) s = [...o.factors];
  else {
    // (rows / C) / d_c, scaled so the largest class gets 1: no class is down-sampled by this step.
    const raw = Array.from(d, (dc) => (dc > 0 ? labels.length / C / dc : 0));
    const min = Math.min(...raw.filter((x) => x > 0));
    s = raw.map((x) => (x > 0 ? x / min : 0));
  }
  if (o.oversample === false) s = s.map((x) => Math.min(1, x));
  const E = s.reduce((acc, sc, c) => acc + sc * d[c], 0);
  const T = Math.max(C, Math.min(o.maxRows, Math.round(E)));
  if (E > 0 && T !== E) s = s.map((x) => (x * T) / E);

  let rows: number[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    rows = [];
    const got = new Float64Array(C);
    for (let r = 0; r < labels.length; r++) {
      const c = labels[r];
      if (Number.isNaN(c)) continue;
      const sc = s[c];
      let copies = Math.floor(sc);
      if (sc > copies && new Rng(hashWords(o.seed[0], o.seed[1], o.stream ?? 0xba1a, attempt, r)).uniform() < sc - copies) copies++;
      for (let k = 0; k < copies; k++) rows.push(r);
      got[c] += copies;
    }
    if (got.every((g, c) => g > 0 || !(s[c] * d[c] > 0))) break;
  }
  const after = new Float64Array(C);
  for (const r of rows) after[labels[r]] += weights ? weights[r] : 1;
  return { rows, ratios: s, balance: { prior: frequencies(d), model: frequencies(after) } };
}

function frequencies(counts: Float64Array): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return Array.from(counts, (x) => (total > 0 ? x / total : 0));
}

/**
 * Corrects class probabilities (rows × C, in place) from the balanced training distribution
 * back to the original priors: p_c ← p_c · prior_c / model_c (unchanged where either is 0),
 * then renormalized. Does nothing without a balance.
 */
export function correctProbabilities(out: Float64Array, b: ClassBalance | null | undefined): Float64Array {
  if (!b) return out;
  const C = b.prior.length;
  const f = b.prior.map((p, c) => (p > 0 && b.model[c] > 0 ? p / b.model[c] : 1));
  for (let i = 0; i + C <= out.length; i += C) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += (out[i + c] *= f[c]);
    if (sum > 0) for (let c = 0; c < C; c++) out[i + c] /= sum;
  }
  return out;
}
