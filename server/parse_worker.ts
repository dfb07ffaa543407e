/**
 * A Worker that parses CSV bytes (gunzipping by magic bytes) into columns in shared memory, so a
 * large import never holds the server's event loop: the bytes arrive as a shared view and the
 * columns go back as shared views, both of which cross without copying.
 *
 * Message in: `{ bytes, source, header, setup? }` (`setup`: only ParseSetup's prefix, as
 * `setupText` cuts it). Out: `{ type: "done", columns }` or `{ type: "error", name, message }`.
 * @module
 */
import { parseCsv } from "../frame/csv.ts";
import { gunzip, isGzip } from "../frame/import.ts";
import { setupText } from "./parsing.ts";
import { sharedColumns } from "./shared_columns.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;

scope.onmessage = (e: MessageEvent) => {
  const { bytes, source, header, setup } = e.data as { bytes: Uint8Array; source: string; header: boolean | "auto"; setup?: boolean };
  try {
    const raw = setup ? setupText(bytes) : isGzip(bytes) ? gunzip(bytes, source) : new Uint8Array(bytes);
    const frame = parseCsv(raw, { source, header });
    scope.postMessage({ type: "done", columns: sharedColumns(frame.columns) });
  } catch (err) {
    const x = err as Error;
    scope.postMessage({ type: "error", name: x?.name ?? "Error", message: x?.message ?? String(err) });
  }
};
