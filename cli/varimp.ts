/**
 * `tide varimp`: a saved model's variable importances (Gedeon's method, spec §13) as H2O's table,
 * printed or written as CSV.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { Frame } from "../frame/frame.ts";
import { writeFileAtomic } from "../io/files.ts";
import { formatVarimp } from "../model/format.ts";
import { DeepLearningModel } from "../model/model.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { count } from "./_io.ts";
import { frameToCsv } from "./predict.ts";

const VARIMP_FLAGS: ParamSpecs = {
  model: { type: "string", default: null, help: "Model file written by tide train --model_out (required)" },
  top: { type: "int", default: 0, min: 0, help: "Print only the most important N inputs (0 = all)" },
  out: { type: "string", default: null, help: "Write the whole table to this CSV file, atomically, instead of printing it" },
};

/** `tide varimp`. */
export const varimp: Command = {
  name: "varimp",
  summary: "Print a saved model's variable importances (H2O's table), or write them as CSV",
  usage: "tide varimp --model FILE [--top N] [--out FILE]",
  description: [
    "Prints the model's variable importances, most important first: H2O's columns variable,",
    "relative_importance, scaled_importance and percentage, one row per expanded input (a one-hot level",
    "of a categorical column is its own input). Models trained with variable_importances false have none.",
    "",
    "Example:",
    "  tide varimp --model mnist.tide --top 20",
  ].join("\n"),
  flags: () => VARIMP_FLAGS,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(varimp));
      return 0;
    }
    const parsed = parseFlags(argv, VARIMP_FLAGS);
    requireFlag(parsed, "model", "the model file from tide train --model_out");
    if (parsed.errors.length) throw new UsageError(parsed.errors, "varimp");
    const model = await DeepLearningModel.load(parsed.values.model as string);
    const rows = model.varimp(); // throws, naming variable_importances, when there are none
    const out = parsed.values.out as string | null;
    if (out) {
      const frame = new Frame([
        { name: "variable", type: "string", data: rows.map((r) => r.variable) },
        ...(["relative_importance", "scaled_importance", "percentage"] as const).map((k) => ({ name: k, type: "numeric" as const, data: Float64Array.from(rows, (r) => r[k]) })),
      ]);
      await writeFileAtomic(out, frameToCsv(frame));
      io.out(`Wrote ${count(rows.length)} variable importances to ${out}\n`);
    } else {
      const top = parsed.values.top as number;
      io.out(`${formatVarimp(model.data, top > 0 ? top : rows.length)}\n`);
    }
    return 0;
  },
};
