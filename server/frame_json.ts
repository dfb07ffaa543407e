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

/**
 * Whole-column statistics, computed once per column object (frames share unchanged columns).
 * Two plain passes (sums, then squared deviations) with no per-value division, sort or
 * allocation; {@linkcode rollupsInSlices} computes the same with yields between row blocks.
 */
export function rollups(c: Column): Rollups {
  const hit = cache.get(cacheKey(c));
  if (hit) return hit;
  const steps = rollupSteps(c);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** {@linkcode rollups}, with `await tick()` between blocks of rows (a million-row column holds the event loop for one block at a time). */
export async function rollupsInSlices(c: Column, tick: () => Promise<void>): Promise<Rollups> {
  const hit = cache.get(cacheKey(c));
  if (hit) return hit;
  const steps = rollupSteps(c);
  let r = steps.next();
  while (!r.done) {
    await tick();
    r = steps.next();
  }
  return r.value;
}

function cacheKey(c: Column): object {
  return c.type === "categorical" ? c.codes : c.data;
}

/** Computes a column's rollups, pausing (yield) after each block of rows; caches the result. */
function* rollupSteps(c: Column): Generator<void, Rollups> {
  let r: Rollups;
  if (c.type === "numeric" || c.type === "categorical") {
    // Always a Float64Array (a native conversion), so the loops below see one array type and stay fast.
    r = yield* summarize(c.type === "numeric" ? c.data.toFloat64Array() : Float64Array.from(c.codes.toArray()), c.type === "categorical");
  } else {
    const missing = c.data.filter((v) => v === null).length;
    r = { mins: [], maxs: [], mean: NaN, sigma: NaN, zeros: 0, missing, integral: false };
  }
  cache.set(cacheKey(c), r);
  return r;
}

/** Rows between two pauses of {@linkcode summarize}. */
const BLOCK = 1 << 16;

/**
 * The rollups of numbers (`codes`: categorical codes, negative = missing; else NaN = missing):
 * the 5 smallest and largest values, mean, standard deviation, zeros, missing, all-integral.
 */
function* summarize(values: Float64Array, codes: boolean): Generator<void, Rollups> {
  const K = 5;
  const lo: number[] = [], hi: number[] = [];
  let n = 0, missing = 0, zeros = 0, sum = 0, integral = true;
  for (let i0 = 0; i0 < values.length; i0 += BLOCK) {
    if (i0 > 0) yield;
    for (let i = i0, end = Math.min(values.length, i0 + BLOCK); i < end; i++) {
      const v = values[i];
      if (codes ? v < 0 : v !== v) {
        missing++;
        continue;
      }
      if (v === 0) zeros++;
      else if (integral && (Math.floor(v) !== v || !Number.isFinite(v))) integral = false;
      n++;
      sum += v;
      // Insertion into the short sorted lists (a sorted column passes through them on every row).
      if (lo.length < K || v < lo[K - 1]) {
        let j = lo.length < K ? lo.push(v) - 1 : K - 1;
        for (; j > 0 && lo[j - 1] > v; j--) lo[j] = lo[j - 1];
        lo[j] = v;
      }
      if (hi.length < K || v > hi[K - 1]) {
        let j = hi.length < K ? hi.push(v) - 1 : K - 1;
        for (; j > 0 && hi[j - 1] < v; j--) hi[j] = hi[j - 1];
        hi[j] = v;
      }
    }
  }
  const mean = n ? sum / n : NaN;
  let m2 = 0;
  if (n > 1) {
    for (let i0 = 0; i0 < values.length; i0 += BLOCK) {
      yield;
      for (let i = i0, end = Math.min(values.length, i0 + BLOCK); i < end; i++) {
        const v = values[i];
        if (codes ? v < 0 : v !== v) continue;
        const d = v - mean;
        m2 += d * d;
      }
    }
  }
  return { mins: lo, maxs: hi, mean, sigma: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0, zeros, missing, integral };
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
