/**
 * The coordinator of a peer-averaged run (`tide train --peers …`): rank 0 of the ring. It trains
 * like any peer and also owns the run: it sends the job and the model every peer starts from,
 * scores, applies the stopping rules, re-forms the ring without a peer that is lost, takes it
 * back at an iteration boundary once it answers again, tells the peers to stop, and keeps the model.
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
import { encodeState, type Job, M, Mailbox, type ParamsMessage, parse } from "./protocol.ts";
import { Averager, flatState, reshard, type RoundStats, shareAfterChange, useRows } from "./session.ts";

/** How far a re-formed ring's round numbers jump ahead of the old ring's. */
export const REFORM_GAP = 65_536;

/** The peers, connected and authenticated. */
export interface Cluster {
  readonly addresses: readonly string[];
  /** By rank − 1; a peer that rejoins gets a new one. */
  readonly mailboxes: Mailbox[];
  /** A new authenticated connection to peer `rank` (a peer that came back). */
  reconnect(rank: number): Promise<Mailbox>;
  /** True once closed: nothing reaches a peer any more. */
  readonly closed: boolean;
  close(): Promise<void>;
}

/** Connects to every peer (authenticated by the transport); fails naming the first unreachable one. */
export async function connectPeers(transport: Transport, addresses: readonly string[]): Promise<Cluster> {
  const channels = await Promise.all(addresses.map((a) => transport.connect(a)));
  const name = (rank: number) => `peer ${rank} (${addresses[rank - 1]})`;
  const mailboxes = channels.map((c, i) => new Mailbox(c, name(i + 1)));
  let closed = false;
  return {
    addresses, mailboxes,
    get closed() {
      return closed;
    },
    async reconnect(rank) {
      const c = await transport.connect(addresses[rank - 1]);
      if (closed) { // the run ended while this connection was being made
        await c.close();
        throw new RangeError("The cluster is closed");
      }
      channels.push(c);
      return new Mailbox(c, name(rank));
    },
    close: async () => {
      closed = true;
      await Promise.all(channels.map((c) => c.close()));
    },
  };
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
  /** Milliseconds between attempts to reach a lost peer again (default 1000: a refused connection costs nothing). */
  readonly rejoinRetryMs?: number;
}

/** The resolved samples per iteration for each of `nodes` participants (spec §6.2, §6.6). */
export function samplesPerNode(tspi: number, N: number, epochs: number, nodes: number, replicate: boolean): number {
  const total = tspi === -1 ? (replicate ? nodes * N : N) : iterationSamples(tspi, N, epochs);
  return Math.max(1, Math.ceil(total / nodes));
}

