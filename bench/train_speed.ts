/**
 * Training speed of the SIMD backend on MNIST (spec'd nets of issue 3): samples/s and nominal
 * GFLOP/s for the booklet's trial-run net 784-32-32-32-10, H2O's default 784-200-200-10 and the
 * world-record net 784-1024-1024-2048-10, and the booklet's §7 autoencoder 717-50-20-50-717 Tanh
 * (the 717 pixels that are not constant, reconstructed), each with 1 thread and all threads,
 * mini_batch_size 1 and 32; with several threads both `parallel_mode`s, hogwild (one shared
 * model) and average (a replica per Worker, merged after every timed call as at an iteration
 * boundary). It drives the fused trainer directly (no scoring), over a fixed slice of shuffled rows
 * per case, after a warm-up slice; tinybench times the runs.
 *
 *   bun bench/train_speed.ts [--only trial|default|record|autoencoder[,…]] [--seconds 3]
 *
 * samples/s is wall-clock. On a machine shared with other work it measures the share of the
 * cores the run got, so the table also gives samples per CPU-second (the process's user + system
 * time, Workers included): the kernels' cost independent of that share. A run with n threads on
 * n free cores has samples/s ≈ that figure × n when the threads do not slow each other down.
 *
 * Nominal GFLOP/s counts 6 flops per weight per sample (forward 2, backward 4), as a dense
 * implementation would do; the sparse per-sample kernel skips much of that work, so the figure
 * compares nets and settings, not the arithmetic actually executed.
 * @module
 */
import process from "node:process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { Bench } from "tinybench";
import type { FusedNetwork } from "../core/backend.ts";
import { allocState, initialize, parameterCount } from "../core/train/network.ts";
import { adaptFrame, fitPreprocessor, packRows } from "../core/train/preprocess.ts";
import { permutation } from "../core/train/train.ts";
import { mnistFrames } from "../datasets/mnist.ts";
import { simdBackend } from "../backends/simd/simd.ts";
import { activations, distributions, optimizers, regularizers } from "../plugins/mod.ts";

interface Net {
  name: string;
  hidden: number[];
  activation: "Rectifier" | "Tanh";
  dropout: boolean;
  inputDropout: number;
  sparse: boolean;
  l1: number;
  maxW2: number;
  /** Reconstruct the inputs (spec §14) instead of predicting the digit. */
  autoencoder?: boolean;
}
const NETS: Net[] = [
  { name: "trial", hidden: [32, 32, 32], activation: "Rectifier", dropout: true, inputDropout: 0.2, sparse: true, l1: 1e-5, maxW2: Infinity },
  { name: "default", hidden: [200, 200], activation: "Rectifier", dropout: false, inputDropout: 0, sparse: false, l1: 0, maxW2: Infinity },
  { name: "record", hidden: [1024, 1024, 2048], activation: "Rectifier", dropout: true, inputDropout: 0.2, sparse: false, l1: 1e-5, maxW2: 10 },
  { name: "autoencoder", hidden: [50, 20, 50], activation: "Tanh", dropout: false, inputDropout: 0, sparse: false, l1: 0, maxW2: Infinity, autoencoder: true },
];
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const only = arg("only");
const seconds = Number(arg("seconds") ?? 3);
const cores = Math.max(1, navigator.hardwareConcurrency || 1);

const { train } = await mnistFrames();
const frame = train.asfactor("C785");

