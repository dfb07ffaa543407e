/**
 * The metric and output parameters and the accessor commands through the CLI, in-process on iris:
 * gainslift_bins, auc_type, max_hit_ratio_k and quiet_mode on `tide train`, `tide varimp`,
 * `tide weights`, and `tide predict`'s p0/p1 columns for integer class labels.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import { irisFiles, readPredictions } from "./_iris.ts";

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const SMALL = ["--epochs", "2", "--seed", "1", "--backend", "reference"];

/** Iris with a 0/1 response (setosa or not) in column "y". */
async function binaryIris(dir: string, all: string): Promise<string> {
  const lines = (await readFile(all, "utf8")).trimEnd().split("\n");
  const out = join(dir, "binary.csv");
  await writeFile(out, ["a,b,c,d,y", ...lines.slice(1).map((l) => l.replace(/,([a-z]+)$/, (_, s) => `,${s === "setosa" ? 1 : 0}`))].join("\n") + "\n");
  return out;
}

function gainsLiftGroups(stdout: string): number {
  const block = stdout.split("\n\n").find((b) => b.startsWith("Gains/Lift Table"));
  return block ? block.split("\n").length - 3 : 0;
}

test("tide train --gainslift_bins 4 prints at most 4 gains/lift groups; 0 prints none; --quiet_mode prints only the essentials", async () => {
  const iris = await irisFiles();
  try {
    const bin = await binaryIris(iris.dir, iris.all);
    const base = ["train", "--training_frame", bin, "--y", "y", "--distribution", "bernoulli", ...SMALL, "--hidden", "4"];
    const dflt = await run(...base);
    assertEquals(dflt.code, 0, dflt.stderr);
    assert(gainsLiftGroups(dflt.stdout) > 4, dflt.stdout);
    const four = await run(...base, "--gainslift_bins", "4");
    const g = gainsLiftGroups(four.stdout);
    assert(g >= 2 && g <= 4, four.stdout);
    const off = await run(...base, "--gainslift_bins", "0");
    assertEquals([off.code, gainsLiftGroups(off.stdout)], [0, 0]);
    const quiet = await run(...base, "--quiet_mode", "true", "--model_out", join(iris.dir, "q.tide"));
    assertEquals(quiet.code, 0, quiet.stderr);
    assertEquals(quiet.stderr, "");
    const lines = quiet.stdout.trimEnd().split("\n");
    assertEquals(lines.length, 4, quiet.stdout);
    assert(lines[0].startsWith("Model ") && lines[1].startsWith("Final metrics: ") && lines[2].startsWith("Time taken: ") && lines[3].startsWith("Model written to "), quiet.stdout);
    const warned = await run(...base, "--quiet_mode", "true", "--max_hit_ratio_k", "3");
    assertEquals(warned.stderr, `warning: "max_hit_ratio_k" sets the multinomial hit-ratio table only; this model is bernoulli\n`);
    assertEquals(warned.stdout.trimEnd().split("\n").length, 3);
    // Integer class labels name the probability columns p0, p1, as H2O does.
    const out = join(iris.dir, "pred.csv");
    const p = await run("predict", "--model", join(iris.dir, "q.tide"), "--frame", bin, "--out", out, "--quiet");
    assertEquals(p.code, 0, p.stderr);
    assertEquals(readPredictions(await readFile(out, "utf8")).header, ["predict", "p0", "p1"]);
  } finally {
    await rm(iris.dir, { recursive: true, force: true });
  }
});

