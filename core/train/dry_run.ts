/**
 * `--dry_run`: what training would take, without training the model. The plan, the data and the
 * memory estimate come from the same steps training runs (so a network that would not fit is
 * refused the same way, before anything is allocated); the time comes from this backend's speed,
 * measured on a throwaway copy of the network for a fraction of a second.
 * @module
 */
import { formatBytes } from "./memory.ts";
import { permutation } from "./loop.ts";
import { bindTrainer, prepareTraining, type TrainInput } from "./train.ts";

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
export async function dryRun(input: TrainInput, { probeSeconds = 0.3 } = {}): Promise<DryRunReport> {
  const prepared = prepareTraining(input);
  const { estimate, data, plan } = prepared;
  const p = plan.params;
  const trainer = await bindTrainer(input, prepared);
  let samples = 0, ms = 0;
  try {
    const U = data.usable.length;
    const order = permutation(U, prepared.seed, 0);
    const slice = Math.max(p.mini_batch_size as number, Math.min(U, 256));
    // Warm up once (Workers, JIT), then time slices until the probe time is spent.
    for (let k = 0, cursor = 0; ; k++) {
      if (cursor + slice > U) cursor = 0;
      const idx = order.subarray(cursor, cursor + slice);
      const t = performance.now();
      const done = trainer.fused ? await trainer.fused.train(idx, { samples, pass: 0 }) : await trainer.generic.train(data.packed, idx, { samples, pass: 0 });
      cursor += slice;
      if (k === 0) continue;
      ms += performance.now() - t;
      samples += done;
      if (ms > probeSeconds * 1000 && k > 2) break;
    }
  } finally {
    trainer.close();
  }
  const part = (what: string) => estimate.parts.filter((x) => x.what.startsWith(what)).reduce((s, x) => s + x.bytes, 0);
  const rate = samples / Math.max(ms / 1000, 1e-9);
  const nfolds = p.nfolds as number;
  const models = nfolds > 0 ? nfolds + 1 : 1;
  const toTrain = prepared.totalSamples - (input.checkpoint?.output.samples ?? 0);
  return {
    units: prepared.shape.units, parameters: estimate.parameters, modelBytes: part("weights, biases"), fileBytes: part("model file"),
    perThreadBytes: part("per-thread") / Math.max(1, trainer.threads), trainingBytes: estimate.bytes, parts: estimate.parts,
    backend: input.backend.name, fused: !!trainer.fused, threads: trainer.threads, samplesPerSecond: rate, samples: toTrain,
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
    `Speed: ${n(r.samplesPerSecond)} samples/s measured on backend "${r.backend}" (${r.fused ? "fused kernel" : "generic path"})`,
    `Estimated time: ${r.seconds < 1 ? r.seconds.toPrecision(2) : r.seconds < 100 ? r.seconds.toFixed(1) : n(r.seconds)} s for ${n(r.samples)} samples${r.models > 1 ? ` × ${r.models} models (cross-validation)` : ""}, scoring not included`,
  ].join("\n");
}
