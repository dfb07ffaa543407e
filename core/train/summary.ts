/**
 * The model summary ("Status of Neuron Layers", spec §7.5) and the numerical-instability guard
 * (§5.7), both from per-layer statistics of the parameters.
 * @module
 */
import type { Optimizer, OptimizerParams } from "../optimizer.ts";

/** One row of the layer table, with H2O's column meanings. */
export interface LayerRow {
  readonly layer: number;
  readonly units: number;
  readonly type: string;
  /** Percent. */
  readonly dropout: number;
  readonly l1: number;
  readonly l2: number;
  readonly mean_rate: number;
  readonly rate_rms: number;
  readonly momentum: number;
  readonly mean_weight: number;
  readonly weight_rms: number;
  readonly mean_bias: number;
  readonly bias_rms: number;
}

/** What the table needs besides the parameters. */
export interface SummaryContext {
  readonly units: readonly number[];
  readonly activation: string;
  readonly hiddenDropout: boolean;
  readonly output: "softmax" | "linear" | "reconstruct";
  readonly dropout: readonly number[];
  readonly l1: number;
  readonly l2: number;
  readonly optimizer: Optimizer;
  readonly optimizerParams: OptimizerParams;
  readonly samples: number;
}

/** Mean and "RMS" as H2O reports it: the root mean square deviation from the mean. */
function meanRms(x: Float64Array): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let d2 = 0;
  for (let i = 0; i < x.length; i++) d2 += (x[i] - mean) ** 2;
  return x.length ? [mean, Math.sqrt(d2 / x.length)] : [NaN, NaN];
}

/** The layer table from the parameters by name ("weights.0", "biases.0", slots …). */
export function layerTable(state: Readonly<Record<string, Float64Array>>, ctx: SummaryContext): LayerRow[] {
  const rows: LayerRow[] = [{
    layer: 1, units: ctx.units[0], type: "Input", dropout: 100 * ctx.dropout[0], l1: NaN, l2: NaN,
    mean_rate: NaN, rate_rms: NaN, momentum: NaN, mean_weight: NaN, weight_rms: NaN, mean_bias: NaN, bias_rms: NaN,
  }];
  const L1 = ctx.units.length - 1;
  const k = ctx.optimizer.slots;
  const s = new Float64Array(k);
  for (let m = 0; m < L1; m++) {
    const W = state[`weights.${m}`], b = state[`biases.${m}`];
    const p = ctx.optimizer.schedule ? ctx.optimizer.schedule(ctx.optimizerParams, { layer: m + 1, samples: ctx.samples }) : ctx.optimizerParams;
    let rs = 0, rs2 = 0;
    if (ctx.optimizer.rate) {
      const slots = Array.from({ length: k }, (_, j) => state[`weights.${m}.slot${j}`]);
      for (let i = 0; i < W.length; i++) {
        for (let j = 0; j < k; j++) s[j] = slots[j][i];
        const r = ctx.optimizer.rate(s, p);
        rs += r;
        rs2 += r * r;
      }
    }
    const [mw, rw] = meanRms(W), [mb, rb] = meanRms(b);
    const isOut = m === L1 - 1;
    rows.push({
      layer: m + 2, units: ctx.units[m + 1],
      type: isOut ? (ctx.output === "softmax" ? "Softmax" : ctx.output === "reconstruct" ? ctx.activation : "Linear") : ctx.activation + (ctx.hiddenDropout ? "Dropout" : ""),
      dropout: isOut ? NaN : 100 * ctx.dropout[m + 1], l1: ctx.l1, l2: ctx.l2,
      mean_rate: ctx.optimizer.rate ? rs / W.length : NaN,
      rate_rms: ctx.optimizer.rate ? Math.sqrt(Math.max(0, rs2 / W.length - (rs / W.length) ** 2)) : NaN,
      momentum: p.step_momentum ?? 0,
      mean_weight: mw, weight_rms: rw, mean_bias: mb, bias_rms: rb,
    });
  }
  return rows;
}

/** The instability rule of spec §5.7: a reason string, or undefined when the model is sane. */
export function instability(table: readonly LayerRow[]): string | undefined {
  for (const r of table.slice(1)) {
    const bad = [r.mean_weight, r.weight_rms, r.mean_bias, r.bias_rms].some(Number.isNaN) ||
      Math.abs(r.mean_weight) > 1e10 || r.weight_rms > 1e10 || Math.abs(r.mean_bias) > 1e5 || r.bias_rms > 1e5;
    if (bad) {
      return `layer ${r.layer} is numerically unstable (mean weight ${r.mean_weight}, weight RMS ${r.weight_rms}, mean bias ${r.mean_bias}, bias RMS ${r.bias_rms}): try Tanh, l1/l2 regularization, max_w2, or a smaller rate`;
    }
  }
  return undefined;
}

/** A scoring-history row, as the training loop records it (keys are H2O's column names). */
type ScoringRow = Readonly<Record<string, number | string>>;

const HISTORY_FIRST = ["timestamp", "duration", "training_speed", "epochs", "iterations", "samples"];

function historyCell(v: number | string | undefined, key: string): string {
  if (typeof v === "string") return v;
  if (v === undefined || Number.isNaN(v)) return key === "training_speed" ? "" : "nan";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e15) ? v.toExponential(6) : String(Number(v.toPrecision(7)));
}

/**
 * H2O's "Scoring History" table as its Python client prints it: timestamp, duration, training
 * speed, epochs, iterations, samples, then every training and validation metric, one row per
 * scoring event (the first is the placeholder H2O creates with the model), columns named as
 * H2O names them. The index column numbers the rows from 1, so other text can point at one.
 */
export function formatScoringHistory(rows: readonly ScoringRow[]): string {
  const keys = [...HISTORY_FIRST];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const body = rows.map((r, i) => [String(i + 1), ...keys.map((k) => historyCell(r[k], k))]);
  const header = ["", ...keys];
  const widths = header.map((h, j) => Math.max(h.length, 2, ...body.map((r) => r[j].length)));
  const line = (cells: readonly string[]) => cells.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd();
  return ["Scoring History:", line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/**
 * With `overwrite_with_best_model`, which scoring event the final model comes from. Training
 * restores the best scored parameters when a later event scored worse and scores them once more,
 * so the history then ends with two rows at the same sample count, the last repeating the best
 * event's metrics exactly (same parameters, same scoring rows). Empty when the option is off.
 */
export function bestModelNote(rows: readonly ScoringRow[], overwriteWithBest: boolean): string {
  if (!overwriteWithBest || rows.length < 2) return "";
  const last = rows[rows.length - 1], prev = rows[rows.length - 2];
  const restored = rows.length >= 3 && (last.samples as number) > 0 && last.samples === prev.samples;
  if (!restored) return "overwrite_with_best_model: the final model is the last one trained; no earlier scoring event scored better.";
  const metricKeys = Object.keys(last).filter((k) => /^(training|validation)_/.test(k) && k !== "training_speed");
  const same = (r: ScoringRow) => metricKeys.every((k) => r[k] === last[k] || (Number.isNaN(r[k]) && Number.isNaN(last[k])));
  for (let i = 1; i < rows.length - 1; i++) {
    if (same(rows[i])) {
      return `overwrite_with_best_model: the final model is the best one scored, from the scoring event at epoch ${historyCell(rows[i].epochs, "epochs")} (row ${i + 1} of the scoring history); row ${rows.length} scores it again after restoring it.`;
    }
  }
  return `overwrite_with_best_model: the final model is the best one scored, restored and scored again in row ${rows.length} of the scoring history.`;
}
