/**
 * Variable importance by Gedeon's method (spec §13), from the first two weight matrices, per
 * expanded input. Maxout is read per channel: each channel row counts as a hidden unit (H2O's
 * code misreads the interleaved storage, quirk Q20).
 * @module
 */

/** One input's importance, as H2O's variable importance table. */
export interface VariableImportance {
  readonly variable: string;
  readonly relative_importance: number;
  readonly scaled_importance: number;
  readonly percentage: number;
}

/**
 * Gedeon importances. `A` is W[0] (rows × n0), `B` is W[1] (rowsB × units1) or null when there is
 * no hidden layer; `channels` maps A's rows to B's columns (row r feeds unit ⌊r/channels⌋).
 * `zero` lists inputs forced to 0 (NA slots never seen in training).
 */
export function gedeon(
  A: Float64Array, rowsA: number, n0: number,
  B: Float64Array | null, rowsB: number, channels: number,
  names: readonly string[], zero: ReadonlySet<number> = new Set(),
): VariableImportance[] {
  const v = new Float64Array(n0);
  if (!B) {
    for (let k = 0; k < rowsA; k++) for (let i = 0; i < n0; i++) v[i] += Math.abs(A[k * n0 + i]);
  } else {
    const units1 = rowsA / channels;
    const s = new Float64Array(rowsA);
    for (let j = 0; j < rowsA; j++) for (let i = 0; i < n0; i++) s[j] += Math.abs(A[j * n0 + i]);
    const q = new Float64Array(n0);
    for (let k = 0; k < rowsB; k++) {
      let t = 0;
      for (let u = 0; u < units1; u++) t += Math.abs(B[k * units1 + u]);
      q.fill(0);
      for (let j = 0; j < rowsA; j++) {
        const bj = Math.abs(B[k * units1 + Math.floor(j / channels)]) / (t || 1);
        if (bj === 0 || s[j] === 0) continue;
        for (let i = 0; i < n0; i++) q[i] += (Math.abs(A[j * n0 + i]) / s[j]) * bj;
      }
      let sum = 0;
      for (let i = 0; i < n0; i++) sum += q[i];
      if (sum > 0) for (let i = 0; i < n0; i++) v[i] += q[i] / sum;
    }
  }
  for (const i of zero) v[i] = 0;
  let max = 0, total = 0;
  for (let i = 0; i < n0; i++) {
    max = Math.max(max, v[i]);
    total += v[i];
  }
  const rows = Array.from(v, (x, i) => {
    const rel = max > 0 ? x / max : 0;
    return { variable: names[i], relative_importance: rel, scaled_importance: rel, percentage: total > 0 ? x / total : 0 };
  });
  return rows.sort((a, b) => b.relative_importance - a.relative_importance);
}
