/**
 * Peer averaging on loopback: for the three MNIST nets (trial 784-32-32-32-10, H2O's default
 * 784-200-200-10, the world record 784-1024-1024-2048-10), the bytes each peer sends per
 * averaging round and the round's time, over the TCP transport between `--peers` (default 3)
 * ring members on 127.0.0.1, with ADADELTA state (the model's weights and biases and their two
 * slots each, Float32 as the SIMD backend trains). Then the ratio of communication to computation
 * for an iteration of 60 000 samples per peer (train_samples_per_iteration −2 on MNIST), with the
 * computation measured here: one SIMD thread, mini-batch 1, on MNIST rows.
 *
 *   bun bench/averaging.ts [--peers 3] [--rounds 5] [--only trial|default|record]
 *
 * All peers run in this one process, so their rounds share one event loop and one core's worth
 * of copying: the times are an upper bound on what separate machines would take.
 * @module
 */
import process from "node:process";
import { ringAverage } from "../core/average.ts";
import { tcpTransport } from "../plugins/transports/tcp.ts";
import { makeRing } from "../test/transport/_ring.ts";
import type { FusedNetwork } from "../core/backend.ts";
import { allocState, initialize, parameterCount } from "../core/train/network.ts";
import { permutation } from "../core/train/train.ts";
import { mnistFrames } from "../datasets/mnist.ts";
import { simdBackend } from "../backends/simd/simd.ts";
import { activations, distributions, optimizers, regularizers } from "../plugins/mod.ts";
import { packMnist } from "./_mnist_rows.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const peers = Number(arg("peers") ?? 3), rounds = Number(arg("rounds") ?? 5), only = arg("only");
const NETS = [
  { name: "trial", hidden: [32, 32, 32], sparse: true, samples: 20_000 },
  { name: "default", hidden: [200, 200], sparse: false, samples: 3_000 },
  { name: "record", hidden: [1024, 1024, 2048], sparse: false, samples: 300 },
].filter((n) => !only || n.name === only);
const T = 60_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { train } = await mnistFrames();
const frame = train.asfactor("C785");
const t = tcpTransport({ secret: "averaging benchmark secret", log: () => {} });
const lines: string[] = [];
for (const net of NETS) {
  const units = [717, ...net.hidden, 10];
  const weights = parameterCount({ units, channels: 1 }); // MNIST has 717 non-constant pixels
  const values = weights * 3; // parameters and two ADADELTA slots
  const ring = await makeRing(t, peers, () => "127.0.0.1:0");
  const inputs = Array.from({ length: peers }, (_, p) => Float64Array.from({ length: values }, (_, i) => Math.sin(i + p)));
  const times: number[] = [];
  let bytes = 0;
  for (let r = 1; r <= rounds + 1; r++) {
    const t0 = performance.now();
    const out = await Promise.all(ring.positions.map((pos, p) => ringAverage(pos, inputs[p], 1000, { round: r, precision: 32, timeoutMs: 120_000 })));
    if (r > 1) times.push(performance.now() - t0); // round 1 warms up
    bytes = out[0].bytesSent;
  }
  await ring.close();

  // Computation: one SIMD thread, mini-batch 1, ADADELTA, on MNIST.
  const { prep, packed } = packMnist(frame, net.sparse);
  const u = [prep.width, ...net.hidden, 10];
  const be = simdBackend();
  if (!(await be.init())) throw new Error(be.unavailableReason);
  const opt = optimizers.get("adadelta");
  const state = allocState(be, { units: u, channels: 1 }, opt.slots);
  initialize(be, { units: u, channels: 1 }, state, { distribution: "UniformAdaptive", scale: 1, seed: [1, 0], classification: true, activation: activations.get("Rectifier") });
  const fnet: FusedNetwork = {
    units: u, activation: activations.get("Rectifier"), output: "softmax", softmaxLoss: "CrossEntropy", distribution: distributions.get("multinomial"),
    distributionParams: {}, optimizer: opt, optimizerParams: { rho: 0.99, epsilon: 1e-8 }, dropout: u.slice(0, -1).map(() => 0),
    terms: [{ regularizer: regularizers.get("l1"), params: { l1: 1e-5 } }], constraints: [], skipZero: true, miniBatch: 1, threads: 1, seed: [1, 0], state,
  };
  const trainer = be.fused!(fnet)!;
  trainer.load(packed);
  const order = permutation(packed.rows, [1, 0], 0);
  await trainer.train(order.subarray(0, Math.min(200, net.samples)), { samples: 0, pass: 0 });
  const c0 = performance.now();
  await trainer.train(order.subarray(0, net.samples), { samples: 200, pass: 1 });
  const rate = net.samples / ((performance.now() - c0) / 1000);
  trainer.close();

  const comm = median(times), comp = (T / rate) * 1000;
  const line = `${net.name.padEnd(8)} ${weights.toLocaleString("en-US").padStart(10)} weights  ${bytes.toLocaleString("en-US").padStart(12)} bytes sent per peer per round  ` +
    `${comm.toFixed(1).padStart(8)} ms per round (${peers} peers, median of ${rounds})  compute ${Math.round(rate).toLocaleString("en-US")} samples/s → ` +
    `${(comp / 1000).toFixed(1)} s per ${T.toLocaleString("en-US")}-sample iteration, comm/comp ${(comm / comp).toExponential(2)}`;
  console.log(line);
  lines.push(line);
}
console.log(`\n(bun ${(globalThis as { Bun?: { version: string } }).Bun?.version ?? "?"}, ${navigator.hardwareConcurrency} cores, loopback TCP, Float32 on the wire)`);
for (const l of lines) console.log(l);
process.exit(0);
