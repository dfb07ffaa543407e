/**
 * The Rapids subset the Python client sends (spec §4): a Lisp-like expression language over
 * frames. Parsing and evaluation errors are `H2OError(400)` with H2O's wording. Frames are
 * immutable here as in the library: every operator returns a new frame sharing untouched columns.
 * Operators that touch every row (row selections, masks, comparisons, `h2o.runif`, `as.factor`)
 * work in slices and yield to the event loop between them (server/slices.ts), so splitting a
 * million-row frame does not hold other requests.
 * @module
 */
import { hashWords, Rng, seedWords } from "../core/rng.ts";
import type { Column, ColumnInput, NumericColumn } from "../frame/frame.ts";
import { asCategorical, CodeVector, Frame, levelAt } from "../frame/frame.ts";
import type { Store } from "./store.ts";
import { ROW_STEP } from "./slices.ts";
import { H2OError } from "./wire.ts";

/** A parsed expression. */
export type Ast =
  | { readonly kind: "call"; readonly op: string; readonly args: readonly Ast[] }
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "id"; readonly name: string }
  | { readonly kind: "nums"; readonly values: readonly number[] }
  | { readonly kind: "strs"; readonly values: readonly string[] };

/** What an expression evaluates to. */
export type Value = Frame | number | string | readonly number[] | readonly string[];

const bad = (msg: string): never => {
  throw new H2OError(400, msg, { type: "water.rapids.RapidsException" });
};

const DELIMS = new Set([" ", "\t", "\r", "\n", "(", ")", "[", "]", "{", "}", '"', "'", "\\", ","]);

/** Parses one expression; only whitespace may follow it. */
export function parseRapids(text: string): Ast {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const token = (): string => {
    const s = i;
    while (i < text.length && !DELIMS.has(text[i])) i++;
    if (i === s) bad(`Unexpected character '${text[i] ?? "end of input"}' at position ${i} of the Rapids expression`);
    return text.slice(s, i);
  };
  const string = (): string => {
    const q = text[i++];
    let out = "";
    while (i < text.length && text[i] !== q) {
      if (text[i] === "\\") {
        const e = text[++i];
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", b: "\b", "'": "'", '"': '"', "\\": "\\" };
        if (e in simple) out += simple[e], i++;
        else if (e === "x" || e === "u" || e === "U") {
          const n = e === "x" ? 2 : e === "u" ? 4 : 8;
          const hex = text.slice(i + 1, i + 1 + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) bad(`Bad escape \\${e}${hex} in a Rapids string`);
          out += String.fromCodePoint(parseInt(hex, 16));
          i += 1 + n;
        } else bad(`Bad escape \\${e ?? ""} in a Rapids string`);
      } else out += text[i++];
    }
    if (i >= text.length) bad("Unterminated string in the Rapids expression");
    i++;
    return out;
  };
  const expr = (): Ast => {
    ws();
    const ch = text[i];
    if (ch === undefined) return bad("Unexpected end of the Rapids expression");
    if (ch === "(") {
      i++;
      ws();
      const op = token();
      const args: Ast[] = [];
      for (;;) {
        ws();
        if (i >= text.length) bad("Missing ')' in the Rapids expression");
        if (text[i] === ")") {
          i++;
          return { kind: "call", op, args };
        }
        args.push(expr());
      }
    }
    if (ch === "[") {
      i++;
      const strs: string[] = [], nums: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (i >= text.length) bad("Missing ']' in the Rapids expression");
        if (text[i] === "]") {
          i++;
          break;
        }
        if (text[i] === '"' || text[i] === "'") strs.push(string());
        else nums.push(...span(token()));
      }
      if (strs.length && nums.length) bad("A Rapids list mixes strings and numbers");
      return strs.length ? { kind: "strs", values: strs } : { kind: "nums", values: nums };
    }
    if (ch === '"' || ch === "'") return { kind: "str", value: string() };
    if (ch === "{") return bad("Rapids functions ({ … }) are not supported by this server");
    if (ch === ")" || ch === "]" || ch === "}") return bad(`Unexpected '${ch}' at position ${i} of the Rapids expression`);
    const t = token();
    const n = number(t);
    return n === undefined ? { kind: "id", name: t } : { kind: "num", value: n };
  };
  const ast = expr();
  ws();
  if (i < text.length) bad(`Unexpected text after the Rapids expression at position ${i}: '${text.slice(i, i + 20)}'`);
  return ast;
}

