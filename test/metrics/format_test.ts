import { assert, assertEquals, test } from "../_harness.ts";
import {
  binomialMetrics,
  confusionMatrix,
  formatConfusionMatrix,
  formatGainsLift,
  formatHitRatios,
  formatMaxCriteria,
  formatMetrics,
  formatMultinomialAuc,
  formatSummary,
  formatThresholds,
  multinomialMetrics,
  regressionMetrics,
} from "../../core/metrics/mod.ts";

function iris(options: Parameters<typeof multinomialMetrics>[1] = {}) {
  const acc = multinomialMetrics(["setosa", "versicolor", "virginica"], options);
  const s = acc.init();
  for (let i = 0; i < 50; i++) acc.add(s, 0, [0.9, 0.05, 0.05]);
  for (let i = 0; i < 50; i++) acc.add(s, 1, i < 2 ? [0.1, 0.3, 0.6] : [0.1, 0.8, 0.1]);
  for (let i = 0; i < 50; i++) acc.add(s, 2, i < 1 ? [0.1, 0.5, 0.4] : [0.1, 0.2, 0.7]);
  return acc.value(s);
}

test("formatConfusionMatrix() prints H2O's layout: labels, Error, Rate, Totals", () => {
  assertEquals(formatConfusionMatrix(iris().confusion_matrix!), [
    "Confusion Matrix: Row labels: Actual class; Column labels: Predicted class",
    "            setosa  versicolor  virginica  Error  Rate",
    "----------  ------  ----------  ---------  -----  -------",
    "setosa      50      0           0          0      0 / 50",
    "versicolor  0       48          2          0.04   2 / 50",
    "virginica   0       1           49         0.02   1 / 50",
    "Totals      50      49          51         0.02   3 / 150",
  ].join("\n"));
});

test("formatConfusionMatrix() groups thousands and prints weighted counts with decimals", () => {
  const big = formatConfusionMatrix(confusionMatrix(["0", "1"], [[12000, 345], [6, 1000]]), "");
  assert(big.includes("345 / 12,345") && big.includes("351 / 13,351"), big);
  const weighted = formatConfusionMatrix(confusionMatrix(["0", "1"], [[5.5, 1], [1, 3]]), "");
  assert(weighted.includes("1.0000 / 6.5000") && weighted.includes("2.00 / 10.50"), weighted);
});

test("formatSummary() prints the lines ModelMetricsMultinomial.show() prints", () => {
  const m = iris();
  assertEquals(formatSummary(m), [
    `MSE: ${m.mse}`, `RMSE: ${m.rmse}`, `LogLoss: ${m.logloss}`, "Mean Per-Class Error: 0.02",
  ].join("\n"));
});

test("formatSummary() prints regression and binomial lines", () => {
  const r = regressionMetrics();
  const s = r.init();
  r.add(s, 1, 2);
  r.add(s, 3, 3.5);
  assertEquals(formatSummary(r.value(s)).split("\n").map((l) => l.split(":")[0]), ["MSE", "RMSE", "MAE", "RMSLE", "Mean Residual Deviance", "R^2"]);
  const b = binomialMetrics();
  const t = b.init();
  b.add(t, 1, 0.8);
  b.add(t, 0, 0.3);
  assertEquals(formatSummary(b.value(t)).split("\n").slice(2), ["LogLoss: " + b.value(t).logloss, "Mean Per-Class Error: 0", "AUC: 1", "AUCPR: 1", "Gini: 1"]);
});

test("formatHitRatios() prints one row per k", () => {
  assertEquals(formatHitRatios(iris().hit_ratios), "Top-3 Hit Ratios:\nk  hit_ratio\n-  ---------\n1  0.98\n2  1\n3  1");
});

test("formatMetrics() joins the header, summary and the tables that apply", () => {
  const multi = formatMetrics(iris(), { algo: "deeplearning", on: "train" });
  assert(multi.startsWith("ModelMetricsMultinomial: deeplearning\n** Reported on train data. **\n\nMSE: "), multi);
  assert(multi.includes("Confusion Matrix: Row labels") && multi.includes("Top-3 Hit Ratios:"), multi);
  const b = binomialMetrics({ domain: ["No", "Yes"] });
  const s = b.init();
  [[1, 0.9], [0, 0.7], [1, 0.6], [0, 0.2]].forEach(([y, p]) => b.add(s, y, p));
  const m = b.value(s);
  const text = formatMetrics(m);
  assert(text.includes("Confusion Matrix (Act/Pred) for max f1 @ threshold = 0.6"), text);
  assert(text.includes(formatMaxCriteria(m)) && text.includes(formatGainsLift(m)), text);
  assert(formatMaxCriteria(m).split("\n")[3].startsWith("max f1  "), formatMaxCriteria(m));
  assertEquals(formatThresholds(m).split("\n").length, 2 + 1 + 4); // title, header, rule, one row per bin
  assert(formatGainsLift(m).startsWith("Gains/Lift Table: Avg response rate: 50.00 %"), formatGainsLift(m));
});

test("formatMetrics() adds the AUC lines and the multinomial AUC tables when auc_type asks, and drops hit ratios at k = 0", () => {
  const m = iris({ aucType: "MACRO_OVO", hitRatioK: 0 });
  assertEquals(formatSummary(m).split("\n").slice(4), [`AUC: ${m.auc}`, `AUCPR: ${m.pr_auc}`]);
  const table = formatMultinomialAuc(m).split("\n");
  assertEquals(table[0], "Multinomial AUC values:");
  assertEquals(table.length, 3 + 3 + 2 + 3 + 2); // title, header, rule; 3 vs Rest, 2 OVR averages, 3 pairs, 2 OVO averages
  assert(table[table.length - 2].startsWith("Macro OVO") && table[table.length - 2].endsWith(String(Number(m.auc.toPrecision(6)))), table.join("\n"));
  const text = formatMetrics(m);
  assert(text.includes("Multinomial auc_pr values:") && !text.includes("Hit Ratios"), text);
  assertEquals(formatMultinomialAuc(iris()), "");
  assert(!formatSummary(iris()).includes("AUC"));
});

test("formatGainsLift() prints as many groups as gainslift_bins asks", () => {
  const b = binomialMetrics({ gainsLiftBins: 4 });
  const s = b.init();
  for (let i = 0; i < 100; i++) b.add(s, i % 3 === 0 ? 1 : 0, (i + 0.5) / 100);
  assertEquals(formatGainsLift(b.value(s)).split("\n").length, 3 + 4);
  const off = binomialMetrics({ gainsLiftBins: 0 });
  const t = off.init();
  off.add(t, 1, 0.7);
  off.add(t, 0, 0.2);
  assertEquals(formatGainsLift(off.value(t)), "");
  assert(!formatMetrics(off.value(t)).includes("Gains/Lift"));
});
