/**
 * Drives the server's `fetch` without a socket: a fresh server over a temporary data folder,
 * form-encoded calls as h2o-py sends them, job polling, and small CSV fixtures.
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals } from "../_harness.ts";
import { createServer, type ServerOptions, type TideServer } from "../../server/app.ts";

/** A server over a temporary data folder. */
export interface TestServer extends TideServer {
  readonly dir: string;
  /** A form-encoded request; resolves to status, parsed JSON (or text) and headers. */
  call(method: string, path: string, form?: Record<string, string | number | boolean>, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }>;
  /** Polls a job until it ends; returns its final JobV3. */
  wait(jobId: string): Promise<any>;
  /** Imports and parses a file of the data folder; returns the frame key. */
  importCsv(name: string, destination?: string): Promise<string>;
  close(): Promise<void>;
}

/** Three classes on two numeric features plus an integer column: 120 rows, seeded. */
export function threeClassCsv(rows = 120): string {
  let s = 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ["x1,x2,k,label"];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    lines.push(`${(c + rnd() - 0.5).toFixed(3)},${(-c + rnd() - 0.5).toFixed(3)},${i % 4},${"abc"[c]}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Starts a test server (`workers: false` unless given) with `data.csv` in its data folder. */
export async function testServer(options: ServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "tide-serve-"));
  await writeFile(join(dir, "data.csv"), threeClassCsv());
  const s = await createServer({ dataDirs: [dir], workers: false, ...options });
  const call: TestServer["call"] = async (method, path, form, init = {}) => {
    const body = form ? new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)])).toString() : undefined;
    const url = method === "GET" || method === "DELETE" ? `http://t${path}${body ? `?${body}` : ""}` : `http://t${path}`;
    const req = new Request(url, {
      method, body: method === "GET" || method === "DELETE" ? undefined : body,
      headers: body && method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}, ...init,
    });
    const res = await s.fetch(req);
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    return { status: res.status, body: type.startsWith("application/json") ? JSON.parse(text) : text, headers: res.headers };
  };
  const wait = async (id: string) => {
    for (let i = 0; i < 2000; i++) {
      const r = await call("GET", `/3/Jobs/${id}`);
      assertEquals(r.status, 200, JSON.stringify(r.body));
      const j = r.body.jobs[0];
      assertEquals(typeof j.progress, "number");
      if (["DONE", "FAILED", "CANCELLED"].includes(j.status)) return j;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`job ${id} did not end`);
  };
  const importCsv = async (name: string, destination?: string) => {
    const imp = await call("POST", "/3/ImportFilesMulti", { paths: `[${join(dir, name)}]` });
    assertEquals(imp.status, 200, JSON.stringify(imp.body));
    assertEquals(imp.body.fails, []);
    const src = `["${imp.body.destination_frames[0]}"]`;
    const setup = await call("POST", "/3/ParseSetup", { source_frames: src, check_header: 0 });
    assertEquals(setup.status, 200, JSON.stringify(setup.body));
    const parse = await call("POST", "/3/Parse", {
      source_frames: src, destination_frame: destination ?? setup.body.destination_frame, check_header: setup.body.check_header,
      column_types: `[${setup.body.column_types.map((t: string) => `"${t}"`).join(",")}]`, delete_on_done: "True",
      ...(setup.body.column_names ? { column_names: `[${setup.body.column_names.map((t: string) => `"${t}"`).join(",")}]` } : {}),
    });
    assertEquals(parse.status, 200, JSON.stringify(parse.body));
    const job = await wait(parse.body.job.key.name);
    assert(job.status === "DONE", JSON.stringify(job));
    return job.dest.name;
  };
  return { ...s, dir, call, wait, importCsv, close: () => rm(dir, { recursive: true, force: true }) };
}

/** The form h2o-py sends for a small Deep Learning run (a subset of its ~78 fields). */
export function dlForm(extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return {
    response_column: "label", hidden: "[8,8]", epochs: "3", seed: "1", reproducible: "True", activation: "Rectifier",
    distribution: "AUTO", initial_weight_distribution: "uniform_adaptive", missing_values_handling: "mean_imputation",
    stopping_metric: "auto", max_w2: "3.4028235e+38", nfolds: "0", fold_assignment: "auto", score_validation_sampling: "uniform",
    categorical_encoding: "auto", ...extra,
  };
}
