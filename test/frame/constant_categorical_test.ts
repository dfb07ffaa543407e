/**
 * Constant and all-missing categorical columns keep no per-row array (frame/vector.ts,
 * CodeVector), and every reader sees the same levels as from a coded column: CSV import,
 * asfactor, row selections, describe, one-hot preprocessing, prediction, the CSV writers,
 * arquero, the server's Rapids, frame files and the columns it shares with Workers.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, test } from "../_harness.ts";
import { fromArquero, toArquero } from "../../frame/arquero.ts";
import { parseCsvText } from "../../frame/csv.ts";
import { formatDescribe } from "../../frame/format.ts";
import { type CategoricalColumn, Frame } from "../../frame/frame.ts";
import { adaptFrame, expandRow, fitPreprocessor, packRows } from "../../core/train/preprocess.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { frameToCsv } from "../../cli/predict.ts";
import { frameCsv } from "../../server/frame_json.ts";
import { decodeFrame, encodeFrame, Store } from "../../server/store.ts";
import { reviveColumns, sharedColumns } from "../../server/shared_columns.ts";
import { evalRapids, parseRapids } from "../../server/rapids.ts";

// 40 rows: k varies (a, b, c, NA), same is always "s", none is never present (declared categorical).
const ROWS = Array.from({ length: 40 }, (_, i) => {
  const k = i % 7 === 6 ? "" : "abc"[i % 3];
  const x = ((i * 37) % 23) / 4;
  const y = (k === "a") !== x > 2.5 ? "yes" : "no";
  return `${x},${k},s,,${y}`;
});
const CSV = `x,k,same,none,y\n${ROWS.join("\n")}\n`;
const full = parseCsvText(CSV, { columnTypes: { none: "categorical" } });
const cat = (f: Frame, name: string) => f.col(name) as CategoricalColumn;
const levels = (f: Frame, name: string) => Array.from({ length: f.nrow }, (_, i) => f.value(i, name));

test("CSV import stores a one-level column as constant and an all-missing one as missing, with no per-row bytes", () => {
  const s = Object.fromEntries(full.storage().map((c) => [c.name, c]));
  assertEquals([s.k.storage, s.same.storage, s.none.storage], ["int8", "constant", "missing"]);
  assertEquals([s.same.bytes, s.none.bytes], [0, 0]);
  assertEquals(full.bytes, s.x.bytes + 40 + 40, "x, k and y take bytes; same and none take none");
  assertEquals([cat(full, "same").domain, cat(full, "none").domain], [["s"], []]);
  assertEquals(levels(full, "same"), Array(40).fill("s"));
  assertEquals(levels(full, "none"), Array(40).fill(null));
  assertEquals(full.describe().map((d) => [d.name, d.missing, d.cardinality]).slice(2, 4), [["same", 0, 1], ["none", 40, 0]]);
  const text = formatDescribe(full, { layout: "long" });
  assert(/^same\s+enum\s+constant\s/m.test(text) && /^none\s+enum\s+missing\s/m.test(text), text);
  assert(text.includes("constant (0 B)") && text.includes("missing (0 B)"), text);
});

test("asfactor of a constant numeric column, row selections and splits keep or reach the constant form", () => {
  const f = new Frame([{ name: "n", type: "numeric", data: [7, 7, 7] }]).asfactor("n");
  assertEquals([f.storage()[0].storage, cat(f, "n").domain, levels(f, "n")], ["constant", ["7"], ["7", "7", "7"]]);
  const rowsA = Array.from({ length: 40 }, (_, i) => i).filter((i) => full.value(i, "k") === "a");
  const onlyA = full.rows(rowsA);
  assertEquals([onlyA.storage()[1].storage, cat(onlyA, "k").domain], ["constant", ["a", "b", "c"]], "a subset keeps the whole domain");
  assertEquals(levels(onlyA, "k"), rowsA.map(() => "a"));
  const parts = full.splitFrame([0.5], 3);
  assertEquals(parts.map((p) => p.storage()[2].storage), ["constant", "constant"]);
  assertEquals(parts[0].nrow + parts[1].nrow, 40);
});

test("arquero: export gives every row's level, and a concatenation with other rows stops being constant", () => {
  const t = toArquero(full);
  assertEquals(Array.from(t.array("same") as ArrayLike<unknown>), Array(40).fill("s"));
  assertEquals(Array.from(t.array("none") as ArrayLike<unknown>), Array(40).fill(null));
  const back = fromArquero(t);
  assertEquals(back.storage().map((c) => c.storage), full.storage().map((c) => c.storage));
  assertEquals(levels(back, "same"), levels(full, "same"));
  const other = toArquero(parseCsvText("x,k,same,none,y\n1,a,t,z,no\n", { columnTypes: { none: "categorical" } }));
  const both = fromArquero(t.concat(other));
  assertEquals([both.storage()[2].storage, cat(both, "same").domain, both.value(40, "same")], ["int8", ["s", "t"], "t"]);
  assertEquals([both.storage()[3].storage, both.value(39, "none"), both.value(40, "none")], ["int8", null, "z"]);
});

test("one-hot preprocessing reads a constant column's rows as the same rows of a coded column", () => {
  const opts = {
    response: "y", classification: true, ignored: [], weightsColumn: null, ignoreConstCols: true, useAllFactorLevels: true,
    standardize: true, sparse: false, autoencoder: false, standardizeResponse: false,
  };
  const { spec } = fitPreprocessor(full, opts);
  assert(spec !== null);
  assertEquals(spec!.inputs.map((i) => i.name), ["k", "x"], "constant and all-missing columns are dropped as H2O does");
  const rowsA = [0, 3, 9, 12];
  const rowsNA = [6, 13, 20, 27];
  for (const [rows, storage] of [[rowsA, "constant"], [rowsNA, "missing"]] as const) {
    const sub = full.rows(rows);
    assertEquals(sub.storage()[1].storage, storage);
    const fromFull = packRows(spec!, adaptFrame(spec!, full), { rows });
    const fromSub = packRows(spec!, adaptFrame(spec!, sub));
    assertEquals(Array.from(fromSub.dense ?? fromSub.csr!.value), Array.from(fromFull.dense ?? fromFull.csr!.value));
    const a = adaptFrame(spec!, sub), b = adaptFrame(spec!, full);
    const x = new Float64Array(spec!.width), y = new Float64Array(spec!.width);
    rows.forEach((r, i) => {
      expandRow(spec!, a, i, x);
      expandRow(spec!, b, r, y);
      assertEquals(Array.from(x), Array.from(y), `row ${r}`);
    });
  }
});

test("an unseen level held by every row of a constant column is counted for every row and reads as missing", () => {
  const opts = {
    response: "y", classification: true, ignored: [], weightsColumn: null, ignoreConstCols: true, useAllFactorLevels: true,
    standardize: true, sparse: false, autoencoder: false, standardizeResponse: false,
  };
  const { spec } = fitPreprocessor(full, opts);
  const unseen = new Frame([{ name: "x", type: "numeric", data: [1, 2, 3, 4] }, { name: "k", type: "categorical", codes: [1, 1, 1, 1], domain: ["a", "z"] }]);
  assertEquals(unseen.storage()[1].storage, "constant");
  const a = adaptFrame(spec!, unseen);
  const k = a.columns[0]!;
  assertEquals([k.storage, Array.from(k as Iterable<number>)], ["missing", [-1, -1, -1, -1]]);
  assert(a.messages.some((m) => m.field === "k" && m.message.startsWith("4 row(s)") && m.message.includes('"z"')), JSON.stringify(a.messages));
});

test("predict on a frame whose categorical predictor is constant or missing gives the full frame's predictions", async () => {
  const model = await new DeepLearning({ seed: 1, hidden: [4], epochs: 2, ignore_const_cols: false, reproducible: true })
    .train({ y: "y", training_frame: full, backend: referenceBackend() });
  const all = await model.predict(full);
  for (const rows of [[0, 3, 9, 12], [6, 13, 20]]) {
    const sub = full.rows(rows);
    assert(sub.storage()[1].bytes === 0);
    const pred = await model.predict(sub);
    assertEquals(levels(pred, "predict"), rows.map((r) => all.value(r, "predict")));
    assertEquals(levels(pred, "yes"), rows.map((r) => all.value(r, "yes")));
  }
  assertEquals(levels(await model.predict(full.select(["x", "k", "same", "none"])), "predict"), levels(all, "predict"));
});

test("the CSV writers print a constant column's level and an all-missing column's empty field on every row", () => {
  const f = full.rows([0, 1]).select(["k", "same", "none"]);
  assertEquals(frameToCsv(f), "k,same,none\na,s,\nb,s,\n");
  assertEquals(frameCsv(f), '"k","same","none"\n"a","s",\n"b","s",\n');
});

test("server frame files keep a constant column as one value and read it back the same", async () => {
  const big = full.rows(Array.from({ length: 4000 }, (_, i) => i % 40));
  const extra = encodeFrame("f", big).length - encodeFrame("f", big.select(["x", "k", "y"])).length;
  assert(extra < 200, `4000 rows of constant columns add ${extra} bytes: their header lines only`);
  const bytes = encodeFrame("f", full);
  const { frame } = decodeFrame(bytes, "f.frame");
  assertEquals(frame.storage(), full.storage());
  for (const n of full.names) assertEquals(levels(frame, n), levels(full, n));
  const dir = await mkdtemp(join(tmpdir(), "tide-const-"));
  try {
    await new Store(dir).putFrame("const.hex", full);
    assertEquals((await stat(join(dir, "frames", "const.hex.frame"))).size, encodeFrame("const.hex", full).length);
    const store = new Store(dir);
    assertEquals((await store.load()).frames, 1);
    assertEquals(store.frame("const.hex").storage(), full.storage());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("columns shared with Workers keep the constant form and revive after a structured clone", () => {
  const cols = reviveColumns(structuredClone(sharedColumns(full.columns)));
  const f = new Frame(cols);
  assertEquals(f.storage(), full.storage());
  for (const n of full.names) assertEquals(levels(f, n), levels(full, n));
  assertEquals(cat(f, "same").codes.at(5), 0);
});

test("Rapids: a row selection of one level, a string column appended and as.factor of a constant are constant", async () => {
  const store = new Store(null);
  await store.putFrame("f", full);
  const ctx = { store, session: "s", timeZone: "UTC" };
  const run = async (ast: string) => (await evalRapids(parseRapids(ast), ctx)).value as Frame;
  const a = await run(`(rows f (== (cols_py f 'k') "a"))`);
  assertEquals([a.storage()[1].storage, levels(a, "k").every((v) => v === "a"), a.nrow], ["constant", true, 12]);
  const g = await run(`(append f "tag" "t")`);
  assertEquals([g.storage()[5].storage, g.storage()[5].bytes, cat(g, "t").domain, g.value(39, "t")], ["constant", 0, ["tag"], "tag"]);
  const h = await run(`(as.factor (cols_py f 'same'))`);
  assertEquals([h.storage()[0].storage, levels(h, "same")], ["constant", levels(full, "same")]);
});
