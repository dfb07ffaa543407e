import { assert, assertEquals, test } from "../_harness.ts";
import { estimateTrainingMemory, formatBytes } from "../../core/train/memory.ts";

test("estimateTrainingMemory() counts state, Float64 copies, per-thread buffers and packed rows", () => {
  const base = { units: [4, 10, 3], optimizerSlots: 2, threads: 1, miniBatch: 1, precision: 32 as const };
  const e = estimateTrainingMemory(base);
  assertEquals(e.parameters, 4 * 10 + 10 + 10 * 3 + 3);
  const part = (x: typeof e, what: string) => x.parts.find((p) => p.what.startsWith(what))?.bytes ?? 0;
  assertEquals(part(e, "weights, biases and optimizer state"), 83 * 3 * 4);
  assertEquals(part(e, "scoring snapshot"), 2 * 83 * 3 * 8);
  assertEquals(part(e, "model file"), 83 * 3 * 8);
  // Threads and mini-batches scale the per-thread parts only.
  const t = estimateTrainingMemory({ ...base, threads: 4, miniBatch: 8 });
  assertEquals(part(t, "per-thread activations"), 4 * 8 * part(e, "per-thread activations"));
  assertEquals(part(t, "per-thread mini-batch gradients"), 4 * 83 * 4);
  // Packed rows: dense for dense data, bounded by the non-zeros for one-hot data.
  const dense = estimateTrainingMemory({ ...base, rows: 1000 });
  assertEquals(part(dense, "packed training rows"), 1000 * 6 * 4);
  const wide = estimateTrainingMemory({ ...base, units: [10_000, 10, 3], rows: 1_000_000, nonZerosPerRow: 10 });
  assertEquals(part(wide, "packed training rows"), 1_000_000 * 27 * 4);
  assertEquals(e.bytes, e.parts.reduce((s, p) => s + p.bytes, 0));
});

test("formatBytes() prints powers of 1000", () => {
  assertEquals([formatBytes(512), formatBytes(3_400_000), formatBytes(6.1e9), formatBytes(2.1e11)], ["512 B", "3.4 MB", "6.1 GB", "210 GB"]);
  assert(formatBytes(NaN) === "?");
});
