/**
 * Training with peers over TCP on 127.0.0.1 (and nowhere else), end to end: `tide peer`
 * processes and a `tide train --peers` coordinator. Iris trains on 3 peers and the coordinator
 * to the single-process accuracy (after a garbage-sending client has hit a peer); a peer killed with SIGKILL mid-run is dropped
 * and training completes; a wrong secret is a clear error; two reproducible runs give the same
 * model; peers that build another network are told so. Every child has a time limit.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import { join } from "node:path";
import { BUN, exec, ROOT } from "../e2e/_exec.ts";
import { irisFiles, type IrisFiles } from "../cli/_iris.ts";
import { DeepLearningModel } from "../../model/model.ts";
import type { CategoricalColumn } from "../../frame/frame.ts";
import { connectPeers, coordinatorHook } from "../../distributed/coordinator.ts";
import { servePeer } from "../../distributed/peer.ts";
import { tcpTransport } from "../../plugins/transports/tcp.ts";
import type { Transport } from "../../core/transport.ts";
import { M } from "../../distributed/protocol.ts";
import { DeepLearning, importFile } from "../../mod.ts";

const MAIN = join(ROOT, "cli", "main.ts");
const SECRET = "peers end-to-end test secret";
let iris: IrisFiles, secretFile: string, wrongSecretFile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  iris = await irisFiles("tide-peers-");
  secretFile = join(iris.dir, "secret");
  wrongSecretFile = join(iris.dir, "wrong");
  await writeFile(secretFile, SECRET + "\n");
  await writeFile(wrongSecretFile, "not the peers' secret at all\n");
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

/** Starts `tide peer` on 127.0.0.1, port chosen by the system; resolves once it listens. */
function startPeer(): Promise<{ child: ChildProcess; address: string; log: () => string }> {
  return startPeerOn("127.0.0.1:0");
}

