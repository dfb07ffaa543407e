/**
 * H2O's one-pass "AUC2" histogram (spec 9.2; hex/AUC2.java): at most `nBins` bins sorted by
 * centre, each holding the weighted positives `tps`, negatives `fps` and the within-bin squared
 * error `sqe`. A prediction equal to a centre adds its weight to that bin; any other prediction
 * becomes a new bin, and when that makes one bin too many the adjacent pair whose merge raises the
 * squared error least, sqe₁ + sqe₂ + (c₂ − c₁)²·n₁n₂/(n₁ + n₂), is merged (centres equal in float32
 * cost nothing and go first). With at most `nBins` distinct predictions nothing is merged and the
 * AUC is exact; past that, predictions sharing a bin count as tied: the approximation H2O accepts.
 *
 * Like H2O, once the histogram is full a new point is first offered to its two neighbours: if
 * folding it into one costs less than the best existing merge it is folded there (the cheaper
 * side) instead of being inserted, and the index of the best pair is cached between rows (`ssx`,
 * −1 = unknown) with H2O's invalidation rules. A row then costs O(log bins) most of the time, and
 * the bins are H2O's, not merely the same kind of approximation.
 * @module
 */

/** H2O's bin count. */
export const NBINS = 400;

/** The histogram; arrays have room for 2·nBins bins so two full histograms can be merge-sorted. */
export interface Auc2State {
  nBins: number;
  /** Bins in use. */
  n: number;
  /** Cached index of the cheapest pair to merge; −1 when unknown. */
  ssx: number;
  ths: Float64Array;
  sqe: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
}

/** An empty histogram. */
export function auc2Init(nBins = NBINS): Auc2State {
  const m = 2 * nBins;
  return { nBins, n: 0, ssx: -1, ths: new Float64Array(m), sqe: new Float64Array(m), tps: new Float64Array(m), fps: new Float64Array(m) };
}

/** Adds one prediction `p` of label 0|1 with weight `w` (H2O's AUCBuilder.perRow). */
export function auc2Add(h: Auc2State, p: number, label: number, w: number): void {
  let idx = 0;
  let hi = h.n;
  while (idx < hi) {
    const mid = (idx + hi) >> 1;
    if (h.ths[mid] < p) idx = mid + 1;
    else hi = mid;
  }
  if (idx < h.n && h.ths[idx] === p) {
    if (label === 1) h.tps[idx] += w;
    else h.fps[idx] += w;
    h.ssx = -1; // the pair costs around this bin changed
    return;
  }
  if (h.n === h.nBins && idx > 0 && idx < h.n && h.ths[idx - 1] !== h.ths[idx]) {
    const ssx = findSmallest(h);
    const best = pairCost(h, ssx);
    const d0 = h.sqe[idx - 1] + deltaError(p, w, h.ths[idx - 1], count(h, idx - 1));
    const d1 = h.sqe[idx] + deltaError(h.ths[idx], count(h, idx), p, w);
    if (d0 < best || d1 < best) {
      if (d0 <= d1) idx--;
      if (ssx === idx - 1 || ssx === idx) h.ssx = -1;
      const k = count(h, idx);
      if (label === 1) h.tps[idx] += w;
      else h.fps[idx] += w;
      h.sqe[idx] += deltaError(p, w, h.ths[idx], k);
      h.ths[idx] = combineCentres(h.ths[idx], k, p, w);
      return;
    }
  }
  if (idx === 0 || idx === h.n || idx === h.ssx) h.ssx = -1;
  else if (idx < h.ssx) h.ssx++; // the cached pair slides right with the insert
  for (const a of [h.ths, h.sqe, h.tps, h.fps]) a.copyWithin(idx + 1, idx, h.n);
  h.ths[idx] = p;
  h.sqe[idx] = 0;
  h.tps[idx] = label === 1 ? w : 0;
  h.fps[idx] = label === 1 ? 0 : w;
  h.n++;
  if (h.n > h.nBins) mergeOneBin(h, findSmallest(h));
}

/** A new histogram holding both (H2O's AUCBuilder.reduce): merge-sort, then merge bins until ≤ nBins and no duplicates. */
export function auc2Merge(a: Auc2State, b: Auc2State): Auc2State {
  const h = auc2Init(Math.max(a.nBins, b.nBins));
  let i = 0;
  let j = 0;
  for (let k = 0; k < a.n + b.n; k++) {
    const fromA = j >= b.n || (i < a.n && a.ths[i] <= b.ths[j]);
    const src = fromA ? a : b;
    const x = fromA ? i++ : j++;
    h.ths[k] = src.ths[x];
    h.sqe[k] = src.sqe[x];
    h.tps[k] = src.tps[x];
    h.fps[k] = src.fps[x];
  }
  h.n = a.n + b.n;
  for (;;) { // H2O: merge while there are duplicates (first) or too many bins
    const dup = firstDuplicate(h);
    if (dup >= 0) mergeOneBin(h, dup);
    else if (h.n > h.nBins) mergeOneBin(h, findSmallest(h));
    else return h;
  }
}

/** The bins from the highest threshold down, with cumulative TP and FP, and the totals P and N. */
export interface Auc2Curve {
  thresholds: number[];
  tps: number[];
  fps: number[];
  p: number;
  n: number;
}

