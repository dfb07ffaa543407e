/**
 * A confusion matrix as H2O reports it (hex/ConfusionMatrix): rows are actual classes, columns are
 * predicted classes, cells are (weighted) counts; each actual class gets an Error (share of its row
 * off the diagonal) and a Rate ("errors / row total"), and a Totals row closes the table.
 * @module
 */

/** The matrix with H2O's per-row Error and Rate columns and its Totals row. */
export interface ConfusionMatrix {
  /** Class labels, for both rows (actual) and columns (predicted). */
  readonly domain: readonly string[];
  /** counts[actual][predicted]. */
  readonly counts: readonly (readonly number[])[];
  /** Per actual class: (row total − diagonal) / row total; NaN for a class with no rows, as H2O prints. */
  readonly errors: readonly number[];
  /** Per actual class: "errors / row total", H2O's text ("1,234 / 5,000", or 4 decimals when weighted). */
  readonly rates: readonly string[];
  /** Column sums (the Totals row). */
  readonly predictedTotals: readonly number[];
  /** Overall error (1 − trace / total) and its rate text. */
  readonly totalError: number;
  readonly totalRate: string;
}

/** Builds the matrix and its Error/Rate columns from counts[actual][predicted]. */
export function confusionMatrix(domain: readonly string[], counts: readonly (readonly number[])[]): ConfusionMatrix {
  const c = domain.length;
  if (counts.length !== c || counts.some((r) => r.length !== c)) {
    throw new RangeError(`Cannot build a confusion matrix: counts must be ${c}×${c} for ${c} classes`);
  }
  const isInt = counts.every((r) => r.every((x) => Number.isInteger(x)));
  const rowTotals = counts.map((r) => r.reduce((s, x) => s + x, 0));
  const errCounts = counts.map((r, a) => rowTotals[a] - r[a]);
  const total = rowTotals.reduce((s, x) => s + x, 0);
  const totalErr = errCounts.reduce((s, x) => s + x, 0);
  return {
    domain: [...domain],
    counts: counts.map((r) => [...r]),
    errors: errCounts.map((e, a) => e / rowTotals[a]),
    rates: errCounts.map((e, a) => rate(e, rowTotals[a], isInt ? 0 : 4)),
    predictedTotals: domain.map((_, p) => counts.reduce((s, r) => s + r[p], 0)),
    totalError: totalErr / total,
    totalRate: rate(totalErr, total, isInt ? 0 : 2), // H2O prints the weighted Totals rate with 2 decimals
  };
}

/** Mean over classes of each class's error; a class with no rows counts as 0 (spec 9.3). */
export function meanPerClassError(cm: ConfusionMatrix): number {
  return cm.errors.reduce((s, e) => s + (Number.isNaN(e) ? 0 : e), 0) / cm.errors.length;
}

// Java's "%,d / %,d" or "%.4f / %.4f".
function rate(err: number, n: number, decimals: number): string {
  const f = (x: number) => decimals === 0
    ? Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")
    : x.toFixed(decimals);
  return `${f(err)} / ${f(n)}`;
}
