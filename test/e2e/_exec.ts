/**
 * Runs a program and collects its output, through `node:child_process` (Bun and Deno both
 * provide it), with a time limit so a hung child fails the test instead of stalling it.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The Bun executable: this process when running under Bun, else node_modules/.bin/bun. */
export const BUN: string = (globalThis as { Bun?: unknown }).Bun ? process.execPath : join(ROOT, "node_modules", ".bin", "bun");

/** What a finished program left. */
export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cmd args…`; rejects when it runs past `timeoutMs` (default 60 s), after killing it. */
export function exec(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<ExecResult> {
  if (cmd.includes("/") && !existsSync(cmd)) return Promise.reject(new Error(`no program at ${cmd}`));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, [...args], { cwd: options.cwd, env: options.env as Record<string, string> | undefined, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const limit = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} ran past ${limit} ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
    }, limit);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The environment without variables that would change where Tide looks for data. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("TIDE_") && k !== "XDG_CACHE_HOME") env[k] = v;
  }
  return { ...env, ...extra };
}
