// The worked plugin examples of docs/examples/, each trained by the built binary from a folder
// that holds only the binary, the data and the plugin file (the plugin imports "tide"); and the
// model's plugin record: predicting without the plugin, or with a changed one, is an error.
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeModel } from "../../model/file.ts";
import { assert, assertEquals, test } from "../_harness.ts";
import { ROOT } from "./_exec.ts";
import { builtTide, runTide } from "./_built.ts";

const LONG = { timeout: 180_000 };

async function example(name: string): Promise<string> {
  const { dir } = await builtTide();
  await copyFile(join(ROOT, "docs", "examples", name), join(dir, name));
  return name;
}

const IRIS = ["--training_frame", "train.csv", "--validation_frame", "test.csv", "--y", "species", "--seed", "7", "--reproducible"];

function validationError(stdout: string): number {
  const m = /validation logloss \S+ classification error (\S+)/.exec(stdout);
  assert(m, stdout);
  return Number(m![1]);
}

test("Swish: trains through the binary with --plugin, says what stays on the fused kernels and what does not, and predicts", async () => {
  const plugin = await example("swish.ts");
  const r = await runTide(["train", "--plugin", plugin, ...IRIS, "--activation", "Swish", "--hidden", "16", "--epochs", "40", "--nthreads", "2", "--model_out", "swish.tide"]);
  assertEquals(r.code, 0, r.stderr);
  assert(/Loaded activation plugin "Swish" from swish\.ts \(sha256 [0-9a-f]{12}…\)/.test(r.stderr), r.stderr);
  assert(/plugin activation "Swish" \(swish\.ts\) has no fast body, so the SIMD kernels call the f and df of "Swish" .* the rest stays on the fused kernels .* on 1 thread/.test(r.stderr), r.stderr);
  assert(/Training on backend "simd" \(fused kernel\), 1 thread/.test(r.stderr), r.stderr);
  assert(validationError(r.stdout) <= 0.15, r.stdout);
  const p = await runTide(["predict", "--plugin", plugin, "--model", "swish.tide", "--frame", "test.csv", "--out", "swish.csv"]);
  assertEquals(p.code, 0, p.stderr);
  const model = decodeModel(await readFile(join((await builtTide()).dir, "swish.tide")));
  assertEquals(model.plugins?.map((x) => [x.kind, x.name]), [["activation", "Swish"]]);
}, LONG);

test("TIDE_PLUGINS loads plugins as --plugin does", async () => {
  const plugin = await example("swish.ts");
  const r = await runTide(["train", ...IRIS, "--activation", "SwishWithDropout", "--hidden", "8", "--epochs", "5", "--quiet"], { env: { TIDE_PLUGINS: plugin } });
  assertEquals(r.code, 0, r.stderr);
});

test("a model trained with a plugin refuses to predict without it, or with a changed one, naming it", async () => {
  const { dir } = await builtTide();
  await copyFile(join(ROOT, "docs", "examples", "swish.ts"), join(dir, "swish_copy.ts"));
  const t = await runTide(["train", "--plugin", "swish_copy.ts", ...IRIS, "--activation", "Swish", "--hidden", "4", "--epochs", "2", "--quiet", "--model_out", "copy.tide"]);
  assertEquals(t.code, 0, t.stderr);
  const without = await runTide(["predict", "--model", "copy.tide", "--frame", "test.csv"]);
  assertEquals(without.code, 1);
  assert(/trained with the activation plugin "Swish" from swish_copy\.ts \(sha256 [0-9a-f]{12}…\), which is not loaded; load it with --plugin swish_copy\.ts/.test(without.stderr), without.stderr);
  await writeFile(join(dir, "swish_copy.ts"), (await readFile(join(dir, "swish_copy.ts"), "utf8")) + "// edited\n");
  const changed = await runTide(["predict", "--plugin", "swish_copy.ts", "--model", "copy.tide", "--frame", "test.csv"]);
  assertEquals(changed.code, 1);
  assert(/the activation plugin "Swish" has changed since training/.test(changed.stderr), changed.stderr);
}, LONG);

