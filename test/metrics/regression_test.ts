import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { defineDistribution, type Distribution } from "../../core/distribution.ts";
import { HUBER_DELTA_PARAM, mergeAll, regressionMetrics } from "../../core/metrics/mod.ts";
import { random } from "./_random.ts";
import { huber as huberPlugin } from "../../plugins/distributions/huber.ts";

// Test-local distributions with the deviances of spec 4.7, so these tests need no plugin.
const reg = (name: string, deviance: Distribution["deviance"]) =>
  defineDistribution({
    name, summary: name, link: "identity", family: "regression", deviance, gradient: () => 0,
    vectors: [{ y: 0, mu: 0, deviance: 0, gradient: 0 }],
  });
const laplace = reg("laplace", (y, mu) => Math.abs(y - mu));
const quantile = reg("quantile", (y, mu, p) => (y > mu ? p.quantile_alpha * (y - mu) : (1 - p.quantile_alpha) * (mu - y)));
// Huber's δ rule lives in its plugin (fitParams), so this one test uses the real plugin.
const huber = huberPlugin;
const poisson = reg("poisson", (y, mu) => 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - y + mu));

// (y, ŷ, w): errors 0.5, −0.5 (weight 2), 2; Σw = 4. Then four rows H2O skips.
const ROWS: [number, number, number][] = [[3, 2.5, 1], [1, 1.5, 2], [4, 2, 1]];
const SKIPPED: [number, number, number][] = [[0, 0.5, 0], [NaN, 1, 1], [2, NaN, 1], [2, 2, NaN]];

function run(acc: ReturnType<typeof regressionMetrics>, rows = [...ROWS, ...SKIPPED]) {
  const s = acc.init();
  for (const [y, yhat, w] of rows) acc.add(s, y, yhat, w);
  return acc.value(s);
}

test("regressionMetrics() matches hand-computed weighted MSE, MAE, RMSLE and r2", () => {
  const m = run(regressionMetrics());
  assertEquals(m.nobs, 3);
  assertClose(m.mse, 4.75 / 4); // (0.25 + 2·0.25 + 4) / 4
  assertClose(m.rmse, 1.0897247358851685);
  assertClose(m.mae, 3.5 / 4); // (0.5 + 2·0.5 + 2) / 4
  assertClose(m.rmsle, 0.3075546860715963);
  assertClose(m.r2, 8 / 27); // Var_w(y) = 27/4 − 2.25² = 1.6875 (population form); 1 − 1.1875/1.6875
  assertClose(m.mean_residual_deviance, m.mse, { message: "no distribution means gaussian" });
});

test("regressionMetrics() skips rows with NaN actual, NaN prediction, or weight 0/NaN", () => {
  assertEquals(run(regressionMetrics(), [...SKIPPED, ...ROWS]), run(regressionMetrics(), ROWS));
});

test("regressionMetrics() RMSLE is NaN once any value is ≤ −1, other metrics unaffected", () => {
  const m = run(regressionMetrics(), [...ROWS, [-1, 0, 1]]);
  assert(Number.isNaN(m.rmsle), `expected NaN, got ${m.rmsle}`);
  assertClose(m.mse, (4.75 + 1) / 5);
  assert(Number.isNaN(run(regressionMetrics(), [...ROWS, [0, -2, 1]]).rmsle));
});

test("regressionMetrics() mean residual deviance is Σw·D / Σw through the distribution", () => {
  assertClose(run(regressionMetrics(laplace)).mean_residual_deviance, 0.875);
  // α = 0.8: 0.8·0.5 + 2·0.2·0.5 + 0.8·2 = 2.2
  assertClose(run(regressionMetrics(quantile, { quantile_alpha: 0.8 })).mean_residual_deviance, 2.2 / 4);
  assertClose(run(regressionMetrics(poisson)).mean_residual_deviance, 0.5043115882026581);
});

test("regressionMetrics() Huber δ is the weighted huber_alpha quantile of |y − ŷ|", () => {
  // |e| sorted with weights: 0.5 (w 3 in all), 2 (w 1); W = 4, row 0.9·3 = 2.7 lies between
  // 0.5 (row 2) and 2 (row 3): δ = 0.5 + 0.7·1.5 = 1.55. D: 0.25 + 2·0.25 + 1.55·(4 − 1.55).
  const m = run(regressionMetrics(huber, { huber_alpha: 0.9 }));
  assertClose(m.huber_delta!, 1.55);
  assertClose(m.mean_residual_deviance, (0.75 + 1.55 * 2.45) / 4);
  const half = run(regressionMetrics(huber, { huber_alpha: 0.5 })); // row 1.5: δ = 0.5; |e| = δ stays quadratic
  assertClose(half.huber_delta!, 0.5);
  assertClose(half.mean_residual_deviance, (0.25 + 2 * 0.25 + 0.5 * 3.5) / 4);
});

test("regressionMetrics().merge() equals adding every row to one state, Huber included", () => {
  const rnd = random(7);
  const rows = Array.from({ length: 500 }, () => [rnd() * 10, rnd() * 10, rnd() < 0.1 ? 0 : rnd() * 3] as [number, number, number]);
  for (const acc of [regressionMetrics(), regressionMetrics(huber, { huber_alpha: 0.7 })]) {
    const parts = [acc.init(), acc.init(), acc.init()];
    rows.forEach(([y, p, w], i) => acc.add(parts[i % 3], y, p, w));
    const merged = acc.value(mergeAll(acc, parts));
    const single = run(acc, rows);
    for (const k of Object.keys(single) as (keyof typeof single)[]) {
      if (typeof single[k] === "number") assertClose(merged[k] as number, single[k] as number, { rtol: 1e-12, message: k });
    }
  }
});

test("regressionMetrics().merge() leaves both inputs unchanged and states survive structuredClone", () => {
  const acc = regressionMetrics(huber);
  const a = acc.init();
  const b = acc.init();
  acc.add(a, 1, 2);
  acc.add(b, 3, 1);
  const before = JSON.stringify([a, b]);
  const m = acc.merge(a, b);
  assertEquals(JSON.stringify([a, b]), before);
  assertEquals(acc.value(structuredClone(m)), acc.value(m));
});

test("regressionMetrics() rejects a classification distribution", async () => {
  const multinomial = defineDistribution({
    name: "multinomial", summary: "", link: "softmax", family: "classification",
    deviance: () => 0, gradient: () => 0, vectors: [{ y: 0, mu: 0, deviance: 0, gradient: 0 }],
  });
  await assertThrows(() => regressionMetrics(multinomial), TypeError, "multinomial");
});
