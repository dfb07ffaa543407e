import type { Channel } from "../../core/transport.ts";
import { defineTransport } from "../../core/transport.ts";

/** One direction of an in-process pipe: a queue of messages and waiting readers. */
class Pipe {
  readonly #queue: (Uint8Array | null)[] = [];
  readonly #waiting: ((m: Uint8Array | null) => void)[] = [];
  #closed = false;
  push(m: Uint8Array | null): void {
    if (this.#closed) return;
    if (m === null) this.#closed = true;
    const w = this.#waiting.shift();
    if (w) w(m);
    else this.#queue.push(m);
  }
  pull(): Promise<Uint8Array | null> {
    if (this.#queue.length) return Promise.resolve(this.#queue.shift()!);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

function channel(out: Pipe, inn: Pipe): Channel {
  return {
    send: (msg) => {
      out.push(msg.slice()); // peers never share a buffer, as over a socket
      return Promise.resolve();
    },
    recv: () => inn.pull(),
    close: () => {
      out.push(null);
      inn.push(null);
      return Promise.resolve();
    },
  };
}

const listeners = new Map<string, (ch: Channel) => void>();

/** In-process transport: peers in one process (tests, threads) reach each other by name. */
export const memoryTransport = defineTransport({
  name: "memory",
  summary: "In-process channels between peers of one program",
  listen(addr, onChannel) {
    if (listeners.has(addr)) return Promise.reject(new RangeError(`Cannot listen on "${addr}": the address is in use`));
    listeners.set(addr, onChannel);
    return Promise.resolve({ close: () => Promise.resolve(void listeners.delete(addr)) });
  },
  connect(addr) {
    const accept = listeners.get(addr);
    if (!accept) return Promise.reject(new RangeError(`Cannot connect to "${addr}": nobody listens there`));
    const a = new Pipe(), b = new Pipe();
    accept(channel(b, a));
    return Promise.resolve(channel(a, b));
  },
});
