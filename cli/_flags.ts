/**
 * Command-line flags from parameter declarations. Every subcommand declares its flags as
 * `ParamSpecs` (the same shape as the Deep Learning parameters in core/train/parameters.ts), so
 * one parser and one help generator serve them all: `--name value`, `--name=value`, dashed or
 * camel spellings (`--input-dropout-ratio`), aliases (`--y`), bare booleans (`--sparse`) and
 * comma-separated lists (`--hidden 32,32,32`). Problems are collected, never thrown one by one.
 * @module
 */
import type { ParamSpec, ParamSpecs } from "../core/params.ts";
import { describeAllowed, formatValue, parseParams, resolveName, unknownMessage } from "../core/params.ts";

/** A bad command line: every problem found, printed one per line, exit status 2. */
export class UsageError extends Error {
  /** @param problems one message per problem; @param command the subcommand, for the `--help` hint */
  constructor(readonly problems: readonly string[], readonly command = "") {
    super(problems.join("; "));
    this.name = "UsageError";
  }
}

/** What {@linkcode parseFlags} found. */
export interface ParsedFlags {
  /** Typed values of the flags given (and only those), by declared name. */
  readonly values: Record<string, unknown>;
  /** Arguments that are not flags, in order. */
  readonly positionals: string[];
  /** Every problem, each naming its flag; empty when the command line is fine. */
  readonly errors: string[];
  /** Declared names given with a problem (a bad value, no value, twice). */
  readonly failed: ReadonlySet<string>;
}

const BOOL_WORDS = /^(true|false|yes|no|1|0)$/i;
const LOOKS_LIKE_FLAG = /^--?[A-Za-z_]/;
/** A token that is a flag, not a value: `-inf` is a value. */
const isFlag = (t: string) => LOOKS_LIKE_FLAG.test(t) && !/^-inf(inity)?$/i.test(t);

/**
 * Parses command-line arguments against flag declarations: resolves spellings and aliases,
 * coerces and range-checks values with the same rules as the library (`parseParams`), and
 * reports every problem at once.
 * @param argv the arguments after the subcommand
 * @param specs the flags this command accepts
 * @param options `maxPositionals`: how many non-flag arguments are allowed (default 0)
 * @example
 * ```ts
 * const { values, errors } = parseFlags(["--hidden", "32,32", "--sparse"], deepLearningParams);
 * // values: { hidden: [32, 32], sparse: true }
 * ```
 */
export function parseFlags(argv: readonly string[], specs: ParamSpecs, options: { maxPositionals?: number } = {}): ParsedFlags {
  const raw: Record<string, string> = {};
  const typedAs: Record<string, string> = {};
  const positionals: string[] = [];
  const errors: string[] = [];
  const failed = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isFlag(token)) {
      positionals.push(token);
      continue;
    }
    if (!token.startsWith("--")) {
      errors.push(`Unknown flag "${token}": flags start with two dashes, as in "-${token}"`);
      continue;
    }
    const eq = token.indexOf("=");
    const typed = token.slice(2, eq < 0 ? undefined : eq);
    const name = resolveName(specs, typed);
    const next = argv[i + 1];
    if (!name) {
      errors.push(unknownFlag(specs, typed));
      // Skip what is probably its value, so it is not reported again as a stray argument.
      if (eq < 0 && next !== undefined && !isFlag(next)) i++;
      continue;
    }
    const spec = specs[name];
    let value: string;
    if (eq >= 0) value = token.slice(eq + 1);
    else if (spec.type === "bool") {
      value = next !== undefined && BOOL_WORDS.test(next) ? argv[++i] : "true";
    } else if (next === undefined || isFlag(next)) {
      errors.push(`--${typed} needs a value (${describeAllowed(spec)})${next === undefined ? "" : `: got the flag "${next}"`}`);
      failed.add(name);
      if (next === "-h" || next === "--help") i++; // reported here, not again as a flag or a help request
      continue;
    } else value = argv[++i];
    if (name in raw) {
      errors.push(`--${name} is given twice ("${raw[name]}" as --${typedAs[name]}, then "${value}" as --${typed}): give it once`);
      failed.add(name);
      continue;
    }
    raw[name] = value;
    typedAs[name] = typed;
  }
  const max = options.maxPositionals ?? 0;
  if (positionals.length > max) {
    const extra = positionals.slice(max).map((p) => `"${p}"`).join(", ");
    errors.push(max === 0 ? `Unexpected argument ${extra}: this command takes only --flags` : `Unexpected argument ${extra}: this command takes at most ${max} argument${max === 1 ? "" : "s"} besides its --flags`);
  }
  const { params, messages } = parseParams(specs, raw);
  for (const m of messages) {
    if (m.level !== "error") continue;
    errors.push(m.message);
    failed.add(m.field);
  }
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(raw)) if (!failed.has(name)) values[name] = params[name];
  return { values, positionals, errors, failed };
}

/** Adds "`--name` is required: why" to `parsed.errors` when the flag is missing (and was not already reported). */
export function requireFlag(parsed: ParsedFlags, name: string, why: string, shown = `--${name}`): void {
  const v = parsed.values[name];
  if ((v === undefined || v === null || v === "") && !parsed.failed.has(name)) parsed.errors.push(`${shown} is required: ${why}`);
}

function unknownFlag(specs: ParamSpecs, typed: string): string {
  // "Unknown parameter "foo"; did you mean "bar"?" said in flags: Unknown flag --foo; did you mean --bar?
  const m = unknownMessage(specs, typed);
  const hint = /did you mean "([^"]+)"/.exec(m);
  return `Unknown flag --${typed}${hint ? `; did you mean --${hint[1]}?` : ""}`;
}

/**
 * True when the arguments ask for help (`--help` or `-h` before any `--`). With `specs`, a `-h`
 * right after a flag that takes a value (`--y -h`) is that flag's missing value, not a request
 * for help: the parser then reports "--y needs a value", rather than help hiding the mistake.
 */
export function wantsHelp(argv: readonly string[], specs?: ParamSpecs): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return false;
    if (a !== "--help" && a !== "-h") continue;
    const prev = i > 0 ? argv[i - 1] : "";
    const name = specs && prev.startsWith("--") && !prev.includes("=") ? resolveName(specs, prev.slice(2)) : undefined;
    if (name && specs![name].type !== "bool") continue;
    return true;
  }
  return false;
}

/**
 * The flags of `specs` as help text, grouped by `section` in declaration order. Each flag gets
 * a line with its spellings, its default and the values it takes, then its help line indented.
 */
export function formatFlags(specs: ParamSpecs): string {
  const sections = new Map<string, [string, ParamSpec][]>();
  for (const [name, spec] of Object.entries(specs)) {
    const key = spec.section ?? "Flags";
    if (!sections.has(key)) sections.set(key, []);
    sections.get(key)!.push([name, spec]);
  }
  const out: string[] = [];
  for (const [section, entries] of sections) {
    out.push("", `${section}:`);
    for (const [name, spec] of entries) {
      const flags = [`--${name}`, ...(spec.aliases ?? []).map((a) => `--${a}`)].join(", ");
      out.push(`  ${flags}  (default ${formatValue(spec.default)})  <${describeAllowed(spec)}>`, `      ${spec.help}`);
    }
  }
  return out.join("\n").slice(1);
}
