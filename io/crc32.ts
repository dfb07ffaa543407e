/**
 * CRC-32 (IEEE 802.3, as zip and gzip use it): the checksum of model files and of the TCP
 * transport's frames. zlib's own where the runtime has it (Node ≥ 20.15, Bun, Deno), else a table.
 * @module
 */
import zlib from "node:zlib";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

const nativeCrc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;

/** CRC-32 of `data`. */
export function crc32(data: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(data) >>> 0 : tableCrc32(data);
}

/** CRC-32 by table, for runtimes without zlib.crc32 (and to check zlib's against). */
export function tableCrc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
