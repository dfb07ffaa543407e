/**
 * Builds rings of peers over a transport for the averaging tests: peer i listens, connects to
 * peer i + 1, and receives from peer i − 1 on the channel that peer opened.
 * @module
 */
import { channelLink, type RingPosition } from "../../core/average.ts";
import type { Channel, Closer, Transport } from "../../core/transport.ts";

export interface TestRing {
  readonly positions: RingPosition[];
  readonly channels: Channel[];
  close(): Promise<void>;
}

/** `size` peers in a ring; `addr(i)` is where peer i listens ("127.0.0.1:0" picks a port for TCP). */
export async function makeRing(t: Transport, size: number, addr: (i: number) => string): Promise<TestRing> {
  const incoming: Promise<Channel>[] = [];
  const resolvers: ((c: Channel) => void)[] = [];
  const listeners: Closer[] = [];
  const addrs: string[] = [];
  for (let i = 0; i < size; i++) {
    incoming.push(new Promise((r) => resolvers.push(r)));
    const l = await t.listen(addr(i), (ch) => resolvers[i](ch));
    listeners.push(l);
    addrs.push(l.address ?? addr(i));
  }
  const outgoing = await Promise.all(addrs.map((_, i) => t.connect(addrs[(i + 1) % size])));
  const prevs = await Promise.all(incoming);
  const positions = outgoing.map((next, i): RingPosition => ({
    rank: i, size, next: channelLink(next, `peer ${(i + 1) % size}`), prev: channelLink(prevs[i], `peer ${(i - 1 + size) % size}`),
  }));
  const channels = [...outgoing, ...prevs];
  return {
    positions, channels,
    close: async () => {
      for (const c of channels) await c.close();
      for (const l of listeners) await l.close();
    },
  };
}
