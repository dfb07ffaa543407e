/**
 * Measured training speeds that `backend = "auto"` keeps between runs, so that a probe runs once
 * per backend, device, network (units, activation, dropout, output head), mini-batch, threads,
 * parallel_mode and rows. One JSON file (`backend-speeds.json` in Tide's
 * cache folder), rewritten atomically on every change. An entry is used only while it is fresh:
 * measured by this Tide version, by the same runtime, within `maxAgeDays`. A missing, unreadable,
 * corrupt or foreign file is an empty cache (and is replaced at the next write); a write that
 * fails (read-only home) leaves the measurement in memory only.
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { tideCacheDir } from "../../io/cache_dir.ts";
import { writeFileAtomic } from "../../io/files.ts";
import { VERSION } from "../../version.ts";

/** What identifies a measurement. */
export interface SpeedKey {
  readonly backend: string;
  /** The device: the adapter's name for a GPU, "cpu N cores" for host backends. */
  readonly device: string;
  /** Units per layer, input first. */
  readonly units: readonly number[];
  readonly activation: string;
  readonly miniBatch: number;
  readonly threads: number;
  /** The input rows in a few words ("dense", "csr 20 % non-zero"). */
  readonly rows: string;
  /** Dropout ratio per layer, input first (masks cost a draw and a multiply per unit). */
  readonly dropout: readonly number[];
  /** How threads share the model (`parallel_mode`: "hogwild", "average" or "auto"). */
  readonly parallel: string;
  /** The output head ("softmax", "linear", "reconstruct": an autoencoder's output is n₀ wide). */
  readonly output: string;
}

/** One stored measurement. */
export interface SpeedEntry {
  readonly samplesPerSecond: number;
  /** ISO time of the measurement. */
  readonly measuredAt: string;
  readonly tide: string;
  readonly runtime: string;
}

interface CacheFile {
  readonly format: "tide-backend-speeds";
  readonly version: 1;
  readonly entries: Record<string, SpeedEntry>;
}

/** The default file: `backend-speeds.json` in Tide's cache folder. */
export function defaultSpeedCachePath(): string {
  return join(tideCacheDir(), "backend-speeds.json");
}

/**
 * The key as stored: one readable line. Keys written before dropout, parallel_mode and the output
 * head were part of it have fewer fields, so they never equal a key of today: an old entry is a miss.
 */
export function speedKeyString(k: SpeedKey): string {
  const dropout = k.dropout.some((r) => r > 0) ? `dropout ${k.dropout.join("/")}` : "no dropout";
  return [k.backend, k.device, k.units.join("-"), k.activation, `mb ${k.miniBatch}`, `${k.threads} thread${k.threads === 1 ? "" : "s"}`, k.rows, dropout, k.parallel, k.output].join(" | ");
}

/** The runtime measurements belong to ("bun 1.4.5", "deno 2.9.6"): speeds differ between them. */
export function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string }; process?: { versions?: { node?: string } } };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${g.process?.versions?.node ?? "?"}`;
}

/** Measured speeds in a file (or only in memory with `path` null). */
export class SpeedCache {
  readonly path: string | null;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #entries: Record<string, SpeedEntry> | null = null;
  /** Writes queue behind each other so that two puts never race on the file. */
  #writing: Promise<void> = Promise.resolve();
  /** Why the last write failed, if it did (the entry stays in memory). */
  lastWriteError: string | null = null;

  constructor(path: string | null = defaultSpeedCachePath(), { maxAgeDays = 30, now = () => Date.now() }: { maxAgeDays?: number; now?: () => number } = {}) {
    this.path = path;
    this.#maxAgeMs = maxAgeDays * 86_400_000;
    this.#now = now;
  }

  /** The fresh measurement for `key`, or undefined. */
  async get(key: SpeedKey): Promise<SpeedEntry | undefined> {
    const e = (await this.#load())[speedKeyString(key)];
    return e && this.#fresh(e) ? e : undefined;
  }

  /** Stores a measurement and rewrites the file atomically, dropping entries that are no longer fresh. */
  async put(key: SpeedKey, samplesPerSecond: number): Promise<void> {
    const entries = await this.#load();
    entries[speedKeyString(key)] = { samplesPerSecond, measuredAt: new Date(this.#now()).toISOString(), tide: VERSION, runtime: runtimeName() };
    for (const [k, e] of Object.entries(entries)) if (!this.#fresh(e) && e.runtime === runtimeName()) delete entries[k];
    if (this.path === null) return;
    const path = this.path;
    const file: CacheFile = { format: "tide-backend-speeds", version: 1, entries };
    this.#writing = this.#writing.then(() => writeFileAtomic(path, `${JSON.stringify(file, null, 1)}\n`)).then(
      () => void (this.lastWriteError = null),
      (e) => void (this.lastWriteError = (e as Error).message),
    );
    await this.#writing;
  }

  /** Every stored entry, fresh or not (for `tide backends`). */
  async entries(): Promise<Readonly<Record<string, SpeedEntry>>> {
    return { ...(await this.#load()) };
  }

  #fresh(e: SpeedEntry): boolean {
    const age = this.#now() - Date.parse(e.measuredAt);
    return e.tide === VERSION && e.runtime === runtimeName() && age >= 0 && age <= this.#maxAgeMs && e.samplesPerSecond > 0;
  }

  async #load(): Promise<Record<string, SpeedEntry>> {
    if (this.#entries) return this.#entries;
    this.#entries = {};
    if (this.path === null) return this.#entries;
    try {
      const raw = JSON.parse(await readFile(this.path, "utf8")) as Partial<CacheFile>;
      if (raw?.format === "tide-backend-speeds" && raw.version === 1 && raw.entries && typeof raw.entries === "object") {
        for (const [k, e] of Object.entries(raw.entries)) {
          if (e && typeof e.samplesPerSecond === "number" && typeof e.measuredAt === "string" && typeof e.tide === "string" && typeof e.runtime === "string") this.#entries[k] = e;
        }
      }
    } catch {
      // Missing or corrupt: an empty cache, replaced at the next write.
    }
    return this.#entries;
  }
}
