/**
 * H2O-like text for a model: the layer table, metrics, scoring history and variable importances.
 * @module
 */
import { formatMetrics } from "../core/metrics/mod.ts";
import { bestModelNote, formatScoringHistory, type LayerRow } from "../core/train/summary.ts";
import type { HistoryRow, ModelData } from "../core/train/train.ts";

/** Formats a number compactly (up to 6 significant digits; empty for NaN). */
export function num(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v !== "number" || Number.isNaN(v)) return "";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(5) : String(Number(v.toPrecision(6)));
}

/** Renders rows as a fixed-width table with a title. */
export function table(title: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? "").padStart(widths[i])).join("  ").trimEnd();
  return [title, line(header), ...rows.map(line)].join("\n");
}

/** The "Status of Neuron Layers" table. */
export function formatLayers(data: ModelData): string {
  const p = data.params;
  const rows = data.output.layers;
  const nParams = rows.length;
  const kind = data.problem === "autoencoder"
    ? `auto-encoder`
    : `predicting ${p.response_column}, ${data.problem === "classification" ? `${data.shape.units[data.shape.units.length - 1]}-class classification` : "regression"}`;
  const title = `Status of Neuron Layers: ${kind}, ${data.distribution} distribution, ${data.problem === "classification" ? data.softmaxLoss : (p.loss as string | undefined) ?? "Automatic"} loss, ${parameters(data)} weights/biases, ${data.output.samples} training samples, mini-batch size ${p.mini_batch_size} (${nParams} layers)`;
  const header = ["layer", "units", "type", "dropout", "l1", "l2", "mean_rate", "rate_rms", "momentum", "mean_weight", "weight_rms", "mean_bias", "bias_rms"];
  const body = rows.map((r: LayerRow) => [
    String(r.layer), String(r.units), r.type, Number.isNaN(r.dropout) ? "" : `${num(r.dropout)}%`, num(r.l1), num(r.l2),
    num(r.mean_rate), num(r.rate_rms), num(r.momentum), num(r.mean_weight), num(r.weight_rms), num(r.mean_bias), num(r.bias_rms),
  ]);
  return table(title, header, body);
}

function parameters(data: ModelData): number {
  let n = 0;
  for (const [name, a] of Object.entries(data.state)) if (/^(weights|biases)\.\d+$/.test(name)) n += a.length;
  return n;
}

/** The scoring history table (H2O's), and with overwrite_with_best_model which event the model comes from. */
export function formatHistory(rows: readonly HistoryRow[], overwriteWithBest = false): string {
  const note = bestModelNote(rows, overwriteWithBest);
  return formatScoringHistory(rows) + (note ? `\n${note}` : "");
}

/** The variable importance table (top `n`). */
export function formatVarimp(data: ModelData, n = 10): string {
  const v = data.output.varimp;
  if (!v) return "";
  const rows = v.slice(0, n).map((r) => [r.variable, num(r.relative_importance), num(r.scaled_importance), num(r.percentage)]);
  const more = v.length > n ? `\n(${v.length - n} more rows)` : "";
  return table("Variable Importances:", ["variable", "relative_importance", "scaled_importance", "percentage"], rows) + more;
}

/** The whole model printout, as H2O's `model.show()`. */
export function formatModel(data: ModelData): string {
  const o = data.output;
  const parts = [
    `Model Details\n=============\nH2ODeepLearningEstimator: Deep Learning\nModel Key: ${data.modelId}\nBackend: ${o.backend} (${o.threads} thread${o.threads === 1 ? "" : "s"}), status: ${o.status}, ${num(o.epochs)} epochs, ${o.samples} samples, ${(o.runTimeMs / 1000).toFixed(3)} s`,
    formatLayers(data),
  ];
  if (o.trainingMetrics) parts.push(formatMetrics(o.trainingMetrics, { algo: "deeplearning", on: `training (a sample of ${o.trainingMetrics.nobs} rows)` }));
  if (o.validationMetrics) parts.push(formatMetrics(o.validationMetrics, { algo: "deeplearning", on: "validation" }));
  parts.push(formatHistory(o.history, data.params.overwrite_with_best_model === true));
  const vi = formatVarimp(data);
  if (vi) parts.push(vi);
  return parts.join("\n\n");
}
