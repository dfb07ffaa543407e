/**
 * File access shared by the API and the CLI, through `node:fs` (Bun and Deno both provide it).
 *
 * Writes are atomic: a temporary file in the target's folder, flushed, then renamed over the
 * target, so a crash never leaves a half-written model or checkpoint behind. Around that:
 * - an existing target keeps its permission bits (0600 stays 0600);
 * - a symlink is written through: the file it points to is replaced, the link stays a link;
 * - temporary files are named `.NAME.tmp-PID-…`; a write removes the ones of its own naming left
 *   by a process that no longer runs (a killed save), and {@linkcode abandonPendingWrites}
 *   removes this process's unfinished ones (Ctrl-C twice during a save).
 * @module
 */
import { rmSync } from "node:fs";
import { access, constants, lstat, mkdir, open, readdir, readFile, readlink, rename, rm, stat } from "node:fs/promises";
import process from "node:process";
import { basename, dirname, join, resolve } from "node:path";

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

/** Temporary files this process is writing now, removed by {@linkcode abandonPendingWrites}. */
const pending = new Set<string>();

/**
 * Writes `data` to `path` atomically (temporary file, flush, rename); creates the folder. An
 * existing file keeps its mode; a symlink is followed and the file it names is replaced.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  if (typeof path !== "string" || path === "") throw new TypeError(`Cannot write a file: the path is empty`);
  const target = await followLink(path);
  const dir = dirname(target);
  const prefix = tempPrefix(target);
  const tmp = join(dir, `${prefix}${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let handle;
  try {
    await mkdir(dir, { recursive: true });
    await removeStaleTemps(dir, prefix);
    const mode = await stat(target).then((s) => (s.isFile() ? s.mode & 0o7777 : null), () => null);
    pending.add(tmp);
    handle = await open(tmp, "w", mode ?? 0o666);
    if (mode !== null) await handle.chmod(mode); // the umask narrowed open()'s mode
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, target);
  } catch (e) {
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw new RangeError(`Cannot write "${path}": ${(e as Error).message}`);
  } finally {
    pending.delete(tmp);
  }
}

/**
 * Removes the temporary files of writes still in progress in this process, at once
 * (synchronously, so it can run just before the process exits). The targets are untouched.
 * @returns how many it removed
 */
export function abandonPendingWrites(): number {
  let n = 0;
  for (const tmp of pending) {
    try {
      rmSync(tmp, { force: true });
      n++;
    } catch {
      // already gone
    }
  }
  pending.clear();
  return n;
}

function tempPrefix(target: string): string {
  return `.${basename(target)}.tmp-`;
}

/** `path`, or the file a symlink at `path` points to (resolved, even when that file does not exist yet). */
async function followLink(path: string): Promise<string> {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const st = await lstat(p).catch(() => null);
    if (!st?.isSymbolicLink()) return p;
    p = resolve(dirname(p), await readlink(p));
  }
  throw new RangeError(`Cannot write "${path}": too many levels of symbolic links`);
}

/**
 * Removes `.NAME.tmp-PID-…` files of a process that no longer runs (a save killed mid-write);
 * those of a live process are left alone (it may still be writing). Older names without a pid
 * are removed once they are an hour old.
 */
async function removeStaleTemps(dir: string, prefix: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const full = join(dir, name);
    if (pending.has(full)) continue;
    const pid = /^(\d+)-[0-9a-z]+-[0-9a-z]+$/.exec(name.slice(prefix.length));
    const stale = pid ? !processAlive(Number(pid[1])) : await stat(full).then((s) => Date.now() - s.mtimeMs > 3_600_000, () => false);
    if (stale) await rm(full, { force: true }).catch(() => {});
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false; // ours but not pending: left by a write that failed
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM"; // exists, owned by someone else
  }
}

/** A file the command reads or writes, and the flag that names it (for messages). */
export interface NamedPath {
  readonly flag: string;
  readonly path: string;
}

/**
 * Problems with a command's outputs, checked before any work starts: an output that is one of
 * its inputs (same file by real path or by device and inode, so symlinks and hard links count),
 * an output that is a directory, or a folder that cannot be written.
 * @returns one message per problem (empty when every output can be written)
 */
export async function checkOutputs(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): Promise<string[]> {
  const problems: string[] = [];
  const ids = new Map<string, NamedPath>();
  for (const inp of inputs) {
    const id = await fileId(inp.path);
    if (id) ids.set(id, inp);
  }
  for (const out of outputs) {
    if (out.path === "") {
      problems.push(`${out.flag} is empty: give a file name, or leave the flag out`);
      continue;
    }
    const id = await fileId(out.path);
    const same = id ? ids.get(id) : undefined;
    if (same) {
      problems.push(`${out.flag} "${out.path}" is the same file as ${same.flag} "${same.path}": writing it would destroy the input; choose another file`);
      continue;
    }
    const problem = await writableProblem(out.path);
    if (problem) problems.push(`${out.flag} "${out.path}": ${problem}`);
    if (id) ids.set(id, out);
  }
  return problems;
}

async function fileId(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    return `${s.dev}:${s.ino}`; // the same for every symlink or hard link to the file
  } catch {
    return null;
  }
}

/** Why `path` cannot be written atomically, or null. */
async function writableProblem(path: string): Promise<string | null> {
  const target = await followLink(path).catch(() => resolve(path));
  const st = await stat(target).catch(() => null);
  if (st?.isDirectory()) return "is a directory; give a file name";
  // The nearest folder that exists must be a writable folder (the write creates the rest).
  let dir = dirname(target);
  for (;;) {
    const d = await stat(dir).catch(() => null);
    if (d) {
      if (!d.isDirectory()) return `"${dir}" is not a folder`;
      try {
        await access(dir, constants.W_OK | constants.X_OK);
        return null;
      } catch {
        return `the folder "${dir}" is not writable`;
      }
    }
    const up = dirname(dir);
    if (up === dir) return `no folder of it exists`;
    dir = up;
  }
}
