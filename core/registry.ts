/**
 * A named collection of plugins of one kind. Built-ins are added by `plugins/mod.ts` with
 * literal imports, so a compiled binary holds every one of them; users add their own at run time.
 * @module
 */

/** Anything a registry can hold: it is found by the name users type. */
export interface Named {
  readonly name: string;
  readonly summary: string;
}

/** Options for {@linkcode Registry.add}. */
export interface AddOptions {
  /** Replace an entry of the same name instead of throwing. */
  override?: boolean;
}

/**
 * Plugins of one kind, by name. Lookups are case-sensitive, as H2O's enum names are.
 * @example
 * ```ts
 * const r = new Registry<{ name: string; summary: string }>("activation");
 * r.add({ name: "Tanh", summary: "tanh" });
 * r.get("Tanh");
 * ```
 */
export class Registry<T extends Named> {
  readonly #items = new Map<string, T>();
  readonly #aliases = new Map<string, string>();

  /** @param kind what the entries are, used in error messages ("activation", "backend", …) */
  constructor(readonly kind: string) {}

  /** Adds an entry; throws `TypeError` when the name is taken, unless `override` is set. */
  add(item: T, options: AddOptions = {}): void {
    if (!item || typeof item.name !== "string" || item.name === "") {
      throw new TypeError(`Cannot add ${this.kind}: it needs a non-empty "name"`);
    }
    if ((this.#items.has(item.name) || this.#aliases.has(item.name)) && !options.override) {
      throw new TypeError(
        `Cannot add ${this.kind} "${item.name}": the name is taken; pass { override: true } to replace it`,
      );
    }
    this.#aliases.delete(item.name);
    this.#items.set(item.name, item);
  }

  /** Makes `alias` another name for `target` (H2O's combined names such as "TanhWithDropout"). */
  alias(alias: string, target: string): void {
    this.get(target);
    this.#aliases.set(alias, target);
  }

  /** True when the name (or an alias) is known. */
  has(name: string): boolean {
    return this.#items.has(name) || this.#aliases.has(name);
  }

  /** The entry of that name; throws `RangeError` listing the known names when it is missing. */
  get(name: string): T {
    const item = this.#items.get(this.#aliases.get(name) ?? name);
    if (item) return item;
    const known = [...this.#items.keys(), ...this.#aliases.keys()].map((n) => `"${n}"`).join(", ");
    throw new RangeError(`Unknown ${this.kind} "${name}": known ${this.kind}s are ${known}`);
  }

  /** Every entry, in the order added (aliases excluded). */
  list(): T[] {
    return [...this.#items.values()];
  }

  /** Every name users may type, aliases included. */
  names(): string[] {
    return [...this.#items.keys(), ...this.#aliases.keys()];
  }
}
