/**
 * The booklet's MNIST trial run end to end through H2O's own Python client against `tide serve`
 * (bench/booklet_mnist.py), and the same run with `tide train`: wall time per step, the time
 * the server spent outside training, and whether both give the same validation error (same seed,
 * `reproducible`, so one thread and bit-identical training).
 *
 *   bun bench/serve_booklet.ts [--bin dist/tide] [--epochs 1]
 *
 * Needs python3 with requests and tabulate, and ../shared/clients/h2o-py.
 * @module
 */
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { mnistCsv } from "../datasets/mnist.ts";
import { DeepLearningModel } from "../model/model.ts";
import { startServe, tideCommand } from "./_serve.ts";

const ROOT = resolve(import.meta.dir, "..");
const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const BIN = arg("bin", "");
const EPOCHS = arg("epochs", "1");
const { train, test } = await mnistCsv();
const tide = tideCommand(BIN);
const { child: server, url } = await startServe(BIN, dirname(train));
const t0 = performance.now();
const py = spawnSync("/usr/bin/python3", [join(ROOT, "bench", "booklet_mnist.py"), url, train, test, EPOCHS], {
  env: { ...process.env, PYTHONPATH: resolve(ROOT, "..", "shared", "clients", "h2o-py") }, encoding: "utf8", maxBuffer: 64 << 20,
});
const wall = (performance.now() - t0) / 1000;
if (py.status !== 0) {
  console.error(py.stdout.slice(-3000), py.stderr.slice(-3000));
  process.exit(1);
}
const steps = py.stdout.split("\n").filter((l) => l.startsWith("STEP ")).map((l) => l.split(" "));
const result = JSON.parse(py.stdout.split("\n").find((l) => l.startsWith("RESULT "))!.slice(7));
await new Promise((r) => server.on("exit", r));

const modelOut = join(mkdtempSync(join(tmpdir(), "tide-bench-")), "m.tide");
const cli = spawnSync(tide[0], [...tide.slice(1), "train", "--training_frame", train, "--validation_frame", test, "--y", "C785",
  "--distribution", "multinomial", "--activation", "RectifierWithDropout", "--hidden", "32,32,32", "--input_dropout_ratio", "0.2",
  "--sparse", "--l1", "1e-5", "--epochs", EPOCHS, "--seed", "1", "--reproducible", "--quiet", "--model_out", modelOut],
  { encoding: "utf8", maxBuffer: 64 << 20 });
if (cli.status !== 0) throw new Error(`tide train failed: ${cli.stderr.slice(-2000)}`);
const cliModel = await DeepLearningModel.load(modelOut);
const cliPerf = cliModel.modelPerformance({ valid: true });
const cliLogloss = cliPerf.logloss();
const cliError = cliPerf.classificationError();

console.log(`booklet MNIST trial run through h2o-py against tide serve (${BIN || "source"}), ${EPOCHS} epoch(s), seed 1, reproducible`);
for (const [, name, s] of steps) console.log(`  ${name.padEnd(18)} ${Number(s).toFixed(2)} s`);
console.log(`wall ${wall.toFixed(1)} s; training ${(result.train_ms / 1000).toFixed(1)} s; outside training ${(wall - result.train_ms / 1000).toFixed(1)} s`);
console.log(`validation through h2o-py: logloss ${result.valid_logloss}, error ${result.valid_error}`);
console.log(`validation with tide train: logloss ${cliLogloss}, error ${cliError} (${cliLogloss === result.valid_logloss && cliError === result.valid_error ? "identical" : "DIFFERENT"})`);
