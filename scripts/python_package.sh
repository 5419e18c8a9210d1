#!/usr/bin/env bash
# Build the `sluice` Python package (python/) and install it into the test venv: the dev profile
# and the shared target directory, so it reuses the dependency builds of the tests (only sluice
# itself, pyo3 and the module compile anew). A user's `pip install ./python` builds release.
# Needs scripts/test_env.sh sourced (its venv holds maturin).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SLUICE_PYTHON:?source scripts/test_env.sh first}"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}
t0=$SECONDS
MATURIN_PEP517_ARGS="--profile dev --features torch" "$SLUICE_PYTHON" -m pip install --quiet \
  --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./python
echo "python package built and installed in $((SECONDS - t0)) s" >&2
