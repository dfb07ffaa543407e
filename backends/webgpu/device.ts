/**
 * Finding a WebGPU device: `navigator.gpu` where the runtime has one (Deno, browsers), else the
 * `webgpu` npm package (Dawn) in Bun and Node. Never throws: says why there is no adapter.
 * @module
 */

/** The limits `tide backends` shows: the ones that bound Tide's buffers and kernels. */
export const KEY_LIMITS = [
  "maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupSizeX", "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupsPerDimension", "maxComputeWorkgroupStorageSize", "maxStorageBuffersPerShaderStage",
] as const;

/** What the adapter says about itself (GPUAdapterInfo), plus its limits. */
export interface AdapterInfo {
  /** A readable name: the description, else vendor and architecture. */
  readonly name: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** The adapter reports itself as a fallback adapter, or its name is a known CPU rasterizer (llvmpipe, lavapipe, SwiftShader, WARP). */
  readonly software: boolean;
  /** Where it came from: "navigator.gpu", "the webgpu package (Dawn)", … */
  readonly source: string;
  /** Every numeric limit the adapter reports. */
  readonly limits: Readonly<Record<string, number>>;
}

/** An adapter and device, or why there is none. */
export type DeviceResult =
  | { readonly ok: true; readonly device: GPUDevice; readonly adapter: string; readonly info: AdapterInfo; readonly source: string; readonly ms: { adapter: number; device: number } }
  | { readonly ok: false; readonly reason: string };

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/** The adapter's info and limits in plain values (Deno and Dawn expose them as getters). */
export function adapterInfo(adapter: GPUAdapter, source: string): AdapterInfo {
  const i = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  const vendor = str(i.vendor), architecture = str(i.architecture), device = str(i.device), description = str(i.description);
  const name = description || [vendor, architecture, device].filter((s) => s && s !== "0").join(" ") || "unnamed adapter";
  const limits: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === "number") limits[k] = v;
  }
  const fallback = i.isFallbackAdapter === true || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return { name, vendor, architecture, device, description, software: fallback || SOFTWARE.test(`${description} ${architecture} ${vendor}`), source, limits };
}

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

/** Why this process has no adapter, once known. */
let noAdapter: string | null = null;

/** Requests the highest-performance adapter and a device with its largest buffer limits. */
export async function openDevice(): Promise<DeviceResult> {
  // Without a runtime GPU or an adapter, later calls in this process give the same answer at once
  // (backend "auto" asks for every network; Dawn logs its Vulkan search each time it looks).
  if (noAdapter) return { ok: false, reason: noAdapter };
  const t0 = performance.now();
  const found = await findGpu();
  if (typeof found === "string") return { ok: false, reason: (noAdapter = found) };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await found.gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    return { ok: false, reason: `requestAdapter failed through ${found.source}: ${(e as Error).message}` };
  }
  if (!adapter) return { ok: false, reason: (noAdapter = `no adapter: requestAdapter() through ${found.source} found no WebGPU adapter (no Vulkan, Metal or D3D12 GPU here)`) };
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
    const info = adapterInfo(adapter, found.source);
    return { ok: true, device, adapter: info.name, info, source: found.source, ms: { adapter: t1 - t0, device: performance.now() - t1 } };
  } catch (e) {
    return { ok: false, reason: `requestDevice failed: ${(e as Error).message}` };
  }
}
