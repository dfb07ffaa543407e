/**
 * A plugin activation without a fast body on the SIMD backend: samples/s of the booklet's trial
 * net (784-32-32-32-10 on MNIST, hidden dropout 0.5, input dropout 0.2, l1 1e-5, ADADELTA,
 * sparse inputs, per-sample SGD) with docs/examples/swish.ts as the hidden activation, trained
 * - "generic": on the op-level path (what every plugin without a fast body got before: the step
 *   in backend ops, Swish called per value, one thread);
 * - "fused+host": on the fused kernels, which call Swish's f/df once per layer and row (one thread);
 * and, for scale, the same net with the built-in Rectifier on the fused kernels (one thread, all
 * threads). All in one run, on the same rows and order; each figure is the median of 3 slices.
 *
 *   bun bench/plugin_activation.ts [--rows 3000] [--mb 1]
 * @module
 */
import process from "node:process";
import type { Backend, FusedNetwork, PackedRows } from "../core/backend.ts";
import type { Activation } from "../core/activation.ts";
import { allocState, freeState, initialize } from "../core/train/network.ts";
import { GenericNetwork } from "../core/train/step.ts";
import { permutation } from "../core/train/train.ts";
import { mnistFrames } from "../datasets/mnist.ts";
import { simdBackend } from "../backends/simd/simd.ts";
import { createPlugins } from "../plugins/mod.ts";
import { loadPlugins } from "../plugins/load.ts";
import { packMnist } from "./_mnist_rows.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg("rows", 3000), MB = arg("mb", 1);
const cores = Math.max(1, navigator.hardwareConcurrency || 1);

const plugins = createPlugins();
await loadPlugins([new URL("../docs/examples/swish.ts", import.meta.url).pathname], plugins);
const { train } = await mnistFrames();
const { packed } = packMnist(train.asfactor("C785"), true);
const order = permutation(packed.rows, [1, 0], 0);
const hidden = [32, 32, 32];
const units = [packed.width, ...hidden, 10];

/** The trial net on `be` with `activation`; `threads` Workers when fused. */
function trialNet(be: Backend, activation: Activation, threads: number): FusedNetwork {
  const opt = plugins.optimizers.get("adadelta");
  const state = allocState(be, { units, channels: 1 }, opt.slots);
  initialize(be, { units, channels: 1 }, state, { distribution: "UniformAdaptive", scale: 1, seed: [1, 0], classification: true, activation });
  return {
    units, activation, output: "softmax", softmaxLoss: "CrossEntropy", distribution: plugins.distributions.get("multinomial"), distributionParams: {},
    optimizer: opt, optimizerParams: { rho: 0.99, epsilon: 1e-8 }, dropout: [0.2, 0.5, 0.5, 0.5],
    terms: [{ regularizer: plugins.regularizers.get("l1"), params: { l1: 1e-5 } }], constraints: [],
    skipZero: true, miniBatch: MB, threads, seed: [1, 0], state,
  };
}

/** Median samples/s over 3 slices of ROWS rows, after a warm-up slice. */
async function rate(run: (slice: Int32Array, pass: number) => Promise<number>): Promise<number> {
  await run(order.subarray(0, Math.min(500, ROWS)), 0);
  const rates: number[] = [];
  for (let k = 0; k < 3; k++) {
    const slice = order.subarray(k * ROWS, (k + 1) * ROWS);
    const t = performance.now();
    await run(slice, k + 1);
    rates.push(slice.length / ((performance.now() - t) / 1000));
  }
  return rates.sort((a, b) => a - b)[1];
}

async function measure(label: string, activation: string, path: "generic" | "fused", threads: number): Promise<[string, number]> {
  const be = simdBackend();
  if (!(await be.init())) throw new Error(`simd backend unavailable: ${be.unavailableReason}`);
  const net = trialNet(be, plugins.activations.get(activation), threads);
  let sps: number;
  if (path === "generic") {
    const g = new GenericNetwork(be, net);
    sps = await rate((slice, pass) => g.train(packed as PackedRows, slice, { samples: pass * ROWS, pass }));
    g.close();
  } else {
    const t = be.fused!(net);
    if (!t) throw new Error(`fused() declined ${label}`);
    t.load(packed);
    sps = await rate((slice, pass) => t.train(slice, { samples: pass * ROWS, pass }));
    if ((t.threads ?? threads) !== threads) label += ` (ran on ${t.threads} thread)`;
    t.close();
  }
  freeState(be, net.state);
  console.log(`${label.padEnd(44)} ${Math.round(sps).toString().padStart(8)} samples/s`);
  return [label, sps];
}

console.log(`trial net 784-32-32-32-10 on MNIST, mini_batch_size ${MB}, ${ROWS} rows a slice (bun ${process.versions.bun ?? "?"}, ${cores} cores)`);
const [, before] = await measure("SwishWithDropout, generic op path, 1 thread", "Swish", "generic", 1);
const [, after] = await measure("SwishWithDropout, fused + host calls", "Swish", "fused", 1);
await measure("RectifierWithDropout, fused, 1 thread", "Rectifier", "fused", 1);
if (cores > 1) await measure(`RectifierWithDropout, fused, ${cores} threads`, "Rectifier", "fused", cores);
console.log(`\nSwish: fused + host calls / generic = ${(after / before).toFixed(2)}×`);
