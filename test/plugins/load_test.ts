// The plugin loader: every worked example loads and its own vectors hold; names and parameters
// that clash, files without plugins and gradients the engine would ignore are refused by name.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Backend } from "../../core/backend.ts";
import { replayOptimizer } from "../../core/optimizer.ts";
import { Registry } from "../../core/registry.ts";
import { checkPluginRecords, genericPathNote, loadPlugins, pluginSource } from "../../plugins/load.ts";
import { paramSpecs } from "../../core/train/resolve.ts";
import { createPlugins } from "../../mod.ts";
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { ROOT } from "../e2e/_exec.ts";

const ex = (f: string) => join(ROOT, "docs", "examples", f);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert(re.test((e as Error).message), (e as Error).message);
    return;
  }
  throw new Error(`expected a rejection matching ${re}`);
}

test("the worked examples load into fresh registries and their vectors hold", async () => {
  const t = createPlugins();
  const recs = await loadPlugins([ex("swish.ts"), ex("adam.ts"), ex("focal_loss.ts"), ex("max_norm.ts")], t);
  assertEquals(recs.map((r) => `${r.kind}:${r.name}`), ["activation:Swish", "optimizer:adam", "distribution:focal", "regularizer:max_norm"]);
  assert(recs.every((r) => /^[0-9a-f]{64}$/.test(r.sha256)));
  const swish = t.activations.get("Swish");
  for (const [z, f, df] of swish.vectors) assert(close(swish.f(z), f) && close(swish.df(z, f), df), `Swish at ${z}`);
  const adam = t.optimizers.get("adam");
  for (const v of adam.vectors) replayOptimizer(adam, v).forEach((w, i) => assert(close(w, v.weights[i]), `adam step ${i}: ${w}`));
  const focal = t.distributions.get("focal");
  for (const v of focal.vectors) {
    assert(close(focal.deviance(v.y, v.mu, v.params!), v.deviance) && close(focal.gradient(v.y, v.mu, v.params!), v.gradient), JSON.stringify(v));
    // The gradient is d deviance / d eta through the log link.
    const h = 1e-6, eta = Math.log(v.mu);
    const fd = (focal.deviance(v.y, Math.exp(eta + h), v.params!) - focal.deviance(v.y, Math.exp(eta - h), v.params!)) / (2 * h);
    assert(Math.abs(fd - v.gradient) < 1e-6, `focal finite difference ${fd} vs ${v.gradient}`);
  }
  const mn = t.regularizers.get("max_norm");
  for (const v of mn.vectors) assertEquals(mn.constrain!(v.input, v.params), v.output);
  assert(pluginSource(swish)?.file.endsWith("swish.ts"));
});

test("loading refuses taken names, files without plugins and ignored gradients; a taken parameter name gets a namespace", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-plugins-"));
  const write = async (name: string, text: string) => (await writeFile(join(dir, name), text), join(dir, name));
  const t = createPlugins();
  await rejects(loadPlugins([join(dir, "nope.ts")], t), /Cannot load plugin ".*nope\.ts": no such file/);
  await rejects(loadPlugins([await write("empty.ts", "export const x = 1;\n")], t), /exports no plugin/);
  await rejects(loadPlugins([await write("tanh.ts", 'import { defineActivation } from "tide";\nexport const t = defineActivation({ name: "Tanh", summary: "", f: Math.tanh, df: (_z, a) => 1 - a * a, vectors: [[0, 0, 1]] });\n')], t), /the activation name "Tanh" is taken by a built-in; rename it/);
  // A parameter name that is taken loads under the plugin's namespace.
  await loadPlugins([await write("eps.ts", 'import { defineOptimizer } from "tide";\nexport const o = defineOptimizer({ name: "myopt", summary: "", slots: 0, params: { epsilon: { type: "float", default: 1e-6, help: "" } }, step: (w, g) => w - g, vectors: [{ params: {}, w0: 0, gradients: [1], weights: [-1] }] });\n')], t);
  assert("myopt.epsilon" in paramSpecs(t), "myopt's epsilon is myopt.epsilon");
  await rejects(loadPlugins([await write("fl.ts", 'import { defineDistribution } from "tide";\nexport const d = defineDistribution({ name: "sq", summary: "", link: "softmax", family: "classification", deviance: (y, mu) => (y - mu) ** 2, gradient: (y, mu) => 2 * (mu - y), vectors: [{ y: 1, mu: 1, deviance: 0, gradient: 0 }] });\n')], t), /gradient other than softmax cross-entropy/);
});

