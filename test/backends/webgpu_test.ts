/**
 * The webgpu backend through the engine: what it refuses (mini_batch_size 1, a plugin without a
 * GPU body) everywhere, and, where an adapter exists (Deno's llvmpipe here), a model trained and
 * scored on the GPU against the same model on the reference backend.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import { webgpuBackend } from "../../backends/webgpu/webgpu.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { selectBackend } from "../../backends/mod.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { createPlugins } from "../../plugins/mod.ts";
import { defineActivation } from "../../core/activation.ts";
import type { FusedNetwork } from "../../core/backend.ts";
import { iris } from "../model/_data.ts";
import { swish } from "../../docs/examples/swish.ts";
import { memoryIo } from "../../cli/_io.ts";
import { progressReporter } from "../../cli/_progress.ts";

const gpu = webgpuBackend();
const available = await gpu.init();
const skip = available ? false : `webgpu is unavailable here: ${gpu.unavailableReason}`;

const plugins = createPlugins();
const net = (over: Partial<FusedNetwork>): FusedNetwork => ({
  units: [4, 3, 2], activation: plugins.activations.get("Rectifier"), output: "softmax", softmaxLoss: "CrossEntropy",
  distribution: plugins.distributions.get("multinomial"), distributionParams: {}, optimizer: plugins.optimizers.get("adadelta"),
  optimizerParams: { rho: 0.99, epsilon: 1e-8 }, dropout: [0, 0], terms: [], constraints: [], skipZero: false, miniBatch: 32,
  threads: 1, seed: [1, 0], state: { W: [], b: [], slotsW: [], slotsB: [] }, ...over,
});

test("webgpu refuses mini_batch_size 1 and points to simd", () => {
  const why = webgpuBackend().refuse!(net({ miniBatch: 1 }));
  assert(why?.includes("mini_batch_size") && why.includes("simd"), `got: ${why}`);
  assertEquals(webgpuBackend().refuse!(net({ miniBatch: 2 })), undefined);
});

test("webgpu refuses a plugin without a GPU body, naming it", () => {
  const swish = defineActivation({ name: "Swish", summary: "test", f: (z) => z / (1 + Math.exp(-z)), df: () => 1, vectors: [[0, 0, 0.5]] });
  const why = webgpuBackend().refuse!(net({ activation: swish }));
  assert(why?.includes(`activation "Swish"`) && why.includes("wgsl"), `got: ${why}`);
  assertEquals(webgpuBackend().fused!(net({ activation: swish })), undefined);
});

test("--backend webgpu without an adapter fails at once with the reason", async () => {
  const e = await assertThrows(() => selectBackend("webgpu"), RangeError);
  assert(e.message.includes("webgpu") && e.message.includes("not available"), e.message);
}, { skip: available ? "this machine has a WebGPU adapter" : false });

test("DeepLearning on webgpu: mini_batch_size 1 is refused; mini-batch 16 trains and predicts on the GPU, close to the reference", async () => {
  const params = { seed: 3, epochs: 20, hidden: [8, 8], activation: "RectifierWithDropout", hidden_dropout_ratios: [0.1, 0.1], input_dropout_ratio: 0.1, l1: 1e-5, max_w2: 10, reproducible: true };
  const e = await assertThrows(() => new DeepLearning({ ...params, mini_batch_size: 1 }).train({ y: "species", training_frame: iris(), backend: gpu }), RangeError);
  assert(e.message.includes("simd"), e.message);
  let fused: boolean | null = null;
  const g = await new DeepLearning({ ...params, mini_batch_size: 16 }).train({ y: "species", training_frame: iris(), backend: gpu, onEvent: (ev) => { if (ev.type === "start") fused = ev.fused; } });
  assertEquals(fused, true, "the device-resident trainer ran");
  const r = await new DeepLearning({ ...params, mini_batch_size: 16 }).train({ y: "species", training_frame: iris(), backend: referenceBackend() });
  // Same masks and order; Float32 against Float64 over 190 updates stays close.
  const err = (m: typeof g) => (m.data.output.trainingMetrics as unknown as { classification_error: number }).classification_error;
  const eg = err(g), er = err(r);
  assertClose(eg, er, { atol: 0.03, message: "training classification error" });
  assert(eg < 0.2, `webgpu learned iris: error ${eg}`);
  const p = await g.predict(iris());
  assertEquals(p.nrow, 150);
}, { skip, timeout: 60_000 });

test("the webgpu trainer gives the same model when the rows are uploaded a batch at a time (a set larger than one storage buffer)", async () => {
  const params = { seed: 5, epochs: 3, hidden: [6], activation: "RectifierWithDropout", input_dropout_ratio: 0.2, mini_batch_size: 8, reproducible: true };
  const small = webgpuBackend({ deviceRowsBytes: 64 });
  assert(await small.init());
  const a = await new DeepLearning(params).train({ y: "species", training_frame: iris(), backend: gpu });
  const b = await new DeepLearning(params).train({ y: "species", training_frame: iris(), backend: small });
  assertEquals(b.data.state["weights.0"], a.data.state["weights.0"], "same kernels, same rows, same masks");
  assertEquals(b.data.state["biases.1"], a.data.state["biases.1"]);
}, { skip, timeout: 60_000 });

test("a plugin activation with a wgsl body (docs/examples/swish.ts) trains on webgpu like on the reference", async () => {
  const local = createPlugins();
  local.activations.add(swish);
  const params = { seed: 2, epochs: 5, hidden: [6], activation: "Swish", mini_batch_size: 8, reproducible: true };
  const g = await new DeepLearning(params, local).train({ y: "species", training_frame: iris(), backend: gpu });
  const r = await new DeepLearning(params, local).train({ y: "species", training_frame: iris(), backend: referenceBackend() });
  assertClose(g.data.state["weights.0"], r.data.state["weights.0"], { atol: 1e-3, rtol: 1e-3, message: "Float32 GPU against Float64 reference" });
}, { skip, timeout: 60_000 });

test("offset_column trains in webgpu's fused trainer (the offset added on the device) like on the reference", async () => {
  const base = iris();
  const pw = base.col("petal_wid") as { data: { toFloat64Array(): Float64Array } };
  const o = pw.data.toFloat64Array().map((v, i) => 0.5 * v - 0.3 + (i % 3) * 0.1);
  const frame = base.withColumn({ name: "o", type: "numeric", data: o });
  const params = { seed: 4, epochs: 4, hidden: [6], activation: "Tanh", mini_batch_size: 8, reproducible: true, offset_column: "o", ignored_columns: ["species"] };
  let fused: boolean | null = null;
  const g = await new DeepLearning(params).train({ y: "sepal_len", training_frame: frame, backend: gpu, onEvent: (ev) => { if (ev.type === "start") fused = ev.fused; } });
  assertEquals(fused, true, "the device-resident trainer ran with offsets");
  const r = await new DeepLearning(params).train({ y: "sepal_len", training_frame: frame, backend: referenceBackend() });
  assertClose(g.data.state["weights.0"], r.data.state["weights.0"], { atol: 1e-3, rtol: 1e-3, message: "Float32 GPU against Float64 reference" });
  assertClose(g.data.state["biases.1"], r.data.state["biases.1"], { atol: 1e-3, rtol: 1e-3, message: "output bias: learns y − o" });
  // Without the offset the output bias lands ~0.08 away: the kernel did add it.
  const n = await new DeepLearning({ ...params, offset_column: null }).train({ y: "sepal_len", training_frame: frame.drop(["o"]), backend: gpu });
  assert(Math.abs(n.data.state["biases.1"][0] - r.data.state["biases.1"][0]) > 0.04, `the offset changes training: ${n.data.state["biases.1"][0]} vs ${r.data.state["biases.1"][0]}`);
}, { skip, timeout: 60_000 });

test("training on webgpu prints the start-up note once (adapter, device, pipelines, first batch) and keeps it in the model's messages", async () => {
  const io = memoryIo(false);
  const progress = progressReporter(io);
  const notes: string[] = [];
  const fresh = webgpuBackend(); // its own pipelines, compiled during this first batch
  assert(await fresh.init());
  const m = await new DeepLearning({ seed: 1, epochs: 2, hidden: [5], mini_batch_size: 8, reproducible: true }).train({
    y: "species", training_frame: iris(), backend: fresh,
    onEvent: (e) => {
      if (e.type === "note") notes.push(e.message.message);
      if (e.type !== "model") progress.onEvent(e); // as cli/_training.ts does
    },
  });
  progress.finish();
  assertEquals(notes.length, 1, `one note: ${notes}`);
  const lines = io.stderr.split("\n").filter((l) => l.startsWith("note: WebGPU start-up"));
  assertEquals(lines, [`note: ${notes[0]}`]);
  const re = /^WebGPU start-up: ([\d,]+) ms from process start to the first trained batch \(adapter ([\d,]+) ms, device ([\d,]+) ms, (\d+) pipelines? created in ([\d,]+) ms, first batch ([\d,]+) ms on the device\)$/;
  const f = notes[0].match(re);
  assert(f, `the note's shape: ${notes[0]}`);
  const [total, adapter, device, pipelines, pipelineMs, batch] = f.slice(1).map((x) => Number(x.replaceAll(",", "")));
  assert(pipelines > 0, "pipelines were created");
  // Disjoint intervals since process start, each rounded: their sum cannot exceed the total.
  assert(adapter + device + pipelineMs + batch <= total + 4, `parts ${[adapter, device, pipelineMs, batch]} within the total ${total}`);
  assert(total > 0 && total < 600_000, `plausible total ${total} ms`);
  // The start line comes before the note, the note before any status line.
  const at = (prefix: string) => io.stderr.split("\n").findIndex((l) => l.startsWith(prefix));
  assert(at("Training on backend") < at("note: WebGPU") && at("note: WebGPU") < at("epoch "), io.stderr);
  const kept = m.data.output.messages.filter((x) => x.field === "backend" && x.message === notes[0]);
  assertEquals(kept.length, 1, "in the model's messages");
}, { skip, timeout: 60_000 });

test("the webgpu trainer times its first batch alone and trains the same; timeFirstBatch needs an initialized backend", async () => {
  const params = { seed: 6, epochs: 2, hidden: [4], mini_batch_size: 4, reproducible: true, input_dropout_ratio: 0.1 };
  const a = await new DeepLearning(params).train({ y: "species", training_frame: iris(), backend: gpu });
  const fresh = webgpuBackend();
  assert(await fresh.init());
  const b = await new DeepLearning(params).train({ y: "species", training_frame: iris(), backend: fresh });
  assertEquals(b.data.state["weights.0"], a.data.state["weights.0"], "the split first call trains the same");
  const s = (await import("../../backends/webgpu/startup.ts")).timeFirstBatch;
  let ran = 0;
  const st = await s(gpu, () => Promise.resolve(ran++));
  assertEquals(ran, 1);
  assert(st.toFirstBatchMs >= st.adapterMs + st.deviceMs && st.firstBatchMs >= 0 && st.pipelines > 0, JSON.stringify(st));
  await assertThrows(() => s(webgpuBackend(), () => Promise.resolve()), Error);
}, { skip, timeout: 60_000 });
