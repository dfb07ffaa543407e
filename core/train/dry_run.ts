/**
 * `--dry_run`: what training would take, without training the model. The plan, the data and the
 * memory estimate come from the same steps training runs (so a network that would not fit is
 * refused the same way, before anything is allocated); the time comes from this backend's speed,
 * measured on a throwaway copy of the network for a fraction of a second.
 * @module
 */
import { formatBytes } from "./memory.ts";
import { permutation } from "./loop.ts";
import { measureSpeed } from "./speed.ts";
import { bindTrainer, resolveBackend, type TrainInput } from "./train.ts";

/** What a dry run reports. */
export interface DryRunReport {
  readonly units: readonly number[];
  /** Weights and biases. */
  readonly parameters: number;
  /** Bytes of the backend's state (weights, biases, optimizer slots) and of the saved model file. */
  readonly modelBytes: number;
  readonly fileBytes: number;
  /** Per training thread: activations, deltas and mini-batch gradients. */
  readonly perThreadBytes: number;
  /** Everything training holds at its peak (the refusal threshold). */
  readonly trainingBytes: number;
  readonly parts: readonly { readonly what: string; readonly bytes: number }[];
  readonly backend: string;
  /** With backend "auto": what it chose and why. */
  readonly backendChoice?: string;
  readonly fused: boolean;
  readonly threads: number;
  /** Measured training speed, and the samples and seconds the requested epochs take at it (scoring excluded). */
  readonly samplesPerSecond: number;
  readonly samples: number;
  readonly seconds: number;
  /** Models trained: 1, or nfolds + 1 with cross-validation. */
  readonly models: number;
}

/** Measures, trains nothing; throws as training would for bad parameters or a network that does not fit. */
export async function dryRun(auto: TrainInput, { probeSeconds = 0.3 } = {}): Promise<DryRunReport> {
  const { input, prepared, reason } = await resolveBackend(auto);
  const { estimate, data, plan } = prepared;
  const p = plan.params;
  const trainer = await bindTrainer(input, prepared);
  let rate: number;
  try {
    const order = permutation(data.usable.length, prepared.seed, 0);
    rate = await measureSpeed(trainer, data.packed, order, { slice: 256, miniBatch: p.mini_batch_size as number, seconds: probeSeconds });
  } finally {
    trainer.close();
  }
  const part = (what: string) => estimate.parts.filter((x) => x.what.startsWith(what)).reduce((s, x) => s + x.bytes, 0);
  const nfolds = p.nfolds as number;
  const models = nfolds > 0 ? nfolds + 1 : 1;
  const toTrain = prepared.totalSamples - (input.checkpoint?.output.samples ?? 0);
  return {
    units: prepared.shape.units, parameters: estimate.parameters, modelBytes: part("weights, biases"), fileBytes: part("model file"),
    perThreadBytes: part("per-thread") / Math.max(1, trainer.threads), trainingBytes: estimate.bytes, parts: estimate.parts,
    backend: input.backend.name, backendChoice: reason ?? undefined, fused: !!trainer.fused, threads: trainer.threads, samplesPerSecond: rate, samples: toTrain,
    seconds: (models * toTrain) / rate, models,
  };
}

/** The report as `tide train --dry_run` prints it. */
export function formatDryRun(r: DryRunReport): string {
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  return [
    `Dry run: nothing was trained.`,
    `Network: ${r.units.join("-")}, ${n(r.parameters)} weights and biases`,
    `Model: ${formatBytes(r.modelBytes)} on the backend, ${formatBytes(r.fileBytes)} as a model file`,
    `Training memory: ${formatBytes(r.trainingBytes)} in all, ${formatBytes(r.perThreadBytes)} per thread (${r.threads} thread${r.threads === 1 ? "" : "s"})`,
    ...r.parts.map((x) => `  ${x.what}: ${formatBytes(x.bytes)}`),
    ...(r.backendChoice ? [r.backendChoice] : []),
    `Speed: ${n(r.samplesPerSecond)} samples/s measured on backend "${r.backend}" (${r.fused ? "fused kernel" : "generic path"})`,
    `Estimated time: ${r.seconds < 1 ? r.seconds.toPrecision(2) : r.seconds < 100 ? r.seconds.toFixed(1) : n(r.seconds)} s for ${n(r.samples)} samples${r.models > 1 ? ` × ${r.models} models (cross-validation)` : ""}, scoring not included`,
  ].join("\n");
}
