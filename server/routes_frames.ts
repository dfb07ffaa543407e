/**
 * Data in and frames out (spec §3.5–3.11, §3.20): import (local files under the data roots,
 * http(s) URLs, folders with a pattern), upload, parse setup, parse as a job, frame windows, CSV
 * download, Rapids, and removal.
 * @module
 */
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { basename, join } from "node:path";
import type { Hono } from "hono";
import type { Column, ColumnInput, Frame as FrameT, NumericColumn } from "../frame/frame.ts";
import { asCategorical, asNumeric, Frame, levelAt } from "../frame/frame.ts";
import { writeFileAtomic } from "../io/files.ts";
import type { ServerContext } from "./app.ts";
import { frameCsv, frameJson, type FrameWindow, setupType } from "./frame_json.ts";
import { ResponseCache } from "./response_cache.ts";
import { parseBytes, setupFrameOff } from "./parsing.ts";
import { evalRapids, parseRapids } from "./rapids.ts";
import { shareFrame, warmRollups } from "./shared.ts";
import { slicer } from "./slices.ts";
import { readShared, toShared } from "./shared_columns.ts";
import { bool, H2OError, int, json, jsonText, keyName, keyRef, meta, parseList, readBodyLimited, readForm, toJson } from "./wire.ts";

/** Serialized `GET /3/Frames/{id}` answers, per frame object and window. */
const frameWindows = new ResponseCache<FrameT>(16);