function startPeerOn(listen: string): Promise<{ child: ChildProcess; address: string; log: () => string }> {
  const child = spawn(BUN, [MAIN, "peer", "--listen", listen, "--secret-file", secretFile], { stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tide peer did not start: ${log}`)), 20_000);
    child.stderr!.setEncoding("utf8").on("data", (s: string) => {
      log += s;
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, address: m[1], log: () => log });
      }
    });
  });
}

const train = (args: string[], timeoutMs = 60_000) =>
  exec(BUN, [MAIN, "train", "--training_frame", iris.train, "--y", "species", "--hidden", "16", "--seed", "7", "--secret-file", secretFile, ...args], { cwd: iris.dir, timeoutMs });

async function accuracy(modelPath: string): Promise<number> {
  const m = await DeepLearningModel.load(modelPath);
  const pred = await m.predict(await importFile(iris.test));
  const labels = pred.col("predict") as CategoricalColumn;
  let ok = 0;
  for (let i = 0; i < iris.testSpecies.length; i++) if (labels.domain[labels.codes.at(i)] === iris.testSpecies[i]) ok++;
  return ok / iris.testSpecies.length;
}

test("3 tide peer processes and a coordinator train iris to the single-process accuracy; garbage sent to a peer is only logged", async () => {
  const [a, b, c] = await Promise.all([startPeer(), startPeer(), startPeer()]);
  // A client that speaks no Tide: the peer logs it, closes that connection, and serves on.
  await new Promise<void>((resolve) => {
    const [host, port] = a.address.split(":");
    const s = net.connect({ host, port: Number(port) }, () => s.write("GET / HTTP/1.1\r\n\r\n"));
    s.on("data", () => {}); // a paused socket never reports its close
    s.on("close", () => resolve());
    s.on("error", () => resolve());
  });
  const r = await train(["--epochs", "100", "--peers", `${a.address},${b.address},${c.address}`, "--model_out", "peers.tide"], 30_000);
  expect(r.stderr).toContain("Connected to 3 peers");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Note: averaged \d+ times over up to 4 peers; [\d,]+ bytes sent per round/);
  const single = await train(["--epochs", "100", "--model_out", "single.tide"]);
  expect(single.code).toBe(0);
  const [accPeers, accSingle] = [await accuracy(join(iris.dir, "peers.tide")), await accuracy(join(iris.dir, "single.tide"))];
  expect(accPeers).toBeGreaterThanOrEqual(0.9);
  expect(Math.abs(accPeers - accSingle)).toBeLessThanOrEqual(0.1); // 30 test rows: 3 rows
  expect(a.log()).toMatch(/closing the connection from 127\.0\.0\.1:\d+: protocol version/);
  expect(a.log()).toMatch(/job \S+: done/);
  expect(b.log()).toMatch(/job \S+: done/);
  expect(c.log()).toMatch(/job \S+: rank 3 of 4/);
  for (const p of [a, b, c]) p.child.kill("SIGTERM");
}, 90_000);

/** `tide peer` restarted on `address` (the port a killed one had). */
function restartPeer(address: string) {
  return startPeerOn(address);
}

/** `tide train` as a child whose stderr can be watched while it runs. */
function spawnTrain(args: string[], timeoutMs: number) {
  const child = spawn(BUN, [MAIN, "train", "--training_frame", iris.train, "--y", "species", "--hidden", "16", "--seed", "7", "--secret-file", secretFile, ...args], { cwd: iris.dir, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "", stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (x: string) => (stdout += x));
  child.stderr!.setEncoding("utf8").on("data", (x: string) => (stderr += x));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  const until = (re: RegExp, ms = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const t1 = performance.now();
      const poll = setInterval(() => {
        if (re.test(stderr)) resolve();
        else if (performance.now() - t1 > ms || child.exitCode !== null) reject(new Error(`tide train never logged ${re}:\n${stderr.slice(-3000)}`));
        else return;
        clearInterval(poll);
      }, 20);
    });
  return { child, done, until, stderr: () => stderr };
}

test("a peer killed with SIGKILL is detected, the survivors go on, and the peer restarted on its address rejoins at an iteration boundary", async () => {
  const [a, b] = await Promise.all([startPeer(), startPeer()]);
  const t0 = performance.now();
  const at = () => `[${((performance.now() - t0) / 1000).toFixed(2)} s]`;
  const events: string[] = [];
  // The run lasts 6 s of training whatever the machine's speed, so the restarted peer always has time to rejoin.
  const run = spawnTrain(["--epochs", "1000000", "--max_runtime_secs", "6", "--train_samples_per_iteration", "900", "--replicate_training_data", "false", "--peers", `${a.address},${b.address}`, "--peer_timeout_secs", "5", "--model_out", "killed.tide"], 60_000);
  await run.until(/3 peers ready/);
  await new Promise((w) => setTimeout(w, 300));
  b.child.kill("SIGKILL");
  events.push(`${at()} test: SIGKILL to peer 2 (${b.address})`);
  await run.until(/lost peer 2/);
  const b2 = await restartPeer(b.address);
  events.push(`${at()} test: peer 2 restarted on ${b.address}`);
  const r = await run.done;
  events.push(`${at()} test: the coordinator exited with ${r.code}`);
  if (r.code !== 0) console.log(r.stderr.slice(-3000), "\npeer 1:\n", a.log(), "\npeer 2 again:\n", b2.log());
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/lost peer 2 \(127\.0\.0\.1:\d+\); averaging iteration \d+ again over the 2 that remain/);
  expect(r.stderr).toMatch(/peer 2 \(127\.0\.0\.1:\d+\) rejoined at iteration \d+: sent the model/);
  expect(r.stdout).toMatch(/Note: peer 2 \(127\.0\.0\.1:\d+\) was lost at iteration \d+; training went on with 2 peers/);
  expect(r.stdout).toMatch(/Note: peer 2 \(127\.0\.0\.1:\d+\) rejoined at iteration \d+; training went on with 3 peers/);
  expect(r.stdout).toMatch(/: time limit after [\d.]+ epochs/);
  expect(b2.log()).toMatch(/job \S+: joined at iteration \d+ \(\d+ samples so far\), ring ranks 0, 1, 2/);
  expect(b2.log()).toMatch(/job \S+: done/);
  expect(await accuracy(join(iris.dir, "killed.tide"))).toBeGreaterThanOrEqual(0.85);
  const timeline = [...r.stderr.split("\n").filter((l) => /^\[\d/.test(l)).map((l) => `coordinator ${l}`), ...events];
  console.log(`fault timeline (coordinator: seconds since it sent the job; test: since the coordinator started)\n${timeline.join("\n")}`);
  a.child.kill("SIGTERM");
  b2.child.kill("SIGTERM");
}, 90_000);

test("a coordinator killed mid-run resumes from its last exported checkpoint with the same peers", async () => {
  const [a, b] = await Promise.all([startPeer(), startPeer()]);
  const peers = `${a.address},${b.address}`;
  const dir = join(iris.dir, "ckpts");
  const t0 = performance.now();
  const events: string[] = [];
  const at = (what: string) => events.push(`[${((performance.now() - t0) / 1000).toFixed(2)} s] ${what}`);
  const first = spawnTrain(["--epochs", "100000", "--train_samples_per_iteration", "300", "--score_each_iteration", "--model_id", "resumable", "--export_checkpoints_dir", dir, "--peers", peers], 60_000);
  const ckpt = join(dir, "resumable.tide");
  await first.until(/3 peers ready/);
  for (let i = 0; i < 600 && !existsSync(ckpt); i++) await new Promise((w) => setTimeout(w, 20));
  at("first checkpoint written");
  await new Promise((w) => setTimeout(w, 500));
  first.child.kill("SIGKILL");
  expect((await first.done).signal).toBe("SIGKILL");
  at("coordinator killed (SIGKILL)");
  const saved = await DeepLearningModel.load(ckpt); // never torn: written atomically
  expect(saved.data.output.samples).toBeGreaterThan(0);
  const epochs = Math.ceil(saved.data.output.epochs) + 100;
  at(`checkpoint loads: ${saved.data.output.samples} samples, ${saved.data.output.epochs.toFixed(1)} epochs, ${saved.data.output.history.length} history rows; rerun with --checkpoint --epochs ${epochs}`);
  const r = await train(["--checkpoint", ckpt, "--epochs", String(epochs), "--train_samples_per_iteration", "300", "--peers", peers, "--model_out", "resumed.tide"], 60_000);
  if (r.code !== 0) console.log(r.stderr.slice(-3000), "\npeer 1:\n", a.log());
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(new RegExp(`3 peers ready \\(.*from the checkpoint's ${saved.data.output.samples} samples\\)`));
  const resumed = await DeepLearningModel.load(join(iris.dir, "resumed.tide"));
  expect(resumed.data.output.epochs).toBeGreaterThanOrEqual(epochs);
  expect(resumed.data.output.history.length).toBeGreaterThan(saved.data.output.history.length); // the history continues
  expect(await accuracy(join(iris.dir, "resumed.tide"))).toBeGreaterThanOrEqual(0.85);
  expect(a.log()).toMatch(/the coordinator is gone; job dropped/);
  expect(a.log()).toMatch(/job \S+: done/);
  at(`resumed run finished: ${resumed.data.output.samples} samples, ${resumed.data.output.epochs.toFixed(1)} epochs, ${resumed.data.output.history.length} history rows`);
  console.log(`coordinator kill and resume (seconds since the first coordinator started)\n${events.join("\n")}`);
  a.child.kill("SIGTERM");
  b.child.kill("SIGTERM");
}, 90_000);

test("a wrong secret is a clear error before any data is read", async () => {
  const a = await startPeer();
  const r = await exec(BUN, [MAIN, "train", "--training_frame", iris.train, "--y", "species", "--peers", a.address, "--secret-file", wrongSecretFile], { cwd: iris.dir, timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/Cannot connect to 127\.0\.0\.1:\d+/);
  expect(r.stderr).not.toContain("internal error");
  expect(r.stderr).not.toContain("Imported");
  await new Promise((w) => setTimeout(w, 100));
  expect(a.log()).toContain("the caller does not know the shared secret");
  const none = await exec(BUN, [MAIN, "train", "--training_frame", iris.train, "--y", "species", "--peers", a.address], { cwd: iris.dir, timeoutMs: 30_000 });
  expect(none.code).toBe(2);
  expect(none.stderr).toContain("--secret_file is required with --peers");
  const cv = await exec(BUN, [MAIN, "train", "--training_frame", iris.train, "--y", "species", "--peers", a.address, "--secret-file", secretFile, "--nfolds", "3"], { cwd: iris.dir, timeoutMs: 30_000 });
  expect(cv.code).toBe(2);
  expect(cv.stderr).toContain("--peers cannot be used with cross-validation");
  a.child.kill("SIGTERM");
}, 60_000);

/** In-process peers and a coordinator (same averaging code, no child processes). */
async function inProcess(peers: number, params: Record<string, unknown>, peerFrame?: string) {
  const t = tcpTransport({ secret: SECRET, log: () => {} });
  const servers = await Promise.all(Array.from({ length: peers }, () => servePeer({ transport: t, listen: "127.0.0.1:0", log: () => {} })));
  const cluster = await connectPeers(t, servers.map((s) => s.address));
  try {
    const frame = await importFile(iris.train);
    const hook = coordinatorHook(cluster, { trainingFrame: peerFrame ?? iris.train, header: "auto", timeoutMs: 10_000, log: () => {} });
    return await new DeepLearning({ hidden: [8], seed: 3, ...params }).train({ y: "species", training_frame: frame, hooks: [hook] });
  } finally {
    await cluster.close();
    for (const s of servers) await s.close();
  }
}

test("reproducible: a 2-peer run gives the same model every time", async () => {
  const params = { reproducible: true, epochs: 20, train_samples_per_iteration: 120 };
  const [m1, m2] = [await inProcess(1, params), await inProcess(1, params)];
  expect(m1.data.output.samples).toBe(m2.data.output.samples);
  expect(m1.data.state["weights.0"]).toEqual(m2.data.state["weights.0"]);
  expect(m1.data.state["biases.1"]).toEqual(m2.data.state["biases.1"]);
  // Averaging really happened: the model differs from a one-process run.
  const single = await new DeepLearning({ hidden: [8], seed: 3, ...params }).train({ y: "species", training_frame: await importFile(iris.train) });
  expect(single.data.state["weights.0"]).not.toEqual(m1.data.state["weights.0"]);
}, 60_000);

test("a checkpoint continued with peers: every peer starts from the checkpoint's model and counters", async () => {
  const frame = await importFile(iris.train);
  const ckpt = await new DeepLearning({ hidden: [8], seed: 11, epochs: 30 }).train({ y: "species", training_frame: frame });
  // One more iteration of 240 samples (120 each): had the peer started from its own random weights,
  // the average would carry half of them (the run goes on with seed 3: other initial weights;
  // no best-model restore, which would hide it).
  const m = await inProcess(1, { checkpoint: ckpt, epochs: 32, train_samples_per_iteration: 240, overwrite_with_best_model: false });
  expect(m.data.output.samples).toBe(ckpt.data.output.samples + 240);
  const [before, after] = [ckpt.data.state["weights.0"], m.data.state["weights.0"]];
  let change = 0, size = 0;
  for (let i = 0; i < before.length; i++) {
    change += (after[i] - before[i]) ** 2;
    size += before[i] ** 2;
  }
  expect(Math.sqrt(change / size)).toBeLessThan(0.1);
  expect(m.data.output.history.length).toBeGreaterThan(ckpt.data.output.history.length);
}, 30_000);

test("a peer whose connection drops (the process lives on) drops its job, is reached again and rejoins", async () => {
  const t = tcpTransport({ secret: SECRET, log: () => {} });
  const logs: string[] = [], peerLog: string[] = [];
  const servers = await Promise.all([1, 2].map(() => servePeer({ transport: t, listen: "127.0.0.1:0", log: (l) => peerLog.push(l) })));
  const cluster = await connectPeers(t, servers.map((x) => x.address));
  try {
    const hook = coordinatorHook(cluster, { trainingFrame: iris.train, header: "auto", timeoutMs: 10_000, log: (l) => logs.push(l), rejoinRetryMs: 100 });
    let cut = false;
    // The coordinator's end of peer 2's connection closes at iteration 5, as a broken network would.
    const breaker = { iteration: (s: { iteration: number }) => void (s.iteration === 5 && !cut && (cut = true, cluster.mailboxes[1].channel.close())) };
    const m = await new DeepLearning({ hidden: [8], seed: 3, epochs: 1e6, max_runtime_secs: 3, train_samples_per_iteration: 360, replicate_training_data: false }).train({ onEvent: () => {},
      y: "species", training_frame: await importFile(iris.train), hooks: [breaker, hook],
    }).catch((e) => {
      console.log(logs.join("\n"), "\n", peerLog.join("\n"));
      throw e;
    });
    const text = logs.join("\n");
    expect(text).toMatch(/lost peer 2 \(127\.0\.0\.1:\d+\); averaging iteration 5 again over the 2 that remain/);
    expect(text).toMatch(/peer 2 \(127\.0\.0\.1:\d+\) rejoined at iteration \d+/);
    expect(peerLog.join("\n")).toMatch(/the coordinator is gone; job dropped/);
    expect(peerLog.join("\n")).toMatch(/joined at iteration \d+/);
    expect(m.data.output.status).toBe("time limit"); // 3 s of training, whatever the machine's speed
    expect(m.data.output.messages.map((x) => x.message).join("\n")).toMatch(/rejoined at iteration \d+; training went on with 3 peers/);
  } finally {
    await cluster.close();
    for (const x of servers) await x.close();
  }
}, 60_000);

test("a link between two live peers cut in the middle of a round: the coordinator starts the round again once and training completes", async () => {
  const t = tcpTransport({ secret: SECRET, log: () => {} });
  // The peers' outgoing links (peer 1 → peer 2 here) go through a wrapper the test can cut.
  const cut = { armed: false, sent: 0, done: false };
  const cuttable: Transport = {
    ...t,
    connect: async (addr) => {
      const ch = await t.connect(addr);
      return {
        recv: () => ch.recv(),
        close: () => ch.close(),
        send: async (m) => {
          // The second ring message after arming: peer 1 has already taken the coordinator's first one.
          if (cut.armed && m[0] === M.RING && ++cut.sent === 2) {
            cut.armed = false;
            cut.done = true;
            await ch.close();
            throw new RangeError("cut by the test");
          }
          return ch.send(m);
        },
      };
    },
  };
  const logs: string[] = [];
  const servers = await Promise.all([1, 2].map(() => servePeer({ transport: cuttable, listen: "127.0.0.1:0", log: () => {} })));
  const cluster = await connectPeers(t, servers.map((x) => x.address));
  try {
    const hook = coordinatorHook(cluster, { trainingFrame: iris.train, header: "auto", timeoutMs: 1500, log: (l) => logs.push(l) });
    const arm = { iteration: (s: { iteration: number }) => void (s.iteration === 5 && (cut.armed = true)) };
    const m = await new DeepLearning({ hidden: [8], seed: 3, epochs: 100, train_samples_per_iteration: 360 }).train({
      y: "species", training_frame: await importFile(iris.train), hooks: [arm, hook],
    });
    expect(cut.done).toBe(true);
    expect(logs.join("\n")).toMatch(/no peer closed its connection: starting iteration 5's averaging again on the same ring/);
    expect(logs.join("\n")).not.toMatch(/lost peer/);
    expect(m.data.output.epochs).toBeGreaterThanOrEqual(100);
  } finally {
    await cluster.close();
    for (const x of servers) await x.close();
  }
}, 30_000);

test("peers that read another frame build another network: a clear error naming the peer", async () => {
  const other = join(iris.dir, "other.csv");
  const text = await readFile(iris.train, "utf8");
  await writeFile(other, text.split("\n").map((l) => l.split(",").slice(1).join(",")).join("\n")); // one column fewer
  await expect(inProcess(1, { epochs: 1 }, other)).rejects.toThrow(/Peer 1 \(127\.0\.0\.1:\d+\) built a network of \d+ values, this one \d+: every peer must read the same training frame/);
}, 30_000);
