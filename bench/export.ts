/**
 * The exported scorers against `tide predict`, on MNIST's full test set with the booklet's
 * trial-run network: the JavaScript file's size, its scoring speed in Node (rows/s, rows given
 * as the CSV's raw strings) next to `tide predict`'s (the model's own predict, same process
 * kind of timing: scoring only, no import), and the worst absolute difference of the
 * probabilities; then the same for the ONNX model when onnxruntime-node is installed.
 *
 * ```sh
 * bun bench/export.ts            # 1 epoch of training first (--epochs N for more)
 * ```
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { memoryIo } from "../cli/_io.ts";
import { main } from "../cli/main.ts";
import { frameToCsv } from "../cli/predict.ts";
import { DeepLearning, importFile, mnistCsv } from "../mod.ts";

const epochs = Number(process.argv[process.argv.indexOf("--epochs") + 1] || 1);
const dir = await mkdtemp(join(tmpdir(), "tide-bench-export-"));
const { train: trainPath, test: testPath } = await mnistCsv();
const train = (await importFile(trainPath)).asfactor("C785");
const test = (await importFile(testPath)).asfactor("C785");
console.log(`Training the trial-run network (784-32-32-32-10, RectifierWithDropout, sparse, l1) for ${epochs} epoch(s)…`);
const model = await new DeepLearning({
  distribution: "multinomial", activation: "RectifierWithDropout", hidden: [32, 32, 32], input_dropout_ratio: 0.2, sparse: true, l1: 1e-5, epochs, seed: 42,
}).train({ y: "C785", training_frame: train });
const modelPath = join(dir, "mnist.tide");
await model.save(modelPath);

let t = performance.now();
const pred = await model.predict(test);
const predictMs = performance.now() - t;
const reference = frameToCsv(pred).trimEnd().split("\n").slice(1).map((l) => l.split(","));
console.log(`tide predict (model.predict, backend ${model.data.output.backend}): ${test.nrow} rows in ${predictMs.toFixed(0)} ms = ${Math.round(test.nrow / (predictMs / 1000))} rows/s`);

const io = memoryIo();
const scorer = join(dir, "score.mjs");
if (await main(["export", "--model", modelPath, "--format", "js", "--out", scorer], io) !== 0) throw new Error(io.stderr);
const out = join(dir, "node.json");
execFileSync("node", [join(import.meta.dir, "..", "test", "export", "_score_rows.mjs"), scorer, testPath, "noheader", out]);
const js = JSON.parse(await readFile(out, "utf8")) as { ms: number; values: (string | number)[][] };
let worst = 0, labels = 0;
reference.forEach((row, i) => {
  if (row[0] !== js.values[i][0]) labels++;
  for (let k = 1; k < row.length; k++) worst = Math.max(worst, Math.abs(Number(row[k]) - (js.values[i][k] as number)));
});
console.log(`JavaScript export: ${(await stat(scorer)).size} bytes; Node scores ${test.nrow} rows in ${js.ms.toFixed(0)} ms = ${Math.round(test.nrow / (js.ms / 1000))} rows/s; worst |Δp| ${worst.toExponential(2)}, ${labels} labels differ`);

// ONNX, when onnxruntime-node is installed (a devDependency).
const onnx = join(dir, "mnist.onnx");
if (await main(["export", "--model", modelPath, "--format", "onnx", "--out", onnx], io) !== 0) throw new Error(io.stderr);
try {
  const ortOut = join(dir, "ort.json");
  execFileSync("node", [join(import.meta.dir, "..", "test", "export", "_ort_score.cjs"), onnx, testPath, "noheader", ortOut], { stdio: ["ignore", "ignore", "pipe"] });
  const ort = JSON.parse(await readFile(ortOut, "utf8")) as { ms: number; values: number[][] };
  let worstOnnx = 0, labelsOnnx = 0;
  reference.forEach((row, i) => {
    if (row[0] !== (pred.col("predict") as { domain: readonly string[] }).domain[ort.values[i][0]]) labelsOnnx++;
    for (let k = 1; k < row.length; k++) worstOnnx = Math.max(worstOnnx, Math.abs(Number(row[k]) - ort.values[i][k]));
  });
  console.log(`ONNX export: ${(await stat(onnx)).size} bytes; onnxruntime-node scores ${test.nrow} rows in ${ort.ms.toFixed(0)} ms = ${Math.round(test.nrow / (ort.ms / 1000))} rows/s; worst |Δp| ${worstOnnx.toExponential(2)}, ${labelsOnnx} labels differ`);
} catch (e) {
  console.log(`ONNX export: ${(await stat(onnx)).size} bytes; not scored: ${(e as Error).message.split("\n")[0]} (is onnxruntime-node installed?)`);
}