/** The hook that makes a training run the coordinator of `cluster`. */
export function coordinatorHook(cluster: Cluster, o: CoordinatorOptions): TrainingHook {
  const n = cluster.mailboxes.length + 1;
  let alive = cluster.mailboxes.map((_, i) => i + 1); // peer ranks in the ring
  /** Peers that came back, have their data and wait for the next iteration boundary. */
  const joining = new Map<number, Mailbox>();
  let finished = false;
  let averager: Averager;
  let jobFor: (rank: number) => Job;
  let own = 0; // values in this network's state
  let perNode = false, replicate = true, refit = false;
  let ring: number[] = []; // the ranks this participant's rows and share were set for
  const id = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const box = (rank: number) => cluster.mailboxes[rank - 1];
  const peerName = (rank: number) => `${rank} (${cluster.addresses[rank - 1]})`;
  const note = (s: TrainingSession, message: string) => (s.parts.messages as Message[]).push({ level: "info", field: "peers", message });
  const t0 = performance.now();
  const clock = () => `${((performance.now() - t0) / 1000).toFixed(2)} s`;
  const sleep = (ms: number) => new Promise((w) => setTimeout(w, ms));

  /** The JOB's answer: null when the peer built the same network, else why not. */
  const ready = async (m: Mailbox, rank: number, waitMs: number): Promise<string | null> => {
    const { type, body } = await m.nextOf([M.READY, M.FAILED], waitMs);
    const r = parse<{ parameters?: number; error?: string }>(body);
    if (type === M.FAILED) return `Peer ${peerName(rank)} cannot train: ${r.error}`;
    if (r.parameters !== own) return `Peer ${peerName(rank)} built a network of ${r.parameters} values, this one ${own}: every peer must read the same training frame`;
    return null;
  };

  /** Reaches a lost peer again in the background until it is back with its data, or training ends. */
  const rejoin = async (rank: number) => {
    let said = ""; // a reason is logged once, not every second
    // Until training ends, or fails and its cluster is closed.
    while (!finished && !cluster.closed) {
      await sleep(o.rejoinRetryMs ?? 1000);
      if (finished || cluster.closed) return;
      const m = await cluster.reconnect(rank).catch(() => null);
      if (!m) continue; // not back yet
      if (!said) o.log(`[${clock()}] peer ${peerName(rank)} answers again: sending it the job`);
      const why = await m.send(M.JOB, jobFor(rank)).then(() => ready(m, rank, 10 * o.timeoutMs)).catch((e: Error) => e.message);
      if (why === null && !finished) {
        joining.set(rank, m);
        o.log(`[${clock()}] peer ${peerName(rank)} has its data; it joins at the next iteration boundary`);
        return;
      }
      await m.channel.close();
      if (why && why !== said) o.log(`[${clock()}] peer ${peerName(rank)} cannot rejoin yet: ${why}`);
      said = why ?? said;
    }
  };

  /** The model, where the run stands and the ring, for a peer that starts or rejoins at `round`. */
  const stateFor = (s: TrainingSession, values: Float64Array, round: number, ranks: number[], share: number) =>
    encodeState({ round, ranks, samples: s.samples, iteration: s.iteration, iterationSamples: share, distributionParams: { ...s.parts.net.distributionParams } }, values);

  /** At an iteration boundary: every peer that is back and ready joins the ring from the next round. */
  const admit = async (s: TrainingSession, values: Float64Array) => {
    const back = [...joining].filter(([rank, m]) => {
      if (!m.isClosed) return true;
      joining.delete(rank);
      void rejoin(rank); // gone again before its turn
      return false;
    });
    if (!back.length) return;
    const ranks = [...alive, ...back.map(([r]) => r)].sort((a, b) => a - b);
    const next = averager.round + REFORM_GAP;
    const share = shareAfterChange(s.iterationSamples, alive.length + 1, ranks.length + 1, perNode);
    const body = stateFor(s, values, next, [0, ...ranks], share);
    const sent = await Promise.all(back.map(([rank, m]) => m.send(M.STATE, body).then(() => rank, () => null)));
    const joined = sent.filter((r): r is number => r !== null);
    for (const [rank, m] of back) {
      joining.delete(rank);
      if (joined.includes(rank)) cluster.mailboxes[rank - 1] = m;
      else void rejoin(rank);
    }
    if (!joined.length) return;
    const old = alive;
    alive = [...alive, ...joined].sort((a, b) => a - b);
    await Promise.all(old.map((k) => box(k).send(M.REFORM, { round: next, ranks: [0, ...alive] }).catch(() => {})));
    averager.round = next - 1;
    const names = joined.map(peerName).join(", ");
    o.log(`[${clock()}] peer ${names} rejoined at iteration ${s.iteration}: sent the model (${values.length.toLocaleString("en-US")} values, ${s.samples} samples so far); the ring has ${alive.length + 1} peers from the next round`);
    note(s, `peer ${names} rejoined at iteration ${s.iteration}; training went on with ${alive.length + 1} peers`);
  };

  return {
    async start(s) {
      const p = s.plan.params;
      replicate = p.replicate_training_data !== false;
      perNode = p.train_samples_per_iteration === -1 && replicate;
      refit = !!s.plan.distribution.fitParams;
      const precision = s.parts.backend.precision === 64 ? 64 : 32;
      const T = samplesPerNode(p.train_samples_per_iteration as number, s.data.epochRows, p.epochs as number, n, replicate);
      averager = new Averager(precision, o.timeoutMs, p.train_samples_per_iteration === -2, p.target_ratio_comm_to_comp as number);
      s.iterationSamples = T;
      ring = [0, ...alive];
      useRows(s, { rank: 0, size: n, replicate });
      // A resumed run's position counted rows of another order: its shard starts a new pass.
      if (s.parts.resumedFrom && !replicate) s.pass++, s.cursor = 0;
      const addresses = ["", ...cluster.addresses];
      const params = jobParams(p);
      jobFor = (rank) => ({
        id, version: VERSION, rank, addresses, trainingFrame: o.trainingFrame, header: o.header, params, iterationSamples: T, replicate, precision, timeoutMs: o.timeoutMs, refitParams: refit,
      });
      own = (await flatState(s)).values.length;
      await Promise.all(cluster.mailboxes.map((m, i) => m.send(M.JOB, jobFor(i + 1))));
      const problems = await Promise.all(cluster.mailboxes.map((m, i) => ready(m, i + 1, 10 * o.timeoutMs)));
      const problem = problems.find((x) => x !== null);
      if (problem) throw new RangeError(problem);
      // Every peer starts from this model (the seed's, a checkpoint's, initial weights): one start for all.
      const { values } = await flatState(s);
      const body = stateFor(s, values, 1, ring, T);
      await Promise.all(cluster.mailboxes.map((m) => m.send(M.STATE, body)));
      const from = s.parts.resumedFrom ? `, from the checkpoint's ${s.samples} samples` : "";
      o.log(`[${clock()}] ${n} peers ready (${replicate ? "each on all rows" : "each on its shard"}, ${T} samples per peer per iteration${from})`);
      averager.begin(s);
    },

    async iteration(s) {
      const { values, unflatten } = await flatState(s);
      for (let restarted = false; ;) {
        const round = averager.round + 1;
        averager.round = round;
        let live = true;
        const ranks = [0, ...alive];
        const pos: RingPosition = ranks.length === 1 ? { rank: 0, size: 1, next: null, prev: null } : {
          rank: 0, size: ranks.length, next: box(ranks[1]).ring(round, () => live), prev: box(ranks[ranks.length - 1]).ring(round, () => live),
        };
        const t1 = performance.now();
        // The parameters refitted at the last scoring event (Huber's δ) go before the round's first
        // ring message, so a peer has them once the round has averaged; a failed send is a lost peer,
        // which the attempt finds.
        if (refit) {
          const msg: ParamsMessage = { round, distributionParams: { ...s.parts.net.distributionParams } };
          await Promise.all(alive.map((k) => box(k).send(M.PARAMS, msg).catch(() => {})));
        }
        const attempt = averager.attempt(s, pos, values);
        // Any peer's connection closing (kill -9 included) ends the attempt at once, not at the timeout.
        const lost = Promise.race(alive.map((r) => box(r).closed.then(() => r)));
        const r = await Promise.race([attempt.then((a) => ({ a }), (e: Error) => ({ e })), lost.then((rank) => ({ e: new PeerLostError(`peer ${rank} closed its connection`) }))]);
        if ("a" in r) {
          averager.apply(s, r.a, unflatten, performance.now() - t1, ranks.length);
          o.onRound?.(averager.stats[averager.stats.length - 1]);
          // The ring this round averaged over decides the rows and the share of the next iteration.
          if (ranks.join() !== ring.join()) {
            s.iterationSamples = shareAfterChange(s.iterationSamples, ring.length, ranks.length, perNode);
            reshard(s, { rank: 0, size: ranks.length, replicate });
            ring = ranks;
          }
          if (!s.stopping) await admit(s, r.a.mean);
          return;
        }
        live = false;
        attempt.catch(() => {});
        if (!(r.e instanceof PeerLostError)) throw r.e;
        o.log(`[${clock()}] averaging round ${round} failed: ${r.e.message}`);
        await sleep(200); // let the other connections' closes arrive
        const dead = alive.filter((k) => box(k).isClosed);
        if (!dead.length) {
          // Every peer is still connected here: a link between two of them broke mid-round, or the
          // network is partitioned. One fresh start of the round (links made again) settles the
          // first; a second failure is the second.
          if (restarted) throw new RangeError(`Averaging failed: ${r.e.message}; no peer closed its connection, so the ring cannot be re-formed: check the network between the peers`);
          restarted = true;
          const next = round + REFORM_GAP;
          o.log(`[${clock()}] no peer closed its connection: starting iteration ${s.iteration}'s averaging again on the same ring`);
          await Promise.all(alive.map((k) => box(k).send(M.REFORM, { round: next, ranks: [0, ...alive] }).catch(() => {})));
          averager.round = next - 1;
          continue;
        }
        alive = alive.filter((k) => !dead.includes(k));
        const names = dead.map(peerName).join(", ");
        o.log(`[${clock()}] lost peer ${names}; averaging iteration ${s.iteration} again over the ${alive.length + 1} that remain`);
        note(s, `peer ${names} was lost at iteration ${s.iteration}; training went on with ${alive.length + 1} peers`);
        for (const k of dead) void rejoin(k);
        // The re-formed ring starts at a round no attempt on the old ring can have reached, so its
        // stale messages are dropped by number, and every survivor starts it from this number.
        const next = round + REFORM_GAP;
        await Promise.all(alive.map((k) => box(k).send(M.REFORM, { round: next, ranks: [0, ...alive] }).catch(() => {})));
        averager.round = next - 1;
      }
    },

    async finish(s) {
      finished = true;
      await Promise.all([...alive.map(box), ...joining.values()].map((m) => m.send(M.STOP, { reason: s.status }).catch(() => {})));
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
  const skip = new Set(["model_id", "training_frame", "validation_frame", "checkpoint", "backend", "nthreads", "export_checkpoints_dir", "initial_weights", "initial_biases", "pretrained_autoencoder"]);
  return Object.fromEntries(Object.entries(p).filter(([k, v]) => !skip.has(k) && (!(k in specs) || JSON.stringify(v) !== JSON.stringify(specs[k].default))));
}
