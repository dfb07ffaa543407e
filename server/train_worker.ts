/**
 * A Worker that trains one model, so the server's event loop keeps answering (`/3/Cloud`,
 * `/3/Jobs`) while training runs: the engine yields only between slices and scores on its own
 * thread, which would otherwise hold requests for hundreds of milliseconds. Built-in plugins only.
 *
 * Messages in: `{ type: "train", params, y, train, valid }` (columns of the frames), then
 * optionally `{ type: "cancel" }`. Out: `{ type: "event", event }` while training, then
 * `{ type: "done", data, folds }` (folds: the kept cross-validation models) or
 * `{ type: "error", name, message }`.
 * @module
 */
import type { Column } from "../frame/frame.ts";
import { Frame } from "../frame/frame.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { reviveColumns } from "./shared_columns.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
const controller = new AbortController();

scope.onmessage = async (e: MessageEvent) => {
  const msg = e.data as { type: string; params?: Record<string, unknown>; y?: string; train?: Column[]; valid?: Column[] | null };
  if (msg.type === "cancel") {
    controller.abort();
    return;
  }
  if (msg.type !== "train") return;
  try {
    const dl = new DeepLearning(msg.params ?? {});
    const model = await dl.train({
      y: msg.y!, training_frame: new Frame(reviveColumns(msg.train!)), validation_frame: msg.valid ? new Frame(reviveColumns(msg.valid)) : null,
      signal: controller.signal, onEvent: (event) => scope.postMessage({ type: "event", event }),
    });
    scope.postMessage({ type: "done", data: model.data, folds: dl.crossValidationModels.map((m) => m.data) });
    model.close();
  } catch (err) {
    const x = err as Error;
    scope.postMessage({ type: "error", name: x?.name ?? "Error", message: x?.message ?? String(err) });
  }
};
