/**
 * Issue 7, "never silently wrong", through the CLI: each ordinary mistake gets a message that
 * names it (and an exit status that says so), and no file the user had is changed.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clip, memoryIo } from "../../cli/_io.ts";
import { saveModel } from "../../cli/_training.ts";
import { isInternal, main } from "../../cli/main.ts";
import { estimateTrainingMemory, formatBytes } from "../../core/train/memory.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { encodeModel } from "../../model/file.ts";
import { parseCsvText } from "../../frame/csv.ts";

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const LEVELS: Record<string, string[]> = { color: ["red", "green", "blue"], size: ["S", "M", "L"], shape: ["round", "square"] };

/** A regression on three categorical predictors (no numeric column but the response). */
function shopCsv(rows: number, seed = 1, withPrice = true): string {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = [withPrice ? "color,size,shape,price" : "color,size,shape"];
  for (let i = 0; i < rows; i++) {
    const r = Object.values(LEVELS).map((l) => l[Math.floor(rnd() * l.length)]);
    const price = LEVELS.color.indexOf(r[0]) * 3 + LEVELS.size.indexOf(r[1]) + rnd();
    lines.push(withPrice ? `${r.join(",")},${price.toFixed(3)}` : r.join(","));
  }
  return lines.join("\n") + "\n";
}

let shared: Promise<{ dir: string; train: string; model: string }> | null = null;

/** A folder with train.csv and a model trained on it (once for the file). */
function fixture(): Promise<{ dir: string; train: string; model: string }> {
  shared ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "tide-issue7-"));
    const train = join(dir, "train.csv"), model = join(dir, "m.tide");
    await writeFile(train, shopCsv(200));
    const r = await run("train", "--training_frame", train, "--y", "price", "--hidden", "8", "--epochs", "3", "--seed", "1", "--reproducible", "--quiet", "--model_out", model);
    assertEquals(r.code, 0, r.stderr);
    return { dir, train, model };
  })();
  return shared;
}

async function snapshot(paths: string[]): Promise<string[]> {
  return await Promise.all(paths.map(async (p) => {
    const st = await stat(p).catch(() => null);
    return st ? `${p} ${st.mode} ${st.size} ${st.mtimeMs} ${(await readFile(p)).toString("base64").slice(0, 4000)}` : `${p} absent`;
  }));
}

async function folderListing(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

test("predict: an all-categorical scoring file with a header is scored row by row, not as 11 identical rows", async () => {
  const { dir, model } = await fixture();
  const score = join(dir, "score.csv"), out = join(dir, "pred.csv");
  await writeFile(score, shopCsv(10, 7, false));
  const r = await run("predict", "--model", model, "--frame", score, "--out", out, "--quiet");
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, "", "a matching frame gives no warning");
  const lines = (await readFile(out, "utf8")).trim().split("\n");
  assertEquals(lines.length, 11, "a header plus 10 predictions");
  assert(new Set(lines.slice(1)).size > 1, `predictions differ by row: ${lines}`);
  // --header false reads the names as a data row: then every level is unseen, and it says so.
  const h = await run("predict", "--model", model, "--frame", score, "--header", "false", "--quiet");
  assertEquals(h.code, 0);
  assert(/Column "color" is missing from the frame; all 11 row\(s\)/.test(h.stderr), h.stderr);
  // describe honours --header too.
  const d = await run("describe", score, "--header", "false");
  assert(d.stdout.includes("11 rows × 3 columns"), d.stdout);
  assert((await run("describe", score)).stdout.includes("10 rows × 3 columns"));
});

test("parseCsv() guesses a header for a file without numeric columns when its names never recur as values", () => {
  const f = parseCsvText(shopCsv(10, 3, false));
  assertEquals([f.names, f.nrow], [["color", "size", "shape"], 10]);
  // Levels that never repeat give no evidence either way: data, as before.
  assertEquals(parseCsvText("red,small\nblue,large\n").nrow, 2);
  // A first row whose value recurs in its column is data.
  assertEquals(parseCsvText("red,S\nred,M\nblue,M\n").nrow, 3);
  // One all-text line is a header with no rows.
  const one = parseCsvText("color,size\n");
  assertEquals([one.names, one.nrow], [["color", "size"], 0]);
});