/** Registers the frame routes. */
export function frameRoutes(app: Hono, ctx: ServerContext): void {
  const { store, roots } = ctx;

  app.post("/3/ImportFilesMulti", async (c) => {
    const form = await readForm(c.req.raw);
    const paths = parseList(form.paths ?? "").filter((p): p is string => !!p);
    if (paths.length === 0) throw new H2OError(412, "Required field paths not specified");
    const pattern = form.pattern ? safeRegex(form.pattern) : null;
    const files: string[] = [], fails: string[] = [], dests: string[] = [];
    for (const p of paths) {
      try {
        if (/^https?:\/\//i.test(p)) {
          const res = await fetch(p);
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          store.raws.set(p, { bytes: toShared(new Uint8Array(await res.arrayBuffer())), source: p });
          files.push(p), dests.push(p);
          continue;
        }
        const abs = roots.resolve(p, "paths");
        const st = await stat(abs).catch(() => null);
        if (!st) throw new Error("no such file or folder");
        const list = st.isDirectory()
          ? (await readdir(abs)).sort().filter((n) => !pattern || pattern.test(n)).map((n) => join(abs, n))
          : [abs];
        for (const f of list) {
          const real = roots.resolve(f, "paths");
          if (!(await stat(real)).isFile()) continue;
          const key = `nfs:/${real}`;
          store.raws.set(key, { bytes: await readShared(real), source: real });
          files.push(real), dests.push(key);
        }
      } catch (e) {
        if (e instanceof H2OError) throw e;
        fails.push(`${p}: ${(e as Error).message}`);
      }
    }
    return json({ __meta: meta("ImportFilesMultiV3", "ImportFilesMulti"), paths, pattern: form.pattern ?? null, files, destination_frames: dests, fails, dels: [] });
  });

  const postFile = async (c: { req: { raw: Request } }) => {
    const req = c.req.raw;
    const limit = ctx.options.maxUploadBytes;
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > limit) throw new H2OError(413, `Upload too large: ${declared} bytes, the limit is ${limit} (tide serve --max_upload_mb)`);
    let bytes = await readBodyLimited(req, limit, `Upload too large: over ${limit} bytes (tide serve --max_upload_mb)`);
    const type = req.headers.get("content-type") ?? "";
    if (type.startsWith("multipart/form-data")) bytes = firstPart(bytes, type);
    const url = new URL(req.url);
    const key = keyName(url.searchParams.get("destination_frame") ?? undefined) ?? `upload${Math.random().toString(16).slice(2, 14)}`;
    store.raws.set(key, { bytes: toShared(bytes), source: key });
    return json({ destination_frame: key, total_bytes: bytes.length });
  };
  app.post("/3/PostFile", postFile);
  app.post("/3/PostFile.bin", postFile);

  app.post("/3/ParseSetup", async (c) => {
    const form = await readForm(c.req.raw);
    const sources = parseList(form.source_frames ?? "").filter((s): s is string => !!s);
    if (sources.length === 0) throw new H2OError(412, "Required field source_frames not specified");
    const header = int(form, "check_header", 0);
    const raw = ctx.store.raws.get(sources[0]);
    if (!raw) throw new H2OError(404, `Object '${sources[0]}' not found for argument: source_frames`);
    const frame = await setupFrameOff(raw.bytes, raw.source, headerOption(header), ctx.options.workers);
    const hasHeader = header === 1 || (header === 0 && !frame.names.every((n, j) => n === `C${j + 1}`));
    const preview = frame.head(10);
    return json({
      __meta: meta("ParseSetupV3", "ParseSetup"), source_frames: sources.map((s) => keyRef("Frame", s)), parse_type: "CSV", separator: 44,
      single_quotes: false, check_header: hasHeader ? 1 : -1, column_names: hasHeader ? frame.names : null, skipped_columns: null,
      column_types: frame.columns.map(setupType), na_strings: null, destination_frame: destName(ctx, sources[0]), number_columns: frame.ncol,
      data: Array.from({ length: preview.nrow }, (_, i) => preview.names.map((n) => String(preview.value(i, n) ?? ""))),
      warnings: null, chunk_size: 4194304, custom_non_data_line_markers: null, partition_by: null, escapechar: 0, tz_adjust_to_local: false,
    });
  });

  app.post("/3/Parse", async (c) => {
    const form = await readForm(c.req.raw);
    const sources = parseList(form.source_frames ?? "").filter((s): s is string => !!s);
    if (sources.length === 0) throw new H2OError(412, "Required field source_frames not specified");
    const dest = keyName(form.destination_frame) ?? destName(ctx, sources[0]);
    const names = form.column_names ? parseList(form.column_names) : null;
    const types = form.column_types ? parseList(form.column_types) : null;
    const skipped = form.skipped_columns ? parseList(form.skipped_columns).map(Number) : [];
    for (const t of types ?? []) if (t !== null && !TYPES.has(t.toLowerCase())) throw new H2OError(412, `Provided column type ${t} is unknown`);
    for (const s of sources) if (!store.raws.has(s)) throw new H2OError(404, `Object '${s}' not found for argument: source_frames`);
    const header = int(form, "check_header", 0);
    const job = ctx.jobs.start("Parse", { kind: "Frame", name: dest }, async (jc) => {
      let frame = await parseSources(ctx, sources, header);
      jc.progress(0.8);
      frame = await shareFrame(retype(frame, names, types, skipped));
      await warmRollups(frame);
      await store.putFrame(dest, frame);
      if (bool(form.delete_on_done, true)) for (const s of sources) store.raws.delete(s);
    });
    return json({ __meta: meta("ParseV3", "Parse"), destination_frame: keyRef("Frame", dest), job: job.toJSON(), rows: 0, vec_ids: [] });
  });

  const framesGet = (c: { req: { param(n: string): string; raw: Request } }) => {
    const id = c.req.param("id");
    const q = new URL(c.req.raw.url).searchParams;
    const n = (k: string, d: number) => {
      const v = q.get(k);
      if (v === null || v === "") return d;
      const x = Number(v);
      if (!Number.isInteger(x)) throw new H2OError(412, `Illegal argument for field: ${k}: cannot convert "${v}" to an integer`);
      return x;
    };
    const frame = store.frame(id, "frame_id");
    const w: FrameWindow = {
      rowOffset: n("row_offset", 0), rowCount: n("row_count", 10), columnOffset: n("column_offset", 0),
      columnCount: n("column_count", -1), fullColumnCount: n("full_column_count", -1),
    };
    // A stored frame never changes (every operation makes a new one), so a window's JSON is
    // built once: pollers of a large frame then cost the event loop a lookup, not a serialization.
    const text = frameWindows.get(frame, `${id}\u0000${w.rowOffset},${w.rowCount},${w.columnOffset},${w.columnCount},${w.fullColumnCount}`, () => {
      const body = frameJson(id, frame, w);
      return toJson({ __meta: meta("FramesV3", "Frames"), frame_id: keyRef("Frame", id), row_offset: body.row_offset, row_count: body.row_count, column_offset: body.column_offset, column_count: body.column_count, frames: [body] });
    });
    return jsonText(text);
  };
  app.get("/3/Frames/:id", framesGet);
  app.get("/3/Frames/:id/light", framesGet);

  app.get("/3/DownloadDataset", (c) => {
    const id = keyName(c.req.query("frame_id"));
    if (!id) throw new H2OError(412, "Required field frame_id not specified");
    const frame = store.frame(id, "frame_id");
    return new Response(frameCsv(frame, { escapeQuotes: bool(c.req.query("escape_quotes"), true) }), {
      headers: { "content-type": "application/octet-stream", "content-disposition": `attachment; filename=${id}.csv` },
    });
  });
  app.get("/3/DownloadDataset.bin", (c) => c.redirect(`/3/DownloadDataset?${new URL(c.req.url).searchParams}`));

  app.post("/3/Frames/:id/export", async (c) => {
    const id = c.req.param("id");
    const form = await readForm(c.req.raw);
    const frame = store.frame(id, "frame_id");
    if (!form.path) throw new H2OError(412, "Required field path not specified");
    const path = roots.resolve(form.path, "path");
    if (int(form, "num_parts", 1) !== 1) throw new H2OError(412, "Illegal argument for field: num_parts: only 1 (one file) is supported");
    if ((form.format ?? "csv").toLowerCase() !== "csv") throw new H2OError(412, `Illegal argument for field: format: "${form.format}" is not supported; use csv`);
    const compression = (form.compression ?? "none").toLowerCase();
    if (!["none", "gzip", ""].includes(compression)) throw new H2OError(412, `Illegal argument for field: compression: "${form.compression}" is not supported; use gzip or none`);
    if (existsSync(path) && !bool(form.force)) throw new H2OError(412, `File ${form.path} already exists: pass force=True to replace it`);
    const sep = String.fromCharCode(int(form, "separator", 44));
    const job = ctx.jobs.start("Export", { kind: "Frame", name: id }, (jc) => store.withLocks([id], async () => {
      const text = frameCsv(frame, { sep, header: bool(form.header, true), quoteHeader: bool(form.quote_header, true) });
      jc.progress(0.5);
      await writeFileAtomic(path, compression === "gzip" ? gzipSync(text) : text);
    }));
    return json({ __meta: meta("FramesV3", "Frames"), frame_id: keyRef("Frame", id), job: job.toJSON() });
  });

  app.post("/99/Rapids", async (c) => {
    const form = await readForm(c.req.raw);
    if (!form.ast) throw new H2OError(412, "Required field ast not specified");
    const r = { store, session: form.session_id ?? "", timeZone: ctx.timeZone, tick: slicer() };
    const { value, key } = await evalRapids(parseRapids(form.ast), r);
    ctx.timeZone = r.timeZone;
    const base = { ast: form.ast, session_id: form.session_id ?? null };
    if (value instanceof Frame) {
      if (!key) throw new H2OError(400, "A frame result must be named with (tmp= …) or (assign …)");
      await warmRollups(value);
      return json({ __meta: meta("RapidsFrameV3", "Iced"), ...base, key: keyRef("Frame", key), num_rows: value.nrow, num_cols: value.ncol });
    }
    if (typeof value === "number") return json({ __meta: meta("RapidsNumberV3", "Iced"), ...base, scalar: value });
    if (typeof value === "string") return json({ __meta: meta("RapidsStringV3", "Iced"), ...base, string: value });
    if (value.length && typeof value[0] === "string") return json({ __meta: meta("RapidsStringsV3", "Iced"), ...base, string: value });
    return json({ __meta: meta("RapidsNumbersV3", "Iced"), ...base, scalar: value });
  });

  app.delete("/3/DKV/:key", async (c) => {
    const key = c.req.param("key");
    const cascade = bool(c.req.query("cascade"), true);
    await store.remove(key);
    return json({ __meta: meta("RemoveV3", "Iced"), key: keyRef("Keyed", key), cascade });
  });
  app.delete("/3/DKV", async (c) => {
    const retained = new Set(parseList(c.req.query("retained_keys") ?? ""));
    for (const k of [...store.frames.keys(), ...store.models.keys(), ...store.raws.keys()]) {
      if (!retained.has(k) && !store.locked(k)) await store.remove(k);
    }
    return json({ __meta: meta("RemoveAllV3", "Iced"), retained_keys: [...retained] });
  });
}

