#!/usr/bin/env python3
"""Debian's `manpages-zh` (Chinese man pages, GFDL/GPL, see the package's copyright file) as a
JSONL corpus: one document per simplified-Chinese man page, groff markup stripped to prose.

    manpages_zh.py DEB_OR_DIR OUT.jsonl

DEB_OR_DIR is the .deb (`apt-get download manpages-zh`) or a directory it was extracted to. Pages
are sorted by path, so the output is the same on every machine."""
import gzip, json, os, re, subprocess, sys, tempfile

FONT = re.compile(r"\\f(\[[^\]]*\]|\(..|.)")
ESCAPES = [(r"\-", "-"), (r"\(em", "—"), (r"\(en", "–"), (r"\(bu", "•"), (r"\e", "\\"),
           (r"\&", ""), (r"\ ", " "), (r"\|", ""), (r"\^", ""), (r"\0", " "), (r"\(co", "©")]


def prose(groff: str) -> str:
    out = []
    in_macro = False  # inside a `.de NAME` ... `..` macro definition
    for line in groff.splitlines():
        if in_macro:
            in_macro = line.strip() != ".."
            continue
        if line.startswith((".de ", ".de\t", ".am ")):
            in_macro = True
            continue
        if line.startswith(('.\\"', "'\\\"", '.\\\\"')):
            continue  # comment
        if line.startswith((".", "'")):
            parts = line[1:].split(None, 1)
            macro = parts[0] if parts else ""
            rest = parts[1] if len(parts) > 1 else ""
            if macro in ("SH", "SS", "B", "I", "BR", "BI", "IR", "IB", "RB", "RI", "TP", "IP"):
                rest = rest.replace('"', "")
                if macro in ("SH", "SS"):
                    out.append("")
                if rest:
                    out.append(rest)
            elif macro in ("PP", "P", "LP", "sp", "br"):
                out.append("")
            continue  # other requests (.TH, .nf, .fi, .de ...) carry no prose
        out.append(line)
    text = "\n".join(out)
    text = FONT.sub("", text)
    for a, b in ESCAPES:
        text = text.replace(a, b)
    text = re.sub(r"\\\*\(..|\\\*.", "", text)  # string registers
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        root = src
        if os.path.isfile(src):
            subprocess.run(["dpkg-deb", "-x", src, tmp], check=True)
            root = tmp
        pages = []
        for d, _, files in os.walk(root):
            if "/zh_CN/man" in d.replace(os.sep, "/"):
                pages += [os.path.join(d, f) for f in files if f.endswith(".gz")]
        pages.sort(key=lambda p: os.path.relpath(p, root))
        n = 0
        with open(dst + ".tmp", "w", encoding="utf-8") as f:
            for p in pages:
                raw = gzip.open(p).read().decode("utf-8", errors="replace")
                if raw.startswith(".so "):
                    continue  # a link to another page
                text = prose(raw)
                if len(text) < 200:
                    continue
                rel = os.path.relpath(p, root)
                f.write(json.dumps({"id": rel, "text": text}, ensure_ascii=False) + "\n")
                n += 1
        os.replace(dst + ".tmp", dst)
    print(f"{dst}: {n} pages", file=sys.stderr)


if __name__ == "__main__":
    main()
