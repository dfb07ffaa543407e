import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { parseCsvText } from "../../frame/csv.ts";
import { compareStrings, Frame } from "../../frame/frame.ts";

test("Frame.asfactor() on a numeric column sorts levels numerically", () => {
  const labels = [3, 10, 0, 9, 1, 2, 5, 4, 8, 6, 7, 0, 10];
  const f = parseCsvText("label\n" + labels.join("\n") + "\nNA\n");
  const c = f.asfactor("label").col("label");
  assert(c.type === "categorical");
  assertEquals(c.domain, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  assertEquals(Array.from(c.codes), [...labels, -1]);
  // The original frame is untouched.
  assertEquals(f.col("label").type, "numeric");
});

test("Frame.splitFrame() gives sizes near the ratios, disjoint and complete, deterministic per seed", () => {
  const n = 10_000;
  const f = new Frame([{ name: "id", type: "numeric", data: Float64Array.from({ length: n }, (_, i) => i) }]);
  const parts = f.splitFrame([0.7, 0.2], 1234);
  assertEquals(parts.length, 3);
  const sizes = parts.map((p) => p.nrow);
  assertClose(sizes, [7000, 2000, 1000], { atol: 150 });
  const ids = parts.flatMap((p) => Array.from({ length: p.nrow }, (_, i) => p.value(i, "id") as number));
  assertEquals(ids.length, n);
  assertEquals(new Set(ids).size, n);
  const again = f.splitFrame([0.7, 0.2], 1234);
  assertEquals(again.map((p) => p.col("id")), parts.map((p) => p.col("id")));
  const other = f.splitFrame([0.7, 0.2], 99);
  assert(JSON.stringify(other[1].col("id")) !== JSON.stringify(parts[1].col("id")), "another seed gives another split");
});

test("Frame.splitFrame() rejects ratios that do not leave a last part", async () => {
  const f = parseCsvText("x\n1\n2\n");
  await assertThrows(() => f.splitFrame([0.5, 0.5]), RangeError, '"ratios" must be positive and sum to less than 1');
  await assertThrows(() => f.splitFrame([]), RangeError, "ratios");
});

test("Frame.describe() reports sample sigma, zeros, missing and cardinality", () => {
  const f = parseCsvText("x,c,s\n1,a,p\n2,b,q\n,a,\n0,NA,r\n4,b,s\n", { columnTypes: { s: "string" } });
  const [x, c, s] = f.describe();
  // x = 1, 2, 0, 4 (one missing): mean 1.75, sample variance ((−.75)² + .25² + (−1.75)² + 2.25²) / 3
  assertEquals([x.type, x.min, x.max, x.zeros, x.missing], ["numeric", 0, 4, 1, 1]);
  assertClose(x.mean, 1.75);
  assertClose(x.sigma, Math.sqrt((0.5625 + 0.0625 + 3.0625 + 5.0625) / 3));
  assertEquals([c.type, c.missing, c.cardinality], ["categorical", 1, 2]);
  assertEquals([s.type, s.missing], ["string", 1]);
});

test("compareStrings() sorts by UTF-8 bytes, astral characters after U+FFFD", () => {
  const words = ["b", "a", "B", "", "é", "\u{1F600}", "\uFFFD", "ab", "10", "9"];
  const sorted = [...words].sort(compareStrings);
  const bytes = [...words].sort((x, y) => {
    const a = new TextEncoder().encode(x), b = new TextEncoder().encode(y);
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  });
  assertEquals(sorted, bytes);
});
