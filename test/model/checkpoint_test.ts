/**
 * Checkpoint restart (spec §12): a reproducible run saved at 10 epochs and continued to 20 equals
 * an uninterrupted 20-epoch run; H2O's rules on what may change; history and counters continue.
 */
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import type { Backend } from "../../core/backend.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { DeepLearningModel as DeepLearningModelClass, type DeepLearningModel } from "../../model/model.ts";
import type { Frame } from "../../frame/frame.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { simdBackend } from "../../backends/simd/simd.ts";
import { iris, smooth } from "./_data.ts";
import { tmpdir } from "node:os";

const BASE = { hidden: [6], activation: "Tanh", seed: 7, reproducible: true, overwrite_with_best_model: false, stopping_rounds: 0 };

async function maxDiff(a: DeepLearningModel, b: DeepLearningModel, frame: Frame): Promise<number> {
  const [pa, pb] = [await a.predict(frame), await b.predict(frame)];
  let worst = 0;
  for (const name of pa.names) {
    const [ca, cb] = [pa.col(name), pb.col(name)];
    if (ca.type !== "numeric" || cb.type !== "numeric") continue;
    for (let i = 0; i < ca.data.length; i++) worst = Math.max(worst, Math.abs(ca.data.at(i) - cb.data.at(i)));
  }
  return worst;
}

for (const [name, make] of [["reference", referenceBackend], ["simd", simdBackend]] as const) {
  test(`checkpoint: 10 epochs saved, then continued to 20, equals 20 epochs in one run (${name})`, async () => {
    const backend: Backend = make();
    if (!(await backend.init())) return;
    const frame = iris();
    const whole = await new DeepLearning({ ...BASE, epochs: 20 }).train({ y: "species", training_frame: frame, backend });
    const first = await new DeepLearning({ ...BASE, epochs: 10 }).train({ y: "species", training_frame: frame, backend });
    const path = `${tmpdir()}/ckpt-${name}-${process.pid}-${Date.now()}.tide`;
    await first.save(path);
    const second = await new DeepLearning({ checkpoint: path, epochs: 20 }).train({ y: "species", training_frame: frame, backend });
    assertEquals(await maxDiff(whole, second, frame), 0, "predictions differ");
    assertEquals(second.data.output.samples, whole.data.output.samples);
    assertEquals(second.data.output.iterations, whole.data.output.iterations);
    assertEquals(second.data.output.history.map((r) => r.epochs), whole.data.output.history.map((r) => r.epochs));
    assertEquals(second.data.params.hidden, [6], "unset parameters come from the checkpoint");
  });
}

for (const [name, make] of [["reference", referenceBackend], ["simd", simdBackend]] as const) {
  test(`checkpoint: a sparse autoencoder saved at 5 epochs and continued to 10 equals 10 epochs in one run: ρ̂ is saved (${name})`, async () => {
    const backend: Backend = make();
    if (!(await backend.init())) return;
    const frame = iris();
    const AE = { ...BASE, hidden: [5, 3], autoencoder: true, ignored_columns: ["species"], sparsity_beta: 0.5, average_activation: -0.2 };
    const whole = await new DeepLearning({ ...AE, epochs: 10 }).train({ training_frame: frame, backend });
    const first = await new DeepLearning({ ...AE, epochs: 5 }).train({ training_frame: frame, backend });
    const rho = first.data.state["mean_activation.1"];
    assert(rho?.length === 3 && rho.every((v) => v !== 0), "the model keeps each hidden layer's ρ̂");
    const path = `${tmpdir()}/ckpt-ae-${name}-${process.pid}-${Date.now()}.tide`;
    await first.save(path);
    const second = await new DeepLearning({ checkpoint: path, epochs: 10 }).train({ training_frame: frame, backend });
    assertEquals(await maxDiff(whole, second, frame), 0, "reconstructions differ");
    for (const k of Object.keys(whole.data.state)) assertEquals(Array.from(second.data.state[k]), Array.from(whole.data.state[k]), k);
    assertEquals(second.data.output.messages.filter((m) => m.field === "checkpoint"), []);

    // A checkpoint without ρ̂ (a version-1 file) still continues, ρ̂ from 0, and says so.
    const old = new DeepLearningModelClass({ ...first.data, state: Object.fromEntries(Object.entries(first.data.state).filter(([k]) => !k.startsWith("mean_activation."))) });
    const third = await new DeepLearning({ checkpoint: old, epochs: 10 }).train({ training_frame: frame, backend });
    const note = third.data.output.messages.find((m) => m.field === "checkpoint");
    assert(note?.level === "warn" && note.message.includes("restart from 0"), JSON.stringify(note));
    assert(await maxDiff(whole, third, frame) > 0, "without ρ̂ the continuation differs");
  });
}

