/**
 * The web UI's routes (docs/ui.md): its static files at `/` and `/ui/…` (embedded in the binary
 * through the generated ./assets.gen.ts), the two H2O listing routes the Python client does not
 * use (`GET /3/Frames`, `GET /3/Jobs`), H2O's `GET /3/Frames/{id}/summary` with histograms and
 * `GET /3/Models.fetch.bin/{id}` (the model file), `GET /3/Models/{id}/export?format=js|onnx` (the
 * standalone scorer `tide export` writes), and
 * one server-sent-events stream per job for live progress. Every other request the pages make goes
 * to the same REST routes as H2O's clients.
 * @module
 */
import type { Hono } from "hono";
import type { ServerContext } from "../app.ts";
import type { Column } from "../../frame/frame.ts";
import { encodeModel } from "../../model/file.ts";
import { exportJs } from "../../export/js.ts";
import { scoringModel } from "../../export/model_view.ts";
import { exportOnnx } from "../../export/onnx.ts";
import { backends } from "../../backends/mod.ts";
import { distributions } from "../../plugins/mod.ts";
import { VERSION } from "../../version.ts";
import { frameJson } from "../frame_json.ts";
import { H2OError, json, keyRef, meta } from "../wire.ts";
import { ASSETS } from "./assets.gen.ts";

/** Bins of a numeric column's histogram on the frame page. */
const BINS = 20;
/** Seconds between keep-alive comments, below Bun.serve's idle timeout (10 s by default). */
const KEEP_ALIVE_MS = 5000;
/** Progress frames per second at most; scoring events are never dropped. */
const PROGRESS_MS = 200;

const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml", txt: "text/plain; charset=utf-8" };

