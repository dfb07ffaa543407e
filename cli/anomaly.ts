/**
 * `tide anomaly`: an autoencoder's reconstruction error of every row of a CSV file (spec §14.4),
 * H2O's `Reconstruction.MSE` column, or with --per_feature one `reconstr_<input>.SE` column per
 * expanded input.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { PLUGIN_FLAG } from "./_plugins.ts";
import { runScoring, SCORING_FLAGS } from "./_scoring.ts";

const ANOMALY_FLAGS: ParamSpecs = {
  ...SCORING_FLAGS,
  per_feature: { type: "bool", default: false, help: "One squared error per expanded input (reconstr_<input>.SE) instead of their mean (Reconstruction.MSE)" },
};

/** `tide anomaly`. */
export const anomaly: Command = {
  name: "anomaly",
  summary: "Reconstruction error of each row with an autoencoder (H2O's Reconstruction.MSE), as CSV",
  usage: "tide anomaly --model FILE --frame FILE [--out FILE] [--per_feature]",
  description: [
    "Scores every row of --frame with an autoencoder (tide train --autoencoder true) and writes its",
    "reconstruction error, in the model's normalised, expanded input space: Reconstruction.MSE, the mean",
    "squared error over the inputs; with --per_feature, reconstr_<input>.SE per expanded input. A response",
    "column in the frame is ignored; other columns are matched as tide predict matches them.",
    "",
    "Example:",
    "  tide anomaly --model ae.tide --frame ecg_test.csv --out err.csv",
  ].join("\n"),
  flags: () => ({ ...ANOMALY_FLAGS, ...PLUGIN_FLAG }),
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv, ANOMALY_FLAGS)) {
      io.out(commandHelp(anomaly));
      return 0;
    }
    const parsed = parseFlags(argv, ANOMALY_FLAGS);
    const perFeature = parsed.values.per_feature === true;
    return await runScoring("anomaly", parsed, io, perFeature ? "squared errors per input" : "reconstruction errors", (model, frame, o) => {
      if (!model.isAutoencoder) {
        throw new RangeError(`${perFeature ? "--per_feature needs" : "tide anomaly needs"} an autoencoder: model ${model.modelId} predicts "${model.data.params.response_column}" (train one with --autoencoder true; tide predict scores this model)`);
      }
      return model.anomaly(frame, { ...o, perFeature });
    });
  },
};
