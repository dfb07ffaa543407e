/**
 * Hyper-parameter declarations and their parsing. One declaration per parameter, under its H2O
 * wire name, drives CLI flags, `--help`, validation, the REST schema and model metadata, so a
 * name is never spelled twice.
 * @module
 */

/** The value kinds a parameter can take. */
export type ParamType =
  | "bool"
  | "int"
  | "float"
  | "enum"
  | "string"
  | "int[]"
  | "float[]"
  | "string[]";

/**
 * H2O's parameter levels: what a form shows first (critical), then on request (secondary), and
 * only to experts. Clients (CLI help, REST schema, web UI) group and order by it.
 */
export type ParamLevel = "critical" | "secondary" | "expert";

/** Headings under which parameters are listed, in display order; plugins file theirs under one. */
export const SECTIONS = {
  data: "Data and roles",
  arch: "Architecture and initialisation",
  length: "Training length and parallelism",
  opt: "Optimisation and regularisation",
  loss: "Loss and distribution",
  scoring: "Scoring, stopping and outputs",
  cv: "Cross-validation and checkpointing",
  tide: "Tide",
  plugins: "Plugins",
} as const;

/** One declared hyper-parameter. */
export interface ParamSpec {
  readonly type: ParamType;
  /** The default; `null` means "none" (for example no validation frame). */
  readonly default: unknown;
  /** Allowed values of an enum. */
  readonly values?: readonly string[];
  /** Inclusive bounds unless the matching `…Exclusive` flag is set; checked for every list element. */
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  /** May appear in a grid search's hyper-parameter map. */
  readonly gridable?: boolean;
  /** H2O's level; "expert" when omitted. */
  readonly level?: ParamLevel;
  /** One help line. */
  readonly help: string;
  /** Heading under which `--help` lists it. */
  readonly section?: string;
  /** Other names accepted on input (for example `y` for `response_column`). */
  readonly aliases?: readonly string[];
  /** A float that may be +Infinity (meaning "no limit", as `max_w2`); every other number must be finite. */
  readonly allowInfinity?: boolean;
}

/** Parameters by wire name. */
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** A validation finding about one field. */
export interface Message {
  readonly level: "error" | "warn" | "info";
  readonly field: string;
  readonly message: string;
}

/** Values by wire name. */
export type ParamValues = Record<string, unknown>;

/** Turns `input-dropout-ratio` or `inputDropoutRatio` into the wire name `input_dropout_ratio`. */
export function wireName(name: string): string {
  return name.replace(/-/g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Finds the declared wire name for a user-typed name, or undefined. */
export function resolveName(specs: ParamSpecs, typed: string): string | undefined {
  if (typed in specs) return typed;
  const w = wireName(typed);
  if (w in specs) return w;
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.aliases?.includes(typed) || spec.aliases?.includes(w)) return name;
  }
  return undefined;
}

/** Describes what values a spec takes, for help text and error messages. */
export function describeAllowed(spec: ParamSpec): string {
  if (spec.type === "enum") return spec.values!.join(" | ");
  if (spec.type === "bool") return "true | false";
  const lo = spec.min === undefined ? "" : `${spec.minExclusive ? ">" : "≥"} ${spec.min}`;
  const hi = spec.max === undefined ? "" : `${spec.maxExclusive ? "<" : "≤"} ${spec.max}`;
  const range = [lo, hi].filter(Boolean).join(" and ");
  const base = spec.type.endsWith("[]") ? `comma-separated ${spec.type.slice(0, -2)}s` : spec.type;
  return range ? `${base}, ${range}` : base;
}

/** Formats a default value as users would type it. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (Array.isArray(v)) return v.join(",");
  return String(v);
}

/**
 * Converts one raw value (a string from the command line or a form, or an already typed value)
 * to the spec's type. Throws `TypeError` with a message naming the field and what it wants.
 */
export function coerce(field: string, spec: ParamSpec, raw: unknown): unknown {
  const want = () => `"${field}" must be ${describeAllowed(spec)}: got ${JSON.stringify(raw)}`;
  if (raw === null) return null;
  switch (spec.type) {
    case "bool": {
      if (typeof raw === "boolean") return raw;
      const s = String(raw).toLowerCase();
      if (s === "true" || s === "1" || s === "yes") return true;
      if (s === "false" || s === "0" || s === "no") return false;
      throw new TypeError(want());
    }
    case "int":
    case "float": {
      const n = toNumber(raw);
      if (Number.isNaN(n) || (spec.type === "int" && !Number.isInteger(n))) throw new TypeError(want());
      if (!Number.isFinite(n) && !(spec.allowInfinity && n === Infinity)) throw new TypeError(notFinite(field, spec, raw));
      return n;
    }
    case "enum": {
      const s = String(raw);
      const hit = spec.values!.find((v) => v === s) ?? spec.values!.find((v) => v.toLowerCase() === s.toLowerCase()) ??
        spec.values!.find((v) => v.toLowerCase() === s.replace(/_/g, "").toLowerCase());
      if (hit === undefined) throw new TypeError(want());
      return hit;
    }
    case "string":
      return String(raw);
    case "int[]":
    case "float[]":
    case "string[]": {
      const items = Array.isArray(raw) ? raw : splitList(String(raw));
      if (spec.type === "string[]") return items.map(String);
      const nums = items.map(toNumber);
      if (nums.some((n) => Number.isNaN(n) || (spec.type === "int[]" && !Number.isInteger(n)))) {
        throw new TypeError(want());
      }
      if (nums.some((n) => !Number.isFinite(n))) throw new TypeError(notFinite(field, spec, raw));
      return nums;
    }
  }
}

