/**
 * Starting the server's Workers: directly, or through the worker host (server/worker_host.ts)
 * once {@linkcode startWorkerHost} has run, so that they keep normal priority after the request
 * thread lowers its own ({@linkcode lowerRequestPriority}).
 * @module
 */

/** What the server uses of a Worker. */
export interface WorkerLike {
  postMessage(data: unknown): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  addEventListener(type: "close", listener: () => void): void;
}

/** A child of the host, as the request thread sees it. */
class HostedWorker implements WorkerLike {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  readonly #closers: (() => void)[] = [];
  #open = true;

  constructor(readonly id: number, readonly host: Worker) {}

  postMessage(data: unknown): void {
    if (this.#open) this.host.postMessage({ op: "post", id: this.id, data });
  }

  terminate(): void {
    if (!this.#open) return;
    this.#open = false;
    this.host.postMessage({ op: "terminate", id: this.id });
    hosted.delete(this.id);
  }

  addEventListener(_type: "close", listener: () => void): void {
    this.#closers.push(listener);
  }

  /** The host's word about this child. */
  deliver(m: { op: string; data?: unknown; message?: string }): void {
    if (m.op === "message") this.onmessage?.(new MessageEvent("message", { data: m.data }));
    else if (m.op === "error") this.onerror?.(new ErrorEvent("error", { message: m.message }));
    else if (m.op === "close") {
      this.#open = false;
      hosted.delete(this.id);
      for (const l of this.#closers) l();
    }
  }
}

let host: Worker | null = null;
const hosted = new Map<number, HostedWorker>();
let nextId = 0;

/** Starts `url` as a Worker: through the host when there is one. */
export function startWorker(url: URL): WorkerLike {
  if (!host) return new Worker(url, { type: "module" }) as unknown as WorkerLike;
  const w = new HostedWorker(++nextId, host);
  hosted.set(w.id, w);
  host.postMessage({ op: "spawn", id: w.id, url: url.href });
  return w;
}

/** Starts the worker host (once); resolves when it is ready to start Workers. */
export function startWorkerHost(): Promise<void> {
  if (host) return Promise.resolve();
  const h = new Worker(new URL("./worker_host.ts", import.meta.url), { type: "module" });
  // The host alone must not keep a process alive (the server's socket does that).
  (h as { unref?: () => void }).unref?.();
  return new Promise((resolve, reject) => {
    h.onmessage = (e: MessageEvent) => {
      const m = e.data as { op: string; id: number };
      if (m.op === "ready") {
        host = h;
        resolve();
      } else hosted.get(m.id)?.deliver(m);
    };
    h.onerror = (e: ErrorEvent) => reject(new Error(`The worker host did not start: ${e.message}`));
    // A host that stops takes its children with it: tell each one's owner.
    h.addEventListener("close", () => {
      if (host === h) host = null;
      for (const w of [...hosted.values()]) w.deliver({ op: "close" });
    });
  });
}

/**
 * Lowers the calling thread's priority to `nice` (1..19). On Linux this is the thread's own
 * setting (setpriority on thread 0), so only the request thread yields; Workers started through
 * the host keep theirs. Returns null when done, else why not (the caller warns).
 */
export function lowerRequestPriority(nice: number): string | null {
  try {
    // deno-lint-ignore no-explicit-any
    const proc = (globalThis as any).process;
    if (proc?.platform !== "linux") return "per-thread priorities need Linux";
    const os = proc.getBuiltinModule?.("node:os");
    if (!os?.setPriority) return "this runtime cannot set thread priorities";
    os.setPriority(nice);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
