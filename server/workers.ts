/**
 * Starting the server's Workers: directly, or, when the request thread is to run at a lower
 * priority ({@linkcode setRequestPriority}), through the worker host (server/worker_host.ts),
 * started before the request thread lowers its own, so that they keep normal priority.
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
/** The nice value the request thread takes when the first Worker is started (0: none). */
let wantedNice = 0;
let hostReady: Promise<void> | null = null;

/**
 * Starts `url` as a Worker: directly, or, once {@linkcode setRequestPriority} asked for a nice
 * value, through the host, which is started (and the request thread niced) on the first call, so
 * an idle server starts as fast as ever.
 */
export async function startWorker(url: URL): Promise<WorkerLike> {
  if (wantedNice > 0) {
    hostReady ??= startWorkerHost().then(() => lowerRequestPriority(wantedNice));
    await hostReady;
  }
  if (!host) return new Worker(url, { type: "module" }) as unknown as WorkerLike;
  const w = new HostedWorker(++nextId, host);
  hosted.set(w.id, w);
  host.postMessage({ op: "spawn", id: w.id, url: url.href });
  return w;
}

/**
 * Asks for the request thread to run at `nice` (1..19) from the first Worker on: on Linux a
 * thread's nice value is its own (setpriority on thread 0), so only the request thread yields,
 * and Workers started through the host keep normal priority. Returns null when it will be
 * applied, else why not (the caller warns).
 */
export function setRequestPriority(nice: number): string | null {
  // deno-lint-ignore no-explicit-any
  const proc = (globalThis as any).process;
  if (proc?.platform !== "linux") return "per-thread priorities need Linux";
  if (!proc.getBuiltinModule?.("node:os")?.setPriority) return "this runtime cannot set thread priorities";
  if (typeof Worker === "undefined") return "this runtime has no Workers";
  wantedNice = nice;
  return null;
}

/** Starts the worker host (once); resolves when it is ready to start Workers. */
function startWorkerHost(): Promise<void> {
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
      hostReady = null;
      for (const w of [...hosted.values()]) w.deliver({ op: "close" });
    });
  });
}

/**
 * Lowers the calling thread's nice value, and that of the runtime's helper threads started before
 * it (garbage collection, allocator, compiler: they work mostly for the request thread, which
 * allocates as it answers); Workers (threads named "Worker") keep theirs. Raising one's own nice
 * value needs no privilege; a thread that ends meanwhile is skipped.
 */
function lowerRequestPriority(nice: number): void {
  // deno-lint-ignore no-explicit-any
  const proc = (globalThis as any).process;
  const os = proc.getBuiltinModule("node:os");
  const fs = proc.getBuiltinModule("node:fs");
  os.setPriority(nice);
  for (const tid of fs.readdirSync("/proc/self/task") as string[]) {
    try {
      if (Number(tid) === proc.pid || fs.readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim() === "Worker") continue;
      os.setPriority(Number(tid), nice);
    } catch { /* the thread ended */ }
  }
}
