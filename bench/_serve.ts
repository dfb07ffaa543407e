/**
 * What the `tide serve` benchmarks share: starting the server (the built binary with `bin`, else
 * the source) on a free port until it prints its URL, and a small REST client for it.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(import.meta.dir, "..");

/** The command that runs tide: the built binary `bin`, else the source under Bun. */
export function tideCommand(bin: string): string[] {
  return bin ? [resolve(bin)] : [process.execPath, join(ROOT, "cli", "main.ts")];
}

/** Starts `tide serve --port 0 --data_dir dataDir ...extra` and resolves with its URL once printed. */
export async function startServe(bin: string, dataDir: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const [cmd, ...args] = tideCommand(bin);
  const child = spawn(cmd, [...args, "serve", "--port", "0", "--data_dir", dataDir, ...extra], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((ok) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      const m = /^(http:\/\/\S+)\n/.exec(out);
      if (m) ok(m[1]);
    });
  });
  return { child, url };
}

/** Form POSTs, a job's state, and waiting for a job to leave RUNNING (polling every `pollMs`). */
export function restClient(url: string) {
  async function post(path: string, form: Record<string, string>): Promise<any> {
    const r = await fetch(`${url}${path}`, { method: "POST", body: new URLSearchParams(form), headers: { "content-type": "application/x-www-form-urlencoded" } });
    const body = await r.json();
    if (!r.ok) throw new Error(`${path}: ${r.status} ${body.msg}`);
    return body;
  }
  async function job(id: string): Promise<any> {
    return (await (await fetch(`${url}/3/Jobs/${id}`)).json()).jobs[0];
  }
  async function wait(id: string, pollMs = 200): Promise<any> {
    for (;;) {
      const j = await job(id);
      if (j.status !== "RUNNING") return j;
      await Bun.sleep(pollMs);
    }
  }
  return { post, job, wait };
}
