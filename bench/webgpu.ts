/**
 * Training speed of the webgpu backend's device-resident trainer on MNIST: samples/s and GFLOP/s
 * (6 flops per weight per sample: forward 2, backward 4, all executed as dense GEMMs) for the
 * booklet's trial net 784-32-32-32-10, H2O's default 784-200-200-10 and the world-record net
 * 784-1024-1024-2048-10, at mini-batch 32, 128 and 512; and the time from process start to the
 * first trained batch, broken down: runtime start, adapter, device, data, pipeline creation, the
 * first batch on the device. Runs wherever an adapter exists:
 *
 *   deno run -A bench/webgpu.ts [--only record] [--mb 256] [--seconds 3] [--peak 989000]
 *   bun bench/webgpu.ts …          (a real GPU through the webgpu package, Dawn)
 *
 * `--peak` is the adapter's peak FP32 GFLOP/s (WebGPU does not report it): the table then shows
 * the fraction reached. Without an adapter it says why and exits 2.
 * @module
 */
import process from "node:process";
import type { FusedNetwork } from "../core/backend.ts";
import { allocState, initialize, parameterCount } from "../core/train/network.ts";
import { permutation } from "../core/train/train.ts";
import { mnistFrames } from "../datasets/mnist.ts";
import { startupNote } from "../backends/webgpu/startup.ts";
import type { WebGpuTrainer } from "../backends/webgpu/trainer.ts";
import { webgpuBackend } from "../backends/webgpu/webgpu.ts";
import { activations, distributions, optimizers, regularizers } from "../plugins/mod.ts";
import { packMnist } from "./_mnist_rows.ts";

// performance.now() counts from the process's time origin (its start), so t0 = 0 is process start.
const t0 = 0;
const tStart = performance.now();
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const only = arg("only");
const seconds = Number(arg("seconds") ?? 3);
const batches = (arg("mb") ?? "32,128,512").split(",").map(Number);
const peak = arg("peak") ? Number(arg("peak")) : null;

const NETS = [
  { name: "trial", hidden: [32, 32, 32], hiddenDropout: 0.5, inputDropout: 0.2, sparse: true, l1: 1e-5, maxW2: Infinity },
  { name: "default", hidden: [200, 200], hiddenDropout: 0, inputDropout: 0, sparse: false, l1: 0, maxW2: Infinity },
  { name: "record", hidden: [1024, 1024, 2048], hiddenDropout: 0.5, inputDropout: 0.2, sparse: false, l1: 1e-5, maxW2: 10 },
];

const be = webgpuBackend();
if (!(await be.init())) {
  console.log(`webgpu bench skipped: ${be.unavailableReason}`);
  process.exit(2);
}
const tDevice = performance.now();
console.log(`adapter: ${be.adapter}${be.info?.software ? " (a software adapter)" : ""}; adapter ${be.startMs!.adapter.toFixed(0)} ms, device ${be.startMs!.device.toFixed(0)} ms`);

const { train } = await mnistFrames();
const frame = train.asfactor("C785");
const rows: string[] = [];
let firstBatch: string | null = null;
for (const net of NETS.filter((n) => !only || n.name === only)) {
  const { prep, packed } = packMnist(frame, net.sparse);
  const units = [prep.width, ...net.hidden, 10];
  const weights = parameterCount({ units, channels: 1 });
  for (const mb of batches) {
    const opt = optimizers.get("adadelta");
    const state = allocState(be, { units, channels: 1 }, opt.slots);
    initialize(be, { units, channels: 1 }, state, { distribution: "UniformAdaptive", scale: 1, seed: [1, 0], classification: true, activation: activations.get("Rectifier") });
    const bind = (name: string, params: Record<string, unknown>) => ({ regularizer: regularizers.get(name), params });
    const fnet: FusedNetwork = {
      units, activation: activations.get("Rectifier"), output: "softmax", softmaxLoss: "CrossEntropy",
      distribution: distributions.get("multinomial"), distributionParams: {}, optimizer: opt, optimizerParams: { rho: 0.99, epsilon: 1e-8 },
      dropout: [net.inputDropout, ...net.hidden.map(() => net.hiddenDropout)],
      terms: net.l1 > 0 ? [bind("l1", { l1: net.l1 })] : [], constraints: Number.isFinite(net.maxW2) ? [bind("max_w2", { max_w2: net.maxW2 })] : [],
      skipZero: false, miniBatch: mb, threads: 1, seed: [1, 0], state,
    };
    const trainer = be.fused!(fnet)! as WebGpuTrainer;
    trainer.load(packed);
    const order = permutation(packed.rows, [1, 0], 0);
    // Warm-up: one batch compiles the pipelines (the trainer times it: backends/webgpu/startup.ts);
    // then size the timed slice for about `seconds`.
    const tData = performance.now();
    await trainer.train(order.subarray(0, mb), { samples: 0, pass: 0 });
    if (!firstBatch) {
      const s = trainer.startup!;
      firstBatch = [
        `time from process start to the first trained batch (${net.name}, mb ${mb}): ${s.toFirstBatchMs.toFixed(0)} ms`,
        `  runtime start and module loading ${(tStart - t0).toFixed(0)} ms`,
        `  adapter ${s.adapterMs.toFixed(0)} ms, device ${s.deviceMs.toFixed(0)} ms`,
        `  MNIST load, packing, network set-up and upload ${(tData - tDevice).toFixed(0)} ms`,
        `  pipeline creation ${s.pipelineMs.toFixed(0)} ms (${s.pipelines} pipelines: createShaderModule + createComputePipeline)`,
        `  the first batch on the device, pipelines excluded ${s.firstBatchMs.toFixed(0)} ms`,
        `  as \`tide train\` prints it: ${startupNote(s)}`,
      ].join("\n");
    }
    let t = performance.now();
    await trainer.train(order.subarray(mb, 5 * mb), { samples: mb, pass: 0 });
    const rate = (4 * mb) / ((performance.now() - t) / 1000);
    const n = Math.max(mb * 4, Math.min(order.length - mb, Math.round((rate * seconds) / mb) * mb));
    t = performance.now();
    await trainer.train(order.subarray(0, n), { samples: 5 * mb, pass: 1 });
    const sps = n / ((performance.now() - t) / 1000);
    const gflops = (sps * 6 * weights) / 1e9;
    rows.push([net.name.padEnd(8), String(weights).padStart(9), String(mb).padStart(4), Math.round(sps).toString().padStart(10), gflops.toFixed(1).padStart(9), peak ? `${((100 * gflops) / peak).toFixed(1)} %`.padStart(8) : ""].join("  "));
    console.log(rows[rows.length - 1]);
    trainer.close();
    for (const list of [state.W, state.b, ...state.slotsW, ...state.slotsB]) for (const b of list) be.free(b);
  }
}
console.log(`\n${firstBatch}`);
console.log(`\nnet       weights    mb   samples/s   GFLOP/s${peak ? "  of peak" : ""}   (${be.adapter}; ${(globalThis as { Deno?: unknown }).Deno ? "deno" : "bun"})`);
for (const r of rows) console.log(r);
