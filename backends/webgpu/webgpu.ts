/**
 * The WebGPU backend: Float32 WGSL kernels on any GPU WebGPU reaches (Vulkan, Metal, D3D12; under
 * Deno also a software adapter such as llvmpipe). Ops only record dispatches into one pending
 * command encoder; it is submitted when data must cross (`write`, `read`, `free`), so a whole
 * mini-batch step is one submission. Plugin math comes from each plugin's `wgsl` declaration; a
 * plugin without one is refused by name. The fused trainer (./trainer.ts) keeps the training rows
 * on the device and draws dropout masks there, from the reference backend's random streams.
 * @module
 */
import type { Backend, BoundRegularizer, Buf, Dims, Elementwise, FusedNetwork, FusedTrainer, SoftmaxLoss } from "../../core/backend.ts";
import { type AdapterInfo, openDevice } from "./device.ts";
import * as K from "./kernels.ts";
import { WebGpuTrainer } from "./trainer.ts";

/** A device buffer of f32, row-major whatever its role. */
export interface GpuBuf extends Buf {
  readonly id: number;
  readonly gpu: GPUBuffer;
}

/** Bytes of one uniform block (the minimum dynamic-offset alignment). */
const BLOCK = 256;
/** Uniform blocks per submission before a flush. */
const BLOCKS = 2048;

/** The plugins of a network that have no GPU body, as "kind name" phrases. */
export function missingGpuBodies(net: Pick<FusedNetwork, "activation" | "distribution" | "optimizer" | "terms" | "constraints" | "output">): string[] {
  const out: string[] = [];
  if (!net.activation.wgsl) out.push(`activation "${net.activation.name}"`);
  if (net.output === "linear" && !net.distribution.wgsl) out.push(`distribution "${net.distribution.name}"`);
  if (!net.optimizer.wgsl) out.push(`optimizer "${net.optimizer.name}"`);
  for (const t of net.terms) if (!t.regularizer.wgsl?.gradient) out.push(`regularizer "${t.regularizer.name}"`);
  for (const c of net.constraints) if (!c.regularizer.wgsl?.constrain) out.push(`regularizer "${c.regularizer.name}"`);
  return out;
}

/** The webgpu backend with its device-side plumbing exposed to its trainer. */
export interface WebGpuBackend extends Backend {
  /** Adapter name and where it came from, once `init` succeeded. */
  readonly adapter?: string;
  /** The adapter's info and limits, once `init` succeeded (`tide backends` shows them). */
  readonly info?: AdapterInfo;
  /** Milliseconds to find the adapter and open the device. */
  readonly startMs?: { adapter: number; device: number };
  /** Pipelines compiled so far and the milliseconds spent creating them (start-up cost; bench/webgpu.ts). */
  readonly pipelineStats: { count: number; ms: number };
  /** Internal: the device, dispatch and copy recording for ./trainer.ts. */
  readonly gpu: GpuPlumbing;
}

/** What the trainer needs beyond the Backend contract. */
export interface GpuPlumbing {
  device(): GPUDevice;
  dispatch(code: string, bufs: readonly GPUBuffer[], params: ArrayLike<number>, floats: number, groups: [number, number]): void;
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void;
  raw(bytes: number, usage?: number): GPUBuffer;
  writeRaw(dst: GPUBuffer, data: ArrayBufferView, offset?: number): void;
  flush(): void;
  /** Resolves when every submitted command has run. */
  idle(): Promise<void>;
}

/** Options for tests and benchmarks. */
export interface WebGpuOptions {
  /** Largest training set (bytes) kept on the device; larger sets are uploaded a batch at a time. Default: the adapter's largest storage buffer. */
  readonly deviceRowsBytes?: number;
}

