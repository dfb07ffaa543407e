/**
 * Loading plugin files at run time (`--plugin ./swish.ts`, `TIDE_PLUGINS`), into the registries
 * a compiled binary already holds, and the record a model keeps of the plugins it trained with:
 * each plugin's name, kind, file and the SHA-256 of its source, so predicting without it, or
 * with a changed one, is an error that names it instead of a silently different model.
 *
 * A plugin file exports values made with `defineActivation`, `defineDistribution`,
 * `defineOptimizer`, `defineRegularizer` or `defineTransport`, or backend entries
 * `{ name, summary, create }`. Inside the `tide` binary (and under Bun) it may import the API as
 * `"tide"`; from a source checkout it may import `mod.ts` by path.
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { Activation } from "../core/activation.ts";
import type { Backend } from "../core/backend.ts";
import type { Distribution } from "../core/distribution.ts";
import type { Optimizer } from "../core/optimizer.ts";
import type { ParamSpecs } from "../core/params.ts";

import type { Regularizer } from "../core/regularizer.ts";
import type { Registry } from "../core/registry.ts";
import type { Transport } from "../core/transport.ts";
import { backends } from "../backends/mod.ts";
import * as shared from "./mod.ts";

/** The kinds of plugin a file can hold. */
export type PluginKind = "activation" | "distribution" | "optimizer" | "regularizer" | "transport" | "backend";

/** Where a loaded plugin came from; models keep this for every plugin they trained with. */
export interface PluginRecord {
  readonly kind: PluginKind;
  readonly name: string;
  /** The file's name as loaded (its base name is what messages show). */
  readonly file: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
}

/** The registries plugins are loaded into (the shared ones by default). */
export interface PluginTargets {
  readonly activations: Registry<Activation>;
  readonly distributions: Registry<Distribution>;
  readonly optimizers: Registry<Optimizer>;
  readonly regularizers: Registry<Regularizer>;
  readonly transports?: Registry<Transport>;
  readonly backends?: Registry<{ name: string; summary: string; create: () => Backend }>;
}

const SHARED: PluginTargets = { ...shared, backends };

// Plugin object → where it came from. Objects, not names: a built-in of the same name has none.
const sources = new WeakMap<object, PluginRecord>();

/** Where a plugin object was loaded from, or undefined for built-ins and plugins added in code. */
export function pluginSource(plugin: object): PluginRecord | undefined {
  return sources.get(plugin);
}

/** What kind of plugin a module export is, or null when it is not one. */
export function pluginKind(v: unknown): PluginKind | null {
  if (!v || typeof v !== "object" || typeof (v as { name?: unknown }).name !== "string") return null;
  const o = v as Record<string, unknown>;
  const fn = (k: string) => typeof o[k] === "function";
  if (fn("f") && fn("df")) return "activation";
  if (fn("deviance") && fn("gradient") && typeof o.link === "string") return "distribution";
  if (fn("step") && typeof o.slots === "number") return "optimizer";
  if (fn("active")) return "regularizer";
  if (fn("listen") && fn("connect")) return "transport";
  if (fn("create") && typeof o.summary === "string") return "backend";
  return null;
}

/** The plugin files named by `TIDE_PLUGINS` (separated by the platform's path delimiter or commas). */
export function envPluginPaths(): string[] {
  let raw: string | undefined;
  try {
    raw = process.env.TIDE_PLUGINS;
  } catch {
    return []; // Deno without --allow-env
  }
  return (raw ?? "").split(/[,:;]/).map((s) => s.trim()).filter(Boolean);
}

let selfModule: Promise<void> | null = null;

/** Under Bun (and so in the binary), makes `import … from "tide"` in plugin files resolve to this build's API. */
function provideSelfModule(): Promise<void> {
  selfModule ??= (async () => {
    const bun = (globalThis as { Bun?: { plugin?: (p: unknown) => void } }).Bun;
    if (!bun?.plugin) return;
    const api = await import("../mod.ts");
    bun.plugin({
      name: "tide-self",
      setup(build: { module(name: string, f: () => { exports: Record<string, unknown>; loader: "object" }): void }) {
        build.module("tide", () => ({ exports: { ...api }, loader: "object" }));
      },
    });
  })();
  return selfModule;
}

