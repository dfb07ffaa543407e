/**
 * The Transport contract: moves bytes between peers for model averaging. It knows nothing about
 * models; averaging lives in `core/average.ts`.
 * @module
 */
import type { Named } from "./registry.ts";

/** A bidirectional, message-framed byte channel to one peer. */
export interface Channel {
  send(msg: Uint8Array): Promise<void>;
  /** The next whole message, or null once the peer has closed. */
  recv(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** Stops a listener. */
export interface Closer {
  close(): Promise<void>;
  /** The address it listens on (with the port chosen when port 0 was asked), where known. */
  readonly address?: string;
}

/** A way to reach peers ("tcp", "memory" …). Addresses are transport-specific strings. */
export interface Transport extends Named {
  listen(addr: string, onChannel: (ch: Channel) => void): Promise<Closer>;
  connect(addr: string): Promise<Channel>;
}

/** Declares a transport. */
export function defineTransport(t: Transport): Transport {
  return Object.freeze({ ...t });
}
