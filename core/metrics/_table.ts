/**
 * Plain-text tables in the layout H2O's Python client prints (tabulate's "simple" style, every
 * column left-aligned): header, a dashed rule per column, then the rows; columns two spaces apart.
 * @module
 */

/** Renders `rows` under `header`, with an optional title line above. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], title?: string): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd();
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  return (title ? [title, ...out] : out).join("\n");
}

/** A number as tabulate's default "g" format shows it: integers whole, others to 6 significant digits. */
export function g(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return String(Number(x.toPrecision(6)));
}
