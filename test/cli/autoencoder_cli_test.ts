/**
 * The autoencoder commands end to end on iris: `tide train --autoencoder true`, `tide anomaly`
 * (with and without --per_feature), `tide predict`'s reconstruction, `tide deepfeatures`, a
 * supervised model trained on deep features, `--pretrained_autoencoder`, and the refusals.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import { irisFiles, readPredictions } from "./_iris.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { importFile } from "../../mod.ts";

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const files = await irisFiles("tide-ae-");
const ae = join(files.dir, "ae.tide");
const trained = run("train", "--training_frame", files.train, "--autoencoder", "true", "--hidden", "4,2,4", "--activation", "Tanh", "--epochs", "3",
  "--seed", "1", "--backend", "reference", "--quiet", "--model_out", ae);

test("tide train --autoencoder true trains without --y and reports the reconstruction MSE", async () => {
  const r = await trained;
  assertEquals(r.code, 0, r.stderr);
  assert(r.stdout.includes("reconstruction MSE"), r.stdout);
});

test("tide train --checkpoint continues an autoencoder without --y", async () => {
  await trained;
  const more = join(files.dir, "ae_more.tide");
  const r = await run("train", "--training_frame", files.train, "--checkpoint", ae, "--epochs", "4", "--backend", "reference", "--quiet", "--model_out", more);
  assertEquals(r.code, 0, r.stderr);
  assert(r.stdout.includes("reconstruction MSE"), r.stdout);
});

test("tide anomaly writes Reconstruction.MSE per row; --per_feature writes reconstr_<input>.SE per input", async () => {
  await trained;
  const out = join(files.dir, "err.csv"), se = join(files.dir, "se.csv");
  const r = await run("anomaly", "--model", ae, "--frame", files.test, "--out", out, "--quiet");
  assertEquals(r.code, 0, r.stderr);
  const p = readPredictions(await readFile(out, "utf8"));
  assertEquals(p.header, ["Reconstruction.MSE"]);
  assertEquals(p.rows.length, files.testSpecies.length);
  assert(p.rows.every(([v]) => Number(v) >= 0 && Number.isFinite(Number(v))), "finite, non-negative errors");
  assertEquals((await run("anomaly", "--model", ae, "--frame", files.test, "--out", se, "--per_feature", "--quiet")).code, 0);
  const s = readPredictions(await readFile(se, "utf8"));
  assertEquals(s.header, ["reconstr_species.setosa.SE", "reconstr_species.versicolor.SE", "reconstr_species.virginica.SE", "reconstr_species.missing(NA).SE", "reconstr_sepal_len.SE", "reconstr_sepal_wid.SE", "reconstr_petal_len.SE", "reconstr_petal_wid.SE"]);
  s.rows.forEach((row, i) => {
    const mean = row.reduce((a, v) => a + Number(v), 0) / row.length;
    assert(Math.abs(mean - Number(p.rows[i][0])) <= 1e-12 * Math.max(1, mean), `row ${i}: ${mean} vs ${p.rows[i][0]}`);
  });
});

test("tide predict on an autoencoder writes the reconstruction as reconstr_<input> columns", async () => {
  await trained;
  const out = join(files.dir, "rec.csv");
  assertEquals((await run("predict", "--model", ae, "--frame", files.test, "--out", out, "--quiet")).code, 0);
  const p = readPredictions(await readFile(out, "utf8"));
  assertEquals(p.header.slice(-4), ["reconstr_sepal_len", "reconstr_sepal_wid", "reconstr_petal_len", "reconstr_petal_wid"]);
  // Numerics come back in original units: sepal lengths are centimetres, not normalised values.
  const col = p.rows.map((r) => Number(r[4]));
  assert(col.every((v) => v > 2 && v < 10), col.slice(0, 5).join(","));
});

test("tide deepfeatures writes DF.L<layer+1>.C<unit>; with --keep_columns a model trains on them end to end", async () => {
  await trained;
  const df = join(files.dir, "df.csv"), sup = join(files.dir, "sup.tide"), pred = join(files.dir, "pred.csv");
  const r = await run("deepfeatures", "--model", ae, "--frame", files.train, "--layer", "1", "--keep_columns", "species", "--out", df, "--quiet");
  assertEquals(r.code, 0, r.stderr);
  const p = readPredictions(await readFile(df, "utf8"));
  assertEquals(p.header, ["DF.L2.C1", "DF.L2.C2", "species"]);
  const t = await run("train", "--training_frame", df, "--y", "species", "--hidden", "8", "--epochs", "30", "--seed", "1", "--backend", "reference", "--quiet", "--model_out", sup);
  assertEquals(t.code, 0, t.stderr);
  const dft = join(files.dir, "dft.csv");
  assertEquals((await run("deepfeatures", "--model", ae, "--frame", files.test, "--layer", "1", "--out", dft, "--quiet")).code, 0);
  assertEquals((await run("predict", "--model", sup, "--frame", dft, "--out", pred, "--quiet")).code, 0);
  const right = readPredictions(await readFile(pred, "utf8")).rows.filter((row, i) => row[0] === files.testSpecies[i]).length;
  assert(right >= 0.6 * files.testSpecies.length, `${right} of ${files.testSpecies.length} right on two learned features`);
});

test("deepfeatures counts layers as h2o-py does (0 = the first hidden layer): the CLI's --layer 0 is model.deepfeatures(frame, 0), DF.L1", async () => {
  await trained;
  const out = join(files.dir, "df0.csv");
  assertEquals((await run("deepfeatures", "--model", ae, "--frame", files.train, "--layer", "0", "--out", out, "--quiet")).code, 0);
  const cli = readPredictions(await readFile(out, "utf8"));
  const model = await DeepLearningModel.load(ae);
  const api = await model.deepfeatures(await importFile(files.train), 0);
  assertEquals(cli.header, ["DF.L1.C1", "DF.L1.C2", "DF.L1.C3", "DF.L1.C4"], "layer 0 is the first hidden layer (4 units), not the input");
  assertEquals(api.names, cli.header);
  for (const [j, name] of api.names.entries()) {
    const col = api.col(name);
    cli.rows.forEach((row, r) => assert(Math.abs(Number(row[j]) - (col.type === "numeric" ? col.data.at(r) : NaN)) < 1e-9, `${name} row ${r}`));
  }
  const r = await run("deepfeatures", "--model", ae, "--frame", files.train, "--layer", "3", "--out", out, "--quiet");
  assertEquals(r.code, 1);
  assert(r.stderr.includes("hidden layers 0 … 2"), r.stderr);
});

test("--pretrained_autoencoder starts a supervised model; a hidden-layer mismatch names the layer", async () => {
  await trained;
  const aeX = join(files.dir, "aex.tide"), sup = join(files.dir, "pre.tide");
  const base = ["--training_frame", files.train, "--activation", "Tanh", "--epochs", "2", "--seed", "1", "--backend", "reference", "--quiet"];
  assertEquals((await run("train", ...base, "--autoencoder", "true", "--hidden", "4", "--ignored_columns", "species", "--model_out", aeX)).code, 0);
  const ok = await run("train", ...base, "--y", "species", "--hidden", "4", "--pretrained_autoencoder", aeX, "--model_out", sup);
  assertEquals(ok.code, 0, ok.stderr);
  const bad = await run("train", ...base, "--y", "species", "--hidden", "5", "--pretrained_autoencoder", aeX);
  assertEquals(bad.code, 1);
  assert(bad.stderr.includes("hidden layer 1 (layer 2) has 4 units"), bad.stderr);
});

test("tide train --autoencoder true --nfolds 3 reports the folds' reconstruction error", async () => {
  const n = await run("train", "--training_frame", files.train, "--autoencoder", "true", "--hidden", "3", "--nfolds", "3", "--epochs", "1", "--backend", "reference");
  assertEquals(n.code, 0, n.stderr);
  assert(n.stdout.includes("cross-validation reconstruction MSE") && n.stdout.includes("Cross-Validation Metrics Summary"), n.stdout);
});

test("tide grid --autoencoder true searches autoencoders and sorts them by the reconstruction MSE", async () => {
  const r = await run("grid", "--training_frame", files.train, "--autoencoder", "true", "--epochs", "1", "--backend", "reference", "--quiet",
    "--hyper_params", '{"hidden":[[2],[3]]}', "--out_dir", join(files.dir, "grid"));
  assertEquals(r.code, 0, r.stderr);
  assert(r.stdout.includes("sorted by mse (increasing)"), r.stdout);
});

test("bad input: anomaly or --per_feature on a supervised model, a layer out of range, --y with --autoencoder, a response-only parameter", async () => {
  await trained;
  const sup = join(files.dir, "plain.tide");
  assertEquals((await run("train", "--training_frame", files.train, "--y", "species", "--hidden", "3", "--epochs", "1", "--backend", "reference", "--quiet", "--model_out", sup)).code, 0);
  const a = await run("anomaly", "--model", sup, "--frame", files.test, "--quiet");
  assertEquals(a.code, 1);
  assert(a.stderr.includes("tide anomaly needs an autoencoder") && a.stderr.includes("--autoencoder true"), a.stderr);
  const f = await run("anomaly", "--model", sup, "--frame", files.test, "--per_feature", "--quiet");
  assert(f.code === 1 && f.stderr.includes("--per_feature needs an autoencoder"), f.stderr);
  const l = await run("deepfeatures", "--model", ae, "--frame", files.test, "--layer", "3", "--quiet");
  assert(l.code === 1 && l.stderr.includes("hidden layers 0 … 2"), l.stderr);
  const y = await run("train", "--training_frame", files.train, "--autoencoder", "true", "--y", "species");
  assert(y.code === 2 && y.stderr.includes("an autoencoder has no response"), y.stderr);
  const r = await run("train", "--training_frame", files.train, "--autoencoder", "true", "--balance_classes", "true");
  assert(r.code === 2 && r.stderr.includes("balance_classes"), r.stderr);
});
