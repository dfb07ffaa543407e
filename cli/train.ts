/**
 * `tide train`: import CSV files, train a Deep Learning model with H2O's parameters (every one
 * a flag under its H2O name), show progress, print the model's report, save it.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { deepLearningParams } from "../core/train/parameters.ts";
import { paramSpecs } from "../core/train/resolve.ts";
import * as plugins from "../plugins/mod.ts";
import type { Command } from "./_command.ts";
import { commandHelp, ordered } from "./_command.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { genericPathNoteFor, PLUGIN_FLAG } from "./_plugins.ts";
import { formatReport, importTimed, trainWithProgress } from "./_training.ts";

const CLI = "Command line";

/** Flags of `tide train` (and `tide demo`) that are not model parameters. */
export const TRAIN_CLI_FLAGS: ParamSpecs = {
  model_out: { type: "string", default: null, section: CLI, help: "Write the trained model to this file, atomically (read it back with tide predict --model)" },
  x: { type: "string[]", default: null, section: CLI, help: "Predictor columns, e.g. C1,C2,C3 (default: every column but the response and ignored_columns)" },
  quiet: { type: "bool", default: false, section: CLI, help: "No progress and no tables: print only the final summary lines" },
};

/** Every flag `tide train` accepts: the CLI's own, then the Deep Learning parameters (plugins included). */
export function trainFlags(): ParamSpecs {
  return ordered({ ...TRAIN_CLI_FLAGS, ...PLUGIN_FLAG, ...paramSpecs(plugins) }, [...Object.keys(TRAIN_CLI_FLAGS), ...Object.keys(deepLearningParams)]);
}

/** Splits parsed flags into the CLI's own and the model parameters. */
export function splitTrainFlags(values: Record<string, unknown>): {
  cli: { model_out?: string; x?: string[]; quiet: boolean; training_frame?: string; validation_frame?: string };
  params: Record<string, unknown>;
} {
  const { model_out, x, quiet, training_frame, validation_frame, ...params } = values;
  return {
    cli: {
      model_out: (model_out as string | null) ?? undefined, x: (x as string[] | null) ?? undefined, quiet: quiet === true,
      training_frame: (training_frame as string | null) ?? undefined, validation_frame: (validation_frame as string | null) ?? undefined,
    },
    params,
  };
}

/** `tide train`. */
export const train: Command = {
  name: "train",
  summary: "Train a Deep Learning model on CSV files (H2O's parameters as flags) and save it",
  usage: "tide train --training_frame FILE --y COLUMN [--validation_frame FILE] [--model_out FILE] [--<param> VALUE …]",
  description: [
    "Trains H2O's Deep Learning on a CSV or .csv.gz file. Every parameter is a flag under its H2O name:",
    "--name value or --name=value; dashed spellings work too (--input-dropout-ratio 0.2); booleans take",
    "true|false or stand alone (--sparse); lists are comma-separated (--hidden 32,32,32). --y is response_column.",
    "A numeric response with --distribution bernoulli or multinomial is treated as categorical.",
    "",
    "Example:",
    "  tide train --training_frame train.csv.gz --validation_frame test.csv.gz --y C785 \\",
    "    --distribution multinomial --hidden 32,32,32 --activation RectifierWithDropout \\",
    "    --input_dropout_ratio 0.2 --sparse --l1 1e-5 --epochs 10 --model_out mnist.tide",
  ].join("\n"),
  flags: trainFlags,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(train));
      return 0;
    }
    const parsed = parseFlags(argv, trainFlags());
    requireFlag(parsed, "training_frame", "the training data, a CSV or .csv.gz file");
    requireFlag(parsed, "response_column", "the column to predict", "--y (response_column)");
    if (parsed.errors.length) throw new UsageError(parsed.errors, "train");
    const { cli, params } = splitTrainFlags(parsed.values);

    const tr = await importTimed(cli.training_frame!, io, { quiet: cli.quiet });
    const va = cli.validation_frame ? await importTimed(cli.validation_frame, io, { quiet: cli.quiet }) : null;
    const note = genericPathNoteFor(params);
    if (note && !cli.quiet) io.err(`${note}\n`);
    const { model, wallMs } = await trainWithProgress({
      params, y: params.response_column as string, x: cli.x, train: tr.frame, valid: va?.frame ?? null, quiet: cli.quiet,
    }, io);
    // Print the report even when saving fails, so a long run's results are never lost.
    let saveError: unknown = null;
    if (cli.model_out) await model.save(cli.model_out).catch((e) => (saveError = e));
    io.out(formatReport(model, { wallMs, importMs: tr.ms + (va?.ms ?? 0), modelPath: saveError ? null : cli.model_out, brief: cli.quiet }));
    if (saveError) throw saveError;
    return 0;
  },
};
