/**
 * H2O's convergence-based early stopping (spec §8.1, Appendix C.11) through
 * core/train/early_stopping.ts: moving averages of window k, the best of the last k against
 * the one k events earlier, relative tolerance, direction, and the zero/NaN/sign guards.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { convergenceStop, NON_NEGATIVE_METRICS } from "../../core/train/early_stopping.ts";

const LOGLOSS = [0.9, 0.7, 0.6, 0.55, 0.56, 0.57];

test("convergenceStop() continues after 6 values and stops after the 7th (Appendix C.11, k = 2, tolerance 0)", () => {
  // ref = mean(0.6, 0.55) = 0.575, recent (0.555, 0.565): 0.555/0.575 = 0.965 < 1 → continue.
  assertEquals(convergenceStop(LOGLOSS, 2, 0, false, true), false);
  // ref = 0.555, recent (0.565, 0.575): 0.565/0.555 = 1.018 ≥ 1 → stop.
  assertEquals(convergenceStop([...LOGLOSS, 0.58], 2, 0, false, true), true);
});

test("convergenceStop() evaluates every prefix of Appendix C.11 as H2O does", () => {
  const seq = [...LOGLOSS, 0.58];
  const got = seq.map((_, i) => convergenceStop(seq.slice(0, i + 1), 2, 0, false, true));
  // Fewer than 2k = 4 values never stop; 4 and 5 values are still improving.
  assertEquals(got, [false, false, false, false, false, false, true]);
});

test("convergenceStop() applies the relative tolerance", () => {
  // ratio 0.965: stops iff 0.965 ≥ 1 − tolerance.
  assertEquals(convergenceStop(LOGLOSS, 2, 0.03, false, true), false);
  assertEquals(convergenceStop(LOGLOSS, 2, 0.04, false, true), true);
});

test("convergenceStop() is disabled by k = 0 and needs 2k values", () => {
  const flat = [1, 1, 1, 1, 1, 1, 1, 1];
  assertEquals(convergenceStop(flat, 0, 0, false, true), false);
  assertEquals(convergenceStop(flat.slice(0, 5), 3, 0, false, true), false);
  assertEquals(convergenceStop(flat.slice(0, 6), 3, 0, false, true), true);
  assertEquals(convergenceStop([], 1, 0, false, true), false);
  assertEquals(convergenceStop([0.5, 0.5], 1, 0, false, true), true, "k = 1: a flat pair stops");
});

test("convergenceStop() for more-is-better metrics (AUC) stops only when the best recent average is not higher", () => {
  assertEquals(convergenceStop([0.5, 0.6, 0.7, 0.8], 2, 0, true, true), false);
  assertEquals(convergenceStop([0.8, 0.8, 0.8, 0.8], 2, 0, true, true), true);
  assertEquals(convergenceStop([0.9, 0.9, 0.85, 0.8], 2, 0, true, true), true); // AUC falling
  assertEquals(convergenceStop([0.8, 0.9, 0.85, 0.8], 2, 0, true, true), false); // recent (0.875, 0.825) vs 0.85
  // ref 0.8, recent (0.81, 0.82): ratio 1.025 ≤ 1 + 0.03 stops, > 1 + 0.02 does not.
  assertEquals(convergenceStop([0.8, 0.8, 0.82, 0.82], 2, 0.03, true, true), true);
  assertEquals(convergenceStop([0.8, 0.8, 0.82, 0.82], 2, 0.02, true, true), false);
});

test("convergenceStop() stops at a zero reference only for metrics bounded below by 0", () => {
  const zeros = [0, 0, 0, 0];
  assertEquals(convergenceStop(zeros, 2, 0, false, true), true);
  assertEquals(convergenceStop(zeros, 2, 0, false, false), false, "0/0 is no evidence for an unbounded metric");
  for (const m of ["logloss", "MSE", "RMSE", "MAE", "RMSLE", "AUC", "AUCPR", "misclassification", "mean_per_class_error"]) {
    assert(NON_NEGATIVE_METRICS.has(m), `${m} should be bounded below by 0`);
  }
  assert(!NON_NEGATIVE_METRICS.has("deviance") && !NON_NEGATIVE_METRICS.has("lift_top_group"), "deviance and lift are not in the list (spec §8.1)");
});

test("convergenceStop() continues when an average is NaN or the averages change sign", () => {
  assertEquals(convergenceStop([0.5, NaN, 0.5, 0.5], 2, 0, false, true), false);
  assertEquals(convergenceStop([1, 1, -1, -1], 2, 0, false, false), false);
  assertEquals(convergenceStop([-1, -1, 1, 1], 2, 0, false, false), false);
});

test("convergenceStop() only looks at the last 2k values", () => {
  const noisyStart = [100, 0.1, 50, 0.9, 0.7, 0.6, 0.55, 0.56, 0.57];
  assertEquals(convergenceStop(noisyStart, 2, 0, false, true), convergenceStop(LOGLOSS, 2, 0, false, true));
  assertEquals(convergenceStop([...noisyStart, 0.58], 2, 0, false, true), true);
});
