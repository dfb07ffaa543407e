/**
 * The time from process start to the first trained batch on the GPU, broken down: finding the
 * adapter, opening the device, creating the compute pipelines, and the first batch itself. The
 * webgpu trainer (./trainer.ts) measures its first batch with {@linkcode timeFirstBatch}; `tide
 * train` prints {@linkcode startupNote} as a note and keeps it in the model's messages;
 * bench/webgpu.ts prints the same figures beside its own (module loading, data).
 * @module
 */
import type { WebGpuBackend } from "./webgpu.ts";

/** Milliseconds, each measured with `performance.now()` (whose origin is the process's start). */
export interface GpuStartup {
  /** From process start to the end of the first trained batch. */
  readonly toFirstBatchMs: number;
  /** `navigator.gpu.requestAdapter` (and loading the webgpu package under Bun). */
  readonly adapterMs: number;
  /** `adapter.requestDevice`. */
  readonly deviceMs: number;
  /** Pipelines created so far in this process (createShaderModule + createComputePipeline), and their time. */
  readonly pipelines: number;
  readonly pipelineMs: number;
  /** The first batch on the device until it finished, pipeline creation excluded. */
  readonly firstBatchMs: number;
}

/** Runs `firstBatch` (one mini-batch, resolved once the device is done) and breaks down the time up to its end. */
export async function timeFirstBatch(be: WebGpuBackend, firstBatch: () => Promise<unknown>): Promise<GpuStartup> {
  if (!be.startMs) throw new Error("The webgpu backend is not initialized: call init() first");
  const before = be.pipelineStats.ms;
  const t = performance.now();
  await firstBatch();
  const end = performance.now();
  const { count, ms } = be.pipelineStats;
  return {
    toFirstBatchMs: end, adapterMs: be.startMs.adapter, deviceMs: be.startMs.device, pipelines: count, pipelineMs: ms,
    firstBatchMs: Math.max(0, end - t - (ms - before)),
  };
}

/** One line: "WebGPU start-up: 1,234 ms from process start to the first trained batch (adapter …)". */
export function startupNote(s: GpuStartup): string {
  const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
  return `WebGPU start-up: ${ms(s.toFirstBatchMs)} from process start to the first trained batch (adapter ${ms(s.adapterMs)}, ` +
    `device ${ms(s.deviceMs)}, ${s.pipelines} pipeline${s.pipelines === 1 ? "" : "s"} created in ${ms(s.pipelineMs)}, first batch ${ms(s.firstBatchMs)} on the device)`;
}
