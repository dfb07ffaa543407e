/**
 * `tide serve`: H2O's REST API (server/), so H2O's own Python and R clients run against Tide.
 * Listens on 127.0.0.1:54321 by default and serves until `POST /3/Shutdown` or Ctrl-C.
 * @module
 */
import process from "node:process";
import { readFileSync } from "node:fs";
import type { ParamSpecs } from "../core/params.ts";
import { createServer } from "../server/app.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { stdio } from "./_io.ts";

const SERVE_FLAGS: ParamSpecs = {
  ip: { type: "string", default: "127.0.0.1", help: "Address to listen on (0.0.0.0 for every interface; then use --auth)" },
  port: { type: "int", default: 54321, min: 0, max: 65535, help: "Port (0 picks a free one)" },
  name: { type: "string", default: "tide", help: "Cluster name reported to clients (h2o.connect(name=…) must match)" },
  data_dir: { type: "string[]", default: null, help: "Folders import_file, save_model and load_model may use, comma-separated (default: the current directory)" },
  store: { type: "string", default: null, help: "Folder where frames and models persist across restarts (written atomically)" },
  auth: { type: "string", default: null, help: "user:password: every request needs HTTP Basic auth (h2o.connect(auth=(user, password)))" },
  auth_file: { type: "string", default: null, help: "File holding user:password on its first line (keeps it out of the process list)" },
  max_upload_mb: { type: "float", default: 1024, min: 0, minExclusive: true, help: "Largest upload or request body in MiB" },
  nthreads: { type: "int", default: -1, min: -1, help: "Training threads when a request leaves nthreads at -1 (-1 = all cores)" },
  request_nice: { type: "int", default: 10, min: 0, max: 19, help: "Nice value of the thread that answers requests (Linux), so that clients polling without pause cannot slow training; training keeps normal priority. 0 = unchanged" },
  h2o_version: { type: "string", default: "3.46.0.12", help: "H2O version reported by /3/Cloud; h2o.init() needs the client's exact version" },
};

/** `tide serve`. */
export const serve: Command = {
  name: "serve",
  summary: "Serve H2O's REST API so H2O's Python client (h2o.connect / h2o.init) trains with Tide",
  usage: "tide serve [--ip 127.0.0.1] [--port 54321] [--name tide] [--data_dir DIR,…] [--store DIR] [--auth user:password | --auth_file F] [--max_upload_mb 1024] [--nthreads N] [--request_nice 10] [--h2o_version 3.46.0.12]",
  description: [
    "Answers H2O-3's REST API for the Deep Learning workflow: import and upload files, Rapids frame",
    "operations, Deep Learning training as jobs, metrics, predictions, save/load of models. H2O's own",
    "Python client connects unchanged. Files are read and written only under --data_dir. Stops on",
    "POST /3/Shutdown (h2o.cluster().shutdown()) or Ctrl-C.",
    "",
    "Example:",
    "  tide serve --port 54321 --store ~/.tide-store",
    "  python3 -c 'import h2o; h2o.connect(url=\"http://127.0.0.1:54321\")'",
  ].join("\n"),
  flags: () => SERVE_FLAGS,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(serve));
      return 0;
    }
    const { values, errors } = parseFlags(argv, SERVE_FLAGS);
    if (values.auth && values.auth_file) errors.push("--auth and --auth_file are exclusive: give one");
    let auth = (values.auth as string | undefined) ?? null;
    if (values.auth_file) {
      try {
        auth = readFileSync(values.auth_file as string, "utf8").split(/\r?\n/)[0].trim();
      } catch (e) {
        errors.push(`--auth_file: cannot read "${values.auth_file}": ${(e as Error).message}`);
      }
    }
    if (auth !== null && !/^[^:]+:.+$/.test(auth)) errors.push(`--auth must be user:password: got ${JSON.stringify(auth.replace(/:.*/, ":…"))}`);
    if (errors.length) throw new UsageError(errors, "serve");
    const ip = (values.ip as string | undefined) ?? "127.0.0.1";
    const port = (values.port as number | undefined) ?? 54321;
    const nthreads = (values.nthreads as number | undefined) ?? -1;

    const t0 = performance.now();
    let stop: () => void = () => {};
    const done = new Promise<void>((r) => (stop = r));
    const server = await createServer({
      name: values.name as string | undefined, h2oVersion: values.h2o_version as string | undefined,
      dataDirs: (values.data_dir as string[] | undefined) ?? ["."], storeDir: (values.store as string | undefined) ?? null, auth,
      maxUploadBytes: Math.round(((values.max_upload_mb as number | undefined) ?? 1024) * 2 ** 20), nthreads: nthreads > 0 ? nthreads : 0,
      address: `${ip}:${port}`, onShutdown: () => stop(), requestNice: (values.request_nice as number | undefined) ?? 10,
    });
    const listening = listen(ip, port, server.fetch);
    // deno-lint-ignore no-explicit-any
    (server.context.options as any).address = `${ip}:${listening.port}`;
    const host = ip.includes(":") ? `[${ip}]` : ip;
    const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${listening.port}`;
    const st = server.context.store;
    io.err(`tide serve: H2O REST API (reporting H2O ${server.context.options.h2oVersion}) at ${url} in ${((performance.now() - t0) / 1000).toFixed(2)} s` +
      `${st.dir ? `; store ${st.dir}: ${st.frames.size} frame(s), ${st.models.size} model(s)` : ""}\n`);
    for (const s of server.context.skipped) io.err(`warning: store file skipped: ${s}\n`);
    if (server.context.priorityProblem) io.err(`warning: --request_nice not applied (${server.context.priorityProblem}): pollers take CPU from training as any process does\n`);
    io.out(`${url}\n`);
    if (!auth && !isLoopback(ip)) io.err(`warning: listening on ${ip} without --auth: anyone who can reach this address can read and write data under ${server.context.roots.roots.join(", ")}\n`);
    const onSignal = () => stop();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    await done;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    for (const j of server.context.jobs.running()) server.context.jobs.cancel(j.id);
    await listening.close();
    io.err("tide serve: stopped\n");
    // As the process's own command, make sure it ends: a Worker still winding down (a cancelled
    // training) or a kept-alive socket must not hold it after the shutdown was answered.
    if (io === stdio) (setTimeout(() => process.exit(), 2000) as { unref?: () => void }).unref?.();
    return 0;
  },
};

function isLoopback(ip: string): boolean {
  return ip === "localhost" || ip === "::1" || /^127\./.test(ip);
}

/** Listens with Bun.serve, or Deno.serve under Deno. */
function listen(hostname: string, port: number, fetch: (req: Request) => Promise<Response>): { port: number; close(): Promise<void> } {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun) {
    // idleTimeout: Bun closes connections idle for 10 s by default; the client keeps one open
    // across long polls and uploads, so allow the maximum (255 s).
    const s = g.Bun.serve({ hostname, port, fetch, idleTimeout: 255, maxRequestBodySize: Number.MAX_SAFE_INTEGER });
    return { port: s.port, close: async () => void s.stop(true) };
  }
  if (g.Deno) {
    const s = g.Deno.serve({ hostname, port, onListen: () => {} }, fetch);
    return { port: s.addr.port, close: () => s.shutdown() };
  }
  throw new RangeError("tide serve needs Bun or Deno (run the tide binary, or bun cli/main.ts serve)");
}
