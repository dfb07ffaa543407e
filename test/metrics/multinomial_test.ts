import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { binomialMetrics, mergeAll, multinomialMetrics, type MultinomialOptions } from "../../core/metrics/mod.ts";
import { bruteForceAuc, random } from "./_random.ts";

type Row = [label: number, probs: number[], w: number, predicted?: number];

function value(domain: string[], rows: readonly Row[], options: Record<string, unknown> = {}) {
  const acc = multinomialMetrics(domain, options as MultinomialOptions);
  const s = acc.init();
  for (const [y, p, w, pred] of rows) acc.add(s, y, p, w, pred);
  return acc.value(s);
}

// Σw = 8. Predicted (first arg-max): a, a, a, c, a (0.4/0.4 tie → first). Ranks of the actual
// class: 1, 2, 3, 1, 2. The last two rows are skipped (NaN probability, weight 0).
const ABC = ["a", "b", "c"];
const HAND: Row[] = [
  [0, [0.7, 0.2, 0.1], 1],
  [1, [0.5, 0.3, 0.2], 2],
  [2, [0.6, 0.3, 0.1], 1],
  [2, [0.2, 0.2, 0.6], 3],
  [1, [0.4, 0.4, 0.2], 1],
  [0, [NaN, 0.5, 0.5], 1],
  [2, [0.1, 0.1, 0.8], 0],
];

test("multinomialMetrics() confusion matrix, error and mean per-class error are weighted", () => {
  const m = value(ABC, HAND);
  assertEquals(m.nobs, 5);
  const cm = m.confusion_matrix!;
  assertEquals(cm.counts, [[1, 0, 0], [3, 0, 0], [1, 0, 3]]);
  assertClose(cm.errors, [0, 1, 0.25]);
  assertEquals(cm.rates, ["0 / 1", "3 / 3", "1 / 4"]);
  assertEquals(cm.predictedTotals, [5, 0, 3]);
  assertEquals(cm.totalRate, "4 / 8");
  assertClose(m.classification_error, 0.5); // H2O's unweighted matrix (Q19) would give 3/5
  assertClose(m.mean_per_class_error, 1.25 / 3);
});

test("multinomialMetrics() hit ratios are weighted at every rank, rank 1 included", () => {
  // rank 1: w 1 + 3; rank 2: w 2 + 1; rank 3: w 1. H2O's code counts rank 1 as +1 per row (Q19): 2/8.
  assertClose(value(ABC, HAND).hit_ratios, [4 / 8, 7 / 8, 1]);
});

test("multinomialMetrics() logloss, MSE and r2 use the actual class's probability and the class index", () => {
  const m = value(ABC, HAND);
  assertClose(m.logloss, 0.9394966560945972);
  assertClose(m.mse, (0.09 + 2 * 0.49 + 0.81 + 3 * 0.16 + 0.36) / 8); // (1 − p_actual)², not the Brier sum
  assertClose(m.rmse, Math.sqrt(0.34));
  // class index: Σwy = 11, Σwy² = 19 → Var = 19/8 − (11/8)² = 0.484375
  assertClose(m.r2, 1 - 0.34 / 0.484375);
});

test("multinomialMetrics() uses the caller's predicted class when given", () => {
  const rows = HAND.map((r, i): Row => (i === 4 ? [r[0], r[1], r[2], 1] : r)); // break the 0.4/0.4 tie towards b
  const m = value(ABC, rows);
  assertEquals(m.confusion_matrix!.counts[1], [2, 1, 0]);
  assertClose(m.hit_ratios, [5 / 8, 7 / 8, 1]);
});

test("multinomialMetrics() a class without rows counts 0 in the mean per-class error but stays in the denominator", () => {
  const rows = HAND.map(([y, p, w]): Row => [y, [...p, 0], w]);
  const m = value([...ABC, "d"], rows);
  assertClose(m.mean_per_class_error, 1.25 / 4);
  assert(Number.isNaN(m.confusion_matrix!.errors[3]), "the printed Error of an empty class is NaN, as in H2O");
});

