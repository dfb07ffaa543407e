/**
 * The rules of `backend = "auto"`, as a pure function of what is known about each backend, so
 * they can be tested with made-up facts:
 * 1. a backend that cannot run here (no adapter) or refuses the network (webgpu: mini_batch_size 1,
 *    a plugin without a GPU body) is out;
 * 2. one left: it, without measuring;
 * 3. the reference backend is the definition every other one is checked against: it runs only
 *    when nothing else can;
 * 4. `reproducible`: the highest-priority one, without timing, so the same command always picks
 *    the same arithmetic;
 * 5. otherwise the fastest measured samples/s for this network and mini-batch (a probe, or a
 *    cached measurement); ties go to the higher priority. A software adapter (llvmpipe) is raced
 *    like any other and wins only when it measured faster.
 * @module
 */

/** What the chooser knows about one registered backend. */
export interface Candidate {
  readonly name: string;
  readonly priority: number;
  /** Why it cannot run here (init failed), else undefined. */
  readonly unavailable?: string;
  /** Why it will not train this network, else undefined. */
  readonly refused?: string;
  /** Runs on a software or fallback adapter (shown in the reason). */
  readonly software?: boolean;
  /** Measured samples/s for this network and mini-batch, when known. */
  readonly speed?: number;
  /** The speed came from the cache file rather than a probe now. */
  readonly cached?: boolean;
}

/** The answer: a backend and why, or the backends whose speed must be measured first. */
export type Decision =
  | { readonly kind: "chosen"; readonly name: string; readonly reason: string }
  | { readonly kind: "measure"; readonly names: readonly string[] }
  | { readonly kind: "none"; readonly reason: string };

/** The backend that is only the definition: never raced. */
export const DEFINITION = "reference";

/** Applies the rules above. */
export function decide(candidates: readonly Candidate[], { reproducible }: { readonly reproducible: boolean }): Decision {
  const byPriority = [...candidates].sort((a, b) => b.priority - a.priority);
  const out = byPriority.filter((c) => c.unavailable !== undefined || c.refused !== undefined);
  const left = byPriority.filter((c) => c.unavailable === undefined && c.refused === undefined);
  const why = out.map((c) => `${c.name}: ${brief(c.unavailable ?? c.refused!)}`);
  if (left.length === 0) return { kind: "none", reason: `no backend can train this network here (${why.join("; ")})` };
  const raced = left.length > 1 ? left.filter((c) => c.name !== DEFINITION) : left;
  const notes = [...why, ...(raced.length < left.length ? [`${DEFINITION}: the definition, used only when nothing else runs`] : [])];
  const tail = notes.length ? ` (${notes.join("; ")})` : "";
  if (raced.length === 1) return { kind: "chosen", name: raced[0].name, reason: `the only backend for this network here${tail}` };
  if (reproducible) {
    const others = raced.slice(1).map((c) => c.name).join(", ");
    return { kind: "chosen", name: raced[0].name, reason: `reproducible: the highest-priority backend, not a timing (${others} also available)${tail}` };
  }
  const unknown = raced.filter((c) => !(c.speed !== undefined && c.speed > 0));
  if (unknown.length) return { kind: "measure", names: unknown.map((c) => c.name) };
  // Fastest wins; the sort is stable, so equal speeds keep the priority order.
  const ranked = [...raced].sort((a, b) => b.speed! - a.speed!);
  const speeds = ranked.map((c) => `${c.name}${c.software ? " (software adapter)" : ""} ${rate(c.speed!)}${c.cached ? " cached" : ""}`).join(" vs ");
  return { kind: "chosen", name: ranked[0].name, reason: `fastest measured for this network and mini-batch: ${speeds} samples/s${tail}` };
}

/** A reason's first clause: "no adapter", "\"mini_batch_size\" is 1". */
export function brief(reason: string): string {
  const cut = reason.indexOf(": ");
  return cut > 0 ? reason.slice(0, cut) : reason;
}

function rate(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3);
}
