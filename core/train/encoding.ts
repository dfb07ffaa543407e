/**
 * `categorical_encoding` (spec §1.3): how a categorical predictor enters the network. One-hot
 * (AUTO, OneHotInternal) is the preprocessor's own block of slots; the others transform the
 * column first, as H2O's generic encoders do, and the result is then an ordinary one-hot block
 * or ordinary numeric inputs (standardized like any numeric). Every choice is fitted on the
 * training frame and kept in the preprocessor, so scoring applies the same mapping.
 *
 * - Binary: levels numbered 1 … K (0 for missing), written in 1 + ⌊log₂ K⌋ bit columns "x:0", "x:1", … (lowest bit first).
 * - Eigen: one numeric column "x.Eigen": each level's coordinate on the leading eigenvector of the
 *   level-indicator correlation matrix (see {@linkcode eigenValues}).
 * - LabelEncoder: the level's index 0 … K−1 as a number.
 * - SortByResponse: still one-hot, with the levels ordered by their mean response.
 * - EnumLimited: columns with more than 10 levels keep their 10 most frequent levels (seen at
 *   least twice) and one "other" level, as "x.top_10_levels".
 * @module
 */
import type { FloatArray } from "../backend.ts";
import type { Message } from "../params.ts";
import type { CategoricalColumn, Column, Frame } from "../../frame/frame.ts";
import { levelAt } from "../../frame/frame.ts";

/** The categorical_encoding values Deep Learning accepts. */
export type CategoricalEncoding = "AUTO" | "OneHotInternal" | "Binary" | "Eigen" | "LabelEncoder" | "SortByResponse" | "EnumLimited";

/** Levels kept by EnumLimited (H2O's Deep Learning does not expose the limit). */
export const ENUM_LIMIT = 10;

/** A categorical column's levels mapped to numbers: `values[code]`, or `missing` for NA and unseen levels. */
export interface LevelValues {
  readonly column: string;
  readonly domain: readonly string[];
  readonly values: readonly number[];
  readonly missing: number;
}

/** How one categorical column enters the network. */
export type EncodedColumn =
  | { readonly kind: "categorical"; readonly name: string; readonly domain: readonly string[]; readonly column?: string; readonly other?: number }
  | { readonly kind: "numeric"; readonly name: string; readonly encoded: LevelValues };

/** What fitting an encoding may read besides the column. */
export interface EncodingContext {
  readonly frame: Frame;
  readonly response: string | null;
  readonly weights: FloatArray | null;
}

/** Fits `encoding` on a training column. */
export function encodeCategorical(c: CategoricalColumn, encoding: CategoricalEncoding, ctx: EncodingContext): EncodedColumn[] {
  const K = c.domain.length;
  switch (encoding) {
    case "AUTO":
    case "OneHotInternal":
      return [{ kind: "categorical", name: c.name, domain: c.domain }];
    case "Binary": {
      const bits = 1 + Math.floor(Math.log2(Math.max(1, K)));
      return Array.from({ length: bits }, (_, k) => ({
        kind: "numeric" as const, name: `${c.name}:${k}`,
        encoded: { column: c.name, domain: c.domain, values: c.domain.map((_, i) => ((i + 1) >>> k) & 1), missing: 0 },
      }));
    }
    case "LabelEncoder":
      return [{ kind: "numeric", name: c.name, encoded: { column: c.name, domain: c.domain, values: c.domain.map((_, i) => i), missing: NaN } }];
    case "Eigen": {
      const n = counts(c, null);
      const na = c.codes.countMissing();
      if (K > 0) n[n.reduce((m, x, i) => (x > n[m] ? i : m), 0)] += na; // H2O imputes the most frequent level first
      return [{ kind: "numeric", name: `${c.name}.Eigen`, encoded: { column: c.name, domain: c.domain, values: eigenValues(n), missing: NaN } }];
    }
    case "SortByResponse":
      return [{ kind: "categorical", name: c.name, domain: sortByResponse(c, ctx) }];
    case "EnumLimited": {
      if (K <= ENUM_LIMIT) return [{ kind: "categorical", name: c.name, domain: c.domain }];
      const n = counts(c, null);
      const kept = [...n.keys()].filter((i) => n[i] >= 2).sort((a, b) => n[b] - n[a] || a - b).slice(0, ENUM_LIMIT).sort((a, b) => a - b);
      const domain = kept.map((i) => c.domain[i]);
      let other = "other";
      while (domain.includes(other)) other += "_";
      return [{ kind: "categorical", name: `${c.name}.top_${ENUM_LIMIT}_levels`, column: c.name, domain: [...domain, other], other: domain.length }];
    }
  }
}