test("multinomialMetrics() keeps K = min(10, C) hit ratios", () => {
  const C = 12;
  const domain = Array.from({ length: C }, (_, i) => `c${i}`);
  const probs = Array.from({ length: C }, (_, i) => (C - i) / 78); // class 0 most likely, class 11 least
  const m = value(domain, [[0, probs, 1], [9, probs, 1], [11, probs, 2]]);
  assertEquals(m.hit_ratios.length, 10);
  assertClose(m.hit_ratios[8], 0.25);
  assertClose(m.hit_ratios[9], 0.5); // class 11 ranks 12th: never a hit
  assertEquals(value(ABC, HAND).hit_ratios.length, 3);
});

test("multinomialMetrics() logloss clamps p = 0 at 34.538776", () => {
  assertClose(value(ABC, [[2, [0.5, 0.5, 0], 1]]).logloss, 34.538776394910684);
});

test("multinomialMetrics().merge() equals adding every row to one state", () => {
  const rnd = random(3);
  const C = 5;
  const domain = ["v", "w", "x", "y", "z"];
  const rows: Row[] = Array.from({ length: 400 }, () => {
    const raw = Array.from({ length: C }, () => rnd());
    const sum = raw.reduce((s, x) => s + x, 0);
    return [Math.floor(rnd() * C), raw.map((x) => x / sum), rnd() < 0.1 ? 0 : rnd() * 2];
  });
  const acc = multinomialMetrics(domain);
  const parts = [acc.init(), acc.init(), acc.init(), acc.init()];
  rows.forEach(([y, p, w], i) => acc.add(parts[i % 4], y, p, w));
  const merged = acc.value(mergeAll(acc, parts));
  const single = value(domain, rows);
  for (const k of ["mse", "logloss", "r2", "classification_error", "mean_per_class_error"] as const) {
    assertClose(merged[k], single[k], { rtol: 1e-12, message: k });
  }
  assertClose(merged.hit_ratios, single.hit_ratios, { rtol: 1e-12 });
  assertClose(merged.confusion_matrix!.counts.flat(), single.confusion_matrix!.counts.flat(), { rtol: 1e-12 });
});

test("multinomialMetrics() past the class limit keeps no confusion matrix but the other metrics", () => {
  const m = value(ABC, HAND, { maxConfusionMatrixClasses: 2 });
  assertEquals(m.confusion_matrix, null);
  assert(Number.isNaN(m.classification_error) && Number.isNaN(m.mean_per_class_error));
  assertClose(m.hit_ratios, [4 / 8, 7 / 8, 1]);
});

test("multinomialMetrics() rejects bad labels, probability vectors and domains", async () => {
  const acc = multinomialMetrics(ABC);
  const s = acc.init();
  await assertThrows(() => acc.add(s, 3, [0.2, 0.3, 0.5]), RangeError, "[0, 2]");
  await assertThrows(() => acc.add(s, 1.5, [0.2, 0.3, 0.5]), RangeError, "got 1.5");
  await assertThrows(() => acc.add(s, 0, [0.5, 0.5]), RangeError, "3 entries");
  await assertThrows(() => acc.add(s, 0, [0.2, 0.3, 0.5], 1, 7), RangeError, "predicted");
  await assertThrows(() => multinomialMetrics(["only"]), RangeError, "at least 2");
});

test("multinomialMetrics() max_hit_ratio_k caps the hit-ratio ranks; 0 turns them off", () => {
  assertClose(value(ABC, HAND, { hitRatioK: 2 }).hit_ratios, [4 / 8, 7 / 8]);
  assertEquals(value(ABC, HAND, { hitRatioK: 0 }).hit_ratios, []);
  assertEquals(value(ABC, HAND, { hitRatioK: 50 }).hit_ratios.length, 3); // never more than the classes
});

// 60 rows over 4 classes with few distinct probabilities (ties) and uneven weights: the AUC2
// histograms stay exact, so every AUC must equal the pairwise (Mann-Whitney) count.
function aucRows(): Row[] {
  const rnd = random(11);
  return Array.from({ length: 60 }, (_, i) => {
    const y = i % 4 === 3 && i > 30 ? 1 : i % 4; // classes of unequal weight
    // Scores on a grid of eighths (the metrics do not need them to sum to 1): exact ties, and no two
    // centres that differ by an ulp, which AUC2 merges as duplicates.
    const p = [0, 1, 2, 3].map((c) => Math.round((rnd() + (c === y ? 0.6 : 0)) * 8) / 16);
    return [y, p, 0.5 + Math.floor(rnd() * 3)];
  });
}