const TYPES = new Set(["unknown", "uuid", "string", "float", "real", "double", "int", "long", "numeric", "categorical", "factor", "enum", "time", "bad"]);

function safeRegex(p: string): RegExp {
  try {
    return new RegExp(p);
  } catch (e) {
    throw new H2OError(412, `Illegal argument for field: pattern: ${(e as Error).message}`);
  }
}

/** Parses raw keys (in Workers, gunzipping by magic bytes) and stacks them by rows. */
async function parseSources(ctx: ServerContext, sources: readonly string[], checkHeader: number): Promise<FrameT> {
  const frames = await Promise.all(sources.map(async (s) => {
    const raw = ctx.store.raws.get(s);
    if (!raw) throw new H2OError(404, `Object '${s}' not found for argument: source_frames`);
    return await parseBytes(raw.bytes, raw.source, headerOption(checkHeader), ctx.options.workers);
  }));
  return frames.length === 1 ? frames[0] : rbind(frames);
}

function headerOption(checkHeader: number): boolean | "auto" {
  return checkHeader === 1 ? true : checkHeader === -1 ? false : "auto";
}

/** Stacks frames with the same column names; categorical levels are merged and sorted. */
function rbind(frames: readonly FrameT[]): FrameT {
  const first = frames[0];
  for (const f of frames) {
    if (f.ncol !== first.ncol || f.names.some((n, j) => n !== first.names[j])) throw new H2OError(400, "Cannot parse these files together: their columns differ");
  }
  const cols: ColumnInput[] = first.columns.map((c0, j) => {
    const parts = frames.map((f) => f.columns[j]);
    if (parts.every((p) => p.type === "numeric")) {
      const data = new Float64Array(parts.reduce((s, p) => s + p.data.length, 0));
      let o = 0;
      for (const p of parts as NumericColumn[]) {
        data.set(p.data.toArray(), o);
        o += p.data.length;
      }
      return { name: c0.name, type: "numeric", data };
    }
    const values: (string | null)[] = [];
    for (const p of parts) {
      const n = p.type === "categorical" ? p.codes.length : p.data.length;
      for (let i = 0; i < n; i++) {
        const v = p.type === "categorical" ? levelAt(p, i)
          : p.type === "numeric" ? (Number.isNaN(p.data.at(i)) ? null : String(p.data.at(i))) : p.data[i];
        values.push(v);
      }
    }
    return asCategorical({ name: c0.name, type: "string", data: values });
  });
  return new Frame(cols);
}

