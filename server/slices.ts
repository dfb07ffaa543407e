/**
 * Long work on the event loop in slices: between two pieces of work, `tick()` yields to the event
 * loop once the current stretch has run `SLICE_MS`, so requests (`/3/Cloud`, `/3/Jobs`) keep being
 * answered while a large frame is copied, summarized or cut into rows.
 * @module
 */

/** Longest stretch of work between two yields, in milliseconds. */
export const SLICE_MS = 8;

/** Rows handled between two checks of the clock in row loops. */
export const ROW_STEP = 1 << 16;

/** A yielder: `await tick()` between pieces of work; it pauses only when the stretch is long enough. */
export function slicer(signal?: AbortSignal): () => Promise<void> {
  let t = performance.now();
  return async () => {
    if (performance.now() - t < SLICE_MS) return;
    await new Promise((r) => setTimeout(r, 0));
    signal?.throwIfAborted();
    t = performance.now();
  };
}
