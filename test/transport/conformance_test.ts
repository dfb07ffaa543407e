/**
 * The Transport contract and the averaging built on it, run on every built-in transport (memory,
 * and TCP on 127.0.0.1): messages keep their order; the ring average is exact for known inputs
 * and weights; a lost peer is an error within the timeout, and the survivors' second round is
 * the mean reweighted over them; peers with different models are told so.
 */
import { expect, test } from "bun:test";
import { PeerLostError, ringAverage } from "../../core/average.ts";
import type { Transport } from "../../core/transport.ts";
import { memoryTransport } from "../../plugins/transports/memory.ts";
import { tcpTransport } from "../../plugins/transports/tcp.ts";
import { makeRing } from "./_ring.ts";

let unique = 0;
const transports: [Transport, (i: number) => string][] = [
  [memoryTransport, (i) => `conformance-${unique}-${i}`],
  [tcpTransport({ secret: "conformance test secret", log: () => {} }), () => "127.0.0.1:0"],
];

/** Dyadic values and integer weights: every sum and the mean are exact in Float64 and Float32. */
const peerValues = (p: number, m: number) => Float64Array.from({ length: m }, (_, i) => ((i * 7 + p * 13) % 64) / 8 - 4);

for (const [t, addr] of transports) {
  test(`${t.name}: messages keep their order, both ways, sizes 0 … 70 000 bytes`, async () => {
    unique++;
    const ring = await makeRing(t, 2, addr);
    const [a, b] = [ring.channels[0], ring.channels[3]]; // peer 0 → peer 1, and peer 1's end of it
    const sizes = Array.from({ length: 120 }, (_, k) => (k * 7919) % 70_001);
    const msg = (k: number) => Uint8Array.from({ length: sizes[k] }, (_, i) => (i + k) & 255);
    await Promise.all([...sizes.keys()].map((k) => a.send(msg(k))));
    for (let k = 0; k < sizes.length; k++) expect(await b.recv()).toEqual(msg(k));
    await b.send(msg(5));
    expect(await a.recv()).toEqual(msg(5));
    await ring.close();
  });

  for (const precision of [64, 32] as const) {
    test(`${t.name}: ring average of 3 peers is the exact sample-weighted mean (Float${precision})`, async () => {
      unique++;
      const ring = await makeRing(t, 3, addr);
      const m = 1001, samples = [1, 2, 5];
      const out = await Promise.all(ring.positions.map((pos, p) => ringAverage(pos, peerValues(p, m), samples[p], { round: 1, precision })));
      const want = Float64Array.from({ length: m }, (_, i) => (1 * peerValues(0, m)[i] + 2 * peerValues(1, m)[i] + 5 * peerValues(2, m)[i]) / 8);
      for (const o of out) {
        expect(o.mean).toEqual(want);
        expect(o.samples).toBe(8);
        // Ring allreduce: each peer sends 2·(n−1)/n of the model, not all of it to one place.
        expect(o.bytesSent).toBeLessThan(2 * (m + 1) * (precision / 8) * (2 / 3) + 4 * 24 + precision);
      }
      await ring.close();
    });
  }

  test(`${t.name}: a lost peer is an error within the timeout; the survivors' next round is reweighted over them`, async () => {
    unique++;
    const ring = await makeRing(t, 3, addr);
    const m = 300;
    // Peer 2 dies before contributing: its neighbours must give up, not hang.
    await ring.channels[2].close(); // peer 2 → peer 0
    await ring.channels[4].close(); // peer 2's end of peer 1 → peer 2
    const t0 = performance.now();
    const r = await Promise.allSettled([0, 1].map((p) => ringAverage(ring.positions[p], peerValues(p, m), p + 1, { round: 1, timeoutMs: 400 })));
    for (const x of r) {
      expect(x.status).toBe("rejected");
      expect((x as PromiseRejectedResult).reason).toBeInstanceOf(PeerLostError);
    }
    expect(performance.now() - t0).toBeLessThan(3000);
    await ring.close();
    unique++;
    const survivors = await makeRing(t, 2, addr);
    const out = await Promise.all([0, 1].map((p) => ringAverage(survivors.positions[p], peerValues(p, m), p + 1, { round: 2 })));
    const want = Float64Array.from({ length: m }, (_, i) => (peerValues(0, m)[i] + 2 * peerValues(1, m)[i]) / 3);
    for (const o of out) expect(o.mean).toEqual(want);
    await survivors.close();
  });

  test(`${t.name}: peers with different models get a clear error, not a hang`, async () => {
    unique++;
    const ring = await makeRing(t, 2, addr);
    const r = await Promise.allSettled([ringAverage(ring.positions[0], new Float64Array(10), 1, { round: 1, timeoutMs: 1000 }), ringAverage(ring.positions[1], new Float64Array(12), 1, { round: 1, timeoutMs: 1000 })]);
    const reasons = r.map((x) => (x as PromiseRejectedResult).reason?.message ?? "");
    expect(reasons.some((s) => /models differ: this one has (10|12) values/.test(s))).toBe(true);
    await ring.close();
  });
}

test("no peer trained: the mean is the peer's own values", async () => {
  const v = Float64Array.of(1, 2, 3);
  const out = await ringAverage({ rank: 0, size: 1, next: null, prev: null }, v, 0, { round: 1 });
  expect(out.mean).toEqual(v);
});
