/**
 * Reading an environment variable the same way everywhere: empty counts as unset, and Deno
 * without `--allow-env` reads as unset instead of throwing.
 * @module
 */
import process from "node:process";

/** The variable's value, or undefined when it is unset, empty or not readable. */
export function envVar(name: string): string | undefined {
  try {
    const v = process.env[name];
    return v === undefined || v === "" ? undefined : v;
  } catch {
    return undefined; // Deno without --allow-env
  }
}
