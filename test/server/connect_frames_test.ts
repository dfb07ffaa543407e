/**
 * Connect, import, parse, frames, download and Rapids routes (spec §3.1–3.11, §4, §6.2–6.3).
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { assert, assertEquals, test } from "../_harness.ts";
import { asCategorical, Frame } from "../../frame/frame.ts";
import { parseCsvText } from "../../frame/csv.ts";
import { rollups, rollupsInSlices } from "../../server/frame_json.ts";
import { evalRapids, parseRapids } from "../../server/rapids.ts";
import { ResponseCache } from "../../server/response_cache.ts";
import { Store } from "../../server/store.ts";
import { parseLenientJson, parseList } from "../../server/wire.ts";
import { testServer, threeClassCsv } from "./_server.ts";

test("connect: metadata schemas list the fields, /3/Cloud reports the client's version, JSON is application/json", async () => {
  const s = await testServer();
  try {
    for (const name of ["CloudV3", "H2OErrorV3", "H2OModelBuilderErrorV3"]) {
      const r = await s.call("GET", `/3/Metadata/schemas/${name}`);
      assertEquals(r.status, 200);
      assertEquals(r.headers.get("content-type"), "application/json");
      assertEquals(r.body.__meta.schema_name, "MetadataV3");
      const fields = r.body.schemas[0].fields.map((f: { name: string }) => f.name);
      assert(fields.includes(name === "CloudV3" ? "version" : "msg"), fields.join());
      if (name === "H2OModelBuilderErrorV3") assert(fields.includes("messages") && fields.includes("error_count"));
    }
    assertEquals((await s.call("GET", "/3/Metadata/schemas/Nope")).status, 404);
    const c = (await s.call("GET", "/3/Cloud")).body;
    assertEquals([c.__meta.schema_name, c.version, c.consensus, c.cloud_healthy, c.build_too_old, c.cloud_size], ["CloudV3", "3.46.0.12", true, true, false, 1]);
    for (const k of ["num_cpus", "cpus_allowed", "free_mem", "healthy"]) assert(k in c.nodes[0], k);
    const other = await testServer({ h2oVersion: "3.44.0.3", name: "mine" });
    assertEquals([(await other.call("GET", "/3/Cloud")).body.version, (await other.call("GET", "/3/Cloud")).body.cloud_name], ["3.44.0.3", "mine"]);
    await other.close();
    assertEquals((await s.call("GET", "/")).status, 200);
    const sess = (await s.call("POST", "/4/sessions")).body;
    assert(/^_sid_[a-z0-9]+$/.test(sess.session_key), sess.session_key);
    const tz = await s.call("POST", "/99/Rapids", { ast: '(setTimeZone "UTC")', session_id: sess.session_key });
    assertEquals([tz.body.string, "key" in tz.body], ["UTC", false]);
    assertEquals((await s.call("DELETE", "/4/sessions/unknown")).status, 200);
    const nf = await s.call("GET", "/3/Nothing/here");
    assertEquals([nf.status, nf.body.__meta.schema_name, nf.body.stacktrace], [404, "H2OErrorV3", []]);
  } finally {
    await s.close();
  }
});

test("import, parse and GET /3/Frames: int/real/enum types, rollups, the keys the client pops, 404 for a missing frame", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    assertEquals(key, "data.hex");
    const r = await s.call("GET", `/3/Frames/${key}`, { row_offset: 0, row_count: 10, column_offset: 0, column_count: -1, full_column_count: -1 });
    const f = r.body.frames[0];
    assertEquals([f.rows, f.total_column_count, f.columns.length], [120, 4, 4]);
    assertEquals(f.columns.map((c: { type: string }) => c.type), ["real", "real", "int", "enum"]);
    for (const c of f.columns) for (const k of ["__meta", "domain_cardinality", "string_data", "label", "data", "domain", "mins", "maxs", "mean", "sigma", "zero_count", "missing_count"]) assert(k in c, k);
    assertEquals(f.columns[3].domain, ["a", "b", "c"]);
    assertEquals(f.columns[3].data.slice(0, 4), [0, 1, 2, 0]);
    assertEquals(f.columns[2].zero_count, 30);
    assertEquals(f.columns[0].data.length, 10);
    const head = (await s.call("GET", `/3/Frames/${key}`, { row_count: 3, column_count: 2, full_column_count: 1 })).body.frames[0];
    assertEquals([head.columns.length, head.columns[0].data.length, head.columns[1].data], [2, 3, null]);
    const missing = await s.call("GET", "/3/Frames/nope.hex");
    assertEquals([missing.status, missing.body.__meta.schema_name], [404, "H2OErrorV3"]);
    assertEquals(await s.importCsv("data.csv"), "data1.hex");
    await writeFile(join(s.dir, "zipped.csv.gz"), gzipSync(threeClassCsv()));
    const gz = await s.importCsv("zipped.csv.gz");
    assertEquals([gz, (await s.call("GET", `/3/Frames/${gz}`)).body.frames[0].rows], ["zipped.hex", 120]);
    const csv = await s.call("GET", "/3/DownloadDataset", { frame_id: key, hex_string: "False", escape_quotes: "True" });
    assertEquals(csv.headers.get("content-type"), "application/octet-stream");
    assertEquals(csv.body.split("\n").slice(0, 2), ['"x1","x2","k","label"', threeClassCsv().split("\n")[1].replace(/,(\w)$/, ',"$1"')]);
  } finally {
    await s.close();
  }
});

test("GET /3/Frames answers from its cache only while the key holds the same frame", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    const get = async (form: Record<string, number>) => {
      const res = await s.fetch(new Request(`http://t/3/Frames/${key}?${new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)]))}`));
      return await res.text();
    };
    const first = await get({ row_count: 5 });
    assertEquals(await get({ row_count: 5 }), first);
    assert((await get({ row_count: 6 })) !== first, "another window is another answer");
    // The key now names a different (two-column) frame: the old frame's answer must not be served.
    await s.call("POST", "/99/Rapids", { ast: `(assign ${key} (cols_py ${key} [0 1]))` });
    const after = JSON.parse(await get({ row_count: 5 })).frames[0];
    assertEquals([after.total_column_count, after.columns.length], [2, 2]);
  } finally {
    await s.close();
  }
});

test("ResponseCache keeps at most perObject variants per object, oldest dropped first", () => {
  const cache = new ResponseCache<object>(2);
  const o = {};
  let built = 0;
  const get = (v: string) => cache.get(o, v, () => `${v}${++built}`);
  assertEquals([get("a"), get("a"), get("b"), get("c"), get("b"), get("a")], ["a1", "a1", "b2", "c3", "b2", "a4"]);
  assertEquals(cache.get({}, "a", () => "fresh"), "fresh");
});

test("Rapids and rollups work in slices: the same results, with yields between row blocks", async () => {
  const n = 200_000;
  const x = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
  const store = new Store();
  await store.putFrame("f", new Frame([{ name: "x", type: "numeric", data: x }, { name: "id", type: "numeric", data: Float64Array.from({ length: n }, (_, i) => i) }]));
  let ticks = 0;
  const ctx = { store, session: "s", timeZone: "UTC", tick: () => (ticks++, Promise.resolve()) };
  const { value } = await evalRapids(parseRapids("(tmp= g (rows f (< (cols_py f 0) 500)))"), ctx);
  const want = store.frame("f").rows(Array.from({ length: n }, (_, i) => i).filter((i) => x[i] < 500));
  assertEquals([(value as Frame).nrow, (value as Frame).value(7, "id")], [want.nrow, want.value(7, "id")]);
  assert(ticks >= 2 * Math.ceil(n / 65536) + 2, `${ticks} yields: mask and row list by blocks, then each column`);
  // A sorted column (ids) and a categorical one: the sliced computation equals the plain one.
  let pauses = 0;
  const big = rollups(store.frame("f").col("id"));
  assertEquals([big.mins, big.maxs, big.mean, big.integral], [[0, 1, 2, 3, 4], [n - 1, n - 2, n - 3, n - 4, n - 5], (n - 1) / 2, true]);
  assert(Math.abs(big.sigma - Math.sqrt(n * (n + 1) / 12)) < 1e-6, String(big.sigma));
  const fresh = new Frame([{ name: "id", type: "numeric", data: Float64Array.from({ length: n }, (_, i) => i) }]).col("id");
  assertEquals(await rollupsInSlices(fresh, () => (pauses++, Promise.resolve())), big);
  const cat = await rollupsInSlices(asCategorical(store.frame("f").col("x")), () => (pauses++, Promise.resolve()));
  assertEquals([cat.mins, cat.maxs, cat.missing], [[0, 0, 0, 0, 0], [999, 999, 999, 999, 999], 0]);
  assert(pauses >= 2, `${pauses} pauses`);
});

test("ImportFilesMulti: a folder with a pattern, an http URL, failures in fails; ParseSetup finds the header", async () => {
  const s = await testServer();
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const web = g.Bun?.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(threeClassCsv(30)) });
  try {
    await mkdir(join(s.dir, "parts"));
    await writeFile(join(s.dir, "parts", "p1.csv"), threeClassCsv(6));
    await writeFile(join(s.dir, "parts", "p2.csv"), threeClassCsv(9));
    await writeFile(join(s.dir, "parts", "notes.txt"), "ignore me");
    const imp = await s.call("POST", "/3/ImportFilesMulti", { paths: `[${join(s.dir, "parts")}]`, pattern: "\\.csv$" });
    assertEquals(imp.body.destination_frames.length, 2);
    const src = `[${imp.body.destination_frames.map((d: string) => `"${d}"`).join(",")}]`;
    const setup = (await s.call("POST", "/3/ParseSetup", { source_frames: src, check_header: 0 })).body;
    assertEquals([setup.check_header, setup.column_names, setup.column_types], [1, ["x1", "x2", "k", "label"], ["Numeric", "Numeric", "Numeric", "Enum"]]);
    const parse = (await s.call("POST", "/3/Parse", { source_frames: src, destination_frame: "parts.hex", check_header: 1 })).body;
    assertEquals((await s.wait(parse.job.key.name)).status, "DONE");
    assertEquals((await s.call("GET", "/3/Frames/parts.hex")).body.frames[0].rows, 15);
    const bad = await s.call("POST", "/3/ImportFilesMulti", { paths: `[${join(s.dir, "absent.csv")}]` });
    assertEquals([bad.status, bad.body.fails.length], [200, 1]);
    if (web) {
      const url = `http://127.0.0.1:${web.port}/web.csv`;
      const r = await s.call("POST", "/3/ImportFilesMulti", { paths: `[${url}]` });
      assertEquals(r.body.destination_frames, [url]);
      const p = (await s.call("POST", "/3/Parse", { source_frames: `["${url}"]`, destination_frame: "web.hex", check_header: 1 })).body;
      assertEquals((await s.wait(p.job.key.name)).status, "DONE");
      assertEquals((await s.call("GET", "/3/Frames/web.hex")).body.frames[0].rows, 30);
    }
    const badType = await s.call("POST", "/3/Parse", { source_frames: src, column_types: '["Numeric","Wat","Enum","Enum"]' });
    assertEquals([badType.status, badType.body.msg], [412, "Provided column type Wat is unknown"]);
  } finally {
    web?.stop(true);
    await s.close();
  }
});

test("ParseSetup guesses from a wide gzip file in the parse Worker: the event loop keeps turning, the guesses are those made in process", async () => {
  // 785 columns of mostly zeros, as MNIST: its 4 MiB sample is cut from several times as much text.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ["label," + Array.from({ length: 784 }, (_, j) => `p${j}`).join(",")];
  for (let i = 0; i < 4000; i++) lines.push(`${i % 10},` + Array.from({ length: 784 }, () => (rnd() < 0.8 ? 0 : Math.floor(rnd() * 256))).join(","));
  const gz = gzipSync(lines.join("\n") + "\n", { level: 1 });
  const setups = [];
  for (const workers of [true, false]) {
    const s = await testServer({ workers });
    try {
      await writeFile(join(s.dir, "wide.csv.gz"), gz);
      const imp = await s.call("POST", "/3/ImportFilesMulti", { paths: `[${join(s.dir, "wide.csv.gz")}]` });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 2);
      const r = await s.call("POST", "/3/ParseSetup", { source_frames: `["${imp.body.destination_frames[0]}"]`, check_header: 0 });
      clearInterval(timer);
      assertEquals(r.status, 200, JSON.stringify(r.body));
      // In process the sample is parsed in one go, no timer turn between; in the Worker, many.
      if (workers) assert(ticks >= 5, `${ticks} timer turns while ParseSetup ran`);
      setups.push(r.body);
    } finally {
      await s.close();
    }
  }
  assertEquals(setups[0].number_columns, 785);
  assertEquals(setups[0].column_names.slice(0, 2), ["label", "p0"]);
  assertEquals(setups[0].data.length, 10);
  for (const k of ["check_header", "column_names", "column_types", "number_columns", "data"]) assertEquals(setups[0][k], setups[1][k], k);
});

test("PostFile: raw body without a content type, multipart, the upload cap (413)", async () => {
  const s = await testServer({ maxUploadBytes: 10_000 });
  try {
    const raw = await s.fetch(new Request("http://t/3/PostFile", { method: "POST", body: threeClassCsv(10) }));
    const key = (await raw.json()).destination_frame;
    assert(/^upload[0-9a-f]+$/.test(key), key);
    const fd = new FormData();
    fd.append("file", new Blob([threeClassCsv(5)]), "x.csv");
    const mp = await (await s.fetch(new Request("http://t/3/PostFile?destination_frame=mp", { method: "POST", body: fd }))).json();
    assertEquals([mp.destination_frame, mp.total_bytes], ["mp", new TextEncoder().encode(threeClassCsv(5)).length]);
    const p = (await s.call("POST", "/3/Parse", { source_frames: '["mp"]', destination_frame: "mp.hex" })).body;
    await s.wait(p.job.key.name);
    assertEquals((await s.call("GET", "/3/Frames/mp.hex")).body.frames[0].rows, 5);
    const big = await s.fetch(new Request("http://t/3/PostFile", { method: "POST", body: "x".repeat(20_000) }));
    assertEquals([big.status, (await big.json()).__meta.schema_name], [413, "H2OErrorV3"]);
  } finally {
    await s.close();
  }
});

test("Rapids: tmp=, cols_py, rows, :=/as.factor, runif split equals Frame.splitFrame, flatten, rm, rename, sessions, errors", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    const sid = (await s.call("POST", "/4/sessions")).body.session_key;
    const rapids = (ast: string) => s.call("POST", "/99/Rapids", { ast, session_id: sid });
    const frame = async (k: string) => (await s.call("GET", `/3/Frames/${k}`, { row_count: 200 })).body.frames[0];
    const r1 = await rapids(`(tmp= py_1${sid} (:= ${key} (as.factor (cols_py ${key} 'k')) 2 []))`);
    assertEquals([r1.body.key.name, r1.body.num_rows, r1.body.num_cols, "scalar" in r1.body], [`py_1${sid}`, 120, 4, false]);
    const f1 = await frame(`py_1${sid}`);
    assertEquals([f1.columns[2].type, f1.columns[2].domain], ["enum", ["0", "1", "2", "3"]]);
    assertEquals((await rapids(`(tmp= py_1${sid} (cols_py ${key} 0))`)).status, 400);
    const cases: [string, string[]][] = [
      [`(cols_py ${key} -1)`, ["label"]], [`(cols_py ${key} 'x2')`, ["x2"]], [`(cols_py ${key} ['label' 'x1'])`, ["label", "x1"]],
      [`(cols_py ${key} [0 2])`, ["x1", "k"]], [`(cols_py ${key} [1:2])`, ["x2", "k"]],
    ];
    for (const [i, [ast, names]] of cases.entries()) {
      const r = await rapids(`(tmp= py_c${i}${sid} ${ast})`);
      assertEquals((await frame(r.body.key.name)).columns.map((c: { label: string }) => c.label), names, ast);
    }
    assertEquals((await rapids(`(cols_py ${key} 9)`)).body.msg, "Column must be an integer from 0 to 3");
    assertEquals((await rapids(`(tmp= py_r${sid} (rows ${key} [2:3]))`)).body.num_rows, 3);
    assertEquals((await rapids(`(tmp= py_m${sid} (rows ${key} (> (cols_py ${key} 'x1') 1.5)))`)).body.num_rows, 40);
    const split = await rapids(`(tmp= py_6${sid} (rows ${key} (<= (tmp= py_5${sid} (h2o.runif ${key} 1234)) 0.75)))`);
    const rest = await rapids(`(tmp= py_7${sid} (rows ${key} (> py_5${sid} 0.75)))`);
    const lib = parseCsvText(threeClassCsv()).splitFrame([0.75], 1234);
    assertEquals([split.body.num_rows, rest.body.num_rows], [lib[0].nrow, lib[1].nrow]);
    const cell = await rapids(`(tmp= py_8${sid} (rows (cols_py ${key} 'label') 4))`);
    assertEquals((await rapids(`(flatten ${cell.body.key.name})`)).body.string, "b");
    assertEquals((await rapids(`(flatten (rows (cols_py ${key} 'k') 5))`)).body.scalar, 1);
    assertEquals((await rapids(`(rm py_5${sid})`)).body.scalar, 1);
    assertEquals((await rapids(`(rm py_5${sid})`)).body.scalar, 0);
    assertEquals((await rapids(`(assign 'kept' py_6${sid})`)).body.key.name, "kept");
    await rapids(`(rename "kept" "kept2")`);
    assertEquals((await s.call("GET", "/3/Frames/kept2")).status, 200);
    for (const [ast, msg] of [["(cols_py nope 0)", "Name lookup of 'nope' failed"], ["(wat 1)", "Unknown Rapids function 'wat'"], ["(cols_py", "Missing ')' in the Rapids expression"], ["{x . x}", "Rapids functions ({ … }) are not supported by this server"]]) {
      const r = await rapids(ast);
      assertEquals([r.status, r.body.msg], [400, msg], ast);
    }
    assertEquals((await s.call("POST", "/99/Rapids", { session_id: sid })).status, 412);
    await s.call("DELETE", `/4/sessions/${sid}`);
    assertEquals([(await s.call("GET", `/3/Frames/py_6${sid}`)).status, (await s.call("GET", "/3/Frames/kept2")).status, (await s.call("GET", `/3/Frames/${key}`)).status], [404, 200, 200]);
  } finally {
    await s.close();
  }
});

test("wire parsing: H2O lists (quoted, nested, bare) and the grid's lenient JSON", () => {
  assertEquals(parseList('["a","b c"]'), ["a", "b c"]);
  assertEquals(parseList("[https://h/x.csv]"), ["https://h/x.csv"]);
  assertEquals(parseList("[[32,32],[16]]"), ["[32,32]", "[16]"]);
  assertEquals(parseList("7"), ["7"]);
  assertEquals(parseList("[]"), []);
  assertEquals(parseList("[1,NA,null]"), ["1", null, null]);
  assertEquals(parseLenientJson('{"hidden": [[32,32],[100]],"l1": [1e-06,0.001], "activation": [Rectifier,Tanh], "on": True}'),
    { hidden: [[32, 32], [100]], l1: [1e-6, 0.001], activation: ["Rectifier", "Tanh"], on: true });
  assertEquals(parseLenientJson('{"strategy": RandomDiscrete,"max_models": 10,"seed": 123456}'), { strategy: "RandomDiscrete", max_models: 10, seed: 123456 });
});

test("security: data roots refuse .., absolute paths elsewhere and symlinks out (403); malformed bodies get 400", async () => {
  const s = await testServer();
  try {
    await symlink("/etc", join(s.dir, "link"));
    for (const p of [join(s.dir, "..", "x.csv"), "/etc/passwd", join(s.dir, "link", "passwd"), "../x.csv"]) {
      const r = await s.call("POST", "/3/ImportFilesMulti", { paths: `[${p}]` });
      assertEquals([r.status, r.body.__meta.schema_name], [403, "H2OErrorV3"], p);
    }
    const badForm = await s.fetch(new Request("http://t/99/Rapids", { method: "POST", body: "ast=%ZZ", headers: { "content-type": "application/x-www-form-urlencoded" } }));
    assertEquals(badForm.status, 400);
    const badJson = await s.fetch(new Request("http://t/99/Rapids", { method: "POST", body: "{ast:", headers: { "content-type": "application/json" } }));
    assertEquals([badJson.status, (await badJson.json()).msg.startsWith("Malformed JSON body")], [400, true]);
    const badBin = await s.fetch(new Request("http://t/99/Rapids", { method: "POST", body: new Uint8Array([0xff, 0xfe]), headers: { "content-type": "application/x-www-form-urlencoded" } }));
    assertEquals(badBin.status, 400);
    const frame = new Frame([{ name: "x", type: "numeric", data: new Float64Array([1]) }]);
    assertEquals(frame.nrow, 1);
  } finally {
    await s.close();
  }
});

test("auth: every route needs HTTP Basic credentials when --auth is set", async () => {
  const s = await testServer({ auth: "ann:secret" });
  try {
    const no = await s.fetch(new Request("http://t/3/Cloud"));
    assertEquals([no.status, no.headers.get("www-authenticate")], [401, 'Basic realm="tide"']);
    const wrong = await s.fetch(new Request("http://t/3/Cloud", { headers: { authorization: `Basic ${btoa("ann:nope")}` } }));
    assertEquals(wrong.status, 401);
    const ok = await s.fetch(new Request("http://t/3/Cloud", { headers: { authorization: `Basic ${btoa("ann:secret")}` } }));
    assertEquals(ok.status, 200);
  } finally {
    await s.close();
  }
});
