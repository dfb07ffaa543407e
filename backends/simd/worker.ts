/**
 * A HOGWILD! training thread of the SIMD backend: instantiates the kernels on the shared memory
 * and runs `train_rows` over the share of rows it is sent. It must be an extra entrypoint of the
 * compiled binary (scripts/build.ts adds every backends/*\/worker.ts).
 * @module
 */
import { kernelImports } from "./host.ts";

interface Run {
  ctx: number;
  tctx: number;
  order: number;
  count: number;
  samples: number;
  pass: number;
  stride: number;
}

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
let train: ((ctx: number, tctx: number, order: number, count: number, samples: number, pass: number, stride: number) => number) | null = null;

scope.onmessage = async (e: MessageEvent) => {
  const d = e.data as { module?: WebAssembly.Module; memory?: WebAssembly.Memory } & Partial<Run>;
  try {
    if (d.module) {
      const inst = await WebAssembly.instantiate(d.module, kernelImports(d.memory!));
      train = (inst.exports as unknown as { train_rows: typeof train }).train_rows;
      scope.postMessage({ ready: true });
      return;
    }
    const r = d as Run;
    scope.postMessage({ done: train!(r.ctx, r.tctx, r.order, r.count, r.samples, r.pass, r.stride) });
  } catch (err) {
    scope.postMessage({ error: (err as Error).message ?? String(err) });
  }
};
