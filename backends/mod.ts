/**
 * The built-in backends, imported by literal path, and the registry users add their own to.
 * `backendFor("auto")` is training's chooser (backends/auto: the fastest backend for each network
 * and mini-batch); `selectBackend("auto")`, for scoring a model whose backend is missing here,
 * picks the available backend with the highest priority.
 * @module
 */
import type { Backend, BackendChooser } from "../core/backend.ts";
import { autoChooser } from "./auto/auto.ts";
import { Registry } from "../core/registry.ts";
import { referenceBackend } from "./reference/reference.ts";
import { simdBackend } from "./simd/simd.ts";
import { webgpuBackend } from "./webgpu/webgpu.ts";

/** Backends by name; each entry creates a fresh instance. */
export const backends: Registry<{ name: string; summary: string; create: () => Backend }> = new Registry("backend");

backends.add({ name: "reference", summary: "Plain TypeScript, Float64: the definition", create: referenceBackend });
backends.add({ name: "simd", summary: "WebAssembly SIMD, HOGWILD! over Workers (Float32)", create: simdBackend });
backends.add({ name: "webgpu", summary: "WebGPU WGSL kernels, mini-batch training and scoring on the GPU (Float32)", create: webgpuBackend });

/**
 * What training runs on for a `backend` parameter: "auto" gives a chooser that picks per network
 * once the network is known (the engine asks it); any other name, the initialized backend
 * (throws like {@linkcode selectBackend}).
 */
export async function backendFor(name = "auto"): Promise<Backend | BackendChooser> {
  return name === "auto" ? autoChooser(backends) : await selectBackend(name);
}

/**
 * Creates and initializes a backend by name, or the available one with the highest priority for "auto". Throws
 * `RangeError` naming the known backends, or saying why the requested one is unavailable here.
 */
export async function selectBackend(name = "auto"): Promise<Backend> {
  if (name !== "auto") {
    const b = backends.get(name).create();
    if (!(await b.init())) {
      throw new RangeError(`Backend "${name}" is not available here: ${b.unavailableReason ?? "init() failed"}; use backend "auto" or "reference"`);
    }
    return b;
  }
  const candidates = backends.list().map((e) => e.create()).sort((a, b) => b.priority - a.priority);
  for (const b of candidates) if (await b.init()) return b;
  throw new RangeError("No backend is available here");
}
