// Scores a CSV file with an exported ONNX model in onnxruntime-node (plain CommonJS, run by Node):
// node _ort_score.cjs model.onnx data.csv header|noheader out.json
// Numeric columns are fed as float (NaN for missing), categorical ones as strings, as the model's
// inputs declare; prints nothing, writes { columns, values } like _score_rows.mjs.
const { readFileSync, writeFileSync } = require("node:fs");
const { gunzipSync } = require("node:zlib");
const ort = require("onnxruntime-node");

async function main() {
  const [modelPath, data, header, out] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(modelPath);
  const bytes = readFileSync(data);
  const lines = (data.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8").trimEnd().split("\n");
  const first = lines[0].split(",");
  const names = header === "header" ? first.map((s) => s.replace(/^"|"$/g, "")) : first.map((_, j) => `C${j + 1}`);
  const rows = lines.slice(header === "header" ? 1 : 0).map((l) => l.split(",").map((c) => c.replace(/^"|"$/g, "")));
  const feeds = {};
  for (const { name: input, type } of session.inputMetadata) {
    const j = names.indexOf(input);
    const cells = rows.map((r) => (j < 0 ? "" : r[j]));
    feeds[input] = type === "string"
      ? new ort.Tensor("string", cells, [rows.length, 1])
      : new ort.Tensor("float32", Float32Array.from(cells, (c) => (c === "" || c === "NA" ? NaN : Number(c))), [rows.length, 1]);
  }
  const t0 = performance.now();
  const result = await session.run(feeds);
  const ms = performance.now() - t0;
  const output = result.output;
  const width = output.dims[1];
  const values = [];
  for (let i = 0; i < rows.length; i++) {
    const row = Array.from(output.data.subarray(i * width, (i + 1) * width));
    values.push(result.label ? [Number(result.label.data[i]), ...row] : row);
  }
  writeFileSync(out, JSON.stringify({ ms, rows: rows.length, values }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