function number(t: string): number | undefined {
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** `base[:count[:stride]]` → the numbers it stands for. */
function span(t: string): number[] {
  const parts = t.split(":");
  const nums = parts.map(number);
  if (nums.some((n) => n === undefined) || parts.length > 3) bad(`Bad number or span '${t}' in a Rapids list`);
  if (parts.length === 1) return [nums[0]!];
  const [base, count, stride = 1] = nums as number[];
  if (!Number.isInteger(count) || count < 0 || stride < 0) bad(`Bad span '${t}': count must be a non-negative integer and stride ≥ 0`);
  if (count > 1e9) bad(`Span '${t}' is too long`);
  return Array.from({ length: count }, (_, k) => base + k * stride);
}

/** Where an evaluation runs: the store, the session, and the time zone setting. */
export interface RapidsContext {
  readonly store: Store;
  readonly session: string;
  timeZone: string;
  /** Yields to the event loop between pieces of work (`slicer()`); without it, work runs straight through. */
  readonly tick?: () => Promise<void>;
}

const straight = () => Promise.resolve();

/** Evaluates an expression; frame results of `tmp=`/`assign` are stored as a side effect. */
export async function evalRapids(ast: Ast, ctx: RapidsContext): Promise<{ value: Value; key?: string }> {
  if (ast.kind === "call" && (ast.op === "tmp=" || ast.op === "assign")) {
    const key = await assignment(ast, ctx);
    return { value: ctx.store.frames.get(key)!, key };
  }
  return { value: await evaluate(ast, ctx) };
}

async function assignment(ast: Extract<Ast, { kind: "call" }>, ctx: RapidsContext): Promise<string> {
  arity(ast, 2);
  const target = ast.args[0];
  const key = target.kind === "id" ? target.name : target.kind === "str" ? target.value : bad(`${ast.op} needs a name as its first argument`);
  const value = await evaluate(ast.args[1], ctx);
  if (!(value instanceof Frame)) bad(`${ast.op} needs a frame: the expression gave a ${typeof value}`);
  const f = value as Frame;
  if (ast.op === "tmp=") {
    const old = ctx.store.frames.get(key);
    if (old && old !== f) bad(`Temp ID ${key} already exists`);
    await ctx.store.putFrame(key, f, { temp: ctx.session });
  } else {
    if (ctx.store.models.has(key)) bad(`Cannot assign '${key}': a model has that name`);
    await ctx.store.putFrame(key, f);
  }
  return key;
}

function arity(ast: Extract<Ast, { kind: "call" }>, n: number, max = n): void {
  if (ast.args.length < n || ast.args.length > max) {
    bad(`Wrong number of arguments to ${ast.op}: expected ${n === max ? n : `${n} to ${max}`}, got ${ast.args.length}`);
  }
}

async function frameArg(ast: Ast, ctx: RapidsContext, op: string): Promise<Frame> {
  const v = await evaluate(ast, ctx);
  if (!(v instanceof Frame)) bad(`${op} expects a frame`);
  return v as Frame;
}

async function evaluate(ast: Ast, ctx: RapidsContext): Promise<Value> {
  switch (ast.kind) {
    case "num": return ast.value;
    case "str": return ast.value;
    case "nums": return ast.values;
    case "strs": return ast.values;
    case "id": {
      const f = ctx.store.frames.get(ast.name);
      if (f) return f;
      return bad(`Name lookup of '${ast.name}' failed`);
    }
  }
  const op = ast.op;
  const a = ast.args;
  switch (op) {
    case "tmp=":
    case "assign":
      return ctx.store.frames.get(await assignment(ast, ctx))!;
    case "rm": {
      arity(ast, 1);
      const k = a[0].kind === "id" ? a[0].name : a[0].kind === "str" ? a[0].value : bad("rm needs a key name");
      return (await ctx.store.remove(k)) ? 1 : 0;
    }
    case "rename": {
      arity(ast, 2);
      const [from, to] = a.map((x) => (x.kind === "str" ? x.value : x.kind === "id" ? x.name : bad("rename needs two names")));
      await ctx.store.rename(from, to);
      return NaN;
    }
    case "cols_py":
    case "cols": {
      arity(ast, 2);
      const f = await frameArg(a[0], ctx, op);
      return f.select(columnsOf(f, await evaluate(a[1], ctx)));
    }
    case "rows": {
      arity(ast, 2);
      const f = await frameArg(a[0], ctx, op);
      const tick = ctx.tick ?? straight;
      return await takeRows(f, await rowsOf(f, await evaluate(a[1], ctx), tick), tick);
    }
    case ":=": {
      arity(ast, 4);
      const dst = await frameArg(a[0], ctx, op);
      return await assignColumns(dst, await evaluate(a[1], ctx), await evaluate(a[2], ctx), await evaluate(a[3], ctx), ctx.tick ?? straight);
    }
    case "append": {
      if (a.length < 3 || a.length % 2 === 0) bad("append takes a frame, then pairs of value and name");
      let f = await frameArg(a[0], ctx, op);
      for (let k = 1; k < a.length; k += 2) {
        const src = await evaluate(a[k], ctx);
        const name = await evaluate(a[k + 1], ctx);
        if (typeof name !== "string") bad("append needs a column name string");
        f = f.withColumn(constantOrColumn(src, f.nrow, name as string));
      }
      return f;
    }
    case "as.factor": {
      arity(ast, 1);
      const f = await frameArg(a[0], ctx, op);
      const tick = ctx.tick ?? straight;
      const cols: Column[] = [];
      for (const c of f.columns) {
        await tick();
        cols.push(asCategorical(c));
      }
      return new Frame(cols);
    }
    case "h2o.runif": {
      arity(ast, 2);
      const f = await frameArg(a[0], ctx, op);
      const seedV = await evaluate(a[1], ctx);
      if (typeof seedV !== "number") bad("h2o.runif needs a numeric seed");
      const seed = seedV === -1 ? Math.floor(Math.random() * 2 ** 52) : (seedV as number);
      // The same stream as Frame.splitFrame, so split_frame over REST equals the library's split.
      const rng = new Rng(hashWords(...seedWords(seed), 0x5b117));
      const data = new Float64Array(f.nrow);
      const tick = ctx.tick ?? straight;
      for (let i0 = 0; i0 < data.length; i0 += ROW_STEP) {
        await tick();
        for (let i = i0, end = Math.min(data.length, i0 + ROW_STEP); i < end; i++) data[i] = rng.uniform();
      }
      return new Frame([{ name: "rnd", type: "numeric", data }]);
    }
    case "<": case "<=": case ">": case ">=": case "==": case "!=": case "&": case "|": {
      arity(ast, 2);
      return await binary(op, await evaluate(a[0], ctx), await evaluate(a[1], ctx), ctx.tick ?? straight);
    }
    case "flatten": {
      arity(ast, 1);
      const v = await evaluate(a[0], ctx);
      if (!(v instanceof Frame) || v.nrow !== 1 || v.ncol !== 1) return v;
      const c = v.columns[0];
      if (c.type === "numeric") return c.data.at(0);
      if (c.type === "categorical") return levelAt(c, 0) ?? "NA";
      return c.data[0] ?? "NA";
    }
    case "setTimeZone": {
      arity(ast, 1);
      const z = await evaluate(a[0], ctx);
      if (typeof z !== "string") bad("setTimeZone needs a zone name string");
      try {
        new Intl.DateTimeFormat("en", { timeZone: z as string });
      } catch {
        bad(`Unknown time zone "${z}"`);
      }
      ctx.timeZone = z as string;
      return z;
    }
    case "getTimeZone":
      arity(ast, 0);
      return ctx.timeZone;
    case "nrow": case "ncol": {
      arity(ast, 1);
      const f = await frameArg(a[0], ctx, op);
      return op === "nrow" ? f.nrow : f.ncol;
    }
    default:
      return bad(`Unknown Rapids function '${op}'`);
  }
}

/** The rows `index` of every column, one column at a time between yields. */
async function takeRows(f: Frame, index: ArrayLike<number>, tick: () => Promise<void>): Promise<Frame> {
  const cols: Column[] = [];
  for (const c of f.columns) {
    await tick();
    cols.push(new Frame([c]).rows(index).columns[0]);
  }
  return new Frame(cols);
}

/** Column indices selected by a number, name, list or span. */
function columnsOf(f: Frame, sel: Value): string[] {
  const n = f.ncol;
  if (typeof sel === "number") {
    const j = sel < 0 ? n + sel : sel;
    if (!Number.isInteger(j) || j < 0 || j >= n) bad(`Column must be an integer from 0 to ${n - 1}`);
    return [f.names[j]];
  }
  if (typeof sel === "string") {
    if (!f.has(sel)) bad(`Column '${sel}' not found: the columns are ${f.names.slice(0, 10).join(", ")}${n > 10 ? ", …" : ""}`);
    return [sel];
  }
  if (sel instanceof Frame) return bad("Columns must be selected by index or name, not by a frame");
  if (sel.length && typeof sel[0] === "string") {
    for (const s of sel as string[]) if (!f.has(s)) bad(`Column '${s}' not found`);
    return [...sel as string[]];
  }
  const nums = sel as readonly number[];
  if (nums.some((x) => x < 0)) {
    const drop = new Set(nums.map((x) => -x - 1));
    return f.names.filter((_, j) => !drop.has(j));
  }
  return nums.filter((j) => Number.isInteger(j) && j >= 0 && j < n).map((j) => f.names[j]);
}

/** Row indices selected by a number, a list/span (negatives exclude) or a one-column mask frame. */
async function rowsOf(f: Frame, sel: Value, tick: () => Promise<void>): Promise<ArrayLike<number>> {
  const n = f.nrow;
  if (sel instanceof Frame) {
    if (sel.ncol !== 1 || sel.nrow !== n) bad(`A row mask must be one column of ${n} rows: got ${sel.ncol} × ${sel.nrow}`);
    const v = numericValues(sel.columns[0]);
    const out = new Int32Array(n);
    let k = 0;
    for (let i0 = 0; i0 < n; i0 += ROW_STEP) {
      await tick();
      for (let i = i0, end = Math.min(n, i0 + ROW_STEP); i < end; i++) if (v[i] !== 0 && !Number.isNaN(v[i])) out[k++] = i;
    }
    return out.subarray(0, k);
  }
  if (typeof sel === "string") return bad("Rows must be selected by number, list or mask, not by a string");
  const nums = typeof sel === "number" ? [sel] : (sel as readonly number[]);
  if (nums.some((x) => typeof x !== "number")) bad("Rows must be selected by numbers");
  const neg = nums.some((x) => x < 0), pos = nums.some((x) => x > 0);
  if (neg && pos) bad("Row selection cannot mix positive and negative indices");
  if (neg) {
    const drop = new Set(nums.map((x) => -x - 1));
    const out = new Int32Array(n);
    let k = 0;
    for (let i0 = 0; i0 < n; i0 += ROW_STEP) {
      await tick();
      for (let i = i0, end = Math.min(n, i0 + ROW_STEP); i < end; i++) if (!drop.has(i)) out[k++] = i;
    }
    return out.subarray(0, k);
  }
  return nums.filter((i) => Number.isInteger(i) && i >= 0 && i < n);
}

function numericValues(c: Column): ArrayLike<number> {
  if (c.type === "numeric") return c.data.toArray();
  if (c.type === "categorical") {
    const out = new Float64Array(c.codes.length);
    for (let i = 0; i < out.length; i++) {
      const v = c.codes.at(i);
      out[i] = v < 0 ? NaN : v;
    }
    return out;
  }
  return bad(`Column '${c.name}' holds strings; a numeric or categorical column is needed`);
}

async function binary(op: string, x: Value, y: Value, tick: () => Promise<void>): Promise<Frame> {
  const xf = x instanceof Frame ? x : null, yf = y instanceof Frame ? y : null;
  const base = xf ?? yf;
  if (!base) return bad(`${op} needs at least one frame`);
  if (base.ncol !== 1) bad(`${op} needs a one-column frame: got ${base.ncol} columns`);
  const n = base.nrow;
  const side = (v: Value): ((i: number) => number) => {
    if (v instanceof Frame) {
      if (v.ncol !== 1 || v.nrow !== n) bad(`${op} needs frames of the same shape`);
      const d = numericValues(v.columns[0]);
      return (i) => d[i];
    }
    if (typeof v === "number") return () => v;
    if (typeof v === "string" && base.columns[0].type === "categorical") {
      const code = base.columns[0].domain.indexOf(v);
      return () => code;
    }
    return bad(`${op} compares frames with numbers`);
  };
  const fx = side(x), fy = side(y);
  const fn: (a: number, b: number) => boolean = {
    "<": (a: number, b: number) => a < b, "<=": (a: number, b: number) => a <= b, ">": (a: number, b: number) => a > b,
    ">=": (a: number, b: number) => a >= b, "==": (a: number, b: number) => a === b, "!=": (a: number, b: number) => a !== b,
    "&": (a: number, b: number) => a !== 0 && b !== 0, "|": (a: number, b: number) => a !== 0 || b !== 0,
  }[op]!;
  const data = new Float64Array(n);
  for (let i0 = 0; i0 < n; i0 += ROW_STEP) {
    await tick();
    for (let i = i0, end = Math.min(n, i0 + ROW_STEP); i < end; i++) {
      const a = fx(i), b = fy(i);
      data[i] = Number.isNaN(a) || Number.isNaN(b) ? NaN : fn(a, b) ? 1 : 0;
    }
  }
  return new Frame([{ name: base.names[0], type: "numeric", data }]);
}

function constantOrColumn(src: Value, n: number, name: string): ColumnInput {
  if (src instanceof Frame) {
    if (src.ncol !== 1 || src.nrow !== n) bad(`The new column must be one column of ${n} rows`);
    return { ...src.columns[0], name };
  }
  if (typeof src === "number") return { name, type: "numeric", data: new Float64Array(n).fill(src) };
  if (typeof src === "string") return { name, type: "categorical", codes: CodeVector.constant(n, 0), domain: [src] };
  return bad("A column value must be a frame, a number or a string");
}

async function assignColumns(dst: Frame, src: Value, colSel: Value, rowSel: Value, tick: () => Promise<void>): Promise<Frame> {
  const names = Array.isArray(colSel) && colSel.length === 0 ? dst.names : columnsOf(dst, colSel);
  const allRows = Array.isArray(rowSel) && rowSel.length === 0;
  let out = dst;
  for (const [k, name] of names.entries()) {
    await tick();
    if (allRows) {
      const col = src instanceof Frame
        ? (src.ncol === names.length ? src.columns[k] : src.ncol === 1 ? src.columns[0] : bad(`:= needs ${names.length} source columns: got ${src.ncol}`))
        : constantOrColumn(src, dst.nrow, name);
      if (src instanceof Frame && src.nrow !== dst.nrow) bad(`:= needs ${dst.nrow} rows: got ${src.nrow}`);
      out = out.withColumn({ ...col, name });
      continue;
    }
    const rows = await rowsOf(dst, rowSel, tick);
    const cur = out.col(name);
    if (typeof src !== "number" || cur.type !== "numeric") bad(":= on selected rows needs a numeric column and a number");
    const data = (cur as NumericColumn).data.toFloat64Array();
    for (let i = 0; i < rows.length; i++) data[rows[i]] = src as number;
    out = out.withColumn({ name, type: "numeric", data });
  }
  return out;
}
