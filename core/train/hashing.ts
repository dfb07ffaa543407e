/**
 * Feature hashing (`max_categorical_features`, spec §1.9): when the one-hot slots outnumber
 * `M = max_categorical_features`, each set slot j (its index in the unhashed layout, NA slots
 * included) adds 1 to bucket |murmur2(j) mod M|, collisions accumulating; numeric inputs follow
 * the M buckets. The hash is 32-bit MurmurHash2 (Hadoop's variant) of j's four big-endian bytes,
 * seeded with the model seed's low 32 bits, so buckets match H2O's.
 * @module
 */
import type { FloatArray, PackedRows } from "../backend.ts";

/** The model seed's low 32 bits as a signed integer (Java's `(int) seed`). */
export function hashSeed(seed: number): number {
  return Number(BigInt.asIntN(32, BigInt(Math.trunc(seed))));
}

/** MurmurHash2, 32-bit, of the 4 big-endian bytes of `j` (Hadoop's MurmurHash.hash). */
export function murmur2(j: number, seed: number): number {
  const m = 0x5bd1e995;
  let h = (seed ^ 4) | 0;
  // The bytes are j's big-endian bytes, read back as a little-endian word: j with its bytes swapped.
  let k = ((j & 0xff) << 24) | (((j >>> 8) & 0xff) << 16) | (((j >>> 16) & 0xff) << 8) | ((j >>> 24) & 0xff);
  k = Math.imul(k, m);
  k ^= k >>> 24;
  k = Math.imul(k, m);
  h = Math.imul(h, m);
  h ^= k;
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The bucket of unhashed slot `j`: |h mod M| with Java's remainder. */
export function bucketOf(j: number, buckets: number, seed: number): number {
  return Math.abs(murmur2(j, seed) % buckets);
}

/**
 * Packed rows in the unhashed layout (one-hot slots 0 … oneHotWidth−1, then numerics) to the
 * hashed layout (M buckets, then the numerics), keeping dense or sparse storage.
 */
export function hashRows(rows: PackedRows, oneHotWidth: number, h: { readonly buckets: number; readonly seed: number }): PackedRows {
  const M = h.buckets;
  const width = M + (rows.width - oneHotWidth);
  const map = Int32Array.from({ length: rows.width }, (_, j) => (j < oneHotWidth ? bucketOf(j, M, h.seed) : M + j - oneHotWidth));
  const Arr = (rows.dense ?? rows.csr!.value) instanceof Float32Array ? Float32Array : Float64Array;
  if (rows.dense) {
    const src = rows.dense, out = new Arr(rows.rows * width);
    for (let r = 0; r < rows.rows; r++) {
      const a = r * rows.width, b = r * width;
      for (let j = 0; j < rows.width; j++) if (src[a + j] !== 0) out[b + map[j]] += src[a + j];
    }
    return { ...rows, width, dense: out };
  }
  const { indptr, index, value } = rows.csr!;
  const outPtr = new Int32Array(rows.rows + 1);
  const outIdx: number[] = [];
  const outVal: number[] = [];
  const acc = new Map<number, number>();
  for (let r = 0; r < rows.rows; r++) {
    acc.clear();
    for (let p = indptr[r]; p < indptr[r + 1]; p++) acc.set(map[index[p]], (acc.get(map[index[p]]) ?? 0) + value[p]);
    for (const [j, v] of [...acc].sort((x, y) => x[0] - y[0])) {
      outIdx.push(j);
      outVal.push(v);
    }
    outPtr[r + 1] = outIdx.length;
  }
  return { ...rows, width, csr: { indptr: outPtr, index: Int32Array.from(outIdx), value: Arr.from(outVal) as FloatArray } };
}
