/**
 * `tide train --dry_run` (issue 6 item 6): the network, the memory of the model and of training
 * per thread, the time at the measured speed; nothing trained, nothing written.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import { estimateTrainingMemory, formatBytes } from "../../core/train/memory.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { irisFiles } from "./_iris.ts";
import { iris } from "../model/_data.ts";

test("tide train --dry_run prints the network, memory and time, and writes no model", async () => {
  const f = await irisFiles("tide-dry-");
  try {
    const io = memoryIo();
    const out = join(f.dir, "m.tide");
    const code = await main(["train", "--training_frame", f.train, "--y", "species", "--hidden", "16,16", "--epochs", "20", "--reproducible", "--model_out", out, "--dry_run"], io);
    assertEquals(code, 0, io.stderr);
    const e = estimateTrainingMemory({ units: [4, 16, 16, 3], optimizerSlots: 2, threads: 1, miniBatch: 1, precision: 32, rows: 120, nonZerosPerRow: 4 });
    for (const s of ["Dry run: nothing was trained.", "Network: 4-16-16-3, 403 weights and biases", `Training memory: ${formatBytes(e.bytes)} in all`, "samples/s measured", "for 2,400 samples"]) {
      assert(io.stdout.includes(s), `missing "${s}" in:\n${io.stdout}`);
    }
    assert(!(await readdir(f.dir)).includes("m.tide"), "a dry run writes no model");
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

test("DeepLearning.dryRun() counts cross-validation's models and refuses what train() refuses", async () => {
  const r = await new DeepLearning({ hidden: [8], epochs: 2, nfolds: 3, seed: 1 }).dryRun({ y: "species", training_frame: iris() });
  assertEquals([r.models, r.samples, r.parameters], [4, 300, 4 * 8 + 8 + 8 * 3 + 3]);
  assert(r.samplesPerSecond > 0 && r.seconds > 0, JSON.stringify(r));
  let msg = "";
  await new DeepLearning({ hidden: [8], epochs: -1 }).dryRun({ y: "species", training_frame: iris() }).catch((e) => (msg = e.message));
  assert(msg.includes(`"epochs"`), msg);
});
