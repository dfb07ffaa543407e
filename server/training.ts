/**
 * Runs one training in a Worker (server/train_worker.ts) and resolves to the model's data.
 * Errors come back with their kind (a `RangeError` for refused parameters, an `AbortError` after
 * cancellation), so the job reports them as the engine worded them.
 * @module
 */
import type { ModelData } from "../core/train/train.ts";
import type { DeepLearningEvent } from "../model/deep_learning.ts";
import type { Frame } from "../frame/frame.ts";
import { shareFrame } from "./shared.ts";

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
}

/** Trains off the main thread; the worker ends with the training. */
export async function trainInWorker(t: WorkerTraining): Promise<Trained> {
  const train = await shareFrame(t.train, t.signal);
  const valid = t.valid ? await shareFrame(t.valid, t.signal) : null;
  return await new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./train_worker.ts", import.meta.url), { type: "module" });
    const finish = () => {
      t.signal.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    const onAbort = () => worker.postMessage({ type: "cancel" });
    t.signal.addEventListener("abort", onAbort);
    worker.onmessage = (e: MessageEvent) => {
      const m = e.data as { type: string; event?: DeepLearningEvent; data?: ModelData; folds?: ModelData[]; name?: string; message?: string };
      if (m.type === "event") t.onEvent?.(m.event!);
      else if (m.type === "done") {
        finish();
        resolve({ data: m.data!, folds: m.folds ?? [] });
      } else if (m.type === "error") {
        finish();
        const Ctor = { RangeError, TypeError, SyntaxError }[m.name ?? ""] ?? Error;
        const err = m.name === "AbortError" ? new DOMException(m.message ?? "cancelled", "AbortError") : new Ctor(m.message);
        reject(err);
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      finish();
      reject(new Error(`The training worker crashed: ${e.message}`));
    };
    worker.postMessage({ type: "train", params: t.params, y: t.y, train: train.columns, valid: valid?.columns ?? null });
  });
}
