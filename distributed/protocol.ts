/**
 * The peer-averaging protocol's messages, on top of a Transport's channels (docs/distributed.md).
 * A message is one type byte and a body: JSON for control, raw bytes for the ring allreduce. A
 * {@linkcode Mailbox} reads one channel and hands out messages by type, so the coordinator's
 * control channel to a peer can also be a ring link.
 * @module
 */
import { PeerLostError, type RingLink, withTimeout } from "../core/average.ts";
import type { Channel } from "../core/transport.ts";

/** Message types. */
export const M = {
  /** coordinator → peer: the training job (JSON {@linkcode Job}). */
  JOB: 1,
  /** peer → coordinator: data loaded, ring link made ({ parameters, rows }). */
  READY: 2,
  /** ring allreduce traffic (core/average.ts). */
  RING: 3,
  /** coordinator → peer: training is over ({ reason }). */
  STOP: 4,
  /** peer → coordinator: the job failed ({ error }). */
  FAILED: 5,
  /** a peer's ring link to the next peer announces itself ({ job, rank }). */
  HELLO: 6,
  /** coordinator → peers: the ring after a loss or a rejoin ({ round, ranks, iterationSamples }). */
  REFORM: 7,
  /**
   * coordinator → peer: the model to train from, at the start or when the peer (re)joins at an
   * iteration boundary: a {@linkcode StateHeader} and every parameter and optimizer slot (Float64).
   */
  STATE: 8,
  /**
   * coordinator → peer, before every averaging round of a run whose distribution refits parameters
   * at scoring (Huber's δ): the coordinator's current values ({@linkcode ParamsMessage}); the peer
   * applies them once that round has averaged, before its next iteration.
   */
  PARAMS: 9,
} as const;

/** A PARAMS body: the round it goes with, and every refitted distribution parameter. */
export interface ParamsMessage {
  readonly round: number;
  readonly distributionParams: Record<string, number>;
}

/** What comes with the model in a STATE message: where the run stands and the ring to join. */
export interface StateHeader {
  /** The averaging round this peer takes part in first, and the ring's ranks from then on. */
  readonly round: number;
  readonly ranks: readonly number[];
  /** The cluster's sample and iteration counters (checkpoints included). */
  readonly samples: number;
  readonly iteration: number;
  /** Samples this peer trains per iteration from now on. */
  readonly iterationSamples: number;
  /** Distribution parameters fitted so far (Huber's δ …). */
  readonly distributionParams: Record<string, number>;
}

/** A STATE body: header length (u32), the header as JSON, padding to 8 bytes, the values. */
export function encodeState(h: StateHeader, values: Float64Array): Uint8Array {
  const json = enc.encode(JSON.stringify(h));
  const at = Math.ceil((4 + json.length) / 8) * 8;
  const out = new Uint8Array(at + values.length * 8);
  new DataView(out.buffer).setUint32(0, json.length);
  out.set(json, 4);
  const dv = new DataView(out.buffer, at);
  for (let i = 0; i < values.length; i++) dv.setFloat64(8 * i, values[i], true);
  return out;
}

/** The header and values of a STATE body; RangeError when it is not one. */
export function decodeState(b: Uint8Array): { header: StateHeader; values: Float64Array } {
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const n = b.length >= 4 ? dv.getUint32(0) : Infinity;
  const at = Math.ceil((4 + n) / 8) * 8;
  if (at > b.length || (b.length - at) % 8 !== 0) throw new RangeError(`A model message of ${b.length} bytes is malformed`);
  const header = JSON.parse(dec.decode(b.subarray(4, 4 + n))) as StateHeader;
  const values = new Float64Array((b.length - at) / 8);
  for (let i = 0; i < values.length; i++) values[i] = dv.getFloat64(at + 8 * i, true);
  return { header, values };
}

/** What the coordinator sends each peer. */
export interface Job {
  readonly id: string;
  /** Tide's version: peers of another version refuse the job. */
  readonly version: string;
  readonly rank: number;
  /** Every participant's address, by rank (rank 0, the coordinator, has none: ""). */
  readonly addresses: readonly string[];
  /** The training frame's path, as the peer can read it; header option. */
  readonly trainingFrame: string;
  readonly header: boolean | "auto";
  /** The coordinator's actual parameters (seed resolved, columns chosen). */
  readonly params: Record<string, unknown>;
  /** Samples each peer trains per iteration. */
  readonly iterationSamples: number;
  /** Every peer trains on all rows (its own shuffle) or on its shard. */
  readonly replicate: boolean;
  readonly precision: 32 | 64;
  readonly timeoutMs: number;
  /** The distribution refits parameters at scoring: a PARAMS message comes before every round. */
  readonly refitParams?: boolean;
}

