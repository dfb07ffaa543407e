/**
 * File access shared by the API and the CLI, through `node:fs` (Bun and Deno both provide it).
 * Writes are atomic: a temporary file in the same folder, flushed, then renamed over the target,
 * so a crash never leaves a half-written model or checkpoint behind.
 * @module
 */
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Reads a whole file; the error names the path and says what is wrong. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") throw new RangeError(`Cannot read "${path}": no such file`);
    if (code === "EISDIR") throw new RangeError(`Cannot read "${path}": it is a directory, not a file`);
    if (code === "EACCES") throw new RangeError(`Cannot read "${path}": permission denied`);
    throw new RangeError(`Cannot read "${path}": ${(e as Error).message}`);
  }
}

/** Writes `data` to `path` atomically (temporary file, flush, rename); creates the folder. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let handle;
  try {
    await mkdir(dir, { recursive: true });
    handle = await open(tmp, "w");
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
  } catch (e) {
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw new RangeError(`Cannot write "${path}": ${(e as Error).message}`);
  }
}
