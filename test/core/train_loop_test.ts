/**
 * Helpers of the training loop (core/train/train.ts): samples per iteration (spec §6.2), the
 * per-pass row order, the scoring sample (§7.1) and H2O's duration format.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { formatDuration, iterationSamples, permutation, sampleRows } from "../../core/train/train.ts";

test("iterationSamples() resolves train_samples_per_iteration: 0 and −1 one epoch, k capped by epochs·N", () => {
  assertEquals(iterationSamples(0, 1000, 10), 1000);
  assertEquals(iterationSamples(-1, 1000, 10), 1000);
  assertEquals(iterationSamples(250, 1000, 10), 250);
  assertEquals(iterationSamples(50_000, 1000, 10), 10_000, "min(k, floor(epochs·N))");
  assertEquals(iterationSamples(7, 1000, 0.001), 1, "at least 1");
});

test("iterationSamples() auto (−2) stays within ~10 iterations, one epoch and 100 000 rows", () => {
  assertEquals(iterationSamples(-2, 1000, 10), 1000);
  assertEquals(iterationSamples(-2, 1000, 2), 200, "floor(epochs·N/10)");
  assertEquals(iterationSamples(-2, 10_000_000, 10), 100_000);
  assertEquals(iterationSamples(-2, 5, 1), 1);
  for (const [N, e] of [[60000, 10], [123, 0.5], [1, 1]]) {
    const T = iterationSamples(-2, N, e);
    assert(T >= 1 && T <= Math.max(1, Math.floor((e * N) / 10)) && T <= 100_000 && T <= N, `N ${N} epochs ${e}: T ${T}`);
  }
});

test("permutation() is a seeded permutation of 0 … N−1 that changes with the pass", () => {
  const a = permutation(50, [1, 0], 0);
  assertEquals(Array.from(a).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assertEquals(permutation(50, [1, 0], 0), a);
  assert(permutation(50, [1, 0], 1).some((v, i) => v !== a[i]), "another pass, another order");
  assert(permutation(50, [2, 0], 0).some((v, i) => v !== a[i]), "another seed, another order");
  assertEquals(Array.from(permutation(0, [1, 0], 0)), []);
});

test("sampleRows() draws k distinct rows in ascending order, or all rows when k is 0 or ≥ n", () => {
  const rows = Array.from({ length: 100 }, (_, i) => i * 3);
  const s = sampleRows(rows, 10, 123);
  assertEquals(s.length, 10);
  assertEquals(new Set(s).size, 10);
  assert(s.every((r) => rows.includes(r)), "only given rows");
  assertEquals([...s].sort((x, y) => x - y), s);
  assertEquals(sampleRows(rows, 10, 123), s, "seeded");
  assert(sampleRows(rows, 10, 124).join() !== s.join(), "another seed, another sample");
  assertEquals(sampleRows(rows, 0, 1), rows);
  assertEquals(sampleRows(rows, 100, 1), rows);
  assertEquals(sampleRows(rows, 500, 1), rows);
});

test("formatDuration() writes H2O's human-readable durations", () => {
  assertEquals(formatDuration(0), "0.000 sec");
  assertEquals(formatDuration(12_345), "12.345 sec");
  assertEquals(formatDuration(62_345), "1 min 2.345 sec");
  assertEquals(formatDuration(3_723_000), "1 hr 2 min 3.000 sec");
});

test("the loop hands a backend whole mini-batches: only an iteration's or a pass's end cuts one short (timing never moves a batch boundary)", async () => {
  const { referenceBackend } = await import("../../backends/reference/reference.ts");
  const { DeepLearning } = await import("../../model/deep_learning.ts");
  const { blobs } = await import("../model/_data.ts");
  const base = referenceBackend();
  await base.init();
  const calls: { start: number; length: number }[] = [];
  // The reference backend has no fused trainer: every slice goes through GenericNetwork.train, recorded here.
  const { GenericNetwork } = await import("../../core/train/step.ts");
  const train = GenericNetwork.prototype.train;
  GenericNetwork.prototype.train = function (rows, order, ctx) {
    calls.push({ start: ctx.samples, length: order.length });
    return train.call(this, rows, order, ctx);
  };
  try {
    const mb = 24, rows = 2000;
    await new DeepLearning({ hidden: [3], epochs: 2, mini_batch_size: mb, seed: 1, train_samples_per_iteration: 0 }).train({ y: "cls", training_frame: blobs(rows, 1), backend: base });
    assert(calls.length >= 2, `${calls.length} calls`);
    for (const c of calls) {
      const end = c.start + c.length;
      assert(c.length % mb === 0 || end % rows === 0, `a slice of ${c.length} rows ending at sample ${end} splits a mini-batch of ${mb}`);
    }
  } finally {
    GenericNetwork.prototype.train = train;
  }
});
