/**
 * `tide deepfeatures`: the activations of one hidden layer for every row of a CSV file (spec
 * §14.6), H2O's `DF.L<layer+1>.C<unit>` columns; for supervised models and autoencoders alike.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { Frame } from "../frame/frame.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, requireFlag, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { PLUGIN_FLAG } from "./_plugins.ts";
import { runScoring, SCORING_FLAGS } from "./_scoring.ts";

const DEEPFEATURES_FLAGS: ParamSpecs = {
  ...SCORING_FLAGS,
  layer: { type: "int", default: null, min: 0, help: "Hidden layer, 0 = the first (as H2O's Python client counts) (required)" },
  keep_columns: { type: "string[]", default: null, help: "Columns of --frame copied after the features (a response, an id), so the output trains a model as it is" },
};

/** `tide deepfeatures`. */
export const deepfeatures: Command = {
  name: "deepfeatures",
  summary: "Activations of hidden layer --layer (0 = the first) for each row, as H2O's DF.L<layer+1>.C<unit> columns, as CSV",
  usage: "tide deepfeatures --model FILE --frame FILE --layer L [--keep_columns C,…] [--out FILE]",
  description: [
    "Runs every row of --frame through the model in scoring mode (no dropout; layers with dropout scaled",
    "by 1 − ratio) and writes the activations of hidden layer --layer, 0 being the first as in H2O's",
    "Python client, as columns DF.L<layer+1>.C1 … (H2O's names). Works for every model; a response",
    "column in the frame is ignored. --keep_columns copies columns of --frame after the features (H2O's",
    "cbind), so the output trains another model as it is (tide train --training_frame df.csv --y …).",
    "",
    "Example:",
    "  tide deepfeatures --model ae.tide --frame train.csv --layer 1 --keep_columns C785 --out features.csv",
  ].join("\n"),
  flags: () => ({ ...DEEPFEATURES_FLAGS, ...PLUGIN_FLAG }),
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv, DEEPFEATURES_FLAGS)) {
      io.out(commandHelp(deepfeatures));
      return 0;
    }
    const parsed = parseFlags(argv, DEEPFEATURES_FLAGS);
    requireFlag(parsed, "layer", "the hidden layer, 0 = the first");
    const layer = parsed.values.layer as number;
    const keep = (parsed.values.keep_columns as string[] | null | undefined) ?? [];
    return await runScoring("deepfeatures", parsed, io, `layer ${layer} features`, async (model, frame) => {
      const missing = keep.filter((c) => !frame.has(c));
      if (missing.length) throw new RangeError(`--keep_columns: no column ${missing.map((c) => `"${c}"`).join(", ")} in ${parsed.values.frame}: columns are ${frame.names.slice(0, 10).join(", ")}${frame.ncol > 10 ? ", …" : ""}`);
      const df = await model.deepfeatures(frame, layer);
      return keep.length ? new Frame([...df.columns, ...keep.map((c) => frame.col(c))]) : df;
    });
  },
};