test("multinomialMetrics() auc_type: one-vs-rest and one-vs-one AUCs match pairwise counting", () => {
  const rows = aucRows();
  const D = ["a", "b", "c", "d"];
  const ovr = D.map((_, c) => bruteForceAuc(rows.map(([y, p, w]) => [y === c ? 1 : 0, p[c], w])));
  const pair = (i: number, j: number) => bruteForceAuc(rows.filter(([y]) => y === i || y === j).map(([y, p, w]) => [y === i ? 1 : 0, p[i], w]));
  const cw = D.map((_, c) => rows.filter(([y]) => y === c).reduce((s, r) => s + r[2], 0));
  const W = cw.reduce((a, b) => a + b, 0);
  const ovo: number[] = [], pw: number[] = [];
  for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) {
    ovo.push((pair(i, j) + pair(j, i)) / 2);
    pw.push((cw[i] + cw[j]) / W);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const wmean = (xs: number[], ws: number[]) => xs.reduce((a, x, i) => a + x * ws[i], 0) / ws.reduce((a, b) => a + b, 0);
  const expected = { MACRO_OVR: mean(ovr), WEIGHTED_OVR: wmean(ovr, cw), MACRO_OVO: mean(ovo), WEIGHTED_OVO: wmean(ovo, pw) };
  for (const [type, auc] of Object.entries(expected)) {
    const m = value(D, rows, { aucType: type });
    assertClose(m.auc, auc, { rtol: 1e-12, message: type });
    const t0 = m.multinomial_auc_table![0]; // "a vs Rest" is the binomial AUCPR of class a against the rest
    const bin = binomialMetrics();
    const bs = bin.init();
    for (const [y, p, w] of rows) bin.add(bs, y === 0 ? 1 : 0, p[0], w);
    assertClose(t0.pr_auc, bin.value(bs).pr_auc, { rtol: 1e-12 });
    const t = m.multinomial_auc_table!;
    assertEquals(t.map((r) => r.type), [
      "a vs Rest", "b vs Rest", "c vs Rest", "d vs Rest", "Macro OVR", "Weighted OVR",
      "a vs b", "a vs c", "a vs d", "b vs c", "b vs d", "c vs d", "Macro OVO", "Weighted OVO",
    ]);
    assertClose(t.slice(0, 4).map((r) => r.auc), ovr, { rtol: 1e-12 });
    assertClose(t.slice(6, 12).map((r) => r.auc), ovo, { rtol: 1e-12 });
  }
  // The four averages differ on this data, so each type really selects its own.
  assertEquals(new Set(Object.values(expected).map((x) => x.toFixed(12))).size, 4);
});

test("multinomialMetrics() auc_type AUTO and NONE compute no AUC (NaN, no table); merge keeps the histograms", () => {
  for (const aucType of ["AUTO", "NONE"]) {
    const m = value(ABC, HAND, { aucType });
    assert(Number.isNaN(m.auc) && Number.isNaN(m.pr_auc) && m.multinomial_auc_table === null, aucType);
  }
  const rows = aucRows();
  const acc = multinomialMetrics(["a", "b", "c", "d"], { aucType: "WEIGHTED_OVO" });
  const parts = [acc.init(), acc.init(), acc.init()];
  rows.forEach(([y, p, w], i) => acc.add(parts[i % 3], y, p, w));
  const merged = acc.value(mergeAll(acc, parts));
  const single = value(["a", "b", "c", "d"], rows, { aucType: "WEIGHTED_OVO" });
  assertClose(merged.multinomial_auc_table!.map((r) => r.pr_auc), single.multinomial_auc_table!.map((r) => r.pr_auc), { rtol: 1e-12 });
  assertClose(merged.auc, single.auc, { rtol: 1e-12 });
});

test("multinomialMetrics() computes no AUC past 50 classes, and rejects unknown auc_type and max_hit_ratio_k", async () => {
  const C = 51;
  const domain = Array.from({ length: C }, (_, i) => `c${i}`);
  const m = value(domain, [[0, Array.from({ length: C }, () => 1 / C), 1]], { aucType: "MACRO_OVR" });
  assert(Number.isNaN(m.auc) && m.multinomial_auc_table === null);
  // deno-lint-ignore no-explicit-any
  await assertThrows(() => multinomialMetrics(ABC, { aucType: "MACRO" as any }), RangeError, "auc_type");
  await assertThrows(() => multinomialMetrics(ABC, { hitRatioK: -1 }), RangeError, "max_hit_ratio_k");
});
