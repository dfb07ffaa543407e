import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { binomialMetrics, GAINS_LIFT_PROBS } from "../../core/metrics/mod.ts";
import { random } from "./_random.ts";

type Row = [label: number, p1: number, w: number];

function value(rows: readonly Row[], options = {}) {
  const acc = binomialMetrics(options);
  const s = acc.init();
  for (const [y, p, w] of rows) acc.add(s, y, p, w);
  return acc.value(s);
}

// P = 4, N = 6. From the top: F1 = 0.4, 2/3, 4/7, 0.75 (at 0.6: TP 3, FP 1), 2/3, 0.6, 8/11, …
const HAND: Row[] = [
  [1, 0.9, 1], [1, 0.8, 1], [0, 0.7, 1], [1, 0.6, 1], [0, 0.55, 1],
  [0, 0.4, 1], [1, 0.3, 1], [0, 0.2, 1], [0, 0.1, 1], [0, 0.05, 1],
];

test("binomialMetrics() picks the max-F1 threshold and builds its confusion matrix", () => {
  const m = value(HAND, { domain: ["no", "yes"] });
  assertEquals(m.threshold, 0.6);
  assertEquals(m.max_criteria[0], { metric: "max f1", threshold: 0.6, value: 0.75, idx: 3 });
  const cm = m.confusion_matrix!;
  assertEquals(cm.domain, ["no", "yes"]);
  assertEquals(cm.counts, [[5, 1], [1, 3]]); // rows actual: TN FP / FN TP
  assertClose(cm.errors, [1 / 6, 1 / 4]);
  assertEquals(cm.rates, ["1 / 6", "1 / 4"]);
  assertEquals(cm.totalRate, "2 / 10");
  assertClose(m.classification_error, 0.2);
  assertClose(m.mean_per_class_error, (1 / 6 + 1 / 4) / 2);
  assertClose(m.auc, 20 / 24); // positives beat 6 + 6 + 5 + 3 of the 24 pairs
  assertClose(m.gini, 2 * (20 / 24) - 1);
});

test("binomialMetrics() weights move the max-F1 threshold and the confusion matrix", () => {
  // Weight 3 on the positive at 0.3: P = 6, N = 6; F1 at 0.3 is 2·(2/3)·1/(2/3 + 1) = 0.8, the maximum.
  const rows = HAND.map(([y, p, w]): Row => [y, p, p === 0.3 ? 3 : w]);
  const m = value(rows);
  assertEquals(m.threshold, 0.3);
  assertClose(m.max_criteria[0].value, 0.8);
  assertEquals(m.confusion_matrix!.counts, [[3, 3], [0, 6]]);
  assertEquals(m.confusion_matrix!.rates, ["3 / 6", "0 / 6"]);
  assertClose(m.classification_error, 0.25);
  assertClose(m.mean_per_class_error, 0.25);
  assertClose(m.auc, (6 + 6 + 5 + 3 * 3) / 36);
});

test("binomialMetrics() thresholds table has every H2O criterion at every bin", () => {
  const m = value(HAND);
  assertEquals(m.thresholds.length, 10);
  assertEquals(Object.keys(m.thresholds[0]), [
    "threshold", "f1", "f2", "f0point5", "accuracy", "precision", "recall", "specificity", "absolute_mcc",
    "min_per_class_accuracy", "mean_per_class_accuracy", "tns", "fns", "fps", "tps", "tnr", "fnr", "fpr", "tpr", "idx",
  ]);
  const r = m.thresholds[3]; // threshold 0.6: TP 3, FP 1, FN 1, TN 5
  assertEquals([r.threshold, r.tps, r.fps, r.fns, r.tns, r.idx], [0.6, 3, 1, 1, 5, 3]);
  assertClose(r.f2, (5 * 0.75 * 0.75) / (4 * 0.75 + 0.75));
  assertClose(r.f0point5, (1.25 * 0.75 * 0.75) / (0.25 * 0.75 + 0.75));
  assertClose(r.accuracy, 0.8);
  assertClose(r.specificity, 5 / 6);
  assertClose(r.absolute_mcc, (3 * 5 - 1 * 1) / Math.sqrt(4 * 4 * 6 * 6));
  assertClose(r.min_per_class_accuracy, 0.75);
  assertClose(r.mean_per_class_accuracy, (0.75 + 5 / 6) / 2);
  assertClose([r.tnr, r.fnr, r.fpr, r.tpr], [5 / 6, 0.25, 1 / 6, 0.75]);
  const maxTps = m.max_criteria.find((c) => c.metric === "max tps")!;
  assertEquals([maxTps.threshold, maxTps.value, maxTps.idx], [0.3, 4, 6]); // first threshold reaching TP = 4
});

test("binomialMetrics() MSE, r2 and logloss with weights", () => {
  const m = value([[1, 0.8, 1], [0, 0.4, 3]]);
  assertClose(m.mse, (0.04 + 3 * 0.16) / 4);
  assertClose(m.logloss, -(Math.log(0.8) + 3 * Math.log(0.6)) / 4);
  assertClose(m.r2, 1 - m.mse / (0.25 - 0.0625)); // Var_w(y): mean 1/4
  assertEquals(m.nobs, 2);
});

