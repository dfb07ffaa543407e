/**
 * `--plugin FILE` (repeatable) and `TIDE_PLUGINS` for the commands that train or score:
 * the files are loaded into the binary's registries before the command parses its other flags,
 * so a plugin's names and hyper-parameters are flags like H2O's own. `tide serve` and other
 * commands call {@linkcode takePlugins} and {@linkcode loadModelChecked} the same way.
 * @module
 */
import { basename } from "node:path";
import type { ParamSpecs } from "../core/params.ts";
import { readBytes } from "../io/files.ts";
import { decodeModel } from "../model/file.ts";
import { DeepLearningModel } from "../model/model.ts";
import { checkPluginRecords, envPluginPaths, genericPathNote, loadPlugins, type PluginRecord, pluginsWithoutFastBody } from "../plugins/load.ts";
import { activations, distributions } from "../plugins/mod.ts";
import { UsageError } from "./_flags.ts";
import type { Io } from "./_io.ts";

/** The commands main.ts loads plugins for before running them. */
export const PLUGIN_COMMANDS: ReadonlySet<string> = new Set(["train", "predict", "anomaly", "deepfeatures", "repl", "serve", "export"]);

/** The `--plugin` flag's declaration, for `--help` (the value itself is taken by {@linkcode takePlugins}). */
export const PLUGIN_FLAG: ParamSpecs = {
  plugin: {
    type: "string[]", default: null, section: "Command line",
    help: "Load a plugin file (.ts or .js) first; repeat for more. TIDE_PLUGINS lists more, comma-separated",
  },
};

/** Splits `--plugin FILE` / `--plugin=FILE` out of a command's arguments (before any `--`). */
export function splitPluginFlags(argv: readonly string[]): { paths: string[]; rest: string[] } {
  const paths: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "--plugin" || a === "--plugins") {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) throw new UsageError([`${a} needs a value: the plugin file, e.g. --plugin ./swish.ts`]);
      paths.push(...v.split(",").filter(Boolean));
      i++;
    } else if (a.startsWith("--plugin=") || a.startsWith("--plugins=")) {
      paths.push(...a.slice(a.indexOf("=") + 1).split(",").filter(Boolean));
    } else rest.push(a);
  }
  return { paths, rest };
}

/**
 * Loads the plugins of `TIDE_PLUGINS` and of the `--plugin` flags, says which on `io.err`, and
 * returns the other arguments.
 */
export async function takePlugins(argv: readonly string[], io: Io): Promise<{ rest: string[]; loaded: PluginRecord[] }> {
  const { paths, rest } = splitPluginFlags(argv);
  const all = [...envPluginPaths(), ...paths];
  const loaded = await loadPlugins(all);
  const quiet = rest.includes("--quiet") || rest.includes("--help") || rest.includes("-h");
  if (!quiet) {
    for (const r of loaded) io.err(`Loaded ${r.kind} plugin "${r.name}" from ${basename(r.file)} (sha256 ${r.sha256.slice(0, 12)}…)\n`);
  }
  return { rest, loaded };
}

/**
 * Loads a model file and checks the plugins it trained with before anything else: a missing or
 * changed plugin is an error that names it and the file to load.
 */
export async function loadModelChecked(path: string): Promise<DeepLearningModel> {
  const data = decodeModel(await readBytes(path), `"${path}"`);
  checkPluginRecords(data);
  return new DeepLearningModel(data);
}

/**
 * The start-of-training note when a loaded plugin without a fast body keeps these training
 * parameters off the fused kernels, wholly or in part (null when none does, or on the reference
 * backend, which has no fused path). It mirrors the SIMD backend's choice (`fusedKinds` in
 * backends/simd/simd.ts): a one-channel activation (not in an autoencoder) and a regression
 * distribution are called from the kernels, a classification distribution needs no body (the
 * softmax head's error is p − y); any other slow plugin takes the whole network off them.
 */
export function genericPathNoteFor(params: Readonly<Record<string, unknown>>): string | null {
  if (params.backend === "reference") return null;
  const act = String(params.activation ?? "Rectifier").replace(/WithDropout$/, "");
  // A classification distribution's training error is the softmax head's p − y: nothing of it runs per value.
  const slow = pluginsWithoutFastBody({
    activation: act, distribution: String(params.distribution ?? "AUTO"), optimizer: String(params.optimizer ?? "AUTO"), params,
  }).filter((r) => !(r.kind === "distribution" && distributions.get(r.name).family === "classification"));
  if (!slow.length) return null;
  const asked = Number(params.nthreads ?? -1);
  const threads = asked > 0 ? asked : (globalThis.navigator?.hardwareConcurrency || 1);
  const autoencoder = params.autoencoder === true || params.autoencoder === "true";
  const hostable = (r: PluginRecord) =>
    r.kind === "activation"
      ? !autoencoder && (activations.get(r.name).channels ?? 1) === 1
      : r.kind === "distribution" && distributions.get(r.name).family !== "classification";
  const calledFromKernels = params.backend !== "webgpu" && slow.every(hostable);
  return genericPathNote(slow, params.reproducible === true || params.reproducible === "true" ? 1 : threads, calledFromKernels);
}
