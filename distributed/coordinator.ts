/**
 * The coordinator of a peer-averaged run (`tide train --peers …`): rank 0 of the ring. It trains
 * like any peer and also owns the run: it sends the job, scores, applies the stopping rules,
 * re-forms the ring without a peer that is lost, tells the peers to stop, and keeps the model.
 * @module
 */
import { PeerLostError, type RingPosition } from "../core/average.ts";
import type { Message } from "../core/params.ts";
import type { Transport } from "../core/transport.ts";
import { iterationSamples } from "../core/train/loop.ts";
import type { TrainingHook, TrainingSession } from "../core/train/session.ts";
import { VERSION } from "../version.ts";
import { paramSpecs } from "../core/train/resolve.ts";
import * as plugins from "../plugins/mod.ts";
import { type Job, M, Mailbox, parse } from "./protocol.ts";
import { Averager, flatState, type RoundStats, useRows } from "./session.ts";

/** How far a re-formed ring's round numbers jump ahead of the old ring's. */
export const REFORM_GAP = 65_536;

/** The peers, connected and authenticated. */
export interface Cluster {
  readonly addresses: readonly string[];
  readonly mailboxes: readonly Mailbox[];
  close(): Promise<void>;
}

/** Connects to every peer (authenticated by the transport); fails naming the first unreachable one. */
export async function connectPeers(transport: Transport, addresses: readonly string[]): Promise<Cluster> {
  const channels = await Promise.all(addresses.map((a) => transport.connect(a)));
  const mailboxes = channels.map((c, i) => new Mailbox(c, `peer ${i + 1} (${addresses[i]})`));
  return { addresses, mailboxes, close: async () => void (await Promise.all(channels.map((c) => c.close()))) };
}

/** Settings of the coordinator's averaging. */
export interface CoordinatorOptions {
  /** The training frame's path as the peers can read it, and the header option. */
  readonly trainingFrame: string;
  readonly header: boolean | "auto";
  /** Milliseconds a peer may stay silent during averaging (and ×10 to load its data). */
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** Called with each round's figures. */
  readonly onRound?: (r: RoundStats) => void;
}

/** The resolved samples per iteration for each of `nodes` participants (spec §6.2, §6.6). */
export function samplesPerNode(tspi: number, N: number, epochs: number, nodes: number, replicate: boolean): number {
  const total = tspi === -1 ? (replicate ? nodes * N : N) : iterationSamples(tspi, N, epochs);
  return Math.max(1, Math.ceil(total / nodes));
}

