"""Fails loudly, before the long Rust build, when the test venv lacks a package the tests use.

Checks each top-level import the test scripts make and the optional paths the libraries take for
them: transformers loads a GGUF only with `gguf` and `accelerate` installed (it says so at load
time, not at import time, so a bare `import transformers` would pass).
usage: check_env.py  (exits 1 naming every missing package)
"""
import importlib
import sys

MODULES = ["pyarrow", "pyarrow.parquet", "numpy", "tokenizers", "torch", "torchvision", "PIL",
           "transformers", "gguf", "gguf.quants", "accelerate", "moto.server", "boto3", "requests",
           "safetensors.torch", "maturin", "pytest"]

missing = []
for name in MODULES:
    try:
        importlib.import_module(name)
    except Exception as e:  # an ImportError, or a package that is there but broken
        missing.append(f"{name} ({type(e).__name__}: {e})")

if not missing:
    from transformers.utils import is_accelerate_available, is_gguf_available
    if not is_gguf_available():
        missing.append("gguf (transformers.utils.is_gguf_available() is False: version too old?)")
    if not is_accelerate_available():
        missing.append("accelerate (transformers.utils.is_accelerate_available() is False)")

if missing:
    sys.stderr.write("test venv is missing what the tests need; pin it in tests/requirements.txt:\n")
    for m in missing:
        sys.stderr.write(f"  - {m}\n")
    sys.exit(1)
print(f"test venv ok: {len(MODULES)} modules import", file=sys.stderr)
