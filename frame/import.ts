/**
 * Files to frames: reads a CSV file (gzipped or not) block by block with `node:fs/promises` and
 * `node:zlib`, which Bun and Deno both provide, and hands the blocks to the CSV reader
 * ({@linkcode CsvReader}), so the file's text never sits in memory whole.
 * @module
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { createGunzip, gunzipSync } from "node:zlib";
import { CsvReader } from "./csv.ts";
import type { CsvOptions } from "./csv.ts";
import type { Frame } from "./frame.ts";

export { parseCsv, parseCsvText } from "./csv.ts";
export type { CsvOptions } from "./csv.ts";

/** Bytes asked of gunzip at a time; the reader gathers them into its blocks. */
const GUNZIP_CHUNK = 1 << 20;

/**
 * Reads a CSV file into a frame; bytes that start with the gzip magic (1f 8b) are gunzipped
 * while they are read, whatever the file is called. The file is read `blockSize` bytes at a
 * time (8 MiB by default); a file with a column that turns out categorical only after the rows
 * the type guess samples is read a second time, up to that row. Errors name the path.
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
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const size = await fileSize(fh, path);
    const magic = new Uint8Array(4);
    if (size >= 4) await readAt(fh, path, magic, size - 4);
    const trailer = (magic[0] | (magic[1] << 8) | (magic[2] << 16) | (magic[3] << 24)) >>> 0;
    const head = new Uint8Array(2);
    const gz = isGzip(head.subarray(0, await readAt(fh, path, head, 0)));
    // gzip's trailer holds the uncompressed size (mod 2^32, of the last member): the reader
    // sizes its columns from it. A size that cannot be right (over zlib's 1032:1) is ignored.
    const hint = gz ? (size >= 18 && trailer <= size * 1032 ? trailer : 0) : size;
    const reader = new CsvReader({ source: path, ...options }, hint);
    const pass = (take: (chunk: Uint8Array) => boolean) => gz ? gunzipChunks(path, take) : fileChunks(fh, path, reader.blockSize, take);
    await pass((chunk) => (reader.push(chunk), true));
    if (reader.end()) {
      await pass((chunk) => reader.pushRecovery(chunk));
      reader.endRecovery();
    }
    return reader.frame();
  } finally {
    await fh.close().catch(() => {});
  }
}

async function fileSize(fh: FileHandle, path: string): Promise<number> {
  let stat;
  try {
    stat = await fh.stat();
  } catch (e) {
    throw fileError(path, e);
  }
  if (stat.isDirectory()) throw fileError(path, Object.assign(new Error("is a directory"), { code: "EISDIR" }));
  return stat.size;
}

async function readAt(fh: FileHandle, path: string, into: Uint8Array, position: number): Promise<number> {
  try {
    return (await fh.read(into, 0, into.length, position)).bytesRead;
  } catch (e) {
    throw fileError(path, e);
  }
}

/** Feeds the file's bytes to `take` in blocks of `blockSize` (one buffer, reused) until it returns false. */
async function fileChunks(fh: FileHandle, path: string, blockSize: number, take: (chunk: Uint8Array) => boolean): Promise<void> {
  const buf = new Uint8Array(Math.min(blockSize, 1 << 30));
  for (let position = 0;;) {
    const n = await readAt(fh, path, buf, position);
    if (n === 0 || !take(buf.subarray(0, n))) return;
    position += n;
  }
}

/** Feeds the gunzipped bytes of the file to `take` until it returns false. */
async function gunzipChunks(path: string, take: (chunk: Uint8Array) => boolean): Promise<void> {
  const file = createReadStream(path, { highWaterMark: GUNZIP_CHUNK });
  const inflate = createGunzip({ chunkSize: GUNZIP_CHUNK });
  file.on("error", (e) => inflate.destroy(e));
  file.pipe(inflate);
  const it = inflate[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await it.next();
      } catch (e) {
        if ((e as { code?: string })?.code?.startsWith("E") && !(e as { code: string }).code.startsWith("Z_")) throw fileError(path, e);
        throw gunzipError(path, e);
      }
      if (next.done) return;
      const chunk = next.value;
      if (!take(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) return;
    }
  } finally {
    file.destroy();
    inflate.destroy();
  }
}

function gunzipError(name: string, e: unknown): SyntaxError {
  return new SyntaxError(`Cannot gunzip ${JSON.stringify(name)}: ${(e as Error)?.message ?? String(e)}; the file is not valid gzip (truncated or corrupt): fetch or write it again`);
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
    throw gunzipError(name, e);
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
