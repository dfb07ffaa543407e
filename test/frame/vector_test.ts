import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { Frame } from "../../frame/frame.ts";
import { CodeVector, NumericVector } from "../../frame/vector.ts";

const read = (v: NumericVector) => Array.from({ length: v.length }, (_, i) => v.at(i));
const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

test("NumericVector.from() picks the narrowest exact encoding, with a bias where the range allows", () => {
  const cases: [number[], string, number][] = [
    [[0, 255, 7], "int8", 3],                       // one byte, no NA code needed
    [[0, 254, NaN], "int8", 3],                     // with a missing value the top code is NA
    [[0, 255, NaN], "int16", 6],                    // … so 256 values plus NA need two bytes
    [[1000, 1200, 1100], "int8", 3],                // bias 1000
    [[-5, -1, 3], "int8", 3],                       // negative: bias −5
    [[0, 65535], "int16", 4],
    [[-40000, 30000, NaN], "int32", 12],
    [[2 ** 40, 2 ** 40 + 7], "int8", 2],            // a large bias, a small range
    [[0.5, -2.25, 1e10], "float32", 12],
    [[0.1, 2], "float64", 16],
    [[Infinity, 1], "float32", 8],
    [[0, 2 ** 33], "float32", 8],                   // range beyond 32 bits, exact in float32
    [[1, 2 ** 33 + 1], "float64", 16],
    [[7, 7, 7], "constant", 0],
    [[NaN, NaN], "missing", 0],
    [[-0, 1], "float32", 8],                        // −0 keeps its sign
    [[-0, -0], "float32", 8],
  ];
  for (const [values, storage, bytes] of cases) {
    const v = NumericVector.from(values);
    assertEquals([v.storage, v.bytes], [storage, bytes], values.join(","));
    assert(same(read(v), values), `${values.join(",")} reads back as ${read(v).join(",")}`);
    assert(same(Array.from(v.toFloat64Array()), values), `toFloat64Array ${values.join(",")}`);
    assert(same(Array.from(v.toArray()), values), `toArray ${values.join(",")}`);
  }
});

test("NumericVector keeps an array already in its encoding, without a copy", () => {
  const bytes = Uint8Array.from([0, 255, 3]);
  assert(NumericVector.from(bytes).raw === bytes);
  const floats = Float64Array.from([0.1, 0.2]);
  assert(NumericVector.from(floats).raw === floats);
  assert(NumericVector.from(floats).toArray() === floats, "toArray() shares a float column's array");
});

test("NumericVector.readInto() and take() read selected rows in order, missing values as NaN", () => {
  const v = NumericVector.from([1000, NaN, 1254, 1001]);
  assertEquals(v.storage, "int8");
  const out = new Float64Array(3);
  v.readInto(out, [3, 1, 2]);
  assert(same(Array.from(out), [1001, NaN, 1254]));
  const t = v.take([2, 0]);
  assertEquals([t.storage, t.length], ["int8", 2]);
  assertEquals(read(t), [1254, 1000]);
  const c = NumericVector.from([4, 4, 4]).take([0, 2]);
  assertEquals([c.storage, read(c)], ["constant", [4, 4]]);
});

test("Frame stores numeric and categorical input arrays narrowly and reports bytes per column", () => {
  const f = new Frame([
    { name: "px", type: "numeric", data: new Float32Array([0, 128, 255]) },
    { name: "blank", type: "numeric", data: new Float64Array(3) },
    { name: "k", type: "categorical", codes: new Int32Array([0, -1, 1]), domain: ["a", "b"] },
    { name: "x", type: "numeric", data: [0.1, 0.2, 0.3] },
  ]);
  assertEquals(f.storage(), [
    { name: "px", storage: "int8", bytes: 3 },
    { name: "blank", storage: "constant", bytes: 0 },
    { name: "k", storage: "int8", bytes: 3 },
    { name: "x", storage: "float64", bytes: 24 },
  ]);
  assertEquals(f.bytes, 30);
  assertEquals([f.value(1, "px"), f.value(1, "k"), f.value(2, "x")], [128, null, 0.3]);
  const k = f.col("k");
  assert(k.type === "categorical" && k.codes.raw instanceof Int8Array);
  const wide = new Frame([{ name: "k", type: "categorical", codes: [199, 0], domain: Array.from({ length: 200 }, (_, i) => `l${i}`) }]);
  assertEquals(wide.storage()[0].storage, "int16");
  assertThrows(() => new Frame([{ name: "k", type: "categorical", codes: [2], domain: ["a"] }]), RangeError, "code 2");
});

