/**
 * What this machine has, backend by backend (`tide backends`): whether each registered backend
 * runs here and why not; for a GPU, the adapter (name, vendor, architecture, software or not) and
 * its limits; and a measured training speed on one small standard network, so backends can be
 * compared on this machine. The speed is `--dry_run`'s probe (real training of a throwaway model
 * through the engine, the fused trainer where the backend has one) on synthetic dense rows.
 * @module
 */
import type { Backend } from "../../core/backend.ts";
import { Frame } from "../../frame/frame.ts";
import { coreCount } from "../../io/system.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { Rng } from "../../core/rng.ts";
import type { AdapterInfo } from "../webgpu/device.ts";
import { KEY_LIMITS } from "../webgpu/device.ts";
import { decide } from "../auto/choose.ts";

/** The standard network the speed probe trains, and how. */
export interface ProbeSettings {
  /** Hidden layers (default H2O's [200, 200]). */
  readonly hidden: readonly number[];
  /** Inputs (default 784, MNIST's pixels) and classes (default 10). */
  readonly inputs: number;
  readonly classes: number;
  readonly miniBatch: number;
  /** Seconds of timed training per backend. */
  readonly seconds: number;
}

/** The default probe: H2O's default hidden layers on MNIST-sized dense rows, mini-batch 32. */
export const STANDARD_PROBE: ProbeSettings = { hidden: [200, 200], inputs: 784, classes: 10, miniBatch: 32, seconds: 0.5 };

/** One backend as `tide backends` reports it. */
export interface BackendEntry {
  readonly name: string;
  readonly summary: string;
  readonly precision: 32 | 64;
  readonly priority: number;
  readonly available: boolean;
  /** Why it is unavailable ("no adapter: …"). */
  readonly reason?: string;
  /** What it runs on: "cpu, 2 cores" or the adapter's name. */
  readonly device: string;
  /** A GPU backend's adapter: info, software or not, and the key limits. */
  readonly adapter?: Omit<AdapterInfo, "limits"> & { readonly limits: Readonly<Record<string, number>> };
  /** The measured speed, or why there is none. */
  readonly speed?: { readonly samplesPerSecond: number; readonly network: string; readonly miniBatch: number; /** Host threads; 0 on a GPU. */ readonly threads: number; readonly path: "fused kernel" | "generic path" } | { readonly error: string };
}

/** Options of {@linkcode backendInventory}. */
export interface InventoryOptions {
  /** Measure each available backend's speed (default true). */
  readonly probe?: boolean;
  readonly settings?: Partial<ProbeSettings>;
  /** Backends to list (default: the registry's). */
  readonly source?: { list(): readonly { readonly name: string; readonly summary: string; create(): Backend }[] };
}

/** Lists every backend with its availability, device and (unless `probe` is false) measured speed. */
export async function backendInventory(options: InventoryOptions = {}): Promise<BackendEntry[]> {
  const source = options.source ?? (await import("../mod.ts")).backends;
  const settings = { ...STANDARD_PROBE, ...options.settings };
  const frame = options.probe === false ? null : standardFrame(settings);
  const out: BackendEntry[] = [];
  for (const entry of [...source.list()].sort((a, b) => priorityOf(b) - priorityOf(a))) {
    const b = entry.create();
    const available = await b.init().catch(() => false);
    const info = (b as { info?: AdapterInfo }).info;
    const adapter = info ? { ...info, limits: Object.fromEntries(KEY_LIMITS.filter((k) => k in info.limits).map((k) => [k, info.limits[k]])) } : undefined;
    const base = {
      name: b.name, summary: entry.summary, precision: b.precision, priority: b.priority, available,
      device: info ? `${info.name} (${info.source})` : available ? `cpu, ${coreCount()} core${coreCount() === 1 ? "" : "s"}` : "none",
      ...(available ? {} : { reason: b.unavailableReason ?? "init() failed" }), ...(adapter ? { adapter } : {}),
    };
    out.push(available && frame ? { ...base, speed: await probeSpeed(b, frame, settings) } : base);
  }
  return out;
}

const priorities = new Map<string, number>();
/** A registry entry's priority (creating a backend is cheap: nothing starts before init). */
function priorityOf(e: { readonly name: string; create(): Backend }): number {
  if (!priorities.has(e.name)) priorities.set(e.name, e.create().priority);
  return priorities.get(e.name)!;
}

