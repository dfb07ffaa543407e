/**
 * What the server holds under keys, as H2O's DKV: parsed frames, raw (unparsed) imports and
 * uploads, models, grids, and the session temporaries that die with their session. With a store
 * folder, global frames, models and grids are also written there, atomically, and read back at
 * start-up, so a restarted server lists them again (H2O forgets everything on restart).
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ColumnInput, Frame as FrameT } from "../frame/frame.ts";
import { CodeVector, Frame, NumericVector } from "../frame/frame.ts";
import { writeFileAtomic } from "../io/files.ts";
import { DeepLearningModel } from "../model/model.ts";
import type { GridRecord } from "./routes_grid.ts";
import { H2OError } from "./wire.ts";

/** A model with what the REST schema needs beyond its data. */
export interface StoredModel {
  readonly model: DeepLearningModel;
  /** The parameters as the client sent them (H2O's `input_value`). */
  readonly input: Readonly<Record<string, string>>;
  readonly trainingFrame: string | null;
  readonly validationFrame: string | null;
  readonly timestamp: number;
}

/** Raw bytes awaiting a parse (H2O's raw keys from ImportFilesMulti and PostFile). */
export interface RawSource {
  readonly bytes: Uint8Array;
  /** Where they came from, for messages and frame names. */
  readonly source: string;
}

/** The key-value store. */
export class Store {
  readonly frames = new Map<string, FrameT>();
  readonly models = new Map<string, StoredModel>();
  readonly raws = new Map<string, RawSource>();
  /** Grids by id (their models are in `models`). */
  readonly grids = new Map<string, GridRecord>();
  /** Session key → its `tmp=` frame keys. */
  readonly sessions = new Map<string, Set<string>>();
  /** Keys a running job reads: they cannot be removed until it ends. */
  readonly #locks = new Map<string, number>();
  /** The last write of each grid file: writes of one grid run in order, so the newest state lands last. */
  readonly #gridWrites = new Map<string, Promise<void>>();

  /** @param dir the `--store` folder, or null to keep everything in memory */
  constructor(readonly dir: string | null = null) {}

  /** The frame under `key`; 404 naming it when missing. */
  frame(key: string, field = "key"): FrameT {
    const f = this.frames.get(key);
    if (!f) throw new H2OError(404, `Object '${key}' not found for argument: ${field}`, { values: { argument: field, name: key } });
    return f;
  }

  /** The model under `key`; 404 naming it when missing. */
  model(key: string, field = "key"): StoredModel {
    const m = this.models.get(key);
    if (!m) throw new H2OError(404, `Object '${key}' not found for argument: ${field}`, { values: { argument: field, name: key } });
    return m;
  }

  /** Stores a global frame (persisted with a store folder). */
  async putFrame(key: string, frame: FrameT, options: { temp?: string } = {}): Promise<void> {
    this.frames.set(key, frame);
    if (options.temp) {
      const set = this.sessions.get(options.temp) ?? new Set();
      set.add(key);
      this.sessions.set(options.temp, set);
      return;
    }
    if (this.dir) await writeFileAtomic(join(this.dir, "frames", fileName(key, ".frame")), encodeFrame(key, frame));
  }

  /** Stores a model (persisted with a store folder). */
  async putModel(m: StoredModel): Promise<void> {
    this.models.set(m.model.modelId, m);
    if (this.dir) {
      const base = join(this.dir, "models", fileName(m.model.modelId, ""));
      await m.model.save(`${base}.tide`);
      await writeFileAtomic(`${base}.json`, JSON.stringify({ input: m.input, trainingFrame: m.trainingFrame, validationFrame: m.validationFrame, timestamp: m.timestamp }));
    }
  }

