/**
 * A Worker that starts the server's other Workers (training, parsing) and relays their messages.
 * On Linux a thread's nice value is its own and new threads inherit their creator's: `tide serve`
 * lowers the priority of its request thread (`--request_nice`) so that clients polling without
 * pause cannot take CPU from training, and its Workers must therefore be created by a thread that
 * kept normal priority: this one, started before the request thread lowers its own.
 *
 * Messages in: `{ op: "spawn", id, url }`, `{ op: "post", id, data }`, `{ op: "terminate", id }`.
 * Out: `{ op: "ready" }` once, then `{ op: "message", id, data }`, `{ op: "error", id, message }`
 * and `{ op: "close", id }` for each child.
 * @module
 */

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
const children = new Map<number, Worker>();

scope.onmessage = (e: MessageEvent) => {
  const m = e.data as { op: string; id: number; url?: string; data?: unknown };
  if (m.op === "spawn") {
    const w = new Worker(m.url!, { type: "module" });
    children.set(m.id, w);
    w.onmessage = (ev: MessageEvent) => scope.postMessage({ op: "message", id: m.id, data: ev.data });
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault?.();
      scope.postMessage({ op: "error", id: m.id, message: ev.message });
    };
    w.addEventListener("close", () => {
      children.delete(m.id);
      scope.postMessage({ op: "close", id: m.id });
    });
  } else if (m.op === "post") children.get(m.id)?.postMessage(m.data);
  else if (m.op === "terminate") {
    children.get(m.id)?.terminate();
    children.delete(m.id);
  }
};
scope.postMessage({ op: "ready" });

// A module, not a script: its names stay its own.
export {};