test("checkpoint: a forbidden change, too few epochs, a validation frame that was not there: each named", async () => {
  const backend = referenceBackend();
  const frame = iris();
  const first = await new DeepLearning({ ...BASE, epochs: 2 }).train({ y: "species", training_frame: frame, backend });
  const e = await assertThrows(
    () => new DeepLearning({ checkpoint: first, epochs: 1, activation: "Rectifier", rho: 0.9 }).train({ y: "species", training_frame: frame, validation_frame: frame, backend }),
    RangeError,
  );
  for (const s of [`"activation"`, `"rho"`, `"epochs"`, "validation frame"]) assert(e.message.includes(s), `${s} missing: ${e.message}`);
  const ok = await new DeepLearning({ checkpoint: first, epochs: 3, l1: 1e-4, max_runtime_secs: 100 }).train({ y: "species", training_frame: frame, backend });
  assertEquals(ok.data.output.history[1], first.data.output.history[1], "the history continues");
  await assertThrows(() => new DeepLearning({ checkpoint: "/nonexistent/m.tide", epochs: 3 }).train({ y: "species", training_frame: frame, backend }), RangeError, `"checkpoint"`);
});

test("checkpoint: regression continues Huber's δ and the sample counter", async () => {
  const backend = referenceBackend();
  const frame = smooth(120, 3);
  const p = { ...BASE, distribution: "huber", hidden: [4] };
  const whole = await new DeepLearning({ ...p, epochs: 4 }).train({ y: "y", training_frame: frame, backend });
  const first = await new DeepLearning({ ...p, epochs: 2 }).train({ y: "y", training_frame: frame, backend });
  const second = await new DeepLearning({ checkpoint: first, epochs: 4 }).train({ y: "y", training_frame: frame, backend });
  assertEquals(second.data.distributionParams, whole.data.distributionParams);
  assertEquals(await maxDiff(whole, second, frame), 0);
});

test("export_checkpoints_dir writes the scored model after every scoring event, atomically; a bad folder fails before training", async () => {
  const { readdirSync, writeFileSync } = await import("node:fs");
  const backend = referenceBackend();
  const dir = `${tmpdir()}/tide-ckpts-${process.pid}-${Date.now()}`;
  let scores = 0;
  const m = await new DeepLearning({ ...BASE, epochs: 3, model_id: "ck", export_checkpoints_dir: dir }).train({
    y: "species", training_frame: iris(), backend, onEvent: (e) => void (e.type === "score" && scores++),
  });
  assertEquals(readdirSync(dir), ["ck.tide"], "one file, no temporary leftovers");
  const saved = await DeepLearningModelClass.load(`${dir}/ck.tide`);
  assertEquals(saved.data.output.samples, m.data.output.samples);
  assert(scores >= 3, `scored ${scores} times`);
  const file = `${dir}/not-a-folder`;
  writeFileSync(file, "x");
  await assertThrows(() => new DeepLearning({ ...BASE, epochs: 1, export_checkpoints_dir: file }).train({ y: "species", training_frame: iris(), backend }), RangeError, "export_checkpoints_dir");
});
