#!/usr/bin/env bash
# On a GPU host: build, run the CUDA tests (they must run, not skip), then the GPU benchmark:
# matmul bandwidth as % of the device's memory bandwidth (BF16 and FP8, Qwen3-32B decode
# shapes) and decode tokens/s of a synthetic qwen3-32b-fp8 slice of 16 layers at batch 1 and 8.
# Needs only the NVIDIA driver (CUDA 12.0+) and a JDK 25; about 3-5 minutes on an H100.
#   native/gpu-check.sh [--device N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
device="${2:-0}"
if [ "${1:-}" != "" ] && [ "${1:-}" != "--device" ]; then
  echo "usage: native/gpu-check.sh [--device N]" >&2
  exit 2
fi
offline=()
if [ -n "${BRIGADE_OFFLINE:-}" ]; then offline=(-o); fi

echo "== build (launcher jar with the native module)"
./mvnw -B -q "${offline[@]}" -DskipTests package

echo "== CUDA tests on device $device"
export BRIGADE_CUDA_DEVICE="$device"
rm -rf native/target/surefire-reports
./mvnw -B -q "${offline[@]}" -pl native -am verify \
  -Dtest='dev.brigade.cuda.**' -Dsurefire.failIfNoSpecifiedTests=false
grep -h "Tests run" native/target/surefire-reports/*.txt
if grep -q "Skipped: [1-9]" native/target/surefire-reports/*.txt; then
  echo "gpu-check: CUDA tests were skipped on this host:" >&2
  grep -h -o "no CUDA device: [^]]*" native/target/surefire-reports/*.xml | sort -u | head -3 >&2
  exit 1
fi

echo "== benchmark"
"$java_bin" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx64g \
  -cp launcher/target/brigade.jar dev.brigade.cuda.bench.GpuBench --device "$device"
