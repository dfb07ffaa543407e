/**
 * Gedeon variable importance (spec §13, Appendix C.10) through core/train/varimp.ts.
 */
import { assertClose, assertEquals, test } from "../_harness.ts";
import { gedeon, type VariableImportance } from "../../core/train/varimp.ts";

const byName = (v: VariableImportance[]) => Object.fromEntries(v.map((r) => [r.variable, r]));

test("gedeon() reproduces Appendix C.10: importances (0.636364, 1), percentages (0.388889, 0.611111)", () => {
  const A = Float64Array.from([1, -2, 0.5, 0.5]); // rows = hidden units
  const B = Float64Array.from([2, -1]);
  const v = gedeon(A, 2, 2, B, 1, 1, ["x1", "x2"]);
  assertEquals(v.map((r) => r.variable), ["x2", "x1"], "sorted by decreasing importance");
  const m = byName(v);
  assertClose(m.x1.relative_importance, 7 / 11);
  assertClose(m.x2.relative_importance, 1);
  assertClose(m.x1.scaled_importance, 7 / 11);
  assertClose(m.x1.percentage, 7 / 18);
  assertClose(m.x2.percentage, 11 / 18);
});

test("gedeon() sums over several next-layer units, each normalized over inputs", () => {
  // A = [[1, 2], [3, 1]], B = [[1, 1], [2, 0]]: v = (13/24 + 8/24, 11/24 + 16/24) = (21/24, 27/24).
  const v = byName(gedeon(Float64Array.from([1, 2, 3, 1]), 2, 2, Float64Array.from([1, 1, 2, 0]), 2, 1, ["a", "b"]));
  assertClose(v.a.relative_importance, 21 / 27);
  assertClose(v.b.relative_importance, 1);
  assertClose(v.a.percentage, 21 / 48);
  assertClose(v.b.percentage, 27 / 48);
});

test("gedeon() uses only the first two matrices' absolute values (signs do not matter)", () => {
  const A = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9];
  const B = [0.5, -1.5, 0.25, 1];
  const v1 = gedeon(Float64Array.from(A), 2, 3, Float64Array.from(B), 2, 1, ["a", "b", "c"]);
  const v2 = gedeon(Float64Array.from(A, Math.abs), 2, 3, Float64Array.from(B, Math.abs), 2, 1, ["a", "b", "c"]);
  assertEquals(v1, v2);
});

test("gedeon() without hidden layers sums |W| per input over the outputs", () => {
  const W = Float64Array.from([1, -3, 0.5, 2, 1, -0.5]); // 2 outputs × 3 inputs
  const m = byName(gedeon(W, 2, 3, null, 0, 1, ["a", "b", "c"]));
  // v = (3, 4, 1) → relative (0.75, 1, 0.25), percentage (3/8, 4/8, 1/8)
  assertClose([m.a.relative_importance, m.b.relative_importance, m.c.relative_importance], [0.75, 1, 0.25]);
  assertClose([m.a.percentage, m.b.percentage, m.c.percentage], [3 / 8, 1 / 2, 1 / 8]);
});

test("gedeon() zeroes NA slots never seen in training and renormalizes", () => {
  const A = Float64Array.from([1, -2, 0.5, 0.5]);
  const B = Float64Array.from([2, -1]);
  const m = byName(gedeon(A, 2, 2, B, 1, 1, ["x1", "x2.missing(NA)"], new Set([1])));
  assertEquals(m["x2.missing(NA)"].relative_importance, 0);
  assertEquals(m["x2.missing(NA)"].percentage, 0);
  assertClose(m.x1.relative_importance, 1);
  assertClose(m.x1.percentage, 1);
});

test("gedeon() reads Maxout per channel: each channel row is a hidden unit sharing its unit's next-layer weight", () => {
  // 2 units × 2 channels = 4 rows of A; B has one column per unit.
  const A = Float64Array.from([1, 2, 0.5, 3, 2, 1, 4, 0.25]);
  const Bunits = Float64Array.from([1.5, -0.5]);
  const maxout = gedeon(A, 4, 2, Bunits, 1, 2, ["a", "b"]);
  // The same as four plain hidden units with B's columns repeated per channel.
  const plain = gedeon(A, 4, 2, Float64Array.from([1.5, 1.5, -0.5, -0.5]), 1, 1, ["a", "b"]);
  for (let i = 0; i < 2; i++) {
    assertEquals(maxout[i].variable, plain[i].variable);
    assertClose(maxout[i].relative_importance, plain[i].relative_importance);
    assertClose(maxout[i].percentage, plain[i].percentage);
  }
});

test("gedeon() tolerates all-zero weights (no NaN)", () => {
  const v = gedeon(new Float64Array(4), 2, 2, new Float64Array(2), 1, 1, ["a", "b"]);
  for (const r of v) assertEquals([r.relative_importance, r.percentage], [0, 0]);
});
