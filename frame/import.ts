/**
 * Files to frames: reads a CSV file (gzipped or not) with `node:fs/promises`, which Bun and Deno
 * both provide, and hands the bytes to {@linkcode parseCsv}.
 * @module
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { parseCsv } from "./csv.ts";
import type { CsvOptions } from "./csv.ts";
import type { Frame } from "./frame.ts";

export { parseCsv, parseCsvText } from "./csv.ts";
export type { CsvOptions } from "./csv.ts";

/**
 * Reads a CSV file into a frame; bytes that start with the gzip magic (1f 8b) are gunzipped
 * first, whatever the file is called. Errors name the path.
 * @param path a file path
 * @param options parsing options (`source` defaults to the path)
 * @example
 * ```ts
 * const train = await importFile("data/train.csv.gz");
 * console.log(train.nrow, train.ncol);
 * ```
 */
export async function importFile(path: string, options: CsvOptions = {}): Promise<Frame> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`Cannot import file: "path" must be a non-empty string: got ${JSON.stringify(path) ?? String(path)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw fileError(path, e);
  }
  const file = bytes;
  if (isGzip(bytes)) {
    bytes = gunzip(bytes, path);
    release(file);
  }
  try {
    return parseCsv(bytes, { source: path, ...options });
  } finally {
    release(bytes);
  }
}

/**
 * Frees a large buffer this module read or inflated, now rather than when the garbage collector
 * gets to it: a gigabyte of CSV text would otherwise stay resident, next to the frame built
 * from it, until a later collection (the trial run's peak memory was mostly such text).
 * Detaching by `transfer(0)` releases the memory; runtimes without it keep the GC's timing.
 */
function release(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
  // Small Buffers may share a pool with other Buffers: only whole, large buffers are ours alone.
  if (bytes.byteLength < 1 << 20 || bytes.byteOffset !== 0 || typeof buffer.transfer !== "function") return;
  try {
    buffer.transfer(0);
  } catch {
    // not detachable (a SharedArrayBuffer or a runtime-owned buffer): leave it to the GC
  }
}

/** True when `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gunzips in one call. The gzip trailer holds the uncompressed size (mod 2^32, of the last
 * member): asking zlib for one output chunk of that size avoids growing and concatenating
 * 16 KiB chunks, which halves the time and the peak memory on large files. A size that cannot
 * be right (larger than 1032 × the input, zlib's maximum ratio) is ignored.
 * @param name what the bytes are, for the error message
 */
export function gunzip(bytes: Uint8Array, name = "the data"): Uint8Array {
  const n = bytes.length;
  const size = n >= 18 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
  const chunkSize = size > 0 && size <= n * 1032 ? Math.max(size + 1, 64 * 1024) : undefined;
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes, chunkSize ? { chunkSize } : {});
  } catch (e) {
    throw new SyntaxError(`Cannot gunzip ${JSON.stringify(name)}: ${(e as Error).message}; the file is not valid gzip (truncated or corrupt): fetch or write it again`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function fileError(path: string, e: unknown): Error {
  const code = (e as { code?: string })?.code;
  const shown = JSON.stringify(path);
  const cause = { cause: e };
  if (code === "ENOENT") {
    return new RangeError(`Cannot import file: no file at ${shown}; check the path (relative paths start from ${cwd()})`, cause);
  }
  if (code === "EISDIR") return new TypeError(`Cannot import file: ${shown} is a directory, expected a CSV file`, cause);
  if (code === "EACCES" || code === "EPERM") return new TypeError(`Cannot import file: no permission to read ${shown}`, cause);
  return new TypeError(`Cannot import file ${shown}: ${(e as Error)?.message ?? String(e)}`, cause);
}

function cwd(): string {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  try {
    return g.process?.cwd?.() ?? g.Deno?.cwd?.() ?? "the working directory";
  } catch {
    return "the working directory";
  }
}
