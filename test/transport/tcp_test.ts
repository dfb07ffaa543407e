/**
 * The TCP transport's defences, on 127.0.0.1: a wrong secret is refused both ways; garbage, a
 * wrong protocol version, an oversized frame, a bad CRC and data before authentication each close
 * that connection with a log line, and the listener goes on serving good peers.
 */
import { expect, test } from "bun:test";
import net from "node:net";
import { crc32, encodeFrame, parseAddress, tableCrc32, tcpTransport } from "../../plugins/transports/tcp.ts";
import type { Channel } from "../../core/transport.ts";

const SECRET = "the right secret, long enough";

async function server(maxFrame?: number) {
  const log: string[] = [];
  const t = tcpTransport({ secret: SECRET, log: (l) => log.push(l), maxFrame, handshakeMs: 2000 });
  const accepted: Channel[] = [];
  const l = await t.listen("127.0.0.1:0", (ch) => {
    accepted.push(ch);
    (async () => {
      for (let m = await ch.recv(); m; m = await ch.recv()) await ch.send(m); // echo
    })();
  });
  return { t, l, log, accepted, addr: l.address! };
}

async function stillServes(addr: string) {
  const good = await tcpTransport({ secret: SECRET, log: () => {} }).connect(addr);
  await good.send(Uint8Array.of(1, 2, 3));
  expect(await good.recv()).toEqual(Uint8Array.of(1, 2, 3));
  await good.close();
}

/** Sends raw bytes on a fresh socket and waits until the server closes it. */
function raw(addr: string, bytes: Uint8Array[]): Promise<void> {
  const { host, port } = parseAddress(addr);
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => {
      for (const b of bytes) s.write(b);
    });
    s.on("data", () => {});
    s.on("close", () => resolve());
    s.on("error", () => {});
  });
}

test("CRC-32 is zlib's", () => {
  expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 255);
  expect(tableCrc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  expect(tableCrc32(bytes)).toBe(crc32(bytes));
});

test("a caller with a wrong secret is refused and logged; a listener with a wrong secret is refused by the caller", async () => {
  const s = await server();
  await expect(tcpTransport({ secret: "a wrong secret, long enough", log: () => {}, handshakeMs: 2000 }).connect(s.addr)).rejects.toThrow(/Cannot connect to 127\.0\.0\.1:\d+/);
  expect(s.log.join("\n")).toMatch(/closing the connection from 127\.0\.0\.1:\d+: the caller does not know the shared secret/);
  expect(s.accepted.length).toBe(0);
  await stillServes(s.addr);
  await s.l.close();
  expect(() => tcpTransport({ secret: "short" })).toThrow(/at least 16 bytes/);
});

test("garbage, a wrong version, an unknown type, data before authentication: that connection closes with a log line, the listener goes on", async () => {
  const s = await server();
  await raw(s.addr, [new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]);
  await raw(s.addr, [encodeFrame(2, new Uint8Array(64), 9)]);
  await raw(s.addr, [encodeFrame(77, new Uint8Array(4))]);
  await raw(s.addr, [encodeFrame(4, new Uint8Array(8))]);
  const log = s.log.join("\n");
  expect(s.log.length).toBe(4);
  expect(s.log[0]).toMatch(/^tide tcp: closing the connection from 127\.0\.0\.1:\d+: protocol version 32/); // "GET /": its 6th byte, " ", is read as the version
  expect(log).toContain("protocol version 9, this peer speaks 1");
  expect(log).toContain("unknown frame type 77");
  expect(log).toMatch(/unexpected handshake frame|data before authentication/);
  expect(s.accepted.length).toBe(0);
  await stillServes(s.addr);
  await s.l.close();
});

test("an oversized frame and a bad CRC close the connection, even after authentication", async () => {
  const s = await server(1000);
  await raw(s.addr, [encodeFrame(2, new Uint8Array(5000))]);
  expect(s.log.join("\n")).toContain("a frame of 5000 bytes, over the 1000-byte limit");
  const c = await tcpTransport({ secret: SECRET, log: () => {} }).connect(s.addr);
  await c.send(new Uint8Array(2000)); // allowed by the caller's limit, not by the listener's
  expect(await c.recv()).toBeNull();
  expect(s.log.join("\n")).toContain("a frame of 2000 bytes, over the 1000-byte limit");
  await c.close();
  const frame = encodeFrame(2, new Uint8Array(64));
  frame[20] ^= 1;
  await raw(s.addr, [frame]);
  expect(s.log.join("\n")).toContain("CRC-32 does not match");
  await stillServes(s.addr);
  await s.l.close();
});

test("addresses: host:port and [v6]:port, anything else names the fix", () => {
  expect(parseAddress("10.0.0.5:7000")).toEqual({ host: "10.0.0.5", port: 7000 });
  expect(parseAddress("[::1]:7000")).toEqual({ host: "::1", port: 7000 });
  expect(() => parseAddress("10.0.0.5")).toThrow(/write host:port/);
});
