import { assert, assertEquals, test } from "../_harness.ts";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { VERSION } from "../../version.ts";
import { memoryIo } from "../../cli/_io.ts";
import { commands, main } from "../../cli/main.ts";
import { frameToCsv } from "../../cli/predict.ts";
import { Frame } from "../../frame/frame.ts";
import { parseCsvText } from "../../frame/csv.ts";
import { checkPredictions, irisFiles, readPredictions } from "./_iris.ts";

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test("main() --version prints Tide's and the runtime's version", async () => {
  const r = await run("--version");
  assertEquals(r.code, 0);
  assert(new RegExp(`^tide ${VERSION.replace(/\./g, "\\.")} \\((Bun|Deno) \\d`).test(r.stdout), r.stdout);
});

test("main() --help lists every subcommand on one line each", async () => {
  const r = await run("--help");
  assertEquals(r.code, 0);
  for (const c of commands) assert(r.stdout.includes(`  ${c.name}  `) && r.stdout.includes(c.summary), `${c.name} is missing`);
  assertEquals((await run()).code, 2, "no arguments is a usage error");
  const help = await run("help", "predict");
  assert(help.stdout.startsWith("Usage: tide predict"), help.stdout);
});

test("main() rejects an unknown subcommand listing the subcommands, exit 2", async () => {
  const r = await run("trian");
  assertEquals(r.code, 2);
  assertEquals(r.stderr, `error: Unknown command "trian": the commands are ${commands.map((c) => c.name).join(", ")} (tide --help lists them)\n`);
  assert(commands.map((c) => c.name).join(",").startsWith("train,grid,predict,describe,demo"));
});

test("main() prints every usage error and the help hint, exit 2", async () => {
  const r = await run("train", "--training_frame", "x.csv", "--hiden", "32", "--epochs", "-1", "--sparse", "maybe");
  assertEquals(r.code, 2);
  const lines = r.stderr.trimEnd().split("\n");
  assertEquals(lines, [
    "error: Unknown flag --hiden; did you mean --hidden?",
    `error: Unexpected argument "maybe": this command takes only --flags`,
    `error: "epochs" must be float, ≥ 0: got -1`,
    "error: --y (response_column) is required: the column to predict (or --autoencoder true)",
    `Run "tide train --help" for the flags.`,
  ]);
  assertEquals(r.stdout, "");
});

test("main() prints library errors as one line without a stack trace, exit 1", async () => {
  const r = await run("predict", "--model", "/nonexistent/model.tide", "--frame", "x.csv");
  assertEquals(r.code, 1);
  assertEquals(r.stderr, `error: Cannot read "/nonexistent/model.tide": no such file\n`);
  const d = await run("describe", "/nonexistent/data.csv");
  assertEquals(d.code, 1);
  assert(d.stderr.startsWith(`error: Cannot import file: no file at "/nonexistent/data.csv"`) && !d.stderr.includes("    at "), d.stderr);
});

test("tide train --help and tide demo --help come from the declarations", async () => {
  const t = await run("train", "--help");
  assertEquals(t.code, 0);
  assert(t.stdout.includes("  --hidden  (default 200,200)  <comma-separated ints, ≥ 1>"), "train shows H2O's default hidden");
  assert(t.stdout.includes("Architecture and initialisation:"), "sections");
  const d = await run("demo", "--help");
  assert(d.stdout.includes("  --hidden  (default 32,32,32)"), "demo shows the booklet's hidden");
  assert(d.stdout.includes("  --epochs  (default 10)") && d.stdout.includes("  --activation  (default RectifierWithDropout)"), "demo defaults");
  assert(!d.stdout.includes("--training_frame"), "the demo's data is fixed");
  const u = await run("demo", "cifar");
  assertEquals(u.code, 2);
  assert(u.stderr.startsWith(`error: Unknown demo "cifar": the demos are mnist`), u.stderr);
});