/** Applies Parse's column names, types and skipped columns. */
function retype(frame: FrameT, names: (string | null)[] | null, types: (string | null)[] | null, skipped: number[]): FrameT {
  let cols = [...frame.columns];
  if (types) {
    cols = cols.map((c, j) => {
      const t = types[j]?.toLowerCase();
      if (!t) return c;
      if (["categorical", "factor", "enum"].includes(t)) return asCategorical(c);
      if (["float", "real", "double", "int", "long", "numeric"].includes(t) && c.type !== "numeric") return asNumeric(c);
      return c;
    });
  }
  if (names) cols = cols.map((c, j) => (names[j] ? { ...c, name: names[j]! } as Column : c));
  const skip = new Set(skipped);
  return new Frame(cols.filter((_, j) => !skip.has(j)));
}

/** H2O's destination name: the source's base name without data suffixes, `.hex`, a counter on collision. */
function destName(ctx: ServerContext, source: string): string {
  let b = basename(source.replace(/^nfs:\//, "")).replace(/(\.(gz|zip|bz2|csv|txt|tsv|data|dat))+$/i, "");
  b = b.replace(/[^A-Za-z0-9_.-]/g, "_");
  if (!/^[A-Za-z]/.test(b)) b = `X${b}`;
  let name = `${b}.hex`;
  for (let k = 1; ctx.store.frames.has(name); k++) name = `${b}${k}.hex`;
  return name;
}

/** The first file part of a multipart body (as `curl -F file=@x.csv` sends). */
function firstPart(body: Uint8Array, type: string): Uint8Array {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!m) throw new H2OError(400, "Malformed multipart body: no boundary in the content type");
  const boundary = new TextEncoder().encode(`--${m[1] ?? m[2]}`);
  const find = (from: number, needle: Uint8Array) => {
    outer: for (let i = from; i <= body.length - needle.length; i++) {
      for (let k = 0; k < needle.length; k++) if (body[i + k] !== needle[k]) continue outer;
      return i;
    }
    return -1;
  };
  const start = find(0, boundary);
  const headEnd = start < 0 ? -1 : find(start, new TextEncoder().encode("\r\n\r\n"));
  if (headEnd < 0) throw new H2OError(400, "Malformed multipart body: no part found");
  const end = find(headEnd + 4, boundary);
  if (end < 0) throw new H2OError(400, "Malformed multipart body: the part does not end");
  return body.slice(headEnd + 4, end - 2);
}