test("predict: each column mismatch warns with its row count; --strict refuses them all and writes nothing", async () => {
  const { dir, model } = await fixture();
  const bad = join(dir, "mismatch.csv"), out = join(dir, "strict.csv");
  // Renamed (shape → form), case-only name (Color), unseen level (XL), case-only level (m).
  await writeFile(bad, "Color,size,form\nred,S,round\nblue,XL,round\ngreen,m,square\nred,XL,round\n");
  const r = await run("predict", "--model", model, "--frame", bad, "--quiet");
  assertEquals(r.code, 0);
  const warnings = r.stderr.trim().split("\n");
  assertEquals(warnings.length, 4, r.stderr);
  assert(warnings.every((w) => w.startsWith("warning: ")), r.stderr);
  assert(r.stderr.includes(`Column "color" is missing from the frame; all 4 row(s) treat it as missing; the frame has "Color", which differs only in case`), r.stderr);
  assert(r.stderr.includes(`Column "shape" is missing from the frame; all 4 row(s) treat it as missing; the frame has column(s) the model does not use ("Color", "form"): was it renamed?`), r.stderr);
  assert(r.stderr.includes(`2 row(s) of "size" have levels unseen in training ("XL")`), r.stderr);
  assert(r.stderr.includes(`1 row(s) of "size" have levels that differ from training levels only in case ("m" vs "M")`), r.stderr);
  const s = await run("predict", "--model", model, "--frame", bad, "--quiet", "--strict", "--out", out);
  assertEquals(s.code, 1);
  assertEquals(s.stderr.trim().split("\n").length, 4, s.stderr);
  assert(s.stderr.split("\n").filter(Boolean).every((l) => l.startsWith("error: ")), s.stderr);
  assert(!(await folderListing(dir)).includes("strict.csv"), "--strict wrote no output");
});

