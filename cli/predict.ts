/**
 * `tide predict`: load a model file, predict a CSV file, write H2O's prediction columns
 * (`predict`, then one probability per class named after the class) as CSV, atomically.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import type { Frame } from "../frame/frame.ts";
import { levelAt } from "../frame/frame.ts";
import { formatHead } from "../frame/format.ts";
import { writeFileAtomic } from "../io/files.ts";
import { DeepLearningModel } from "../model/model.ts";
import { cvHoldoutPredictions } from "../lifecycle/cross_validation/holdout.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { loadModelChecked, PLUGIN_FLAG } from "./_plugins.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import { checkOutputs } from "../io/files.ts";
import type { Io } from "./_io.ts";
import { clip, count, seconds } from "./_io.ts";
import { HEADER_FLAG, headerOption, importTimed } from "./_training.ts";

const PREDICT_FLAGS: ParamSpecs = {
  model: { type: "string", default: null, help: "Model file written by tide train --model_out (required)" },
  frame: { type: "string", default: null, help: "CSV or .csv.gz file to predict; it needs the model's predictor columns (required)" },
  out: { type: "string", default: null, help: "Write every prediction to this CSV file, atomically (default: print the first rows)" },
  head: { type: "int", default: 10, min: 0, help: "Rows to print when --out is not given" },
  quiet: { type: "bool", default: false, help: "Print no timings" },
  cv_holdout: { type: "bool", default: false, help: "Instead of --frame: the model's cross-validation holdout predictions (trained with --keep_cross_validation_predictions true)" },
  strict: { type: "bool", default: false, help: "Refuse a frame whose columns do not match the training frame (missing or renamed columns, changed types, unseen levels) instead of warning" },
  header: HEADER_FLAG,
};

/**
 * A frame as CSV text: a header row, then one line per row. Numbers are written in the shortest
 * form that reads back to the same double; missing values are empty (`""` when a row would
 * otherwise be blank); text is quoted when needed.
 */
export function frameToCsv(frame: Frame): string {
  const cols = frame.columns;
  const lines: string[] = [cols.map((c) => csvField(c.name)).join(",")];
  const cells: string[] = new Array(cols.length);
  for (let r = 0; r < frame.nrow; r++) {
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j];
      if (c.type === "numeric") {
        const v = c.data.at(r);
        cells[j] = Number.isNaN(v) ? "" : String(v);
      } else if (c.type === "categorical") {
        const k = c.codes.at(r);
        cells[j] = k < 0 ? "" : csvField(c.domain[k]);
      } else cells[j] = c.data[r] === null ? "" : csvField(c.data[r]!);
    }
    // A lone empty field would be a blank line, which readers skip: quote it.
    lines.push(cols.length === 1 && cells[0] === "" ? '""' : cells.join(","));
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
  usage: "tide predict --model FILE --frame FILE [--out FILE] [--strict] [--header auto|true|false]",
  description: [
    "Scores every row of --frame with the model. Classification gives H2O's columns: predict (the label),",
    "then one probability column per class, named after the class; regression gives predict. Numbers are",
    "written with enough digits to read back exactly. Without --out the first rows are printed.",
    "Columns that do not match the training frame (missing, renamed, another type, unseen levels, infinite",
    "values) are scored as missing with a warning that counts the rows; --strict refuses them instead.",
    "--out must not be --model or --frame; an existing --out keeps its permissions.",
    "",
    "Example:",
    "  tide predict --model mnist.tide --frame test.csv.gz --out pred.csv",
  ].join("\n"),
  flags: () => ({ ...PREDICT_FLAGS, ...PLUGIN_FLAG }),
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv, PREDICT_FLAGS)) {
      io.out(commandHelp(predict));
      return 0;
    }
    const parsed = parseFlags(argv, PREDICT_FLAGS);
    requireFlag(parsed, "model", "the model file from tide train --model_out");
    if (parsed.values.cv_holdout !== true) requireFlag(parsed, "frame", "the CSV or .csv.gz file to predict");
    else if (parsed.values.frame) parsed.errors.push(`--cv_holdout writes the predictions kept at training time: remove --frame`);
    if (parsed.errors.length) throw new UsageError(parsed.errors, "predict");
    const values = parsed.values;
    const quiet = values.quiet === true;
    const header = headerOption(values.header);
    if (values.out !== undefined) {
      const problems = await checkOutputs([{ flag: "--out", path: values.out as string }], [
        { flag: "--model", path: values.model as string }, ...(values.frame ? [{ flag: "--frame", path: values.frame as string }] : []),
      ]);
      if (problems.length) throw new UsageError(problems, "predict");
    }

    const t0 = performance.now();
    const model = await loadModelChecked(values.model as string);
    if (!quiet) io.err(`Loaded model ${model.modelId} from ${values.model} in ${seconds((performance.now() - t0) / 1000)}\n`);
    let pred: Frame;
    if (values.cv_holdout === true) pred = cvHoldoutPredictions(model);
    else {
      let { frame } = await importTimed(values.frame as string, io, { quiet, header });
      if (header === "auto" && namesTheModelsColumns(frame, model)) {
        // The guess read the first line as data, but it holds the model's column names.
        io.err(`note: the first line of ${values.frame} names the model's columns, so it is read as the header (--header false reads it as data)\n`);
        frame = (await importTimed(values.frame as string, io, { quiet: true, header: true })).frame;
      }
      const warnings: string[] = [];
      if (frame.nrow === 0) warnings.push(`${values.frame} has no rows after its header: there is nothing to predict`);
      const t1 = performance.now();
      pred = await model.predict(frame, { strict: values.strict === true, onWarning: (w) => warnings.push(w) }).finally(() => model.close());
      for (const w of warnings) io.err(`warning: ${clip(w)}\n`);
      if (!quiet) io.err(`Predicted ${count(pred.nrow)} rows in ${seconds((performance.now() - t1) / 1000)}\n`);
    }
    if (values.out) {
      await writeFileAtomic(values.out as string, frameToCsv(pred));
      io.out(`Wrote ${count(pred.nrow)} predictions (${pred.names.join(", ")}) to ${values.out}\n`);
    } else {
      io.out(`${formatHead(pred, values.head as number)}\n`);
    }
    return 0;
  },
};

/** True when a frame read without a header has, as its first row, every predictor name of the model. */
function namesTheModelsColumns(frame: Frame, model: DeepLearningModel): boolean {
  if (frame.nrow === 0 || !frame.names.every((n, j) => n === `C${j + 1}`)) return false;
  const first = new Set(frame.columns.map((c) => c.type === "categorical" ? levelAt(c, 0) ?? "" : c.type === "string" ? c.data[0] ?? "" : ""));
  const names = model.data.preprocessor.inputs.map((i) => i.name);
  return names.length > 0 && names.every((n) => first.has(n)) && !names.every((n, j) => n === `C${j + 1}`);
}
