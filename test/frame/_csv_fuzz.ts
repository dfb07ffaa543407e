/**
 * The CSV reader's fuzz property, shared by the bounded test (test/frame/csv_fuzz_test.ts) and
 * the long run (scripts/fuzz.ts): every input either parses to a frame that round-trips
 * (written back as CSV and read with the same types, it gives the same names and values), or
 * fails with a SyntaxError/RangeError/TypeError that names the file and where (line or byte
 * offset). Nothing else is thrown, and the frame is never larger than the input allows.
 * @module
 */
import fc from "fast-check";
import { frameToCsv } from "../../cli/predict.ts";
import { parseCsv } from "../../frame/csv.ts";
import { type ColumnType, type Frame, levelAt } from "../../frame/frame.ts";

const enc = new TextEncoder();
/** Tokens that matter to a CSV reader, plus bytes that are not UTF-8. */
const TOKENS = [
  ",", ",", ",", ";", "\t", "|", '"', '"', '""', "\n", "\n", "\r\n", "\r", " ", "a", "b", "x y", "NA", "N/A", "nan", "NaN", "Inf",
  "-Inf", "Infinity", "1e400", "-0", "0", "1", "42", "3.5", "-2.25", "1e-7", ".5", "+4", "0x1f", "é", "日本", "\u00a0", "\ufeff",
  "\xef\xbb\xbf", "\u0000",
].map((t) => enc.encode(t));
const BAD_BYTES = [Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xe2, 0x82), Uint8Array.of(0x80)];

/** Arbitrary CSV-ish bytes: runs of tokens, raw bytes now and then. */
export const csvBytes: fc.Arbitrary<Uint8Array> = fc.array(
  fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_BYTES) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }) }),
  { maxLength: 120 },
).map((parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
});

/** Well-formed tables with random quoting, so most cases get past the syntax and test the round trip. */
export const csvTables: fc.Arbitrary<Uint8Array> = fc.record({
  ncol: fc.integer({ min: 1, max: 5 }),
  rows: fc.array(fc.array(fc.oneof(fc.constantFrom("", "NA", "1", "-3.5", "Inf", "1e400", "red", "Red", " b ", 'q"q', "x,y", "l\nm"), fc.double(), fc.string({ maxLength: 6 })), { minLength: 5, maxLength: 5 }), { maxLength: 12 }),
  header: fc.boolean(),
}).map(({ ncol, rows, header }) => {
  const q = (v: unknown) => {
    const s = String(v);
    return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = rows.map((r) => r.slice(0, ncol).map(q).join(","));
  if (header) lines.unshift(Array.from({ length: ncol }, (_, j) => `col${j}`).join(","));
  return enc.encode(lines.join("\n") + "\n");
});

/** What one case did. */
export type CsvOutcome = "parsed" | "clean error";

/** Runs the property on one input; throws (failing the property) on anything but a parse or a clean error. */
export function checkCsv(bytes: Uint8Array): CsvOutcome {
  let frame: Frame;
  try {
    frame = parseCsv(bytes, { source: "fuzz.csv" });
  } catch (e) {
    if (!(e instanceof SyntaxError || e instanceof RangeError || e instanceof TypeError)) throw e;
    const m = e.message;
    if (!m.startsWith(`Cannot parse CSV "fuzz.csv": `) || !/line \d+|byte offset \d+/.test(m)) throw new Error(`unclear error: ${m}`);
    if (/ is not |Cannot read propert|undefined|null/.test(m.replace(/"[^"]*"/g, ""))) throw new Error(`engine error passed as a parse error: ${m}`);
    return "clean error";
  }
  // Bounded: every cell needs at least a separator or a line break.
  if (frame.nrow * frame.ncol > 2 * (bytes.length + 1)) throw new Error(`${frame.nrow} × ${frame.ncol} cells from ${bytes.length} bytes`);
  roundTrip(frame);
  return "parsed";
}

function roundTrip(frame: Frame): void {
  if (frame.ncol === 0) return;
  const columnTypes: Record<string, ColumnType> = {};
  for (const c of frame.columns) columnTypes[c.name] = c.type;
  const text = frameToCsv(frame);
  const back = parseCsv(enc.encode(text), { header: true, sep: ",", columnTypes, source: "round trip" });
  const same = JSON.stringify(cells(back)) === JSON.stringify(cells(frame));
  if (!same || back.names.join("\u0000") !== frame.names.join("\u0000")) {
    throw new Error(`round trip differs:\n${JSON.stringify(text)}\n${JSON.stringify(cells(frame))}\n${JSON.stringify(cells(back))}`);
  }
}

function cells(f: Frame): unknown[][] {
  return f.columns.map((c) => {
    const out: unknown[] = [];
    for (let r = 0; r < f.nrow; r++) {
      if (c.type === "numeric") { const v = c.data.at(r); out.push(Number.isNaN(v) ? null : String(v === 0 ? 0 : v)); }
      else if (c.type === "categorical") out.push(levelAt(c, r));
      else out.push(c.data[r]);
    }
    return [c.type, out];
  });
}
