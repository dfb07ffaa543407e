/**
 * `export_checkpoints_dir`: after every scoring event the model as it stands is written to
 * `<dir>/<model_id>.tide`, atomically, so a crash or Ctrl-C leaves the last scored model behind
 * (continue it with `checkpoint`).
 * @module
 */
import { access, constants, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { TrainingHook } from "../core/train/train.ts";
import { writeFileAtomic } from "../io/files.ts";
import { encodeModel } from "./file.ts";

/** Checks (and creates) the folder before training starts, so a bad path fails fast; returns it. */
export async function prepareCheckpointDir(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new RangeError(`"export_checkpoints_dir": cannot write to "${dir}": ${(e as Error).message}`);
  }
  return dir;
}

/** The hook that writes the model after every scoring event. */
export function checkpointExportHook(dir: string): TrainingHook {
  return {
    async scored(s) {
      const data = await s.snapshot(s.scoredState ?? undefined);
      await writeFileAtomic(join(dir, `${data.modelId}.tide`), encodeModel(data));
    },
  };
}
