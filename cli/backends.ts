/**
 * `tide backends`: what this machine has — each backend available or not and why, a GPU's
 * adapter and limits, and a measured training speed on a small standard network.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { backendInventory, formatInventory, STANDARD_PROBE } from "../backends/inventory/inventory.ts";
import { defaultSpeedCachePath } from "../backends/auto/cache.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";

const BACKENDS_FLAGS: ParamSpecs = {
  json: { type: "bool", default: false, help: "Print one JSON array (name, available, reason, device, adapter with limits, speed) instead of text" },
  probe: { type: "bool", default: true, help: "Measure each available backend's training speed (false: availability and devices only, instantly)" },
  hidden: { type: "int[]", default: [...STANDARD_PROBE.hidden], min: 1, help: "Hidden layers of the network the speed probe trains (784 dense inputs, 10 classes, Rectifier, ADADELTA)" },
  mini_batch_size: { type: "int", default: STANDARD_PROBE.miniBatch, min: 1, help: "Mini-batch of the speed probe (webgpu refuses 1)" },
  seconds: { type: "float", default: STANDARD_PROBE.seconds, min: 0.05, max: 60, help: "Seconds of timed training per backend" },
};

/** `tide backends`. */
export const backendsCommand: Command = {
  name: "backends",
  summary: "List the compute backends this machine has: available or why not, GPU adapter and limits, measured speed",
  usage: "tide backends [--json] [--probe false] [--hidden 200,200] [--mini_batch_size 32] [--seconds 0.5]",
  description: [
    "For each backend (simd, reference, webgpu): whether it runs here and, if not, why (webgpu: \"no adapter: …\");",
    "for a GPU, the adapter's name, vendor and architecture, whether it is a software/fallback adapter",
    "(llvmpipe), and its limits; then a short probe: samples/s training the standard network",
    "784-200-200-10 at mini-batch 32 on synthetic rows (about a second per backend). Training's default,",
    "--backend auto, picks among the available backends per network and mini-batch; its measurements",
    `are cached in ${defaultSpeedCachePath()}.`,
    "",
    "Examples:",
    "  tide backends",
    "  tide backends --json --probe false",
    "  deno run -A cli/main.ts backends      # Deno's navigator.gpu (a software adapter on machines without a GPU)",
  ].join("\n"),
  flags: () => BACKENDS_FLAGS,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(backendsCommand));
      return 0;
    }
    const parsed = parseFlags(argv, BACKENDS_FLAGS);
    if (parsed.positionals.length) parsed.errors.push(`Unexpected argument "${parsed.positionals[0]}": tide backends takes only flags`);
    if (parsed.errors.length) throw new UsageError(parsed.errors, "backends");
    const v = { ...Object.fromEntries(Object.entries(BACKENDS_FLAGS).map(([k, s]) => [k, s.default])), ...parsed.values };
    const entries = await backendInventory({
      probe: v.probe as boolean,
      settings: { hidden: v.hidden as number[], miniBatch: v.mini_batch_size as number, seconds: v.seconds as number },
    });
    io.out(v.json ? `${JSON.stringify(entries, null, 2)}\n` : formatInventory(entries));
    return 0;
  },
};