// Files already loaded, per set of registries.
const loaded = new WeakMap<PluginTargets, Map<string, PluginRecord[]>>();

/**
 * Imports each plugin file and adds every plugin it exports to the registries. Loading the
 * same file twice is a no-op; a name already taken by a built-in or another file, a file that
 * exports no plugin, or one that cannot be imported is a `RangeError` naming the file.
 * @returns one record per plugin added
 * @example
 * ```ts
 * await loadPlugins(["./docs/examples/swish.ts"]);
 * ```
 */
export async function loadPlugins(paths: readonly string[], targets: PluginTargets = SHARED): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  if (paths.length) await provideSelfModule();
  if (!loaded.has(targets)) loaded.set(targets, new Map());
  const done = loaded.get(targets)!;
  for (const given of paths) {
    const file = resolve(given);
    if (done.has(file)) {
      out.push(...done.get(file)!);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (e) {
      throw new RangeError(`Cannot load plugin "${given}": ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    let mod: Record<string, unknown>;
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (e) {
      throw new RangeError(`Cannot load plugin "${given}": ${(e as Error).message}`);
    }
    const records: PluginRecord[] = [];
    const values = Object.values(mod).flatMap((v) => (Array.isArray(v) ? v : [v]));
    for (const v of new Set(values)) {
      const kind = pluginKind(v);
      if (!kind) continue;
      const plugin = v as { name: string; summary?: string };
      const registry = registryOf(targets, kind);
      if (!registry) throw new RangeError(`Cannot load plugin "${given}": there is no ${kind} registry to add "${plugin.name}" to`);
      if (registry.has(plugin.name)) {
        const other = sources.get(registry.get(plugin.name) as object);
        throw new RangeError(`Cannot load plugin "${given}": the ${kind} name "${plugin.name}" is taken by ${other ? `"${other.file}"` : "a built-in"}; rename it`);
      }
      if (kind === "distribution") refuseIgnoredGradient(given, plugin as unknown as Distribution);
      registry.add(plugin);
      const record: PluginRecord = { kind, name: plugin.name, file: given, sha256 };
      sources.set(plugin, record);
      records.push(record);
    }
    if (!records.length) {
      throw new RangeError(`Cannot load plugin "${given}": it exports no plugin; export a value made with defineActivation, defineDistribution, defineOptimizer, defineRegularizer or defineTransport`);
    }
    done.set(file, records);
    out.push(...records);
  }
  return out;
}

/**
 * The softmax output trains every classification distribution with cross-entropy (mu − y per
 * unit), whatever its `gradient` says: refuse one whose gradient differs rather than ignore it.
 */
function refuseIgnoredGradient(file: string, d: Distribution): void {
  if (d.family !== "classification") return;
  const p = Object.fromEntries(Object.entries(d.params ?? {}).map(([k, s]) => [k, s.default as number]));
  for (const [y, mu] of [[1, 0.3], [0, 0.3], [1, 0.8], [0, 0.8]]) {
    if (Math.abs(d.gradient(y, mu, p) - (mu - y)) > 1e-9) {
      throw new RangeError(`Cannot load plugin "${file}": classification distribution "${d.name}" has a gradient other than softmax cross-entropy (mu − y), which Tide's softmax output would ignore; declare it as a regression-family distribution on a 0/1 response (docs/examples/focal_loss.ts shows how)`);
    }
  }
}

function registryOf(t: PluginTargets, kind: PluginKind): Registry<any> | undefined {
  return { activation: t.activations, distribution: t.distributions, optimizer: t.optimizers, regularizer: t.regularizers, transport: t.transports, backend: t.backends }[kind];
}

/** The model fields {@linkcode usedPluginRecords} and {@linkcode checkPluginRecords} read. */
export interface PluginUse {
  readonly activation: string;
  readonly distribution: string;
  readonly optimizer: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly plugins?: readonly { readonly kind: string; readonly name: string; readonly file: string; readonly sha256: string }[];
}

/** The loaded-from-file plugins a trained model uses: its activation, distribution, optimizer and active regularizers. */
export function usedPluginRecords(model: PluginUse, plugins: PluginTargets = SHARED): PluginRecord[] {
  const used: object[] = [];
  for (const [reg, name] of [[plugins.activations, model.activation], [plugins.distributions, model.distribution], [plugins.optimizers, model.optimizer]] as const) {
    if (reg.has(name)) used.push(reg.get(name));
  }
  for (const r of plugins.regularizers.list()) {
    const params = Object.fromEntries(Object.keys(r.params ?? {}).map((k) => [k, model.params[k] ?? r.params[k].default]));
    if (sources.has(r) && r.active(params)) used.push(r);
  }
  return used.map((p) => sources.get(p)).filter((r): r is PluginRecord => !!r);
}

/**
 * Checks that every plugin a model was trained with is loaded, from a file with the same
 * content. Throws a `RangeError` naming the plugin, its file and the fix.
 */
export function checkPluginRecords(model: PluginUse, plugins: PluginTargets = SHARED): void {
  for (const rec of model.plugins ?? []) {
    const reg = registryOf(plugins, rec.kind as PluginKind);
    const hint = `load it with --plugin ${rec.file} (or loadPlugins(["${rec.file}"]) from the API)`;
    if (!reg?.has(rec.name)) {
      throw new RangeError(`Cannot use this model: it was trained with the ${rec.kind} plugin "${rec.name}" from ${basename(rec.file)} (sha256 ${rec.sha256.slice(0, 12)}…), which is not loaded; ${hint}`);
    }
    const now = sources.get(reg.get(rec.name) as object);
    if (!now || now.sha256 !== rec.sha256) {
      const what = now ? `${basename(now.file)} has sha256 ${now.sha256.slice(0, 12)}…` : `the loaded "${rec.name}" is not from a file`;
      throw new RangeError(`Cannot use this model: the ${rec.kind} plugin "${rec.name}" has changed since training (the model was trained with ${basename(rec.file)}, sha256 ${rec.sha256.slice(0, 12)}…; ${what}); load the plugin file it was trained with, or retrain`);
    }
  }
}

/**
 * Why a training run will leave the fused kernels: the loaded plugins among the ones it uses
 * that have no fast body. Empty when every plugin it uses is built in or has one.
 */
export function pluginsWithoutFastBody(model: PluginUse, plugins: PluginTargets = SHARED): PluginRecord[] {
  const slow: PluginRecord[] = [];
  for (const rec of usedPluginRecords(model, plugins)) {
    const reg = registryOf(plugins, rec.kind)!;
    if (!(reg.get(rec.name) as { fastBody?: string }).fastBody) slow.push(rec);
  }
  return slow;
}

/**
 * The line shown at the start of a training when plugins without a fast body are used. With
 * `calledFromKernels` (each slow plugin is a one-channel activation or a regression distribution,
 * on the SIMD backend) the fused kernels keep the network and call the plugins' math; otherwise
 * the whole network leaves them for the generic op path.
 */
export function genericPathNote(slow: readonly PluginRecord[], threadsAsked: number, calledFromKernels = false): string {
  const names = slow.map((r) => `${r.kind} "${r.name}" (${basename(r.file)})`).join(", ");
  const verb = slow.length > 1 ? "have" : "has";
  const threads = `on 1 thread${threadsAsked > 1 ? ` instead of ${threadsAsked}` : ""}`;
  const how = "docs/plugins.md says how a plugin gains a fast body";
  if (calledFromKernels) {
    const calls = slow.map((r) =>
      r.kind === "activation" ? `the f and df of "${r.name}" once per layer and row` : `the gradient of "${r.name}" once per output and row`
    );
    return `note: the plugin ${names} ${verb} no fast body, so the SIMD kernels call ${calls.join(" and ")} (TypeScript);` +
      ` the rest stays on the fused kernels (the layers' products, the optimizer's updates, regularization, dropout),` +
      ` ${threads} (a Worker cannot be handed a plugin's functions); ${how}`;
  }
  return `note: the plugin ${names} ${verb} no fast body, so the whole network trains on the generic op path` +
    ` (plugin functions called per value), ${threads}; ${how}`;
}