// "1e400" overflows to Infinity: refused like "Inf", since an infinite rate or epoch count never ends well.
function notFinite(field: string, spec: ParamSpec, raw: unknown): string {
  return `"${field}" must be a finite number (${describeAllowed(spec)}): got ${JSON.stringify(raw)}`;
}

function toNumber(raw: unknown): number {
  if (typeof raw === "number") return raw;
  const s = String(raw).trim();
  if (s === "") return NaN;
  if (/^[-+]?inf(inity)?$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  return Number(s);
}

function splitList(s: string): string[] {
  const t = s.trim().replace(/^\[|\]$/g, "").trim();
  if (t === "") return [];
  return t.split(/\s*,\s*|\s+/).map((x) => x.replace(/^["']|["']$/g, ""));
}

/** Checks bounds; returns a message or undefined. */
export function checkRange(field: string, spec: ParamSpec, value: unknown): string | undefined {
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (typeof v !== "number") continue;
    const lowOk = spec.min === undefined || (spec.minExclusive ? v > spec.min : v >= spec.min);
    const highOk = spec.max === undefined || (spec.maxExclusive ? v < spec.max : v <= spec.max);
    if (!lowOk || !highOk) return `"${field}" must be ${describeAllowed(spec)}: got ${formatValue(value)}`;
  }
  return undefined;
}

/**
 * Parses user-supplied values against the declarations: resolves spellings, coerces types,
 * checks ranges and fills defaults. Collects every finding instead of stopping at the first.
 * @example
 * ```ts
 * const { params, messages } = parseParams({ epochs: { type: "float", default: 10, min: 0, help: "" } }, { epochs: "2.5" });
 * ```
 */
export function parseParams(
  specs: ParamSpecs,
  input: Readonly<Record<string, unknown>>,
): { params: ParamValues; messages: Message[] } {
  const params: ParamValues = {};
  const messages: Message[] = [];
  for (const [name, spec] of Object.entries(specs)) params[name] = cloneDefault(spec.default);
  for (const [typed, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    const name = resolveName(specs, typed);
    if (!name) {
      messages.push({ level: "error", field: typed, message: unknownMessage(specs, typed) });
      continue;
    }
    try {
      const value = coerce(name, specs[name], raw);
      const bad = checkRange(name, specs[name], value);
      if (bad) messages.push({ level: "error", field: name, message: bad });
      else params[name] = value;
    } catch (e) {
      messages.push({ level: "error", field: name, message: (e as Error).message });
    }
  }
  return { params, messages };
}

function cloneDefault(v: unknown): unknown {
  return Array.isArray(v) ? [...v] : v;
}

/** An error message for an unknown name that suggests the closest declared one. */
export function unknownMessage(specs: ParamSpecs, typed: string): string {
  const w = wireName(typed);
  let best = "";
  let bestD = Infinity;
  for (const name of Object.keys(specs)) {
    const d = editDistance(w, name);
    if (d < bestD) [best, bestD] = [name, d];
  }
  const hint = bestD <= Math.max(2, w.length / 3) ? `; did you mean "${best}"?` : "";
  return `Unknown parameter "${typed}"${hint}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * Bad parameters: a `RangeError` whose message lists every error on its own line, and which
 * keeps the findings per field (`messages`) for clients that show them beside each field.
 */
export class ParameterError extends RangeError {
  /** Every finding, warnings included, each naming its field. */
  readonly messages: readonly Message[];
  constructor(what: string, messages: readonly Message[]) {
    const errors = messages.filter((m) => m.level === "error");
    super(errors.length === 1 ? `${what}: ${errors[0].message}` : `${what}:\n${errors.map((m) => `  - ${m.message}`).join("\n")}`);
    this.name = "ParameterError";
    this.messages = messages;
  }
  /** Every error message, one per problem (for printing one per line). */
  get problems(): string[] {
    return this.messages.filter((m) => m.level === "error").map((m) => m.message);
  }
  /** The error messages of one field. */
  field(name: string): string[] {
    return this.messages.filter((m) => m.level === "error" && m.field === name).map((m) => m.message);
  }
}

/** Throws a {@linkcode ParameterError} listing every error message, if there is any. */
export function throwOnErrors(what: string, messages: readonly Message[]): void {
  if (messages.some((m) => m.level === "error")) throw new ParameterError(what, messages);
}