  /**
   * Stores a grid record (persisted with a store folder). Called again as models finish and when
   * the grid ends; each call writes the record as it is then.
   */
  async putGrid(grid: GridRecord): Promise<void> {
    this.grids.set(grid.id, grid);
    if (!this.dir) return;
    const path = join(this.dir, "grids", fileName(grid.id, ".json"));
    const write = (this.#gridWrites.get(grid.id) ?? Promise.resolve()).catch(() => {}).then(() =>
      this.grids.get(grid.id) === grid ? writeFileAtomic(path, JSON.stringify(grid)) : undefined
    );
    this.#gridWrites.set(grid.id, write);
    try {
      await write;
    } finally {
      if (this.#gridWrites.get(grid.id) === write) this.#gridWrites.delete(grid.id);
    }
  }

  /** True when a running job reads `key`. */
  locked(key: string): boolean {
    return (this.#locks.get(key) ?? 0) > 0;
  }

  /** Locks keys while `work` runs. */
  async withLocks<T>(keys: readonly (string | null | undefined)[], work: () => Promise<T>): Promise<T> {
    const ks = keys.filter((k): k is string => !!k);
    for (const k of ks) this.#locks.set(k, (this.#locks.get(k) ?? 0) + 1);
    try {
      return await work();
    } finally {
      for (const k of ks) this.#locks.set(k, this.#locks.get(k)! - 1);
    }
  }

  /** Removes a frame, model or raw key; true when something was there. 409-style refusal (412) when a job uses it. */
  async remove(key: string): Promise<boolean> {
    if (this.locked(key)) throw new H2OError(412, `Cannot remove '${key}': a running job is using it; wait for the job or cancel it`);
    let found = this.raws.delete(key);
    const grid = this.grids.get(key);
    if (grid) {
      this.grids.delete(key);
      await this.#gridWrites.get(key)?.catch(() => {});
      if (this.dir) await rm(join(this.dir, "grids", fileName(key, ".json")), { force: true });
      for (const m of grid.models) if (!this.locked(m.id)) await this.remove(m.id);
      found = true;
    }
    if (this.frames.delete(key)) {
      found = true;
      for (const set of this.sessions.values()) set.delete(key);
      if (this.dir) await rm(join(this.dir, "frames", fileName(key, ".frame")), { force: true });
    }
    if (this.models.delete(key)) {
      found = true;
      if (this.dir) {
        const base = join(this.dir, "models", fileName(key, ""));
        await rm(`${base}.tide`, { force: true });
        await rm(`${base}.json`, { force: true });
      }
    }
    return found;
  }

  /** Renames a frame or model key. */
  async rename(from: string, to: string): Promise<void> {
    const f = this.frames.get(from);
    if (f) {
      const temp = [...this.sessions.entries()].find(([, s]) => s.has(from))?.[0];
      await this.remove(from);
      await this.putFrame(to, f, { temp });
      return;
    }
    throw new H2OError(400, `Cannot rename '${from}': no such frame`);
  }

  /** Ends a session: drops its temporaries (unless a job is using them). */
  async endSession(key: string): Promise<void> {
    const set = this.sessions.get(key);
    this.sessions.delete(key);
    for (const k of set ?? []) if (!this.locked(k)) this.frames.delete(k);
  }

  /**
   * Reads the store folder back (frames and models written by an earlier run). A file that cannot
   * be read is skipped and named in `skipped`, so one damaged file does not keep the server down.
   */
  async load(): Promise<{ frames: number; models: number; grids: number; skipped: string[] }> {
    const skipped: string[] = [];
    if (!this.dir) return { frames: 0, models: 0, grids: 0, skipped };
    for (const sub of ["frames", "models", "grids"]) await mkdir(join(this.dir, sub), { recursive: true });
    let frames = 0, models = 0, grids = 0;
    for (const name of await readdir(join(this.dir, "frames"))) {
      if (!name.endsWith(".frame")) continue;
      try {
        const { key, frame } = decodeFrame(new Uint8Array(await readFile(join(this.dir, "frames", name))), name);
        this.frames.set(key, frame);
        frames++;
      } catch (e) {
        skipped.push(`frames/${name}: ${(e as Error).message}`);
      }
    }
    for (const name of await readdir(join(this.dir, "models"))) {
      if (!name.endsWith(".tide")) continue;
      const base = join(this.dir, "models", name.slice(0, -5));
      try {
        const model = await DeepLearningModel.load(`${base}.tide`);
        const extra = existsSync(`${base}.json`) ? JSON.parse(await readFile(`${base}.json`, "utf8")) : {};
        this.models.set(model.modelId, {
          model, input: extra.input ?? {}, trainingFrame: extra.trainingFrame ?? null, validationFrame: extra.validationFrame ?? null, timestamp: extra.timestamp ?? Date.now(),
        });
        models++;
      } catch (e) {
        skipped.push(`models/${name}: ${(e as Error).message}`);
      }
    }
    for (const name of await readdir(join(this.dir, "grids"))) {
      if (!name.endsWith(".json")) continue;
      try {
        const grid = decodeGrid(await readFile(join(this.dir, "grids", name), "utf8"));
        this.grids.set(grid.id, grid);
        grids++;
      } catch (e) {
        skipped.push(`grids/${name}: ${(e as Error).message}`);
      }
    }
    return { frames, models, grids, skipped };
  }
}

/** A key as a file name: every character outside [A-Za-z0-9_.-] percent-encoded. */
function fileName(key: string, ext: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).replace(/^\./, "%2e") + ext;
}

/**
 * A grid file read back; `SyntaxError` when it is not one. A grid that was still running when
 * its server stopped comes back "interrupted", with a warning saying so: it holds the models that
 * finished before that.
 */
export function decodeGrid(text: string): GridRecord {
  const bad = (why: string): never => {
    throw new SyntaxError(`Cannot load grid file: ${why}`);
  };
  let g: Partial<GridRecord>;
  try {
    g = JSON.parse(text);
  } catch {
    return bad("not JSON");
  }
  if (!g || typeof g.id !== "string" || !Array.isArray(g.hyperNames) || !Array.isArray(g.models) || !Array.isArray(g.failures) ||
    !Array.isArray(g.warnings) || typeof g.status !== "string" || g.models.some((m) => typeof m?.id !== "string" || typeof m.hyper !== "object")) {
    return bad("fields are missing or of the wrong type");
  }
  const grid = { ...g, warnings: [...g.warnings] } as GridRecord;
  if (grid.status === "running") {
    grid.status = "interrupted";
    grid.warnings.push(`The server stopped while this grid was being built; it holds the ${grid.models.length} model(s) finished before that`);
  }
  return grid;
}

const FRAME_MAGIC = "TIDEFRAM";

/**
 * A frame as bytes: magic, u32 header length, JSON header (names, types, domains, string
 * values, array types and lengths), then the arrays, 8-byte aligned, little-endian. Numeric
 * columns are written as their values (Float32 when exact, else Float64); reading stores them in
 * their narrowest encoding again. A column with one value for every row (constant or all
 * missing) is written as that value alone (`dtype` "constant": the number as text, or the code).
 */
export function encodeFrame(key: string, frame: FrameT): Uint8Array {
  const arrays: ArrayBufferView[] = [];
  const cols = frame.columns.map((c) => {
    if (c.type === "string") return { name: c.name, type: c.type, values: c.data };
    const domain = c.type === "categorical" ? c.domain : undefined;
    if (c.type === "numeric" ? c.data.raw === null : c.codes.raw === null) {
      // JSON has no NaN or Infinity: a numeric constant is kept as its exact text.
      const value = c.type === "numeric" ? String(c.data.bias) : c.codes.fill;
      return { name: c.name, type: c.type, domain, dtype: "constant", length: frame.nrow, value };
    }
    const a = c.type === "numeric" ? c.data.toArray() : c.codes.toArray();
    arrays.push(a);
    return { name: c.name, type: c.type, domain, dtype: a.constructor.name, length: a.length };
  });
  const header = new TextEncoder().encode(JSON.stringify({ key, columns: cols }));
  const start = align8(12 + header.length);
  const total = arrays.reduce((s, a) => s + align8(a.byteLength), start);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(FRAME_MAGIC));
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  let o = start;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += align8(a.byteLength);
  }
  return out;
}

