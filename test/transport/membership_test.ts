/**
 * Membership change on every built-in transport (memory, and TCP on 127.0.0.1): three members
 * average; one is lost (its connections close) and the survivors' next round is the mean over
 * them; it comes back on the same address, is sent the model over a new authenticated channel,
 * and the round after that is the exact sample-weighted mean over all three again, its
 * contribution weighted by what it trained since it rejoined. Also: the shards of any ring split
 * the rows, and the per-member share keeps the cluster's iteration size.
 */
import { expect, test } from "bun:test";
import { channelLink, PeerLostError, ringAverage, type RingPosition } from "../../core/average.ts";
import type { Channel, Closer, Transport } from "../../core/transport.ts";
import { decodeState, encodeState } from "../../distributed/protocol.ts";
import { reshard, shareAfterChange, useRows } from "../../distributed/session.ts";
import type { TrainingSession } from "../../core/train/session.ts";
import { memoryTransport } from "../../plugins/transports/memory.ts";
import { tcpTransport } from "../../plugins/transports/tcp.ts";

let unique = 0;
const transports: [Transport, (i: number) => string][] = [
  [memoryTransport, (i) => `membership-${unique}-${i}`],
  [tcpTransport({ secret: "membership test secret", log: () => {} }), () => "127.0.0.1:0"],
];

/** Dyadic values: every weighted sum below is exact in Float64. */
const values = (p: number, m: number, shift = 0) => Float64Array.from({ length: m }, (_, i) => ((i * 5 + p * 11 + shift) % 32) / 4 - 4);

