/**
 * Plain-text views of a frame for terminals and logs: H2O's `describe()` table and `head()`.
 * Numbers print compactly (integers in full, otherwise 6 significant digits).
 * @module
 */
import type { Column, ColumnSummary, Frame } from "./frame.ts";
import { levelAt } from "./frame.ts";

/** Options for {@linkcode formatDescribe}. */
export interface DescribeOptions {
  /**
   * `"wide"`: H2O's layout, one row per statistic and one column per frame column; `"long"`:
   * one line per frame column; `"auto"` (default): wide when it fits in `width`.
   */
  layout?: "wide" | "long" | "auto";
  /** Long layout: most lines listed (the first ones and the last few); default 40, `Infinity` for all. */
  maxLines?: number;
  /** Characters per line the wide layout may use; default 120. */
  width?: number;
}

/** Options for {@linkcode formatHead}. */
export interface HeadOptions {
  /** Characters per line; columns that do not fit are elided in the middle. Default 120. */
  width?: number;
}

/**
 * Formats a number compactly: integers up to 1e15 in full, others with 6 significant digits
 * (exponent form below 1e-4 or from 1e15), NaN as "NA", infinities as "Inf" / "-Inf".
 */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NA";
  if (v === Infinity) return "Inf";
  if (v === -Infinity) return "-Inf";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return String(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) return v.toExponential(5).replace(/\.?0+e/, "e");
  const s = v.toPrecision(6);
  return s.includes("e") ? s : s.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** H2O's type names: int (numeric, all whole numbers), real, enum, string. */
function h2oType(c: Column): string {
  if (c.type === "categorical") return "enum";
  if (c.type === "string") return "string";
  const d = c.data;
  if (d.storage === "constant") return Number.isInteger(d.bias) ? "int" : "real";
  if (d.storage !== "float32" && d.storage !== "float64") return "int"; // whole-number encodings
  const raw = d.raw!;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v === v && v !== Math.trunc(v) && Number.isFinite(v)) return "real";
  }
  return "int";
}

const STATS: readonly [string, (s: ColumnSummary, type: string) => string][] = [
  ["mins", (s) => num(s.min)],
  ["mean", (s) => num(s.mean)],
  ["maxs", (s) => num(s.max)],
  ["sigma", (s) => num(s.sigma)],
  ["zeros", (s, t) => (t === "enum" || t === "string" ? "-" : String(s.zeros))],
  ["missing", (s) => String(s.missing)],
  ["cardinality", (s) => num(s.cardinality)],
];

/** A statistic that does not apply (NaN in a summary) prints as "-". */
function num(v: number): string {
  return Number.isNaN(v) ? "-" : formatNumber(v);
}

/**
 * The frame's summary as text, like H2O's `describe()`: type (int, real, enum, string), mins,
 * mean, maxs, sigma (sample standard deviation), zeros, missing and cardinality per column.
 * Wide frames switch to one line per column, listing the first and last columns and counting
 * the constant and incomplete ones, which reads better than 785 side-by-side columns.
 * @example
 * ```ts
 * console.log(formatDescribe(await importFile("iris.csv")));
 * ```
 */
export function formatDescribe(frame: Frame, options: DescribeOptions = {}): string {
  const { layout = "auto", maxLines = 40, width = 120 } = options;
  const summaries = frame.describe();
  const types = frame.columns.map(h2oType);
  const stored = frame.storage();
  const storage = stored.map((s) => s.storage);
  const title = `Frame: ${frame.nrow} rows × ${frame.ncol} columns (${typeCounts(types)})`;
  if (frame.ncol === 0) return title;
  const footer = storageLine(frame.bytes, stored);
  const wide = [
    ["", ...frame.names],
    ["type", ...types],
    ["storage", ...storage],
    ...STATS.map(([label, f]) => [label, ...summaries.map((s, j) => f(s, types[j]))]),
  ];
  const wideText = table(wide, [false, ...frame.names.map(() => true)]);
  const fits = wideText.split("\n").every((l) => l.length <= width);
  if (layout === "wide" || (layout === "auto" && fits)) return `${title}\n${wideText}\n${footer}`;

  const header = ["column", "type", "storage", ...STATS.map(([label]) => label)];
  // Runs of three or more constant columns with the same statistics (MNIST's blank border
  // pixels) fold into one line named by their first and last column.
  const rows: string[][] = [];
  for (let j = 0; j < summaries.length;) {
    const stats = STATS.map(([, f]) => f(summaries[j], types[j]));
    const key = types[j] + storage[j] + stats.join("|");
    let k = j + 1;
    if (isConstant(summaries[j], types[j], frame.nrow)) {
      while (k < summaries.length && isConstant(summaries[k], types[k], frame.nrow) &&
        types[k] + storage[k] + STATS.map(([, f]) => f(summaries[k], types[k])).join("|") === key) k++;
    }
    if (k - j >= 3) rows.push([`${summaries[j].name} … ${summaries[k - 1].name} (${k - j})`, types[j], storage[j], ...stats]);
    else for (let i = j; i < k; i++) rows.push([summaries[i].name, types[i], storage[i], ...STATS.map(([, f]) => f(summaries[i], types[i]))]);
    j = k;
  }
  let shown = rows;
  let note = "";
  if (rows.length > maxLines) {
    const tail = Math.min(5, Math.floor(maxLines / 4));
    const head = Math.max(0, maxLines - tail);
    const hidden = rows.length - head - tail;
    shown = [...rows.slice(0, head), [`… ${hidden} more lines`, "", "", "", "", "", "", "", "", ""], ...rows.slice(rows.length - tail)];
    note = `\n(${hidden} lines not shown; pass { maxLines: Infinity } to list all)`;
  }
  const constant = summaries.filter((s, j) => isConstant(s, types[j], frame.nrow)).map((s) => s.name);
  const incomplete = summaries.filter((s) => s.missing > 0).map((s) => s.name);
  const lines = [title, table([header, ...shown], [false, false, false, true, true, true, true, true, true, true]) + note];
  if (constant.length) lines.push(`constant columns: ${constant.length} (${list(constant)})`);
  if (incomplete.length) lines.push(`columns with missing values: ${incomplete.length} (${list(incomplete)})`);
  lines.push(footer);
  return lines.join("\n");
}

