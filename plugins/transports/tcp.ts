/**
 * The TCP transport (node:net, so it runs under Node, Bun and Deno): message channels between
 * peers on different machines, for model averaging (docs/distributed.md).
 *
 * - Every message is a frame: a 12-byte header (payload length u32, type u8, protocol version u8,
 *   2 reserved bytes, CRC-32 of the payload u32; big-endian) and the payload. A frame that is
 *   oversized, of another version, of an unknown type or fails its CRC closes that connection
 *   with one log line; the listener and every other connection go on.
 * - Both ends prove they hold the shared secret before anything else moves: the listener sends a
 *   random challenge, the caller answers with HMAC-SHA256(secret, "client" ‖ challenge) and its own
 *   challenge, the listener answers that with HMAC-SHA256(secret, "server" ‖ challenge). A wrong
 *   answer drops the connection (logged on the listener, an error for the caller). No data frame
 *   is sent or accepted on a connection before it is authenticated.
 * @module
 */
import { Buffer } from "node:buffer";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import net from "node:net";
import process from "node:process";
import type { Channel, Closer, Transport } from "../../core/transport.ts";
import { defineTransport } from "../../core/transport.ts";
import { crc32 } from "../../io/crc32.ts";

/** The wire protocol's version: a peer that speaks another one is refused. */
export const PROTOCOL_VERSION = 1;
const HEADER = 12;
const T_CHALLENGE = 1, T_ANSWER = 2, T_ACCEPT = 3, T_DATA = 4;

/** Settings of a TCP transport. */
export interface TcpOptions {
  /** The shared secret every peer holds (at least 16 bytes). */
  readonly secret: string | Uint8Array;
  /** Largest payload accepted, in bytes (default 512 MiB). */
  readonly maxFrame?: number;
  /** Milliseconds to connect and authenticate before giving up (default 10 000). */
  readonly handshakeMs?: number;
  /** Where problems with a connection are reported (default: stderr). */
  readonly log?: (line: string) => void;
}

export { crc32, tableCrc32 } from "../../io/crc32.ts";

/** One frame: header and payload. */
export function encodeFrame(type: number, payload: Uint8Array, version = PROTOCOL_VERSION): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, payload.length);
  v.setUint8(4, type);
  v.setUint8(5, version);
  v.setUint32(8, crc32(payload));
  out.set(payload, HEADER);
  return out;
}

/** "host:port" or "[v6]:port" → host and port; throws RangeError naming the address otherwise. */
export function parseAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new RangeError(`"${addr}" is not a peer address: write host:port (e.g. 10.0.0.5:7000 or [::1]:7000)`);
  return { host: m[1] ?? m[2], port };
}

type Opts = Required<Omit<TcpOptions, "secret">> & { readonly secret: Buffer };

/** A connection's frames as they arrive, and its state. */
class Conn implements Channel {
  readonly #sock: net.Socket;
  readonly #o: Opts;
  #buf: Buffer = Buffer.alloc(0);
  /** Chunks of a frame still arriving, and their length (joined once the frame is whole). */
  readonly #pending: Buffer[] = [];
  #pendingBytes = 0;
  readonly #queue: (Uint8Array | null)[] = [];
  readonly #waiting: ((m: Uint8Array | null) => void)[] = [];
  #closed = false;
  /** Set once both ends proved the secret; data flows only then. */
  authenticated = false;
  /** Handshake frames go here instead of the data queue. */
  onControl: ((type: number, payload: Uint8Array) => void) | null = null;
  readonly label: string;

