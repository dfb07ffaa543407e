/**
 * `tide serve`'s HTTP application: H2O's REST subset (spec H2O_REST_SUBSET.md) on hono, so H2O's
 * own Python client drives Tide unchanged. The app is a `fetch(Request) → Response` object: tests
 * call it without a socket, and cli/serve.ts hands it to `Bun.serve` (or `Deno.serve`).
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { DeepLearning } from "../model/deep_learning.ts";
import { VERSION } from "../version.ts";
import { Jobs } from "./jobs.ts";
import { DataRoots } from "./paths.ts";
import { frameRoutes } from "./routes_frames.ts";
import { gridRoutes } from "./routes_grid.ts";
import { modelRoutes } from "./routes_models.ts";
import { Store } from "./store.ts";
import { uiRoutes } from "./ui/routes.ts";
import { setRequestPriority } from "./workers.ts";
import { errorResponse, H2OError, json, jsonText, meta } from "./wire.ts";

/** Server settings (the `tide serve` flags). */
export interface ServerOptions {
  /** `cloud_name` (default "tide"). */
  readonly name?: string;
  /** The H2O version `/3/Cloud` reports; h2o.init() insists on an exact match (spec §2.8). */
  readonly h2oVersion?: string;
  /** Folders files may be read from and written to (default: the current directory). */
  readonly dataDirs?: readonly string[];
  /** Folder where frames and models persist (default: memory only). */
  readonly storeDir?: string | null;
  /** `user:password` for HTTP Basic auth on every route (default: none). */
  readonly auth?: string | null;
  /** Largest upload or request body in bytes (default 1 GiB). */
  readonly maxUploadBytes?: number;
  /** Training threads when a request leaves `nthreads` at -1 (default 0: the engine's choice, all cores). */
  readonly nthreads?: number;
  /** Where the server listens, for `/3/Cloud`'s node entry. */
  readonly address?: string;
  /** Called after `POST /3/Shutdown` has answered. */
  readonly onShutdown?: () => void;
  /** Train in a Worker (default true); false trains on the event loop (tests, Worker-less hosts). */
  readonly workers?: boolean;
  /**
   * Nice value (1..19) for the thread that answers requests, so that clients polling without
   * pause cannot take CPU from training (default 0: unchanged). Applied when the first Worker
   * starts; Workers are then started by a host Worker that keeps normal priority
   * (server/worker_host.ts). Linux only.
   */
  readonly requestNice?: number;
}

/** What the routes share. */
export interface ServerContext {
  readonly options: Required<Omit<ServerOptions, "onShutdown" | "storeDir" | "auth">> & Pick<ServerOptions, "onShutdown" | "storeDir" | "auth">;
  readonly store: Store;
  readonly jobs: Jobs;
  readonly roots: DataRoots;
  readonly started: number;
  /** Rapids' time zone setting. */
  timeZone: string;
  /** Store files that could not be read at start-up, one line each. */
  readonly skipped: readonly string[];
  /** Why `requestNice` could not be applied, or null. */
  readonly priorityProblem: string | null;
  /** Counter for generated keys. */
  next(): number;
  /** The parameter declarations (plugins included). */
  readonly specs: ReturnType<typeof DeepLearning.parameters>;
}

/** The application and its state. */
export interface TideServer {
  readonly app: Hono;
  readonly fetch: (req: Request) => Promise<Response>;
  readonly context: ServerContext;
}

const CLOUD_FIELDS = ["skip_ticks", "version", "branch_name", "last_commit_hash", "describe", "compiled_by", "compiled_on", "build_number", "build_age", "build_too_old", "node_idx", "cloud_name", "cloud_size", "cloud_uptime_millis", "cloud_internal_timezone", "datafile_parser_timezone", "cloud_healthy", "bad_nodes", "consensus", "locked", "is_client", "hadoop_version", "telemetry_enabled", "nodes", "internal_security_enabled", "leader_idx", "web_ip"];
const ERROR_FIELDS = ["timestamp", "error_url", "msg", "dev_msg", "http_status", "values", "exception_type", "exception_msg", "stacktrace"];
const SCHEMA_FIELDS: Record<string, string[]> = {
  CloudV3: CLOUD_FIELDS, H2OErrorV3: ERROR_FIELDS, H2OModelBuilderErrorV3: [...ERROR_FIELDS, "parameters", "messages", "error_count"],
};

