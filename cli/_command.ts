/**
 * The shape of a subcommand and its generated `--help`: usage, a description, then the flags
 * from its declarations.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { formatFlags } from "./_flags.ts";
import type { Io } from "./_io.ts";

/** One `tide` subcommand. */
export interface Command {
  /** What users type after `tide`. */
  readonly name: string;
  /** One line for `tide --help`. */
  readonly summary: string;
  /** The usage line(s), without the leading "Usage: ". */
  readonly usage: string;
  /** A few sentences for `tide <name> --help`, including an example. */
  readonly description: string;
  /** The flags it accepts, as declarations (the help text and the parser both read them). */
  flags(): ParamSpecs;
  /** Runs the command; resolves to the exit status. Throws `UsageError` for a bad command line. */
  run(argv: readonly string[], io: Io): Promise<number>;
}

/** `tide <command> --help`. */
export function commandHelp(cmd: Command): string {
  return `Usage: ${cmd.usage}\n\n${cmd.description}\n\n${formatFlags(cmd.flags())}\n`;
}

/** The same declarations in a stable order: `first` keys, then the rest as they come. */
export function ordered(specs: ParamSpecs, first: readonly string[]): ParamSpecs {
  const out: Record<string, ParamSpecs[string]> = {};
  for (const k of first) if (k in specs) out[k] = specs[k];
  for (const [k, v] of Object.entries(specs)) if (!(k in out)) out[k] = v;
  return out;
}
