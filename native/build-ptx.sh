#!/usr/bin/env bash
# Regenerates the PTX shipped in the jar from src/main/cuda/*.cu (needs nvcc; a build without
# nvcc uses the committed PTX). One PTX module per .cu file, target compute_80 so it runs on
# A100, H100, H200 and newer.
#
# Drivers for CUDA 12.x refuse PTX ISA 9.0, which nvcc 13 writes. The kernels use nothing
# newer than ISA 8.0 (CUDA 12.0), so the `.version` line is lowered to 8.0, and ptxas then
# assembles the lowered file for sm_80 and sm_90: ptxas rejects any instruction or directive
# that needs a newer ISA than the file declares, so a kernel that does need one fails here
# instead of on a GPU host. The tests compile the committed PTX again with JCuda's bundled
# PTX compiler (CUDA 12.6) and check SOURCES.sha256 against the .cu files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/src/main/cuda"
out="$here/src/main/resources/dev/brigade/cuda/ptx"
NVCC="${NVCC:-nvcc}"
PTXAS="${PTXAS:-$(dirname "$(command -v "$NVCC")")/ptxas}"
mkdir -p "$out"
rm -f "$out"/*.ptx
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  # -fmad=false: no implicit a*b+c contraction, so the code computes what it says (explicit
  # fmaf stays a fused multiply-add).
  "$NVCC" -arch=compute_80 -ptx -fmad=false -I "$src" -o "$out/$name.ptx" "$cu"
  version="$(sed -n 's/^\.version \([0-9]*\.[0-9]*\)$/\1/p' "$out/$name.ptx")"
  if awk -v v="$version" 'BEGIN { exit !(v > 8.0) }'; then
    sed -i 's/^\.version [0-9.]*$/.version 8.0/' "$out/$name.ptx"
  fi
  for sm in sm_80 sm_90; do
    "$PTXAS" -arch="$sm" "$out/$name.ptx" -o /dev/null
  done
  echo "$name.ptx: PTX ISA $version -> $(sed -n 's/^\.version //p' "$out/$name.ptx"), ptxas ok for sm_80 and sm_90"
done
(cd "$src" && sha256sum $(ls *.cu *.cuh | sort)) > "$out/SOURCES.sha256"
echo "recorded source hashes in $out/SOURCES.sha256"
