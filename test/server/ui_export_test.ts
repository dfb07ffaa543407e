// GET /3/Models/{id}/export?format=js|onnx (the model page's scorer downloads): the bytes are the
// exporters' for the stored model, the JavaScript module scores a row as the server predicts it,
// and a model the exporter refuses (an autoencoder), an unknown format or model are 4xx errors.
import { assert, assertEquals, test } from "../_harness.ts";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { dlForm, testServer } from "./_server.ts";

test("web UI routes: exports a model as a JavaScript module and as ONNX; refuses an autoencoder with the exporter's reason", async () => {
  const s = await testServer();
  const key = await s.importCsv("data.csv");
  const r = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "m" }));
  assertEquals(r.status, 200, JSON.stringify(r.body));
  assertEquals((await s.wait(r.body.job.key.name)).status, "DONE");

  const js = await s.fetch(new Request("http://t/3/Models/m/export?format=js"));
  assertEquals(js.status, 200);
  assert(js.headers.get("content-type")!.startsWith("text/javascript"));
  assertEquals(js.headers.get("content-disposition"), 'attachment; filename="m.mjs"');
  const path = join(s.dir, "m.mjs");
  await writeFile(path, await js.text());
  const mod = await import(pathToFileURL(path).href);
  // The first row of data.csv, as the server predicts it.
  const pred = await s.call("POST", `/3/Predictions/models/m/frames/${key}`, { predictions_frame: "p" });
  assertEquals(pred.status, 200, JSON.stringify(pred.body));
  const p = (await s.call("GET", "/3/Frames/p?row_count=1")).body.frames[0];
  const row = (await s.call("GET", `/3/Frames/${key}?row_count=1`)).body.frames[0].columns;
  const out = mod.predict(Object.fromEntries(row.map((c: any) => [c.label, c.type === "enum" ? c.domain[c.data[0]] : c.data[0]])));
  assertEquals(out.predict, p.columns[0].domain[p.columns[0].data[0]]);
  for (const c of p.columns.slice(1)) assert(Math.abs(out[c.label] - c.data[0]) < 1e-5, `${c.label}: ${out[c.label]} vs ${c.data[0]}`);

  const onnx = await s.fetch(new Request("http://t/3/Models/m/export?format=onnx"));
  assertEquals(onnx.status, 200);
  assertEquals(onnx.headers.get("content-disposition"), 'attachment; filename="m.onnx"');
  const bytes = new Uint8Array(await onnx.arrayBuffer());
  assertEquals(bytes[0], 0x08, "ModelProto starts with ir_version");
  const text = new TextDecoder("latin1").decode(bytes);
  for (const name of ["x1", "x2", "k", "output", "label"]) assert(text.includes(name), `the graph names ${name}`);

  const bad = await s.call("GET", "/3/Models/m/export?format=pmml");
  assertEquals(bad.status, 412);
  assert(bad.body.msg.includes("format") && bad.body.msg.includes("onnx"), bad.body.msg);
  assertEquals((await s.call("GET", "/3/Models/nope/export?format=js")).status, 404);

  const { response_column: _y, ...ae } = dlForm({ training_frame: key, model_id: "ae", autoencoder: "True", hidden: "[2]", epochs: "1", ignored_columns: '["label"]' });
  const a = await s.call("POST", "/3/ModelBuilders/deeplearning", ae);
  assertEquals(a.status, 200, JSON.stringify(a.body));
  assertEquals((await s.wait(a.body.job.key.name)).status, "DONE");
  for (const format of ["js", "onnx"]) {
    const refused = await s.call("GET", `/3/Models/ae/export?format=${format}`);
    assertEquals(refused.status, 412);
    assertEquals(refused.body.__meta.schema_name, "H2OErrorV3");
    assert(refused.body.msg.includes("autoencoders are not exported"), refused.body.msg);
  }
  await s.close();
});
