#!/usr/bin/env bash
# Run the test suite: sets up the Python readers the tests check against and the reference teacher
# (once, cached: scripts/test_env.sh), then `cargo test`. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test_env.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}
cargo test "$@"
