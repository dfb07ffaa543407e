/**
 * Weighted quantiles as H2O's Quantile builder computes them (combine method INTERPOLATE): a row of
 * weight w counts as w rows; the quantile at probability q sits at the fractional row
 * r = q·(W − 1) of the sorted values (W = Σw) and interpolates linearly between the values at rows
 * ⌊r⌋ and ⌊r⌋ + 1. The value "at row k" is the first sorted value whose cumulative weight exceeds k
 * (the largest value past the end). Unit weights give R's type-7 quantile.
 * @module
 */

/**
 * Quantiles of `values` at each probability in `probs`, with optional weights.
 * @returns one quantile per probability, NaN for every probability when there are no values
 */
export function weightedQuantiles(
  values: ArrayLike<number>,
  weights: ArrayLike<number> | null,
  probs: readonly number[],
): number[] {
  const n = values.length;
  if (n === 0) return probs.map(() => NaN);
  const sorted = new Float64Array(n);
  const cum = new Float64Array(n); // cum[k] = total weight of sorted[0..k]
  let total = 0;
  if (!weights || Array.prototype.every.call(weights, (w: number) => w === 1)) {
    sorted.set(values);
    sorted.sort(); // numeric sort, many times faster than sorting an index array
    for (let k = 0; k < n; k++) cum[k] = ++total;
  } else {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
    for (let k = 0; k < n; k++) {
      sorted[k] = values[order[k]];
      total += weights[order[k]];
      cum[k] = total;
    }
  }
  const at = (row: number): number => {
    let lo = 0;
    let hi = n; // first k with row < cum[k], n when past the end
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (row < cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo === n ? sorted[n - 1] : sorted[lo];
  };
  return probs.map((q) => {
    const r = Math.max(0, q * (total - 1)); // fractional row; total < 1 would make it negative
    const r0 = Math.floor(r);
    const lo = at(r0);
    if (r0 === r) return lo;
    const hi = at(r0 + 1);
    return lo === hi ? lo : lo + (hi - lo) * (r - r0);
  });
}
