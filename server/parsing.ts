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

/**
 * The text ParseSetup guesses from: at most 4 MiB, cut at a line end, gunzipped from at most the
 * first 4 MiB of a gzip file. Only the first `PREFIX + 1` bytes of `bytes` matter.
 */
export function setupText(bytes: Uint8Array): Uint8Array {
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
  return text;
}

/** The first rows of the data, parsed for ParseSetup's guesses, on the calling thread. */
export function setupFrame(bytes: Uint8Array, source: string, header: boolean | "auto"): Frame {
  try {
    return parseCsv(setupText(bytes), { source, header });
  } catch (e) {
    throw new H2OError(400, (e as Error).message);
  }
}

/**
 * {@linkcode setupFrame} in the parse Worker when `worker` is true, so the event loop is not held:
 * a 4 MiB gzip prefix of a wide file inflates to several times that (MNIST's train.csv.gz: ~20 MiB
 * of text, 60–300 ms on the request thread). Only the first 4 MiB + 1 bytes cross, shared.
 */
export async function setupFrameOff(bytes: Uint8Array, source: string, header: boolean | "auto", worker: boolean): Promise<Frame> {
  if (!worker || typeof Worker === "undefined") return setupFrame(bytes, source, header);
  try {
    return await inParseWorker({ bytes: toShared(bytes.subarray(0, PREFIX + 1)), source, header, setup: true });
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
  return await inParseWorker({ bytes: toShared(bytes), source, header });
}

/** One message to a new parse Worker; its columns come back as a frame (server/parse_worker.ts). */
async function inParseWorker(msg: { bytes: Uint8Array; source: string; header: boolean | "auto"; setup?: boolean }): Promise<Frame> {
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
    w.postMessage(msg);
  });
}
