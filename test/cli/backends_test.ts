/**
 * `tide backends` on this machine: every backend listed; simd and reference with a measured
 * speed; webgpu, without an adapter (Bun here), unavailable with the reason.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../../cli/_io.ts";
import { webgpuBackend } from "../../backends/webgpu/webgpu.ts";

const gpu = webgpuBackend();
const hasAdapter = await gpu.init();
// A small probe keeps the test quick; the default is 784-200-200-10 for half a second.
const SMALL = ["--hidden", "8", "--seconds", "0.05", "--mini_batch_size", "4"];

test("tide backends lists simd and reference with speeds, and webgpu without an adapter as unavailable with the reason", async () => {
  const io = memoryIo();
  assertEquals(await main(["backends", ...SMALL], io), 0, io.stderr);
  const text = io.stdout;
  for (const name of ["simd", "reference"]) {
    assert(text.includes(`${name}: available`), text);
    assert(new RegExp(`${name}: available[^]*?speed: [\\d,]+ samples/s training 784-8-10 \\(Rectifier, ADADELTA\\) at mini-batch 4`).test(text), text);
  }
  assert(/webgpu: unavailable[^]*why: no adapter: /.test(text), text);
  assert(text.includes("--backend auto (the default) for 784-8-10 at mini-batch 4: simd; the only backend for this network here (webgpu: no adapter"), text);
}, { skip: hasAdapter ? `this machine has a WebGPU adapter (${gpu.adapter})` : false, timeout: 60_000 });

test("tide backends --json --probe false: availability, reasons and devices, no speeds", async () => {
  const io = memoryIo();
  assertEquals(await main(["backends", "--json", "--probe", "false"], io), 0, io.stderr);
  const list = JSON.parse(io.stdout) as { name: string; available: boolean; reason?: string; speed?: unknown; adapter?: { limits: Record<string, number> } }[];
  assertEquals(list.map((e) => e.name), ["simd", "webgpu", "reference"], "by priority");
  assert(list.every((e) => e.speed === undefined), "no probe");
  const w = list.find((e) => e.name === "webgpu")!;
  if (hasAdapter) assert(w.available && w.adapter!.limits.maxStorageBufferBindingSize > 0, JSON.stringify(w));
  else assert(!w.available && w.reason!.startsWith("no adapter"), JSON.stringify(w));
});

test("tide backends refuses a bad flag by name", async () => {
  const io = memoryIo();
  assertEquals(await main(["backends", "--mini_batch_size", "0"], io), 2);
  assert(io.stderr.includes("mini_batch_size"), io.stderr);
});
