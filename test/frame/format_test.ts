import { assert, assertEquals, test } from "../_harness.ts";
import { parseCsvText } from "../../frame/csv.ts";
import { formatDescribe, formatHead, formatNumber } from "../../frame/format.ts";
import { Frame } from "../../frame/frame.ts";

test("formatNumber() prints integers in full and others with 6 significant digits", () => {
  const cases: [number, string][] = [
    [0, "0"], [-3, "-3"], [60000, "60000"], [0.5, "0.5"], [2 / 3, "0.666667"], [33.318421, "33.3184"], [1e-7, "1e-7"],
    [1.23456789e-5, "1.23457e-5"], [1e20, "1e+20"], [NaN, "NA"], [Infinity, "Inf"], [-Infinity, "-Inf"], [123456.75, "123457"],
  ];
  for (const [v, s] of cases) assertEquals(formatNumber(v), s, String(v));
});

test("formatDescribe() prints H2O's describe table for a narrow frame", () => {
  const f = parseCsvText("x,y,c\n1,0.5,a\n2,NA,b\n0,1.5,a\n");
  const text = formatDescribe(f);
  const lines = text.split("\n");
  assertEquals(lines[0], "Frame: 3 rows × 3 columns (1 int, 1 real, 1 enum)");
  assertEquals(lines.slice(1).map((l) => l.split(/\s+/)[0]), ["", "type", "storage", "mins", "mean", "maxs", "sigma", "zeros", "missing", "cardinality", "Storage:"]);
  assertEquals(lines[2].trim().split(/\s+/), ["type", "int", "real", "enum"]);
  assertEquals(lines[3].trim().split(/\s+/), ["storage", "int8", "float32", "int8"]);
  assertEquals(lines[7].trim().split(/\s+/), ["sigma", "1", "0.707107", "-"]);
  assertEquals(lines[9].trim().split(/\s+/), ["missing", "0", "1", "0"]);
  assertEquals(lines[10].trim().split(/\s+/), ["cardinality", "-", "-", "2"]);
  assertEquals(lines[11], "Storage: 18 B in memory: 2 int8 (6 B), 1 float32 (12 B)");
});

test("formatDescribe() lists a wide frame one column per line, folding runs of constant columns", () => {
  const n = 4, cols = 300;
  const columns = Array.from({ length: cols }, (_, j) => ({
    name: `C${j + 1}`, type: "numeric" as const,
    data: Float32Array.from({ length: n }, (_, i) => (j >= 100 && j < 110 ? i * j : 0)),
  }));
  const text = formatDescribe(new Frame(columns));
  const lines = text.split("\n");
  assertEquals(lines[0], "Frame: 4 rows × 300 columns (300 int)");
  assert(lines[1].startsWith("column"), lines[1]);
  assert(lines[2].startsWith("C1 … C100 (100)") && lines[2].includes("constant"), lines[2]);
  assert(lines[lines.length - 1].startsWith("Storage: 80 B in memory: 290 constant (0 B), 10 int16 (80 B)"), lines[lines.length - 1]);
  assert(lines[3].startsWith("C101 "), lines[3]);
  assert(lines.some((l) => l.startsWith("C111 … C300 (190)")), text);
  assert(text.includes("constant columns: 290"), text);
  assert(lines.every((l) => l.length <= 120), "fits 120 characters");
});

test("formatDescribe() elides the middle of very long listings", () => {
  const columns = Array.from({ length: 100 }, (_, j) => ({ name: `v${j}`, type: "numeric" as const, data: Float64Array.from([j, j + 0.5, -j]) }));
  const text = formatDescribe(new Frame(columns), { maxLines: 10 });
  assert(text.includes("… 90 more lines"), text);
  assert(text.includes("pass { maxLines: Infinity }"), text);
  assertEquals(formatDescribe(new Frame(columns), { maxLines: Infinity }).split("\n").length, 103);
});

test("formatHead() prints rows with NA for missing values and elides columns that do not fit", () => {
  const f = parseCsvText("x,label\n1.25,a\nNA,NA\n3,b\n");
  assertEquals(formatHead(f, 2), ["First 2 of 3 rows", "      x  label", "0  1.25  a", "1    NA  NA"].join("\n"));
  const wide = new Frame(Array.from({ length: 100 }, (_, j) => ({ name: `C${j + 1}`, type: "numeric" as const, data: Float32Array.from([j]) })));
  const lines = formatHead(wide, 5, { width: 60 }).split("\n");
  assert(lines[0].startsWith("First 1 of 1 rows, "), lines[0]);
  assert(lines[1].includes("C1 ") && lines[1].includes("…") && lines[1].endsWith("C100"), lines[1]);
  assert(lines.every((l) => l.length <= 60), lines.join("\n"));
});
