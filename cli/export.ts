/**
 * `tide export`: a model file out of Tide, as H2O's POJO/MOJO export: `--format js` writes one
 * dependency-free ES module that scores rows, `--format onnx` an ONNX graph of the network and
 * its preprocessing. Written atomically.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { exportJs } from "../export/js.ts";
import { scoringModel } from "../export/model_view.ts";
import { exportOnnx } from "../export/onnx.ts";
import { writeFileAtomic } from "../io/files.ts";
import { backends } from "../backends/mod.ts";
import { distributions } from "../plugins/mod.ts";
import { VERSION } from "../version.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { count } from "./_io.ts";
import { loadModelChecked, PLUGIN_FLAG } from "./_plugins.ts";

const EXPORT_FLAGS: ParamSpecs = {
  model: { type: "string", default: null, help: "Model file written by tide train --model_out (required)" },
  format: { type: "enum", default: "js", values: ["js", "onnx"], help: "js: one ES module with predict(row); onnx: an ONNX model" },
  out: { type: "string", default: null, help: "File to write (required), e.g. score.mjs or model.onnx" },
  ...PLUGIN_FLAG,
};

/** `tide export`. */
export const exportCommand: Command = {
  name: "export",
  summary: "Export a model as a standalone JavaScript scorer or an ONNX model",
  usage: "tide export --model FILE --format js|onnx --out FILE",
  description: [
    "--format js writes one ES module with no dependencies: predict(row) takes { column: raw value } with",
    "H2O's column names and returns H2O's prediction columns, with the model's preprocessing (imputation,",
    "standardization, one-hot) built in; predictBatch(rows) maps it. It runs in Node, Bun, Deno and browsers.",
    "--format onnx writes an ONNX model (opset 13): one input per predictor column, named as in H2O, [N, 1],",
    "float for numeric columns (NaN: missing) and string for categorical ones; the graph imputes, standardizes,",
    "one-hot encodes and runs the network, returning \"output\" (probabilities, or the prediction) and, for",
    "classification, \"label\" (the class index). docs/export.md says what each format refuses.",
    "",
    "Example:",
    "  tide export --model mnist.tide --format js --out score.mjs",
  ].join("\n"),
  flags: () => EXPORT_FLAGS,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(exportCommand));
      return 0;
    }
    const parsed = parseFlags(argv, EXPORT_FLAGS);
    requireFlag(parsed, "model", "the model file from tide train --model_out");
    requireFlag(parsed, "out", "the file to write");
    if (parsed.errors.length) throw new UsageError(parsed.errors, "export");
    const { model: path, out, format = "js" } = parsed.values as { model: string; out: string; format?: string };
    const model = await loadModelChecked(path);
    const view = scoringModel(model.data, (d) => (distributions.has(d) ? distributions.get(d).link : undefined));
    const producer = `tide ${VERSION} export`;
    // The JavaScript scorer rounds as the backend tide predict uses for this model does.
    const float32 = !backends.has(view.backend) || backends.get(view.backend).create().precision === 32;
    const bytes = format === "onnx" ? exportOnnx(view, producer) : new TextEncoder().encode(exportJs(view, producer, { float32 }));
    await writeFileAtomic(out, bytes);
    io.out(`Wrote ${out}: ${format === "onnx" ? "ONNX" : "JavaScript"} scorer of model ${view.modelId}, ${count(bytes.length)} bytes\n`);
    return 0;
  },
};
