/**
 * Model files (model/file.ts, model/model.ts, io/files.ts): an exact round trip, and a clear
 * error (SyntaxError or RangeError naming the problem) for every damaged or foreign file, never
 * a crash and never a model. Saving is atomic.
 */
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Activation } from "../../core/activation.ts";
import { Registry } from "../../core/registry.ts";
import type { ModelData } from "../../core/train/train.ts";
import { type Column, Frame } from "../../frame/frame.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { crc32, decodeModel, encodeModel, MODEL_FORMAT_VERSION } from "../../model/file.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import * as builtins from "../../plugins/mod.ts";
import { iris } from "./_data.ts";

const IRIS = iris();
let trained: DeepLearningModel | null = null;

/** One small iris model, trained once for the whole file (reference backend, fixed seed). */
async function model(): Promise<DeepLearningModel> {
  trained ??= await new DeepLearning({ hidden: [5], epochs: 5, seed: 7, activation: "Tanh", model_id: "iris_test" })
    .train({ y: "species", training_frame: IRIS, backend: referenceBackend() });
  return trained;
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "tide-model-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bytes of every numeric prediction column, for bitwise comparison. */
async function predictionBits(m: DeepLearningModel): Promise<number[][]> {
  const pred = await m.predict(IRIS);
  return pred.columns.map((c) => (c.type === "numeric" ? Array.from(new Uint32Array(Float64Array.from(c.data).buffer)) : Array.from(c.type === "categorical" ? c.codes : [])));
}

/** Decoding must throw a SyntaxError or RangeError whose message says "Cannot load". */
function rejects(bytes: Uint8Array, what: string): Error {
  let result: unknown;
  try {
    result = decodeModel(bytes, "the test file");
  } catch (e) {
    assert(e instanceof SyntaxError || e instanceof RangeError, `${what}: got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert((e as Error).message.startsWith("Cannot load the test file"), `${what}: message ${(e as Error).message}`);
    return e as Error;
  }
  throw new Error(`${what}: decoded into a model instead of failing (${JSON.stringify(Object.keys(result as object))})`);
}

test("DeepLearningModel.save() then load() predicts bitwise identically and keeps every field", async () => {
  const m = await model();
  await withDir(async (dir) => {
    const path = join(dir, "iris.tide");
    assertEquals(await m.save(path), path);
    const back = await DeepLearningModel.load(path);
    assertEquals(await predictionBits(back), await predictionBits(m));
    assertEquals(back.modelId, "iris_test");
    assertEquals(back.data.state, m.data.state);
    assertEquals(back.data.preprocessor, m.data.preprocessor);
    assertEquals(back.data.params, m.data.params);
    assertEquals(back.data.output.history, m.data.output.history);
    assertEquals(back.data.output.varimp, m.data.output.varimp);
    assertEquals(back.threshold, m.threshold);
    assertEquals(String(back), String(m), "the printout survives");
  });
});

test("encodeModel()/decodeModel() round-trip NaN, ±Infinity, −0 and typed arrays exactly", async () => {
  const m = await model();
  const data: ModelData = {
    ...m.data,
    params: { ...m.data.params, max_w2: Infinity, odd: -Infinity, missing: NaN },
    // Same length as the real matrix: the header check ties array lengths to the layer sizes.
    // An optimizer slot, since weights and biases must be finite to load.
    state: { ...m.data.state, "weights.0.slot0": (() => {
      const w = m.data.state["weights.0.slot0"].slice();
      w.set([NaN, -0, Infinity, -Infinity, 5e-324, 1.7976931348623157e308]);
      return w;
    })() },
  };
  const back = decodeModel(encodeModel(data));
  assertEquals([back.params.max_w2, back.params.odd, back.params.missing], [Infinity, -Infinity, NaN]);
  const w = back.state["weights.0.slot0"];
  assert(w instanceof Float64Array, "state arrays come back as Float64Array");
  assert(Number.isNaN(w[0]) && Object.is(w[1], -0) && w[2] === Infinity && w[3] === -Infinity && w[4] === 5e-324 && w[5] === 1.7976931348623157e308, `${Array.from(w)}`);
});

test("encodeModel()/decodeModel() keep the frame columns a model holds (holdout predictions), in their storage", async () => {
  const m = await model();
  const cols = new Frame([
    { name: "predict", type: "categorical", codes: [0, 2, -1, 1], domain: ["a", "b", "c"] },
    { name: "same", type: "categorical", codes: [1, 1, 1, 1], domain: ["a", "b"] },
    { name: "none", type: "categorical", codes: [-1, -1, -1, -1], domain: ["a"] },
    { name: "p", type: "numeric", data: [0.25, NaN, 1, Infinity] },
    { name: "q", type: "numeric", data: [0, 1, 1, 0] },
  ]).columns;
  const withCols = (c: unknown): ModelData => ({ ...m.data, output: { ...m.data.output, crossValidation: { holdoutPredictions: c } } as ModelData["output"] });
  const held = (d: ModelData) => new Frame((d.output.crossValidation as unknown as { holdoutPredictions: Column[] }).holdoutPredictions);
  const back = held(decodeModel(encodeModel(withCols(cols))));
  const want = new Frame(cols);
  assertEquals(back.storage(), want.storage());
  for (const n of want.names) assertEquals(Array.from({ length: 4 }, (_, i) => back.value(i, n)), Array.from({ length: 4 }, (_, i) => want.value(i, n)), n);
  // Files written before columns were tagged hold a numeric vector's fields as JSON made them.
  const legacy = cols.map((c) => (c.type === "numeric" ? { ...c, data: { ...c.data } } : c));
  const old = held(decodeModel(encodeModel(withCols(legacy))));
  assertEquals(Array.from({ length: 4 }, (_, i) => [old.value(i, "p"), old.value(i, "q")]), [[0.25, 0], [null, 1], [1, 1], [Infinity, 0]]);
});

test("decodeModel() rejects a truncated file with a RangeError, at every length", async () => {
  const bytes = encodeModel((await model()).data);
  const e = rejects(bytes.subarray(0, Math.floor(bytes.length / 2)), "half the file");
  assert(e instanceof RangeError && e.message.includes("truncated"), e.message);
  for (const cut of [0, 1, 7, 8, 12, 16, 19, 20, 64, bytes.length - 5, bytes.length - 4, bytes.length - 1]) rejects(bytes.subarray(0, cut), `first ${cut} bytes`);
  for (let cut = 0; cut < bytes.length; cut += 97) rejects(bytes.subarray(0, cut), `first ${cut} bytes`);
});

test("decodeModel() rejects a file with one flipped byte anywhere (data, header, padding, checksum)", async () => {
  const bytes = encodeModel((await model()).data);
  const dataByte = bytes.length - 100;
  const flipped = bytes.slice();
  flipped[dataByte] ^= 0x10;
  const e = rejects(flipped, "a flipped data byte");
  assert(e instanceof SyntaxError && e.message.includes("checksum"), e.message);
  let checked = 0;
  for (let i = 0; i < bytes.length; i += 13) {
    for (const bit of [0x01, 0x80]) {
      const b = bytes.slice();
      b[i] ^= bit;
      rejects(b, `byte ${i} ^ ${bit}`);
      checked++;
    }
  }
  assert(checked > 100, `${checked} flips`);
});

test("decodeModel() rejects foreign files: PNG, CSV, JSON, empty, and trailing garbage", () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (const [what, bytes] of [
    ["a PNG", png],
    ["a CSV", new TextEncoder().encode("sepal_len,sepal_wid,petal_len,petal_wid,species\n5.1,3.5,1.4,0.2,setosa\n")],
    ["JSON", new TextEncoder().encode(JSON.stringify({ model: {}, arrays: [] }))],
    ["an empty file", new Uint8Array(0)],
    ["the magic alone", new TextEncoder().encode("TIDEMODL")],
  ] as const) {
    const e = rejects(bytes, what);
    assert(e instanceof SyntaxError && e.message.includes("not a Tide model file"), `${what}: ${e.message}`);
  }
});

test("decodeModel() rejects extra bytes after the data", async () => {
  const bytes = encodeModel((await model()).data);
  const longer = new Uint8Array(bytes.length + 8);
  longer.set(bytes);
  rejects(longer, "8 extra bytes");
});

test("decodeModel() rejects a future format version with a RangeError saying to upgrade, and version 0 as corrupt", async () => {
  const bytes = encodeModel((await model()).data);
  for (const v of [MODEL_FORMAT_VERSION + 1, 0xffffffff]) {
    const b = bytes.slice();
    new DataView(b.buffer).setUint32(8, v, true);
    const e = rejects(b, `version ${v}`);
    assert(e instanceof RangeError && e.message.includes(`version ${v}`) && e.message.includes("upgrade"), e.message);
  }
  const b = bytes.slice();
  new DataView(b.buffer).setUint32(8, 0, true);
  const e = rejects(b, "version 0");
  assert(e instanceof SyntaxError && e.message.includes("format version is 0") && !e.message.includes("newer"), e.message);
});

test("format version 2 holds sparsity's ρ̂ (mean_activation.m): written only when present, checked against the hidden layers", async () => {
  const d = (await model()).data; // iris, hidden [5]
  const plain = encodeModel(d);
  assertEquals(new DataView(plain.buffer).getUint32(8, true), 1, "a model without ρ̂ stays readable by version-1 builds");
  const rho = Float64Array.from([0.1, -0.2, 0.3, 0, 0.05]);
  const withRho = encodeModel({ ...d, state: { ...d.state, "mean_activation.0": rho } });
  assertEquals(new DataView(withRho.buffer).getUint32(8, true), 2);
  assertEquals(Array.from(decodeModel(withRho).state["mean_activation.0"]), Array.from(rho));
  const asV1 = withRho.slice();
  const view = new DataView(asV1.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(asV1.length - 4, crc32(asV1.subarray(0, asV1.length - 4)), true);
  assert(/unexpected array "mean_activation.0"/.test(rejects(asV1, "ρ̂ in a version-1 file").message));
  for (const [what, state] of [["length", { "mean_activation.0": new Float64Array(4) }], ["output layer", { "mean_activation.1": new Float64Array(3) }]] as const) {
    const e = rejects(encodeModel({ ...d, state: { ...d.state, ...state } }), `ρ̂ ${what}`);
    assert(/does not match the hidden layer sizes/.test(e.message), e.message);
  }
});

test("decodeModel() checks every field prediction reads against the layer table", async () => {
  const m = await model();
  const d = m.data;
  const prep = d.preprocessor;
  const num = prep.inputs.findIndex((i) => i.kind === "numeric");
  const cases: [string, Partial<ModelData> & Record<string, unknown>, RegExp][] = [
    ["width", { preprocessor: { ...prep, width: prep.width + 1 } }, /preprocessor width/],
    ["class list", { preprocessor: { ...prep, response: { kind: "categorical", name: "species", domain: ["a", "b"] } } }, /classes but the output layer/],
    ["input offset", { preprocessor: { ...prep, inputs: prep.inputs.map((i, k) => (k === num ? { ...i, offset: i.offset + 1 } : i)) } }, /starts at/],
    ["NaN scale", { preprocessor: { ...prep, inputs: prep.inputs.map((i, k) => (k === num ? { ...i, mul: NaN } : i)) } }, /scale factor/],
    ["problem", { problem: "clustering" as never }, /"problem"/],
    ["null response", { preprocessor: { ...prep, response: null } }, /no response/],
    ["numeric response in classification", { preprocessor: { ...prep, response: { kind: "numeric", name: "y", mean: 0, sigma: 1, sub: 0, mul: 1 } } }, /numeric response in a classification/],
    ["dropout", { dropout: [0.5] }, /dropout/],
    ["NaN weight", { state: { ...d.state, "biases.0": d.state["biases.0"].map((v, i) => (i === 2 ? NaN : v)) } }, /"biases.0" holds NaN at index 2/],
    ["stray array", { state: { ...d.state, "weights.7": new Float64Array(3) } }, /unexpected array|does not match/],
  ];
  for (const [what, patch, re] of cases) {
    const e = rejects(encodeModel({ ...d, ...patch } as ModelData), what);
    assert(e instanceof SyntaxError && re.test(e.message), `${what}: ${e.message}`);
  }
});

/** A container with a valid magic, version, lengths and checksum around an arbitrary header. */
function container(header: unknown, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const start = (16 + h.length + 7) & ~7;
  const out = new Uint8Array(start + data.length + 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode("TIDEMODL"));
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, h.length, true);
  out.set(h, 16);
  out.set(data, start);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

test("decodeModel() rejects well-formed containers (valid checksum) that do not hold a model", async () => {
  const cases: [string, Uint8Array][] = [
    ["an empty header object", container({})],
    ["a header without model fields", container({ producer: "tide", model: {}, arrays: [] })],
    ["a JSON array header", container([1, 2, 3])],
    ["a null header", container(null)],
    ["a negative array length", container({ model: (await model()).data, arrays: [{ name: "weights.0", length: -1, offset: 0 }] })],
    ["an array table that is not a list", container({ model: (await model()).data, arrays: { name: "weights.0" } })],
    // Lengths that add up to the file size but are impossible on their own:
    ["lengths −1 and 1", container({ model: (await model()).data, arrays: [{ name: "a", length: -1, offset: 0 }, { name: "b", length: 1, offset: -8 }] })],
    ["an offset past the data", container({ model: (await model()).data, arrays: [{ name: "a", length: 1, offset: 4096 }] }, new Uint8Array(8))],
  ];
  const problems: string[] = [];
  for (const [what, bytes] of cases) {
    try {
      rejects(bytes, what);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  assertEquals(problems, [], "every case should be a SyntaxError or RangeError starting with \"Cannot load\"");
});

test("DeepLearningModel.save() is atomic: no temporary file is left and an existing file is replaced whole", async () => {
  const m = await model();
  await withDir(async (dir) => {
    const path = join(dir, "sub", "model.tide");
    await m.save(path); // creates the folder
    const size = (await stat(path)).size;
    assertEquals(await readdir(join(dir, "sub")), ["model.tide"]);
    await writeFile(path, new Uint8Array(size * 3).fill(0x41)); // a bigger file in the way
    await m.save(path);
    assertEquals(await readdir(join(dir, "sub")), ["model.tide"]);
    const bytes = new Uint8Array(await readFile(path));
    assertEquals(bytes.length, size, "the old, longer content must not survive");
    assertEquals(Array.from(bytes), Array.from(encodeModel(m.data)));
  });
});

test("DeepLearningModel.save() to an impossible path fails with a RangeError and leaves nothing behind", async () => {
  const m = await model();
  await withDir(async (dir) => {
    const blocker = join(dir, "file");
    await writeFile(blocker, "x");
    await assertThrows(() => m.save(join(blocker, "model.tide")), RangeError, "Cannot write");
    assertEquals(await readdir(dir), ["file"]);
  });
});

test("DeepLearningModel.load() names the path: missing file, directory, damaged file", async () => {
  await withDir(async (dir) => {
    await assertThrows(() => DeepLearningModel.load(join(dir, "nope.tide")), RangeError, "no such file");
    await assertThrows(() => DeepLearningModel.load(dir), RangeError, "directory");
    const bad = join(dir, "bad.tide");
    await writeFile(bad, "a,b\n1,2\n");
    const e = await assertThrows(() => DeepLearningModel.load(bad), SyntaxError, "not a Tide model file");
    assert(e.message.includes(bad), e.message);
  });
});

test("DeepLearningModel.load() needs the model's plugins registered", async () => {
  const m = await model();
  await withDir(async (dir) => {
    const path = join(dir, "iris.tide");
    await m.save(path);
    const activations = new Registry<Activation>("activation");
    activations.add(builtins.activations.get("Rectifier"));
    const plugins = { ...builtins, activations };
    await assertThrows(() => DeepLearningModel.load(path, plugins), RangeError, `"Tanh"`);
  });
});
