#!/usr/bin/env bash
# On a machine with a real GPU: installs, runs the webgpu conformance suite and engine tests under
# Deno (navigator.gpu, wgpu) and under Bun (the webgpu package, Dawn), then the benchmark, and
# prints the figures. Extra arguments go to the benchmark (e.g. --peak 60000 for the GPU's peak
# FP32 GFLOP/s, --only record --mb 256).
set -uo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund || exit 1
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
echo "== tide backends (Bun: Dawn; Deno: navigator.gpu): adapters, limits, samples/s each"
node_modules/.bin/bun cli/main.ts backends
node_modules/.bin/deno run -A cli/main.ts backends
echo "== conformance under Deno (navigator.gpu)"
CONFORMANCE_REPORT=1 node_modules/.bin/deno test -A test/conformance/webgpu_test.ts test/backends/webgpu_test.ts 2>&1 | grep -E "CONFORMANCE_SUMMARY|passed|failed" | tail -n 3
echo "== conformance under Bun (webgpu package, Dawn)"
CONFORMANCE_REPORT=1 node_modules/.bin/bun test test/conformance/webgpu_test.ts test/backends/webgpu_test.ts 2>&1 | grep -E "CONFORMANCE_SUMMARY| pass$| fail$" | tail -n 4
echo "== benchmark (Deno)"
node_modules/.bin/deno run -A bench/webgpu.ts --mb 32,128,256,512 "$@"
echo "== benchmark (Bun, Dawn)"
node_modules/.bin/bun bench/webgpu.ts --only record --mb 256 "$@"
