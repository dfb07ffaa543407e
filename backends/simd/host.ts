/**
 * What the SIMD kernels import from their host: the shared memory, and the math of a plugin
 * activation or distribution that has no fast body (kernel activation code 3, distribution code
 * 7). The fused trainer then keeps its products, updates and dropout in WebAssembly and calls
 * the activation's `f`/`df` once per layer and row (or mini-batch), over a contiguous run of
 * values, and the distribution's `gradient` once per output value.
 *
 * Small on purpose: the Worker entry imports it, and the Worker is its own bundle.
 * @module
 */
import type { Activation } from "../../core/activation.ts";
import { type Distribution, type DistributionParams, linkInv } from "../../core/distribution.ts";

/** Plugin math the kernels call back into (either may be absent). */
export interface HostMath {
  readonly activation?: Activation;
  /** With its parameters, read at every call (the engine refits some between calls: Huber's δ). */
  readonly distribution?: { readonly distribution: Distribution; readonly params: DistributionParams };
}

/** The `env` imports of the kernels' module; a call for math not given is a bug and throws. */
export function kernelImports(memory: WebAssembly.Memory, host: HostMath = {}): WebAssembly.Imports {
  let f = new Float32Array(memory.buffer);
  // The shared memory grows: a view over the old buffer would miss the new pages.
  const view = () => (f.length * 4 === memory.buffer.byteLength ? f : (f = new Float32Array(memory.buffer)));
  const unbound = () => {
    throw new Error("SIMD kernels called host math, but this instance was created without it");
  };
  const env: Record<string, unknown> = { memory, activate: unbound, activate_grad: unbound, output_grad: unbound };
  if (host.distribution) {
    const { distribution: d, params } = host.distribution;
    /** d deviance / d eta at target y, output eta (link space) */
    env.output_grad = (y: number, eta: number): number => d.gradient(y, linkInv(d.link, eta), params);
  }
  if (!host.activation) return { env: env as WebAssembly.ModuleImports };
  const { f: fn, df } = host.activation;
  return {
    env: {
      ...env as WebAssembly.ModuleImports,
      /** a[i] = f(z[i]), i < n (byte offsets) */
      activate(z: number, a: number, n: number): void {
        const v = view(), zi = z >> 2, ai = a >> 2;
        for (let i = 0; i < n; i++) v[ai + i] = fn(v[zi + i]);
      },
      /** g[i] = e[i] · df(z[i], a[i]), i < n */
      activate_grad(z: number, a: number, e: number, g: number, n: number): void {
        const v = view(), zi = z >> 2, ai = a >> 2, ei = e >> 2, gi = g >> 2;
        for (let i = 0; i < n; i++) v[gi + i] = v[ei + i] * df(v[zi + i], v[ai + i]);
      },
    },
  };
}
