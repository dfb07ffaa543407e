// `tide export`: the JavaScript module has no imports, and Node and Deno scoring the test file's
// raw cells through it match `tide predict` within 1e-6 (labels exactly); the ONNX model, scored by
// onnxruntime-node, matches within 1e-5. On a data set with categoricals, an unseen level and
// missing values (several model kinds), and on MNIST rows with the booklet's network.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import { importFile, mnistFrames } from "../../mod.ts";
import { frameToCsv } from "../../cli/predict.ts";
import { DeepLearning } from "../../mod.ts";
import { assert, assertEquals, test } from "../_harness.ts";
import { BUN, exec, ROOT } from "../e2e/_exec.ts";
import { mixedCsv } from "./_data.ts";

const run = promisify(execFile);
const SCORE_ROWS = join(ROOT, "test", "export", "_score_rows.mjs");
const DENO = join(ROOT, "node_modules", ".bin", "deno");

async function tide(...args: string[]): Promise<string> {
  const io = memoryIo();
  const code = await main(args, io);
  assertEquals(code, 0, io.stderr);
  return io.stdout;
}

/** tide predict's CSV for `data`, as rows of cells (header first). */
async function predicted(model: string, data: string): Promise<string[][]> {
  const out = join(model, "..", `pred-${Math.random().toString(36).slice(2)}.csv`);
  await tide("predict", "--model", model, "--frame", data, "--out", out, "--quiet");
  return (await readFile(out, "utf8")).trimEnd().split("\n").map((l) => l.split(",").map((c) => c.replace(/^"|"$/g, "")));
}

/** Compares scorer output rows (label first for classification) with tide predict's; returns the worst difference. */
function compare(what: string, pred: string[][], values: (string | number)[][], tolerance: number, label: (v: string | number) => string): number {
  assertEquals(values.length, pred.length - 1, `${what}: rows`);
  let worst = 0;
  const classification = pred[0].length > 1;
  pred.slice(1).forEach((row, i) => {
    const got = values[i];
    if (classification) assertEquals(label(got[0]), row[0], `${what}: label of row ${i + 1}`);
    for (let k = classification ? 1 : 0; k < row.length; k++) {
      const d = Math.abs(Number(row[k]) - (got[k] as number));
      assert(d <= tolerance * Math.max(1, Math.abs(Number(row[k]))), `${what}: row ${i + 1} column ${pred[0][k]}: ${got[k]} vs ${row[k]}`);
      worst = Math.max(worst, d);
    }
  });
  return worst;
}

