/**
 * Frames cross to the training Worker as SharedArrayBuffer views. Bun's structured clone copies
 * typed arrays slowly (about 10 s for MNIST's 785 columns, all on the event loop), while a view
 * of shared memory crosses in microseconds. Columns are copied into shared memory once (cached
 * per array), in steps that yield to the event loop, so requests keep being answered meanwhile.
 * @module
 */
import type { Column } from "../frame/frame.ts";
import { Frame } from "../frame/frame.ts";
import { rollupsInSlices } from "./frame_json.ts";
import { sharedColumn } from "./shared_columns.ts";
import { slicer } from "./slices.ts";

/** The frame with every numeric and categorical column in shared memory. */
export async function shareFrame(frame: Frame, signal?: AbortSignal): Promise<Frame> {
  const tick = slicer(signal);
  const cols: Column[] = [];
  for (const c of frame.columns) {
    await tick();
    cols.push(sharedColumn(c));
  }
  return new Frame(cols);
}

/** Computes every column's rollups (for `GET /3/Frames`) ahead of the first request, yielding between row blocks. */
export async function warmRollups(frame: Frame): Promise<void> {
  const tick = slicer();
  for (const c of frame.columns) await rollupsInSlices(c, tick);
}
