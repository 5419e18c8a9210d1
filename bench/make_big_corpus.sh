#!/usr/bin/env bash
# A >= 100 MB corpus of distinct text for the tokenizer scaling figures: every UTF-8 file of the
# Linux 6.1 kernel's Documentation/, fs/, kernel/ and mm/ (Debian `linux-source-6.1`), one JSONL
# document per file, in path order.   usage: bench/make_big_corpus.sh OUT.jsonl
set -euo pipefail
out=${1:?usage: make_big_corpus.sh OUT.jsonl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download linux-source-6.1 >/dev/null 2>&1 && dpkg-deb -x linux-source-6.1_*.deb x)
tar xJf "$work"/x/usr/src/linux-source-6.1.tar.xz -C "$work" \
  linux-source-6.1/Documentation linux-source-6.1/fs linux-source-6.1/kernel linux-source-6.1/mm
python3 - "$work/linux-source-6.1" "$out" <<'PY'
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
n = size = 0
with open(out, "w", encoding="utf-8") as w:
    for p in paths:
        try:
            text = open(p, encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        w.write(json.dumps({"path": os.path.relpath(p, root), "text": text}, ensure_ascii=False) + "\n")
        n += 1
        size += len(text.encode())
print(f"{out}: {n} documents, {size / 1e6:.1f} MB of text")
PY
