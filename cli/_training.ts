/**
 * What `tide train` and `tide demo` share: importing frames with timings, training with live
 * progress, and the final report.
 * @module
 */
import process from "node:process";
import { formatMetrics } from "../core/metrics/mod.ts";
import type { ParamSpec } from "../core/params.ts";
import type { Frame } from "../frame/frame.ts";
import { importFile } from "../frame/import.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { formatHistory, formatLayers, formatVarimp } from "../model/format.ts";
import type { DeepLearningModel } from "../model/model.ts";
import type { CrossValidationEvent } from "../lifecycle/cross_validation/cross_validate.ts";
import { formatCvSummary } from "../lifecycle/cross_validation/summary.ts";
import { abandonPendingWrites } from "../io/files.ts";
import type { TrainingHook } from "../core/train/session.ts";
import type { Io } from "./_io.ts";
import { clip, count, metric, seconds } from "./_io.ts";
import { progressReporter } from "./_progress.ts";

/** The `--header` flag shared by the commands that read CSV files. */
export const HEADER_FLAG: ParamSpec = {
  type: "enum", default: "auto", values: ["auto", "true", "false"],
  help: "Whether the first line of each CSV file names the columns; auto guesses (H2O's rule, plus one for files without numeric columns)",
};

/** The `--header` value as the CSV reader's option. */
export function headerOption(v: unknown): boolean | "auto" {
  return v === "true" ? true : v === "false" ? false : "auto";
}

/** Imports a CSV (or .csv.gz) file and says how big it is and how long it took, on `io.err`. */
export async function importTimed(path: string, io: Io, options: { quiet?: boolean; header?: boolean | "auto" } = {}): Promise<{ frame: Frame; ms: number }> {
  const t0 = performance.now();
  const frame = await importFile(path, { header: options.header ?? "auto" });
  const ms = performance.now() - t0;
  if (!options.quiet) io.err(`Imported ${path}: ${count(frame.nrow)} rows × ${count(frame.ncol)} columns in ${seconds(ms / 1000)}\n`);
  // The parser's blocks and builders are garbage now: free them before training allocates its rows.
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true);
  return { frame, ms };
}

/** A training run as the CLI describes it. */
export interface TrainingJob {
  readonly params: Readonly<Record<string, unknown>>;
  readonly y: string;
  readonly x?: readonly string[];
  readonly train: Frame;
  readonly valid: Frame | null;
  readonly quiet?: boolean;
  /** Extra training hooks (tide train --peers: the coordinator's averaging). */
  readonly hooks?: readonly TrainingHook[];
}

/**
 * Trains with progress on `io.err`. Ctrl-C aborts training through its AbortSignal (the promise
 * rejects with an AbortError, reported as status 130); a second Ctrl-C exits at once. Signal
 * handlers run only when the event loop turns, so this takes effect as soon as the training
 * loop yields to it (a loop that never yields delays Ctrl-C, handled or not, until it ends).
 * @returns the model and the wall-clock milliseconds training took
 */
export async function trainWithProgress(job: TrainingJob, io: Io): Promise<{ model: DeepLearningModel; foldModels: DeepLearningModel[]; wallMs: number }> {
  const progress = progressReporter(io, { quiet: job.quiet });
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  const t0 = performance.now();
  try {
    const onEvent = (e: CrossValidationEvent) => {
      if (e.type !== "model") {
        progress.onEvent(e);
        // --quiet hides progress and notes, never warnings (a mismatched validation frame, a capped nthreads).
        if (job.quiet && e.type === "start") for (const m of e.messages) if (m.level === "warn") io.err(`warning: ${clip(m.message)}\n`);
        return;
      }
      progress.finish();
      if (!job.quiet) io.err(`Cross-validation: ${e.role === "fold" ? `fold model ${e.index} of ${e.count}` : `main model (${e.index} of ${e.count}), ${Number(e.epochs.toFixed(4))} epochs`}: ${e.modelId}\n`);
    };
    const dl = new DeepLearning(job.params);
    const model = await dl.train({
      y: job.y, x: job.x, training_frame: job.train, validation_frame: job.valid, onEvent, signal: controller.signal, hooks: job.hooks,
    });
    return { model, foldModels: dl.crossValidationModels, wallMs: performance.now() - t0 };
  } finally {
    progress.finish();
    process.off("SIGINT", onSigint);
  }
}

/**
 * Saves the model so that Ctrl-C cannot lose it: the first Ctrl-C during the save lets it
 * finish (and says so), a second one abandons it, removing the partial file, and exits 130
 * leaving any earlier file at `path` as it was.
 * @returns true when a Ctrl-C came during the save (the model was still saved)
 */
