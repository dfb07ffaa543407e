/**
 * Parsing for the server: ParseSetup guesses from a prefix of the data (at most 4 MiB of text,
 * cut at a line end), and Parse runs the full parse in a Worker (server/parse_worker.ts) whose
 * columns come back in shared memory.
 * @module
 */
import { constants, gunzipSync } from "node:zlib";
import { parseCsv } from "../frame/csv.ts";
import type { Column } from "../frame/frame.ts";
import { Frame } from "../frame/frame.ts";
import { gunzip, isGzip } from "../frame/import.ts";
import { reviveColumns, sharedColumns, toShared } from "./shared_columns.ts";
import { H2OError } from "./wire.ts";
import { startWorker } from "./workers.ts";

const PREFIX = 4 * 2 ** 20;

/** The first rows of the data, parsed for ParseSetup's guesses. */
export function setupFrame(bytes: Uint8Array, source: string, header: boolean | "auto"): Frame {
  let text = bytes;
  if (isGzip(bytes)) {
    // A truncated gzip stream inflates up to where it stops when flushed with Z_SYNC_FLUSH.
    const out = gunzipSync(bytes.subarray(0, Math.min(bytes.length, PREFIX)), { finishFlush: constants.Z_SYNC_FLUSH });
    text = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  if (text.length > PREFIX || (isGzip(bytes) && bytes.length > PREFIX)) {
    let end = Math.min(text.length, PREFIX);
    while (end > 0 && text[end - 1] !== 0x0a) end--;
    text = text.subarray(0, end);
  }
  try {
    return parseCsv(text, { source, header });
  } catch (e) {
    throw new H2OError(400, (e as Error).message);
  }
}

/** The whole parse, in a Worker when `worker` is true, with columns in shared memory. */
export async function parseBytes(bytes: Uint8Array, source: string, header: boolean | "auto", worker: boolean): Promise<Frame> {
  if (!worker || typeof Worker === "undefined") {
    const raw = isGzip(bytes) ? gunzip(bytes, source) : bytes;
    return new Frame(sharedColumns(parseCsv(raw, { source, header }).columns));
  }
  const w = await startWorker(new URL("./parse_worker.ts", import.meta.url));
  return await new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent) => {
      w.terminate();
      const m = e.data as { type: string; columns?: Column[]; name?: string; message?: string };
      if (m.type === "done") resolve(new Frame(reviveColumns(m.columns!)));
      else reject(new ({ RangeError, TypeError, SyntaxError }[m.name ?? ""] ?? Error)(m.message));
    };
    w.onerror = (e: ErrorEvent) => {
      w.terminate();
      reject(new Error(`The parse worker crashed: ${e.message}`));
    };
    // A worker that exits without its answer (killed, out of memory) must not leave the job running.
    w.addEventListener("close", () => reject(new Error("The parse worker stopped before it finished")));
    w.postMessage({ bytes: toShared(bytes), source, header });
  });
}
