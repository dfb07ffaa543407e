/**
 * What the SIMD kernels import from their host: the shared memory, and the math of a plugin
 * activation that has no fast body (kernel activation code 3). The fused trainer then keeps its
 * products, output layer, updates and dropout in WebAssembly and calls the plugin's `f`/`df`
 * once per layer and row (or mini-batch), over a contiguous run of values.
 *
 * Small on purpose: the Worker entry imports it, and the Worker is its own bundle.
 * @module
 */
import type { Activation } from "../../core/activation.ts";

/** The `env` imports of the kernels' module; without `activation`, a call for one is a bug and throws. */
export function kernelImports(memory: WebAssembly.Memory, activation?: Activation): WebAssembly.Imports {
  let f = new Float32Array(memory.buffer);
  // The shared memory grows: a view over the old buffer would miss the new pages.
  const view = () => (f.length * 4 === memory.buffer.byteLength ? f : (f = new Float32Array(memory.buffer)));
  const unbound = () => {
    throw new Error("SIMD kernels called a host activation, but this instance was created without one");
  };
  if (!activation) return { env: { memory, activate: unbound, activate_grad: unbound } };
  const { f: fn, df } = activation;
  return {
    env: {
      memory,
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
