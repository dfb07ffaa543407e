/**
 * Finding a WebGPU device: `navigator.gpu` where the runtime has one (Deno, browsers), else the
 * `webgpu` npm package (Dawn) in Bun and Node. Never throws: says why there is no adapter.
 * @module
 */

/** An adapter and device, or why there is none. */
export type DeviceResult =
  | { readonly ok: true; readonly device: GPUDevice; readonly adapter: string; readonly source: string; readonly ms: { adapter: number; device: number } }
  | { readonly ok: false; readonly reason: string };

async function findGpu(): Promise<{ gpu: GPU; source: string } | string> {
  // deno-lint-ignore no-explicit-any
  const nav = (globalThis as any).navigator;
  if (nav?.gpu) return { gpu: nav.gpu as GPU, source: "navigator.gpu" };
  // The tide binary embeds Dawn's addon (scripts/build.ts) and leaves a loader here.
  const embedded = (globalThis as { __tideDawn?: () => { create(o: string[]): GPU; globals: object } }).__tideDawn;
  if (embedded) {
    try {
      const dawn = embedded();
      Object.assign(globalThis, dawn.globals);
      return { gpu: dawn.create([]), source: "Dawn, embedded in the binary" };
    } catch (e) {
      return `the Dawn addon embedded in this binary could not be loaded (${(e as Error).message.split("\n")[0]})`;
    }
  }
  try {
    // A computed specifier keeps bundlers and `deno check` from requiring the optional package.
    const name = "webgpu";
    const mod = await import(name);
    if (mod.globals) Object.assign(globalThis, mod.globals); // GPUBufferUsage and friends
    return { gpu: mod.create([]) as GPU, source: "the webgpu package (Dawn)" };
  } catch (e) {
    return `this runtime has no navigator.gpu and the "webgpu" package (Dawn) could not be loaded (${(e as Error).message.split("\n")[0]})`;
  }
}

/** Requests the highest-performance adapter and a device with its largest buffer limits. */
export async function openDevice(): Promise<DeviceResult> {
  const t0 = performance.now();
  const found = await findGpu();
  if (typeof found === "string") return { ok: false, reason: found };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await found.gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    return { ok: false, reason: `requestAdapter failed through ${found.source}: ${(e as Error).message}` };
  }
  if (!adapter) return { ok: false, reason: `no WebGPU adapter found through ${found.source} (no Vulkan, Metal or D3D12 GPU here)` };
  const t1 = performance.now();
  const lim = adapter.limits;
  try {
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
        maxBufferSize: lim.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(10, lim.maxStorageBuffersPerShaderStage),
      },
    });
    const info = adapter.info;
    const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(" ") || "unnamed adapter";
    return { ok: true, device, adapter: name, source: found.source, ms: { adapter: t1 - t0, device: performance.now() - t1 } };
  } catch (e) {
    return { ok: false, reason: `requestDevice failed: ${(e as Error).message}` };
  }
}
