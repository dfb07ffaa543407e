/**
 * Training progress on the terminal from the engine's `TrainEvent`s: the start line (backend,
 * threads, data and network size, warnings), then one status line that redraws in place on a
 * terminal, or is repeated at most every `interval` ms when output goes to a file or pipe.
 * @module
 */
import type { HistoryRow, TrainEvent } from "../core/train/train.ts";
import type { Io } from "./_io.ts";
import { count, metric, seconds } from "./_io.ts";

/** Options of {@linkcode progressReporter}. */
export interface ProgressOptions {
  /** Print nothing at all. */
  readonly quiet?: boolean;
  /** Least milliseconds between two status lines when not on a terminal (default 2000). */
  readonly interval?: number;
  /** Least milliseconds between two redraws on a terminal (default 100). */
  readonly redraw?: number;
  /** The clock, in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/** Receives training events and prints them; call `finish()` once training has ended. */
export interface ProgressReporter {
  onEvent(e: TrainEvent): void;
  finish(): void;
}

/**
 * Prints training progress to `io.err`.
 * @example
 * ```ts
 * const progress = progressReporter(stdio);
 * await new DeepLearning(params).train({ y, training_frame, onEvent: progress.onEvent });
 * progress.finish();
 * ```
 */
export function progressReporter(io: Io, options: ProgressOptions = {}): ProgressReporter {
  const now = options.now ?? (() => performance.now());
  const interval = options.interval ?? 2000;
  const redraw = options.redraw ?? 100;
  let last: Extract<TrainEvent, { type: "progress" }> | null = null;
  let score: HistoryRow | null = null;
  let printedAt = -Infinity;
  let pending = false;
  let drawn = false;

  const print = () => {
    if (!last) return;
    const line = statusLine(last, score);
    if (io.tty) io.err(`\r${line}\x1b[K`);
    else io.err(`${line}\n`);
    printedAt = now();
    pending = false;
    drawn = true;
  };
  const maybePrint = () => {
    pending = true;
    if (now() - printedAt >= (io.tty ? redraw : interval)) print();
  };

  return {
    onEvent(e: TrainEvent): void {
      if (options.quiet) return;
      if (e.type === "start") {
        if (e.backendChoice) io.err(`${e.backendChoice}\n`);
        io.err(`${startLine(e)}\n`);
        for (const m of e.messages) if (m.level !== "error") io.err(`${m.level === "warn" ? "warning" : "note"}: ${m.message}\n`);
      } else if (e.type === "progress") {
        last = e;
        maybePrint();
      } else if (e.type === "note") {
        // Once, early: clear a status line drawn in place first.
        io.err(`${io.tty && drawn ? "\r\x1b[K" : ""}note: ${e.message.message}\n`);
      } else if (e.type === "score") {
        score = e.row;
        if (last) maybePrint();
      }
    },
    finish(): void {
      if (options.quiet) return;
      if (pending) print();
      if (io.tty && drawn) io.err("\n");
    },
  };
}

/** "Training on backend "reference" (op-level path), 1 thread: 60,000 rows × 717 inputs, …". */
export function startLine(e: Extract<TrainEvent, { type: "start" }>): string {
  const path = e.fused ? "fused kernel" : "op-level path";
  return `Training on backend "${e.backend}" (${path}), ${e.threads} thread${e.threads === 1 ? "" : "s"}: ` +
    `${count(e.rows)} rows × ${count(e.inputs)} inputs, ${count(e.parameters)} weights/biases, ${count(e.iterationSamples)} samples per iteration`;
}

/**
 * One status line: epoch, speed, the last scored training and validation metrics labelled with
 * the epoch they were scored at (training runs on between scoring events, so the metrics are
 * usually older than the epoch counter), ETA.
 */
export function statusLine(p: Extract<TrainEvent, { type: "progress" }>, score: HistoryRow | null): string {
  const target = Number.isInteger(p.targetEpochs) ? String(p.targetEpochs) : String(Number(p.targetEpochs.toPrecision(6)));
  const parts = [`epoch ${p.epochs.toFixed(2)}/${target}`, `${count(p.samplesPerSecond)} samples/s`];
  const row = score ?? p.lastScore;
  if (row) {
    const at = typeof row.epochs === "number" ? `scored at epoch ${row.epochs.toFixed(2)}: ` : "";
    const first = parts.length;
    for (const [prefix, label] of [["training", "train"], ["validation", "valid"]] as const) {
      if (row[`${prefix}_logloss`] !== undefined) {
        parts.push(`${label} logloss ${metric(row[`${prefix}_logloss`])} error ${metric(row[`${prefix}_classification_error`])}`);
      } else if (row[`${prefix}_rmse`] !== undefined) {
        parts.push(`${label} rmse ${metric(row[`${prefix}_rmse`])} deviance ${metric(row[`${prefix}_deviance`])}`);
      }
    }
    if (parts.length > first) parts[first] = at + parts[first];
  }
  parts.push(p.etaSeconds <= 0 ? `done in ${seconds(p.elapsedSeconds)}` : `ETA ${eta(p.etaSeconds)}`);
  return parts.join(" | ");
}

function eta(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const t = Math.ceil(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, "0")}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor(t / 60) % 60).padStart(2, "0")}m`;
}
