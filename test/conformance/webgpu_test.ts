/**
 * The conformance suite against the WebGPU backend. Runs where an adapter exists: under Deno,
 * whose navigator.gpu finds a software adapter (llvmpipe) on a machine without a GPU
 * (`npm run test:webgpu`), and in Bun through the webgpu package (Dawn) on a real GPU. With no
 * adapter every case is skipped, each naming the reason.
 */
import { webgpuBackend } from "../../backends/webgpu/webgpu.ts";
import { runBackendSuite } from "./_suite.ts";

await runBackendSuite(() => webgpuBackend(), {
  skipMiniBatch1: "webgpu refuses mini_batch_size 1 (per-sample SGD belongs on simd); every factor value is still paired with mini-batch 4",
  skip: [
    {
      reason: "a device backend has no Worker threads: it runs each mini-batch on the device in order",
      tests: ["fused trainer with threads 2 schedules each update at its interleaved global sample count"],
    },
    {
      reason: "webgpu's fused trainer covers the supervised heads; autoencoders (the reconstruct head) train through its generic ops, checked by the GenericNetwork cases",
      tests: ["fused trainer matches reference [autoencoder,"],
    },
    {
      reason: "a plugin without a GPU body (wgsl) is refused on webgpu, by name (test/backends/webgpu_test.ts)",
      tests: ["GenericNetwork step matches reference for a plugin without a fast body, and fused() declines it"],
    },
  ],
});
