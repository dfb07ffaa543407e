/**
 * `parallel_mode` on the SIMD backend at mini-batch 1: samples/s of 1 thread, 2 threads HOGWILD!
 * and 2 threads with replica averaging, on the booklet's trial net (784-32-32-32-10) and H2O's
 * default net (784-200-200-10), MNIST. The three configurations of a net run in interleaved
 * rounds (the order rotates every round), each run about `--seconds` of training followed by an
 * iteration boundary (`average()`), so that the ratios compare runs made under the same load;
 * the table gives the median rate and the median of the per-round ratios to 1 thread.
 * With `--epochs E` it then trains each configuration through `DeepLearning` for E epochs and
 * prints the MNIST test error (the figure issue 11 asks for, with 10).
 *
 *   bun bench/parallel_mode.ts [--only trial|default] [--seconds 2] [--rounds 5] [--epochs 10]
 * @module
 */
import process from "node:process";
import type { FusedNetwork, FusedTrainer } from "../core/backend.ts";
import { allocState, initialize } from "../core/train/network.ts";
import { permutation } from "../core/train/train.ts";
import { mnistFrames } from "../datasets/mnist.ts";
import { simdBackend } from "../backends/simd/simd.ts";
import { activations, distributions, optimizers, regularizers } from "../plugins/mod.ts";
import { DeepLearning } from "../mod.ts";
import { packMnist } from "./_mnist_rows.ts";

const NETS = [
  { name: "trial", hidden: [32, 32, 32], dropout: true, inputDropout: 0.2, sparse: true, l1: 1e-5 },
  { name: "default", hidden: [200, 200], dropout: false, inputDropout: 0, sparse: false, l1: 0 },
];
const CONFIGS = [
  { name: "1 thread", threads: 1, parallel: "hogwild" as const },
  { name: "2 hogwild", threads: 2, parallel: "hogwild" as const },
  { name: "2 average", threads: 2, parallel: "average" as const },
];
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const only = arg("only"), seconds = Number(arg("seconds") ?? 2), rounds = Number(arg("rounds") ?? 5), epochs = Number(arg("epochs") ?? 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { train, test } = await mnistFrames();
const frame = train.asfactor("C785");
const testFrame = test.asfactor("C785");
const lines: string[] = [];

for (const net of NETS.filter((n) => !only || n.name === only)) {
  const { prep, packed } = packMnist(frame, net.sparse);
  const units = [prep.width, ...net.hidden, 10];
  const trainers: FusedTrainer[] = [];
  for (const c of CONFIGS) {
    const be = simdBackend();
    if (!(await be.init())) throw new Error(`simd backend unavailable: ${be.unavailableReason}`);
    const opt = optimizers.get("adadelta");
    const state = allocState(be, { units, channels: 1 }, opt.slots);
    initialize(be, { units, channels: 1 }, state, { distribution: "UniformAdaptive", scale: 1, seed: [1, 0], classification: true, activation: activations.get("Rectifier") });
    const fnet: FusedNetwork = {
      units, activation: activations.get("Rectifier"), output: "softmax", softmaxLoss: "CrossEntropy",
      distribution: distributions.get("multinomial"), distributionParams: {}, optimizer: opt, optimizerParams: { rho: 0.99, epsilon: 1e-8 },
      dropout: [net.inputDropout, ...net.hidden.map(() => (net.dropout ? 0.5 : 0))],
      terms: net.l1 > 0 ? [{ regularizer: regularizers.get("l1"), params: { l1: net.l1 } }] : [], constraints: [],
      skipZero: true, miniBatch: 1, threads: c.threads, parallel: c.parallel, seed: [1, 0], state,
    };
    const t = be.fused!(fnet)!;
    t.load(packed);
    trainers.push(t);
  }
  const order = permutation(packed.rows, [1, 0], 0);
  // Warm up every trainer (Worker start, caches) and size a run from the 1-thread rate.
  let rate = 0;
  for (const [i, t] of trainers.entries()) {
    const t0 = performance.now();
    await t.train(order.subarray(0, 3000), { samples: 0, pass: 0 });
    t.average?.();
    if (i === 0) rate = 3000 / ((performance.now() - t0) / 1000);
  }
  const n = Math.min(order.length, Math.max(2000, Math.round(rate * seconds)));
  const rates: number[][] = CONFIGS.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < CONFIGS.length; k++) {
      const i = (k + r) % CONFIGS.length;
      const t0 = performance.now();
      await trainers[i].train(order.subarray(0, n), { samples: (r + 1) * n, pass: r + 1 });
      trainers[i].average?.();
      rates[i].push(n / ((performance.now() - t0) / 1000));
    }
  }
  for (const t of trainers) t.close();
  for (const [i, c] of CONFIGS.entries()) {
    const ratio = median(rates[i].map((x, r) => x / rates[0][r]));
    const line = `${net.name.padEnd(8)} ${c.name.padEnd(10)} ${Math.round(median(rates[i])).toLocaleString("en-US").padStart(9)} samples/s  ×${ratio.toFixed(2)}  (rounds: ${rates[i].map((x) => Math.round(x / 1000)).join(", ")} k)`;
    console.log(line);
    lines.push(line);
  }
}

if (epochs > 0) {
  for (const net of NETS.filter((n) => !only || n.name === only)) {
    for (const c of CONFIGS) {
      const t0 = performance.now();
      const model = await new DeepLearning({
        hidden: net.hidden, activation: net.dropout ? "RectifierWithDropout" : "Rectifier", input_dropout_ratio: net.inputDropout, sparse: net.sparse,
        l1: net.l1, epochs, nthreads: c.threads, parallel_mode: c.parallel, seed: 1234, backend: "simd", score_training_samples: 1000,
      }).train({ y: "C785", training_frame: frame, validation_frame: testFrame });
      const err = (model.data.output.validationMetrics as { classification_error: number }).classification_error;
      const line = `${net.name.padEnd(8)} ${c.name.padEnd(10)} ${epochs} epochs: test error ${(100 * err).toFixed(2)} %  (${((performance.now() - t0) / 1000).toFixed(1)} s)`;
      console.log(line);
      lines.push(line);
    }
  }
}
console.log(`\n(bun ${(globalThis as { Bun?: { version: string } }).Bun?.version ?? "?"}, ${navigator.hardwareConcurrency} cores)`);
for (const l of lines) console.log(l);