/** Registers the UI's routes. */
export function uiRoutes(app: Hono, ctx: ServerContext): void {
  const asset = (name: string) => {
    const body = ASSETS[name];
    if (body === undefined) throw new H2OError(404, `UI file ${name} not found: the UI has ${Object.keys(ASSETS).join(", ")}`);
    return new Response(body, { headers: { "content-type": TYPES[name.split(".").pop()!] ?? "application/octet-stream", "cache-control": "no-cache" } });
  };
  app.get("/", () => asset("index.html"));
  app.get("/ui/:name", (c) => asset(c.req.param("name")));

  app.get("/3/Frames", () => json({
    __meta: meta("FramesV3", "Frames"), frame_id: null,
    frames: [...ctx.store.frames].map(([key, f]) => ({ __meta: meta("FrameBaseV3", "Frame"), frame_id: keyRef("Frame", key), rows: f.nrow, columns: f.ncol, is_text: false })),
  }));
  app.get("/3/Jobs", () => json({ __meta: meta("JobsV3", "Jobs"), job_id: null, jobs: ctx.jobs.all().map((j) => j.toJSON()) }));

  // H2O's model download (h2o.download_model): the model file's bytes, as `tide train` writes them.
  app.get("/3/Models.fetch.bin/:id", (c) => {
    const id = c.req.param("id");
    const bytes = encodeModel(ctx.store.model(id, "model_id").model.data);
    return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), { headers: { "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${id.replace(/[^\w.-]/g, "_")}"` } });
  });

  // The standalone scorer, as `tide export` writes it; a model the exporter refuses is a 412 with its reason.
  app.get("/3/Models/:id/export", (c) => {
    const id = c.req.param("id");
    const format = new URL(c.req.raw.url).searchParams.get("format") ?? "js";
    if (format !== "js" && format !== "onnx") throw new H2OError(412, `Illegal argument for field: format: "${format}" is not an export format; use js or onnx`);
    const data = ctx.store.model(id, "model_id").model.data;
    let bytes: Uint8Array;
    try {
      const view = scoringModel(data, (d) => (distributions.has(d) ? distributions.get(d).link : undefined));
      const producer = `tide ${VERSION} serve`;
      // Rounds as the backend that scores this model does, as tide export does.
      const float32 = !backends.has(view.backend) || backends.get(view.backend).create().precision === 32;
      bytes = format === "onnx" ? exportOnnx(view, producer) : new TextEncoder().encode(exportJs(view, producer, { float32 }));
    } catch (e) {
      if (e instanceof RangeError) throw new H2OError(412, e.message, { values: { argument: "model_id", name: id } });
      throw e;
    }
    const name = `${id.replace(/[^\w.-]/g, "_")}.${format === "onnx" ? "onnx" : "mjs"}`;
    const type = format === "onnx" ? "application/octet-stream" : "text/javascript; charset=utf-8";
    return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), { headers: { "content-type": type, "content-disposition": `attachment; filename="${name}"` } });
  });

  app.get("/3/Frames/:id/summary", (c) => {
    const id = c.req.param("id");
    const frame = ctx.store.frame(id, "frame_id");
    const body = frameJson(id, frame, { rowOffset: 0, rowCount: 10, columnOffset: 0, columnCount: -1, fullColumnCount: -1 });
    const cols = body.columns as Record<string, unknown>[];
    frame.columns.forEach((col, j) => Object.assign(cols[j], histogram(col)));
    return json({ __meta: meta("FramesV3", "Frames"), frame_id: keyRef("Frame", id), frames: [body] });
  });

  app.get("/ui/jobs/:id/events", (c) => {
    const id = c.req.param("id");
    const job = ctx.jobs.get(id);
    if (!job) throw new H2OError(404, `Job '${id}' not found`, { values: { argument: "job_id", name: id } });
    const enc = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(ctrl) {
        let open = true, last = 0;
        const send = (event: string, data: unknown) => {
          if (open) ctrl.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        };
        const end = () => {
          if (!open) return;
          send("job", job.toJSON());
          send("end", { status: job.status });
          open = false;
          cleanup();
          ctrl.close();
        };
        const listener = (e: unknown) => {
          const ev = e as { type?: string };
          if (ev.type === "end") return end();
          if (ev.type === "score") return send("score", ev);
          if (ev.type === "progress" || ev.type === "model" || ev.type === "grid_model") {
            const now = Date.now();
            if (ev.type === "progress" && now - last < PROGRESS_MS) return;
            last = now;
            send(ev.type, ev);
            send("job", job.toJSON());
          }
        };
        const timer = setInterval(() => open && ctrl.enqueue(enc.encode(": keep-alive\n\n")), KEEP_ALIVE_MS);
        cleanup = () => {
          clearInterval(timer);
          job.listeners.delete(listener);
        };
        send("job", job.toJSON());
        // Which fold or grid model the replayed scores belong to.
        const current = job.currentModel as { type: string } | null;
        if (current) send(current.type, current);
        for (const s of job.scores) send("score", s);
        if (job.status !== "RUNNING" && job.status !== "CREATED") return end();
        job.listeners.add(listener);
        c.req.raw.signal?.addEventListener("abort", () => {
          open = false;
          cleanup();
        });
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" } });
  });
}

/** H2O's histogram fields: equal-width bins for numbers, one count per level for factors. */
function histogram(col: Column): Record<string, unknown> {
  const c = col as { type: string; data?: { toArray(): ArrayLike<number> }; codes?: { length: number; at(i: number): number }; domain?: readonly string[] };
  if (c.type === "categorical") {
    const bins = new Array(c.domain!.length).fill(0);
    for (let i = 0; i < c.codes!.length; i++) {
      const k = c.codes!.at(i);
      if (k >= 0) bins[k]++;
    }
    return { histogram_bins: bins, histogram_base: 0, histogram_stride: 1 };
  }
  if (c.type !== "numeric") return {};
  const v = c.data!.toArray();
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) (lo = Math.min(lo, v[i])), (hi = Math.max(hi, v[i]));
  if (lo > hi) return { histogram_bins: [], histogram_base: 0, histogram_stride: 0 };
  const stride = hi > lo ? (hi - lo) / BINS : 1;
  const bins = new Array(hi > lo ? BINS : 1).fill(0);
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) bins[Math.min(bins.length - 1, Math.floor((v[i] - lo) / stride))]++;
  return { histogram_bins: bins, histogram_base: lo, histogram_stride: stride };
}