test("Frame transforms keep values: rows, splitFrame, asfactor and asnumeric on narrow columns", () => {
  const f = new Frame([{ name: "y", type: "numeric", data: [3, NaN, 1, 3, 2] }]);
  assertEquals(f.rows([4, 0, 1]).columns.map((c) => Array.from(c.type === "numeric" ? c.data : [])), [[2, 3, NaN]]);
  const g = f.asfactor("y");
  const y = g.col("y");
  assert(y.type === "categorical");
  assertEquals([y.domain, Array.from(y.codes)], [["1", "2", "3"], [2, -1, 0, 2, 1]]);
  assertEquals(Array.from(g.asnumeric("y").col("y").type === "numeric" ? (g.asnumeric("y").col("y") as { data: NumericVector }).data : []), [3, NaN, 1, 3, 2]);
  const d = f.describe()[0];
  assertEquals([d.min, d.max, d.missing, d.mean], [1, 3, 1, 2.25]);
});

test("CodeVector.from() keeps no per-row array for a constant or all-missing column", () => {
  const cases: [number[], number, string, number][] = [
    [[0, 1, -1], 2, "int8", 3],
    [[2, 2, 2, 2], 3, "constant", 0],
    [[-1, -1], 3, "missing", 0],
    [[], 1, "missing", 0],
    [[199, 0], 200, "int16", 4],
    [[40000, 40000], 40001, "constant", 0],
  ];
  for (const [codes, levels, storage, bytes] of cases) {
    const v = CodeVector.from(codes, levels);
    assertEquals([v.storage, v.bytes, v.length], [storage, bytes, codes.length], codes.join(","));
    assertEquals(Array.from(v), codes);
    assertEquals(Array.from(v.toArray()), codes);
    assertEquals(Array.from(v.toInt32Array()), codes);
    assertEquals(v.countMissing(), codes.filter((k) => k < 0).length);
    assert((v.raw === null) === (storage === "constant" || storage === "missing"));
  }
  assertEquals(CodeVector.from([40000, 40000], 40001).toArray().constructor, Int32Array, "a filled array holds the code");
  assertThrows(() => CodeVector.from([0, 3], 3), RangeError, "row 2 has code 3");
  assertThrows(() => CodeVector.from([0.5], 3), RangeError, "row 1");
  assertThrows(() => CodeVector.constant(3, -2), RangeError, "constant code");
});

test("CodeVector.take() stores a selection of one level as a constant, and a constant selection as one", () => {
  const v = CodeVector.from([0, 1, 1, -1, 1], 2);
  assertEquals(v.storage, "int8");
  const ones = v.take([1, 2, 4]);
  assertEquals([ones.storage, ones.bytes, Array.from(ones)], ["constant", 0, [1, 1, 1]]);
  const none = v.take([3, 3]);
  assertEquals([none.storage, Array.from(none)], ["missing", [-1, -1]]);
  const mixed = v.take([4, 0, 3]);
  assertEquals([mixed.storage, Array.from(mixed)], ["int8", [1, 0, -1]]);
  assertEquals(Array.from(ones.take([2, 0])), [1, 1]);
  const c = CodeVector.constant(3, 4);
  assertEquals([c.storage, c.at(2), Array.from(c.toArray())], ["constant", 4, [4, 4, 4]]);
});
