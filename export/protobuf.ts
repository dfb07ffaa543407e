/**
 * The little of the protobuf wire format an ONNX file needs, written by hand: varints,
 * length-delimited fields (strings, bytes, nested messages) and 32-bit floats.
 * @module
 */

/** A message under construction: append fields, then take `encode()`. */
export class Message {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  #push(b: Uint8Array): this {
    this.#parts.push(b);
    this.#length += b.length;
    return this;
  }

  #key(field: number, wire: number): this {
    return this.#push(varint(BigInt(field) << 3n | BigInt(wire)));
  }

  /** An int32/int64/enum field (negative values as 10-byte two's complement, as protobuf does). */
  int(field: number, v: number | bigint): this {
    return this.#key(field, 0).#push(varint(BigInt.asUintN(64, BigInt(v))));
  }

  /** A float field (fixed32). */
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.#key(field, 5).#push(b);
  }

  /** A bytes field. */
  blob(field: number, b: Uint8Array): this {
    return this.#key(field, 2).#push(varint(BigInt(b.length))).#push(b);
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): this {
    return this.blob(field, new TextEncoder().encode(s));
  }

  /** A nested message field. */
  message(field: number, m: Message): this {
    return this.blob(field, m.encode());
  }

  /** The encoded message. */
  encode(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let o = 0;
    for (const p of this.#parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function varint(v: bigint): Uint8Array {
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}
