/**
 * Long work as H2O jobs (spec §2.6): the request answers at once with a job, the work runs off the
 * request path, and clients poll its 0..1 progress until DONE, FAILED or CANCELLED. A job that
 * throws ends FAILED with a one-line message; it never takes the server down.
 * @module
 */
import { keyRef, meta } from "./wire.ts";

/** H2O's job states. */
export type JobStatus = "CREATED" | "RUNNING" | "DONE" | "FAILED" | "CANCELLED";

/** What a running job can report and check. */
export interface JobContext {
  /** Sets the 0..1 progress and an optional status line. */
  progress(fraction: number, message?: string): void;
  /** Aborted when the job is cancelled. */
  readonly signal: AbortSignal;
  /** Adds a warning the client re-emits after the job ends. */
  warn(message: string): void;
  /** Hands a training event (progress, scoring) to the job's listeners (the UI's live stream). */
  event(e: unknown): void;
}

/** One job. */
export class Job {
  status: JobStatus = "CREATED";
  progress = 0;
  progressMsg = "";
  exception: string | null = null;
  warnings: string[] = [];
  readonly start = Date.now();
  end: number | null = null;
  readonly controller = new AbortController();
  /** Who hears this job's events and state changes (server/ui/events.ts streams them). */
  readonly listeners = new Set<(e: unknown) => void>();
  /** Scoring events so far, so a stream opened late starts with the whole chart. */
  readonly scores: unknown[] = [];
  /** The fold or grid model now training (its `model` or `grid_model` event), or null; `scores` are its. */
  currentModel: unknown = null;

  constructor(
    readonly id: string,
    readonly description: string,
    readonly dest: { kind: "Frame" | "Model" | "Grid"; name: string },
  ) {}

  /** JobV3. */
  toJSON(): Record<string, unknown> {
    return {
      __meta: meta("JobV3", "Job"), key: keyRef("Job", this.id), description: this.description, status: this.status,
      progress: this.progress, progress_msg: this.progressMsg, start_time: this.start, msec: (this.end ?? Date.now()) - this.start,
      dest: keyRef(this.dest.kind, this.dest.name), warnings: this.warnings.length ? this.warnings : null,
      exception: this.exception, stacktrace: this.exception === null ? null : this.exception,
      auto_recoverable: false, ready_for_view: true,
    };
  }
}

/** The job table. */
export class Jobs {
  readonly #jobs = new Map<string, Job>();
  #next = 0;

  /**
   * Starts `work` on the next turn of the event loop and returns its job. The work's result is
   * its business (it stores the frame or model); a throw marks the job FAILED with its message,
   * an abort marks it CANCELLED.
   */
  start(description: string, dest: Job["dest"], work: (ctx: JobContext) => Promise<void>): Job {
    const job = new Job(`job_${++this.#next}_${Date.now().toString(36)}`, description, dest);
    this.#jobs.set(job.id, job);
    job.status = "RUNNING";
    const ctx: JobContext = {
      progress: (f, m) => {
        if (Number.isFinite(f)) job.progress = Math.max(0, Math.min(1, f));
        if (m !== undefined) job.progressMsg = m;
      },
      signal: job.controller.signal,
      warn: (m) => job.warnings.push(m),
      event: (e) => {
        const type = (e as { type?: string })?.type;
        // Each fold or grid model starts a new scoring history.
        if (type === "model" || type === "grid_model") {
          job.scores.length = 0;
          job.currentModel = e;
        }
        if (type === "score") job.scores.push(e);
        for (const l of job.listeners) l(e);
      },
    };
    setTimeout(async () => {
      try {
        await work(ctx);
        if (job.status === "RUNNING") {
          job.status = job.controller.signal.aborted ? "CANCELLED" : "DONE";
          if (job.status === "DONE") job.progress = 1;
        }
      } catch (e) {
        if (job.controller.signal.aborted) {
          job.status = "CANCELLED";
          job.exception = null;
        } else {
          job.status = "FAILED";
          const err = e as Error;
          job.exception = `${javaType(err)}: ${err?.message ?? String(e)}`;
        }
      } finally {
        job.end = Date.now();
        for (const l of job.listeners) l({ type: "end" });
      }
    }, 0);
    return job;
  }

  /** The job, or undefined. */
  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** Requests cancellation; the work sees its signal aborted. */
  cancel(id: string): Job | undefined {
    const job = this.#jobs.get(id);
    if (job && (job.status === "RUNNING" || job.status === "CREATED")) {
      job.controller.abort();
      job.progressMsg = "Cancelled by the user";
    }
    return job;
  }

  /** Every job, oldest first. */
  all(): Job[] {
    return [...this.#jobs.values()];
  }

  /** Jobs still running. */
  running(): Job[] {
    return [...this.#jobs.values()].filter((j) => j.status === "RUNNING");
  }
}

function javaType(e: Error): string {
  if (e instanceof RangeError || e instanceof TypeError || e instanceof SyntaxError) return "java.lang.IllegalArgumentException";
  return "java.lang.RuntimeException";
}