/** The hook that makes a training run the coordinator of `cluster`. */
export function coordinatorHook(cluster: Cluster, o: CoordinatorOptions): TrainingHook {
  const n = cluster.mailboxes.length + 1;
  let alive = cluster.mailboxes.map((_, i) => i + 1); // peer ranks still in the ring
  let averager: Averager;
  const id = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const box = (rank: number) => cluster.mailboxes[rank - 1];
  const note = (s: TrainingSession, message: string) => (s.parts.messages as Message[]).push({ level: "info", field: "peers", message });
  const t0 = performance.now();
  const clock = () => `${((performance.now() - t0) / 1000).toFixed(2)} s`;

  return {
    async start(s) {
      const p = s.plan.params;
      for (const field of ["checkpoint", "initial_weights", "initial_biases"]) {
        if (p[field] !== null && p[field] !== undefined) throw new RangeError(`"${field}" cannot be used with peers yet: train on one machine, or remove it`);
      }
      const replicate = p.replicate_training_data !== false;
      const precision = s.parts.backend.precision === 64 ? 64 : 32;
      const T = samplesPerNode(p.train_samples_per_iteration as number, s.data.epochRows, p.epochs as number, n, replicate);
      averager = new Averager(precision, o.timeoutMs, p.train_samples_per_iteration === -2, p.target_ratio_comm_to_comp as number);
      s.iterationSamples = T;
      useRows(s, { rank: 0, size: n, replicate });
      const addresses = ["", ...cluster.addresses];
      const params = jobParams(p);
      await Promise.all(cluster.mailboxes.map((m, i) => {
        const job: Job = {
          id, version: VERSION, rank: i + 1, addresses, trainingFrame: o.trainingFrame, header: o.header, params, iterationSamples: T,
          replicate, precision, timeoutMs: o.timeoutMs,
        };
        return m.send(M.JOB, job);
      }));
      const own = (await flatState(s)).values.length;
      await Promise.all(cluster.mailboxes.map(async (m, i) => {
        const { type, body } = await m.nextOf([M.READY, M.FAILED], 10 * o.timeoutMs);
        const r = parse<{ parameters?: number; error?: string }>(body);
        if (type === M.FAILED) throw new RangeError(`Peer ${i + 1} (${cluster.addresses[i]}) cannot train: ${r.error}`);
        if (r.parameters !== own) {
          throw new RangeError(`Peer ${i + 1} (${cluster.addresses[i]}) built a network of ${r.parameters} values, this one ${own}: every peer must read the same training frame`);
        }
      }));
      o.log(`[${clock()}] ${n} peers ready (${replicate ? "each on all rows" : "each on its shard"}, ${T} samples per peer per iteration)`);
      averager.begin(s);
    },

    async iteration(s) {
      const { values, unflatten } = await flatState(s);
      for (;;) {
        const round = averager.round + 1;
        averager.round = round;
        let live = true;
        const ranks = [0, ...alive];
        const ring: RingPosition = ranks.length === 1 ? { rank: 0, size: 1, next: null, prev: null } : {
          rank: 0, size: ranks.length, next: box(ranks[1]).ring(round, () => live), prev: box(ranks[ranks.length - 1]).ring(round, () => live),
        };
        const t1 = performance.now();
        const attempt = averager.attempt(s, ring, values);
        // Any peer's connection closing (kill -9 included) ends the attempt at once, not at the timeout.
        const lost = Promise.race(alive.map((r) => box(r).closed.then(() => r)));
        const r = await Promise.race([attempt.then((a) => ({ a }), (e: Error) => ({ e })), lost.then((rank) => ({ e: new PeerLostError(`peer ${rank} closed its connection`) }))]);
        if ("a" in r) {
          averager.apply(s, r.a, unflatten, performance.now() - t1, ranks.length);
          o.onRound?.(averager.stats[averager.stats.length - 1]);
          return;
        }
        live = false;
        attempt.catch(() => {});
        if (!(r.e instanceof PeerLostError)) throw r.e;
        o.log(`[${clock()}] averaging round ${round} failed: ${r.e.message}`);
        await new Promise((w) => setTimeout(w, 200)); // let the other connections' closes arrive
        const dead = alive.filter((k) => box(k).isClosed);
        if (!dead.length) throw new RangeError(`Averaging failed: ${r.e.message}; no peer closed its connection, so the ring cannot be re-formed: check the network between the peers`);
        alive = alive.filter((k) => !dead.includes(k));
        const names = dead.map((k) => `${k} (${cluster.addresses[k - 1]})`).join(", ");
        o.log(`[${clock()}] lost peer ${names}; averaging iteration ${s.iteration} again over the ${alive.length + 1} that remain`);
        note(s, `peer ${names} was lost at iteration ${s.iteration}; training went on with ${alive.length + 1} peers`);
        // The re-formed ring starts at a round no attempt on the old ring can have reached, so its
        // stale messages are dropped by number, and every survivor starts it from this number.
        const next = round + REFORM_GAP;
        await Promise.all(alive.map((k) => box(k).send(M.REFORM, { round: next, ranks: [0, ...alive] }).catch(() => {})));
        averager.round = next - 1;
      }
    },

    async finish(s) {
      await Promise.all(alive.map((k) => box(k).send(M.STOP, { reason: s.status }).catch(() => {})));
      const st = averager?.stats ?? [];
      if (st.length) note(s, `averaged ${st.length} times over up to ${n} peers; ${Math.round(st.reduce((a, x) => a + x.bytesSent, 0) / st.length).toLocaleString("en-US")} bytes sent per round by this peer`);
      o.log(`[${clock()}] training finished (${s.status}); the peers were told to stop`);
    },
  };
}

/**
 * The parameters a peer trains with: the coordinator's actual values that differ from the
 * defaults (the seed resolved, the columns chosen), as a checkpoint restart inherits them.
 */
function jobParams(p: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const specs = paramSpecs(plugins);
  const skip = new Set(["model_id", "training_frame", "validation_frame", "checkpoint", "backend", "nthreads", "export_checkpoints_dir", "initial_weights", "initial_biases"]);
  return Object.fromEntries(Object.entries(p).filter(([k, v]) => !skip.has(k) && (!(k in specs) || JSON.stringify(v) !== JSON.stringify(specs[k].default))));
}
