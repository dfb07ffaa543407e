/**
 * The Worker pattern `new Worker(new URL("./worker.ts", import.meta.url).href)` inside a compiled
 * binary, with scripts/_worker_urls.ts rewriting the URL: a fixture tree laid out like the
 * repository (generated entry in .cache/, a worker beside the module that starts it) is
 * compiled, copied elsewhere and run.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { commonRoot, rewriteWorkerUrls, workerUrlPlugin } from "../../scripts/_worker_urls.ts";
import { exec } from "./_exec.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

test("commonRoot() is the deepest folder holding every entrypoint", () => {
  assertEquals(commonRoot(["/r/.cache/build/entry.ts", "/r/backends/simd/worker.ts", "/r/backends/gpu/worker.ts"]), "/r");
  assertEquals(commonRoot(["/r/a/b/entry.ts"]), "/r/a/b");
  assertEquals(commonRoot(["/r/a/x.ts", "/r/ab/y.ts"]), "/r");
});

test("rewriteWorkerUrls() rewrites only URLs of worker entrypoints, relative to the root", () => {
  const src = [
    `const a = new URL("./worker.ts", import.meta.url).href;`,
    `const b = new URL('./other.wasm', import.meta.url);`,
    `const c = new URL("../simd/worker.ts",import.meta.url);`,
  ].join("\n");
  const out = rewriteWorkerUrls(src, "/r/backends/simd/simd.ts", { workers: ["/r/backends/simd/worker.ts"], root: "/r" });
  assertEquals(out.split("\n"), [
    `const a = new URL("./backends/simd/worker.ts", import.meta.url.replace(/\\/root\\/.*$/, "/root/")).href;`,
    `const b = new URL('./other.wasm', import.meta.url);`,
    `const c = new URL("./backends/simd/worker.ts", import.meta.url.replace(/\\/root\\/.*$/, "/root/"));`,
  ]);
});

test("a Worker started with new URL(\"./worker.ts\", import.meta.url) runs inside a compiled binary", async () => {
  const tmp = await mkdtemp(join(tmpdir(), "tide-worker-"));
  try {
    const file = async (path: string, text: string) => {
      await mkdir(dirname(join(tmp, path)), { recursive: true });
      await writeFile(join(tmp, path), text);
    };
    await file("backends/fake/pool.ts", [
      "export function ask(n: number): Promise<string> {",
      '  const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });',
      "  return new Promise((ok, fail) => {",
      "    w.onmessage = (e) => { ok(String(e.data)); w.terminate(); };",
      "    w.onerror = (e) => fail(new Error(e.message));",
      "    w.postMessage(n);",
      "  });",
      "}",
    ].join("\n"));
    await file("backends/fake/worker.ts", "self.onmessage = (e: MessageEvent) => postMessage(`twice ${e.data} is ${2 * e.data}`);\n");
    await file("cli/main.ts", 'import { ask } from "../backends/fake/pool.ts";\nexport async function main() { console.log(await ask(21)); }\n');
    await file(".cache/build/entry.ts", 'const { main } = await import("../../cli/main.ts");\nawait main();\n');
    const entrypoints = [join(tmp, ".cache/build/entry.ts"), join(tmp, "backends/fake/worker.ts")];
    const outfile = join(tmp, "out", "app");
    const result = await Bun.build({
      entrypoints, compile: { outfile }, minify: true, target: "bun",
      plugins: [workerUrlPlugin({ workers: [entrypoints[1]], root: commonRoot(entrypoints) })],
    });
    assert(result.success, result.logs.join("\n"));
    await mkdir(join(tmp, "elsewhere"));
    const app = join(tmp, "elsewhere", "app");
    await copyFile(outfile, app);
    await chmod(app, 0o755);
    await rm(join(tmp, "backends"), { recursive: true }); // the binary must not read the sources
    const r = await exec(app, [], { cwd: join(tmp, "elsewhere"), timeoutMs: 30_000 });
    assertEquals(r.stderr, "");
    assertEquals(r.stdout, "twice 21 is 42\n");
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}, { timeout: 60_000, skip: Bun ? false : "needs Bun.build" });
