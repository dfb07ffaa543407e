/**
 * What the machine offers: memory available to a new allocation, and cores. Read from
 * /proc/meminfo where it exists (Linux's MemAvailable counts reclaimable cache, which
 * `os.freemem()` on some runtimes does not), else from `node:os`.
 * @module
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, freemem } from "node:os";

/** Bytes of memory a process can still allocate without swapping (an estimate). */
export function availableMemory(): number {
  try {
    const m = /^MemAvailable:\s+(\d+)\s*kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux, or /proc is not readable
  }
  try {
    return freemem();
  } catch {
    return Infinity; // unknown: never refuse on a guess
  }
}

/** Logical cores this process may run on. */
export function coreCount(): number {
  try {
    return Math.max(1, availableParallelism?.() ?? cpus().length);
  } catch {
    return Math.max(1, globalThis.navigator?.hardwareConcurrency || 1);
  }
}
