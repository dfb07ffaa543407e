/**
 * `tide predict`: load a model file, predict a CSV file, write H2O's prediction columns
 * (`predict`, then one probability per class named after the class) as CSV, atomically.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import type { Frame } from "../frame/frame.ts";
import { formatHead } from "../frame/format.ts";
import { writeFileAtomic } from "../io/files.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { loadModelChecked, PLUGIN_FLAG } from "./_plugins.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { count, seconds } from "./_io.ts";
import { importTimed } from "./_training.ts";

const PREDICT_FLAGS: ParamSpecs = {
  model: { type: "string", default: null, help: "Model file written by tide train --model_out (required)" },
  frame: { type: "string", default: null, help: "CSV or .csv.gz file to predict; it needs the model's predictor columns (required)" },
  out: { type: "string", default: null, help: "Write every prediction to this CSV file, atomically (default: print the first rows)" },
  head: { type: "int", default: 10, min: 0, help: "Rows to print when --out is not given" },
  quiet: { type: "bool", default: false, help: "Print no timings" },
};

/**
 * A frame as CSV text: a header row, then one line per row. Numbers are written in the shortest
 * form that reads back to the same double; missing values are empty; text is quoted when needed.
 */
export function frameToCsv(frame: Frame): string {
  const cols = frame.columns;
  const lines: string[] = [cols.map((c) => csvField(c.name)).join(",")];
  const cells: string[] = new Array(cols.length);
  for (let r = 0; r < frame.nrow; r++) {
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j];
      if (c.type === "numeric") {
        const v = c.data[r];
        cells[j] = Number.isNaN(v) ? "" : String(v);
      } else if (c.type === "categorical") cells[j] = c.codes[r] < 0 ? "" : csvField(c.domain[c.codes[r]]);
      else cells[j] = c.data[r] === null ? "" : csvField(c.data[r]!);
    }
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}

function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) || s === "" ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `tide predict`. */
export const predict: Command = {
  name: "predict",
  summary: "Predict a CSV file with a saved model; writes H2O's prediction columns as CSV",
  usage: "tide predict --model FILE --frame FILE [--out FILE]",
  description: [
    "Scores every row of --frame with the model. Classification gives H2O's columns: predict (the label),",
    "then one probability column per class, named after the class; regression gives predict. Numbers are",
    "written with enough digits to read back exactly. Without --out the first rows are printed.",
    "",
    "Example:",
    "  tide predict --model mnist.tide --frame test.csv.gz --out pred.csv",
  ].join("\n"),
  flags: () => ({ ...PREDICT_FLAGS, ...PLUGIN_FLAG }),
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(predict));
      return 0;
    }
    const parsed = parseFlags(argv, PREDICT_FLAGS);
    requireFlag(parsed, "model", "the model file from tide train --model_out");
    requireFlag(parsed, "frame", "the CSV or .csv.gz file to predict");
    if (parsed.errors.length) throw new UsageError(parsed.errors, "predict");
    const values = parsed.values;
    const quiet = values.quiet === true;

    const t0 = performance.now();
    const model = await loadModelChecked(values.model as string);
    if (!quiet) io.err(`Loaded model ${model.modelId} from ${values.model} in ${seconds((performance.now() - t0) / 1000)}\n`);
    const { frame } = await importTimed(values.frame as string, io, { quiet });
    const t1 = performance.now();
    const pred = await model.predict(frame);
    model.close();
    if (!quiet) io.err(`Predicted ${count(pred.nrow)} rows in ${seconds((performance.now() - t1) / 1000)}\n`);
    if (values.out) {
      await writeFileAtomic(values.out as string, frameToCsv(pred));
      io.out(`Wrote ${count(pred.nrow)} predictions (${pred.names.join(", ")}) to ${values.out}\n`);
    } else {
      io.out(`${formatHead(pred, values.head as number)}\n`);
    }
    return 0;
  },
};