/** Exports the model as JavaScript, scores `data` with Node (and Deno), and compares with tide predict. */
async function parity(model: string, data: string, header: boolean, runtimes: ("node" | "deno")[]): Promise<number> {
  const dir = join(model, "..");
  const scorer = join(dir, "score.mjs");
  assert(/Wrote .*score\.mjs: JavaScript scorer/.test(await tide("export", "--model", model, "--format", "js", "--out", scorer)));
  const source = await readFile(scorer, "utf8");
  assert(!/^\s*import\b|\brequire\(|\bimport\(/m.test(source), "the scorer imports nothing");
  const pred = await predicted(model, data);
  let worst = 0;
  for (const rt of runtimes) {
    const out = join(dir, `${rt}.json`);
    const args = [SCORE_ROWS, scorer, data, header ? "header" : "noheader", out];
    if (rt === "node") await run("node", args);
    else await run(DENO, ["run", "--quiet", "--allow-read", "--allow-write", "--allow-env", ...args], { env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" } });
    const js = JSON.parse(await readFile(out, "utf8")) as { columns: string[]; values: (string | number)[][] };
    assertEquals(js.columns, pred[0], `${rt}: columns`);
    worst = Math.max(worst, compare(rt, pred, js.values, 1e-6, String));
  }
  return worst;
}

/** Exports the model as ONNX, scores `data` with onnxruntime-node, and compares with tide predict. */
async function onnxParity(model: string, data: string, header: boolean): Promise<number> {
  const dir = join(model, "..");
  const file = join(dir, "model.onnx");
  assert(/Wrote .*model\.onnx: ONNX scorer/.test(await tide("export", "--model", model, "--format", "onnx", "--out", file)));
  const pred = await predicted(model, data);
  const out = join(dir, "ort.json");
  await run("node", [ORT_SCORE, file, data, header ? "header" : "noheader", out]);
  const ort = JSON.parse(await readFile(out, "utf8")) as { values: number[][] };
  // The label index names a class: its probability column is "p<class>" for integer labels (H2O's rule).
  return compare("onnxruntime", pred, ort.values, 1e-5, (v) => pred[0][1 + Number(v)].replace(/^p(?=[+-]?\d+$)/, ""));
}

// onnxruntime-node is a devDependency; Node must be able to load it (NODE_PATH also counts).
const ORT_SCORE = join(ROOT, "test", "export", "_ort_score.cjs");
const ortMissing = await run("node", ["-e", 'require("onnxruntime-node")'], { cwd: join(ROOT, "test", "export") }).then(() => false, () => "onnxruntime-node is not installed: run npm install");

// Models are trained once and shared by the JavaScript and ONNX tests.
const models = new Map<string, Promise<{ model: string; data: string; header: boolean }>>();

const CASES: [string, Record<string, unknown>, string][] = [
  ["multinomial, Rectifier", { hidden: [12, 8] }, "cls"],
  ["binomial, Tanh, without the first level", { hidden: [10], activation: "Tanh", use_all_factor_levels: false }, "bin"],
  ["gaussian, Maxout with dropout and input dropout", { hidden: [8, 6], activation: "MaxoutWithDropout", input_dropout_ratio: 0.1 }, "x2"],
  ["poisson (log link), Rectifier", { hidden: [8], distribution: "poisson" }, "count"],
  ["multinomial on the reference backend (Float64)", { hidden: [12, 8], backend: "reference" }, "cls"],
];

function mixedModel(name: string, params: Record<string, unknown>, y: string) {
  if (!models.has(name)) {
    models.set(name, (async () => {
      const { dir, train, test: testCsv } = await mixedCsv();
      const ignored = ["cls", "bin", "count", "x2"].filter((c) => c !== y);
      const model = await new DeepLearning({ ...params, epochs: 20, seed: 5, reproducible: true, ignored_columns: ignored }).train({ y, training_frame: await importFile(train) });
      await model.save(join(dir, "m.tide"));
      return { model: join(dir, "m.tide"), data: testCsv, header: true };
    })());
  }
  return models.get(name)!;
}

function mnistModel() {
  if (!models.has("mnist")) {
    models.set("mnist", (async () => {
      const { dir } = await mixedCsv();
      const { train: all, test } = await mnistFrames();
      const train = all.rows(Int32Array.from({ length: 3000 }, (_, i) => i * 20)).asfactor("C785");
      const model = await new DeepLearning({
        distribution: "multinomial", activation: "RectifierWithDropout", hidden: [32, 32, 32], input_dropout_ratio: 0.2, sparse: true, l1: 1e-5, epochs: 2, seed: 2, reproducible: true,
      }).train({ y: "C785", training_frame: train });
      await model.save(join(dir, "mnist.tide"));
      await writeFile(join(dir, "mnist_test.csv"), frameToCsv(test.head(1000)));
      return { model: join(dir, "mnist.tide"), data: join(dir, "mnist_test.csv"), header: true };
    })());
  }
  return models.get("mnist")!;
}

for (const [name, params, y] of CASES) {
  test(`JavaScript export matches tide predict: mixed data, ${name}`, async () => {
    const m = await mixedModel(name, params, y);
    await parity(m.model, m.data, m.header, name.startsWith("multinomial") ? ["node", "deno"] : ["node"]);
  }, { timeout: 120_000 });
  test(`ONNX export matches tide predict within 1e-5 in onnxruntime-node: mixed data, ${name}`, async () => {
    const m = await mixedModel(name, params, y);
    await onnxParity(m.model, m.data, m.header);
  }, { timeout: 120_000, skip: ortMissing as string | false });
}

test("JavaScript export matches tide predict on MNIST test rows (the booklet's network), in Node", async () => {
  const m = await mnistModel();
  await parity(m.model, m.data, m.header, ["node"]);
}, { timeout: 180_000 });

test("ONNX export matches tide predict on MNIST test rows (the booklet's network), in onnxruntime-node", async () => {
  const m = await mnistModel();
  await onnxParity(m.model, m.data, m.header);
}, { timeout: 180_000, skip: ortMissing as string | false });

test("export refuses a plugin activation it cannot compute, naming it", async () => {
  // In a child process: --plugin loads into the shared registries, which other test files walk.
  const { dir, train } = await mixedCsv();
  const swish = join(ROOT, "docs", "examples", "swish.ts");
  const cli = (...args: string[]) => exec(BUN, [join(ROOT, "cli", "main.ts"), ...args], { cwd: dir });
  const model = join(dir, "swish.tide");
  const t = await cli("train", "--plugin", swish, "--training_frame", train, "--y", "cls", "--activation", "Swish", "--hidden", "4", "--epochs", "1", "--quiet", "--model_out", model);
  assertEquals(t.code, 0, t.stderr);
  const js = await cli("export", "--plugin", swish, "--model", model, "--format", "js", "--out", join(dir, "x.mjs"));
  assertEquals(js.code, 1);
  assert(/Cannot export model .* to JavaScript: its activation "Swish" is a plugin/.test(js.stderr), js.stderr);
  const onnx = await cli("export", "--plugin", swish, "--model", model, "--format", "onnx", "--out", join(dir, "x.onnx"));
  assertEquals(onnx.code, 1);
  assert(/Cannot export model .* to ONNX: its activation "Swish" is a plugin, and a plugin's JavaScript function has no ONNX operator/.test(onnx.stderr), onnx.stderr);
}, { timeout: 60_000 });
