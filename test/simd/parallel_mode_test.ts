/**
 * parallel_mode on the SIMD backend. With "average" each Worker trains its own replica, so a
 * 2-thread call is two independent 1-thread runs on the two halves of the rows, merged by the
 * samples each trained: checked against two 1-thread trainers, element by element, weights,
 * biases and ADADELTA slots alike. Then the averaging through the engine (iteration hook), the
 * "auto" choice and its note.
 */
import { expect, test } from "bun:test";
import type { FusedNetwork, PackedRows } from "../../core/backend.ts";
import { allocState, initialize, readState } from "../../core/train/network.ts";
import { Rng } from "../../core/rng.ts";
import { simdBackend } from "../../backends/simd/simd.ts";
import { AutoMode } from "../../backends/simd/replicas.ts";
import { activations, distributions, optimizers, regularizers } from "../../plugins/mod.ts";
import { DeepLearning } from "../../mod.ts";
import { blobs } from "../model/_data.ts";

const units = [12, 8, 6, 3];
/** The autoencoder's shape: the 12 inputs reconstructed through 8-6 Tanh. */
const aeUnits = [12, 8, 6, 12];
const ROWS = 240;

function rows(): PackedRows {
  const rng = new Rng(7);
  const dense = new Float32Array(ROWS * units[0]);
  for (let i = 0; i < dense.length; i++) dense[i] = rng.uniform() < 0.3 ? 0 : Math.fround(rng.uniform() * 2 - 1);
  const target = Float32Array.from({ length: ROWS }, (_, r) => (dense[r * units[0]] > 0 ? 1 : 0) + (dense[r * units[0] + 1] > 0.3 ? 1 : 0));
  return { rows: ROWS, width: units[0], dense, csr: null, target, weight: null };
}

type Head = "softmax" | "reconstruct";

async function trainer(threads: number, parallel: "hogwild" | "average" | "auto", maxW2 = false, head: Head = "softmax") {
  const be = simdBackend();
  if (!(await be.init())) throw new Error(be.unavailableReason);
  const opt = optimizers.get("adadelta");
  const ae = head === "reconstruct";
  const u = ae ? aeUnits : units;
  const activation = activations.get(ae ? "Tanh" : "Rectifier");
  const state = allocState(be, { units: u, channels: 1 }, opt.slots);
  initialize(be, { units: u, channels: 1 }, state, { distribution: "UniformAdaptive", scale: 1, seed: [3, 0], classification: !ae, activation });
  const net: FusedNetwork = {
    units: u, activation, output: head, softmaxLoss: "CrossEntropy", distribution: distributions.get(ae ? "gaussian" : "multinomial"),
    distributionParams: {}, optimizer: opt, optimizerParams: { rho: 0.99, epsilon: 1e-8 }, dropout: [0.1, 0.2, 0],
    terms: [{ regularizer: regularizers.get("l1"), params: { l1: 1e-4 } }],
    constraints: maxW2 ? [{ regularizer: regularizers.get("max_w2"), params: { max_w2: 0.5 } }] : [],
    skipZero: true, miniBatch: 1, threads, parallel, seed: [5, 9], state,
  };
  const t = be.fused!(net)!;
  t.load(rows());
  return { t, read: () => readState(be, state) };
}

const order = Int32Array.from({ length: ROWS }, (_, i) => (i * 97) % ROWS);