/**
 * Creates the server: loads the store folder, then returns the app.
 * @example
 * ```ts
 * const { fetch } = await createServer({ dataDirs: ["."] });
 * const res = await fetch(new Request("http://localhost/3/Cloud"));
 * ```
 */
export async function createServer(options: ServerOptions = {}): Promise<TideServer> {
  const store = new Store(options.storeDir ?? null);
  const loaded = await store.load();
  const nice = options.requestNice ?? 0;
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`requestNice must be an integer from 0 to 19: got ${nice}`);
  let priorityProblem: string | null = null;
  if (nice > 0) {
    priorityProblem = options.workers === false ? "without Workers, training runs on the request thread" : setRequestPriority(nice);
  }
  let counter = 0;
  const ctx: ServerContext = {
    options: {
      name: options.name ?? "tide", h2oVersion: options.h2oVersion ?? "3.46.0.12", dataDirs: options.dataDirs ?? ["."],
      maxUploadBytes: options.maxUploadBytes ?? 2 ** 30, nthreads: options.nthreads ?? 0, address: options.address ?? "127.0.0.1:54321",
      workers: options.workers ?? true, requestNice: nice, storeDir: options.storeDir, auth: options.auth, onShutdown: options.onShutdown,
    },
    store, jobs: new Jobs(), roots: new DataRoots(options.dataDirs ?? ["."]), started: Date.now(), timeZone: "UTC",
    next: () => ++counter, specs: DeepLearning.parameters(), skipped: loaded.skipped, priorityProblem,
  };
  const app = new Hono({ strict: false });

  app.onError((e, c) => errorResponse(e, new URL(c.req.url).pathname));
  app.notFound((c) => errorResponse(new H2OError(404, `Resource ${new URL(c.req.url).pathname} not found`, { type: "water.exceptions.H2ONotFoundArgumentException" }), new URL(c.req.url).pathname));
  if (options.auth) {
    const want = `Basic ${btoa(options.auth)}`;
    app.use("*", async (c, next) => {
      if (c.req.header("authorization") !== want) {
        const res = errorResponse(new H2OError(401, "Unauthorized: this server needs HTTP Basic credentials (h2o.connect(..., auth=(user, password)))"), new URL(c.req.url).pathname);
        res.headers.set("www-authenticate", 'Basic realm="tide"');
        return res;
      }
      await next();
    });
  }

  uiRoutes(app, ctx);
  app.get("/3/Metadata/schemas/:name", (c) => metadata(c.req.param("name")));
  app.get("/3/Cloud", () => json(cloud(ctx)));
  app.post("/4/sessions", () => json({ __schema: "/4/schemas/SessionIdV4", session_key: `_sid_${Math.random().toString(36).slice(2, 8)}` }));
  app.delete("/4/sessions/:key", async (c) => {
    const key = c.req.param("key");
    await store.endSession(key);
    return json({ __meta: meta("InitIDV3", "Iced"), session_key: key, session_properties_allowed: true });
  });
  app.post("/3/Shutdown", () => {
    setTimeout(() => ctx.options.onShutdown?.(), 500);
    return json({ __meta: meta("ShutdownV3", "Iced") });
  });
  app.get("/3/Jobs/:id", (c) => jobsBody(ctx, c));
  app.post("/3/Jobs/:id/cancel", (c) => {
    ctx.jobs.cancel(c.req.param("id"));
    return jobsBody(ctx, c);
  });
  frameRoutes(app, ctx);
  modelRoutes(app, ctx);
  gridRoutes(app, ctx);
  return { app, fetch: async (req: Request) => await app.fetch(req), context: ctx };
}

