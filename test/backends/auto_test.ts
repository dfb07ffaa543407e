/**
 * `backend = "auto"`: the rules (pure, with made-up facts), the chooser over fake backends (what
 * it starts, measures and caches), the speed cache's file (atomic, invalidated), and the engine
 * on this machine: mini-batch 1 and no adapter resolve to simd without a probe.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { type Candidate, decide } from "../../backends/auto/choose.ts";
import { runtimeName, SpeedCache, type SpeedKey, speedKeyString } from "../../backends/auto/cache.ts";
import { autoChooser } from "../../backends/auto/auto.ts";
import type { Backend, FusedNetwork } from "../../core/backend.ts";
import { createPlugins } from "../../plugins/mod.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { iris } from "../model/_data.ts";
import { VERSION } from "../../version.ts";
import { webgpuBackend } from "../../backends/webgpu/webgpu.ts";

const simd: Candidate = { name: "simd", priority: 10 };
const gpu: Candidate = { name: "webgpu", priority: 5 };
const ref: Candidate = { name: "reference", priority: 0 };

test("auto rules: a backend without an adapter or refusing the network is out, and one left needs no measurement", () => {
  const d = decide([simd, { ...gpu, unavailable: "no adapter: requestAdapter() found none" }, ref], { reproducible: false });
  assertEquals(d.kind, "chosen");
  assert(d.kind === "chosen" && d.name === "simd" && d.reason.includes("webgpu: no adapter") && d.reason.includes("reference: the definition"), JSON.stringify(d));
  const mb1 = decide([simd, { ...gpu, refused: `"mini_batch_size" is 1: per-sample SGD leaves a GPU idle` }, ref], { reproducible: false });
  assert(mb1.kind === "chosen" && mb1.name === "simd" && mb1.reason.includes(`webgpu: "mini_batch_size" is 1`), JSON.stringify(mb1));
});

test("auto rules: the reference backend runs only when nothing else can", () => {
  const d = decide([{ ...simd, unavailable: "no WebAssembly SIMD" }, { ...gpu, refused: "x" }, { ...ref, speed: 1e9 }], { reproducible: false });
  assert(d.kind === "chosen" && d.name === "reference", JSON.stringify(d));
  const e = decide([{ ...simd, speed: 10 }, { ...ref, speed: 1e9 }], { reproducible: false });
  assert(e.kind === "chosen" && e.name === "simd", "a faster reference never wins a race");
  const none = decide([{ ...simd, unavailable: "a" }, { ...ref, unavailable: "b" }], { reproducible: false });
  assert(none.kind === "none" && none.reason.includes("simd: a") && none.reason.includes("reference: b"), JSON.stringify(none));
});

test("auto rules: two fast backends are measured, the faster wins, ties keep the priority order", () => {
  const m = decide([simd, gpu, ref], { reproducible: false });
  assertEquals(m, { kind: "measure", names: ["simd", "webgpu"] });
  const partial = decide([{ ...simd, speed: 100 }, gpu], { reproducible: false });
  assertEquals(partial, { kind: "measure", names: ["webgpu"] });
  const g = decide([{ ...simd, speed: 100 }, { ...gpu, speed: 5000 }], { reproducible: false });
  assert(g.kind === "chosen" && g.name === "webgpu" && g.reason.includes("webgpu 5,000 vs simd 100"), JSON.stringify(g));
  const tie = decide([{ ...gpu, speed: 300 }, { ...simd, speed: 300 }], { reproducible: false });
  assert(tie.kind === "chosen" && tie.name === "simd", "equal speeds: the higher priority");
});

test("auto rules: a software adapter wins only when it measured faster", () => {
  const slow = decide([{ ...simd, speed: 3000 }, { ...gpu, software: true, speed: 900 }], { reproducible: false });
  assert(slow.kind === "chosen" && slow.name === "simd" && slow.reason.includes("software adapter"), JSON.stringify(slow));
  const fast = decide([{ ...simd, speed: 3000 }, { ...gpu, software: true, speed: 3500 }], { reproducible: false });
  assert(fast.kind === "chosen" && fast.name === "webgpu", JSON.stringify(fast));
});

test("auto rules: reproducible takes the highest priority without timing, even when a measurement says otherwise", () => {
  const d = decide([{ ...simd, speed: 1 }, { ...gpu, speed: 1e6 }, ref], { reproducible: true });
  assert(d.kind === "chosen" && d.name === "simd" && d.reason.startsWith("reproducible"), JSON.stringify(d));
  assertEquals(decide([simd, gpu], { reproducible: true }).kind, "chosen", "nothing to measure");
});

/** A fake backend: only what the chooser reads. */
function fake(name: string, priority: number, o: { available?: boolean; refuse?: (n: FusedNetwork) => string | undefined; log: string[] }): Backend {
  return {
    name, priority, precision: 32, unavailableReason: o.available === false ? "no adapter: none here" : undefined,
    init: () => (o.log.push(`init ${name}`), Promise.resolve(o.available !== false)),
    refuse: o.refuse,
  } as unknown as Backend;
}

