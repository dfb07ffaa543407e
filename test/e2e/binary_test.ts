/**
 * The shipped artifact: builds the `tide` executable with scripts/build.ts, copies it alone into
 * an empty folder (no node_modules, no sources, a fresh HOME and cache) and runs the CLI there.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPredictions, irisFiles, type IrisFiles, readPredictions } from "../cli/_iris.ts";
import { BUN, cleanEnv, exec, ROOT } from "./_exec.ts";

interface Installed {
  readonly tide: string;
  readonly dir: string;
  readonly iris: IrisFiles;
  readonly env: Record<string, string>;
}

let installed: Promise<Installed> | null = null;

/** Builds once, then copies the binary and the iris files into a fresh folder. */
function install(): Promise<Installed> {
  installed ??= (async () => {
    const tmp = await mkdtemp(join(tmpdir(), "tide-binary-"));
    const built = join(tmp, "build", "tide");
    const b = await exec(BUN, ["run", join(ROOT, "scripts", "build.ts"), "--outfile", built], { cwd: ROOT, timeoutMs: 170_000 });
    if (b.code !== 0) throw new Error(`build failed (${b.code}):\n${b.stdout}\n${b.stderr}`);
    assert(/Built .*tide: [\d.]+ MiB/.test(b.stdout), b.stdout);
    assert(!existsSync(`${built}.map`), "the build leaves one file, no source map beside it");
    const dir = join(tmp, "elsewhere");
    await mkdir(dir, { recursive: true });
    const tide = join(dir, "tide");
    await copyFile(built, tide);
    await chmod(tide, 0o755);
    const iris = await irisFiles();
    for (const f of ["train.csv", "test.csv", "iris.csv"]) await copyFile(join(iris.dir, f), join(dir, f));
    await rm(iris.dir, { recursive: true, force: true });
    const env = cleanEnv({ HOME: join(tmp, "home"), TIDE_CACHE_DIR: join(tmp, "cache") });
    return { tide, dir, iris: { ...iris, dir, all: join(dir, "iris.csv"), train: join(dir, "train.csv"), test: join(dir, "test.csv") }, env };
  })();
  return installed;
}

async function tide(...args: string[]) {
  const { tide, dir, env } = await install();
  return exec(tide, args, { cwd: dir, env, timeoutMs: 90_000 });
}

const LONG = { timeout: 180_000 };

test("the binary prints its version from any folder", async () => {
  const r = await tide("--version");
  assertEquals(r.code, 0, r.stderr);
  assert(/^tide \d+\.\d+\.\d+ \(Bun \d+\.\d+\.\d+\)\n$/.test(r.stdout), r.stdout);
}, LONG);

test("the binary describes a CSV file", async () => {
  const r = await tide("describe", "iris.csv");
  assertEquals(r.code, 0, r.stderr);
  assert(r.stdout.startsWith("iris.csv: 150 rows × 5 columns, imported in "), r.stdout);
  for (const part of ["species", "enum", "sigma", "cardinality"]) assert(r.stdout.includes(part), `describe lacks "${part}"`);
}, LONG);

test("the binary trains on iris, saves the model and predicts well above chance", async () => {
  const t = await tide(
    "train", "--training_frame", "train.csv", "--validation_frame", "test.csv", "--y", "species",
    "--hidden", "10,10", "--activation", "Tanh", "--epochs", "40", "--seed", "1", "--model_out", "models/iris.tide",
  );
  assertEquals(t.code, 0, t.stderr);
  assert(t.stdout.includes("Model written to models/iris.tide") && t.stdout.includes("Confusion Matrix"), t.stdout);
  const p = await tide("predict", "--model", "models/iris.tide", "--frame", "test.csv", "--out", "pred.csv");
  assertEquals(p.code, 0, p.stderr);
  const { dir, iris } = await install();
  const pred = readPredictions(await readFile(join(dir, "pred.csv"), "utf8"));
  assertEquals(pred.header, ["predict", "setosa", "versicolor", "virginica"]);
  assertEquals(pred.rows.length, 30);
  const accuracy = checkPredictions(pred, iris.testSpecies);
  assert(accuracy >= 0.8, `accuracy ${accuracy} is not well above chance (1/3)`);
}, LONG);

test("the binary's Workers run: training on the simd backend", async () => {
  const r = await tide("train", "--training_frame", "train.csv", "--y", "species", "--hidden", "8", "--epochs", "20", "--backend", "simd", "--nthreads", "2", "--quiet");
  assertEquals(r.code, 0, r.stderr);
  assert(r.stdout.includes(`on backend "simd", 2 threads`), r.stdout);
}, { ...LONG, skip: existsSync(join(ROOT, "backends", "simd", "worker.ts")) ? false : "no backends/simd/worker.ts in this tree" });

test("the binary rejects a corrupt model file with a one-line error, exit 1", async () => {
  const { dir } = await install();
  const good = join(dir, "models", "iris.tide");
  if (!existsSync(good)) {
    const t = await tide("train", "--training_frame", "train.csv", "--y", "species", "--hidden", "4", "--epochs", "1", "--model_out", "models/iris.tide", "--quiet");
    assertEquals(t.code, 0, t.stderr);
  }
  const bytes = await readFile(good);
  bytes[bytes.length - 12] ^= 0x55;
  await writeFile(join(dir, "corrupt.tide"), bytes);
  const r = await tide("predict", "--model", "corrupt.tide", "--frame", "test.csv");
  assertEquals(r.code, 1);
  assertEquals(r.stderr.split("\n").filter((l) => l.startsWith("error: ")), [`error: Cannot load "corrupt.tide": the checksum does not match, the file is corrupt`]);
  assert(!/\n\s+at /.test(r.stderr), `a stack trace was printed:\n${r.stderr}`);
  const junk = join(dir, "junk.tide");
  await writeFile(junk, "not a model at all, just text");
  const j = await tide("predict", "--model", "junk.tide", "--frame", "test.csv");
  assertEquals(j.code, 1);
  assert(j.stderr.startsWith(`error: Cannot load "junk.tide": it is not a Tide model file`), j.stderr);
}, LONG);

test("the binary runs the MNIST demo from its embedded data", async () => {
  const r = await tide("demo", "mnist", "--epochs", "0.02", "--hidden", "16", "--seed", "1");
  assertEquals(r.code, 0, r.stderr);
  const { env } = await install();
  const manifest = JSON.parse(await readFile(join(env.TIDE_CACHE_DIR, "mnist", "manifest.json"), "utf8"));
  assertEquals(manifest.source, "embedded assets");
  assert(r.stderr.includes("60,000 rows × 785 columns") && r.stderr.includes("10,000 rows × 785 columns"), r.stderr);
  for (const part of ["10-class classification", "Reported on validation data", "Confusion Matrix", "Time taken: "]) {
    assert(r.stdout.includes(part), `demo output lacks "${part}"`);
  }
  const { dir } = await install();
  await rm(join(dir, ".."), { recursive: true, force: true });
}, LONG);