export async function saveModel(model: DeepLearningModel, path: string, io: Io, exit: (code: number) => void = (c) => process.exit(c)): Promise<boolean> {
  let interrupted = false;
  const onSigint = () => {
    if (!interrupted) {
      interrupted = true;
      io.err(`\nFinishing the save to ${path} so the model is not lost (Ctrl-C again abandons it)\n`);
      return;
    }
    abandonPendingWrites();
    io.err(`Save abandoned: ${path} was not written (an earlier file there is unchanged)\n`);
    exit(130);
  };
  process.on("SIGINT", onSigint);
  try {
    await model.save(path);
  } finally {
    process.off("SIGINT", onSigint);
  }
  if (interrupted) io.err(`Model saved to ${path} despite the interrupt\n`);
  return interrupted;
}

/** Which parts {@linkcode formatReport} prints. */
export interface ReportOptions {
  /** Wall-clock milliseconds of training. */
  readonly wallMs: number;
  /** Milliseconds spent importing the frames, if any. */
  readonly importMs?: number;
  /** Where the model file was written, if it was. */
  readonly modelPath?: string | null;
  /** Include the scoring history (default true). */
  readonly history?: boolean;
  /** Include the top variable importances (default true). */
  readonly varimp?: boolean;
  /** Only the summary lines, no tables. */
  readonly brief?: boolean;
}

/**
 * The end-of-training report: layer table, training and validation metrics (with the confusion
 * matrix for classification), scoring history, variable importances, status and timing.
 */
export function formatReport(model: DeepLearningModel, options: ReportOptions): string {
  const d = model.data;
  const o = d.output;
  const parts: string[] = [];
  if (!options.brief) {
    parts.push(formatLayers(d));
    if (o.trainingMetrics) parts.push(formatMetrics(o.trainingMetrics, { algo: "deeplearning", on: `training (a sample of ${count(o.trainingMetrics.nobs)} rows)` }));
    if (o.validationMetrics) parts.push(formatMetrics(o.validationMetrics, { algo: "deeplearning", on: "validation" }));
    if (o.crossValidationMetrics) parts.push(formatMetrics(o.crossValidationMetrics, { algo: "deeplearning", on: "cross-validation" }));
    if (o.crossValidation) parts.push(formatCvSummary(o.crossValidation.summary));
    if (options.history ?? true) parts.push(formatHistory(o.history, d.params.overwrite_with_best_model === true));
    const vi = options.varimp ?? true ? formatVarimp(d, 10) : "";
    if (vi) parts.push(vi);
  }
  const wall = options.wallMs / 1000;
  const lines = [
    `Model ${d.modelId}: ${o.status} after ${plural(Number(o.epochs.toFixed(4)), "epoch")} (${count(o.samples)} samples, ${plural(o.iterations, "iteration")}) on backend "${o.backend}", ${plural(o.threads, "thread")}`,
    metricsLine(model),
    `Time taken: ${seconds(wall)} wall clock for training, ${count(o.samples / Math.max(wall, 1e-9))} samples/s` +
    (options.importMs !== undefined ? `; importing took ${seconds(options.importMs / 1000)}` : ""),
  ];
  // parallel_mode auto's choice; averaging with peers and any peer lost.
  for (const m of o.messages) if (m.level === "info" && (m.field === "parallel_mode" || m.field === "peers")) lines.push(`Note: ${m.message}`);
  if (options.modelPath) lines.push(`Model written to ${options.modelPath}`);
  parts.push(lines.join("\n"));
  return parts.join("\n\n") + "\n";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "training logloss 0.1 error 0.03 | validation logloss …" from the final metrics. */
export function metricsLine(model: DeepLearningModel): string {
  const o = model.data.output;
  const parts: string[] = [];
  for (const [label, m] of [["training", o.trainingMetrics], ["validation", o.validationMetrics], ["cross-validation", o.crossValidationMetrics ?? null]] as const) {
    if (!m) continue;
    const any = m as unknown as Record<string, number>;
    parts.push(m.model_category === "AutoEncoder" ? `${label} reconstruction MSE ${metric(m.mse)} rmse ${metric(m.rmse)}` : m.model_category === "Regression"
      ? `${label} rmse ${metric(m.rmse)} deviance ${metric(any.mean_residual_deviance)} r2 ${metric(m.r2)}`
      : `${label} logloss ${metric(any.logloss)} classification error ${metric(any.classification_error)}`);
  }
  return `Final metrics: ${parts.join(" | ")}`;
}
