/**
 * H2O's gains/lift table (hex/GainsLift): rows are grouped by descending cut-points of the
 * predicted probability, the weighted quantiles 0.99, 0.98, 0.97, 0.96, 0.95, 0.9, 0.85, 0.8, 0.7,
 * 0.6, 0.5, 0.4, 0.3, 0.2, 0.1 and 0 (or (g − i − 1)/g for `bins` = g > 0), duplicates removed. A row
 * falls in the first group whose cut-point it reaches.
 * @module
 */
import { weightedQuantiles } from "./_quantile.ts";

/** H2O's default cut-point probabilities (gainslift_bins = −1). */
export const GAINS_LIFT_PROBS = [0.99, 0.98, 0.97, 0.96, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0];

/** One group of the gains/lift table (H2O's column names). */
export interface GainsLiftRow {
  readonly group: number;
  readonly cumulative_data_fraction: number;
  readonly lower_threshold: number;
  readonly lift: number;
  readonly cumulative_lift: number;
  readonly response_rate: number;
  readonly cumulative_response_rate: number;
  readonly capture_rate: number;
  readonly cumulative_capture_rate: number;
  readonly gain: number;
  readonly cumulative_gain: number;
}

/**
 * The table from rows stored as [p, label, w] triples.
 * @param bins −1 for H2O's 16 default groups, g > 0 for g equal-probability groups
 */
export function gainsLift(rows: readonly number[], bins: number): GainsLiftRow[] {
  const m = rows.length / 3;
  if (m === 0) return [];
  const p = new Float64Array(m);
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) [p[i], w[i]] = [rows[3 * i], rows[3 * i + 2]];
  const probs = bins > 0 ? Array.from({ length: bins }, (_, i) => (bins - i - 1) / bins) : GAINS_LIFT_PROBS;
  const cuts = [...new Set(weightedQuantiles(p, w, probs))].sort((a, b) => b - a);
  const events = new Float64Array(cuts.length);
  const obs = new Float64Array(cuts.length);
  for (let i = 0; i < m; i++) {
    const t = cuts.findIndex((c) => p[i] >= c); // the groups above already rejected it
    if (t < 0) continue; // unreachable: the last cut-point is the q = 0 quantile, the minimum
    obs[t] += w[i];
    if (rows[3 * i + 1] === 1) events[t] += w[i];
  }
  const N = obs.reduce((s, x) => s + x, 0);
  const E = events.reduce((s, x) => s + x, 0);
  const P = E / N;
  let cumE = 0;
  let cumN = 0;
  return cuts.map((cut, i) => {
    cumE += events[i];
    cumN += obs[i];
    const rr = obs[i] === 0 ? 0 : events[i] / obs[i];
    const lift = rr / P;
    const cumLift = cumE / cumN / P;
    return {
      group: i + 1,
      cumulative_data_fraction: cumN / N,
      lower_threshold: cut,
      lift,
      cumulative_lift: cumLift,
      response_rate: rr,
      cumulative_response_rate: cumE / cumN,
      capture_rate: events[i] / E,
      cumulative_capture_rate: cumE / E,
      gain: 100 * (lift - 1),
      cumulative_gain: 100 * (cumLift - 1),
    };
  });
}