/** Creates the webgpu backend. */
export function webgpuBackend(options: WebGpuOptions = {}): WebGpuBackend {
  let device: GPUDevice | null = null;
  let nextId = 1;
  const pipelines = new Map<string, GPUComputePipeline>();
  const pipelineStats = { count: 0, ms: 0 };
  const layouts = new Map<number, GPUBindGroupLayout>();
  const groups = new Map<string, GPUBindGroup>();
  let enc: GPUCommandEncoder | null = null;
  let pass: GPUComputePassEncoder | null = null;
  let paramBuf: GPUBuffer | null = null;
  const paramHost = new ArrayBuffer(BLOCK * BLOCKS);
  const pu32 = new Uint32Array(paramHost), pf32 = new Float32Array(paramHost);
  let used = 0; // blocks used by the pending encoder

  const dev = (): GPUDevice => {
    if (!device) throw new Error("The webgpu backend is not initialized: call init() first");
    return device;
  };

  const layout = (n: number): GPUBindGroupLayout => {
    let l = layouts.get(n);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true, minBindingSize: 64 } }];
      for (let k = 1; k <= n; k++) entries.push({ binding: k, visibility: GPUShaderStage.COMPUTE, buffer: { type: "storage" } });
      l = dev().createBindGroupLayout({ entries });
      layouts.set(n, l);
    }
    return l;
  };

  const pipeline = (code: string, n: number): GPUComputePipeline => {
    let p = pipelines.get(code);
    if (!p) {
      const t = performance.now();
      const d = dev();
      const module = d.createShaderModule({ code });
      p = d.createComputePipeline({ layout: d.createPipelineLayout({ bindGroupLayouts: [layout(n)] }), compute: { module, entryPoint: "main" } });
      pipelines.set(code, p);
      pipelineStats.count++;
      pipelineStats.ms += performance.now() - t;
    }
    return p;
  };

  const ids = new WeakMap<GPUBuffer, number>();
  const idOf = (b: GPUBuffer): number => {
    let id = ids.get(b);
    if (id === undefined) ids.set(b, (id = nextId++));
    return id;
  };

  const flush = (): void => {
    if (!enc) return;
    pass?.end();
    pass = null;
    // A copy: Deno's writeBuffer may read its source after returning, and paramHost is refilled at once.
    dev().queue.writeBuffer(paramBuf!, 0, paramHost.slice(0, used * BLOCK));
    dev().queue.submit([enc.finish()]);
    enc = null;
    used = 0;
  };

  const encoder = (): GPUCommandEncoder => {
    if (!enc) enc = dev().createCommandEncoder();
    return enc;
  };

  const gpu: GpuPlumbing = {
    device: dev,
    dispatch(code, bufs, params, floats, [gx, gy]) {
      if (gx === 0 || gy === 0) return;
      if (used === BLOCKS) flush();
      const p = pipeline(code, bufs.length);
      const base = used * (BLOCK / 4);
      pu32.fill(0, base, base + 16);
      for (let i = 0; i < params.length; i++) {
        if (i >= floats) pf32[base + i] = params[i];
        else pu32[base + i] = params[i];
      }
      const key = `${bufs.length}:${bufs.map(idOf).join(",")}`;
      let g = groups.get(key);
      if (!g) {
        const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: paramBuf!, size: 64 } }];
        bufs.forEach((b, k) => entries.push({ binding: k + 1, resource: { buffer: b } }));
        g = dev().createBindGroup({ layout: layout(bufs.length), entries });
        groups.set(key, g);
      }
      if (!pass) pass = encoder().beginComputePass();
      pass.setPipeline(p);
      pass.setBindGroup(0, g, [used * BLOCK]);
      pass.dispatchWorkgroups(gx, gy);
      used++;
    },
    copy(src, so, dst, d0, bytes) {
      if (bytes === 0) return;
      pass?.end();
      pass = null;
      encoder().copyBufferToBuffer(src, so, dst, d0, bytes);
    },
    raw(bytes, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST) {
      return dev().createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    },
    writeRaw(dst, data, offset = 0) {
      flush();
      dev().queue.writeBuffer(dst, offset, data.buffer, data.byteOffset, data.byteLength);
    },
    flush,
    async idle() {
      flush();
      await dev().queue.onSubmittedWorkDone();
    },
  };

  /** Dispatches a one-dimensional kernel over n threads. */
  const run1 = (code: string, bufs: readonly Buf[], n: number, params: readonly number[] = [], floats = 99) => {
    const groupsN = Math.ceil(n / K.WG);
    const gx = Math.min(groupsN, 65535), gy = Math.ceil(groupsN / gx);
    gpu.dispatch(code, bufs.map((b) => (b as GpuBuf).gpu), [n, ...params], floats + 1, [gx, gy]);
  };

  /** Distinct buffers of a list, and each entry's binding number (1-based). */
  const distinct = (list: readonly Buf[]): { bufs: Buf[]; slot: number[] } => {
    const bufs: Buf[] = [], slot: number[] = [];
    for (const b of list) {
      let k = bufs.indexOf(b);
      if (k < 0) k = bufs.push(b) - 1;
      slot.push(k + 1);
    }
    return { bufs, slot };
  };

  const paramValues = (names: readonly string[] | undefined, p: Readonly<Record<string, unknown>>): number[] => {
    const v = [0, 0, 0, 0];
    (names ?? []).slice(0, 4).forEach((n, i) => (v[i] = Number(p[n])));
    return v;
  };

  const be: WebGpuBackend = {
    name: "webgpu",
    summary: "WebGPU (WGSL, Float32): mini-batch training and scoring on the GPU",
    precision: 32,
    // Below simd: `auto` stays on the CPU until a measured choice exists (docs/backends.md).
    priority: 5,
    unavailableReason: undefined as string | undefined,
    adapter: undefined as string | undefined,
    startMs: undefined as { adapter: number; device: number } | undefined,
    info: undefined as AdapterInfo | undefined,
    pipelineStats,
    gpu,

    async init() {
      if (device) return true;
      const r = await openDevice();
      if (!r.ok) {
        (be as { unavailableReason?: string }).unavailableReason = r.reason;
        return false;
      }
      device = r.device;
      Object.assign(be, { adapter: `${r.adapter} (through ${r.source})`, startMs: r.ms, info: r.info });
      paramBuf = device.createBuffer({ size: BLOCK * BLOCKS, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      return true;
    },

    alloc(length, shape) {
      if (shape && shape[0] * shape[1] !== length) throw new RangeError(`Cannot allocate: shape ${shape} does not hold ${length} values`);
      const buf = gpu.raw(length * 4);
      return { length, shape, id: idOf(buf), gpu: buf } as GpuBuf;
    },
    free(b) {
      flush();
      const g = (b as GpuBuf).gpu;
      const id = idOf(g);
      for (const key of [...groups.keys()]) if (key.split(":")[1].split(",").includes(String(id))) groups.delete(key);
      g.destroy();
    },
    write(dst, src, offset = 0) {
      if (offset + src.length > dst.length) throw new RangeError(`Cannot write ${src.length} values at ${offset} into a buffer of ${dst.length}`);
      gpu.writeRaw((dst as GpuBuf).gpu, Float32Array.from(src as ArrayLike<number>), offset * 4);
    },
    async read(src) {
      flush();
      const d = dev();
      const bytes = Math.max(4, src.length * 4);
      const staging = d.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const e = d.createCommandEncoder();
      e.copyBufferToBuffer((src as GpuBuf).gpu, 0, staging, 0, src.length * 4);
      d.queue.submit([e.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = Float64Array.from(new Float32Array(staging.getMappedRange(), 0, src.length));
      staging.unmap();
      staging.destroy();
      return out;
    },
    fill(dst, value) {
      run1(K.FILL, [dst], dst.length, [value], 0);
    },

    affine(X, W, b, Y, { batch, in: nIn, out }: Dims) {
      gpu.dispatch(K.AFFINE, [X, W, b, Y].map((x) => (x as GpuBuf).gpu), [batch, out, nIn], 3, [Math.ceil(out / 64), Math.ceil(batch / 64)]);
    },
    affineBackward(dY, X, W, { dX, dW, db }, { batch, in: nIn, out, scale }) {
      const g = (x: Buf) => (x as GpuBuf).gpu;
      if (dX) gpu.dispatch(K.AFFINE_DX, [g(dY), g(W), g(dX)], [batch, nIn, out], 3, [Math.ceil(nIn / 64), Math.ceil(batch / 64)]);
      gpu.dispatch(K.AFFINE_DW, [g(dY), g(X), g(dW)], [out, nIn, batch, scale], 3, [Math.ceil(nIn / 64), Math.ceil(out / 64)]);
      run1(K.COLSUM, [dY, db], out, [batch, scale], 1);
    },

    map(op: Elementwise, ins, outs, n) {
      switch (op.kind) {
        case "activate":
          if (!op.activation.wgsl) throw noBody(`activation "${op.activation.name}"`);
          // An aliased in-place activation reads then writes the same element: one binding.
          if (ins[0] === outs[0]) return run1(K.activateKernel(op.activation, true), [ins[0]], n);
          return run1(K.activateKernel(op.activation, false), [ins[0], outs[0]], n);
        case "activateGrad": {
          if (!op.activation.wgsl) throw noBody(`activation "${op.activation.name}"`);
          const alias = ins.indexOf(outs[0]);
          if (new Set(ins).size !== 3) throw new RangeError("webgpu: activateGrad needs three distinct input buffers");
          return run1(K.activateGradKernel(op.activation, alias), alias >= 0 ? ins : [...ins, outs[0]], n);
        }
        case "mul": {
          const { bufs, slot } = distinct([ins[0], ins[1], outs[0]]);
          return run1(K.mulKernel(slot), bufs, n);
        }
        case "scale":
          return ins[0] === outs[0] ? run1(K.scaleKernel(true), [ins[0]], n, [op.factor], 0) : run1(K.scaleKernel(false), [ins[0], outs[0]], n, [op.factor], 0);
        case "outputGrad": {
          if (!op.distribution.wgsl) throw noBody(`distribution "${op.distribution.name}"`);
          const alias = ins.indexOf(outs[0]);
          const p = paramValues(op.distribution.wgsl.params, op.params);
          return run1(K.outputGradKernel(op.distribution, alias), alias >= 0 ? ins : [...ins, outs[0]], n, p, 0);
        }
        case "update": {
          const o = op.optimizer;
          if (!o.wgsl) throw noBody(`optimizer "${o.name}"`);
          for (const t of op.terms) if (!t.regularizer.wgsl?.gradient) throw noBody(`regularizer "${t.regularizer.name}"`);
          const k = o.slots;
          // In place (the engine's only use): outs alias P and the slots; otherwise copy first.
          const inPlace = outs[0] === ins[0] && outs.slice(1).every((s, j) => s === ins[2 + j]);
          if (!inPlace) {
            const bytes = n * 4;
            gpu.copy((ins[0] as GpuBuf).gpu, 0, (outs[0] as GpuBuf).gpu, 0, bytes);
            for (let j = 0; j < k; j++) gpu.copy((ins[2 + j] as GpuBuf).gpu, 0, (outs[1 + j] as GpuBuf).gpu, 0, bytes);
          }
          const bufs = [outs[0], ins[1], ...outs.slice(1, 1 + k)];
          if (op.rowMask) bufs.push(op.rowMask);
          const cols = outs[0].shape?.[1] ?? 1;
          const params = [cols, op.skipZero ? 1 : 0, 0, ...paramValues(o.wgsl.params, op.params)];
          for (const t of op.terms) params.push(...paramValues(t.regularizer.wgsl!.params, t.params));
          return run1(K.updateKernel(o, op.terms, !!op.rowMask), bufs, n, params, 3);
        }
      }
    },

    softmax(Z, P, batch, width) {
      run1(K.SOFTMAX, [Z, P], batch, [width], 1);
    },
    softmaxGrad(P, T, E, batch, width, loss: SoftmaxLoss) {
      run1(K.SOFTMAX_GRAD, [P, T, E], batch, [width, loss === "Quadratic" ? 1 : 0], 2);
    },
    channelMax(Z, A, batch, units, channels) {
      run1(K.CHANNEL_MAX, [Z, A], batch * units, [channels], 1);
    },
    channelMaxGrad(Z, E, G, batch, units, channels, won) {
      run1(K.CHANNEL_MAX_GRAD, [Z, E, G], batch * units, [channels], 1);
      if (won) run1(K.CHANNEL_WON, [Z, won], units, [batch, channels], 2);
    },
    constrainRows(W, touched, rows, cols, c: BoundRegularizer) {
      if (!c.regularizer.wgsl?.constrain) throw noBody(`regularizer "${c.regularizer.name}"`);
      const p = [cols, 0, 0, ...paramValues(c.regularizer.wgsl.params, c.params)];
      run1(K.constrainKernel(c, !!touched), touched ? [W, touched] : [W], rows, p, 3);
    },

    refuse(net) {
      const missing = missingGpuBodies(net);
      if (missing.length) return `the plugin ${missing.join(", ")} has no GPU body (wgsl): declare one next to its TypeScript math (docs/plugins.md), or use backend "simd"`;
      if (net.miniBatch < 2) return `"mini_batch_size" is ${net.miniBatch}: per-sample SGD leaves a GPU idle; use backend "simd" for mini_batch_size 1, or mini_batch_size 32 … 512 on webgpu`;
      return undefined;
    },

    fused(net: FusedNetwork): FusedTrainer | undefined {
      // Autoencoders (reconstruction targets, sparsity) train through the generic ops on this backend.
      if (missingGpuBodies(net).length || net.output === "reconstruct" || net.sparsity) return undefined;
      if (net.units.length - 1 > 4 + 1) return undefined; // the batch set-up draws masks for up to 4 layers
      return new WebGpuTrainer(be, net, options.deviceRowsBytes);
    },
  };
  return be;
}

function noBody(what: string): RangeError {
  return new RangeError(`The plugin ${what} has no GPU body (wgsl), so it cannot run on the webgpu backend: declare one next to its TypeScript math (docs/plugins.md) or use backend "simd"`);
}