test("tide train --auc_type prints the multinomial AUC tables and can stop on AUC; --max_hit_ratio_k sets the hit-ratio rows", async () => {
  const iris = await irisFiles();
  try {
    const base = ["train", "--training_frame", iris.all, "--y", "species", ...SMALL, "--hidden", "4"];
    const t = await run(...base, "--auc_type", "WEIGHTED_OVO", "--stopping_metric", "AUC", "--max_hit_ratio_k", "2");
    assertEquals(t.code, 0, t.stderr);
    for (const part of ["\nAUC: ", "\nAUCPR: ", "Multinomial AUC values:", "Multinomial auc_pr values:", "setosa vs versicolor", "Weighted OVO", "Top-2 Hit Ratios:", "training_auc"]) {
      assert(t.stdout.includes(part), `lacks "${part}":\n${t.stdout}`);
    }
    const plain = await run(...base);
    assert(!plain.stdout.includes("Multinomial AUC values") && plain.stdout.includes("Top-3 Hit Ratios:"), plain.stdout);
    const refused = await run(...base, "--stopping_metric", "AUC");
    assertEquals(refused.code, 1);
    assert(refused.stderr.includes("stopping_metric AUC") && refused.stderr.includes("auc_type"), refused.stderr);
    const bad = await run(...base, "--auc_type", "MACRO");
    assertEquals(bad.code, 2);
    assert(bad.stderr.includes("auc_type") && bad.stderr.includes("WEIGHTED_OVO"), bad.stderr);
  } finally {
    await rm(iris.dir, { recursive: true, force: true });
  }
});

test("tide varimp and tide weights read a saved model; weights need export_weights_and_biases", async () => {
  const iris = await irisFiles();
  try {
    const model = join(iris.dir, "m.tide");
    const t = await run("train", "--training_frame", iris.all, "--y", "species", ...SMALL, "--hidden", "5,4", "--export_weights_and_biases", "true", "--model_out", model, "--quiet");
    assertEquals(t.code, 0, t.stderr);

    const v = await run("varimp", "--model", model);
    assertEquals(v.code, 0, v.stderr);
    const rows = v.stdout.trimEnd().split("\n");
    assertEquals(rows[0], "Variable Importances:");
    assertEquals(rows.length, 2 + 4, v.stdout); // title, header, one row per input
    assert(rows[2].trim().split(/\s+/)[1] === "1", "the top row has relative importance 1");
    const top = await run("varimp", "--model", model, "--top", "2");
    assert(top.stdout.includes("(2 more rows)"), top.stdout);
    const vcsv = join(iris.dir, "vi.csv");
    await run("varimp", "--model", model, "--out", vcsv);
    const vi = (await readFile(vcsv, "utf8")).trimEnd().split("\n");
    assertEquals([vi[0], vi.length], ["variable,relative_importance,scaled_importance,percentage", 5]);

    const w0 = join(iris.dir, "w0.csv");
    const w = await run("weights", "--model", model, "--layer", "0", "--out", w0);
    assertEquals(w.code, 0, w.stderr);
    assertEquals(w.stdout, `Wrote weights 0 (5 rows × 4 columns) to ${w0}\n`);
    const wl = (await readFile(w0, "utf8")).trimEnd().split("\n");
    assertEquals([wl[0], wl.length], ["sepal_len,sepal_wid,petal_len,petal_wid", 6]);
    const b2 = join(iris.dir, "b2.csv");
    assertEquals((await run("weights", "--model", model, "--layer", "2", "--biases", "--out", b2)).code, 0);
    assertEquals((await readFile(b2, "utf8")).trimEnd().split("\n").length, 1 + 3);
    const shown = await run("weights", "--model", model, "--layer", "1");
    assert(shown.stdout.startsWith("First 4 of 4 rows") && shown.stdout.includes("C5"), shown.stdout);

    const outOfRange = await run("weights", "--model", model, "--layer", "3", "--out", join(iris.dir, "x.csv"));
    assertEquals([outOfRange.code, outOfRange.stderr], [1, "error: No weights 3: this model has weights 0 … 2 (3 layers of connections)\n"]);
    const missing = await run("weights", "--model", model);
    assertEquals(missing.code, 2);
    assert(missing.stderr.includes("--layer is required"), missing.stderr);

    const plain = join(iris.dir, "plain.tide");
    await run("train", "--training_frame", iris.all, "--y", "species", ...SMALL, "--hidden", "4", "--variable_importances", "false", "--model_out", plain, "--quiet");
    const refused = await run("weights", "--model", plain, "--layer", "0", "--out", join(iris.dir, "y.csv"));
    assertEquals(refused.code, 1);
    assert(refused.stderr.includes("export_weights_and_biases = true"), refused.stderr);
    const noVi = await run("varimp", "--model", plain);
    assertEquals(noVi.code, 1);
    assert(noVi.stderr.includes("variable_importances = true"), noVi.stderr);
  } finally {
    await rm(iris.dir, { recursive: true, force: true });
  }
});
