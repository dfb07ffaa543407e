/**
 * The conformance suite against the reference backend itself: every comparison is exact, so it
 * passes trivially, but it runs every case builder and the harness (designs, skips, tolerances).
 */
import { referenceBackend } from "../../backends/reference/reference.ts";
import { runBackendSuite } from "./_suite.ts";

await runBackendSuite(() => referenceBackend());