test("frameToCsv() writes numbers that read back exactly, quotes text and leaves missing values empty", () => {
  const values = [0.1 + 0.2, 1e-300, -2.5e21, 1 / 3, NaN, 0];
  const frame = new Frame([
    { name: "predict", type: "categorical", codes: Int32Array.from([0, 1, -1, 0, 1, 0]), domain: ["a,b", `say "hi"`] },
    { name: "p", type: "numeric", data: Float64Array.from(values) },
  ]);
  const csv = frameToCsv(frame);
  assertEquals(csv.split("\n")[1], `"a,b",0.30000000000000004`);
  assertEquals(csv.split("\n")[2], `"say ""hi""",1e-300`);
  const back = parseCsvText(csv);
  const p = back.col("p");
  assert(p.type === "numeric");
  assertEquals(Array.from(p.data, (v) => (Number.isNaN(v) ? "NA" : v)), values.map((v) => (Number.isNaN(v) ? "NA" : v)));
  assertEquals([0, 1, 2].map((i) => back.value(i, "predict")), ["a,b", `say "hi"`, null]);
});

test("tide train, predict and describe run end to end on iris in-process", async () => {
  const iris = await irisFiles();
  try {
    const model = join(iris.dir, "out", "iris.tide");
    const t = await run(
      "train", "--training_frame", iris.train, "--validation_frame", iris.test, "--y", "species", "--hidden", "10,10",
      "--activation", "Tanh", "--epochs", "40", "--seed", "1", "--model-out", model,
    );
    assertEquals(t.code, 0, t.stderr);
    assert(/^Imported .*train\.csv: 120 rows × 5 columns in /.test(t.stderr), t.stderr);
    assert(/Training on backend "\w+" \((fused kernel|op-level path)\), \d+ threads?: 120 rows × 4 inputs, 193 weights\/biases/.test(t.stderr), t.stderr);
    assert(/epoch \d+\.\d\d\/40 \| [\d,]+ samples\/s/.test(t.stderr), t.stderr);
    for (const part of ["Status of Neuron Layers", "Reported on training (a sample of 120 rows) data", "Reported on validation data", "Confusion Matrix", "Scoring History:", "Variable Importances:", "Time taken: ", `Model written to ${model}`]) {
      assert(t.stdout.includes(part), `train output lacks "${part}"`);
    }

    const out = join(iris.dir, "pred.csv");
    const p = await run("predict", "--model", model, "--frame", iris.test, "--out", out);
    assertEquals(p.code, 0, p.stderr);
    assertEquals(p.stdout, `Wrote 30 predictions (predict, setosa, versicolor, virginica) to ${out}\n`);
    const pred = readPredictions(await readFile(out, "utf8"));
    assertEquals(pred.header, ["predict", "setosa", "versicolor", "virginica"]);
    assertEquals(pred.rows.length, 30);
    const accuracy = checkPredictions(pred, iris.testSpecies);
    assert(accuracy >= 0.8, `accuracy ${accuracy} is not well above chance (1/3)`);

    const shown = await run("predict", "--model", model, "--frame", iris.test, "--head", "3", "--quiet");
    assert(shown.stdout.startsWith("First 3 of 30 rows"), shown.stdout);
    assertEquals(shown.stderr, "");

    const d = await run("describe", iris.all, "--head", "2");
    assertEquals(d.code, 0, d.stderr);
    assert(d.stdout.startsWith(`${iris.all}: 150 rows × 5 columns, imported in `), d.stdout);
    for (const part of ["cardinality", "sigma", "missing", "enum", "First 2 of 150 rows"]) assert(d.stdout.includes(part), `describe lacks "${part}"`);

    const bad = join(iris.dir, "bad.tide");
    const bytes = await readFile(model);
    bytes[bytes.length - 12] ^= 0xff; // inside the weights, before the CRC
    await writeFile(bad, bytes);
    const c = await run("predict", "--model", bad, "--frame", iris.test);
    assertEquals(c.code, 1);
    assertEquals(c.stderr, `error: Cannot load "${bad}": the checksum does not match, the file is corrupt\n`);

    const q = await run("train", "--training_frame", iris.train, "--y", "nope", "--quiet");
    assertEquals(q.code, 1);
    assert(q.stderr.startsWith(`error: Cannot train: No column "nope" in the training frame`), q.stderr);
  } finally {
    await rm(iris.dir, { recursive: true, force: true });
  }
});