const enc = new TextEncoder(), dec = new TextDecoder();

/** A typed message. */
export function message(type: number, body: unknown | Uint8Array): Uint8Array {
  const bytes = body instanceof Uint8Array ? body : enc.encode(JSON.stringify(body));
  const out = new Uint8Array(1 + bytes.length);
  out[0] = type;
  out.set(bytes, 1);
  return out;
}

/** Reads one channel in the background and sorts its messages by type. */
export class Mailbox {
  readonly #queues = new Map<number, Uint8Array[]>();
  readonly #waiting = new Map<number, ((m: Uint8Array | null) => void)[]>();
  #closed = false;
  readonly closed: Promise<void>;

  constructor(readonly channel: Channel, readonly name: string) {
    this.closed = (async () => {
      for (let m = await channel.recv(); m; m = await channel.recv()) {
        if (m.length === 0) continue;
        const w = this.#waiting.get(m[0])?.shift();
        if (w) w(m.subarray(1));
        else this.#queue(m[0]).push(m.subarray(1));
      }
      this.#closed = true;
      for (const ws of this.#waiting.values()) for (const w of [...ws]) w(null);
    })();
  }

  #queue(type: number): Uint8Array[] {
    let q = this.#queues.get(type);
    if (!q) this.#queues.set(type, (q = []));
    return q;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** A message of `type` waiting already, or null. */
  poll(type: number): Uint8Array | null {
    return this.#queue(type).shift() ?? null;
  }

  /** The next message of `type`; PeerLostError when the channel closes or nothing comes in time. */
  async next(type: number, timeoutMs = Infinity): Promise<Uint8Array> {
    return (await this.nextOf([type], timeoutMs)).body;
  }

  /** The next message of any of `types` (the first queued one, else the first to arrive). */
  nextOf(types: readonly number[], timeoutMs = Infinity): Promise<{ type: number; body: Uint8Array }> {
    for (const t of types) {
      const q = this.#queue(t);
      if (q.length) return Promise.resolve({ type: t, body: q.shift()! });
    }
    if (this.#closed) return Promise.reject(new PeerLostError(`Lost ${this.name}: the connection closed`));
    const ws: [number, (m: Uint8Array | null) => void][] = [];
    const drop = () => {
      for (const [t, w] of ws) {
        const list = this.#waiting.get(t)!, i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1); // a reader that gave up must not swallow a later message
      }
    };
    const p = new Promise<{ type: number; body: Uint8Array }>((resolve, reject) => {
      for (const t of types) {
        const w = (m: Uint8Array | null) => {
          drop();
          if (m) resolve({ type: t, body: m });
          else reject(new PeerLostError(`Lost ${this.name}: the connection closed`));
        };
        let list = this.#waiting.get(t);
        if (!list) this.#waiting.set(t, (list = []));
        list.push(w);
        ws.push([t, w]);
      }
    });
    if (!Number.isFinite(timeoutMs)) return p;
    return withTimeout(p, timeoutMs, this.name).catch((e) => {
      drop();
      throw e;
    });
  }

  /** Puts a message back at the front of its queue (a reader that gave up after receiving it). */
  unshift(type: number, m: Uint8Array): void {
    const w = this.#waiting.get(type)?.shift();
    if (w) w(m);
    else this.#queue(type).unshift(m);
  }

  /** The next JSON message of `type`. */
  async json<T>(type: number, timeoutMs: number): Promise<T> {
    return JSON.parse(dec.decode(await this.next(type, timeoutMs))) as T;
  }

  send(type: number, body: unknown | Uint8Array): Promise<void> {
    return this.channel.send(message(type, body)).catch((e) => {
      throw new PeerLostError(`Lost ${this.name}: ${(e as Error).message}`);
    });
  }

  /**
   * This channel as a ring link for averaging round `round` and later: messages of earlier rounds
   * (an attempt abandoned after a loss) are dropped; a later round's message, or any once
   * `live()` is false, is given back and the link stops, so an abandoned attempt never takes a
   * message of the attempt that replaced it.
   */
  ring(round: number, live: () => boolean = () => true): RingLink {
    return {
      send: (m) => this.send(M.RING, m),
      recv: async (ms) => {
        for (;;) {
          const m = await this.next(M.RING, ms);
          const r = m.length >= 4 ? new DataView(m.buffer, m.byteOffset, 4).getUint32(0) : round;
          if (r < round) continue;
          // A later round's message belongs to the attempt that replaces this one: give it back.
          if (r > round || !live()) {
            this.unshift(M.RING, m);
            throw new PeerLostError("The averaging attempt was abandoned");
          }
          return m;
        }
      },
    };
  }
}

/** A JSON body. */
export function parse<T>(b: Uint8Array): T {
  return JSON.parse(dec.decode(b)) as T;
}