const JOBS_META = meta("JobsV3", "Jobs");

function jobsBody(ctx: ServerContext, c: Context): Response {
  const id = c.req.param("id")!;
  const job = ctx.jobs.get(id);
  if (!job) throw new H2OError(404, `Job '${id}' not found`, { values: { argument: "job_id", name: id } });
  // The most polled route: every number in a JobV3 is finite, so plain JSON.stringify (no
  // replacer for NaN and typed arrays) writes the same text at a fraction of the cost.
  return jsonText(JSON.stringify({ __meta: JOBS_META, job_id: null, jobs: [job.toJSON()] }));
}

function metadata(name: string): Response {
  const fields = SCHEMA_FIELDS[name];
  if (!fields) throw new H2OError(404, `Schema ${name} not found: this server describes ${Object.keys(SCHEMA_FIELDS).join(", ")}`);
  return json({
    __meta: meta("MetadataV3", "Iced"), routes: [],
    schemas: [{
      __meta: meta("SchemaMetadataV3", "SchemaMetadata"), version: 3, name, label: name, superclass: "RequestSchemaV3", type: "Iced",
      fields: fields.map((f) => ({ name: f, type: "string", is_schema: false, help: f, direction: "OUTPUT", required: false, level: "critical" })),
    }],
  });
}

function cloud(ctx: ServerContext): Record<string, unknown> {
  const o = ctx.options;
  const [major, minor, , build] = o.h2oVersion.split(".");
  const mem = memory();
  const cores = globalThis.navigator?.hardwareConcurrency || 1;
  return {
    __meta: meta("CloudV3", "Iced"), skip_ticks: false, version: o.h2oVersion, branch_name: `rel-${major}.${minor}.0`, last_commit_hash: "tide",
    describe: `tide ${VERSION}`, compiled_by: "tide", compiled_on: "", build_number: build ?? "unknown", build_age: "1 month", build_too_old: false,
    node_idx: 0, cloud_name: o.name, cloud_size: 1, cloud_uptime_millis: Date.now() - ctx.started, cloud_internal_timezone: "UTC",
    datafile_parser_timezone: ctx.timeZone, cloud_healthy: true, bad_nodes: 0, consensus: true, locked: true, is_client: false,
    hadoop_version: null, telemetry_enabled: false, internal_security_enabled: !!o.auth, leader_idx: 0, web_ip: null,
    nodes: [{
      __meta: meta("NodeV3", "Iced"), h2o: o.address, ip_port: o.address, healthy: true, last_ping: Date.now(), pid: pid(),
      num_cpus: cores, cpus_allowed: cores, nthreads: o.nthreads || cores, sys_load: 0, my_cpu_pct: -1, sys_cpu_pct: -1, mem_value_size: 0, pojo_mem: 0,
      free_mem: mem.free, max_mem: mem.max, swap_mem: 0, num_keys: ctx.store.frames.size + ctx.store.models.size, free_disk: 0, max_disk: 0,
      rpcs_active: 0, fjthrds: [], fjqueue: [], tcps_active: 0, open_fds: -1, gflops: 0, mem_bw: 0,
    }],
  };
}

let memoryRead = { at: -Infinity, value: { free: 0, max: 0 } };

/** Free and total memory, read at most once a second (clients poll /3/Cloud; /proc reads are not free). */
function memory(): { free: number; max: number } {
  const now = performance.now();
  if (now - memoryRead.at < 1000) return memoryRead.value;
  let value = { free: 4 * 2 ** 30, max: 4 * 2 ** 30 };
  // deno-lint-ignore no-explicit-any
  const p = (globalThis as any).process;
  try {
    const os = p?.getBuiltinModule?.("node:os");
    if (os) value = { free: os.freemem(), max: os.totalmem() };
  } catch { /* not Node-like */ }
  memoryRead = { at: now, value };
  return value;
}

function pid(): number {
  // deno-lint-ignore no-explicit-any
  return (globalThis as any).process?.pid ?? 0;
}