const ARRAYS: Record<string, { BYTES_PER_ELEMENT: number; new (b: ArrayBuffer): ArrayLike<number> }> = {
  Float64Array, Float32Array, Int32Array, Int16Array, Int8Array,
};

/** Reads {@linkcode encodeFrame}'s bytes; `SyntaxError` for anything else. */
export function decodeFrame(bytes: Uint8Array, source: string): { key: string; frame: FrameT } {
  const bad = (why: string): never => {
    throw new SyntaxError(`Cannot load frame file "${source}": ${why}`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== FRAME_MAGIC) bad("not a Tide frame file");
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  let header: { key: string; columns: { name: string; type: string; domain?: string[]; values?: (string | null)[]; dtype?: string; length?: number; value?: string | number }[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch {
    return bad("the header is corrupt");
  }
  let o = align8(12 + hlen);
  const columns: ColumnInput[] = header.columns.map((c): ColumnInput => {
    if (c.type === "string") return { name: c.name, type: "string", data: c.values ?? [] };
    if (c.dtype === "constant") {
      if (!Number.isSafeInteger(c.length) || c.length! < 0) return bad(`column "${c.name}" has no valid length`);
      if (c.type === "categorical") {
        const code = c.value as number;
        if (!(Number.isInteger(code) && code >= -1 && code < (c.domain ?? []).length)) bad(`column "${c.name}" has no valid constant code`);
        return { name: c.name, type: "categorical", codes: CodeVector.constant(c.length!, code), domain: c.domain ?? [] };
      }
      const v = Number(c.value);
      if (typeof c.value !== "string" || (Number.isNaN(v) && c.value !== "NaN")) bad(`column "${c.name}" has no valid constant value`);
      return { name: c.name, type: "numeric", data: NumericVector.constant(c.length!, v) };
    }
    const Ctor = ARRAYS[c.dtype ?? ""];
    if (!Ctor || !Number.isSafeInteger(c.length)) return bad(`column "${c.name}" has no valid array`);
    const n = c.length! * Ctor.BYTES_PER_ELEMENT;
    if (o + n > bytes.length) bad("the file is truncated");
    const a = new Ctor(bytes.slice(o, o + n).buffer);
    o += align8(n);
    return c.type === "categorical" ? { name: c.name, type: "categorical", codes: a, domain: c.domain ?? [] } : { name: c.name, type: "numeric", data: a };
  });
  return { key: header.key, frame: new Frame(columns) };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
