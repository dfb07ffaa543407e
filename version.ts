/** Tide's version, printed by `tide --version` and written into model files. */
export const VERSION = "0.1.0";
