//! Document sources: Parquet, JSONL and CSV tables read through DataFusion, and directories of
//! plain-text files (one document per file). A source yields documents in a fixed order, so reading
//! it twice gives the same documents.

pub(crate) mod table;
mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use std::sync::mpsc::sync_channel;

use crate::error::{Error, IoContext, Result};

/// How an input file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Parquet,
    Jsonl,
    Csv,
    /// The whole file is one document.
    Text,
}

impl Format {
    fn of(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("parquet") => Format::Parquet,
            Some("jsonl" | "ndjson") => Format::Jsonl,
            Some("csv") => Format::Csv,
            _ => Format::Text,
        }
    }
}

/// What to do with a record that cannot be used (null text, invalid UTF-8, a line that is not JSON).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    Fail,
    Skip,
}

/// A named source as the user declared it.
#[derive(Clone, Debug, Serialize)]
pub struct SourceSpec {
    pub name: String,
    pub paths: Vec<PathBuf>,
    pub text_column: String,
    #[serde(rename = "where")]
    pub filter: Option<String>,
    pub on_error: OnError,
}

/// One file of a source.
#[derive(Clone, Debug)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: Format,
    pub bytes: u64,
}

/// A batch of documents in source order, with the input bytes it accounts for (for progress).
pub struct DocBatch {
    pub docs: Vec<String>,
    pub input_bytes: u64,
}

/// Records read and skipped, by reason.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ScanStats {
    pub records: u64,
    pub skipped: BTreeMap<String, u64>,
}

impl ScanStats {
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }
}

/// A source of text documents.
pub trait Source: Send {
    fn spec(&self) -> &SourceSpec;
    fn files(&self) -> &[InputFile];
    /// Read every document in order, calling `emit` per batch.
    fn scan(&self, emit: &mut dyn FnMut(DocBatch) -> Result<()>) -> Result<ScanStats>;
}

/// Files on disk, of any supported format.
pub struct FileSource {
    spec: SourceSpec,
    files: Vec<InputFile>,
    scratch: PathBuf,
}

impl FileSource {
    /// Resolve the paths of `spec`; directories are walked recursively in byte order of their
    /// paths, skipping hidden entries. `scratch` is a private directory for cleaned copies.
    pub fn open(spec: SourceSpec, scratch: &Path) -> Result<Self> {
        if spec.paths.is_empty() {
            bail!(config("source `{}` has no paths", spec.name));
        }
        let mut files = Vec::new();
        for p in &expand_globs(&spec)? {
            let meta = std::fs::metadata(p).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    err!(input(
                        "source `{}`: path {} does not exist",
                        spec.name,
                        p.display()
                    ))
                } else {
                    Error::io(&format!("source `{}`: stat", spec.name), p, e)
                }
            })?;
            if meta.is_dir() {
                let mut found = Vec::new();
                walk(p, &mut found)?;
                found.sort();
                if found.is_empty() {
                    bail!(input(
                        "source `{}`: directory {} holds no files",
                        spec.name,
                        p.display()
                    ));
                }
                files.extend(found);
            } else {
                files.push(p.clone());
            }
        }
        let files = files
            .into_iter()
            .map(|path| {
                let bytes = std::fs::metadata(&path).at("stat", &path)?.len();
                Ok(InputFile {
                    format: Format::of(&path),
                    path,
                    bytes,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(FileSource {
            spec,
            files,
            scratch: scratch.to_path_buf(),
        })
    }

    /// The same source reading only the files whose index `keep` accepts (a slice's share).
    pub fn subset(&self, keep: impl Fn(usize) -> bool) -> FileSource {
        FileSource {
            spec: self.spec.clone(),
            files: (self.files.iter().enumerate())
                .filter(|(i, _)| keep(*i))
                .map(|(_, f)| f.clone())
                .collect(),
            scratch: self.scratch.clone(),
        }
    }

    /// Where cleaned copies go from now on (the run's own work directory, once it is locked).
    pub fn set_scratch(&mut self, scratch: &Path) {
        self.scratch = scratch.to_path_buf();
    }
}

/// Does `p` exist, or is it a glob that matches something?
pub fn exists(p: &Path) -> bool {
    p.exists()
        || (p.to_string_lossy().contains(['*', '?', '['])
            && glob::glob(&p.to_string_lossy()).is_ok_and(|mut g| g.next().is_some()))
}

/// Each path as given, or, when it does not exist and holds `*`, `?` or `[`, the files its
/// glob matches in byte order of their paths.
fn expand_globs(spec: &SourceSpec) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in &spec.paths {
        let text = p.to_string_lossy();
        if p.exists() || !text.contains(['*', '?', '[']) {
            out.push(p.clone());
            continue;
        }
        let bad = |e: String| err!(config("source `{}`: glob {text}: {e}", spec.name));
        let mut found = glob::glob(&text)
            .map_err(|e| bad(e.to_string()))?
            .map(|r| r.map_err(|e| bad(e.to_string())))
            .collect::<Result<Vec<PathBuf>>>()?;
        found.retain(|f| {
            !f.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        });
        if found.is_empty() {
            bail!(input(
                "source `{}`: glob {text} matches no files",
                spec.name
            ));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).at("list", dir)? {
        let entry = entry.at("list", dir)?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ft = entry.file_type().at("stat", &path)?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if ft.is_file() || (ft.is_symlink() && path.is_file()) {
            out.push(path);
        }
    }
    Ok(())
}

impl Source for FileSource {
    fn spec(&self) -> &SourceSpec {
        &self.spec
    }

    fn files(&self) -> &[InputFile] {
        &self.files
    }

    fn scan(&self, emit: &mut dyn FnMut(DocBatch) -> Result<()>) -> Result<ScanStats> {
        let mut stats = ScanStats::default();
        let tables = table::TableReader::new(&self.spec, &self.scratch)?;
        let mut texts = text::TextBatcher::new(&self.spec);
        for (i, f) in self.files.iter().enumerate() {
            match f.format {
                Format::Text => texts.push(f, &tables, &mut stats, emit)?,
                _ => {
                    texts.flush(&tables, &mut stats, emit)?;
                    // Readers of third-party formats may panic on corrupt files: name the file.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        tables.read(i, f, &mut stats, emit)
                    }))
                    .map_err(|_| {
                        err!(input(
                            "source `{}`, file {}: the reader crashed on it (corrupt file?)",
                            self.spec.name,
                            f.path.display()
                        ))
                    })??
                }
            }
        }
        texts.flush(&tables, &mut stats, emit)?;
        Ok(stats)
    }
}

/// Scan `src` on a reader thread while `handle` works on what it read; the first error wins.
pub fn scan_pipelined(
    src: &FileSource,
    mut handle: impl FnMut(DocBatch) -> Result<()>,
) -> Result<ScanStats> {
    std::thread::scope(|s| -> Result<_> {
        let (tx, rx) = sync_channel::<DocBatch>(2);
        let reader = s.spawn(move || {
            src.scan(&mut |b| {
                tx.send(b)
                    .map_err(|_| Error::internal("document reader stopped"))
            })
        });
        let mut res = Ok(());
        while let Ok(b) = rx.recv() {
            if let Err(e) = handle(b) {
                res = Err(e);
                break;
            }
        }
        drop(rx);
        let scanned = reader
            .join()
            .map_err(|_| Error::internal("document reader panicked"))?;
        res?;
        scanned
    })
}
