// `tide repl` in the built binary, fed through a pipe from another folder: import, train on
// iris, predict, exit; Ctrl-C (SIGINT) stops a training and the session goes on.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, assertEquals, test } from "../_harness.ts";
import { builtTide, startTide } from "./_built.ts";

const LONG = { timeout: 180_000 };

test("tide repl: import, train on iris, predict and exit, through a pipe", async () => {
  const s = await startTide(["repl"]);
  s.write([
    'const iris = (await importFile("iris.csv")).asfactor("species")',
    "iris.describe()",
    "iris",
    'const model = await new DeepLearning({ hidden: [8], epochs: 30, seed: 3, reproducible: true }).train({ y: "species", training_frame: iris })',
    "model",
    "const pred = await model.predict(iris)",
    'pred.nrow + " predictions, first " + pred.value(0, "predict")',
    "let k = 1", "let k = 2", // a name may be declared again, as in a notebook
    "k * 21",
    ".exit",
    "",
  ].join("\n"));
  const r = await s.end();
  assertEquals(r.code, 0, r.stderr);
  assert(/species\s+categorical/.test(r.stdout), `describe() prints a table:\n${r.stdout}`);
  assert(/\[150 rows × 5 columns\]/.test(r.stdout), "a frame prints as a table with its size");
  assert(/Status of Neuron Layers|Layer/.test(r.stdout), `a model prints as H2O's summary:\n${r.stdout}`);
  assert(/'150 predictions, first setosa'/.test(r.stdout), r.stdout);
  assert(/^(tide> )*42$/m.test(r.stdout), r.stdout);
  assert(/epoch 30\.00\/30/.test(r.stderr), `training shows progress:\n${r.stderr}`);
  assert(!/Uncaught/.test(r.stdout + r.stderr), r.stdout + r.stderr);
  const history = join((await builtTide()).home, ".tide_history");
  assert(existsSync(history) && readFileSync(history, "utf8").includes("k * 21"), "history is kept in ~/.tide_history");
}, LONG);

test("tide repl: Ctrl-C stops a training and keeps the session", async () => {
  const s = await startTide(["repl", "--history", "none"]);
  s.write('const iris = (await importFile("iris.csv")).asfactor("species")\n');
  s.write('const m = await new DeepLearning({ hidden: [64, 64], epochs: 1e6, stopping_rounds: 0 }).train({ y: "species", training_frame: iris })\n');
  await s.waitFor(/epoch \d/);
  s.signal("SIGINT");
  await s.waitFor(/stopping the training/);
  s.write('"still here " + (6 * 7)\n.exit\n');
  const r = await s.end();
  assertEquals(r.code, 0, r.stderr);
  assert(/Training was cancelled/.test(r.stdout + r.stderr), r.stdout + r.stderr);
  assert(/'still here 42'/.test(r.stdout), r.stdout);
}, LONG);
