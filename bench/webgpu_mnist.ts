/**
 * An MNIST subset trained on webgpu and on simd through `DeepLearning`, same parameters and seed,
 * mini-batch 32: the test errors must agree within the test set's noise. Both follow one
 * trajectory (same order, same dropout masks), so the difference is Float32 rounding on two kinds
 * of hardware. Run where an adapter exists, under Deno for navigator.gpu:
 *
 *   deno run -A bench/webgpu_mnist.ts [--rows 6000] [--epochs 8]
 * @module
 */
import process from "node:process";
import { mnistFrames } from "../datasets/mnist.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { selectBackend } from "../backends/mod.ts";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const nTrain = arg("rows", 6000), epochs = arg("epochs", 8), nTest = 2000;
const { train, test } = await mnistFrames();
const tr = train.asfactor("C785").rows(Array.from({ length: nTrain }, (_, i) => i));
const te = test.asfactor("C785").rows(Array.from({ length: nTest }, (_, i) => i));
const params = {
  hidden: [32, 32, 32], activation: "RectifierWithDropout", input_dropout_ratio: 0.2, hidden_dropout_ratios: [0.1, 0.1, 0.1],
  l1: 1e-5, epochs, seed: 1234, reproducible: true, mini_batch_size: 32, distribution: "multinomial",
};
const errors: Record<string, number> = {};
for (const name of ["webgpu", "simd"]) {
  const backend = await selectBackend(name).catch((e) => {
    console.log(`${name}: ${(e as Error).message}`);
    process.exit(2);
  });
  const t = performance.now();
  const m = await new DeepLearning(params).train({ y: "C785", training_frame: tr, backend });
  const perf = await m.performance(te);
  errors[name] = (perf.metrics as unknown as { classification_error: number }).classification_error;
  console.log(`${name.padEnd(7)} test error ${errors[name].toFixed(4)}  (${((performance.now() - t) / 1000).toFixed(1)} s, ${nTrain} rows × ${epochs} epochs)`);
  m.close();
}
const d = Math.abs(errors.webgpu - errors.simd);
// 3σ of the binomial noise of the difference at n = 2000.
const sigma = Math.sqrt((2 * errors.simd * (1 - errors.simd)) / nTest);
console.log(`|Δ test error| = ${(100 * d).toFixed(2)} pp; 3σ of the test-set noise = ${(300 * sigma).toFixed(2)} pp: ${d <= 3 * sigma ? "equal within noise" : "DIFFERENT"}`);
