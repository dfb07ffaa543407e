/**
 * Distribution parameters refitted at scoring (Huber's δ) reach the peers at every iteration
 * boundary: a coordinator and a peer on 127.0.0.1 train Huber regression scoring every iteration,
 * so δ moves each time, and after every averaged iteration the peer holds the δ the coordinator
 * held at that boundary, its own scoring notwithstanding. Also: a PARAMS message over TCP.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { irisFiles, type IrisFiles } from "../cli/_iris.ts";
import { connectPeers, coordinatorHook } from "../../distributed/coordinator.ts";
import { servePeer } from "../../distributed/peer.ts";
import { M, Mailbox, type ParamsMessage, parse } from "../../distributed/protocol.ts";
import type { TrainingHook } from "../../core/train/session.ts";
import { tcpTransport } from "../../plugins/transports/tcp.ts";
import { DeepLearning, importFile } from "../../mod.ts";

const SECRET = "refitted parameters test secret";
let iris: IrisFiles;
beforeAll(async () => void (iris = await irisFiles("tide-refit-")));
afterAll(() => rm(iris.dir, { recursive: true, force: true }));

/** Records the distribution parameters at each iteration boundary (after the hooks before it) and at the end. */
function recorder() {
  const at = new Map<number, Record<string, number>>();
  let last: Record<string, number> = {};
  const hook: TrainingHook = {
    iteration: (s) => void at.set(s.iteration, { ...s.parts.net.distributionParams }),
    finish: (s) => void (last = { ...s.parts.net.distributionParams }),
  };
  return { hook, at, last: () => last };
}

test("Huber's δ refitted at each scoring event reaches the peer at the next iteration boundary", async () => {
  const t = tcpTransport({ secret: SECRET, log: () => {} });
  const peerSide = recorder(), coordSide = recorder();
  const peerLog: string[] = [];
  const server = await servePeer({ transport: t, listen: "127.0.0.1:0", log: (l) => peerLog.push(l), hooks: [peerSide.hook] });
  const cluster = await connectPeers(t, [server.address]);
  try {
    const hook = coordinatorHook(cluster, { trainingFrame: iris.train, header: "auto", timeoutMs: 10_000, log: () => {} });
    const m = await new DeepLearning({
      hidden: [8], seed: 5, epochs: 30, train_samples_per_iteration: 120, distribution: "huber", huber_alpha: 0.7, score_each_iteration: true,
      ignored_columns: ["species"], overwrite_with_best_model: false,
    }).train({ y: "sepal_len", training_frame: await importFile(iris.train), hooks: [hook, coordSide.hook] });
    expect(m.data.distribution).toBe("huber");
    const K = m.data.output.iterations;
    expect(K).toBeGreaterThanOrEqual(10);
    // δ really moves on the coordinator: refitted at every scoring event.
    const deltas = [...coordSide.at.values()].map((p) => p.huber_delta);
    expect(new Set(deltas).size).toBeGreaterThanOrEqual(3);
    // The peer's job ends within a slice of STOP: wait for its finish.
    for (let i = 0; i < 200 && !peerLog.some((l) => /: done$/.test(l)); i++) await new Promise((w) => setTimeout(w, 50));
    expect(peerLog.join("\n")).toMatch(/job \S+: done/);
    // At every boundary both averaged, the peer holds the coordinator's δ of that boundary.
    for (let k = 1; k <= K; k++) expect([k, peerSide.at.get(k)?.huber_delta]).toEqual([k, coordSide.at.get(k)!.huber_delta]);
    // After the run (its own final scoring included) the peer holds the last δ the coordinator sent.
    expect(peerSide.last().huber_delta).toBe(coordSide.at.get(K)!.huber_delta);
  } finally {
    await cluster.close();
    await server.close();
  }
}, 60_000);

test("a PARAMS message goes over TCP and reads back the same", async () => {
  const t = tcpTransport({ secret: SECRET, log: () => {} });
  let got!: (m: Mailbox) => void;
  const accepted = new Promise<Mailbox>((r) => (got = r));
  const server = await t.listen("127.0.0.1:0", (ch) => got(new Mailbox(ch, "listener")));
  const out = new Mailbox(await t.connect(server.address!), "caller");
  try {
    const sent: ParamsMessage = { round: 65_538, distributionParams: { huber_delta: 0.123456789012345, huber_alpha: 0.9 } };
    await out.send(M.PARAMS, sent);
    await out.send(M.STOP, { reason: "completed" });
    const inbox = await accepted;
    // Sorted by type: the STOP behind it is not taken for it.
    expect(parse<{ reason: string }>(await inbox.next(M.STOP, 5000))).toEqual({ reason: "completed" });
    expect(parse<ParamsMessage>(await inbox.next(M.PARAMS, 5000))).toEqual(sent);
  } finally {
    await out.channel.close();
    await server.close();
  }
}, 20_000);
