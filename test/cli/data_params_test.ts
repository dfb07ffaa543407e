/**
 * The data parameters from the command line (docs/parameters.md): initial weights and biases as
 * CSV files with an empty entry, class balancing flags, and an offset model whose `tide predict`
 * names the missing offset column.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { irisFiles } from "./_iris.ts";

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test("tide train reads --initial_weights/--initial_biases CSV files (empty entry: random) and balances classes", async () => {
  const f = await irisFiles("tide-cli-data-");
  try {
    const w0 = join(f.dir, "w0.csv"), b0 = join(f.dir, "b0.csv"), model = join(f.dir, "m.tide");
    await writeFile(w0, "0.1,0.2,0.3,0.4\n-0.1,-0.2,-0.3,-0.4\n");
    await writeFile(b0, "bias\n0.25\n-0.25\n");
    const r = await run("train", "--training_frame", f.train, "--y", "species", "--hidden", "2", "--epochs", "0", "--seed", "3",
      "--backend", "reference", "--initial_weights", `${w0},`, "--initial_biases", `${b0},`, "--balance_classes", "true",
      "--model_out", model, "--quiet");
    assertEquals(r.code, 0, r.stderr);
    const m = await DeepLearningModel.load(model);
    assertEquals(Array.from(m.data.state["weights.0"]), [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4]);
    assertEquals(Array.from(m.data.state["biases.0"]), [0.25, -0.25]);
    assertEquals(m.data.params.initial_weights, [w0, ""]);
    assert(m.data.preprocessor.classBalance, "balance_classes is kept in the model");

    const bad = await run("train", "--training_frame", f.train, "--y", "species", "--hidden", "2", "--class_sampling_factors", "1,2,3");
    assertEquals(bad.code, 2, "refused before the file is read");
    assert(bad.stderr.includes("class_sampling_factors") && bad.stderr.includes("balance_classes"), bad.stderr);
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

test("tide predict with an offset model needs the offset column and names it", async () => {
  const f = await irisFiles("tide-cli-offset-");
  try {
    const model = join(f.dir, "off.tide");
    const r = await run("train", "--training_frame", f.train, "--y", "petal_wid", "--offset_column", "sepal_wid", "--ignored_columns", "species",
      "--hidden", "2", "--epochs", "1", "--seed", "3", "--model_out", model, "--quiet");
    assertEquals(r.code, 0, r.stderr);
    const noOffset = join(f.dir, "no_offset.csv");
    await writeFile(noOffset, "sepal_len,petal_len\n5.1,1.4\n");
    const p = await run("predict", "--model", model, "--frame", noOffset, "--quiet");
    assertEquals(p.code, 1);
    assert(p.stderr.includes(`no offset column "sepal_wid"`), p.stderr);
    assertEquals((await run("predict", "--model", model, "--frame", f.test, "--quiet")).code, 0);
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});