test("checkPluginRecords names a missing and a changed plugin", async () => {
  const t = createPlugins();
  const rec = { kind: "activation", name: "Swish", file: "swish.ts", sha256: "0".repeat(64) };
  const model = { activation: "Swish", distribution: "multinomial", optimizer: "adadelta", params: {}, plugins: [rec] };
  await assertThrows(() => checkPluginRecords(model, t), RangeError, 'activation plugin "Swish" from swish.ts (sha256 000000000000…), which is not loaded; load it with --plugin swish.ts');
  await loadPlugins([ex("swish.ts")], t);
  await assertThrows(() => checkPluginRecords(model, t), RangeError, 'the activation plugin "Swish" has changed since training');
  const [now] = await loadPlugins([ex("swish.ts")], t);
  checkPluginRecords({ ...model, plugins: [now] }, t);
});

test("a file may hold a backend entry and a transport; they land in their registries", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-plugins-"));
  const file = join(dir, "kinds.ts");
  await writeFile(file, [
    'import { defineTransport } from "tide";',
    `import { referenceBackend } from ${JSON.stringify(join(ROOT, "backends", "reference", "reference.ts"))};`,
    'export const loopback = defineTransport({ name: "loopback", summary: "test", listen: async () => ({ close: async () => {} }), connect: async () => { throw new Error("no peer"); } });',
    'export const plain = { name: "plain64", summary: "the reference backend under another name", create: referenceBackend };',
    "",
  ].join("\n"));
  const t = { ...createPlugins(), backends: new Registry<{ name: string; summary: string; create: () => Backend }>("backend") };
  const recs = await loadPlugins([file], t);
  assertEquals(recs.map((r) => `${r.kind}:${r.name}`).sort(), ["backend:plain64", "transport:loopback"]);
  const b = t.backends.get("plain64").create();
  assert(await b.init());
  assertEquals(b.precision, 64);
  assert(t.transports.has("loopback"));
});

test("the same plugin file works from the API: imported directly, added to a registry, trained", async () => {
  const { swish } = await import("../../docs/examples/swish.ts");
  const plugins = createPlugins();
  plugins.activations.add(swish);
  const { Frame, DeepLearning } = await import("../../mod.ts");
  const x = Float64Array.from({ length: 60 }, (_, i) => (i % 20) / 10 - 1);
  const frame = new Frame([{ name: "x", type: "numeric", data: x }, { name: "y", type: "numeric", data: x.map((v) => v * v) }]);
  const model = await new DeepLearning({ activation: "Swish", hidden: [6], epochs: 5, seed: 1, reproducible: true, backend: "reference" }, plugins).train({ y: "y", training_frame: frame });
  assertEquals(model.data.activation, "Swish");
});

test("the start-of-training note says what stays on the fused kernels and what does not", () => {
  const swish = { kind: "activation" as const, name: "Swish", file: "/x/swish.ts", sha256: "0".repeat(64) };
  const focal = { kind: "distribution" as const, name: "focal", file: "/x/focal_loss.ts", sha256: "2".repeat(64) };
  const adam = { kind: "optimizer" as const, name: "adam", file: "/x/adam.ts", sha256: "1".repeat(64) };
  const hosted = genericPathNote([swish], 4, true);
  assert(/activation "Swish" \(swish\.ts\) has no fast body, so the SIMD kernels call the f and df of "Swish" once per layer and row \(TypeScript\)/.test(hosted), hosted);
  assert(/the rest stays on the fused kernels \(the layers' products, the optimizer's updates, regularization, dropout\), on 1 thread instead of 4/.test(hosted), hosted);
  const both = genericPathNote([swish, focal], 1, true);
  assert(/have no fast body, so the SIMD kernels call the f and df of "Swish" once per layer and row and the gradient of "focal" once per output and row/.test(both), both);
  const whole = genericPathNote([swish, adam], 1);
  assert(/activation "Swish" \(swish\.ts\), optimizer "adam" \(adam\.ts\) have no fast body, so the whole network trains on the generic op path .*, on 1 thread;/.test(whole), whole);
});
