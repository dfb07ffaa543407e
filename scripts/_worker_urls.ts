/**
 * A Bun build plugin that keeps `new Worker(new URL("./worker.ts", import.meta.url))` working in
 * a compiled binary. Bun bundles every module into one file, so `import.meta.url` there is the
 * executable's own path (`/$bunfs/root/tide`), not the module's; worker entrypoints, meanwhile,
 * are stored under their source path relative to the common folder of all entrypoints
 * (`/$bunfs/root/backends/simd/worker.js`, found again when asked for `….ts`). The plugin
 * rewrites each `new URL("<relative>", import.meta.url)` whose target is a worker entrypoint
 * into `new URL("./<path from that folder>", <the binary's root folder>)`, which resolves to the
 * stored worker, also from inside another worker (the server trains in one that starts the SIMD
 * backend's workers). Run from source, nothing is rewritten and the URL means what it says.
 * @module
 */
import type { BunPlugin } from "bun";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";

/**
 * The binary's root folder at run time. A module bundled into a worker entrypoint sees that
 * worker's path as `import.meta.url` (`/$bunfs/root/server/train_worker.js`), not the binary's,
 * so URLs resolve from the `/root/` folder both kinds of bundle share (`B:/~BUN/root/` on Windows).
 */
const ROOT_URL = 'import.meta.url.replace(/\\/root\\/.*$/, "/root/")';

const PATTERN = /new URL\(\s*(["'])(\.\.?\/[^"'\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** The deepest folder holding every path (what Bun uses as the root of a compiled binary's files). */
export function commonRoot(paths: readonly string[]): string {
  const split = paths.map((p) => dirname(resolve(p)).split(sep));
  const first = split[0];
  let n = first.length;
  for (const parts of split.slice(1)) {
    let i = 0;
    while (i < n && i < parts.length && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(sep) || sep;
}

/**
 * Rewrites worker URLs in one module's source; returns it unchanged when none matches.
 * @param source the module's text
 * @param file the module's absolute path
 * @param options `workers`: absolute paths of the worker entrypoints; `root`: {@linkcode commonRoot} of all entrypoints
 */
export function rewriteWorkerUrls(source: string, file: string, options: { workers: readonly string[]; root: string }): string {
  return source.replace(PATTERN, (match, _quote: string, spec: string) => {
    const target = resolve(dirname(file), spec);
    if (!options.workers.includes(target)) return match;
    const fromRoot = relative(options.root, target).split(sep).join("/");
    return `new URL(${JSON.stringify(`./${fromRoot}`)}, ${ROOT_URL})`;
  });
}

/** The plugin; `workers` and `root` as in {@linkcode rewriteWorkerUrls}. */
export function workerUrlPlugin(options: { workers: readonly string[]; root: string }): BunPlugin {
  const workers = options.workers.map((w) => resolve(w));
  return {
    name: "tide-worker-urls",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const text = await readFile(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        const out = rewriteWorkerUrls(text, args.path, { workers, root: options.root });
        if (out === text) return undefined;
        return { contents: out, loader: args.path.endsWith("ts") ? "ts" : "js" };
      });
    },
  };
}

