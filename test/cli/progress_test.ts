import { assert, assertEquals, test } from "../_harness.ts";
import type { TrainEvent } from "../../core/train/train.ts";
import { memoryIo } from "../../cli/_io.ts";
import { progressReporter, statusLine } from "../../cli/_progress.ts";

type Progress = Extract<TrainEvent, { type: "progress" }>;

const start: TrainEvent = {
  type: "start", backend: "reference", fused: false, threads: 1, rows: 60000, inputs: 717, parameters: 25418, iterationSamples: 6000,
  messages: [{ level: "warn", field: "rate", message: "rate is ignored while adaptive_rate is true" }, { level: "info", field: "x", message: "a note" }],
};

function progress(epochs: number, eta = 10): Progress {
  return {
    type: "progress", epochs, targetEpochs: 10, samples: epochs * 60000, iteration: 1, samplesPerSecond: 12345.6, etaSeconds: eta,
    elapsedSeconds: 3, lastScore: null,
  };
}

test("statusLine() shows epoch, speed, the last metrics labelled with the epoch they were scored at, and ETA", () => {
  const row = { epochs: 2.5, training_logloss: 0.23456, training_classification_error: 0.0612, validation_logloss: 0.25, validation_classification_error: 0.07 };
  assertEquals(
    statusLine(progress(3.2, 75), row),
    "epoch 3.20/10 | 12,346 samples/s | scored at epoch 2.50: train logloss 0.2346 error 0.0612 | valid logloss 0.25 error 0.07 | ETA 1m15s",
  );
  const reg = { epochs: 10, training_rmse: 1.5, training_deviance: 2.25 };
  assertEquals(statusLine(progress(10, 0), reg), "epoch 10.00/10 | 12,346 samples/s | scored at epoch 10.00: train rmse 1.5 deviance 2.25 | done in 3.000 s");
  // The placeholder row (no metrics yet) adds nothing.
  assertEquals(statusLine(progress(0.5), { epochs: 0 }), "epoch 0.50/10 | 12,346 samples/s | ETA 10s");
  assertEquals(statusLine(progress(0.5), null), "epoch 0.50/10 | 12,346 samples/s | ETA 10s");
});

test("progressReporter() prints the start line, warnings and at most one line per interval off a terminal", () => {
  let clock = 0;
  const io = memoryIo(false);
  const p = progressReporter(io, { now: () => clock });
  p.onEvent(start);
  p.onEvent(progress(1));
  clock = 500;
  p.onEvent(progress(2));
  p.onEvent({ type: "score", row: { epochs: 1.5, training_logloss: 0.5, training_classification_error: 0.1 } });
  clock = 2100;
  p.onEvent(progress(3));
  clock = 2200;
  p.onEvent(progress(4, 0));
  p.finish();
  const lines = io.stderr.trimEnd().split("\n");
  assert(lines[0].startsWith(`Training on backend "reference" (op-level path), 1 thread: 60,000 rows × 717 inputs, 25,418 weights/biases`), lines[0]);
  assertEquals(lines[1], "warning: rate is ignored while adaptive_rate is true");
  assertEquals(lines[2], "note: a note");
  assertEquals(lines.slice(3).map((l) => l.split(" | ")[0]), ["epoch 1.00/10", "epoch 3.00/10", "epoch 4.00/10"]);
  assert(lines[4].includes("scored at epoch 1.50: train logloss 0.5 error 0.1"), lines[4]);
  assert(!io.stderr.includes("\r"), "no carriage returns off a terminal");
  assertEquals(io.stdout, "");
});

test("progressReporter() redraws one line with \\r on a terminal and ends it at finish", () => {
  let clock = 0;
  const io = memoryIo(true);
  const p = progressReporter(io, { now: () => clock });
  for (let i = 1; i <= 5; i++) {
    clock += 150;
    p.onEvent(progress(i));
  }
  p.finish();
  assertEquals(io.stderr.split("\r").length - 1, 5);
  assert(io.stderr.endsWith("\x1b[K\n"), JSON.stringify(io.stderr.slice(-20)));
});

test("progressReporter() prints a note event as one note line, clearing a status line drawn in place", () => {
  const note: TrainEvent = { type: "note", message: { level: "info", field: "backend", message: "WebGPU start-up: 900 ms from process start" } };
  const file = memoryIo(false);
  const p = progressReporter(file);
  p.onEvent(note);
  assertEquals(file.stderr, "note: WebGPU start-up: 900 ms from process start\n");
  const tty = memoryIo(true);
  const q = progressReporter(tty, { now: () => 1000 });
  q.onEvent(progress(1));
  q.onEvent(note);
  assert(tty.stderr.endsWith("\r\x1b[Knote: WebGPU start-up: 900 ms from process start\n"), JSON.stringify(tty.stderr));
  const quiet = memoryIo(false);
  progressReporter(quiet, { quiet: true }).onEvent(note);
  assertEquals(quiet.stderr, "");
});

test("progressReporter() prints nothing when quiet", () => {
  const io = memoryIo(false);
  const p = progressReporter(io, { quiet: true });
  p.onEvent(start);
  p.onEvent(progress(1));
  p.onEvent({ type: "note", message: { level: "info", field: "backend", message: "x" } });
  p.finish();
  assertEquals(io.stderr, "");
});
