/**
 * Columns and bytes in SharedArrayBuffers, the form in which they cross between the server and
 * its Workers without a copy (Bun's structured clone of ordinary typed arrays runs at about
 * 100 MB/s and blocks the sender).
 * @module
 */
import type { Column } from "../frame/frame.ts";

type Numeric = Float64Array | Float32Array | Int32Array | Uint8Array;
const cache = new WeakMap<Numeric, Numeric>();

/** The array itself when it already lives in shared memory, else a shared copy (cached per array). */
export function toShared<T extends Numeric>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const hit = cache.get(a);
  if (hit) return hit as T;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  cache.set(a, out);
  return out;
}

/** One column with its numbers or codes in shared memory. */
export function sharedColumn(c: Column): Column {
  if (c.type === "numeric") return { ...c, data: toShared(c.data) };
  if (c.type === "categorical") return { ...c, codes: toShared(c.codes) };
  return c;
}

/** Every column in shared memory. */
export function sharedColumns(cols: readonly Column[]): Column[] {
  return cols.map(sharedColumn);
}
