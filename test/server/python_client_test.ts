/**
 * H2O's own Python client (../shared/clients/h2o-py, unmodified) runs the booklet's steps against
 * a started `tide serve` (the source, or the binary named by $TIDE_SERVE_BIN). Needs python3 with
 * requests and tabulate (Debian: python3-requests python3-tabulate); skips visibly without them.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { assert, assertEquals, test } from "../_harness.ts";
import { parseCsvText } from "../../frame/csv.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { BUN, exec, ROOT } from "../e2e/_exec.ts";
import { threeClassCsv } from "./_server.ts";

const CLIENT = resolve(ROOT, "..", "shared", "clients", "h2o-py");

/** A python3 that imports requests and tabulate, or null. */
function findPython(): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", "import requests, tabulate"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

const PYTHON = findPython();
const skip = !PYTHON ? "python3 with requests and tabulate is missing (apt-get install python3-requests python3-tabulate)"
  : !existsSync(join(CLIENT, "h2o")) ? `H2O's Python client is not at ${CLIENT}` : false;

/** Starts `tide serve` on a free port; resolves to its URL and a stopper. */
async function startServer(dataDir: string, extra: string[] = []): Promise<{ url: string; child: ReturnType<typeof spawn>; stderr: () => string }> {
  const bin = process.env.TIDE_SERVE_BIN;
  const [cmd, args] = bin ? [bin, [] as string[]] : [BUN, [join(ROOT, "cli", "main.ts")]];
  const child = spawn(cmd, [...args, "serve", "--port", "0", "--data_dir", dataDir, ...extra], { cwd: dataDir, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`tide serve did not start: ${err}`)), 20_000);
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      const m = /^(http:\/\/\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`tide serve exited (${code}): ${err}`)));
  });
  return { url, child, stderr: () => err };
}

/** Values that crossed the wire as CSV text: equal to the library's to 1e-12 (relative). */
function assertClose(got: readonly number[], want: readonly number[]): void {
  assertEquals(got.length, want.length, "row count");
  got.forEach((g, i) => assert(Math.abs(g - want[i]) <= 1e-12 * Math.max(1, Math.abs(want[i])), `row ${i}: ${g} over REST, ${want[i]} from the library`));
}

