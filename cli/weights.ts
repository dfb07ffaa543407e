/**
 * `tide weights`: one weight matrix or bias vector of a saved model (trained with
 * export_weights_and_biases = true) as a CSV file, H2O's `model.weights(i)` / `model.biases(i)`.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { formatHead } from "../frame/format.ts";
import { writeFileAtomic } from "../io/files.ts";
import { DeepLearningModel } from "../model/model.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { count } from "./_io.ts";
import { frameToCsv } from "./predict.ts";

const WEIGHTS_FLAGS: ParamSpecs = {
  model: { type: "string", default: null, help: "Model file trained with --export_weights_and_biases true (required)" },
  layer: { type: "int", default: null, min: 0, help: "Which connections: 0 = inputs → first hidden layer, up to the output layer (required)" },
  biases: { type: "bool", default: false, help: "Write the bias vector of that layer instead of the weight matrix" },
  out: { type: "string", default: null, help: "Write the matrix to this CSV file, atomically (default: print the first rows)" },
  head: { type: "int", default: 10, min: 0, help: "Rows to print when --out is not given" },
};

/** `tide weights`. */
export const weights: Command = {
  name: "weights",
  summary: "Write a weight matrix or bias vector of a saved model as CSV (export_weights_and_biases)",
  usage: "tide weights --model FILE --layer I [--biases] [--out FILE]",
  description: [
    "Layer I's weights connect layer I to layer I + 1 (0 = the inputs): one row per unit of the upper",
    "layer (units × 2 for Maxout), one column per unit of the lower layer, named by the expanded input",
    "names for layer 0 and C1, C2, … above. --biases writes the upper layer's biases (one column, C1).",
    "The model must have been trained with --export_weights_and_biases true, as in H2O.",
    "",
    "Example:",
    "  tide weights --model m.tide --layer 0 --out w0.csv",
    "  tide weights --model m.tide --layer 0 --biases --out b0.csv",
  ].join("\n"),
  flags: () => WEIGHTS_FLAGS,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(weights));
      return 0;
    }
    const parsed = parseFlags(argv, WEIGHTS_FLAGS);
    requireFlag(parsed, "model", "the model file from tide train --model_out");
    requireFlag(parsed, "layer", "which weight matrix, 0 for the inputs' connections");
    if (parsed.errors.length) throw new UsageError(parsed.errors, "weights");
    const v = parsed.values;
    const model = await DeepLearningModel.load(v.model as string);
    const layer = v.layer as number;
    const frame = v.biases === true ? model.biases(layer) : model.weights(layer);
    const what = v.biases === true ? `biases ${layer}` : `weights ${layer}`;
    if (v.out) {
      await writeFileAtomic(v.out as string, frameToCsv(frame));
      io.out(`Wrote ${what} (${count(frame.nrow)} rows × ${count(frame.ncol)} columns) to ${v.out}\n`);
    } else {
      io.out(`${formatHead(frame, v.head as number)}\n`);
    }
    return 0;
  },
};
