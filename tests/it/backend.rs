//! Backends: one conformance suite run against every backend in the build (CUDA when built with
//! `--features cuda` and SLUICE_TEST_CUDA=1), and the real teacher (SmolLM2-135M-Instruct GGUF)
//! checked against transformers' own dequantisation and PyTorch forward pass.

use std::path::{Path, PathBuf};

use sluice::backend::{self, Backend, BackendKind, LlamaConfig, OptimConfig, TokenBatch};

use crate::util::{fails, ok, python, run_python, sluice};

pub fn tiny(vocab: usize) -> LlamaConfig {
    LlamaConfig {
        vocab_size: vocab,
        hidden_size: 32,
        intermediate_size: 64,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        rope_theta: 10000.0,
        rms_norm_eps: 1e-5,
        max_position_embeddings: 256,
        tie_word_embeddings: true,
    }
}

pub fn open(kind: BackendKind, cfg: &LlamaConfig, seed: u64) -> Box<dyn Backend> {
    let mut w = backend::model::init_weights(cfg, seed).unwrap();
    backend::open(kind, cfg, &mut w, &OptimConfig::default()).unwrap()
}

pub fn batch(rows: &[Vec<u32>], starts: &[Vec<u32>]) -> TokenBatch {
    TokenBatch {
        tokens: rows.concat(),
        batch: rows.len(),
        len: rows[0].len(),
        doc_starts: starts.to_vec(),
    }
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// The checks every backend must pass, on a 2-layer model (GQA 4:2, tied embeddings).
fn conformance(kind: BackendKind) {
    let cfg = tiny(97);
    let b = open(kind, &cfg, 7);
    let doc_a: Vec<u32> = (0..9).map(|i| (i * 7 + 3) % 97).collect();
    let doc_b: Vec<u32> = (0..7).map(|i| (i * 11 + 5) % 97).collect();
    let packed = [doc_a.clone(), doc_b.clone()].concat();

    // 1. Document mask: each document packed in one row scores exactly as it does alone (RoPE is
    //    relative, so positions need no reset).
    let p = b
        .forward_logits(&batch(std::slice::from_ref(&packed), &[vec![0, 9]]))
        .unwrap();
    let a = b
        .forward_logits(&batch(std::slice::from_ref(&doc_a), &[vec![0]]))
        .unwrap();
    let bb = b
        .forward_logits(&batch(std::slice::from_ref(&doc_b), &[vec![0]]))
        .unwrap();
    let v = cfg.vocab_size;
    assert!(
        max_diff(&p.values[..9 * v], &a.values) < 1e-4,
        "{kind:?}: doc A"
    );
    assert!(
        max_diff(&p.values[9 * v..], &bb.values) < 1e-4,
        "{kind:?}: doc B"
    );
    // Without the boundary, doc B sees doc A: the logits must differ.
    let joined = b
        .forward_logits(&batch(std::slice::from_ref(&packed), &[vec![0]]))
        .unwrap();
    assert!(
        max_diff(&joined.values[9 * v..], &bb.values) > 1e-3,
        "{kind:?}: mask has no effect"
    );

    // 2. Causality: changing the last token changes no earlier position.
    let mut changed = packed.clone();
    *changed.last_mut().unwrap() = 1;
    let c = b.forward_logits(&batch(&[changed], &[vec![0]])).unwrap();
    let n = packed.len();
    assert_eq!(
        &c.values[..(n - 1) * v],
        &joined.values[..(n - 1) * v],
        "{kind:?}: causality"
    );

    // 3. Batched rows score as they do one by one.
    let two = b
        .forward_logits(&batch(
            &[
                doc_a.clone(),
                doc_b[..7].iter().chain(&doc_b[..2]).copied().collect(),
            ],
            &[vec![0], vec![0]],
        ))
        .unwrap();
    assert!(
        max_diff(&two.values[..9 * v], &a.values) < 1e-4,
        "{kind:?}: batching"
    );

    // 4. eval_loss is the mean NLL of the weighted targets, recomputed here from the logits.
    let eb = batch(std::slice::from_ref(&packed), &[vec![0, 9]]);
    let loss = b.eval_loss(&eb).unwrap();
    let (t, w) = eb.targets();
    let mut nll = 0.0;
    for pos in 0..n {
        if w[pos] > 0.0 {
            nll -= backend::log_softmax(p.at(0, pos)).1[t[pos] as usize];
        }
    }
    assert_eq!(
        loss.tokens, 14,
        "{kind:?}: 16 positions minus the last and doc B's first"
    );
    assert!(
        (loss.nll - nll).abs() < 1e-3,
        "{kind:?}: {} vs {nll}",
        loss.nll
    );

    // 5. Training lowers the loss on what it sees; weights round-trip exactly.
    let mut tb = open(kind, &cfg, 7);
    let first = tb
        .train_step(std::slice::from_ref(&eb), 1e-2)
        .unwrap()
        .mean();
    for _ in 0..15 {
        tb.train_step(std::slice::from_ref(&eb), 1e-2).unwrap();
    }
    let after = tb.eval_loss(&eb).unwrap().mean();
    assert!(after < first * 0.7, "{kind:?}: loss {first} -> {after}");
    let mut w = tb.weights();
    let again = backend::open(kind, &cfg, &mut w, &OptimConfig::default()).unwrap();
    assert_eq!(
        again.forward_logits(&eb).unwrap().values,
        tb.forward_logits(&eb).unwrap().values,
        "{kind:?}: weights round trip"
    );

    // 6. Token ids past the vocabulary are refused, naming the position.
    let bad = batch(&[vec![1, 2, 97]], &[vec![0]]);
    let e = b
        .forward_logits(&bad)
        .err()
        .expect("id 97 refused")
        .to_string();
    assert!(e.contains("token id 97") && e.contains("position 2"), "{e}");

    // 7. Every backend agrees with the CPU backend.
    if kind != BackendKind::Cpu {
        let cpu = open(BackendKind::Cpu, &cfg, 7);
        let want = cpu.forward_logits(&eb).unwrap();
        assert!(max_diff(&p.values, &want.values) < 1e-3, "{kind:?} vs cpu");
    }
}

#[test]
fn conformance_cpu() {
    conformance(BackendKind::Cpu);
}

#[test]
fn conformance_cuda() {
    if !cfg!(feature = "cuda") {
        // Without the feature the CUDA backend is a clear error, not a panic.
        let cfg = tiny(10);
        let mut w = backend::model::init_weights(&cfg, 0).unwrap();
        let e = backend::open(BackendKind::Cuda, &cfg, &mut w, &OptimConfig::default())
            .err()
            .expect("no cuda in this build")
            .to_string();
        assert!(e.contains("--features cuda"), "{e}");
        return;
    }
    if std::env::var("SLUICE_TEST_CUDA").as_deref() != Ok("1") {
        eprintln!("conformance_cuda: set SLUICE_TEST_CUDA=1 on a GPU machine to run it");
        return;
    }
    conformance(BackendKind::Cuda);
}

#[test]
fn conformance_torch() {
    let cfg = tiny(10);
    let mut w = backend::model::init_weights(&cfg, 0).unwrap();
    let opened = backend::open(BackendKind::Torch, &cfg, &mut w, &OptimConfig::default());
    if !cfg!(feature = "torch") {
        let e = opened.err().expect("no torch in this build").to_string();
        assert!(e.contains("--features torch"), "{e}");
        return;
    }
    let b = opened.unwrap();
    assert_eq!(b.name(), "torch");
    // libtorch names the kernel it would pick (on this CPU its flash kernel takes the mask too).
    let att = b.capabilities().attention;
    assert!(
        att.starts_with("sdpa causal: ") && !att.contains("unknown"),
        "{att}"
    );
    conformance(BackendKind::Torch);
    // A device libtorch does not see is a backend error naming it (exit class 5), not a panic.
    let cuda7 = BackendKind::Torch.target(Some("cuda:7")).unwrap();
    let mut w = backend::model::init_weights(&cfg, 0).unwrap();
    let e = backend::open(cuda7, &cfg, &mut w, &OptimConfig::default())
        .err()
        .expect("no 8th GPU")
        .to_string();
    assert!(e.contains("cuda:7") && e.contains("CUDA device"), "{e}");
}

/// `model bench --backend torch --json` on the real teacher: throughput, FLOP rates and the attention
/// kernel, as machines read it (`bench/gpu_check.sh` prints this on a GPU).
#[cfg(feature = "torch")]
#[test]
fn model_bench_reports_throughput_and_the_attention_kernel() {
    let out = ok(sluice().args(["model", "bench"]).arg(teacher()).args([
        "--backend",
        "torch",
        "--seq-len",
        "16",
        "--reps",
        "1",
        "--json",
    ]));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["backend"], "torch", "{r}");
    assert_eq!(r["parameters"], 134_515_008u64, "{r}");
    for k in ["forward_tokens_per_s", "train_tokens_per_s", "train_tflops"] {
        assert!(r[k].as_f64().unwrap() > 0.0, "{k}: {r}");
    }
    let att = r["attention"].as_str().unwrap();
    assert!(
        att.contains("causal: ") && att.contains("document mask: "),
        "{r}"
    );
}