const plugins = createPlugins();
const net = (miniBatch: number): FusedNetwork => ({
  units: [4, 8, 3], activation: plugins.activations.get("Rectifier"), output: "softmax", softmaxLoss: "CrossEntropy",
  distribution: plugins.distributions.get("multinomial"), distributionParams: {}, optimizer: plugins.optimizers.get("adadelta"),
  optimizerParams: {}, dropout: [0, 0], terms: [], constraints: [], skipZero: false, miniBatch, threads: 1, seed: [1, 0],
  state: { W: [], b: [], slotsW: [], slotsB: [] },
});

function source(log: string[], gpuAvailable: boolean) {
  const list = [
    { name: "reference", create: () => fake("reference", 0, { log }) },
    { name: "simd", create: () => fake("simd", 10, { log }) },
    { name: "webgpu", create: () => fake("webgpu", 5, { log, available: gpuAvailable, refuse: (n) => (n.miniBatch < 2 ? `"mini_batch_size" is 1: use simd` : undefined) }) },
  ];
  return { list: () => list };
}

test("the chooser does not start a backend that refuses the network, and measures nothing with one candidate", async () => {
  const log: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), "tide-auto-"));
  try {
    const chooser = autoChooser(source(log, true), { cache: new SpeedCache(join(dir, "speeds.json")) });
    const measured: string[] = [];
    const c = await chooser.choose(net(1), { reproducible: false, rows: "dense", measure: (b) => (measured.push(b.name), Promise.resolve(1)) });
    assertEquals(c.backend.name, "simd");
    assert(!log.includes("init webgpu"), `webgpu was started for mini-batch 1: ${log}`);
    assertEquals(measured, []);
    assertEquals(await readdir(dir), [], "no probe, no cache file");
    assert(c.reason.startsWith(`Backend "simd", chosen by auto`), c.reason);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the chooser measures two available backends once, caches the speeds in a file, and a new chooser reads them back", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-auto-"));
  try {
    const path = join(dir, "speeds.json");
    const log: string[] = [];
    const speeds: Record<string, number> = { simd: 1000, webgpu: 4000 };
    const measured: string[] = [];
    const how = { reproducible: false, rows: "dense", measure: (b: Backend) => (measured.push(b.name), Promise.resolve(speeds[b.name])) };
    const a = autoChooser(source(log, true), { cache: new SpeedCache(path) });
    const c1 = await a.choose(net(32), how);
    assertEquals(c1.backend.name, "webgpu");
    assertEquals(measured, ["simd", "webgpu"], "fastest priority first");
    assert(c1.reason.includes("webgpu 4,000 vs simd 1,000"), c1.reason);
    assertEquals((await a.choose(net(32), how)).backend, c1.backend, "the same decision, remembered");
    assertEquals(measured.length, 2);
    assertEquals(a.instance("webgpu"), c1.backend);
    const file = JSON.parse(await readFile(path, "utf8"));
    assertEquals(Object.keys(file.entries).length, 2);
    assertEquals((await readdir(dir)).filter((f) => f !== "speeds.json"), [], "no temporary file left behind");
    const b = autoChooser(source(log, true), { cache: new SpeedCache(path) });
    const c2 = await b.choose(net(32), how);
    assertEquals(c2.backend.name, "webgpu");
    assertEquals(measured.length, 2, "read from the cache file, not measured again");
    assert(c2.reason.includes("cached"), c2.reason);
    const c3 = await b.choose(net(64), how);
    assertEquals(measured.length, 4, "another mini-batch is another measurement");
    assertEquals(c3.backend.name, "webgpu");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the chooser without an adapter answers simd without measuring, and refuses with every reason when nothing runs", async () => {
  const log: string[] = [];
  const measured: string[] = [];
  const chooser = autoChooser(source(log, false), { cache: new SpeedCache(null) });
  const c = await chooser.choose(net(32), { reproducible: false, rows: "dense", measure: (b) => (measured.push(b.name), Promise.resolve(1)) });
  assertEquals(c.backend.name, "simd");
  assertEquals(measured, []);
  assert(c.reason.includes("webgpu: no adapter"), c.reason);
  const none = autoChooser({ list: () => [{ name: "webgpu", create: () => fake("webgpu", 5, { log, available: false }) }] }, { cache: new SpeedCache(null) });
  const e = await assertThrows(() => none.choose(net(32), { reproducible: false, rows: "dense", measure: () => Promise.resolve(1) }), RangeError);
  assert(e.message.includes(`backend "auto"`) && e.message.includes("no adapter"), e.message);
});

