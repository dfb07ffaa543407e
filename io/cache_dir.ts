/**
 * Tide's cache folder: `$TIDE_CACHE_DIR`, else `$XDG_CACHE_HOME/tide`, else `~/.cache/tide`.
 * MNIST's CSV files and the backend speed measurements of `backend = "auto"` live there.
 * @module
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { envVar } from "./env.ts";

/** The cache folder (not created here). */
export function tideCacheDir(): string {
  const tide = envVar("TIDE_CACHE_DIR");
  if (tide) return resolve(tide);
  const xdg = envVar("XDG_CACHE_HOME");
  if (xdg) return join(resolve(xdg), "tide");
  return join(homedir(), ".cache", "tide");
}