/** Reads the histogram as a descending-threshold curve. */
export function auc2Curve(h: Auc2State): Auc2Curve {
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = h.n - 1; i >= 0; i--) {
    tp += h.tps[i];
    fp += h.fps[i];
    thresholds.push(h.ths[i]);
    tps.push(tp);
    fps.push(fp);
  }
  return { thresholds, tps, fps, p: tp, n: fp };
}

/** Trapezoid area under (FP, TP) from (0, 0), over P·N; 1 without negatives, 0 without positives. */
export function aucOf(c: Auc2Curve): number {
  if (c.thresholds.length === 0) return NaN;
  if (c.n === 0) return 1;
  if (c.p === 0) return 0;
  let area = 0;
  let tp0 = 0;
  let fp0 = 0;
  for (let i = 0; i < c.tps.length; i++) {
    area += ((c.fps[i] - fp0) * (c.tps[i] + tp0)) / 2;
    tp0 = c.tps[i];
    fp0 = c.fps[i];
  }
  return area / c.p / c.n;
}

/**
 * Area under the precision–recall curve with H2O's interpolation between bins (after XGBoost):
 * within a segment FP grows linearly with TP (slope h), which integrates in closed form.
 */
export function prAucOf(c: Auc2Curve): number {
  if (c.thresholds.length === 0) return NaN;
  if (c.n === 0) return 1;
  if (c.p === 0) return 0;
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let i = 0; i < c.tps.length; i++) {
    const tp = c.tps[i];
    const fp = c.fps[i];
    let a = 1;
    let b = 0;
    if (tp !== prevTp) {
      const h = (fp - prevFp) / (tp - prevTp);
      a = 1 + h;
      b = (prevFp - h * prevTp) / c.p;
    }
    const rec = tp / c.p;
    const prevRec = prevTp / c.p;
    area += b !== 0 ? (rec - prevRec - (b / a) * (Math.log(a * rec + b) - Math.log(a * prevRec + b))) / a : (rec - prevRec) / a;
    prevTp = tp;
    prevFp = fp;
  }
  return area;
}

// Centres closer than float32 precision count as one (H2O: predictions are often float-accurate only).
function deltaError(c1: number, n1: number, c0: number, n0: number): number {
  const d = Math.fround(c1) - Math.fround(c0);
  return d === 0 ? 0 : (d * d * n0 * n1) / (n0 + n1);
}

function count(h: Auc2State, i: number): number {
  return h.tps[i] + h.fps[i];
}

// Cost of merging bins i and i + 1: both bins' squared errors plus the increase.
function pairCost(h: Auc2State, i: number): number {
  return h.sqe[i] + h.sqe[i + 1] + deltaError(h.ths[i + 1], count(h, i + 1), h.ths[i], count(h, i));
}

// The cached cheapest pair, else a scan for it (H2O's find_smallest).
function findSmallest(h: Auc2State): number {
  if (h.ssx < 0) h.ssx = scanSmallest(h);
  return h.ssx;
}

// The pair (i, i+1) whose merge adds the least squared error; the first duplicate pair wins at once.
function scanSmallest(h: Auc2State): number {
  let best = -1;
  let bestSqe = Number.MAX_VALUE;
  for (let i = 0; i < h.n - 1; i++) {
    const d = deltaError(h.ths[i + 1], count(h, i + 1), h.ths[i], count(h, i));
    if (d === 0) return i;
    const sqe = h.sqe[i] + h.sqe[i + 1] + d;
    if (sqe < bestSqe) [best, bestSqe] = [i, sqe];
  }
  if (best >= 0) return best;
  // Every candidate overflowed to Infinity/NaN: fall back to the closest centres, as H2O does.
  best = 0;
  for (let i = 1; i < h.n - 1; i++) if (h.ths[i + 1] - h.ths[i] < h.ths[best + 1] - h.ths[best]) best = i;
  return best;
}

function firstDuplicate(h: Auc2State): number {
  for (let i = 0; i < h.n - 1; i++) {
    if (deltaError(h.ths[i + 1], count(h, i + 1), h.ths[i], count(h, i)) === 0) return i;
  }
  return -1;
}

function mergeOneBin(h: Auc2State, i: number): void {
  const k0 = count(h, i);
  const k1 = count(h, i + 1);
  h.sqe[i] = h.sqe[i] + h.sqe[i + 1] + deltaError(h.ths[i + 1], k1, h.ths[i], k0);
  h.ths[i] = combineCentres(h.ths[i], k0, h.ths[i + 1], k1);
  h.tps[i] += h.tps[i + 1];
  h.fps[i] += h.fps[i + 1];
  for (const a of [h.ths, h.sqe, h.tps, h.fps]) a.copyWithin(i + 1, i + 2, h.n);
  h.n--;
  h.ssx = -1;
}

// Weighted mean of the centres; equal centres stay bit-identical so merging partial histograms
// of the same values keeps the thresholds a single pass would report.
function combineCentres(c0: number, n0: number, c1: number, n1: number): number {
  if (c0 === c1) return c0;
  const c = (c0 * n0 + c1 * n1) / (n0 + n1);
  return Number.isFinite(c) ? c : (c0 + c1) / 2;
}
