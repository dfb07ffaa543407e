/**
 * The `--data_dir` sandbox: the server reads and writes files only under its data roots.
 * Paths are resolved (relative ones from the first root), then their real location (symlinks
 * followed; for a file not yet written, its nearest existing folder) must lie inside a root's
 * real location. Anything else is a 403 naming the roots.
 * @module
 */
import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { H2OError } from "./wire.ts";

/** Data roots, as given and as real paths. */
export class DataRoots {
  readonly #real: string[];

  /** @param roots folders (default: the current directory) */
  constructor(readonly roots: readonly string[]) {
    if (roots.length === 0) throw new RangeError("At least one data root is needed");
    this.#real = roots.map((r) => {
      try {
        return realpathSync(resolve(r));
      } catch {
        throw new RangeError(`Cannot serve data from "${r}": no such folder; create it or pass another --data_dir`);
      }
    });
  }

  /** The checked absolute path of `path`; 403 when it escapes every root. */
  resolve(path: string, field = "path"): string {
    if (typeof path !== "string" || path === "" || path.includes("\0")) throw new H2OError(412, `Illegal argument for field: ${field}: a file path is required`);
    const abs = isAbsolute(path) ? resolve(path) : resolve(this.#real[0], path);
    const real = realOrParent(abs);
    if (!this.#real.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep))) {
      throw new H2OError(403, `Access denied: "${path}" is outside the server's data folders (${this.roots.join(", ")}); start tide serve with --data_dir to allow another folder`, {
        values: { argument: field, name: path },
      });
    }
    return real;
  }
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realOrParent(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    if (parent === p) return p;
    return join(realOrParent(parent), basename(p));
  }
}
