/**
 * `tide train`: import CSV files, train a Deep Learning model with H2O's parameters (every one
 * a flag under its H2O name), show progress, print the model's report, save it.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { paramSpecs } from "../core/train/resolve.ts";
import * as plugins from "../plugins/mod.ts";
import type { Command } from "./_command.ts";
import { commandHelp, ordered } from "./_command.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import { checkOutputs } from "../io/files.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import type { Io } from "./_io.ts";
import { DeepLearningModel } from "../model/model.ts";
import { formatDryRun } from "../core/train/dry_run.ts";
import { genericPathNoteFor, PLUGIN_FLAG } from "./_plugins.ts";
import { formatReport, HEADER_FLAG, headerOption, importTimed, saveModel, trainWithProgress } from "./_training.ts";
import dns from "node:dns/promises";
import { resolve } from "node:path";
import { type Cluster, connectPeers, coordinatorHook } from "../distributed/coordinator.ts";
import { tcpTransport } from "../plugins/transports/tcp.ts";
import { readSecret, SECRET_FLAG } from "./peer.ts";

const CLI = "Command line";
const PEERS = "Peers";

/** Flags of `tide train` (and `tide demo`) that are not model parameters. */
export const TRAIN_CLI_FLAGS: ParamSpecs = {
  model_out: { type: "string", default: null, section: CLI, help: "Write the trained model to this file, atomically (read it back with tide predict --model)" },
  x: { type: "string[]", default: null, section: CLI, help: "Predictor columns, e.g. C1,C2,C3 (default: every column but the response and ignored_columns)" },
  quiet: { type: "bool", default: false, section: CLI, help: "No progress, notes or tables: print only warnings and the final summary lines" },
  header: { ...HEADER_FLAG, section: CLI },
  dry_run: { type: "bool", default: false, section: CLI, help: "Train nothing: print the network, the memory of the model and of training per thread, and the time the epochs would take at this backend's measured speed" },
};

/** Flags of `tide train` alone: training with peers (docs/distributed.md). */
export const PEER_TRAIN_FLAGS: ParamSpecs = {
  peers: { type: "string[]", default: null, section: PEERS, help: "Train with these `tide peer` processes, averaging every iteration: host:port,… or dns:NAME:PORT for every address NAME resolves to" },
  ...SECRET_FLAG,
  peer_timeout_secs: { type: "float", default: 60, min: 0, minExclusive: true, section: PEERS, help: "Seconds a peer may stay silent during averaging before it counts as lost (×10 to load its data)" },
};

/** Every flag `tide train` accepts: the peers', then the common ones. */
function trainCommandFlags(): ParamSpecs {
  return { ...trainFlags(), ...PEER_TRAIN_FLAGS };
}

/** Every flag `tide train` and `tide demo` accept: the CLI's own, then the Deep Learning parameters (plugins included). */
export function trainFlags(): ParamSpecs {
  const specs = paramSpecs(plugins);
  return ordered({ ...TRAIN_CLI_FLAGS, ...PLUGIN_FLAG, ...specs }, [...Object.keys(TRAIN_CLI_FLAGS), ...Object.keys(PLUGIN_FLAG), ...Object.keys(specs)]);
}

/** Splits parsed flags into the CLI's own and the model parameters. */
export function splitTrainFlags(values: Record<string, unknown>): {
  cli: {
    model_out?: string; x?: string[]; quiet: boolean; header: boolean | "auto"; training_frame?: string; validation_frame?: string;
    peers?: string[]; secret_file?: string; peer_timeout_secs: number; dry_run: boolean;
  };
  params: Record<string, unknown>;
} {
  const { model_out, x, quiet, header, training_frame, validation_frame, peers, secret_file, peer_timeout_secs, dry_run, ...params } = values;
  return {
    cli: {
      peers: (peers as string[] | null) ?? undefined, secret_file: (secret_file as string | null) ?? undefined, peer_timeout_secs: (peer_timeout_secs as number | undefined) ?? 60,
      dry_run: dry_run === true,
      model_out: (model_out as string | null) ?? undefined, x: (x as string[] | null) ?? undefined, quiet: quiet === true, header: headerOption(header),
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
    "",
    "Cross-validation (--nfolds N or --fold_column C) trains N fold models, then the main model, and prints",
    "the cross-validation metrics and H2O's cross_validation_metrics_summary table:",
    "  tide train --training_frame iris.csv --y species --nfolds 5 --keep_cross_validation_predictions true \\",
    "    --model_out iris.tide",
  ].join("\n"),
  flags: trainCommandFlags,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv, trainCommandFlags())) {
      io.out(commandHelp(train));
      return 0;
    }
    const parsed = parseFlags(argv, trainCommandFlags());
    requireFlag(parsed, "training_frame", "the training data, a CSV or .csv.gz file");
    // A restart reads the checkpoint once; its response column is the default --y.
    const checkpoint = typeof parsed.values.checkpoint === "string" && parsed.values.checkpoint !== ""
      ? await DeepLearningModel.load(parsed.values.checkpoint).catch((e) => {
        throw new UsageError([`--checkpoint: ${(e as Error).message}`], "train");
      })
      : null;
    if (checkpoint && parsed.values.response_column == null) parsed.values.response_column = checkpoint.data.params.response_column;
    // An autoencoder has no response: every usable column is an input and a target.
    if (parsed.values.autoencoder !== true && !checkpoint?.isAutoencoder) requireFlag(parsed, "response_column", "the column to predict (or --autoencoder true)", "--y (response_column)");
    const { cli, params } = splitTrainFlags(parsed.values);
    if (checkpoint) params.checkpoint = checkpoint;
    // H2O's quiet_mode: no progress, no tables; only the essentials (status, final metrics, time, file).
    if (params.quiet_mode === true) cli.quiet = true;
    // Everything that can be checked without the data is checked before a large file is read,
    // and reported together, one problem per line.
    const inputs = [
      { flag: "--training_frame", path: cli.training_frame! }, ...(cli.validation_frame ? [{ flag: "--validation_frame", path: cli.validation_frame }] : []),
      ...(typeof parsed.values.checkpoint === "string" && parsed.values.checkpoint ? [{ flag: "--checkpoint", path: parsed.values.checkpoint }] : []),
    ];
    const early = [
      ...parsed.errors,
      ...DeepLearning.checkParameters(params).filter((m) => !parsed.errors.includes(m)),
      ...(cli.model_out !== undefined && cli.training_frame ? await checkOutputs([{ flag: "--model_out", path: cli.model_out }], inputs) : []),
    ];
    if (cli.peers && !cli.secret_file) early.push("--secret_file is required with --peers: the file with the peers' shared secret");
    if (cli.peers && (Number(params.nfolds ?? 0) > 0 || params.fold_column)) {
      early.push("--peers cannot be used with cross-validation (--nfolds, --fold_column): the peers average one model, not one per fold; train the folds on one machine, or train with --peers without them");
    }
    if (cli.peers && cli.dry_run) early.push("--dry_run measures this machine alone: remove --peers");
    if (early.length) throw new UsageError(early, "train");
    // Peers are reached (and authenticated) before any data is read, so a typo fails at once.
    const cluster = cli.peers && params.single_node_mode !== true ? await joinPeers(cli.peers, await readSecret(cli.secret_file!, "train"), io) : null;
    if (cli.peers && !cluster && !cli.quiet) io.err("note: single_node_mode: training on this machine only; the peers are not used\n");
    try {
      return await trainAndSave(cli, params, io, cluster);
    } finally {
      await cluster?.close();
    }
  },
};

