/**
 * `tide`, the command line: picks the subcommand, runs it, and turns errors into messages and
 * exit statuses (2: bad command line; 1: the library refused or failed; 70: an internal error,
 * a bug, with its stack in a log file; 130: cancelled).
 * The compiled binary's entry imports this module and calls {@linkcode main}; `bun cli/main.ts`
 * and `deno run -A cli/main.ts` run it directly.
 *
 * @example
 * ```sh
 * bun cli/main.ts demo mnist --epochs 1
 * bun cli/main.ts train --training_frame train.csv.gz --y C785 --distribution multinomial --model_out m.tide
 * ```
 * @module
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { VERSION } from "../version.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { UsageError } from "./_flags.ts";
import { PLUGIN_COMMANDS, takePlugins } from "./_plugins.ts";
import type { Io } from "./_io.ts";
import { clip, runtimeVersion, stdio } from "./_io.ts";
import { demo } from "./demo.ts";
import { describe } from "./describe.ts";
import { grid } from "./grid.ts";
import { predict } from "./predict.ts";
import { anomaly } from "./anomaly.ts";
import { deepfeatures } from "./deepfeatures.ts";
import { repl } from "./repl.ts";
import { exportCommand } from "./export.ts";
import { serve } from "./serve.ts";
import { train } from "./train.ts";
import { peer } from "./peer.ts";
import { varimp } from "./varimp.ts";
import { weights } from "./weights.ts";
import { backendsCommand } from "./backends.ts";
import { envVar } from "../io/env.ts";

/** The subcommands, in the order `tide --help` lists them. */
export const commands: readonly Command[] = [train, grid, predict, describe, demo, anomaly, deepfeatures, varimp, weights, serve, repl, exportCommand, peer, backendsCommand];

/** `tide --version`: Tide's version and the runtime's. */
export function versionText(): string {
  return `tide ${VERSION} (${runtimeVersion()})\n`;
}

/** `tide --help`: the subcommands, one line each. */
export function helpText(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    `tide ${VERSION}: H2O-3 Deep Learning in TypeScript`,
    "",
    "Usage: tide <command> [flags]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "Flags:",
    "  --help, -h     Show this help; tide <command> --help shows a command's flags",
    "  --version, -v  Show the version of Tide and of the runtime",
    "",
    "Errors print one per line; set TIDE_DEBUG=1 to see stack traces.",
    "",
  ].join("\n");
}

/**
 * Runs the CLI with `args` (the arguments after the program name) and resolves to the exit
 * status; writes to `io` (stdout/stderr by default).
 * @example
 * ```ts
 * process.exitCode = await main(["describe", "iris.csv"]);
 * ```
 */
export async function main(args: readonly string[], io: Io = stdio): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined || first === "--help" || first === "-h") {
    io.out(helpText());
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    io.out(versionText());
    return 0;
  }
  if (first === "help") {
    const cmd = commands.find((c) => c.name === rest[0]);
    if (cmd || rest.length === 0) {
      io.out(cmd ? commandHelp(cmd) : helpText());
      return 0;
    }
    io.err(`error: No command "${rest[0]}": the commands are ${commands.map((c) => c.name).join(", ")}\n`);
    return 2;
  }
  const cmd = commands.find((c) => c.name === first);
  if (!cmd) {
    const names = commands.map((c) => c.name).join(", ");
    const what = first.startsWith("-") ? `Unknown flag "${first}"` : `Unknown command "${first}"`;
    io.err(`error: ${what}: the commands are ${names} (tide --help lists them)\n`);
    return 2;
  }
  try {
    // --plugin files load before the command reads its flags: their names become flags too.
    const argv = PLUGIN_COMMANDS.has(cmd.name) ? (await takePlugins(rest, io)).rest : rest;
    return await cmd.run(argv, io);
  } catch (e) {
    return reportError(e, cmd, io);
  }
}

/** Prints an error the way users should see it and returns the exit status. */
function reportError(e: unknown, cmd: Command, io: Io): number {
  if (e instanceof UsageError) {
    for (const p of e.problems) io.err(`error: ${clip(p)}\n`);
    io.err(`Run "tide ${cmd.name} --help" for the flags.\n`);
    return 2;
  }
  const err = e as Error;
  const debug = envVar("TIDE_DEBUG");
  if (err?.name === "AbortError") {
    io.err(`error: ${clip(err.message || "cancelled")}\n`);
    return 130;
  }
  if (!isInternal(e)) {
    // A library error that lists several problems prints one per line.
    const problems = (err as { problems?: unknown }).problems;
    const lines = Array.isArray(problems) && problems.length > 1 ? problems.map(String) : [err.message];
    for (const line of lines) io.err(`error: ${clip(line)}\n`);
    if (debug) io.err(`${err.stack}\n`);
    return 1;
  }
  const log = writeCrashLog(e, cmd);
  io.err(`internal error: ${clip(err?.message ?? String(e))}\n`);
  io.err(`This is a bug in Tide, not a problem with your input or flags: please report it${log ? `, attaching ${log} (it holds the stack trace)` : ""}.\n`);
  if (debug || !log) io.err(`${err?.stack ?? String(e)}\n`);
  return 70; // EX_SOFTWARE
}

/**
 * Messages the JavaScript engine itself produces (Bun/JavaScriptCore and V8 wordings): a
 * TypeError or RangeError with one of these is a bug in Tide, not a user error. Tide's own
 * errors are sentences that name a field, a file or a flag.
 */
const ENGINE_MESSAGES = [
  /is not an object/, /is not a function/, /is not a constructor/, /is not iterable/, /Cannot read propert/, /Cannot set propert/,
  /undefined is not/, /null is not/, /Maximum call stack/, /call stack size/, /Invalid array length/, /Invalid typed array length/,
  /before initialization/, /Cannot access uninitialized/, /Attempted to assign to readonly/, /Cannot assign to read only/,
  /Out of bounds access/, /out of bounds/i, /Cannot convert .* to a BigInt/, /Cannot mix BigInt/, /Array buffer allocation failed/,
  /Unexpected token/, /JSON Parse error/, /Invalid or unexpected token/,
];

/** True for errors that are bugs: anything not thrown on purpose as a TypeError, RangeError or SyntaxError. */
export function isInternal(e: unknown): boolean {
  if (!(e instanceof Error)) return true;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return false; // system errors: disk, permissions
  if (!(e instanceof RangeError || e instanceof SyntaxError || e instanceof TypeError)) return true;
  return ENGINE_MESSAGES.some((re) => re.test(e.message));
}

/** Writes the stack of an internal error to a log file in the temporary folder; returns its path, or null. */
function writeCrashLog(e: unknown, cmd: Command): string | null {
  try {
    const path = join(tmpdir(), `tide-crash-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.log`);
    const err = e as Error;
    const text = [
      `tide ${VERSION} (${runtimeVersion()}) ${process.platform}-${process.arch}`,
      `command: tide ${cmd.name} ${process.argv.slice(3).map((a) => clip(a, 200)).join(" ")}`,
      `error: ${err?.name ?? typeof e}: ${clip(err?.message ?? String(e), 4000)}`,
      "",
      err?.stack ?? String(e),
      "",
    ].join("\n");
    writeFileSync(path, text);
    return path;
  } catch {
    return null;
  }
}


if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