/** A member: listens on its address; each ring formation hands it the channel its predecessor opened. */
class Member {
  readonly inbox: Channel[] = [];
  readonly #waiting: ((c: Channel) => void)[] = [];
  listener!: Closer;
  address = "";
  async listen(t: Transport, addr: string): Promise<void> {
    this.listener = await t.listen(addr, (c) => {
      const w = this.#waiting.shift();
      if (w) w(c);
      else this.inbox.push(c);
    });
    this.address = this.listener.address ?? addr;
  }
  accept(): Promise<Channel> {
    return this.inbox.length ? Promise.resolve(this.inbox.shift()!) : new Promise((r) => this.#waiting.push(r));
  }
}

/** The ring over `members` (in this order): each connects to the next. */
async function ring(t: Transport, members: Member[]): Promise<{ positions: RingPosition[]; channels: Channel[] }> {
  const n = members.length;
  const next = await Promise.all(members.map((_, i) => t.connect(members[(i + 1) % n].address)));
  const prev = await Promise.all(members.map((m) => m.accept()));
  return {
    positions: members.map((_, i) => ({ rank: i, size: n, next: channelLink(next[i], `member ${(i + 1) % n}`), prev: channelLink(prev[i], `member ${(i - 1 + n) % n}`) })),
    channels: [...next, ...prev],
  };
}

for (const [t, addr] of transports) {
  test(`${t.name}: a member lost, the survivors reweighted, the member back on its address is sent the model and counted again`, async () => {
    unique++;
    const m = 257;
    const members = [new Member(), new Member(), new Member()];
    for (const [i, mb] of members.entries()) await mb.listen(t, addr(i));
    // Round 1: all three, weights 1, 2, 5.
    const r1 = await ring(t, members);
    const out1 = await Promise.all(r1.positions.map((pos, p) => ringAverage(pos, values(p, m), [1, 2, 5][p], { round: 1 })));
    const mean1 = Float64Array.from({ length: m }, (_, i) => (values(0, m)[i] + 2 * values(1, m)[i] + 5 * values(2, m)[i]) / 8);
    for (const o of out1) expect(o.mean).toEqual(mean1);

    // Member 2 dies (its listener and every connection close): the next round fails for the others, in time.
    for (const c of [r1.channels[2], r1.channels[1], r1.channels[5]]) await c.close(); // its own two ends, and 1 → 2
    await members[2].listener.close();
    const failed = await Promise.allSettled([0, 1].map((p) => ringAverage(r1.positions[p], values(p, m, 1), 1, { round: 2, timeoutMs: 400 })));
    for (const f of failed) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(PeerLostError);
    for (const c of r1.channels) await c.close();

    // The survivors re-form and average the same iteration again: the mean over them alone.
    const r2 = await ring(t, members.slice(0, 2));
    const out2 = await Promise.all([0, 1].map((p) => ringAverage(r2.positions[p], values(p, m, 1), [3, 1][p], { round: 2 + 65_536 })));
    const mean2 = Float64Array.from({ length: m }, (_, i) => (3 * values(0, m, 1)[i] + values(1, m, 1)[i]) / 4);
    for (const o of out2) expect(o.mean).toEqual(mean2);
    expect(out2[0].samples).toBe(4);

    // Member 2 comes back on the same address; member 0 reaches it on a new channel and sends the model.
    const back = new Member();
    await back.listen(t, members[2].address);
    expect(back.address).toBe(members[2].address);
    const control = await t.connect(back.address);
    const header = { round: 2 + 2 * 65_536, ranks: [0, 1, 2], samples: 4, iteration: 2, iterationSamples: 7, distributionParams: {} };
    await control.send(encodeState(header, out2[0].mean));
    const got = decodeState((await (await back.accept()).recv())!);
    expect(got.header).toEqual(header);
    expect(got.values).toEqual(mean2);

    // Next round over all three: the rejoined member contributes what it trained from the model it was sent.
    for (const c of r2.channels) await c.close();
    const r3 = await ring(t, [members[0], members[1], back]);
    const mine = [values(0, m, 2), values(1, m, 2), Float64Array.from(got.values, (v, i) => v + (i % 4) / 8)];
    const out3 = await Promise.all(r3.positions.map((pos, p) => ringAverage(pos, mine[p], [2, 1, 1][p], { round: header.round })));
    const mean3 = Float64Array.from({ length: m }, (_, i) => (2 * mine[0][i] + mine[1][i] + mine[2][i]) / 4);
    for (const o of out3) {
      expect(o.mean).toEqual(mean3);
      expect(o.samples).toBe(4);
    }
    for (const c of [...r3.channels, control]) await c.close();
    for (const mb of [members[0], members[1], back]) await mb.listener.close();
  });
}

test("the shards of every ring split the rows, none twice; a change starts a new pass; the share keeps the cluster's iteration", () => {
  const U = 103;
  const session = () => ({ data: { usable: { length: U } }, parts: { net: { seed: [5, 9] } }, rowOrder: null, pass: 4, cursor: 17 }) as unknown as TrainingSession;
  for (const size of [1, 2, 3, 4]) {
    const seen = new Int32Array(U);
    for (let rank = 0; rank < size; rank++) {
      const s = session();
      useRows(s, { rank, size, replicate: false });
      const rows = s.rowOrder ? s.rowOrder(3) : Int32Array.from({ length: U }, (_, i) => i);
      for (const r of rows) seen[r]++;
    }
    expect([...seen].every((c) => c === 1)).toBe(true);
  }
  const s = session();
  reshard(s, { rank: 1, size: 2, replicate: false });
  expect([s.pass, s.cursor]).toEqual([5, 0]);
  expect(s.rowOrder!(5).length).toBe(51);
  const r = session();
  reshard(r, { rank: 1, size: 2, replicate: true }); // replicated data: nothing moves
  expect([r.pass, r.cursor, r.rowOrder]).toEqual([4, 17, null]);
  expect(shareAfterChange(100, 3, 2, false)).toBe(150);
  expect(shareAfterChange(150, 2, 3, false)).toBe(100);
  expect(shareAfterChange(120, 3, 2, true)).toBe(120); // −1 on replicated data: a full pass each
});
