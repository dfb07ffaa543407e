/**
 * The `tide` executable built once per test process (without the embedded MNIST, which these
 * tests do not need), copied alone into a fresh folder with a fresh HOME, and a way to run it
 * with standard input, for the REPL, plugin and export tests.
 * @module
 */
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { irisFiles } from "../cli/_iris.ts";
import { BUN, cleanEnv, exec, type ExecResult, ROOT } from "./_exec.ts";

/** The installed binary, its folder (holding iris.csv, train.csv, test.csv) and environment. */
export interface Built {
  readonly tide: string;
  readonly dir: string;
  readonly home: string;
  readonly env: Record<string, string>;
}

let built: Promise<Built> | null = null;

/** Builds dist-like `tide` into a temporary folder once, and copies the iris files beside it. */
export function builtTide(): Promise<Built> {
  built ??= (async () => {
    const tmp = await mkdtemp(join(tmpdir(), "tide-built-"));
    const out = join(tmp, "build", "tide");
    const b = await exec(BUN, ["run", join(ROOT, "scripts", "build.ts"), "--outfile", out, "--no-mnist"], { cwd: ROOT, timeoutMs: 170_000 });
    if (b.code !== 0) throw new Error(`build failed (${b.code}):\n${b.stdout}\n${b.stderr}`);
    const dir = join(tmp, "elsewhere");
    const home = join(tmp, "home");
    await mkdir(dir, { recursive: true });
    await mkdir(home, { recursive: true });
    const tide = join(dir, "tide");
    await copyFile(out, tide);
    await chmod(tide, 0o755);
    const iris = await irisFiles();
    for (const f of ["train.csv", "test.csv", "iris.csv"]) await copyFile(join(iris.dir, f), join(dir, f));
    return { tide, dir, home, env: cleanEnv({ HOME: home, TIDE_CACHE_DIR: join(tmp, "cache") }) };
  })();
  return built;
}

/** Runs the built binary in its folder. */
export async function runTide(args: readonly string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ExecResult> {
  const b = await builtTide();
  return exec(b.tide, args, { cwd: b.dir, env: { ...b.env, ...options.env }, timeoutMs: options.timeoutMs ?? 90_000 });
}

/** A running program fed through a pipe: write lines, wait for output, signal it, collect the end. */
export interface Session {
  write(text: string): void;
  /** Resolves once stdout + stderr match `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  /** Closes stdin and resolves when the program ends. */
  end(timeoutMs?: number): Promise<ExecResult>;
  readonly output: string;
}

/** Starts the built binary with piped standard input. */
export async function startTide(args: readonly string[]): Promise<Session> {
  const b = await builtTide();
  const child = spawn(b.tide, [...args], { cwd: b.dir, env: b.env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((f) => f());
  child.stdout!.setEncoding("utf8").on("data", (s: string) => ((stdout += s), poke()));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => ((stderr += s), poke()));
  const closed = new Promise<number | null>((res) => child.on("close", (code) => (poke(), res(code))));
  return {
    write: (text) => void child.stdin!.write(text),
    get output() {
      return stdout + stderr;
    },
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no ${re} within ${timeoutMs} ms; output:\n${stdout}\n${stderr}`)), timeoutMs);
        const check = () => (re.test(stdout + stderr) ? (clearTimeout(t), res()) : waiters.push(check));
        check();
      });
    },
    signal: (sig) => void child.kill(sig),
    async end(timeoutMs = 60_000) {
      child.stdin!.end();
      const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await closed;
      clearTimeout(t);
      return { code, stdout, stderr };
    },
  };
}
