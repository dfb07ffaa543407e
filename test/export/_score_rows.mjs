// Scores a CSV file with an exported JavaScript scorer, under Node or Deno (plain JavaScript, no
// TypeScript): node _score_rows.mjs score.mjs data.csv[.gz] header|noheader out.json
// Cells are passed as the raw strings of the file; the scorer applies the model's preprocessing.
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";

const [scorer, data, header, out] = process.argv.slice(2);
const mod = await import(pathToFileURL(scorer).href);
const bytes = readFileSync(data);
const lines = (data.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8").trimEnd().split("\n");
const first = lines[0].split(",");
const names = header === "header" ? first.map((s) => s.replace(/^"|"$/g, "")) : first.map((_, j) => `C${j + 1}`);
const rows = lines.slice(header === "header" ? 1 : 0).map((l) => {
  const cells = l.split(",");
  const row = {};
  for (let j = 0; j < names.length; j++) row[names[j]] = cells[j].replace(/^"|"$/g, "");
  return row;
});
const t0 = performance.now();
const preds = mod.predictBatch(rows);
const ms = performance.now() - t0;
// Columns in tide predict's order (an object lists integer-like keys such as "0" first).
const columns = mod.model.outputs;
writeFileSync(out, JSON.stringify({ ms, rows: preds.length, columns, values: preds.map((p) => columns.map((c) => p[c])) }));
