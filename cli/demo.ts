/**
 * `tide demo mnist`: the MNIST trial run of H2O's Deep Learning booklet. Gets the booklet's CSV
 * files (written once from the real MNIST data and cached), imports them, makes the label C785
 * categorical, and trains 784-32-32-32-10 RectifierWithDropout with input_dropout_ratio 0.2,
 * sparse, l1 1e-5 and 10 epochs, scoring the test set as the validation frame; every other
 * parameter keeps H2O's default. Any Deep Learning flag overrides the booklet's value.
 * @module
 */
import { dirname } from "node:path";
import type { ParamSpecs } from "../core/params.ts";
import { formatValue } from "../core/params.ts";
import { mnistCsv } from "../datasets/mnist.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { seconds } from "./_io.ts";
import { checkOutputs } from "../io/files.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { formatReport, importTimed, saveModel, trainWithProgress } from "./_training.ts";
import { splitTrainFlags, trainFlags } from "./train.ts";

/** The booklet's settings (`H2ODeepLearningEstimator(...)` in its MNIST example). */
export const MNIST_DEMO_PARAMS: Readonly<Record<string, unknown>> = {
  distribution: "multinomial",
  activation: "RectifierWithDropout",
  hidden: [32, 32, 32],
  input_dropout_ratio: 0.2,
  sparse: true,
  l1: 1e-5,
  epochs: 10,
};

const DEMOS = ["mnist"];
/** The demo fixes the data and roles; these train flags do not apply. */
const FIXED = ["training_frame", "validation_frame", "response_column", "x", "header"];

/** Train's flags without the fixed ones, with the booklet's values as defaults, plus --cache_dir. */
export function demoFlags(): ParamSpecs {
  const out: Record<string, ParamSpecs[string]> = {
    cache_dir: { type: "string", default: null, section: "Command line", help: "Where the MNIST CSV files are cached (default: $TIDE_CACHE_DIR, else $XDG_CACHE_HOME/tide, else ~/.cache/tide)" },
  };
  for (const [name, spec] of Object.entries(trainFlags())) {
    if (FIXED.includes(name)) continue;
    out[name] = name in MNIST_DEMO_PARAMS ? { ...spec, default: MNIST_DEMO_PARAMS[name] } : spec;
  }
  return out;
}

/** `tide demo`. */
export const demo: Command = {
  name: "demo",
  summary: "Run the MNIST trial run of H2O's Deep Learning booklet (tide demo mnist)",
  usage: "tide demo mnist [--epochs N] [--backend NAME] [--seed N] [--<parameter> VALUE …]",
  description: [
    "Trains the booklet's MNIST model: 784-32-32-32-10, RectifierWithDropout, input_dropout_ratio 0.2, sparse,",
    "l1 1e-5, 10 epochs, multinomial, with the test set as validation frame; every other parameter at H2O's",
    "default (seed too, unless you give one). The CSV files are written once from the real MNIST data and",
    "cached. Any Deep Learning flag below overrides the booklet's value.",
    "",
    "Example:",
    "  tide demo mnist --epochs 1",
  ].join("\n"),
  flags: demoFlags,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv, demoFlags())) {
      io.out(commandHelp(demo));
      return 0;
    }
    const { values, positionals, errors } = parseFlags(argv, demoFlags(), { maxPositionals: 1 });
    if (positionals.length === 0) errors.unshift(`Name the demo to run: ${DEMOS.join(", ")} (tide demo mnist)`);
    else if (!DEMOS.includes(positionals[0])) errors.unshift(`Unknown demo "${positionals[0]}": the demos are ${DEMOS.join(", ")}`);
    if (errors.length) throw new UsageError(errors, "demo");
    const { cache_dir, ...rest } = values;
    const { cli, params: given } = splitTrainFlags(rest);
    const params = { ...MNIST_DEMO_PARAMS, ...given };
    const early = [
      ...DeepLearning.checkParameters({ ...params, response_column: "C785" }),
      ...(cli.model_out !== undefined ? await checkOutputs([{ flag: "--model_out", path: cli.model_out }], []) : []),
    ];
    if (early.length) throw new UsageError(early, "demo");
    const say = (s: string) => cli.quiet || io.err(`${s}\n`);

    say("MNIST trial run of H2O's Deep Learning booklet");
    const t0 = performance.now();
    const paths = await mnistCsv(cache_dir ? { cacheDir: cache_dir as string } : {});
    say(`MNIST CSV files ready in ${seconds((performance.now() - t0) / 1000)}, cached in ${dirname(paths.train)} (set TIDE_CACHE_DIR or --cache_dir to move them)`);
    const tr = await importTimed(paths.train, io, { quiet: cli.quiet });
    const te = await importTimed(paths.test, io, { quiet: cli.quiet });
    const train = tr.frame.asfactor("C785");
    const test = te.frame.asfactor("C785");
    const shown = Object.entries(params).map(([k, v]) => `${k} ${formatValue(v)}`).join(", ");
    say(`Parameters: ${shown}; every other parameter at H2O's default`);

    const { model, wallMs } = await trainWithProgress({ params, y: "C785", train, valid: test, quiet: cli.quiet }, io);
    let saveError: unknown = null, interrupted = false;
    if (cli.model_out) interrupted = await saveModel(model, cli.model_out, io).catch((e) => ((saveError = e), false));
    io.out(formatReport(model, {
      wallMs, importMs: tr.ms + te.ms, modelPath: saveError ? null : cli.model_out, varimp: false, brief: cli.quiet,
    }));
    if (saveError) throw saveError;
    return interrupted ? 130 : 0;
  },
};
