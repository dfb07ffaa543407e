/**
 * Frames on the wire: `FramesV3` with per-column rollups (spec §3.10), the CSV of
 * `/3/DownloadDataset` (§3.11), and H2O's column type names.
 * @module
 */
import type { Column, Frame } from "../frame/frame.ts";
import { columnBytes } from "../frame/frame.ts";
import { keyRef, meta } from "./wire.ts";

/** H2O's column type: integral numeric columns are `int` (the client's `asfactor()` insists). */
export function h2oType(c: Column): "int" | "real" | "enum" | "string" {
  if (c.type === "categorical") return "enum";
  if (c.type === "string") return "string";
  return rollups(c).integral ? "int" : "real";
}

/** ParseSetup's guessed type names. */
export function setupType(c: Column): "Numeric" | "Enum" | "String" {
  return c.type === "numeric" ? "Numeric" : c.type === "categorical" ? "Enum" : "String";
}

interface Rollups {
  mins: number[];
  maxs: number[];
  mean: number;
  sigma: number;
  zeros: number;
  missing: number;
  integral: boolean;
}

const cache = new WeakMap<object, Rollups>();

/** Whole-column statistics, computed once per column object (frames share unchanged columns). */
export function rollups(c: Column): Rollups {
  const key: object = c.type === "categorical" ? c.codes : c.data;
  const hit = cache.get(key);
  if (hit) return hit;
  let r: Rollups;
  if (c.type === "numeric") {
    let n = 0, missing = 0, zeros = 0, mean = 0, m2 = 0, integral = true;
    const values = c.data.toArray();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      if (v === 0) zeros++;
      if (integral && !Number.isInteger(v)) integral = false;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
    const { lo, hi } = extremes(values, 5);
    r = { mins: lo, maxs: hi, mean: n ? mean : NaN, sigma: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0, zeros, missing, integral };
  } else if (c.type === "categorical") {
    let missing = 0, zeros = 0, n = 0, mean = 0, m2 = 0;
    const codes = c.codes.toArray(); // once per column (cached): a constant column's codes are filled
    for (let i = 0; i < codes.length; i++) {
      const v = codes[i];
      if (v < 0) {
        missing++;
        continue;
      }
      if (v === 0) zeros++;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
    const { lo, hi } = extremes(Float64Array.from(codes, (v) => (v < 0 ? NaN : v)), 5);
    r = { mins: lo, maxs: hi, mean: n ? mean : NaN, sigma: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0, zeros, missing, integral: true };
  } else {
    const missing = c.data.filter((v) => v === null).length;
    r = { mins: [], maxs: [], mean: NaN, sigma: NaN, zeros: 0, missing, integral: false };
  }
  cache.set(key, r);
  return r;
}

/** Up to k smallest and largest non-missing values, in one pass. */
function extremes(data: ArrayLike<number>, k: number): { lo: number[]; hi: number[] } {
  const lo: number[] = [], hi: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) continue;
    if (lo.length < k || v < lo[lo.length - 1]) {
      lo.push(v);
      lo.sort((a, b) => a - b);
      if (lo.length > k) lo.pop();
    }
    if (hi.length < k || v > hi[hi.length - 1]) {
      hi.push(v);
      hi.sort((a, b) => b - a);
      if (hi.length > k) hi.pop();
    }
  }
  return { lo, hi };
}

/** Window options of `GET /3/Frames/{id}`. */
export interface FrameWindow {
  rowOffset: number;
  rowCount: number;
  columnOffset: number;
  columnCount: number;
  fullColumnCount: number;
}

/** `FrameV3`: the frame's size, and its columns in the window with data and rollups. */
export function frameJson(key: string, frame: Frame, w: FrameWindow): Record<string, unknown> {
  const ncol = frame.ncol;
  const c0 = Math.max(0, w.columnOffset);
  const cn = w.columnCount < 0 ? ncol - c0 : Math.min(w.columnCount, ncol - c0);
  const full = w.fullColumnCount < 0 ? cn : w.fullColumnCount;
  const r0 = Math.max(0, w.rowOffset);
  const rn = Math.max(0, Math.min(w.rowCount < 0 ? frame.nrow : w.rowCount, frame.nrow - r0));
  const columns = frame.columns.slice(c0, c0 + Math.max(0, cn)).map((c, j) => columnJson(c, r0, rn, j < full));
  return {
    __meta: meta("FrameV3", "Frame"), frame_id: keyRef("Frame", key), byte_size: byteSize(frame), is_text: false, checksum: 0,
    row_offset: r0, row_count: rn, column_offset: c0, column_count: columns.length, full_column_count: full,
    total_column_count: ncol, rows: frame.nrow, num_columns: ncol, default_percentiles: [0.001, 0.01, 0.1, 0.25, 0.333, 0.5, 0.667, 0.75, 0.9, 0.99, 0.999],
    columns, compatible_models: null, chunk_summary: null, distribution_summary: null,
  };
}

function columnJson(c: Column, r0: number, rn: number, withData: boolean): Record<string, unknown> {
  const r = rollups(c);
  let data: unknown = null, stringData: unknown = null;
  if (withData) {
    if (c.type === "numeric") data = Array.from({ length: rn }, (_, k) => c.data.at(r0 + k));
    else if (c.type === "categorical") data = Array.from({ length: rn }, (_, k) => { const v = c.codes.at(r0 + k); return v < 0 ? NaN : v; });
    else stringData = c.data.slice(r0, r0 + rn);
  }
  return {
    __meta: meta("ColV3", "Vec"), label: c.name, type: h2oType(c), domain: c.type === "categorical" ? c.domain : null,
    domain_cardinality: c.type === "categorical" ? c.domain.length : 0, data, string_data: stringData, precision: -1,
    missing_count: r.missing, zero_count: r.zeros, positive_infinity_count: r.maxs.filter((v) => v === Infinity).length,
    negative_infinity_count: r.mins.filter((v) => v === -Infinity).length, mins: r.mins, maxs: r.maxs, mean: r.mean, sigma: r.sigma,
    histogram_bins: null, histogram_base: 0, histogram_stride: 0, percentiles: null,
  };
}

function byteSize(frame: Frame): number {
  return frame.columns.reduce((s, c) => s + columnBytes(c), 0);
}

/** The frame as H2O's download CSV: quoted header, quoted labels and strings, empty for missing. */
export function frameCsv(frame: Frame, options: { escapeQuotes?: boolean; sep?: string; header?: boolean; quoteHeader?: boolean } = {}): string {
  const { escapeQuotes = true, sep = ",", header = true, quoteHeader = true } = options;
  const q = (s: string) => `"${escapeQuotes ? s.replace(/"/g, '""') : s}"`;
  const lines = header ? [frame.names.map((n) => (quoteHeader ? q(n) : n)).join(sep)] : [];
  const cols = frame.columns;
  for (let i = 0; i < frame.nrow; i++) {
    const cells = cols.map((c) => {
      if (c.type === "numeric") {
        const v = c.data.at(i);
        return Number.isNaN(v) ? "" : String(v);
      }
      if (c.type === "categorical") {
        const k = c.codes.at(i);
        return k < 0 ? "" : q(c.domain[k]);
      }
      return c.data[i] === null ? "" : q(c.data[i]!);
    });
    lines.push(cells.join(sep));
  }
  return `${lines.join("\n")}\n`;
}
