/**
 * `backend = "auto"`, the default: the chooser the engine asks once the network is known. It
 * asks each registered backend whether it refuses the network (before starting it: webgpu is not
 * even opened for mini_batch_size 1), starts the others, and applies the rules of ./choose.ts;
 * when two or more fast backends can run, their speeds on this network and mini-batch come from
 * the cache file (./cache.ts) or from a short probe on the real rows, which is then cached. On a
 * machine without a GPU adapter nothing is measured and the answer is always the same.
 * @module
 */
import type { Backend, BackendChoice, BackendChooser, ChoiceContext, FusedNetwork } from "../../core/backend.ts";
import { coreCount } from "../../io/system.ts";
import { brief, type Candidate, decide } from "./choose.ts";
import { SpeedCache, type SpeedKey } from "./cache.ts";

/** Where the chooser finds backends: the registry's entries (backends/mod.ts). */
export interface BackendSource {
  list(): readonly { readonly name: string; create(): Backend }[];
}

/** Options of {@linkcode autoChooser}. */
export interface AutoOptions {
  /** Measurements kept between runs (default: the file in Tide's cache folder). */
  readonly cache?: SpeedCache;
}

/** The device a measurement belongs to. */
export function deviceName(b: Backend): string {
  const info = (b as { info?: { name: string; source: string } }).info;
  return info ? `${info.name} (${info.source})` : `cpu ${coreCount()} cores`;
}

/** Creates the chooser for `backend = "auto"` over the backends of `source`. */
export function autoChooser(source: BackendSource, options: AutoOptions = {}): BackendChooser {
  const cache = options.cache ?? new SpeedCache();
  const instances = new Map<string, { backend: Backend; ready?: Promise<boolean> }>();
  const decisions = new Map<string, BackendChoice>();

  /** The chooser's one instance of a backend (created, not started). */
  const get = (name: string): Backend => {
    let e = instances.get(name);
    if (!e) instances.set(name, (e = { backend: source.list().find((x) => x.name === name)!.create() }));
    return e.backend;
  };
  /** Starts a backend once; resolves to whether it can run here. */
  const ready = (name: string): Promise<boolean> => {
    get(name);
    const e = instances.get(name)!;
    return (e.ready ??= e.backend.init().catch(() => false));
  };

  return {
    name: "auto",

    async provisional() {
      const byPriority = source.list().map((x) => get(x.name)).sort((a, b) => b.priority - a.priority);
      for (const b of byPriority) if (await ready(b.name)) return b;
      throw new RangeError("No backend is available here");
    },

    async choose(net: FusedNetwork, how: ChoiceContext): Promise<BackendChoice> {
      const memo = [net.units.join("-"), net.activation.name, net.miniBatch, net.threads, net.dropout.join("/"), net.parallel ?? "hogwild", how.rows, how.reproducible, refusalKey(net)].join("|");
      const known = decisions.get(memo);
      if (known) return known;
      const facts = new Map<string, Candidate>();
      for (const { name } of source.list()) {
        const backend = get(name);
        const refused = backend.refuse?.(net);
        // A refusing backend is never started (webgpu is not opened for mini_batch_size 1).
        const unavailable = refused ? undefined : (await ready(name)) ? undefined : backend.unavailableReason ?? "init() failed";
        const software = (backend as { info?: { software?: boolean } }).info?.software;
        facts.set(name, { name, priority: backend.priority, refused, unavailable, software });
      }
      let d = decide([...facts.values()], how);
      if (d.kind === "measure") {
        let best = 0;
        // Measured fastest-first by priority, so a slow candidate can stop as soon as it is clearly behind.
        const order = [...d.names].sort((a, b) => facts.get(b)!.priority - facts.get(a)!.priority);
        for (const name of order) {
          const backend = get(name);
          const key: SpeedKey = {
            backend: name, device: deviceName(backend), units: net.units, activation: net.activation.name, miniBatch: net.miniBatch, threads: net.threads, rows: how.rows,
            dropout: net.dropout, parallel: net.parallel ?? "hogwild", output: net.output,
          };
          const hit = await cache.get(key);
          let speed = hit?.samplesPerSecond;
          if (speed === undefined) {
            try {
              speed = await how.measure(backend, best > 0 ? best / 2 : undefined);
            } catch (e) {
              // A candidate that cannot train this network (a device error, a buffer over its limits) is out, not fatal.
              facts.set(name, { ...facts.get(name)!, unavailable: `its probe failed (${brief((e as Error).message)})` });
              continue;
            }
            await cache.put(key, speed);
          }
          best = Math.max(best, speed);
          facts.set(name, { ...facts.get(name)!, speed, cached: hit !== undefined });
        }
        d = decide([...facts.values()], how);
      }
      if (d.kind === "none") throw new RangeError(`Cannot train with backend "auto": ${d.reason}`);
      if (d.kind !== "chosen") throw new Error(`backend auto: undecided after measuring (${JSON.stringify(d)})`);
      const choice = { backend: get(d.name), reason: `Backend "${d.name}", chosen by auto: ${d.reason}` };
      decisions.set(memo, choice);
      return choice;
    },

    instance(name: string) {
      return instances.get(name)?.backend;
    },
  };
}

/** The parts of a network a refusal depends on besides sizes: its plugins. */
function refusalKey(net: FusedNetwork): string {
  return [net.distribution.name, net.optimizer.name, ...net.terms.map((t) => t.regularizer.name), ...net.constraints.map((c) => c.regularizer.name), net.output].join(",");
}
