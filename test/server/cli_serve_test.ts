/**
 * `tide serve` from the command line: flag errors, help, and a real listen → request → shutdown.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { assert, assertEquals, test } from "../_harness.ts";
import { BUN, ROOT } from "../e2e/_exec.ts";
import { threeClassCsv } from "./_server.ts";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";

test("tide serve refuses bad flags with exit 2 and shows its flags with --help", async () => {
  const io = memoryIo();
  assertEquals(await main(["serve", "--auth", "nocolon", "--port", "99999"], io), 2);
  assert(io.stderr.includes("--auth must be user:password") && io.stderr.includes('"port"'), io.stderr);
  const help = memoryIo();
  assertEquals(await main(["serve", "--help"], help), 0);
  for (const f of ["--data_dir", "--store", "--auth_file", "--max_upload_mb", "--h2o_version"]) assert(help.stdout.includes(f), f);
});

test("tide serve listens on loopback, prints its URL, answers, and stops on POST /3/Shutdown", async () => {
  let url = "";
  let resolveUrl: (u: string) => void = () => {};
  const seen = new Promise<string>((r) => (resolveUrl = r));
  const io = { ...memoryIo(), out: (t: string) => ((url += t), /\n/.test(url) && resolveUrl(url.trim())) };
  // --request_nice 0: this test runs in the test runner's own process, whose priority stays as it is.
  const running = main(["serve", "--port", "0", "--name", "cli-test", "--request_nice", "0"], io);
  const u = await seen;
  assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(u), u);
  const cloud = await (await fetch(`${u}/3/Cloud`)).json();
  assertEquals(cloud.cloud_name, "cli-test");
  assertEquals((await fetch(`${u}/3/Shutdown`, { method: "POST" })).status, 200);
  assertEquals(await running, 0);
}, { timeout: 20_000 });

/**
 * Nice value of each thread of a process: the main thread first, then the Workers. A thread that
 * ends between the listing and the read (a parse Worker being terminated, an idle pool thread) is
 * skipped: reading its stat file fails with ENOENT (seen about once in 50,000 reads around
 * the parse Worker's end) or ESRCH.
 */
function threadNice(pid: number): { main: number; workers: number[] } {
  let main = NaN;
  const workers: number[] = [];
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    let st: string;
    try {
      st = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
    } catch (e) {
      if (t !== String(pid) && ["ENOENT", "ESRCH"].includes((e as { code?: string }).code ?? "")) continue;
      throw e;
    }
    if (!st.includes(")")) continue;
    const name = st.slice(st.indexOf("(") + 1, st.lastIndexOf(")"));
    const nice = Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[16]);
    if (t === String(pid)) main = nice;
    else if (name === "Worker") workers.push(nice);
  }
  return { main, workers };
}

test("tide serve lowers only its request thread's priority: the training Workers keep theirs", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-nice-"));
  const child = spawn(BUN, [join(ROOT, "cli", "main.ts"), "serve", "--port", "0", "--data_dir", dir, "--request_nice", "7"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    await writeFile(join(dir, "data.csv"), threeClassCsv(3000));
    const url = await new Promise<string>((ok, fail) => {
      let out = "";
      child.stdout!.setEncoding("utf8").on("data", (s: string) => {
        out += s;
        const m = /^(http:\/\/\S+)\n/.exec(out);
        if (m) ok(m[1]);
      });
      child.on("exit", (code) => fail(new Error(`tide serve exited (${code})`)));
    });
    const post = async (path: string, form: Record<string, string>) =>
      await (await fetch(`${url}${path}`, { method: "POST", body: new URLSearchParams(form), headers: { "content-type": "application/x-www-form-urlencoded" } })).json();
    const imp = await post("/3/ImportFilesMulti", { paths: `[${join(dir, "data.csv")}]` });
    const parse = await post("/3/Parse", { source_frames: `["${imp.destination_frames[0]}"]`, destination_frame: "d.hex" });
    for (let i = 0; i < 200 && (await (await fetch(`${url}/3/Jobs/${parse.job.key.name}`)).json()).jobs[0].status === "RUNNING"; i++) await new Promise((r) => setTimeout(r, 25));
    const job = (await post("/3/ModelBuilders/deeplearning", { training_frame: "d.hex", response_column: "label", hidden: "[16]", epochs: "10000", nthreads: "2" })).job.key.name;
    // The host, the training Worker and the backend's Workers: all at normal priority, the request thread at 7.
    let seen = threadNice(child.pid!);
    for (let i = 0; i < 200 && seen.workers.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 25));
      seen = threadNice(child.pid!);
    }
    assertEquals(seen.main, 7);
    assert(seen.workers.length >= 3 && seen.workers.every((n) => n === 0), JSON.stringify(seen));
    await post(`/3/Jobs/${job}/cancel`, {});
    await post("/3/Shutdown", {});
  } finally {
    child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}, { timeout: 30_000, skip: process.platform !== "linux" || !existsSync("/proc/self/task") ? "per-thread priorities are a Linux feature" : false });
