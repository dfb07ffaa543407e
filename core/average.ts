/**
 * Model averaging between peers (booklet §5.2.3): every peer contributes its parameters and the
 * samples it trained since the last average; every peer gets back the sample-weighted mean, over
 * a ring allreduce (reduce-scatter, then all-gather), so each peer sends and receives about twice
 * the model's size whatever the number of peers, and no peer receives everything.
 *
 * It moves bytes through any {@linkcode Channel} of a Transport (core/transport.ts); a lost or
 * silent neighbour is an error after `timeoutMs`, never a hang, and the caller can run the round
 * again among the survivors: their contributions are untouched, so the mean is reweighted over
 * the peers that remain.
 * @module
 */
import type { Channel } from "./transport.ts";

/** One direction of the ring as the allreduce sees it. */
export interface RingLink {
  send(msg: Uint8Array): Promise<void>;
  /** The next message; rejects when the link closed or nothing came within `timeoutMs`. */
  recv(timeoutMs: number): Promise<Uint8Array>;
}

/**
 * A peer was lost (closed, timed out) or spoke out of turn: the round cannot finish as it is.
 * A RangeError: a condition of the machines and network, reported plainly, not a bug.
 */
export class PeerLostError extends RangeError {
  override name = "PeerLostError";
}

/** A {@linkcode RingLink} over a Channel, named for error messages. */
export function channelLink(ch: Channel, name: string): RingLink {
  return {
    send: (m) => ch.send(m).catch((e) => {
      throw new PeerLostError(`Lost ${name}: ${(e as Error).message}`);
    }),
    recv: (timeoutMs) => withTimeout(ch.recv(), timeoutMs, name).then((m) => {
      if (m === null) throw new PeerLostError(`Lost ${name}: the connection closed`);
      return m;
    }),
  };
}

/** `p`, or a PeerLostError after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new PeerLostError(`Lost ${name}: nothing arrived within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Where this peer stands in the ring and how it reaches its neighbours. */
export interface RingPosition {
  /** This peer's place, 0 … size − 1. */
  readonly rank: number;
  readonly size: number;
  /** To the peer at rank + 1 (mod size), and from the peer at rank − 1. */
  readonly next: RingLink | null;
  readonly prev: RingLink | null;
}

/** The result of one averaging round. */
export interface Averaged {
  /** The sample-weighted mean of every peer's values (the input when no peer trained). */
  readonly mean: Float64Array;
  /** Σ samples over the peers. */
  readonly samples: number;
  /** Bytes this peer sent. */
  readonly bytesSent: number;
}

const LITTLE = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;
const HEAD = 24; // round u32, phase u8, pad, step u16, chunk u32, values u32, offset u32, count u32

/**
 * Sample-weighted mean of `values` across the ring. `round` numbers the averaging (every peer
 * passes the same one); `precision` 32 sends Float32 (the SIMD backend's own precision), 64 sends
 * Float64 (exact for the reference backend). Throws PeerLostError when a neighbour is lost or
 * late, and RangeError when the peers' models differ in size.
 */