  constructor(sock: net.Socket, o: Opts, label: string) {
    this.#sock = sock;
    this.#o = o;
    this.label = label;
    sock.setNoDelay(true);
    sock.on("data", (d: Buffer) => this.#onData(d));
    sock.on("error", () => this.#end());
    sock.on("close", () => this.#end());
  }

  #onData(d: Buffer): void {
    // A large frame comes in many chunks: join them once it is whole, not at every chunk.
    if (this.#buf.length >= HEADER) {
      const need = HEADER + this.#buf.readUInt32BE(0);
      if (this.#buf.length + this.#pendingBytes + d.length < need && this.#buf.readUInt32BE(0) <= this.#o.maxFrame) {
        this.#pending.push(d);
        this.#pendingBytes += d.length;
        return;
      }
    }
    if (this.#pending.length) {
      this.#buf = Buffer.concat([this.#buf, ...this.#pending.splice(0), d]);
      this.#pendingBytes = 0;
    } else this.#buf = this.#buf.length ? Buffer.concat([this.#buf, d]) : d;
    while (this.#buf.length >= HEADER && !this.#closed) {
      const len = this.#buf.readUInt32BE(0), type = this.#buf[4], version = this.#buf[5], crc = this.#buf.readUInt32BE(8);
      if (version !== PROTOCOL_VERSION) return this.fail(`protocol version ${version}, this peer speaks ${PROTOCOL_VERSION}`);
      if (type < T_CHALLENGE || type > T_DATA) return this.fail(`unknown frame type ${type}`);
      if (len > this.#o.maxFrame) return this.fail(`a frame of ${len} bytes, over the ${this.#o.maxFrame}-byte limit`);
      if (this.#buf.length < HEADER + len) return;
      const payload = new Uint8Array(this.#buf.subarray(HEADER, HEADER + len));
      this.#buf = this.#buf.subarray(HEADER + len);
      if (crc32(payload) !== crc) return this.fail("a frame whose CRC-32 does not match its payload");
      if (type !== T_DATA) {
        if (this.authenticated || !this.onControl) return this.fail(`an unexpected handshake frame (type ${type})`);
        this.onControl(type, payload);
      } else {
        if (!this.authenticated) return this.fail("data before authentication");
        this.#push(payload);
      }
    }
  }

  /** Logs why and closes this connection (never the listener). */
  fail(why: string): void {
    if (this.#closed) return;
    this.#o.log(`tide tcp: closing the connection ${this.label}: ${why}`);
    this.#end();
  }

  #push(m: Uint8Array | null): void {
    const w = this.#waiting.shift();
    if (w) w(m);
    else this.#queue.push(m);
  }

  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.destroy();
    this.#push(null);
    while (this.#waiting.length) this.#waiting.shift()!(null);
  }

  get closed(): boolean {
    return this.#closed;
  }

  sendFrame(type: number, payload: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new RangeError(`Cannot send to ${this.label}: the connection is closed`));
    return new Promise((resolve, reject) => {
      this.#sock.write(encodeFrame(type, payload), (e) => (e ? reject(new RangeError(`Cannot send to ${this.label}: ${e.message}`)) : resolve()));
    });
  }

  send(msg: Uint8Array): Promise<void> {
    if (!this.authenticated) return Promise.reject(new RangeError(`Cannot send to ${this.label}: not authenticated`));
    if (msg.length > this.#o.maxFrame) return Promise.reject(new RangeError(`Cannot send ${msg.length} bytes to ${this.label}: over the ${this.#o.maxFrame}-byte frame limit`));
    return this.sendFrame(T_DATA, msg);
  }

  recv(): Promise<Uint8Array | null> {
    if (this.#queue.length) {
      const m = this.#queue.shift()!;
      if (m === null) this.#queue.unshift(null); // stays closed for later readers
      return Promise.resolve(m);
    }
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  close(): Promise<void> {
    this.#end();
    return Promise.resolve();
  }

  /** The next handshake frame of `type`, or an error after the handshake time. */
  expect(type: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail("no authentication in time");
        reject(new RangeError(`no authentication on the connection ${this.label} within ${this.#o.handshakeMs} ms`));
      }, this.#o.handshakeMs);
      const closed = setInterval(() => {
        if (!this.#closed) return;
        clearTimeout(timer);
        clearInterval(closed);
        reject(new RangeError(`the connection ${this.label} closed during authentication (a wrong secret, or another protocol version?)`));
      }, 20);
      this.onControl = (t, p) => {
        clearTimeout(timer);
        clearInterval(closed);
        if (t !== type) {
          this.fail(`handshake frame type ${t} where ${type} was due`);
          return reject(new RangeError(`${this.label} broke the handshake`));
        }
        resolve(p);
      };
    });
  }
}

const proof = (secret: Buffer, role: string, nonce: Uint8Array) => new Uint8Array(createHmac("sha256", secret).update(role).update(nonce).digest());
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

/** A TCP transport authenticated by `secret`. */
export function tcpTransport(options: TcpOptions): Transport {
  const secret = Buffer.from(options.secret);
  if (secret.length < 16) throw new RangeError("The peer secret must be at least 16 bytes long: write a longer one into the secret file");
  const o: Opts = {
    secret, maxFrame: options.maxFrame ?? 512 * 2 ** 20, handshakeMs: options.handshakeMs ?? 10_000,
    log: options.log ?? ((line: string) => void process.stderr.write(line + "\n")),
  };
  return defineTransport({
    name: "tcp",
    summary: "TCP between machines (node:net): framed, CRC-checked messages, peers authenticated by a shared secret (HMAC-SHA256)",
    listen(addr, onChannel): Promise<Closer> {
      const { host, port } = parseAddress(addr);
      const server = net.createServer((sock) => {
        const c = new Conn(sock, o, `from ${sock.remoteAddress}:${sock.remotePort}`);
        (async () => {
          const challenge = new Uint8Array(randomBytes(32));
          const answer = c.expect(T_ANSWER);
          await c.sendFrame(T_CHALLENGE, challenge);
          const a = await answer; // 32 bytes of proof, then the caller's own challenge
          if (a.length !== 64 || !same(a.subarray(0, 32), proof(secret, "client", challenge))) {
            c.fail("the caller does not know the shared secret");
            return;
          }
          c.onControl = null;
          await c.sendFrame(T_ACCEPT, proof(secret, "server", a.subarray(32)));
          c.authenticated = true;
          onChannel(c);
        })().catch(() => c.fail("the handshake failed"));
      });
      return new Promise((resolve, reject) => {
        server.once("error", (e) => reject(new RangeError(`Cannot listen on ${addr}: ${(e as Error).message}`)));
        server.listen(port, host, () => {
          const bound = server.address();
          resolve({
            address: typeof bound === "object" && bound ? `${host.includes(":") ? `[${host}]` : host}:${bound.port}` : addr,
            close: () => new Promise<void>((r) => server.close(() => r())),
          });
        });
      });
    },
    connect(addr): Promise<Channel> {
      const { host, port } = parseAddress(addr);
      return new Promise<Channel>((resolve, reject) => {
        const sock = net.connect({ host, port });
        const timer = setTimeout(() => {
          sock.destroy();
          reject(new RangeError(`Cannot connect to ${addr}: no answer within ${o.handshakeMs} ms`));
        }, o.handshakeMs);
        sock.once("error", (e) => {
          clearTimeout(timer);
          reject(new RangeError(`Cannot connect to ${addr}: ${e.message}`));
        });
        sock.once("connect", () => {
          clearTimeout(timer);
          const c = new Conn(sock, o, `to ${addr}`);
          (async () => {
            const challenge = await c.expect(T_CHALLENGE);
            const mine = new Uint8Array(randomBytes(32));
            const accept = c.expect(T_ACCEPT);
            const msg = new Uint8Array(64);
            msg.set(proof(secret, "client", challenge));
            msg.set(mine, 32);
            await c.sendFrame(T_ANSWER, msg);
            const a = await accept;
            if (!same(a, proof(secret, "server", mine))) {
              c.fail("the listener does not know the shared secret");
              throw new RangeError(`Cannot connect to ${addr}: the peer there does not know the shared secret`);
            }
            c.onControl = null;
            c.authenticated = true;
            return c;
          })().then(resolve, (e) => {
            c.fail("the handshake failed");
            reject(e instanceof Error && e.message.startsWith("Cannot connect") ? e : new RangeError(`Cannot connect to ${addr}: ${(e as Error).message}`));
          });
        });
      });
    },
  });
}

/**
 * The registered "tcp" transport: takes its secret from `TIDE_PEER_SECRET` when it is used
 * (`tide peer` and `tide train --peers` build their own from `--secret-file`).
 */
export const tcpFromEnvironment: Transport = defineTransport({
  name: "tcp",
  summary: "TCP between machines (node:net): framed, CRC-checked messages, peers authenticated by a shared secret (HMAC-SHA256; TIDE_PEER_SECRET)",
  listen: (addr, onChannel) => envTransport().listen(addr, onChannel),
  connect: (addr) => envTransport().connect(addr),
});

function envTransport(): Transport {
  const secret = process.env.TIDE_PEER_SECRET;
  if (!secret) throw new RangeError("The tcp transport needs the peers' shared secret: set TIDE_PEER_SECRET (or use tide peer/train --secret-file)");
  return tcpTransport({ secret });
}