test("binomialMetrics() clamps logloss at p = 1e-15 (34.538776 per row)", () => {
  const m = value([[1, 0, 1], [0, 1, 1], [1, 1, 1], [0, 1e-300, 1]]);
  assertClose(m.logloss, (2 * 34.538776394910684) / 4);
});

test("binomialMetrics() AUCPR interpolates between bins", () => {
  // Last segment: recall 0.5 → 1 while FP stays 1: ∫ 2r/(2r + 1) dr = 0.5 − 0.5·ln 1.5
  assertClose(value([[1, 0.9, 1], [0, 0.8, 1], [1, 0.7, 1]]).pr_auc, 0.5 + 0.5 - 0.5 * Math.log(1.5));
  assertEquals(value([[1, 0.8, 1], [0, 0.3, 1]]).pr_auc, 1);
});

test("binomialMetrics() skips rows with NaN label, NaN p, or weight 0/NaN, and rejects other labels", async () => {
  const skipped: Row[] = [[NaN, 0.5, 1], [1, NaN, 1], [0, 0.99, 0], [1, 0.01, NaN]];
  assertEquals(value([...HAND, ...skipped]), value(HAND));
  const acc = binomialMetrics();
  await assertThrows(() => acc.add(acc.init(), 2, 0.5), RangeError, "got 2");
});

test("binomialMetrics() with no positives: AUC 0, no max-F1 threshold, no confusion matrix", () => {
  const m = value([[0, 0.2, 1], [0, 0.6, 1]]);
  assertEquals(m.auc, 0);
  assertEquals(m.threshold, 0.5);
  assertEquals(m.confusion_matrix, null);
  assert(Number.isNaN(m.classification_error));
});

test("binomialMetrics() gains/lift uses weighted quantile cut-points 0.99 … 0", () => {
  // p = 0.00, 0.01, …, 0.99; label 1 iff p ≥ 0.5. Type-7 quantile of 100 points at q: row 99q.
  const rows: Row[] = Array.from({ length: 100 }, (_, i) => [i >= 50 ? 1 : 0, i / 100, 1]);
  const m = value(rows);
  const gl = m.gains_lift!;
  assertEquals(gl.length, 16);
  const type7 = (q: number) => {
    const h = 99 * q;
    const lo = Math.floor(h);
    return lo === 99 ? 0.99 : (lo + (h - lo)) / 100;
  };
  assertClose(gl.map((r) => r.lower_threshold), GAINS_LIFT_PROBS.map(type7), { atol: 1e-12 });
  assertEquals(gl[0].cumulative_data_fraction, 0.01); // only 0.99 reaches q(0.99) = 0.9801
  assertEquals(gl[10].cumulative_data_fraction, 0.5); // rows ≥ q(0.5) = 0.495
  assertEquals(gl[0].lift, 2);
  assertEquals(m.lift_top_group, 2);
  assertEquals(gl[0].gain, 100);
  const last = gl[15];
  assertClose([last.cumulative_data_fraction, last.cumulative_capture_rate, last.cumulative_lift], [1, 1, 1]);
  assertClose(gl.reduce((s, r) => s + r.capture_rate, 0), 1);
  assertEquals(value(rows, { gainsLiftBins: 0 }).gains_lift, null);
  assertClose(value(rows, { gainsLiftBins: 4 }).gains_lift!.map((r) => r.lower_threshold), [0.7425, 0.495, 0.2475, 0]);
});

test("binomialMetrics().merge() equals adding every row to one state", () => {
  const rnd = random(21);
  const rows: Row[] = Array.from({ length: 2000 }, () => {
    const p = Math.round(rnd() * 300) / 300; // ≤ 301 distinct values: the histogram is exact
    return [rnd() < p ? 1 : 0, p, rnd() < 0.05 ? 0 : 0.5 + rnd()];
  });
  const acc = binomialMetrics();
  const whole = acc.init();
  const parts = [acc.init(), acc.init(), acc.init()];
  rows.forEach(([y, p, w], i) => {
    acc.add(whole, y, p, w);
    acc.add(parts[i % 3], y, p, w);
  });
  const one = acc.value(whole);
  const three = acc.value(acc.merge(acc.merge(parts[0], parts[1]), parts[2]));
  for (const k of ["mse", "logloss", "r2", "auc", "pr_auc", "threshold", "classification_error", "mean_per_class_error", "lift_top_group"] as const) {
    assertClose(three[k], one[k], { rtol: 1e-12, atol: 1e-12, message: k });
  }
  assertEquals(three.nobs, one.nobs);
  assertClose(three.confusion_matrix!.counts.flat(), one.confusion_matrix!.counts.flat(), { rtol: 1e-12 });
  assertEquals(three.gains_lift!.map((r) => r.lower_threshold), one.gains_lift!.map((r) => r.lower_threshold));
});