/** Connects to the peers of `--peers`, resolving `dns:NAME:PORT` entries to every address. */
async function joinPeers(list: string[], secret: string, io: Io): Promise<Cluster> {
  const addresses: string[] = [];
  for (const entry of list) {
    const m = /^dns:(.+):(\d+)$/.exec(entry);
    if (!m) {
      addresses.push(entry);
      continue;
    }
    // A DNS name for the whole group (a Kubernetes headless Service): every address it resolves to.
    const found = await dns.lookup(m[1], { all: true }).catch((e) => {
      throw new UsageError([`--peers: cannot resolve ${m[1]}: ${(e as Error).message}`], "train");
    });
    for (const a of found) addresses.push(a.family === 6 ? `[${a.address}]:${m[2]}` : `${a.address}:${m[2]}`);
  }
  const log = (line: string) => io.err(`${line}\n`);
  const cluster = await connectPeers(tcpTransport({ secret, log }), addresses);
  log(`Connected to ${addresses.length} peer${addresses.length === 1 ? "" : "s"}: ${addresses.join(", ")}`);
  return cluster;
}

/** Imports the frames, trains (as the coordinator of `cluster`, if any), prints the report and saves. */
async function trainAndSave(cli: ReturnType<typeof splitTrainFlags>["cli"], params: Record<string, unknown>, io: Io, cluster: Cluster | null): Promise<number> {
  const tr = await importTimed(cli.training_frame!, io, { quiet: cli.quiet, header: cli.header });
  const va = cli.validation_frame ? await importTimed(cli.validation_frame, io, { quiet: cli.quiet, header: cli.header }) : null;
  if (cli.dry_run) {
    const report = await new DeepLearning(params).dryRun({ y: params.response_column as string, x: cli.x, training_frame: tr.frame, validation_frame: va?.frame ?? null });
    io.out(`${formatDryRun(report)}\n`);
    return 0;
  }
  const note = genericPathNoteFor(params);
  if (note && !cli.quiet) io.err(`${note}\n`);
  const hooks = cluster
    ? [coordinatorHook(cluster, { trainingFrame: resolve(cli.training_frame!), header: cli.header, timeoutMs: cli.peer_timeout_secs * 1000, log: (l) => io.err(`${l}\n`) })]
    : [];
  const { model, foldModels, wallMs } = await trainWithProgress({
    params, y: params.response_column as string, x: cli.x, train: tr.frame, valid: va?.frame ?? null, quiet: cli.quiet, hooks,
  }, io);
  // Print the report even when saving fails, so a long run's results are never lost.
  let saveError: unknown = null, interrupted = false;
  if (cli.model_out) interrupted = await saveModel(model, cli.model_out, io).catch((e) => ((saveError = e), false));
  // Fold models (nfolds with keep_cross_validation_models) go beside the main model: m_cv_1.tide, …
  const foldPaths = cli.model_out && !saveError && !interrupted ? foldModels.map((_, k) => cli.model_out!.replace(/(\.tide)?$/, `_cv_${k + 1}.tide`)) : [];
  for (let k = 0; k < foldPaths.length && !saveError; k++) await foldModels[k].save(foldPaths[k]).catch((e) => (saveError = e));
  io.out(formatReport(model, { wallMs, importMs: tr.ms + (va?.ms ?? 0), modelPath: saveError ? null : cli.model_out, brief: cli.quiet }));
  if (foldPaths.length && !saveError) io.out(`Fold models written to ${foldPaths[0]} … ${foldPaths[foldPaths.length - 1]} (--keep_cross_validation_models false skips them)\n`);
  if (saveError) throw saveError;
  return interrupted ? 130 : 0;
}
