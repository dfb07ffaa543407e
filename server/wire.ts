/**
 * H2O's wire conventions (spec H2O_REST_SUBSET.md §2): how parameters arrive (Python `str()`
 * renderings in form bodies and query strings), how JSON leaves (`__meta` on schemas, NaN and
 * infinities as strings, exact `application/json`), and the two error schemas.
 * @module
 */

/** A request failure that becomes an `H2OErrorV3` body (no stack trace reaches the client). */
export class H2OError extends Error {
  /**
   * @param status 400 (Rapids, missing file), 401, 403 (outside the data roots), 404 (unknown key or route), 412 (bad parameter), 413, 500
   * @param message one readable line
   * @param options `type`: the Java-style exception type the client prints; `values`: extra detail
   */
  constructor(
    readonly status: number,
    message: string,
    readonly options: { type?: string; values?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "H2OError";
  }
}

/** Model-builder validation failures: 412 with one message per field (`H2OModelBuilderErrorV3`). */
export class BuilderError extends H2OError {
  constructor(
    readonly modelId: string,
    readonly messages: readonly { level: string; field: string; message: string }[],
    readonly parameters: unknown = null,
  ) {
    const errs = messages.filter((m) => m.level === "error");
    super(412, `Illegal argument(s) for DeepLearning model: ${modelId}.  Details: ${errs.map((m) => `ERRR on field: ${m.field}: ${m.message}`).join("\n")}`, {
      type: "water.exceptions.H2OModelBuilderIllegalArgumentException",
    });
  }
}

/** The `__meta` object of a schema. */
export function meta(name: string, type: string, version = 3): { schema_version: number; schema_name: string; schema_type: string } {
  return { schema_version: version, schema_name: name, schema_type: type };
}

/** A key reference (`FrameKeyV3`, `ModelKeyV3`, …): the client reads only `name`. */
export function keyRef(kind: "Frame" | "Model" | "Job" | "Grid" | "Keyed", name: string | null): unknown {
  if (name === null) return null;
  const route = { Frame: "/3/Frames/", Model: "/3/Models/", Job: "/3/Jobs/", Grid: "/99/Grids/", Keyed: "/3/DKV/" }[kind];
  const schema = kind === "Keyed" ? "KeyV3" : `${kind}KeyV3`;
  return { __meta: meta(schema, `Key<${kind}>`), name, type: `Key<${kind}>`, URL: `${route}${encodeURIComponent(name)}` };
}

/** JSON with H2O's spellings of non-finite doubles and typed arrays as plain arrays. */
export function toJson(body: unknown): string {
  return JSON.stringify(body, (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

/** A JSON response: exactly `application/json`, as the client's content-type check wants. */
export function json(body: unknown, status = 200): Response {
  return new Response(toJson(body), { status, headers: { "content-type": "application/json" } });
}

/** A response whose JSON text is already built (a cached serialization). */
export function jsonText(text: string, status = 200): Response {
  return new Response(text, { status, headers: { "content-type": "application/json" } });
}

/** The `H2OErrorV3` (or `H2OModelBuilderErrorV3`) response for an error; 500 for anything unexpected. */
export function errorResponse(e: unknown, url: string): Response {
  const err = e instanceof H2OError ? e : new H2OError(500, `Internal server error: ${(e as Error)?.message ?? String(e)}`, { type: "java.lang.RuntimeException" });
  const msg = err.message;
  const base = {
    timestamp: Date.now(), error_url: url, msg, dev_msg: msg, http_status: err.status, values: err.options.values ?? {},
    exception_type: err.options.type ?? defaultType(err.status), exception_msg: msg, stacktrace: [] as string[],
  };
  if (err instanceof BuilderError) {
    const messages = err.messages.map((m) => ({
      __meta: meta("ValidationMessageV3", "ValidationMessage"),
      message_type: m.level === "error" ? "ERRR" : m.level === "warn" ? "WARN" : "INFO", field_name: m.field, message: m.message,
    }));
    const errorCount = err.messages.filter((m) => m.level === "error").length;
    return json({ __meta: meta("H2OModelBuilderErrorV3", "H2OModelBuilderError"), ...base, parameters: err.parameters, messages, error_count: errorCount }, 412);
  }
  return json({ __meta: meta("H2OErrorV3", "H2OError"), ...base }, err.status);
}

function defaultType(status: number): string {
  if (status === 404) return "water.exceptions.H2OKeyNotFoundArgumentException";
  if (status === 412) return "water.exceptions.H2OIllegalArgumentException";
  if (status === 400) return "water.exceptions.H2OIllegalArgumentException";
  if (status === 401 || status === 403) return "water.exceptions.H2OAccessDeniedException";
  return "java.lang.RuntimeException";
}

/** Request parameters (query string plus form body), last value winning. */
export type Form = Readonly<Record<string, string>>;

/**
 * Reads a request's parameters: the query string, then an urlencoded body (or none). Bodies over
 * `limit` bytes are refused with 413; a JSON body is accepted when its values are scalars.
 */
export async function readForm(req: Request, limit = 64 * 2 ** 20): Promise<Form> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URL(req.url).searchParams) out[k] = v;
  if (req.method === "GET" || req.method === "DELETE" || req.method === "HEAD") return out;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw new H2OError(413, `Request body too large: ${declared} bytes, the limit is ${limit}`);
  const text = await readText(req, limit);
  if (text.trim() === "") return out;
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new H2OError(400, `Malformed JSON body: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new H2OError(400, "Malformed JSON body: expected an object of parameters");
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
    return out;
  }
  if (type && !type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("text/plain")) {
    throw new H2OError(400, `Unsupported body type "${type}": send parameters as application/x-www-form-urlencoded`);
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) throw new H2OError(400, "Malformed form body: a % is not followed by two hex digits");
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

/**
 * A request body, read up to `limit` bytes: past it the read stops and the request is refused
 * with 413 (`tooLarge` says what was too large and how to allow more).
 */
export async function readBodyLimited(req: Request, limit: number, tooLarge = `Request body too large: over ${limit} bytes`): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > limit) {
      await reader.cancel().catch(() => {});
      throw new H2OError(413, tooLarge);
    }
    parts.push(value);
  }
  return concat(parts, n);
}

async function readText(req: Request, limit: number): Promise<string> {
  const bytes = await readBodyLimited(req, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new H2OError(400, "Malformed body: it is not UTF-8 text");
  }
}

/** Joins byte chunks. */
export function concat(parts: readonly Uint8Array[], n = parts.reduce((s, p) => s + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Splits an H2O list value (`[a,b]`, `["a","b"]`, `[[32,32],[16]]`, a bare single value) into
 * items: commas inside quotes or inner brackets do not split; one pair of quotes is stripped.
 * `null`/`NA` items become null; `[]` and "" are an empty list.
 */
export function parseList(raw: string): (string | null)[] {
  let s = raw.trim();
  if (s === "") return [];
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  else return [unquote(s)];
  const items: string[] = [];
  let depth = 0, quote = false, cur = "";
  for (const ch of s) {
    if (ch === '"') quote = !quote;
    else if (!quote && ch === "[") depth++;
    else if (!quote && ch === "]") depth--;
    if (ch === "," && !quote && depth === 0) {
      items.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "" || items.length) items.push(cur);
  return items.map((x) => x.trim()).map((x) => (/^(null|na)$/i.test(x) ? null : unquote(x)));
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** A key-typed value: the name with or without surrounding double quotes. */
export function keyName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const t = unquote(raw);
  return t === "" ? undefined : t;
}

/** Python's `True`/`False` (any case) and `1`/`0`; anything else is `fallback`. */
export function bool(raw: string | undefined, fallback = false): boolean {
  if (raw === undefined) return fallback;
  const s = raw.trim().toLowerCase();
  if (s === "true" || s === "1") return true;
  if (s === "false" || s === "0") return false;
  return fallback;
}

/** An integer parameter; 412 naming the field when it is not one. */
export function int(form: Form, field: string, fallback: number): number {
  const raw = form[field];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new H2OError(412, `Illegal argument for field: ${field}: cannot convert ${JSON.stringify(raw)} to an integer`);
  return n;
}

/**
 * H2O's lenient JSON (grid `hyper_parameters`, `search_criteria`): JSON plus bare words as
 * strings and Python's `True`/`False`/`None`. Throws `SyntaxError` at the first bad character.
 */
export function parseLenientJson(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at character ${i + 1} of ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`);
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") return i++, out;
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== "string") fail("Expected a key");
        ws();
        if (text[i++] !== ":") fail("Expected ':'");
        out[k as string] = value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return i++, out;
        else fail("Expected ',' or '}'");
      }
    }
    if (ch === "[") {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === "]") return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return i++, out;
        else fail("Expected ',' or ']'");
      }
    }
    if (ch === '"' || ch === "'") {
      const q = ch;
      let j = i + 1, s = "";
      while (j < text.length && text[j] !== q) {
        if (text[j] === "\\" && j + 1 < text.length) j++;
        s += text[j++];
      }
      if (j >= text.length) fail("Unterminated string");
      i = j + 1;
      return s;
    }
    const m = /^[^\s,:\[\]{}"']+/.exec(text.slice(i));
    if (!m) return fail("Expected a value");
    i += m[0].length;
    const w = m[0];
    if (/^true$/i.test(w)) return true;
    if (/^false$/i.test(w)) return false;
    if (/^(none|null)$/i.test(w)) return null;
    const n = Number(w);
    return w !== "" && !Number.isNaN(n) ? n : w;
  };
  const v = value();
  ws();
  if (i < text.length) fail("Unexpected text after the value");
  return v;
}
