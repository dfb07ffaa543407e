/**
 * The iteration loop (spec §6.7): iterations of `train_samples_per_iteration` samples drawn from
 * a fresh seeded shuffle of the rows every pass, trained in slices through the backend's fused
 * trainer or the generic step, scored on H2O's schedule (§7.2) and bounded by the time budget
 * (§8.4). Everything else (stopping rules, best model, checkpoints, averaging) is a hook.
 * @module
 */
import { hashWords, Rng, shuffle } from "../rng.ts";
import type { Message } from "../params.ts";
import type { TrainingSession } from "./session.ts";

/** Resolved samples per iteration (spec §6.2, single node; see docs/h2o-differences.md for −2). */
export function iterationSamples(tspi: number, N: number, epochs: number): number {
  if (tspi === 0 || tspi === -1) return N;
  if (tspi === -2) return Math.max(1, Math.min(N, Math.floor((epochs * N) / 10), 100_000));
  return Math.max(1, Math.min(tspi, Math.floor(epochs * N)));
}

/** The row order of shuffle pass `pass`: a seeded Fisher-Yates permutation of 0 … N−1. */
export function permutation(N: number, seed: readonly [number, number], pass: number): Int32Array {
  const order = Int32Array.from({ length: N }, (_, i) => i);
  return shuffle(order, new Rng(hashWords(seed[0], seed[1], 0x5f, pass)));
}

/**
 * Trains until `totalSamples` (a total across checkpoints), a hook stops the session, or the
 * time budget runs out; then scores once more if the last state was not scored, and runs the
 * hooks' `finish`.
 */
export async function runLoop(s: TrainingSession, { totalSamples, iterationSamples: T }: { totalSamples: number; iterationSamples: number }): Promise<void> {
  const { plan, data, net, generic, fused, hooks, onEvent, signal, t0 } = s.parts;
  const p = plan.params;
  s.iterationSamples = T;
  for (const h of hooks) await h.start?.(s);
  const N = data.epochRows;
  const orderOf = (pass: number) => s.rowOrder?.(pass) ?? permutation(data.usable.length, net.seed, pass);
  const miniBatch = p.mini_batch_size as number;
  const stopAt = (p.max_runtime_secs as number) > 0 ? t0 + (p.max_runtime_secs as number) * 1000 : Infinity;
  if (s.cursor < 0) s.cursor = 0;
  let orderFn = s.rowOrder;
  let order = orderOf(s.pass);
  let noted = false;
  let U = order.length;
  // A checkpoint's position may lie past the end of a shorter order (a shard of another ring): a new pass.
  if (s.cursor > U) s.cursor = U;
  // Slices hold whole mini-batches: a slice boundary inside a mini-batch would split it, and the
  // split would move with timing (the slice size is measured), so a reproducible run would not be.
  const whole = (rows: number) => miniBatch * Math.max(1, Math.round(rows / miniBatch));
  let slice = whole(Math.min(1000, T));

  while (s.samples < totalSamples) {
    // A hook changed the rows at the boundary (averaging's ring changed): it set pass and cursor too.
    if (s.rowOrder !== orderFn) {
      orderFn = s.rowOrder;
      order = orderOf(s.pass);
      U = order.length;
      if (s.cursor > U) s.cursor = U;
    }
    s.iteration++;
    const iterEnd = Math.min(totalSamples, s.samples + s.iterationSamples);
    while (s.samples < iterEnd) {
      if (signal?.aborted) throw new DOMException("Training was cancelled", "AbortError");
      if (s.cursor === U) {
        s.pass++;
        s.cursor = 0;
        order = orderOf(s.pass);
        U = order.length;
      }
      const take = Math.min(slice, iterEnd - s.samples, U - s.cursor);
      const idx = order.subarray(s.cursor, s.cursor + take);
      const s0 = performance.now();
      const ctx = { samples: s.samples, pass: s.pass };
      const done = fused ? await fused.train(idx, ctx) : await generic.train(data.packed, idx, ctx);
      const dt = performance.now() - s0;
      // Once, after the first slice: the trainer's start-up figures (webgpu), outside the timed slice.
      if (fused?.startupNote && !noted) {
        noted = true;
        const message: Message = { level: "info", field: "backend", message: fused.startupNote };
        (s.parts.messages as Message[]).push(message);
        onEvent?.({ type: "note", message });
      }
      s.trainMs += dt;
      s.samples += done;
      s.cursor += take;
      // Aim for about half a second per slice so progress stays live and cancellation quick.
      slice = whole(Math.min(1_000_000, (take / Math.max(dt, 1)) * 500));
      const rate = s.samples / Math.max(s.trainMs / 1000, 1e-9);
      onEvent?.({
        type: "progress", epochs: s.samples / N, targetEpochs: p.epochs as number, samples: s.samples, iteration: s.iteration, samplesPerSecond: rate,
        etaSeconds: (totalSamples - s.samples) / rate, elapsedSeconds: (performance.now() - t0) / 1000,
        lastScore: s.history.length > 1 ? s.history[s.history.length - 1] : null,
      });
      if (performance.now() > stopAt) break;
      // Let timers, signals and I/O run between slices (cancellation, Ctrl-C, a server's requests).
      await new Promise((r) => setTimeout(r, 0));
    }
    for (const h of hooks) await h.iteration?.(s);
    const finishing = s.samples >= totalSamples;
    const timeUp = performance.now() > stopAt;
    const now = performance.now();
    const due = finishing || timeUp || p.score_each_iteration === true || s.lastScoreStart === -Infinity ||
      (now - s.lastScoreStart > (p.score_interval as number) * 1000 && s.lastScoreDuration / (now - s.lastScoreStart) < (p.score_duty_cycle as number));
    if (due) await s.score(finishing || timeUp);
    if (s.stopping) break;
    if (timeUp && !finishing) {
      s.status = "time limit";
      break;
    }
  }
  const last = s.history[s.history.length - 1];
  if (s.samples === 0 || s.history.length === 1 || (last.samples as number) !== s.samples) await s.score(true);
  for (const h of hooks) await h.finish?.(s);
}