/** Trains the standard network briefly on `b` (through `--dry_run`'s measurement). */
async function probeSpeed(b: Backend, frame: Frame, s: ProbeSettings): Promise<NonNullable<BackendEntry["speed"]>> {
  try {
    const r = await new DeepLearning({ hidden: [...s.hidden], mini_batch_size: s.miniBatch, epochs: 1, seed: 1, activation: "Rectifier" })
      .dryRun({ y: "label", training_frame: frame, backend: b });
    // A device backend runs on the device: host threads do not apply to it.
    const threads = (b as { info?: unknown }).info ? 0 : r.threads;
    return { samplesPerSecond: r.samplesPerSecond, network: r.units.join("-"), miniBatch: s.miniBatch, threads, path: r.fused ? "fused kernel" : "generic path" };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Synthetic rows for the probe: `inputs` dense uniform columns and a balanced class label. */
function standardFrame(s: ProbeSettings): Frame {
  const rows = Math.max(512, 4 * s.miniBatch), rng = new Rng(1234);
  const cols = Array.from({ length: s.inputs }, (_, j) => ({ name: `x${j}`, type: "numeric" as const, data: Float64Array.from({ length: rows }, () => rng.uniform()) }));
  const codes = Int32Array.from({ length: rows }, (_, i) => i % s.classes);
  return new Frame([...cols, { name: "label", type: "categorical", codes, domain: Array.from({ length: s.classes }, (_, c) => `c${c}`) }]);
}

/** The inventory as `tide backends` prints it. */
export function formatInventory(entries: readonly BackendEntry[]): string {
  const lines: string[] = [];
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  for (const e of entries) {
    lines.push(`${e.name}: ${e.available ? "available" : "unavailable"} — ${e.summary}`);
    if (!e.available) lines.push(`  why: ${e.reason}`);
    lines.push(`  device: ${e.device}`);
    if (e.adapter) {
      const a = e.adapter;
      const vendor = /^\d+$/.test(a.vendor) ? `${a.vendor} (0x${Number(a.vendor).toString(16)})` : a.vendor || "?";
      lines.push(`  adapter: ${a.name}; vendor ${vendor}, architecture ${a.architecture || "?"}, device ${a.device || "?"}${a.software ? "; a software/fallback adapter (runs on the CPU: correct, not fast)" : ""}`);
      lines.push(`  limits: ${Object.entries(a.limits).map(([k, v]) => `${k} ${n(v)}`).join(", ")}`);
    }
    if (e.speed && "error" in e.speed) lines.push(`  speed: not measured: ${e.speed.error}`);
    else if (e.speed) {
      const s = e.speed;
      lines.push(`  speed: ${n(s.samplesPerSecond)} samples/s training ${s.network} (Rectifier, ADADELTA) at mini-batch ${s.miniBatch}, ${s.threads ? `${s.threads} thread${s.threads === 1 ? "" : "s"}` : "on the GPU"}, ${s.path}`);
    }
  }
  const verdict = autoVerdict(entries);
  if (verdict) lines.push("", verdict);
  return `${lines.join("\n")}\n`;
}

/**
 * What `--backend auto` would choose for the probe's network and mini-batch from these
 * measurements (its rules, backends/auto/choose.ts), or null without a probe.
 */
export function autoVerdict(entries: readonly BackendEntry[]): string | null {
  const probed = entries.find((e) => e.speed && !("error" in e.speed));
  if (!probed) return null;
  const s = probed.speed as { network: string; miniBatch: number };
  const d = decide(entries.map((e) => ({
    name: e.name, priority: e.priority, software: e.adapter?.software,
    unavailable: e.available ? undefined : e.reason,
    refused: e.speed && "error" in e.speed ? e.speed.error.replace(/^Cannot train on backend "[^"]+": /, "") : undefined,
    speed: e.speed && !("error" in e.speed) ? e.speed.samplesPerSecond : undefined,
  })), { reproducible: false });
  return d.kind === "chosen" ? `--backend auto (the default) for ${s.network} at mini-batch ${s.miniBatch}: ${d.name}; ${d.reason}` : null;
}
