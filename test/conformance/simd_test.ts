/** The conformance suite against the WebAssembly SIMD backend (Float32, fused trainer, Workers). */
import { simdBackend } from "../../backends/simd/simd.ts";
import { runBackendSuite } from "./_suite.ts";

await runBackendSuite(() => simdBackend(), { hostMath: true });