/// Aliases and devices resolve to one engine, device and dtype; nonsense is refused.
#[test]
fn backends_resolve_by_name_and_device() {
    let t = |k: BackendKind, d: Option<&str>| k.target(d).map(|t| (t.engine, t.device, t.dtype));
    let s = String::from;
    assert_eq!(
        t(BackendKind::Cpu, None).unwrap(),
        ("burn", s("cpu"), "f32")
    );
    assert_eq!(
        t(BackendKind::Burn, Some("cpu")).unwrap(),
        ("burn", s("cpu"), "f32")
    );
    assert_eq!(
        t(BackendKind::Cuda, None).unwrap(),
        ("burn", s("cuda:0"), "f32")
    );
    assert_eq!(
        t(BackendKind::Torch, None).unwrap(),
        ("torch", s("cpu"), "f32")
    );
    assert_eq!(
        t(BackendKind::Torch, Some("cuda")).unwrap(),
        ("torch", s("cuda:0"), "bf16")
    );
    assert_eq!(
        t(BackendKind::Torch, Some("cuda:1")).unwrap(),
        ("torch", s("cuda:1"), "bf16")
    );
    let e = t(BackendKind::Torch, Some("tpu")).unwrap_err().to_string();
    assert!(e.contains("--device `tpu`"), "{e}");
    let e = t(BackendKind::Cpu, Some("cuda")).unwrap_err().to_string();
    assert!(e.contains("--backend burn or torch"), "{e}");
    let e = t(BackendKind::Burn, Some("cuda:1"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("cuda:0"), "{e}");
}

/// The torch backend trains as the burn CPU backend does: the same loss at step 0, the same loss
/// curve within f32 summation noise, the same distillation loss, and a checkpointed run resumed in
/// a new backend continues bit for bit.
#[cfg(feature = "torch")]
#[test]
fn torch_trains_distils_and_resumes_as_the_cpu_backend() {
    use sluice::backend::{DistillConfig, TeacherTargets};
    let cfg = tiny(97);
    let rows: Vec<Vec<u32>> = (0..2)
        .map(|r| (0..16).map(|i| ((i * 7 + 3 + r * 5) % 97) as u32).collect())
        .collect();
    let eb = batch(&rows, &[vec![0, 9], vec![0]]);
    let micro = [eb.clone(), batch(&rows[..1], &[vec![0, 4]])];
    let (mut burn, mut torch) = (
        open(BackendKind::Cpu, &cfg, 7),
        open(BackendKind::Torch, &cfg, 7),
    );
    let (l0b, l0t) = (burn.eval_loss(&eb).unwrap(), torch.eval_loss(&eb).unwrap());
    assert_eq!(l0b.tokens, l0t.tokens);
    assert!(
        (l0b.nll - l0t.nll).abs() < 1e-4 * l0b.nll,
        "step 0: {l0b:?} vs {l0t:?}"
    );
    for step in 0..12 {
        let lr = 3e-3;
        let (b, t) = (
            burn.train_step(&micro, lr).unwrap(),
            torch.train_step(&micro, lr).unwrap(),
        );
        // f32 on both sides in other summation orders: the curves agree to 1e-3 relative.
        assert!(
            (b.mean() - t.mean()).abs() < 1e-3 * b.mean(),
            "step {step}: burn {} vs torch {}",
            b.mean(),
            t.mean()
        );
    }
    // Distillation towards a sparse teacher (3 ids per position, the rest as tail mass).
    let n = eb.batch * eb.len;
    let targets = TeacherTargets {
        k: 3,
        ids: (0..n * 3).map(|i| ((i * 13) % 97) as u32).collect(),
        probs: (0..n * 3).map(|i| [0.5, 0.3, 0.1][i % 3]).collect(),
        tail: vec![0.1; n],
    };
    let dc = DistillConfig {
        temperature: 2.0,
        weight: 0.7,
    };
    let pair = [(eb.clone(), targets)];
    let (b, t) = (
        burn.distill_step(&pair, &dc, 1e-3).unwrap(),
        torch.distill_step(&pair, &dc, 1e-3).unwrap(),
    );
    assert!(
        (b.nll - t.nll).abs() < 1e-3 * b.nll.abs(),
        "distill: burn {b:?} vs torch {t:?}"
    );

    // Resume: 3 steps, checkpoint (weights + optimizer), a new backend from it, 3 more steps,
    // against 6 uninterrupted ones.
    let tmp = tempfile::tempdir().unwrap();
    let mut whole = open(BackendKind::Torch, &cfg, 11);
    let mut first = open(BackendKind::Torch, &cfg, 11);
    for _ in 0..3 {
        whole.train_step(&micro, 3e-3).unwrap();
        first.train_step(&micro, 3e-3).unwrap();
    }
    first.save_optimizer(tmp.path()).unwrap();
    let mut w = first.weights();
    drop(first);
    let mut resumed =
        backend::open(BackendKind::Torch, &cfg, &mut w, &OptimConfig::default()).unwrap();
    resumed.load_optimizer(tmp.path()).unwrap();
    for _ in 0..3 {
        let a = whole.train_step(&micro, 3e-3).unwrap();
        let b = resumed.train_step(&micro, 3e-3).unwrap();
        assert_eq!(a.nll.to_bits(), b.nll.to_bits(), "resumed loss");
    }
    assert_eq!(
        whole.forward_logits(&eb).unwrap().values,
        resumed.forward_logits(&eb).unwrap().values,
        "resumed weights"
    );
    // A checkpoint of another model is refused by name.
    let other = open(BackendKind::Torch, &tiny(50), 1);
    other.save_optimizer(tmp.path()).unwrap();
    let e = resumed
        .load_optimizer(tmp.path())
        .expect_err("shape mismatch")
        .to_string();
    assert!(
        e.contains("optimizer.safetensors") && e.contains("model.embed_tokens"),
        "{e}"
    );
}

/// The SmolLM2 GGUF that scripts/test.sh fetches (SLUICE_TEACHER).
pub fn teacher() -> PathBuf {
    let p = std::env::var("SLUICE_TEACHER").expect(
        "SLUICE_TEACHER unset: run the tests with scripts/test.sh (it fetches SmolLM2-135M)",
    );
    PathBuf::from(p)
}

/// The teacher's tokenizer (from its GGUF metadata) as `dir/tokenizer.json`.
pub fn teacher_tokenizer(dir: &Path) -> PathBuf {
    let tok = dir.join("tokenizer.json");
    ok(sluice()
        .args(["model", "tokenizer"])
        .arg(teacher())
        .arg("--out")
        .arg(&tok));
    tok
}

/// English prose from the shipped pretraining sample (Washington, 1790).
fn english(chars: usize) -> String {
    let line =
        std::fs::read_to_string(crate::util::samples().join("pretrain/sotu_1790_1849.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let text = v["text"].as_str().unwrap();
    let mut end = chars.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

fn score(
    model: &Path,
    tok: &Path,
    text: &str,
    dump: Option<&Path>,
    backend: &str,
) -> serde_json::Value {
    let mut c = sluice();
    c.args(["model", "score", "--json", "--backend", backend])
        .arg(model)
        .arg("--tokenizer")
        .arg(tok)
        .args(["--text", text]);
    if let Some(d) = dump {
        c.arg("--dump-logits").arg(d);
    }
    serde_json::from_slice(&ok(&mut c).stdout).unwrap()
}

#[test]
fn smollm2_matches_transformers_and_scores_english() {
    let model = teacher();
    let py = python("transformers, gguf, torch, tokenizers");
    let tmp = tempfile::tempdir().unwrap();
    let tok = teacher_tokenizer(tmp.path());
    let info: serde_json::Value =
        serde_json::from_slice(&ok(sluice().args(["model", "info", "--json"]).arg(&model)).stdout)
            .unwrap();
    assert_eq!(info["config"]["num_hidden_layers"], 30);
    assert_eq!(info["config"]["num_key_value_heads"], 3);
    assert_eq!(info["config"]["vocab_size"], 49152);
    assert_eq!(info["parameters"], 134_515_008u64);

    let prompt = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\nThe capital of France is";
    let logits = tmp.path().join("prompt.f32");
    let s = score(&model, &tok, prompt, Some(&logits), "cpu");
    let passage = english(1500);
    let e = score(&model, &tok, &passage, None, "cpu");
    // Every backend compiled in is held to the same reference.
    let torch_logits = tmp.path().join("prompt-torch.f32");
    let torch =
        cfg!(feature = "torch").then(|| score(&model, &tok, prompt, Some(&torch_logits), "torch"));
    let texts = [
        prompt.to_string(),
        passage.clone(),
        "In 1789, 13 states ratified it; fn main() { let x = 42_000; }\n\tdone.".to_string(),
    ];
    let mut cases = serde_json::json!([
        {"ids": s["ids"], "logits": logits, "texts": texts},
        {"ids": e["ids"], "logits": null},
    ]);
    if let Some(t) = &torch {
        assert_eq!(t["ids"], s["ids"]);
        let case = serde_json::json!({"ids": t["ids"], "logits": torch_logits});
        cases.as_array_mut().unwrap().push(case);
    }
    let cases_path = tmp.path().join("cases.json");
    std::fs::write(&cases_path, cases.to_string()).unwrap();
    let dir = model.parent().unwrap();
    let name = model.file_name().unwrap();
    let script = crate::util::repo().join("tests/python/check_backend_reference.py");
    let out = run_python(
        &py,
        &[
            script.as_os_str(),
            dir.as_os_str(),
            name,
            tok.as_os_str(),
            cases_path.as_os_str(),
        ],
    );
    let line = out
        .lines()
        .rfind(|l| l.starts_with('{'))
        .expect("report line");
    let r: serde_json::Value = serde_json::from_str(line).unwrap();
    eprintln!("reference: {r}\nsluice prompt: {s}");
    assert_eq!(
        r["tokenizer_mismatches"],
        serde_json::json!([]),
        "tokenizer.json from the GGUF"
    );
    let backends = if torch.is_some() { vec![0, 2] } else { vec![0] };
    for i in backends {
        let c = &r["cases"][i];
        // f32 on both sides, different summation orders over 30 layers (seen: 7e-5, KL 4e-11).
        assert!(
            c["max_abs_logit_diff"].as_f64().unwrap() < 1e-3,
            "case {i}: {c}"
        );
        assert!(c["max_kl"].as_f64().unwrap() < 1e-8, "case {i}: {c}");
        assert_eq!(c["argmax_agree"].as_f64().unwrap(), 1.0, "case {i}: {c}");
    }
    // " Paris" is the most likely continuation.
    assert_eq!(s["next_top5"][0][0], 7042, "{s}");
    // Perplexity on 1790s English prose: sluice's equals the reference's and lies in the range a
    // 135M model reaches on such text.
    let ours = e["nll_mean"].as_f64().unwrap();
    let theirs = r["cases"][1]["ref_nll"].as_f64().unwrap();
    assert!(
        (ours - theirs).abs() < 2e-3,
        "nll {ours} vs reference {theirs}"
    );
    let ppl = e["perplexity"].as_f64().unwrap();
    // (seen: 37.3 on Washington's 1790 address, 292 tokens)
    assert!((10.0..60.0).contains(&ppl), "perplexity {ppl}");
}

#[test]
fn bad_model_files_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let not = tmp.path().join("weights.bin");
    std::fs::write(&not, b"PK\x03\x04 not a model at all").unwrap();
    let e = fails(sluice().args(["model", "info"]).arg(&not), 3);
    assert!(
        e.contains("weights.bin") && e.contains("neither a GGUF"),
        "{e}"
    );

    let model = teacher();
    let bytes = std::fs::read(&model).unwrap();
    // Truncated: the tensor directory is intact, the data is not.
    let cut = tmp.path().join("cut.gguf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = fails(sluice().args(["model", "info"]).arg(&cut), 3);
    assert!(
        e.contains("cut.gguf") && e.contains("truncated") && e.contains("tensor `"),
        "{e}"
    );
    // Unsupported quantisation: the first tensor's type rewritten to Q4_K (12).
    let q4k = tmp.path().join("q4k.gguf");
    std::fs::write(&q4k, retype_first_tensor(&bytes, 12)).unwrap();
    let e = fails(sluice().args(["model", "info"]).arg(&q4k), 3);
    assert!(
        e.contains("q4k.gguf") && e.contains("token_embd.weight") && e.contains("Q4_K"),
        "{e}"
    );
    // Token ids past the vocabulary.
    let e = fails(
        sluice()
            .args(["model", "score", "--ids", "1,2,60000"])
            .arg(&model),
        3,
    );
    assert!(e.contains("token id 60000") && e.contains("49152"), "{e}");
}

/// Rewrites the ggml type of the first tensor in a GGUF's directory.
fn retype_first_tensor(bytes: &[u8], ty: u32) -> Vec<u8> {
    let name = b"token_embd.weight";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap();
    // name, then n_dims (u32), dims (u64 each), then the type.
    let n_dims = u32::from_le_bytes(
        bytes[at + name.len()..at + name.len() + 4]
            .try_into()
            .unwrap(),
    );
    let ty_at = at + name.len() + 4 + 8 * n_dims as usize;
    let mut out = bytes.to_vec();
    out[ty_at..ty_at + 4].copy_from_slice(&ty.to_le_bytes());
    out
}

#[test]
fn every_supported_gguf_type_dequantises_as_gguf_py_does() {
    let py = python("gguf, numpy");
    let tmp = tempfile::tempdir().unwrap();
    let script = crate::util::repo().join("tests/python/make_quant_gguf.py");
    run_python(&py, &[script.as_os_str(), tmp.path().as_os_str()]);
    let g = backend::gguf::Gguf::open(&tmp.path().join("quants.gguf")).unwrap();
    for ty in ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1"] {
        let t = g
            .tensor(&ty.to_lowercase())
            .unwrap_or_else(|| panic!("{ty} tensor"));
        assert_eq!(t.shape(), [8, 64], "{ty}");
        let ours = g.dequantize(t).unwrap();
        let bytes = std::fs::read(tmp.path().join(format!("{ty}.f32"))).unwrap();
        let theirs: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{ty}");
        let worst = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst <= 1e-7, "{ty}: differs from gguf-py by up to {worst}");
    }
}
