/**
 * Files a compiled binary carries. The build entry imports each data file with
 * `with { type: "file" }` (Bun embeds it and returns a path readable by `node:fs`) and registers
 * that path here under a stable name such as `"mnist/train-images-idx3-ubyte.gz"`; dataset
 * loaders look names up here after the file system, so the binary works with no install.
 * @module
 */

const assets = new Map<string, string>();

/** Options for {@linkcode registerEmbeddedAsset}. */
export interface RegisterOptions {
  /** Replace an asset registered under the same name with another path instead of throwing. */
  override?: boolean;
}

/**
 * Registers the path of an embedded file under `name`; registering the same path twice is a
 * no-op, another path for a taken name throws `TypeError` unless `override` is set.
 * @example
 * ```ts
 * import trainImages from "../assets/mnist/train-images-idx3-ubyte.gz" with { type: "file" };
 * registerEmbeddedAsset("mnist/train-images-idx3-ubyte.gz", trainImages);
 * ```
 */
export function registerEmbeddedAsset(name: string, path: string, options: RegisterOptions = {}): void {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`Cannot register embedded asset: "name" must be a non-empty string: got ${JSON.stringify(name)}`);
  }
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`Cannot register embedded asset ${JSON.stringify(name)}: "path" must be a non-empty string: got ${JSON.stringify(path)}`);
  }
  const old = assets.get(name);
  if (old !== undefined && old !== path && !options.override) {
    throw new TypeError(`Cannot register embedded asset ${JSON.stringify(name)}: it is already registered at ${JSON.stringify(old)}; pass { override: true } to replace it`);
  }
  assets.set(name, path);
}

/** The path registered under `name`, or undefined when none is. */
export function embeddedAsset(name: string): string | undefined {
  return assets.get(name);
}

/** Names of every registered asset, sorted. */
export function embeddedAssetNames(): string[] {
  return [...assets.keys()].sort();
}
