/**
 * The one import every test file needs: `test` runs under bun:test or Deno.test, and the
 * assertions print what differs. Tests never time anything; benchmarks live in bench/.
 * @module
 */

type TestFn = () => void | Promise<void>;
interface TestOptions {
  /** Per-test time limit in milliseconds (defaults to the runner's). */
  timeout?: number;
  /** Skips with a reason that the runner prints. */
  skip?: string | false;
}

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
const bun = g.Bun ? await import("bun:test") : undefined;

/** Registers a test with the running test runner (bun:test or Deno). */
export function test(name: string, fn: TestFn, options: TestOptions = {}): void {
  const skip = options.skip;
  if (bun) {
    if (skip) bun.test.skip(`${name} (skipped: ${skip})`, fn);
    else bun.test(name, fn, options.timeout ?? 30_000);
  } else {
    g.Deno.test({ name: skip ? `${name} (skipped: ${skip})` : name, ignore: !!skip, fn });
  }
}

/** Fails with `message`. */
export function fail(message: string): never {
  throw new Error(message);
}

/** Asserts `cond`; the message says what was expected. */
export function assert(cond: unknown, message = "assertion failed"): asserts cond {
  if (!cond) fail(message);
}

/** Deep equality through JSON-like structure; typed arrays compare by content. */
export function assertEquals(actual: unknown, expected: unknown, message = ""): void {
  const a = normalize(actual);
  const e = normalize(expected);
  const sa = JSON.stringify(a);
  const se = JSON.stringify(e);
  if (sa !== se) fail(`${message ? message + ": " : ""}expected ${clip(se)}, got ${clip(sa)}`);
}

function normalize(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  }
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return v;
}

function clip(s: string, n = 400): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}

/** Tolerances for {@linkcode assertClose}. */
export interface CloseOptions {
  atol?: number;
  rtol?: number;
  message?: string;
}

/**
 * Element-wise |a − e| ≤ atol + rtol·|e|. NaN matches only NaN, ±Infinity only the same sign.
 * On failure it prints the first five differing pairs and the worst index.
 */
export function assertClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  { atol = 1e-12, rtol = 1e-9, message = "" }: CloseOptions = {},
): void {
  const a = typeof actual === "number" ? [actual] : actual;
  const e = typeof expected === "number" ? [expected] : expected;
  const prefix = message ? `${message}: ` : "";
  if (a.length !== e.length) fail(`${prefix}length ${a.length} differs from expected ${e.length}`);
  const bad: string[] = [];
  let worst = -1;
  let worstErr = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    let ok: boolean;
    let err = 0;
    if (Number.isNaN(y) || Number.isNaN(x)) ok = Number.isNaN(x) && Number.isNaN(y);
    else if (!Number.isFinite(y) || !Number.isFinite(x)) ok = x === y;
    else {
      err = Math.abs(x - y) - (atol + rtol * Math.abs(y));
      ok = err <= 0;
    }
    if (!ok) {
      if (bad.length < 5) bad.push(`[${i}] got ${x}, expected ${y}`);
      if (err >= worstErr || worst < 0) [worst, worstErr] = [i, err];
    }
  }
  if (bad.length) {
    fail(`${prefix}values differ (atol ${atol}, rtol ${rtol}): ${bad.join("; ")}; worst at [${worst}]: got ${a[worst]}, expected ${e[worst]}`);
  }
}

/** Asserts that `fn` throws (or rejects) an error of `type` whose message includes `includes`. */
export async function assertThrows(
  fn: () => unknown,
  type: new (...args: never[]) => Error = Error,
  includes = "",
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof type)) fail(`expected ${type.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    if (includes && !(e as Error).message.includes(includes)) {
      fail(`expected the message to include ${JSON.stringify(includes)}, got ${JSON.stringify((e as Error).message)}`);
    }
    return e as Error;
  }
  return fail(`expected ${type.name} to be thrown`);
}
