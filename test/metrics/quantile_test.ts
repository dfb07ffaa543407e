import { assertClose, test } from "../_harness.ts";
import { weightedQuantiles } from "../../core/metrics/_quantile.ts";
import { random } from "./_random.ts";

// R's type 7: h = (n − 1)q, interpolate between the order statistics around h.
function type7(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 >= s.length ? s[lo] : s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

const QS = [0, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1];

test("weightedQuantiles() without weights is R's type-7 quantile", () => {
  const rnd = random(1);
  const xs = Array.from({ length: 37 }, () => Math.round(rnd() * 20));
  assertClose(weightedQuantiles(xs, null, QS), QS.map((q) => type7(xs, q)));
});

test("weightedQuantiles() treats an integer weight as that many copies of the row", () => {
  const rnd = random(2);
  const xs = Array.from({ length: 25 }, () => rnd() * 5);
  const ws = xs.map(() => 1 + Math.floor(rnd() * 4));
  const copies = xs.flatMap((x, i) => Array<number>(ws[i]).fill(x));
  assertClose(weightedQuantiles(xs, ws, QS), QS.map((q) => type7(copies, q)), { atol: 1e-12 });
});

test("weightedQuantiles() interpolates fractional weights at row q·(W − 1)", () => {
  // values 1, 3 with weights 0.5, 2: W = 2.5; q = 0.5 → row 0.75; row 0 lies in value 1 (cum 0.5 > 0),
  // row 1 in value 3 → 1 + 0.75·2 = 2.5
  assertClose(weightedQuantiles([3, 1], [2, 0.5], [0.5]), [2.5]);
});
