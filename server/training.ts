/**
 * Runs one training in a Worker (server/train_worker.ts) and resolves to the model's data.
 * Errors come back with their kind (a `RangeError` for refused parameters, an `AbortError` after
 * cancellation), so the job reports them as the engine worded them.
 * @module
 */
import type { ModelData } from "../core/train/train.ts";
import type { DeepLearningEvent } from "../model/deep_learning.ts";
import type { Frame } from "../frame/frame.ts";
import { gridSearch } from "../lifecycle/grid/grid.ts";
import { shareFrame } from "./shared.ts";
import { startWorker } from "./workers.ts";

/** What {@linkcode trainInWorker} takes. */
export interface WorkerTraining {
  readonly params: Readonly<Record<string, unknown>>;
  readonly y: string;
  readonly train: Frame;
  readonly valid: Frame | null;
  readonly signal: AbortSignal;
  readonly onEvent?: (e: DeepLearningEvent) => void;
}

/** What a training leaves: the model, and with nfolds the kept fold models. */
export interface Trained {
  readonly data: ModelData;
  readonly folds: readonly ModelData[];
  /** The training was cancelled and `data` is the best model scored before that. */
  readonly cancelled?: boolean;
}

/** Trains off the main thread; the worker ends with the training. */
export async function trainInWorker(t: WorkerTraining): Promise<Trained> {
  let result: Trained | null = null;
  await runWorker(t, { type: "train" }, (m) => {
    if (m.type === "done") result = { data: m.data as ModelData, folds: (m.folds as ModelData[]) ?? [], cancelled: m.cancelled === true };
    return m.type === "done";
  });
  return result!;
}

/**
 * A grid search, off the main thread unless `worker` is false: `onMessage` sees `grid_model` and
 * `grid_failed` as models finish, then `grid_done`.
 */
export async function gridInWorker(t: WorkerTraining & { hyper: unknown; criteria: unknown; gridId: string }, onMessage: (m: Record<string, unknown>) => void, worker = true): Promise<void> {
  if (!worker || typeof Worker === "undefined") {
    const r = await gridSearch({
      training_frame: t.train, validation_frame: t.valid, y: t.y, params: t.params, hyper_params: t.hyper, search_criteria: t.criteria, grid_id: t.gridId,
      signal: t.signal, onEvent: (ev) => {
        if (ev.type === "model_done") onMessage({ type: "grid_model", data: ev.model.model.data, hyper: ev.model.hyperParams });
        else if (ev.type === "model_failed") onMessage({ type: "grid_failed", failure: ev.failure });
        // As the Worker reports a model's start (server/train_worker.ts): the UI's stream names it.
        else if (ev.type === "model_start") t.onEvent?.({ type: "grid_model", index: ev.index, modelId: ev.modelId } as unknown as DeepLearningEvent);
        else if (ev.type === "train") t.onEvent?.(ev.event);
      },
    });
    onMessage({ type: "grid_done", status: r.status, warnings: r.warnings });
    return;
  }
  await runWorker(t, { type: "grid", hyper: t.hyper, criteria: t.criteria, gridId: t.gridId }, (m) => {
    onMessage(m);
    return m.type === "grid_done";
  });
}

/** Starts the worker with the frames in shared memory; `handle` returns true on the final message. */
async function runWorker(t: WorkerTraining, extra: Record<string, unknown>, handle: (m: Record<string, unknown>) => boolean): Promise<void> {
  const train = await shareFrame(t.train, t.signal);
  const valid = t.valid ? await shareFrame(t.valid, t.signal) : null;
  const worker = await startWorker(new URL("./train_worker.ts", import.meta.url));
  await new Promise<void>((resolve, reject) => {
    const finish = () => {
      t.signal.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    const onAbort = () => worker.postMessage({ type: "cancel" });
    t.signal.addEventListener("abort", onAbort);
    worker.onmessage = (e: MessageEvent) => {
      const m = e.data as Record<string, unknown> & { type: string; name?: string; message?: string };
      if (m.type === "event") t.onEvent?.(m.event as DeepLearningEvent);
      else if (m.type === "error") {
        finish();
        const Ctor = { RangeError, TypeError, SyntaxError, ParameterError: RangeError }[m.name ?? ""] ?? Error;
        reject(m.name === "AbortError" ? new DOMException(m.message ?? "cancelled", "AbortError") : new Ctor(m.message));
      } else {
        let last = false;
        try {
          last = handle(m);
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (last) {
          finish();
          resolve();
        }
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      finish();
      reject(new Error(`The training worker crashed: ${e.message}`));
    };
    // A worker that exits without its last message (killed, out of memory) must not leave the job running.
    worker.addEventListener("close", () => {
      finish();
      reject(new Error("The training worker stopped before it finished"));
    });
    worker.postMessage({ ...extra, params: t.params, y: t.y, train: train.columns, valid: valid?.columns ?? null });
  });
}
