import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { autoencoderMetrics, reconstructionError } from "../../core/metrics/mod.ts";

test("reconstructionError() is the mean squared difference over the input slots", () => {
  assertClose(reconstructionError([0, 1, 2, -1], [0, 0, 0, 0]), (0 + 1 + 4 + 1) / 4);
});

test("autoencoderMetrics() MSE is the unweighted mean of per-row errors; NaN rows skipped", () => {
  const acc = autoencoderMetrics();
  const a = acc.init();
  const b = acc.init();
  acc.add(a, [0, 1], [0, 0]); // 0.5
  acc.add(a, [NaN, 1], [0, 1]); // NaN: skipped
  acc.add(b, [2, 0, 0, 0], [0, 0, 0, 0]); // 1 (rows may differ in width: each row is its own mean)
  const m = acc.value(acc.merge(a, b));
  assertEquals(m.nobs, 2);
  assertClose(m.mse, 0.75);
  assertClose(m.rmse, Math.sqrt(0.75));
  assertEquals(m.model_category, "AutoEncoder");
  assert(Number.isNaN(acc.value(acc.init()).mse), "no rows: NaN");
});

test("reconstructionError() rejects inputs of different lengths", async () => {
  await assertThrows(() => reconstructionError([1, 2], [1]), RangeError, "reconstruction 1");
});