async function peakRssMb(): Promise<number> {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(await readFile("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch { /* not Linux */ }
  return process.memoryUsage().rss / 2 ** 20;
}

const rows: string[] = [];
const chosen = only?.split(",");
for (const bad of chosen?.filter((name) => !NETS.some((n) => n.name === name)) ?? []) throw new RangeError(`--only: no net "${bad}"; the nets are ${NETS.map((n) => n.name).join(", ")}`);
for (const net of NETS.filter((n) => !chosen || chosen.includes(n.name))) {
  const prep = fitPreprocessor(frame, {
    response: net.autoencoder ? null : "C785", classification: !net.autoencoder, ignored: net.autoencoder ? ["C785"] : [], weightsColumn: null,
    ignoreConstCols: true, useAllFactorLevels: true, standardize: true, sparse: net.sparse, autoencoder: net.autoencoder === true, standardizeResponse: false,
  }).spec!;
  const adapted = adaptFrame(prep, frame);
  const units = [prep.width, ...net.hidden, net.autoencoder ? prep.width : 10];
  const weights = parameterCount({ units, channels: 1 });
  for (const [threads, parallel] of [[1, "hogwild"], ...(cores > 1 ? [[cores, "hogwild"], [cores, "average"]] : [])] as [number, "hogwild" | "average"][]) {
    for (const mb of [1, 32]) {
      const be = simdBackend();
      if (!(await be.init())) throw new Error(`simd backend unavailable: ${be.unavailableReason}`);
      const packed = packRows(prep, adapted, { precision: 32 });
      const opt = optimizers.get("adadelta");
      const state = allocState(be, { units, channels: 1 }, opt.slots);
      initialize(be, { units, channels: 1 }, state, { distribution: "UniformAdaptive", scale: 1, seed: [1, 0], classification: !net.autoencoder, activation: activations.get(net.activation) });
      const bind = (name: string, params: Record<string, unknown>) => ({ regularizer: regularizers.get(name), params });
      const fnet: FusedNetwork = {
        units, activation: activations.get(net.activation), output: net.autoencoder ? "reconstruct" : "softmax", softmaxLoss: "CrossEntropy",
        distribution: distributions.get(net.autoencoder ? "gaussian" : "multinomial"), distributionParams: {}, optimizer: opt, optimizerParams: { rho: 0.99, epsilon: 1e-8 },
        dropout: [net.inputDropout, ...net.hidden.map(() => (net.dropout ? 0.5 : 0))],
        terms: net.l1 > 0 ? [bind("l1", { l1: net.l1 })] : [], constraints: Number.isFinite(net.maxW2) ? [bind("max_w2", { max_w2: net.maxW2 })] : [],
        skipZero: true, miniBatch: mb, threads, parallel, seed: [1, 0], state,
      };
      const trainer = be.fused!(fnet)!;
      trainer.load(packed);
      const order = permutation(packed.rows, [1, 0], 0);
      // Size the slice for about `seconds` per run from a warm-up measurement.
      let t = performance.now();
      await trainer.train(order.subarray(0, Math.min(order.length, 2000)), { samples: 0, pass: 0 });
      const rate = 2000 / ((performance.now() - t) / 1000);
      const n = Math.max(mb * 4, Math.min(order.length, Math.round(rate * seconds)));
      let pass = 1;
      const bench = new Bench({ iterations: 3, warmupIterations: 0, time: 0 });
      bench.add(`${net.name} threads=${threads} mb=${mb} ${parallel}`, async () => {
        await trainer.train(order.subarray(0, n), { samples: pass * n, pass: pass++ });
        trainer.average?.(); // parallel_mode average: the iteration boundary's merge
      });
      const cpu0 = process.cpuUsage();
      await bench.run();
      const cpu = process.cpuUsage(cpu0);
      const task = bench.tasks[0];
      const ms = (task.result as { latency?: { p50?: number; mean?: number }; mean?: number }).latency?.p50 ??
        (task.result as { mean?: number }).mean!;
      const sps = n / (ms / 1000);
      const perCpu = (3 * n) / ((cpu.user + cpu.system) / 1e6); // 3 timed iterations
      rows.push([
        net.name.padEnd(11), String(weights).padStart(9), String(threads).padStart(3), parallel.padEnd(7), String(mb).padStart(3),
        Math.round(sps).toString().padStart(9), Math.round(perCpu).toString().padStart(11), ((sps * 6 * weights) / 1e9).toFixed(2).padStart(8),
      ].join("  "));
      console.log(rows[rows.length - 1]);
      trainer.close();
      t = 0;
    }
  }
}
const load = loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`\nnet          weights  thr  mode      mb  samples/s  per CPU-sec  nominal GFLOP/s   (bun ${(globalThis as { Bun?: { version: string } }).Bun?.version ?? "?"}, ${cores} cores, load average ${load}, peak RSS ${(await peakRssMb()).toFixed(0)} MB)`);
for (const r of rows) console.log(r);
