// `tide export --format js`: the module has no imports, and Node and Deno scoring the test file's
// raw cells through it match `tide predict` within 1e-6 (labels exactly), on a data set with
// categoricals, an unseen level and missing values (several model kinds), and on MNIST rows.
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
import { ROOT } from "../e2e/_exec.ts";
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

/** Exports the model, scores `data` with Node (and Deno), and compares with tide predict. */
async function parity(model: string, data: string, header: boolean, runtimes: ("node" | "deno")[]): Promise<number> {
  const dir = join(model, "..");
  const scorer = join(dir, "score.mjs");
  assert(/Wrote .*score\.mjs: JavaScript scorer/.test(await tide("export", "--model", model, "--format", "js", "--out", scorer)));
  const source = await readFile(scorer, "utf8");
  assert(!/^\s*import\b|\brequire\(|\bimport\(/m.test(source), "the scorer imports nothing");
  await tide("predict", "--model", model, "--frame", data, "--out", join(dir, "pred.csv"), "--quiet");
  const pred = (await readFile(join(dir, "pred.csv"), "utf8")).trimEnd().split("\n").map((l) => l.split(","));
  let worst = 0;
  for (const rt of runtimes) {
    const out = join(dir, `${rt}.json`);
    const args = [SCORE_ROWS, scorer, data, header ? "header" : "noheader", out];
    if (rt === "node") await run("node", args);
    else await run(DENO, ["run", "--quiet", "--allow-read", "--allow-write", "--allow-env", ...args], { env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" } });
    const js = JSON.parse(await readFile(out, "utf8")) as { columns: string[]; values: (string | number)[][] };
    assertEquals(js.columns, pred[0].map((c) => c.replace(/^"|"$/g, "")), `${rt}: columns`);
    assertEquals(js.values.length, pred.length - 1);
    pred.slice(1).forEach((row, i) => {
      const got = js.values[i];
      if (typeof got[0] === "string") assertEquals(got[0], row[0].replace(/^"|"$/g, ""), `${rt}: label of row ${i + 1}`);
      for (let k = typeof got[0] === "string" ? 1 : 0; k < row.length; k++) {
        const d = Math.abs(Number(row[k]) - (got[k] as number));
        assert(d <= 1e-6 * Math.max(1, Math.abs(Number(row[k]))), `${rt}: row ${i + 1} column ${js.columns[k]}: ${got[k]} vs ${row[k]}`);
        worst = Math.max(worst, d);
      }
    });
  }
  return worst;
}

const CASES: [string, Record<string, unknown>, string][] = [
  ["multinomial, Rectifier", { hidden: [12, 8] }, "cls"],
  ["binomial, Tanh, without the first level", { hidden: [10], activation: "Tanh", use_all_factor_levels: false }, "bin"],
  ["gaussian, Maxout with dropout and input dropout", { hidden: [8, 6], activation: "MaxoutWithDropout", input_dropout_ratio: 0.1 }, "x2"],
  ["poisson (log link), Rectifier", { hidden: [8], distribution: "poisson" }, "count"],
];

for (const [name, params, y] of CASES) {
  test(`JavaScript export matches tide predict: mixed data, ${name}`, async () => {
    const { dir, train, test: testCsv } = await mixedCsv();
    const frame = await importFile(train);
    const ignored = ["cls", "bin", "count", "x2"].filter((c) => c !== y);
    const model = await new DeepLearning({ ...params, epochs: 20, seed: 5, ignored_columns: ignored }).train({ y, training_frame: frame });
    await model.save(join(dir, "m.tide"));
    const runtimes: ("node" | "deno")[] = name.startsWith("multinomial") ? ["node", "deno"] : ["node"];
    await parity(join(dir, "m.tide"), testCsv, true, runtimes);
  }, { timeout: 120_000 });
}

test("JavaScript export matches tide predict on MNIST test rows (the booklet's network), in Node", async () => {
  const { dir } = await mixedCsv();
  const { train: all, test } = await mnistFrames();
  const train = all.rows(Int32Array.from({ length: 3000 }, (_, i) => i * 20)).asfactor("C785");
  const model = await new DeepLearning({
    distribution: "multinomial", activation: "RectifierWithDropout", hidden: [32, 32, 32], input_dropout_ratio: 0.2, sparse: true, l1: 1e-5, epochs: 2, seed: 2,
  }).train({ y: "C785", training_frame: train });
  await model.save(join(dir, "mnist.tide"));
  await writeFile(join(dir, "mnist_test.csv"), frameToCsv(test.head(1000)));
  await parity(join(dir, "mnist.tide"), join(dir, "mnist_test.csv"), true, ["node"]);
}, { timeout: 180_000 });

test("export refuses a plugin activation it cannot compute, naming it", async () => {
  const { dir, train } = await mixedCsv();
  const io = memoryIo();
  const model = join(dir, "swish.tide");
  assertEquals(await main(["train", "--plugin", join(ROOT, "docs", "examples", "swish.ts"), "--training_frame", train, "--y", "cls", "--activation", "Swish", "--hidden", "4", "--epochs", "1", "--quiet", "--model_out", model], io), 0, io.stderr);
  const e = memoryIo();
  assertEquals(await main(["export", "--plugin", join(ROOT, "docs", "examples", "swish.ts"), "--model", model, "--format", "js", "--out", join(dir, "x.mjs")], e), 1);
  assert(/Cannot export model .* to JavaScript: its activation "Swish" is a plugin/.test(e.stderr), e.stderr);
});