export async function ringAverage(
  ring: RingPosition, values: ArrayLike<number>, samples: number,
  { round, precision = 64, timeoutMs = 30_000 }: { round: number; precision?: 32 | 64; timeoutMs?: number },
): Promise<Averaged> {
  const m = values.length, n = ring.size;
  // The weighted sum and the weight travel together: element m is the samples.
  const x = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) x[i] = values[i] * samples;
  x[m] = samples;
  let bytesSent = 0;
  if (n > 1) {
    if (!ring.next || !ring.prev) throw new RangeError("A ring of more than one peer needs both neighbours");
    const bounds = (c: number) => [Math.floor((c * (m + 1)) / n), Math.floor(((c + 1) * (m + 1)) / n)];
    const mod = (a: number) => ((a % n) + n) % n;
    // A message of a later step of this round may overtake (a link shared with control traffic
    // delivers in order, but an abandoned attempt's reader can hand one back late): keep it.
    const early = new Map<number, ReturnType<typeof decode>>();
    const receive = async (phase: number, step: number) => {
      const key = phase * 65536 + step;
      for (;;) {
        const kept = early.get(key);
        if (kept) {
          early.delete(key);
          return kept;
        }
        const d = decode(await ring.prev!.recv(timeoutMs), precision);
        if (d.round === round && d.phase * 65536 + d.step > key) early.set(d.phase * 65536 + d.step, d);
        else return d;
      }
    };
    const exchange = async (phase: number, step: number, sendChunk: number, recvChunk: number, add: boolean) => {
      const [s0, s1] = bounds(sendChunk);
      const msg = encode(round, phase, step, sendChunk, m, s0, x.subarray(s0, s1), precision);
      bytesSent += msg.length;
      const [d] = await Promise.all([receive(phase, step), ring.next!.send(msg)]);
      if (d.values !== m) throw new RangeError(`The peers' models differ: this one has ${m} values, its ring neighbour ${d.values}; every peer must train the same network`);
      const [r0, r1] = bounds(recvChunk);
      if (d.round !== round || d.phase !== phase || d.step !== step || d.chunk !== recvChunk || d.offset !== r0 || d.data.length !== r1 - r0) {
        throw new PeerLostError(`A ring neighbour is out of step (round ${d.round} phase ${d.phase} step ${d.step}, expected round ${round} phase ${phase} step ${step})`);
      }
      if (add) for (let i = 0; i < d.data.length; i++) x[r0 + i] += d.data[i];
      else x.set(d.data, r0);
    };
    for (let s = 0; s < n - 1; s++) await exchange(0, s, mod(ring.rank - s), mod(ring.rank - s - 1), true);
    for (let s = 0; s < n - 1; s++) await exchange(1, s, mod(ring.rank + 1 - s), mod(ring.rank - s), false);
  }
  const total = x[m];
  const mean = new Float64Array(m);
  if (total > 0) for (let i = 0; i < m; i++) mean[i] = x[i] / total;
  else for (let i = 0; i < m; i++) mean[i] = values[i];
  return { mean, samples: total, bytesSent };
}

function encode(round: number, phase: number, step: number, chunk: number, values: number, offset: number, data: Float64Array, precision: 32 | 64): Uint8Array {
  const out = new Uint8Array(HEAD + data.length * (precision / 8));
  const v = new DataView(out.buffer);
  v.setUint32(0, round);
  v.setUint8(4, phase);
  v.setUint16(6, step);
  v.setUint32(8, chunk);
  v.setUint32(12, values);
  v.setUint32(16, offset);
  v.setUint32(20, data.length);
  // With Float32 the sample counts (the last element, summed) stay exact up to 2^24 per round.
  // Values travel little-endian; typed-array copies are that on every host Tide runs on.
  if (LITTLE) (precision === 64 ? new Float64Array(out.buffer, HEAD, data.length) : new Float32Array(out.buffer, HEAD, data.length)).set(data);
  else {
    for (let i = 0; i < data.length; i++) {
      if (precision === 64) v.setFloat64(HEAD + 8 * i, data[i], true);
      else v.setFloat32(HEAD + 4 * i, data[i], true);
    }
  }
  return out;
}

function decode(b: Uint8Array, precision: 32 | 64) {
  if (b.length < HEAD) throw new PeerLostError(`A ring message of ${b.length} bytes is too short`);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const count = v.getUint32(20);
  if (b.length !== HEAD + count * (precision / 8)) throw new RangeError(`A ring message holds ${b.length - HEAD} bytes for ${count} values: the peers use different precisions`);
  let data: Float64Array;
  if (LITTLE) {
    const bytes = b.slice(HEAD); // aligned copy
    data = precision === 64 ? new Float64Array(bytes.buffer, 0, count) : Float64Array.from(new Float32Array(bytes.buffer, 0, count));
  } else {
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = precision === 64 ? v.getFloat64(HEAD + 8 * i, true) : v.getFloat32(HEAD + 4 * i, true);
  }
  return { round: v.getUint32(0), phase: v.getUint8(4), step: v.getUint16(6), chunk: v.getUint32(8), values: v.getUint32(12), offset: v.getUint32(16), data };
}