for (const [maxW2, head] of [[false, "softmax"], [true, "softmax"], [false, "reconstruct"], [true, "reconstruct"]] as [boolean, Head][]) {
  test(`average: 2 threads = the sample-weighted mean of two 1-thread runs on the halves (${head}${maxW2 ? ", max_w2" : ""})`, async () => {
    const two = await trainer(2, "average", maxW2, head);
    // Uneven shares are impossible with mini-batch 1 and an even count; train 239 rows, split 119 : 120.
    const o = order.subarray(0, 239);
    await two.t.train(o, { samples: 0, pass: 0 });
    two.t.average!();
    const merged = await two.read();
    const a = await trainer(1, "hogwild", maxW2, head), b = await trainer(1, "hogwild", maxW2, head);
    await a.t.train(o.subarray(0, 119), { samples: 0, pass: 0 });
    await b.t.train(o.subarray(119), { samples: 0, pass: 0 });
    const A = await a.read(), B = await b.read();
    for (const name of Object.keys(merged)) {
      for (let i = 0; i < merged[name].length; i++) {
        const want = (119 * A[name][i] + 120 * B[name][i]) / 239;
        expect(Math.abs(merged[name][i] - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
      }
    }
    // The halves really differ, so the mean is not trivially either of them.
    expect(A["weights.0"].some((v, i) => Math.abs(v - B["weights.0"][i]) > 1e-4)).toBe(true);
    for (const x of [two, a, b]) x.t.close();
  });
}

for (const head of ["softmax", "reconstruct"] as Head[]) test(`average with 2 threads is deterministic (each Worker writes only its own replica; ${head})`, async () => {
  const runs = [];
  for (let k = 0; k < 2; k++) {
    const x = await trainer(2, "average", false, head);
    for (let pass = 0; pass < 3; pass++) {
      await x.t.train(order, { samples: pass * ROWS, pass });
      x.t.average!();
    }
    runs.push(await x.read());
    x.t.close();
  }
  for (const name of Object.keys(runs[0])) expect(runs[1][name]).toEqual(runs[0][name]);
});

test("close() merges what the replicas learnt since the last average()", async () => {
  const x = await trainer(2, "average");
  const before = await x.read();
  await x.t.train(order, { samples: 0, pass: 0 });
  x.t.close();
  const after = await x.read();
  expect(after["weights.1"].some((v, i) => v !== before["weights.1"][i])).toBe(true);
  const y = await trainer(2, "average");
  await y.t.train(order, { samples: 0, pass: 0 });
  y.t.average!();
  y.t.close();
  expect((await y.read())["weights.1"]).toEqual(after["weights.1"]);
});

test("auto measures both modes, keeps the faster and says which", () => {
  const auto = new AutoMode(2, 100);
  const seen: string[] = [];
  for (let k = 0; k < 4; k++) {
    const m = auto.next();
    seen.push(m);
    auto.record(m, m === "average" ? 2000 : 1000, 60);
  }
  expect(seen).toEqual(["hogwild", "average", "hogwild", "average"]);
  expect(auto.next()).toBe("average");
  expect(auto.note).toContain("chose average on 2 threads");
  expect(auto.note).toContain("average 33,333 samples/s");
  const slow = new AutoMode(2, 100);
  for (let k = 0; k < 4; k++) slow.record(slow.next(), 1000, 60);
  expect(slow.note).toContain("chose average"); // a tie keeps the mode without shared writes
  const never = new AutoMode(2);
  never.record("hogwild", 10, 1);
  expect(never.note).toBeUndefined();
  expect(never.undecided()).toContain("1 hogwild and 0 average");
});

test("DeepLearning: parallel_mode is a parameter, trains with 2 threads in every mode, and auto reports its choice", async () => {
  const frame = blobs(600, 4);
  for (const mode of ["hogwild", "average", "auto"]) {
    const m = await new DeepLearning({ hidden: [8], epochs: 30, nthreads: 2, parallel_mode: mode, seed: 1, backend: "simd", train_samples_per_iteration: 200 })
      .train({ y: "cls", training_frame: frame });
    expect(m.params.parallel_mode).toEqual({ default: "auto", actual: mode });
    const err = (m.data.output.trainingMetrics as { classification_error: number }).classification_error;
    expect(err).toBeLessThan(0.1);
    const note = m.data.output.messages.find((x) => x.field === "parallel_mode");
    if (mode === "auto" && m.data.output.threads > 1) expect(note?.message).toMatch(/^parallel_mode auto (chose|: training ended)/);
    else expect(note).toBeUndefined();
  }
  await expect(new DeepLearning({ parallel_mode: "fast" }).train({ y: "cls", training_frame: frame })).rejects.toThrow(/parallel_mode/);
});

test("DeepLearning: an autoencoder honours parallel_mode average and auto (no HOGWILD! fallback)", async () => {
  const frame = blobs(600, 4);
  for (const mode of ["average", "auto"]) {
    const m = await new DeepLearning({
      autoencoder: true, ignored_columns: ["cls"], hidden: [4], activation: "Tanh", epochs: 20, nthreads: 2, parallel_mode: mode, seed: 1, backend: "simd",
      train_samples_per_iteration: 200,
    }).train({ training_frame: frame });
    expect(m.params.parallel_mode).toEqual({ default: "auto", actual: mode });
    const history = m.data.output.history;
    expect(history[history.length - 1].training_mse as number).toBeLessThan(history[1].training_mse as number);
    const note = m.data.output.messages.find((x) => x.field === "parallel_mode");
    if (mode === "auto" && m.data.output.threads > 1) expect(note?.message).toMatch(/^parallel_mode auto (chose|: training ended)/);
    else expect(note).toBeUndefined();
  }
});
