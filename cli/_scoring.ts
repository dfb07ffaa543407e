/**
 * What the scoring commands (`anomaly`, `deepfeatures`) share: their common flags, the checks of
 * --out against the inputs, loading the model and the frame, and writing the result atomically.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import type { Frame } from "../frame/frame.ts";
import { formatHead } from "../frame/format.ts";
import { checkOutputs, writeFileAtomic } from "../io/files.ts";
import type { DeepLearningModel } from "../model/model.ts";
import { loadModelChecked } from "./_plugins.ts";
import { type ParsedFlags, requireFlag, UsageError } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { clip, count, seconds } from "./_io.ts";
import { frameToCsv } from "./predict.ts";
import { HEADER_FLAG, headerOption, importTimed } from "./_training.ts";

/** Flags every scoring command takes. */
export const SCORING_FLAGS: ParamSpecs = {
  model: { type: "string", default: null, help: "Model file written by tide train --model_out (required)" },
  frame: { type: "string", default: null, help: "CSV or .csv.gz file to score; it needs the model's predictor columns (required)" },
  out: { type: "string", default: null, help: "Write every row to this CSV file, atomically (default: print the first rows)" },
  head: { type: "int", default: 10, min: 0, help: "Rows to print when --out is not given" },
  quiet: { type: "bool", default: false, help: "Print no timings" },
  strict: { type: "bool", default: false, help: "Refuse a frame whose columns do not match the training frame instead of warning (as tide predict)" },
  header: HEADER_FLAG,
};

/**
 * Checks the common flags, loads the model and the frame, runs `score` and writes its frame.
 * `score` gets the frame and a warning sink (columns that do not match, as `tide predict` reports them).
 */
export async function runScoring(
  command: string,
  parsed: ParsedFlags,
  io: Io,
  what: string,
  score: (model: DeepLearningModel, frame: Frame, o: { strict: boolean; onWarning: (w: string) => void }) => Promise<Frame>,
): Promise<number> {
  requireFlag(parsed, "model", "the model file from tide train --model_out");
  requireFlag(parsed, "frame", "the CSV or .csv.gz file to score");
  if (parsed.errors.length) throw new UsageError(parsed.errors, command);
  const v = parsed.values;
  const quiet = v.quiet === true;
  if (v.out !== undefined) {
    const problems = await checkOutputs([{ flag: "--out", path: v.out as string }], [{ flag: "--model", path: v.model as string }, { flag: "--frame", path: v.frame as string }]);
    if (problems.length) throw new UsageError(problems, command);
  }
  const t0 = performance.now();
  const model = await loadModelChecked(v.model as string);
  if (!quiet) io.err(`Loaded model ${model.modelId} from ${v.model} in ${seconds((performance.now() - t0) / 1000)}\n`);
  const { frame } = await importTimed(v.frame as string, io, { quiet, header: headerOption(v.header) });
  const warnings: string[] = [];
  const t1 = performance.now();
  const result = await score(model, frame, { strict: v.strict === true, onWarning: (w) => warnings.push(w) }).finally(() => model.close());
  for (const w of warnings) io.err(`warning: ${clip(w)}\n`);
  if (!quiet) io.err(`Scored ${count(result.nrow)} rows in ${seconds((performance.now() - t1) / 1000)}\n`);
  if (v.out) {
    await writeFileAtomic(v.out as string, frameToCsv(result));
    const names = result.names.length > 6 ? `${result.names.slice(0, 3).join(", ")}, …, ${result.names[result.names.length - 1]}` : result.names.join(", ");
    io.out(`Wrote ${count(result.nrow)} rows of ${what} (${names}) to ${v.out}\n`);
  } else {
    io.out(`${formatHead(result, v.head as number)}\n`);
  }
  return 0;
}
