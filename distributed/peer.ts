/**
 * `tide peer`: a process that waits for a coordinator's training job, reads the training frame
 * from the path the job names, starts from the model the coordinator sends (at the start of the
 * run, or where it stands when this peer rejoins), trains its part, and averages with the other
 * peers at every iteration boundary until the coordinator says stop; then it waits for the next job.
 * @module
 */
import { PeerLostError, type RingLink, type RingPosition } from "../core/average.ts";
import type { Transport } from "../core/transport.ts";
import type { TrainingHook, TrainingSession } from "../core/train/session.ts";
import { importFile } from "../frame/import.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { VERSION } from "../version.ts";
import { decodeState, type Job, M, Mailbox, type ParamsMessage, parse } from "./protocol.ts";
import { Averager, flatState, reshard, shareAfterChange, useRows } from "./session.ts";

/** A running peer. */
export interface PeerServer {
  /** Where it listens (the port filled in when 0 was asked). */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * What a peer trains with, over the coordinator's parameters: the coordinator scores, stops and
 * keeps the model; a peer only trains until told to stop.
 */
const PEER_OVERRIDES = {
  epochs: 1e9, nfolds: 0, fold_column: null, validation_frame: null, export_checkpoints_dir: null, max_runtime_secs: 0,
  score_interval: 1e9, score_each_iteration: false, score_training_samples: 100, stopping_rounds: 0, classification_stop: -1, regression_stop: -1,
  overwrite_with_best_model: false, variable_importances: false, nthreads: -1, backend: "auto", model_id: null,
};

/** Starts a peer listening on `listen` ("0.0.0.0:7000"). */
export async function servePeer({ transport, listen, log, hooks = [] }: {
  transport: Transport;
  listen: string;
  log: (line: string) => void;
  /** More hooks for every job's training, after the peer's own (tests read the peer's state with them). */
  hooks?: readonly TrainingHook[];
}): Promise<PeerServer> {
  let busy: string | null = null;
  // Ring links from the previous peer arrive as their own connections, announced by HELLO.
  const incoming = new Map<string, Mailbox>();
  const arrived: (() => void)[] = [];
  let connections = 0;
  const closer = await transport.listen(listen, (ch) => {
    const mb = new Mailbox(ch, `connection ${++connections}`);
    mb.nextOf([M.JOB, M.HELLO], 60_000).then(async ({ type, body }) => {
      if (type === M.HELLO) {
        const h = parse<{ job: string; rank: number }>(body);
        incoming.set(`${h.job}/${h.rank}`, mb);
        for (const a of arrived.splice(0)) a();
        return;
      }
      const job = parse<Job>(body);
      // A job whose coordinator just went away ends within a training slice: wait for that, not longer.
      for (let waited = 0; busy && waited < 10_000; waited += 100) await new Promise((w) => setTimeout(w, 100));
      if (busy) return void mb.send(M.FAILED, { error: `this peer is busy with job ${busy}` }).catch(() => {});
      busy = job.id;
      try {
        log(`job ${job.id}: rank ${job.rank} of ${job.addresses.length}, reading ${job.trainingFrame}`);
        const ended = await runJob(job, mb, transport, async (rank) => {
          for (;;) {
            // A neighbour that rejoined connects anew: never hand out its dead connection.
            const m = incoming.get(`${job.id}/${rank}`);
            if (m && !m.isClosed) return m;
            await new Promise<void>((r) => arrived.push(r));
          }
        }, log, hooks);
        log(`job ${job.id}: ${ended}`);
      } catch (e) {
        log(`job ${job.id}: failed: ${(e as Error).message}`);
        await mb.send(M.FAILED, { error: (e as Error).message }).catch(() => {});
      } finally {
        busy = null;
        // Close the job's incoming ring links too, so a neighbour that goes on (this peer rejoining
        // the same job) sees them closed and connects anew.
        for (const [k, m] of [...incoming]) {
          if (!k.startsWith(`${job.id}/`)) continue;
          incoming.delete(k);
          await m.channel.close();
        }
      }
    }, () => void ch.close());
  });
  return { address: closer.address ?? listen, close: () => closer.close() };
}

/** The current ring, as the coordinator last formed it. */
interface Control {
  stop: boolean;
  /** The coordinator's connection closed. */
  orphaned: boolean;
  /** The round a re-formed ring starts at, and how many re-forms came. */
  round: number;
  reforms: number;
  ranks: number[];
  changed: Promise<void>;
}

/** Thrown from the start hook when the run ended before this peer got the model. */
class EndedBeforeStart extends Error {}

/** Runs one job to its end; says how it ended. */
async function runJob(
  job: Job, control: Mailbox, transport: Transport, fromRank: (rank: number) => Promise<Mailbox>, log: (line: string) => void, more: readonly TrainingHook[],
): Promise<string> {
  if (job.version !== VERSION) throw new RangeError(`this peer runs Tide ${VERSION} and the coordinator ${job.version}: install the same version on every peer`);
  const frame = await importFile(job.trainingFrame, { header: job.header });
  const size = job.addresses.length;
  // Follow STOP and REFORM from the coordinator for the whole job.
  let wake!: () => void;
  const ctl: Control = { stop: false, orphaned: false, round: 1, reforms: 0, ranks: [...job.addresses.keys()], changed: new Promise((r) => (wake = r)) };
  const notify = () => {
    const w = wake;
    ctl.changed = new Promise((r) => (wake = r));
    w();
  };
  // Training stops within a slice when the coordinator is gone, so this peer is free for the next job.
  const abort = new AbortController();
  (async () => {
    for (;;) {
      const { type, body } = await control.nextOf([M.STOP, M.REFORM]);
      if (type === M.STOP) ctl.stop = true;
      else {
        const r = parse<{ round: number; ranks: number[] }>(body);
        ctl.round = r.round;
        ctl.ranks = r.ranks;
        ctl.reforms++;
        log(`job ${job.id}: the ring is now ranks ${r.ranks.join(", ")} from round ${r.round}`);
      }
      notify();
      if (ctl.stop) return;
    }
  })().catch(() => {
    ctl.stop = ctl.orphaned = true; // the coordinator is gone: nobody will use what this peer trains
    notify();
    abort.abort();
  });

  const nextLinks = new Map<number, Mailbox>();
  const linkTo = async (rank: number): Promise<Mailbox> => {
    if (rank === 0) return control;
    let m = nextLinks.get(rank);
    if (!m || m.isClosed) { // first use, or the peer there was lost and came back
      const name = `peer ${rank} (${job.addresses[rank]})`;
      m = new Mailbox(await transport.connect(job.addresses[rank]).catch((e: Error) => {
        throw new PeerLostError(`Lost ${name}: ${e.message}`);
      }), name);
      await m.send(M.HELLO, { job: job.id, rank: job.rank });
      nextLinks.set(rank, m);
    }
    return m;
  };
  const ringFor = async (round: number, live: () => boolean): Promise<RingPosition> => {
    const ranks = ctl.ranks, i = ranks.indexOf(job.rank), k = ranks.length;
    if (i < 0) throw new PeerLostError("the coordinator dropped this peer from the ring");
    const next = await linkTo(ranks[(i + 1) % k]);
    const prevRank = ranks[(i - 1 + k) % k];
    const prev = prevRank === 0 ? control : await fromRank(prevRank);
    const link = (m: Mailbox): RingLink => m.ring(round, live);
    return { rank: i, size: k, next: link(next), prev: link(prev) };
  };

  let reforms = 0;
  let ring: number[] = []; // the ranks this peer's rows and share were set for
  const perNode = job.params.train_samples_per_iteration === -1 && job.replicate;
  const averager = new Averager(job.precision, 24 * 3600 * 1000, job.params.train_samples_per_iteration === -2, job.params.target_ratio_comm_to_comp as number);
  /** The distribution parameters the coordinator fitted (Huber's δ): the ones this peer trains with. */
  let theirs: Record<string, number> = {};
  /** After round `round` averaged: the coordinator's parameters that went before it. */
  const takeParams = async (s: TrainingSession, round: number) => {
    for (;;) {
      // Sent before the round's first ring message, so it is here or on its way; a closed
      // connection (the coordinator gone) is the control loop's to handle.
      const body = await control.next(M.PARAMS, job.timeoutMs).catch((e: Error) => {
        if (!control.isClosed) log(`job ${job.id}: no distribution parameters came with round ${round}: ${e.message}`);
        return null;
      });
      if (!body) return;
      const p = parse<ParamsMessage>(body);
      if (p.round < round) continue; // an abandoned attempt's
      if (p.round > round) return void control.unshift(M.PARAMS, body);
      theirs = { ...p.distributionParams };
      Object.assign(s.parts.net.distributionParams, theirs);
      return;
    }
  };
  const hook: TrainingHook = {
    async start(s) {
      const { values: mine, unflatten } = await flatState(s);
      await control.send(M.READY, { parameters: mine.length, rows: s.data.usable.length });
      // The model to start from: at the start of the run, or where it stands when this peer rejoins.
      const state = control.next(M.STATE); // one reader, so a message never goes to an abandoned one
      state.catch(() => {});
      let got: Uint8Array | null = null;
      while (!got && !ctl.stop) got = await Promise.race([state, ctl.changed.then(() => null)]);
      if (!got) throw new EndedBeforeStart();
      const { header: h, values } = decodeState(got);
      if (values.length !== mine.length) throw new RangeError(`the coordinator sent a model of ${values.length} values for a network of ${mine.length}`);
      s.writeState(unflatten(values));
      s.samples = h.samples;
      s.iteration = h.iteration;
      s.iterationSamples = h.iterationSamples;
      theirs = { ...h.distributionParams };
      Object.assign(s.parts.net.distributionParams, theirs);
      ctl.round = h.round;
      ctl.ranks = [...h.ranks];
      ctl.reforms++;
      ring = [...h.ranks];
      // Replicated data: this peer's own shuffle for the whole run; shards: its part of this ring.
      useRows(s, job.replicate ? { rank: job.rank, size, replicate: true } : { rank: ring.indexOf(job.rank), size: ring.length, replicate: false });
      if (h.round > 1) log(`job ${job.id}: joined at iteration ${h.iteration} (${h.samples} samples so far), ring ranks ${ring.join(", ")}`);
      averager.begin(s);
    },
    async iteration(s) {
      const { values, unflatten } = await flatState(s);
      for (let retry = false; ; retry = true) {
        if (ctl.stop) {
          // The run is over (this iteration's average may be dropped): the last parameters sent,
          // all ahead of STOP on the control channel, are still this peer's.
          for (let b = control.poll(M.PARAMS); b; b = control.poll(M.PARAMS)) theirs = { ...parse<ParamsMessage>(b).distributionParams };
          Object.assign(s.parts.net.distributionParams, theirs);
          return s.stop("completed");
        }
        // After a re-form, exactly the coordinator's round; a retry on the same ring, the same round; else the next one.
        const round = reforms !== ctl.reforms ? ctl.round : retry ? averager.round : averager.round + 1;
        reforms = ctl.reforms;
        averager.round = round;
        let live = true;
        const changed = ctl.changed;
        const ranks = ctl.ranks;
        const t0 = performance.now();
        const attempt = ringFor(round, () => live).then((pos) => averager.attempt(s, pos, values));
        const r = await Promise.race([attempt.then((a) => ({ a }), (e: Error) => ({ e })), changed.then(() => null)]);
        if (r && "a" in r) {
          averager.apply(s, r.a, unflatten, performance.now() - t0, ranks.length);
          // The ring this round averaged over decides the rows and the share of the next iteration.
          if (ranks.join() !== ring.join()) {
            s.iterationSamples = shareAfterChange(s.iterationSamples, ring.length, ranks.length, perNode);
            reshard(s, { rank: ranks.indexOf(job.rank), size: ranks.length, replicate: job.replicate });
            ring = [...ranks];
          }
          if (job.refitParams) await takeParams(s, round);
          return;
        }
        live = false;
        attempt.catch(() => {});
        if (r && "e" in r) {
          if (!(r.e instanceof PeerLostError)) throw r.e; // a mismatch: nothing to retry
          // A link failed: the coordinator re-forms the ring if a peer is lost; a link that broke
          // while both ends live (a neighbour that rejoined) is made again by the retry.
          await Promise.race([changed, new Promise((w) => setTimeout(w, 250))]);
        }
      }
    },
    // This peer's own scoring (its first iteration, its last) refits the parameters from its small
    // sample (derivedParamsHook, which runs first): the coordinator's stay the ones it trains with.
    scored(s) {
      Object.assign(s.parts.net.distributionParams, theirs);
    },
  };
  try {
    await new DeepLearning({ ...job.params, ...PEER_OVERRIDES }).train({ y: job.params.response_column as string, training_frame: frame, hooks: [hook, ...more], signal: abort.signal });
    return ctl.orphaned ? "the coordinator is gone; job dropped" : "done";
  } catch (e) {
    if (e instanceof EndedBeforeStart || (ctl.stop && (e as Error).name === "AbortError")) {
      return ctl.orphaned ? "the coordinator is gone; job dropped" : "the run ended before this peer rejoined";
    }
    throw e;
  } finally {
    for (const m of nextLinks.values()) await m.channel.close();
  }
}