/** Rows (or weights) per level; missing values are not counted. */
function counts(c: CategoricalColumn, weights: FloatArray | null): Float64Array {
  const n = new Float64Array(c.domain.length);
  for (let r = 0; r < c.codes.length; r++) {
    const k = c.codes.at(r);
    if (k >= 0) n[k] += weights ? weights[r] : 1;
  }
  return n;
}

/**
 * Eigen encoding. H2O forms, from the level counts c_i (missing values counted as the most
 * frequent level) over n rows, the matrix U_ij = (δ_ij·c_i − c_i·c_j/n) / √(c_i·c_j) and maps each
 * level to its coordinate on U's leading eigenvector. U = I − q·qᵀ with q_i = √(c_i/n), so its
 * largest eigenvalue, 1, is shared by every direction orthogonal to q: unique for two levels,
 * otherwise the solver picks one. Tide picks, deterministically, the one nearest the most
 * frequent level's indicator e_m: v = (e_m − q_m·q)/‖e_m − q_m·q‖ (see docs/h2o-differences.md).
 */
export function eigenValues(levelCounts: Float64Array): number[] {
  const K = levelCounts.length;
  if (K === 0) return [];
  let m = 0;
  for (let i = 1; i < K; i++) if (levelCounts[i] > levelCounts[m]) m = i;
  const n = levelCounts.reduce((a, b) => a + b, 0);
  if (!(n > 0)) return Array.from({ length: K }, () => 0);
  const q = Array.from(levelCounts, (c) => Math.sqrt(c / n));
  const v = q.map((qi, i) => (i === m ? 1 : 0) - q[m] * qi);
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return v.map((x) => (norm > 0 ? x / norm : 0));
}

/** Levels ordered by their mean response, lowest first (binary responses: the rate of the second class). */
function sortByResponse(c: CategoricalColumn, ctx: EncodingContext): string[] {
  const K = c.domain.length;
  if (!ctx.response || !ctx.frame.has(ctx.response)) return [...c.domain];
  const y = ctx.frame.col(ctx.response);
  const sum = new Float64Array(K), w = new Float64Array(K);
  for (let r = 0; r < c.codes.length; r++) {
    const code = c.codes.at(r);
    const v = y.type === "numeric" ? y.data.at(r) : y.type === "categorical" ? (y.codes.at(r) < 0 ? NaN : y.codes.at(r)) : NaN;
    const wr = ctx.weights ? ctx.weights[r] : 1;
    if (code < 0 || Number.isNaN(v) || !(wr > 0)) continue;
    sum[code] += wr * v;
    w[code] += wr;
  }
  const mean = (i: number) => (w[i] > 0 ? sum[i] / w[i] : Infinity); // levels without rows go last
  return [...c.domain.keys()].sort((a, b) => mean(a) - mean(b) || a - b).map((i) => c.domain[i]);
}

/**
 * A column's values under a level mapping (any frame: levels are matched by name, so a scoring
 * frame with other level codes maps the same). NA and levels the mapping does not know give
 * `missing`; unknown levels are reported in `messages`.
 */
export function levelValues(c: Column, e: LevelValues, messages: Message[]): Float64Array {
  const index = new Map(e.domain.map((v, i) => [v, i]));
  const n = c.type === "categorical" ? c.codes.length : c.data.length;
  const out = new Float64Array(n);
  let unseen = 0;
  for (let r = 0; r < n; r++) {
    let level: string | null;
    if (c.type === "categorical") level = levelAt(c, r);
    else if (c.type === "numeric") level = Number.isNaN(c.data.at(r)) ? null : String(c.data.at(r));
    else level = c.data[r];
    const i = level === null ? undefined : index.get(level);
    if (level !== null && i === undefined) unseen++;
    out[r] = i === undefined ? e.missing : e.values[i];
  }
  if (unseen) messages.push({ level: "warn", field: c.name, message: `${unseen} row(s) of "${c.name}" have levels unseen in training; they are encoded as missing` });
  return out;
}