/**
 * The first `n` rows as a text table (missing values print as NA); columns that do not fit the
 * width are elided in the middle.
 */
export function formatHead(frame: Frame, n = 10, options: HeadOptions = {}): string {
  const width = options.width ?? 120;
  const k = Math.min(Math.max(0, Math.floor(n)), frame.nrow);
  const cells = frame.columns.map((c) => [c.name, ...Array.from({ length: k }, (_, i) => cell(c, i))]);
  const widths = cells.map((col) => Math.max(...col.map((s) => s.length)));
  const index = ["", ...Array.from({ length: k }, (_, i) => String(i))];
  // Keep columns from both ends while they fit, as pandas does.
  let used = index.reduce((m, s) => Math.max(m, s.length), 0) + 2;
  const left: number[] = [], right: number[] = [];
  for (let a = 0, b = cells.length - 1; a <= b;) {
    const j = left.length <= right.length ? a : b;
    if (used + widths[j] + 2 > width - 3 && left.length + right.length > 0) break;
    used += widths[j] + 2;
    if (j === a) left.push(a++);
    else right.unshift(b--);
  }
  const picked = [...left, ...right];
  const elided = picked.length < cells.length;
  const columns = [index, ...left.map((j) => cells[j]), ...(elided ? [["…", ...index.slice(1).map(() => "…")]] : []), ...right.map((j) => cells[j])];
  const numeric = [false, ...left.map((j) => frame.columns[j].type === "numeric"), ...(elided ? [false] : []), ...right.map((j) => frame.columns[j].type === "numeric")];
  const title = `First ${k} of ${frame.nrow} rows${elided ? `, ${picked.length} of ${frame.ncol} columns` : ""}`;
  return `${title}\n${table(transpose(columns), numeric)}`;
}

/** A numeric or enum column whose present values are all equal (enum: a single level). */
function isConstant(s: ColumnSummary, type: string, nrow: number): boolean {
  if (type === "string" || s.missing >= nrow) return false;
  return type === "enum" ? s.cardinality === 1 : s.min === s.max;
}

function cell(c: Column, i: number): string {
  if (c.type === "numeric") return formatNumber(c.data.at(i));
  const v = c.type === "categorical" ? levelAt(c, i) : c.data[i];
  if (v === null) return "NA";
  return v.length > 24 ? v.slice(0, 23) + "…" : v;
}

/**
 * "Storage: 43.1 MB in memory: 718 int8 (43.1 MB), 67 constant (0 B)", as H2O's chunk
 * compression summary totals the bytes per encoding.
 */
function storageLine(total: number, stored: readonly { storage: string; bytes: number }[]): string {
  const by = new Map<string, { n: number; bytes: number }>();
  for (const s of stored) {
    const e = by.get(s.storage) ?? { n: 0, bytes: 0 };
    e.n++;
    e.bytes += s.bytes;
    by.set(s.storage, e);
  }
  return `Storage: ${formatBytes(total)} in memory: ${[...by].map(([k, e]) => `${e.n} ${k} (${formatBytes(e.bytes)})`).join(", ")}`;
}

/** Bytes in B, KB, MB or GB (powers of 1000, one decimal). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1000, u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function typeCounts(types: string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t}`).join(", ");
}

function list(names: string[]): string {
  return names.length <= 8 ? names.join(", ") : `${names.slice(0, 6).join(", ")}, … ${names[names.length - 1]}`;
}

function transpose(cols: string[][]): string[][] {
  return cols[0].map((_, i) => cols.map((c) => c[i]));
}

/** Aligns rows of cells: text left, numbers (per column flag) right, two spaces apart. */
function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows
    .map((r) => r.map((s, j) => (right[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]))).join("  ").trimEnd())
    .join("\n");
}
