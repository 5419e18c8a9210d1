"""Python peers tokenizing the same JSONL corpus with the same tokenizer.json, for BENCHMARKS.md.

usage: peers_tokenize.py TOKENIZER_JSON CORPUS.jsonl WORKERS
Prints one line per peer: tokens, seconds, tokens/s. WORKERS threads (tokenizers) or processes
(datasets.map num_proc, datatrove tasks).
"""
import json
import os
import shutil
import sys
import tempfile
import time

def main():
    tok_path, corpus, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    texts = [json.loads(l)["text"] for l in open(corpus, encoding="utf-8")]


    def report(name, tokens, secs):
        print(f"peer={name} workers={workers} docs={len(texts)} tokens={tokens} seconds={secs:.3f} tokens_per_s={tokens / secs:.0f}", flush=True)


    from tokenizers import Tokenizer  # noqa: E402

    tok = Tokenizer.from_file(tok_path)
    t = time.perf_counter()
    n = sum(len(e.ids) for e in tok.encode_batch_fast(texts, add_special_tokens=False))
    report("tokenizers.encode_batch_fast", n, time.perf_counter() - t)

    import datasets  # noqa: E402

    datasets.disable_progress_bars()
    ds = datasets.Dataset.from_dict({"text": texts})


    def enc(batch):
        return {"ids": [e.ids for e in Tokenizer.from_file(tok_path).encode_batch(batch["text"], add_special_tokens=False)]}


    t = time.perf_counter()
    out = ds.map(enc, batched=True, batch_size=16, num_proc=workers if workers > 1 else None, remove_columns=["text"])
    n = sum(len(x) for x in out["ids"])
    report("datasets.map", n, time.perf_counter() - t)

    from datatrove.executor import LocalPipelineExecutor  # noqa: E402
    from datatrove.pipeline.readers import JsonlReader  # noqa: E402
    from datatrove.pipeline.tokens import DocumentTokenizer  # noqa: E402

    work = tempfile.mkdtemp()
    try:
        src = os.path.join(work, "in")
        os.makedirs(src)
        # One file per worker so datatrove's tasks split the corpus.
        for w in range(workers):
            with open(os.path.join(src, f"part{w}.jsonl"), "w", encoding="utf-8") as f:
                for i, line in enumerate(open(corpus, encoding="utf-8")):
                    if i % workers == w:
                        f.write(line)
        ex = LocalPipelineExecutor(
            pipeline=[
                JsonlReader(src, glob_pattern="*.jsonl", text_key="text"),
                DocumentTokenizer(output_folder=os.path.join(work, "out"), tokenizer_name_or_path=tok_path, eos_token="<|endoftext|>", shuffle_documents=False),
            ],
            tasks=workers,
            workers=workers,
            logging_dir=os.path.join(work, "logs"),
        )
        t = time.perf_counter()
        ex.run()
        secs = time.perf_counter() - t
        n = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(work, "out")) for f in fs if f.endswith(".ds")) // 2
        report("datatrove.DocumentTokenizer", n, secs)
    finally:
        shutil.rmtree(work)


# datatrove and datasets start worker processes that import this file: keep the work under main.
if __name__ == "__main__":
    main()
