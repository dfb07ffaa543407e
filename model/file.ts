/**
 * The model file format, version 1. Everything needed to predict travels in one file:
 *
 *   0   8 bytes  magic "TIDEMODL"
 *   8   u32      format version
 *   12  u32      header length H (bytes of UTF-8 JSON)
 *   16  H bytes  header: model data without arrays, plus an array table [{ name, length, offset }]
 *   …   padding to a multiple of 8, then the arrays as little-endian Float64
 *   end u32      CRC-32 of every byte before it
 *
 * Loading checks the magic, the version, every length and the checksum before it builds
 * anything, so a foreign, truncated or corrupt file gets a clear error, never a wrong model.
 * @module
 */
import type { ModelData } from "../core/train/train.ts";

const MAGIC = "TIDEMODL";
/** The format version this build writes; it reads versions up to this one. */
export const MODEL_FORMAT_VERSION = 1;

/** Serializes a model into the bytes of a model file. */
export function encodeModel(data: ModelData, producer = "tide"): Uint8Array {
  const arrays = Object.entries(data.state);
  let offset = 0;
  const table = arrays.map(([name, a]) => {
    const entry = { name, length: a.length, offset };
    offset += a.length * 8;
    return entry;
  });
  const { state: _omit, ...rest } = data;
  const header = new TextEncoder().encode(JSON.stringify({ producer, model: rest, arrays: table }, replacer));
  const start = align8(16 + header.length);
  const total = start + offset + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  arrays.forEach(([, a], k) => {
    const base = start + table[k].offset;
    for (let i = 0; i < a.length; i++) view.setFloat64(base + i * 8, a[i], true);
  });
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

/** Parses model-file bytes; throws `SyntaxError` (not a model, corrupt) or `RangeError` (version, truncated). */
export function decodeModel(bytes: Uint8Array, source = "the model file"): ModelData {
  if (bytes.length < 20 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new SyntaxError(`Cannot load ${source}: it is not a Tide model file (the first bytes should read "${MAGIC}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 0 || version > MODEL_FORMAT_VERSION) {
    throw new RangeError(`Cannot load ${source}: format version ${version} is newer than this Tide reads (${MODEL_FORMAT_VERSION}); upgrade Tide`);
  }
  const hlen = view.getUint32(12, true);
  if (16 + hlen + 4 > bytes.length) throw new RangeError(`Cannot load ${source}: the file is truncated (${bytes.length} bytes, its header alone needs ${16 + hlen + 4})`);
  let header: { model: Omit<ModelData, "state">; arrays: { name: string; length: number; offset: number }[] };
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(16, 16 + hlen)), reviver);
  } catch {
    throw new SyntaxError(`Cannot load ${source}: the header is corrupt`);
  }
  checkHeader(header, source);
  const start = align8(16 + hlen);
  const dataBytes = header.arrays.reduce((s, a) => s + a.length * 8, 0);
  const expected = start + dataBytes + 4;
  if (bytes.length < expected) throw new RangeError(`Cannot load ${source}: the file is truncated (${bytes.length} of ${expected} bytes)`);
  if (bytes.length > expected) throw new SyntaxError(`Cannot load ${source}: ${bytes.length - expected} unexpected bytes after the data`);
  if (view.getUint32(expected - 4, true) !== crc32(bytes.subarray(0, expected - 4))) {
    throw new SyntaxError(`Cannot load ${source}: the checksum does not match, the file is corrupt`);
  }
  const state: Record<string, Float64Array> = {};
  for (const a of header.arrays) {
    const arr = new Float64Array(a.length);
    const base = start + a.offset;
    for (let i = 0; i < a.length; i++) arr[i] = view.getFloat64(base + i * 8, true);
    state[a.name] = arr;
  }
  return { ...header.model, state } as ModelData;
}

/** Checks that a parsed header describes a model: its array table and the fields predictions need. */
function checkHeader(h: unknown, source: string): asserts h is { model: Omit<ModelData, "state">; arrays: { name: string; length: number; offset: number }[] } {
  const bad = (why: string): never => {
    throw new SyntaxError(`Cannot load ${source}: the header does not describe a Tide model (${why})`);
  };
  if (!h || typeof h !== "object" || Array.isArray(h)) bad("not an object");
  const { model, arrays } = h as { model?: Record<string, unknown>; arrays?: unknown };
  if (!Array.isArray(arrays)) bad("no array table");
  let offset = 0;
  const names = new Set<string>();
  for (const a of arrays as { name?: unknown; length?: unknown; offset?: unknown }[]) {
    if (!a || typeof a.name !== "string" || names.has(a.name)) bad("an array without a unique name");
    if (!Number.isSafeInteger(a.length) || (a.length as number) < 0) bad(`array "${a.name}" has an invalid length`);
    if (a.offset !== offset) bad(`array "${a.name}" is not where the table says`);
    names.add(a.name as string);
    offset += (a.length as number) * 8;
  }
  if (!model || typeof model !== "object") bad("no model");
  for (const field of ["modelId", "activation", "distribution", "optimizer", "problem", "params", "preprocessor", "output", "shape"]) {
    if (model![field] === undefined || model![field] === null) bad(`missing "${field}"`);
  }
  const units = (model!.shape as { units?: unknown }).units;
  if (!Array.isArray(units) || units.length < 2 || !units.every((u) => Number.isSafeInteger(u) && u > 0)) bad("invalid layer sizes");
  const u = units as number[];
  const lengths = new Map((arrays as { name: string; length: number }[]).map((a) => [a.name, a.length]));
  const channels = (model!.shape as { channels?: number }).channels ?? 1;
  for (let m = 0; m + 1 < u.length; m++) {
    const rows = u[m + 1] * (m + 2 < u.length ? channels : 1);
    if (lengths.get(`weights.${m}`) !== rows * u[m]) bad(`"weights.${m}" does not match the layer sizes`);
    if (lengths.get(`biases.${m}`) !== rows) bad(`"biases.${m}" does not match the layer sizes`);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

// JSON has no NaN, ±Infinity or typed arrays; tag them so a round trip is exact.
function replacer(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return { $num: String(v) };
  if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) {
    return { $typed: v.constructor.name, values: Array.from(v, (x) => (Number.isFinite(x) ? x : { $num: String(x) })) };
  }
  return v;
}

function reviver(_key: string, v: unknown): unknown {
  if (v && typeof v === "object" && "$num" in v) return Number((v as { $num: string }).$num);
  if (v && typeof v === "object" && "$typed" in v) {
    const t = v as { $typed: string; values: number[] };
    const Ctor = { Float64Array, Float32Array, Int32Array }[t.$typed];
    if (!Ctor) throw new SyntaxError(`unknown array type ${t.$typed}`);
    return Ctor.from(t.values);
  }
  return v;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE), as zip and gzip use. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
