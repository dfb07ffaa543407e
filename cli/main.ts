/**
 * `tide`, the command line: picks the subcommand, runs it, and turns errors into messages and
 * exit statuses (2: bad command line; 1: the library refused or failed; 130: cancelled).
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
import process from "node:process";
import { VERSION } from "../version.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { UsageError } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { runtimeVersion, stdio } from "./_io.ts";
import { demo } from "./demo.ts";
import { describe } from "./describe.ts";
import { predict } from "./predict.ts";
import { serve } from "./serve.ts";
import { train } from "./train.ts";

/** The subcommands, in the order `tide --help` lists them. */
export const commands: readonly Command[] = [train, predict, describe, demo, serve];

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
    "Errors print as one line; set TIDE_DEBUG=1 to see stack traces.",
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
    return await cmd.run(rest, io);
  } catch (e) {
    return reportError(e, cmd, io);
  }
}

/** Prints an error the way users should see it and returns the exit status. */
function reportError(e: unknown, cmd: Command, io: Io): number {
  if (e instanceof UsageError) {
    for (const p of e.problems) io.err(`error: ${p}\n`);
    io.err(`Run "tide ${cmd.name} --help" for the flags.\n`);
    return 2;
  }
  const err = e as Error;
  const debug = env("TIDE_DEBUG");
  if (err?.name === "AbortError") {
    io.err(`error: ${err.message || "cancelled"}\n`);
    return 130;
  }
  if (e instanceof RangeError || e instanceof SyntaxError || e instanceof TypeError) {
    io.err(`error: ${err.message}\n`);
    if (debug) io.err(`${err.stack}\n`);
    return 1;
  }
  io.err(`unexpected error (please report it): ${err?.stack ?? String(e)}\n`);
  return 1;
}

function env(name: string): string | undefined {
  try {
    return process.env[name] || undefined;
  } catch {
    return undefined; // Deno without --allow-env
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
