/**
 * Serialized answers about immutable objects (a stored frame, a finished model), kept per object:
 * when the object is replaced or dropped its entries go with it (a WeakMap), and each object keeps
 * at most `perObject` variants (windows, query options), the oldest dropped first.
 * @module
 */

/** A cache of response texts keyed by an object and a variant string. */
export class ResponseCache<K extends object> {
  readonly #byObject = new WeakMap<K, Map<string, string>>();

  /** @param perObject how many variants one object keeps */
  constructor(readonly perObject = 16) {}

  /** The text for `object` and `variant`, built by `build` the first time. */
  get(object: K, variant: string, build: () => string): string {
    let m = this.#byObject.get(object);
    const hit = m?.get(variant);
    if (hit !== undefined) return hit;
    const text = build();
    if (!m) this.#byObject.set(object, (m = new Map()));
    if (m.size >= this.perObject) m.delete(m.keys().next().value!);
    m.set(variant, text);
    return text;
  }
}
