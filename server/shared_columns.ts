/**
 * Columns and bytes in SharedArrayBuffers, the form in which they cross between the server and
 * its Workers without a copy (Bun's structured clone of ordinary typed arrays runs at about
 * 100 MB/s and blocks the sender). A numeric column crosses as its `NumericVector`'s public
 * fields (length, storage, raw, bias, na) with `raw` shared, and is revived on the other side; a
 * categorical column's `CodeVector` likewise (length, storage, raw, fill).
 * @module
 */
import { open } from "node:fs/promises";
import type { Column } from "../frame/frame.ts";
import { CodeVector, NumericVector } from "../frame/frame.ts";

type Shareable = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;
const cache = new WeakMap<object, object>();

/** The array itself when it already lives in shared memory, else a shared copy (cached per array). */
export function toShared<T extends Shareable>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const hit = cache.get(a);
  if (hit) return hit as T;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  cache.set(a, out);
  return out;
}

/** A vector with the same values whose storage is shared memory (cached per vector). */
function sharedVector(v: NumericVector): NumericVector {
  if (v.raw === null || v.raw.buffer instanceof SharedArrayBuffer) return v;
  const hit = cache.get(v);
  if (hit) return hit as NumericVector;
  const out = reviveVector({ length: v.length, storage: v.storage, raw: toShared(v.raw), bias: v.bias, na: v.na });
  cache.set(v, out);
  return out;
}

/**
 * A `NumericVector` from its public fields, as structured clone delivers them (a plain object).
 * The class has no constructor for stored parts, so the fields are set on an instance of it.
 */
export function reviveVector(fields: Pick<NumericVector, "length" | "storage" | "raw" | "bias" | "na">): NumericVector {
  if (fields instanceof NumericVector) return fields;
  const { length, storage, raw, bias, na } = fields;
  return Object.assign(Object.create(NumericVector.prototype), { length, storage, raw, bias, na }) as NumericVector;
}

/** Codes with the same values whose storage is shared memory (cached per vector). */
function sharedCodes(v: CodeVector): CodeVector {
  if (v.raw === null || v.raw.buffer instanceof SharedArrayBuffer) return v;
  const hit = cache.get(v);
  if (hit) return hit as CodeVector;
  const out = reviveCodes({ length: v.length, storage: v.storage, raw: toShared(v.raw), fill: v.fill });
  cache.set(v, out);
  return out;
}

/** A `CodeVector` from its public fields, as structured clone delivers them (see {@linkcode reviveVector}). */
export function reviveCodes(fields: Pick<CodeVector, "length" | "storage" | "raw" | "fill">): CodeVector {
  if (fields instanceof CodeVector) return fields;
  const { length, storage, raw, fill } = fields;
  return Object.assign(Object.create(CodeVector.prototype), { length, storage, raw, fill }) as CodeVector;
}

/** One column with its numbers or codes in shared memory. */
export function sharedColumn(c: Column): Column {
  if (c.type === "numeric") return { ...c, data: sharedVector(c.data) };
  if (c.type === "categorical") return { ...c, codes: sharedCodes(c.codes) };
  return c;
}

/** Every column in shared memory. */
export function sharedColumns(cols: readonly Column[]): Column[] {
  return cols.map(sharedColumn);
}

/** Columns as received from another thread: numeric vectors and categorical codes revived. */
export function reviveColumns(cols: readonly Column[]): Column[] {
  return cols.map((c) => (c.type === "numeric" ? { ...c, data: reviveVector(c.data) } : c.type === "categorical" ? { ...c, codes: reviveCodes(c.codes) } : c));
}

/**
 * A file's bytes, read straight into shared memory in 4 MiB reads: no second copy, and the pages
 * are filled by the reads off the event loop (copying a 180 MB file into shared memory held the
 * event loop for seconds).
 */
export async function readShared(path: string): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const out = new Uint8Array(new SharedArrayBuffer(size));
    let o = 0;
    while (o < size) {
      const { bytesRead } = await handle.read(out, o, Math.min(4 << 20, size - o), o);
      if (bytesRead === 0) break;
      o += bytesRead;
    }
    return o === size ? out : out.subarray(0, o);
  } finally {
    await handle.close();
  }
}