test("H2O's Python client runs the booklet's steps against tide serve, with the library's numbers", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-py-"));
  // deno-lint-ignore no-explicit-any
  const web = (globalThis as any).Bun?.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(threeClassCsv(30)) });
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    await writeFile(join(dir, "data.csv"), threeClassCsv());
    await mkdir(join(dir, "parts"));
    await writeFile(join(dir, "parts", "p1.csv"), threeClassCsv(6));
    await writeFile(join(dir, "parts", "p2.csv"), threeClassCsv(9));
    server = await startServer(dir);
    const r = await exec(PYTHON!, [join(ROOT, "test", "server", "booklet_steps.py"), server.url, dir], {
      cwd: dir, timeoutMs: 50_000,
      env: { ...process.env, PYTHONPATH: CLIENT, TIDE_TEST_WEB_URL: `http://127.0.0.1:${web?.port}/web.csv`, H2O_DISABLE_STRICT_VERSION_CHECK: "false" } as Record<string, string>,
    });
    const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    assert(r.code === 0 && line, `python exited ${r.code}\nstdout: ${r.stdout.slice(-3000)}\nstderr: ${r.stderr.slice(-3000)}\nserver: ${server.stderr()}`);
    const got = JSON.parse(line.slice(7));
    // The same steps through the library: split, train, score.
    const fr = parseCsvText(threeClassCsv()).asfactor("k");
    const [tr, te] = fr.splitFrame([0.75], 1234);
    assertEquals(got.split, [tr.nrow, te.nrow]);
    const model = await new DeepLearning({ hidden: [8, 8], epochs: 3, seed: 1, reproducible: true, model_id: "booklet_dl" })
      .train({ y: "label", training_frame: tr, validation_frame: te });
    assertEquals(got.valid_logloss, model.modelPerformance({ valid: true }).logloss());
    assertEquals(got.valid_mse, model.modelPerformance({ valid: true }).mse());
    assertEquals(got.test_mse, (await model.performance(te)).mse());
    const cv = await new DeepLearning({ hidden: [8], epochs: 2, nfolds: 3, seed: 1, reproducible: true, model_id: "booklet_cv" })
      .train({ y: "label", x: ["x1", "x2", "k"], training_frame: tr });
    assertEquals(got.xval_logloss, (cv.data.output.crossValidationMetrics as { logloss: number }).logloss);
    // The autoencoder steps through the library: same split, seed and columns.
    const x = ["x1", "x2", "k"];
    const ae = await new DeepLearning({ autoencoder: true, hidden: [4, 2, 4], activation: "Tanh", epochs: 2, seed: 1, reproducible: true, model_id: "booklet_ae" })
      .train({ x, training_frame: tr });
    assertEquals(got.ae_train_mse, ae.modelPerformance().mse());
    assertEquals(got.ae_test_mse, (await ae.performance(te)).mse());
    const col = (f: Awaited<ReturnType<typeof ae.predict>>, j: number) => Array.from({ length: f.nrow }, (_, i) => Number(f.value(i, f.names[j])));
    assertClose(got.ae_anomaly, col(await ae.anomaly(te), 0));
    const se = await ae.anomaly(te, { perFeature: true });
    assertEquals(got.ae_per_feature_names, se.names);
    assertClose(got.ae_per_feature_0, col(se, 0));
    const df = await ae.deepfeatures(te, 1);
    assertEquals([got.ae_deepfeatures_names, df.names], [["DF.L2.C1", "DF.L2.C2"], ["DF.L2.C1", "DF.L2.C2"]]);
    assertClose(got.ae_deepfeatures_1, col(df, 1));
    const rec = await ae.predict(te);
    assertEquals(got.ae_predict_names, rec.names);
    assertClose(got.ae_predict_0, col(rec, 0));
    const sup = await new DeepLearning({ hidden: [4, 2, 4], activation: "Tanh", epochs: 2, seed: 1, reproducible: true, pretrained_autoencoder: ae, model_id: "booklet_pretrained" })
      .train({ y: "label", x, training_frame: tr });
    assertEquals(got.pretrained_logloss, sup.modelPerformance().logloss());
    const exit = await new Promise<number | null>((ok, fail) => {
      // It may have exited already, while the library trained above.
      if (server!.child.exitCode !== null) return ok(server!.child.exitCode);
      server!.child.on("exit", ok);
      setTimeout(() => fail(new Error(`tide serve did not exit after h2o.cluster().shutdown(): ${server!.stderr()}`)), 10_000);
    });
    assertEquals(exit, 0, "h2o.cluster().shutdown() stops the server");
    // Another version: h2o.connect() warns and works; h2o.init(ip, port) refuses it (strict check).
    server = await startServer(dir, ["--h2o_version", "3.40.0.1"]);
    const port = new URL(server.url).port;
    const v = await exec(PYTHON!, ["-c", [
      "import h2o, sys",
      `h2o.connect(url="${server.url}", verbose=False)`,
      "print('connected', h2o.cluster().version)",
      "try:",
      `    h2o.init(ip="127.0.0.1", port=${port}, verbose=False)`,
      "    print('init accepted')",
      "except Exception as e:",
      "    print('init refused:', type(e).__name__)",
    ].join("\n")], { cwd: dir, timeoutMs: 30_000, env: { ...process.env, PYTHONPATH: CLIENT, H2O_DISABLE_STRICT_VERSION_CHECK: "false" } as Record<string, string> });
    assert(v.stdout.includes("connected 3.40.0.1") && /Version mismatch/.test(v.stdout + v.stderr), `${v.stdout}\n${v.stderr}`);
    assert(v.stdout.includes("init refused:"), `${v.stdout}\n${v.stderr}`);
  } finally {
    server?.child.kill("SIGKILL");
    web?.stop(true);
    await rm(dir, { recursive: true, force: true });
  }
}, { timeout: 120_000, skip });

test("H2O's Python client finds a grid again after tide serve --store restarts", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tide-py-store-"));
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    await writeFile(join(dir, "data.csv"), threeClassCsv());
    const run = async (phase: string) => {
      server = await startServer(dir, ["--store", join(dir, "store")]);
      const r = await exec(PYTHON!, [join(ROOT, "test", "server", "store_restart_steps.py"), server.url, dir, phase], {
        cwd: dir, timeoutMs: 40_000, env: { ...process.env, PYTHONPATH: CLIENT } as Record<string, string>,
      });
      const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
      assert(r.code === 0 && line, `python (${phase}) exited ${r.code}\nstdout: ${r.stdout.slice(-3000)}\nstderr: ${r.stderr.slice(-3000)}\nserver: ${server.stderr()}`);
      return JSON.parse(line.slice(7));
    };
    const built = await run("build");
    await new Promise((ok) => (server!.child.exitCode !== null ? ok(null) : server!.child.on("exit", ok)));
    const reloaded = await run("reload");
    assertEquals(reloaded, built);
    assertEquals(built.ids.length, 2);
  } finally {
    (server as Awaited<ReturnType<typeof startServer>> | null)?.child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}, { timeout: 90_000, skip });
