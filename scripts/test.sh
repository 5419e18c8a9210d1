#!/usr/bin/env bash
# Run the test suite: sets up the Python readers the tests check against and the reference teacher
# (once, cached: scripts/test_env.sh), then `cargo test --features torch`, then builds the Python
# package into the test venv and runs its tests (python/tests, real PyTorch DataLoaders). Extra
# arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test_env.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}
# With the libtorch backend, so that its conformance tests run beside burn's
# (SLUICE_TEST_FEATURES="" tests the pure-Rust build alone).
features=${SLUICE_TEST_FEATURES-torch}
cargo test ${features:+--features "$features"} "$@"
# The Python package, built on the same compiled dependencies (scripts/python_package.sh).
scripts/python_package.sh
python -m pytest -q python/tests