const key: SpeedKey = {
  backend: "webgpu", device: "llvmpipe (navigator.gpu)", units: [784, 200, 200, 10], activation: "Rectifier", miniBatch: 32, threads: 1, rows: "dense",
  dropout: [0, 0, 0], parallel: "hogwild", output: "softmax",
};

test("the speed cache key: dropout, parallel_mode and the output head each make another measurement; an old-shape entry is a miss", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-auto-"));
  try {
    const path = join(dir, "speeds.json");
    const now = Date.parse("2026-01-01T00:00:00Z");
    await new SpeedCache(path, { now: () => now }).put(key, 1000);
    const cache = new SpeedCache(path, { now: () => now });
    assertEquals((await cache.get(key))?.samplesPerSecond, 1000);
    for (const other of [{ dropout: [0.2, 0, 0] }, { dropout: [0, 0.5, 0.5] }, { parallel: "average" }, { output: "reconstruct" }]) {
      assertEquals(await cache.get({ ...key, ...other }), undefined, `shared with ${JSON.stringify(other)}`);
    }
    // A file written before these fields were in the key: its entry is read, and misses.
    const oldKey = ["webgpu", "llvmpipe (navigator.gpu)", "784-200-200-10", "Rectifier", "mb 32", "1 thread", "dense"].join(" | ");
    const entry = { samplesPerSecond: 777, measuredAt: new Date(now).toISOString(), tide: VERSION, runtime: runtimeName() };
    await writeFile(path, JSON.stringify({ format: "tide-backend-speeds", version: 1, entries: { [oldKey]: entry } }));
    const old = new SpeedCache(path, { now: () => now });
    assertEquals(Object.keys(await old.entries()), [oldKey], "the old file is still readable");
    assertEquals(await old.get(key), undefined, "an old-shape entry is a miss");
    await old.put(key, 2000);
    assertEquals((await new SpeedCache(path, { now: () => now }).get(key))?.samplesPerSecond, 2000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the chooser measures again for a network that differs only in dropout or parallel_mode", async () => {
  const log: string[] = [];
  const measured: string[] = [];
  const how = { reproducible: false, rows: "dense", measure: (b: Backend) => (measured.push(b.name), Promise.resolve(b.name === "webgpu" ? 4000 : 1000)) };
  const cache = new SpeedCache(null);
  await autoChooser(source(log, true), { cache }).choose(net(32), how);
  assertEquals(measured.length, 2);
  await autoChooser(source(log, true), { cache }).choose(net(32), how);
  assertEquals(measured.length, 2, "the same network is read from the cache");
  const chooser = autoChooser(source(log, true), { cache });
  await chooser.choose({ ...net(32), dropout: [0.2, 0.5] }, how);
  assertEquals(measured.length, 4, "dropout is another measurement");
  await chooser.choose({ ...net(32), parallel: "average" }, how);
  assertEquals(measured.length, 6, "parallel_mode is another measurement, not the remembered decision");
});

test("the speed cache: entries expire with age and with another Tide version; a corrupt file is an empty cache and is replaced", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-auto-"));
  try {
    const path = join(dir, "speeds.json");
    let now = Date.parse("2026-01-01T00:00:00Z");
    const cache = new SpeedCache(path, { maxAgeDays: 30, now: () => now });
    await cache.put(key, 1234);
    assertEquals((await new SpeedCache(path, { now: () => now }).get(key))?.samplesPerSecond, 1234);
    now += 31 * 86_400_000;
    assertEquals(await new SpeedCache(path, { maxAgeDays: 30, now: () => now }).get(key), undefined, "older than maxAgeDays");
    // Another version's measurement is not used.
    const file = JSON.parse(await readFile(path, "utf8"));
    file.entries[speedKeyString(key)].tide = `${VERSION}-old`;
    file.entries[speedKeyString(key)].measuredAt = new Date(now).toISOString();
    await writeFile(path, JSON.stringify(file));
    assertEquals(await new SpeedCache(path, { now: () => now }).get(key), undefined, "another Tide version");
    await writeFile(path, "{ not json");
    const fresh = new SpeedCache(path, { now: () => now });
    assertEquals(await fresh.get(key), undefined);
    await fresh.put(key, 99);
    assertEquals(JSON.parse(await readFile(path, "utf8")).format, "tide-backend-speeds", "the corrupt file was replaced");
    assertEquals((await new SpeedCache(path, { now: () => now }).get(key))?.samplesPerSecond, 99);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the speed cache keeps a measurement in memory when its folder cannot be written", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-auto-"));
  try {
    await writeFile(join(dir, "file"), "x");
    const cache = new SpeedCache(join(dir, "file", "speeds.json")); // a file where a folder should be
    await cache.put(key, 5);
    assertEquals((await cache.get(key))?.samplesPerSecond, 5);
    assert(cache.lastWriteError?.includes("Cannot write"), String(cache.lastWriteError));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("DeepLearning with the default backend (auto): mini-batch 1 trains on simd and says why, without a probe", async () => {
  let choice: string | undefined;
  const m = await new DeepLearning({ hidden: [4], epochs: 1, seed: 1 }).train({ y: "species", training_frame: iris(), onEvent: (e) => { if (e.type === "start") choice = e.backendChoice; } });
  assertEquals(m.data.output.backend, "simd");
  assertEquals(m.data.params.backend, "simd");
  assert(choice?.startsWith(`Backend "simd", chosen by auto`) && choice.includes(`webgpu: "mini_batch_size" is 1`), String(choice));
});

const here = webgpuBackend();
const hasAdapter = await here.init();

test("DeepLearning with the default backend (auto) at mini-batch 8 and no adapter: simd, and the reason names the missing adapter", async () => {
  let choice: string | undefined;
  const m = await new DeepLearning({ hidden: [4], epochs: 1, seed: 1, mini_batch_size: 8 }).train({ y: "species", training_frame: iris(), onEvent: (e) => { if (e.type === "start") choice = e.backendChoice; } });
  assertEquals(m.data.output.backend, "simd");
  assert(choice?.includes("webgpu: no adapter"), String(choice));
}, { skip: hasAdapter ? `this machine has a WebGPU adapter (${here.adapter})` : false });

test("auto over the real backends: a plugin without a GPU body leaves webgpu out, naming the plugin", async () => {
  const { backends } = await import("../../backends/mod.ts");
  const { defineActivation } = await import("../../core/activation.ts");
  const softsign = defineActivation({ name: "SoftsignAuto", summary: "test", f: (z) => z / (1 + Math.abs(z)), df: (z) => 1 / (1 + Math.abs(z)) ** 2, vectors: [[0, 0, 1]] });
  const chooser = autoChooser(backends, { cache: new SpeedCache(null) });
  const c = await chooser.choose({ ...net(32), activation: softsign }, { reproducible: false, rows: "dense", measure: () => Promise.reject(new Error("nothing to measure")) });
  assertEquals(c.backend.name, "simd");
  assert(c.reason.includes(`webgpu: the plugin activation "SoftsignAuto" has no GPU body (wgsl)`), c.reason);
});

test("a candidate whose probe fails is left out with the reason, and nothing is cached for it", async () => {
  const log: string[] = [];
  const cache = new SpeedCache(null);
  const chooser = autoChooser(source(log, true), { cache });
  const c = await chooser.choose(net(32), {
    reproducible: false, rows: "dense",
    measure: (b) => (b.name === "webgpu" ? Promise.reject(new RangeError("buffer over maxBufferSize")) : Promise.resolve(500)),
  });
  assertEquals(c.backend.name, "simd");
  assert(c.reason.includes("webgpu: its probe failed (buffer over maxBufferSize)"), c.reason);
  assertEquals(Object.keys(await cache.entries()).length, 1, "only simd's speed is kept");
});