test("predict: numbers where levels were, and text where numbers were, warn with counts", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-issue7-types-"));
  try {
    const train = join(dir, "t.csv"), model = join(dir, "m.tide"), score = join(dir, "s.csv");
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 7},${["a", "b", "c"][i % 3]},${(i % 5) + (i % 3)}`);
    await writeFile(train, ["x,g,y", ...rows].join("\n") + "\n");
    assertEquals((await run("train", "--training_frame", train, "--y", "y", "--hidden", "3", "--epochs", "1", "--quiet", "--model_out", model)).code, 0);
    // x arrives as text (two rows not numbers), g arrives as numbers, and one x is infinite.
    await writeFile(score, "x,g,y\n1,1,0\nlots,2,0\n3,3,0\nnone,1,0\n");
    const r = await run("predict", "--model", model, "--frame", score, "--quiet");
    assertEquals(r.code, 0, r.stderr);
    assert(r.stderr.includes(`Column "x" was numeric in training but is categorical here; converted to numbers, 2 row(s) that are not numbers treated as missing`), r.stderr);
    assert(r.stderr.includes(`Column "g" was categorical in training but holds numbers here`), r.stderr);
    assert(r.stderr.includes(`4 row(s) of "g" have levels unseen in training ("1", "2", "3")`), r.stderr);
    await writeFile(score, "x,g,y\n1,a,0\nInf,b,0\n-1e400,c,0\n");
    const inf = await run("predict", "--model", model, "--frame", score, "--quiet");
    assertEquals(inf.code, 0);
    assert(inf.stderr.includes(`2 row(s) of "x" hold an infinite value; they are treated as missing`), inf.stderr);
    assertEquals((await run("predict", "--model", model, "--frame", score, "--quiet", "--strict")).code, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("predict: a file with a header and no rows predicts nothing and says so", async () => {
  const { dir, model } = await fixture();
  const empty = join(dir, "empty.csv"), out = join(dir, "empty_pred.csv");
  await writeFile(empty, "color,size,shape\n");
  const r = await run("predict", "--model", model, "--frame", empty, "--out", out, "--quiet");
  assertEquals(r.code, 0);
  assertEquals(r.stderr, `warning: ${empty} has no rows after its header: there is nothing to predict\n`);
  assertEquals(await readFile(out, "utf8"), "predict\n");
});

test("train: an infinite value in the data names its column and row, and no model is written", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-issue7-inf-"));
  try {
    const csv = join(dir, "inf.csv"), model = join(dir, "m.tide");
    await writeFile(csv, "a,b,y\n1,2,3\n2,Inf,4\n3,1e400,5\n4,5,6\n");
    const before = await snapshot([csv]);
    const r = await run("train", "--training_frame", csv, "--y", "y", "--quiet", "--model_out", model);
    assertEquals(r.code, 1);
    assertEquals(r.stderr, `error: Cannot train: Column "b" holds Infinity at row 2 (and 1 more row(s)): training needs finite numbers; fix the value, or make it missing (an empty field or NA)\n`);
    assertEquals(await snapshot([csv]), before);
    assertEquals(await folderListing(dir), ["inf.csv"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("train: non-finite parameters are refused (max_w2 may be Inf), with the other plan errors, before the file is read", async () => {
  const r = await run("train", "--training_frame", "/nonexistent/t.csv", "--y", "y", "--rate", "Inf", "--epochs", "1e400", "--l1", "-inf",
    "--activation", "Tanh", "--hidden", "4", "--hidden_dropout_ratios", "0.5", "--sparsity_beta", "0.5", "--max_w2", "Inf");
  assertEquals(r.code, 2);
  assertEquals(r.stderr.trimEnd().split("\n"), [
    `error: "rate" must be a finite number (float, > 0): got "Inf"`,
    `error: "epochs" must be a finite number (float, ≥ 0): got "1e400"`,
    `error: "l1" must be a finite number (float, ≥ 0): got "-inf"`,
    `error: "hidden_dropout_ratios" needs a …WithDropout activation: use "TanhWithDropout"`,
    `error: "sparsity_beta" applies to autoencoders only: set autoencoder = true or remove it`,
    `Run "tide train --help" for the flags.`,
  ]);
  assert(!r.stderr.includes("import"), "the file was never read");
});

test("outputs that are inputs are refused before any work, comparing real paths; no file changes", async () => {
  const { dir, train, model } = await fixture();
  const score = join(dir, "score2.csv"), link = join(dir, "link.csv");
  await writeFile(score, shopCsv(5, 9, false));
  await rm(link, { force: true });
  await symlink(train, link);
  const files = [train, model, score];
  const before = await snapshot(files);
  const cases: [string[], string][] = [
    [["predict", "--model", model, "--frame", score, "--out", score], `--out "${score}" is the same file as --frame`],
    [["predict", "--model", model, "--frame", score, "--out", model], `--out "${model}" is the same file as --model`],
    [["predict", "--model", model, "--frame", score, "--out", join(dir, ".", "m.tide")], "is the same file as --model"],
    [["train", "--training_frame", train, "--y", "price", "--model_out", train], `--model_out "${train}" is the same file as --training_frame`],
    [["train", "--training_frame", train, "--y", "price", "--model_out", link], `--model_out "${link}" is the same file as --training_frame`],
    [["train", "--training_frame", link, "--y", "price", "--validation_frame", score, "--model_out", score], "is the same file as --validation_frame"],
    [["train", "--training_frame", train, "--y", "price", "--model_out", ""], "--model_out is empty: give a file name, or leave the flag out"],
    [["train", "--training_frame", train, "--y", "price", "--model_out", join(train, "m.tide")], `"${train}" is not a folder`],
    [["train", "--training_frame", train, "--y", "price", "--model_out", dir], "is a directory"],
    [["predict", "--model", model, "--frame", score, "--out", ""], "--out is empty"],
  ];
  for (const [args, message] of cases) {
    const r = await run(...args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert(r.stderr.includes(message), `${args.join(" ")}: ${r.stderr}`);
    assert(!r.stderr.includes("Imported"), "refused before importing");
  }
  assertEquals(await snapshot(files), before);
});

test("writes keep an existing file's mode and write through a symlink", async () => {
  const { dir, model } = await fixture();
  const score = join(dir, "score3.csv"), out = join(dir, "private.csv"), target = join(dir, "real_out.csv"), link = join(dir, "out_link.csv");
  await writeFile(score, shopCsv(3, 5, false));
  await writeFile(out, "old\n");
  await chmod(out, 0o600);
  assertEquals((await run("predict", "--model", model, "--frame", score, "--out", out, "--quiet")).code, 0);
  assertEquals((await stat(out)).mode & 0o777, 0o600);
  assert((await readFile(out, "utf8")).startsWith("predict\n"));
  await writeFile(target, "old\n");
  await rm(link, { force: true });
  await symlink(target, link);
  assertEquals((await run("predict", "--model", model, "--frame", score, "--out", link, "--quiet")).code, 0);
  assert((await readFile(target, "utf8")).startsWith("predict\n"), "the file the link points to was replaced");
  const { lstat } = await import("node:fs/promises");
  assert((await lstat(link)).isSymbolicLink(), "the link is still a link");
});

test("a write removes stale temporary files of its own naming (a killed save), not those of live processes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-issue7-tmp-"));
  try {
    const m = await DeepLearningModel.load((await fixture()).model);
    const dead = join(dir, ".m.tide.tmp-999999999-abc-def");
    const live = join(dir, `.m.tide.tmp-${process.ppid}-abc-def`);
    const other = join(dir, ".other.tide.tmp-999999999-abc-def");
    for (const f of [dead, live, other]) await writeFile(f, "partial");
    await m.save(join(dir, "m.tide"));
    assertEquals(await folderListing(dir), [".m.tide.tmp-" + process.ppid + "-abc-def", ".other.tide.tmp-999999999-abc-def", "m.tide"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("saveModel(): Ctrl-C during the save finishes it with a message; a second Ctrl-C abandons it and leaves no file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-issue7-sigint-"));
  try {
    const m = await DeepLearningModel.load((await fixture()).model);
    const io = memoryIo();
    const path = join(dir, "m.tide");
    const saving = saveModel(m, path, io);
    process.emit("SIGINT" as never);
    assertEquals(await saving, true);
    assert(io.stderr.includes(`Finishing the save to ${path}`) && io.stderr.includes(`Model saved to ${path} despite the interrupt`), io.stderr);
    assertEquals(encodeModel(m.data).length, (await stat(path)).size);
    // Twice: the partial file is removed and the exit status is 130; the earlier file stays.
    const io2 = memoryIo();
    const codes: number[] = [];
    const saving2 = saveModel(m, path, io2, (c) => codes.push(c));
    const before = await snapshot([path]);
    process.emit("SIGINT" as never);
    process.emit("SIGINT" as never);
    await saving2.catch(() => {});
    assertEquals(codes, [130]);
    assert(io2.stderr.includes(`Save abandoned: ${path} was not written`), io2.stderr);
    assertEquals((await folderListing(dir)).filter((n) => n.includes(".tmp-")), []);
    assertEquals((await snapshot([path]))[0].split(" ")[2], before[0].split(" ")[2]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("internal errors print as internal, with 'please report' and the stack in a log file; user errors do not", async () => {
  assert(isInternal(new TypeError("null is not an object (evaluating 'prep.response.kind')")));
  assert(isInternal(new TypeError("Cannot read properties of null (reading 'kind')")));
  assert(isInternal(new ReferenceError("x is not defined")));
  assert(isInternal(new Error("plain")));
  assert(!isInternal(new RangeError(`Cannot read "m.tide": no such file`)));
  assert(!isInternal(new TypeError(`Cannot import file: "a" is a directory, expected a CSV file`)));
  // A crafted model file (valid checksum, inconsistent contents) is now a clean load error.
  const { dir, model } = await fixture();
  const m = await DeepLearningModel.load(model);
  const crafted = join(dir, "crafted.tide");
  await writeFile(crafted, encodeModel({ ...m.data, preprocessor: { ...m.data.preprocessor, response: null } }));
  const r = await run("predict", "--model", crafted, "--frame", join(dir, "train.csv"));
  assertEquals(r.code, 1);
  assert(r.stderr.startsWith(`error: Cannot load "${crafted}": the header does not describe a Tide model (no response)`), r.stderr);
  // An internal error from a command: exit 70, the log holds the stack.
  const { commands } = await import("../../cli/main.ts");
  const boom = { name: "boom", summary: "", usage: "", description: "", flags: () => ({}), run: () => Promise.resolve((null as unknown as { x: number }).x) };
  (commands as unknown as unknown[]).push(boom);
  try {
    const b = await run("boom");
    assertEquals(b.code, 70);
    const log = /attaching (\S+) \(it holds the stack trace\)/.exec(b.stderr)?.[1];
    assert(b.stderr.startsWith("internal error: ") && b.stderr.includes("please report it") && log, b.stderr);
    const text = await readFile(log!, "utf8");
    assert(text.includes("tide boom") && text.includes("    at "), text);
    await rm(log!);
  } finally {
    (commands as unknown as unknown[]).pop();
  }
});

test("train: nthreads above the core count is capped with a warning, shown with --quiet too", async () => {
  const { train } = await fixture();
  for (const quiet of [[], ["--quiet"]]) {
    const r = await run("train", "--training_frame", train, "--y", "price", "--hidden", "2", "--epochs", "0.1", "--nthreads", "1000", ...quiet);
    assertEquals(r.code, 0, r.stderr);
    assert(/warning: "nthreads" = 1000 is more than the \d+ core\(s\) here: training uses \d+/.test(r.stderr), `${quiet}: ${r.stderr}`);
  }
});

test("train: a network that cannot fit in memory is refused with the estimate, before allocating", async () => {
  const { train } = await fixture();
  const r = await run("train", "--training_frame", train, "--y", "price", "--hidden", "50000,50000", "--quiet");
  assertEquals(r.code, 1);
  assert(/^error: Cannot train: the network 11-50000-50000-1 \(2,500,700,001 weights and biases\) needs about \d+ GB of memory \(.*\), but only .* is available: use fewer or smaller hidden layers\n$/.test(r.stderr), r.stderr);
  const e = estimateTrainingMemory({ units: [784, 32, 32, 32, 10], optimizerSlots: 2, threads: 2, miniBatch: 1, precision: 32 });
  assertEquals(e.parameters, 784 * 32 + 32 + 2 * (32 * 32 + 32) + 32 * 10 + 10);
  assert(e.bytes > e.parameters * 3 * 4 && e.bytes < e.parameters * 3 * 40, formatBytes(e.bytes));
});

test("echoed values are capped: a 1 MB column name does not make a 1 MB message", async () => {
  const { train } = await fixture();
  const huge = "x".repeat(1_000_000);
  const r = await run("train", "--training_frame", train, "--y", huge, "--quiet");
  assertEquals(r.code, 1);
  assert(r.stderr.length < 3000, `${r.stderr.length} characters`);
  assert(r.stderr.includes("(1,000,000 characters)"), r.stderr.slice(0, 400));
  assertEquals(clip(`No column "${"y".repeat(200)}" here`), `No column "${"y".repeat(80)}…${"y".repeat(20)}" (200 characters) here`);
});

test("--y -h is a missing value, not a request for help", async () => {
  const r = await run("train", "--training_frame", "t.csv", "--y", "-h");
  assertEquals(r.code, 2);
  assertEquals(r.stderr, `error: --y needs a value (string): got the flag "-h"\nRun "tide train --help" for the flags.\n`);
  assertEquals(r.stdout, "");
});

test("train: a continuous response with a classification distribution is refused", async () => {
  const { train } = await fixture();
  const r = await run("train", "--training_frame", train, "--y", "price", "--distribution", "multinomial", "--quiet");
  assertEquals(r.code, 1);
  assert(/^error: Cannot train: distribution multinomial makes each value of the numeric response "price" a class, but row \d+ holds [\d.]+, which is not a class label/.test(r.stderr), r.stderr);
});

test("predict: a first line that holds the model's column names is the header, even when the guess says data", async () => {
  const { dir, model } = await fixture();
  const one = join(dir, "one.csv");
  await writeFile(one, "color,size,shape\nred,S,round\n"); // one row: nothing repeats, so the guess alone says data
  const r = await run("predict", "--model", model, "--frame", one, "--quiet");
  assertEquals(r.code, 0);
  assertEquals(r.stderr, `note: the first line of ${one} names the model's columns, so it is read as the header (--header false reads it as data)\n`);
  assert(r.stdout.startsWith("First 1 of 1 rows"), r.stdout);
});

test("DeepLearningModel.predict() reports mismatches through onWarning, and strict throws them all", async () => {
  const m = await DeepLearningModel.load((await fixture()).model);
  const frame = parseCsvText("color,size\nred,XL\nRed,S\n", { header: true });
  const warnings: string[] = [];
  const pred = await m.predict(frame, { onWarning: (w) => warnings.push(w) });
  assertEquals(pred.nrow, 2);
  assertEquals(warnings.length, 3, warnings.join("\n"));
  let thrown: unknown = null;
  await m.predict(frame, { strict: true }).catch((e) => (thrown = e));
  assert(thrown instanceof RangeError && (thrown as unknown as { problems: string[] }).problems.length === 3, String(thrown));
  m.close();
});