test("Adam with bias correction trains iris through the binary", async () => {
  const plugin = await example("adam.ts");
  const r = await runTide(["train", "--plugin", plugin, ...IRIS, "--optimizer", "adam", "--adam_rate", "0.01", "--hidden", "16", "--epochs", "30", "--model_out", "adam.tide"]);
  assertEquals(r.code, 0, r.stderr);
  assert(/optimizer "adam" \(adam\.ts\) has no fast body/.test(r.stderr), r.stderr);
  assert(validationError(r.stdout) <= 0.1, r.stdout);
  const model = decodeModel(await readFile(join((await builtTide()).dir, "adam.tide")));
  assertEquals(model.optimizer, "adam");
  assertEquals(model.optimizerParams.adam_rate, 0.01);
}, LONG);

test("the max-norm regularizer holds every unit's incoming weight norm at max_norm", async () => {
  const plugin = await example("max_norm.ts");
  const r = await runTide(["train", "--plugin", plugin, ...IRIS, "--max_norm", "0.5", "--hidden", "16", "--epochs", "20", "--model_out", "maxnorm.tide"]);
  assertEquals(r.code, 0, r.stderr);
  assert(/regularizer "max_norm" \(max_norm\.ts\) has no fast body/.test(r.stderr), r.stderr);
  const model = decodeModel(await readFile(join((await builtTide()).dir, "maxnorm.tide")));
  const [, cols] = [0, model.shape.units[0]];
  const W = model.state["weights.0"];
  let largest = 0;
  for (let i = 0; i < W.length / cols; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += W[i * cols + j] ** 2;
    largest = Math.max(largest, Math.sqrt(s));
  }
  assert(largest <= 0.5 + 1e-6 && largest > 0.4, `largest norm ${largest} should be 0.5 (the cap binds)`);
}, LONG);

test("focal loss trains imbalanced two-class data through the binary and finds the rare class", async () => {
  const plugin = await example("focal_loss.ts");
  const { dir } = await builtTide();
  // 2,000 rows, about 8 % positives, separable by a noisy linear rule.
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rows = ["x1,x2,label"];
  for (let i = 0; i < 2000; i++) {
    const x1 = rand() * 4 - 2, x2 = rand() * 4 - 2;
    rows.push(`${x1},${x2},${x1 + 0.5 * x2 + 0.3 * (rand() - 0.5) > 1.7 ? 1 : 0}`);
  }
  await writeFile(join(dir, "rare.csv"), rows.join("\n") + "\n");
  const r = await runTide(["train", "--plugin", plugin, "--training_frame", "rare.csv", "--y", "label", "--distribution", "focal", "--focal_gamma", "2", "--hidden", "8", "--epochs", "20", "--seed", "3", "--reproducible", "--model_out", "focal.tide"]);
  assertEquals(r.code, 0, r.stderr);
  assert(/distribution "focal" \(focal_loss\.ts\) has no fast body, so the SIMD kernels call the gradient of "focal" once per output and row/.test(r.stderr), r.stderr);
  assert(/Training on backend "simd" \(fused kernel\), 1 thread/.test(r.stderr), r.stderr);
  const p = await runTide(["predict", "--plugin", plugin, "--model", "focal.tide", "--frame", "rare.csv", "--out", "focal.csv", "--quiet"]);
  assertEquals(p.code, 0, p.stderr);
  const odds = (await readFile(join(dir, "focal.csv"), "utf8")).trim().split("\n").slice(1).map(Number);
  const labels = rows.slice(1).map((l) => Number(l.split(",")[2]));
  let tp = 0, pos = 0, correct = 0;
  odds.forEach((o, i) => {
    const yhat = o / (1 + o) > 0.5 ? 1 : 0;
    pos += labels[i];
    tp += yhat & labels[i];
    correct += yhat === labels[i] ? 1 : 0;
  });
  assert(pos > 80 && pos < 250, `positives ${pos}`);
  assert(tp / pos >= 0.6, `recall of the rare class ${tp}/${pos}`);
  assert(correct / labels.length >= 0.93, `accuracy ${correct / labels.length}`);
}, LONG);
