/**
 * Where the CLI writes, and the small text helpers every subcommand shares. Commands write
 * through an {@linkcode Io} rather than to `process` directly, so tests run them in-process and
 * read what they printed.
 * @module
 */
import process from "node:process";

/** Output channels of a command: results on `out`, progress and diagnostics on `err`. */
export interface Io {
  /** Writes results (tables, metrics, predictions). */
  out(text: string): void;
  /** Writes progress, warnings and errors. */
  err(text: string): void;
  /** True when `err` is a terminal, so progress can redraw one line with `\r`. */
  readonly tty: boolean;
}

/** The process's stdout and stderr. */
export const stdio: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get tty() {
    return process.stderr.isTTY === true;
  },
};

/** An {@linkcode Io} that keeps everything written, for tests. */
export function memoryIo(tty = false): Io & { readonly stdout: string; readonly stderr: string } {
  let stdout = "", stderr = "";
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    tty,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/**
 * `text` with every long quoted value ("…") shortened to its start and end, and the whole cut to
 * `max` characters, so a 10 MB column name or flag value never becomes a 10 MB message.
 */
export function clip(text: string, max = 2000): string {
  // A long run without spaces between quotes is a value; prose between two quoted values has spaces.
  let s = text.replace(/"([^"\s]{121,}|[^"]{600,})"/g, (_m, v: string) => `"${v.slice(0, 80)}…${v.slice(-20)}" (${count(v.length)} characters)`);
  if (s.length > max) s = `${s.slice(0, max - 40)}… (${count(s.length - max + 40)} more characters)`;
  return s;
}

/** A count with thousands separators: `60,000`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Seconds as people read them: `0.412 s`, `12.3 s`, `2 min 05 s`. */
export function seconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 10) return `${s.toFixed(3)} s`;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - 60 * m);
  if (m < 60) return `${m} min ${String(rest).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** A metric value to 4 significant digits (`0.2313`, `1.235e-5`), empty for NaN or missing. */
export function metric(v: unknown): string {
  if (typeof v !== "number" || Number.isNaN(v)) return "";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** Bun's, Deno's or Node's version, as `Bun 1.4.5`. */
export function runtimeVersion(): string {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun?.version) return `Bun ${g.Bun.version}`;
  if (g.Deno?.version?.deno) return `Deno ${g.Deno.version.deno}`;
  return `Node ${process.versions?.node ?? "unknown"}`;
}
