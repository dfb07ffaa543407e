/**
 * A Worker that trains one model, so the server's event loop keeps answering (`/3/Cloud`,
 * `/3/Jobs`) while training runs: the engine yields only between slices and scores on its own
 * thread, which would otherwise hold requests for hundreds of milliseconds. Built-in plugins only.
 *
 * Messages in: `{ type: "train", params, y, train, valid }` (columns of the frames) or
 * `{ type: "grid", …, hyper, criteria, gridId }` (a grid search: `grid_model` and `grid_failed`
 * messages as models finish, then `grid_done`), then
 * optionally `{ type: "cancel" }`. Out: `{ type: "event", event }` while training, then
 * `{ type: "done", data, folds }` (folds: the kept cross-validation models) or
 * `{ type: "error", name, message }`.
 * @module
 */
import type { Column } from "../frame/frame.ts";
import { Frame } from "../frame/frame.ts";
import { gridSearch } from "../lifecycle/grid/grid.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { bestSoFar } from "./best_so_far.ts";
import { reviveColumns } from "./shared_columns.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
const controller = new AbortController();
const keep = bestSoFar();

scope.onmessage = async (e: MessageEvent) => {
  const msg = e.data as {
    type: string; params?: Record<string, unknown>; y?: string; train?: Column[]; valid?: Column[] | null;
    hyper?: unknown; criteria?: unknown; gridId?: string;
  };
  if (msg.type === "cancel") {
    controller.abort();
    return;
  }
  if (msg.type !== "train" && msg.type !== "grid") return;
  try {
    const training_frame = new Frame(reviveColumns(msg.train!));
    const validation_frame = msg.valid ? new Frame(reviveColumns(msg.valid)) : null;
    if (msg.type === "grid") {
      // Each finished model goes back at once, so the server holds it even if the grid is cancelled.
      const r = await gridSearch({
        training_frame, validation_frame, y: msg.y!, params: msg.params ?? {}, hyper_params: msg.hyper, search_criteria: msg.criteria,
        grid_id: msg.gridId, signal: controller.signal, onEvent: (ev) => {
          if (ev.type === "model_done") scope.postMessage({ type: "grid_model", data: ev.model.model.data, hyper: ev.model.hyperParams });
          else if (ev.type === "model_failed") scope.postMessage({ type: "grid_failed", failure: ev.failure });
          else if (ev.type === "model_start") scope.postMessage({ type: "event", event: { type: "grid_model", index: ev.index, modelId: ev.modelId } });
          else scope.postMessage({ type: "event", event: ev.event });
        },
      });
      scope.postMessage({ type: "grid_done", status: r.status, warnings: r.warnings, sortBy: r.sortBy, decreasing: r.decreasing });
      return;
    }
    const dl = new DeepLearning(msg.params ?? {});
    try {
      const model = await dl.train({ y: msg.y!, training_frame, validation_frame, signal: controller.signal, hooks: [keep.hook], onEvent: (event) => scope.postMessage({ type: "event", event }) });
      scope.postMessage({ type: "done", data: model.data, folds: dl.crossValidationModels.map((m) => m.data) });
      model.close();
    } catch (err) {
      // Cancelled: hand back the best model scored so far, as H2O keeps it.
      const best = keep.best();
      if ((err as Error)?.name !== "AbortError" || !best) throw err;
      scope.postMessage({ type: "done", data: best, folds: [], cancelled: true });
    }
  } catch (err) {
    const x = err as Error;
    scope.postMessage({ type: "error", name: x?.name ?? "Error", message: x?.message ?? String(err) });
  }
};
