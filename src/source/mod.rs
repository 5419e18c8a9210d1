//! Document sources: Parquet, JSONL and CSV tables read through DataFusion, and directories of
//! plain-text files (one document per file), on local disk or in object storage (`s3://...`:
//! fetched into scratch one file ahead of the reader). A source yields documents in a fixed order,
//! so reading it twice gives the same documents.

mod jsonl;
pub(crate) mod table;
mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use std::sync::mpsc::sync_channel;

use crate::core::fingerprint::sha256_file;
use crate::core::manifest::InputFingerprint;
use crate::error::{Error, IoContext, Result};
use crate::store::{self, Location};

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
    /// As the user names it: a local path, or the object's URL.
    pub path: PathBuf,
    pub format: Format,
    pub bytes: u64,
    /// Where to fetch it from, when it is an object (with its ETag, the content's identity).
    pub remote: Option<RemoteFile>,
}

impl InputFile {
    /// The file's identity for a run's fingerprint: its sha256, or an object's ETag (an object
    /// whose store gives none is hashed as it streams by).
    pub fn fingerprint(&self) -> Result<InputFingerprint> {
        let (sha256, etag) = match &self.remote {
            None => (Some(sha256_file(&self.path)?), None),
            Some(RemoteFile { etag: Some(e), .. }) => (None, Some(e.clone())),
            Some(RemoteFile { at, etag: None }) => (Some(at.sha256()?), None),
        };
        Ok(InputFingerprint {
            path: self.path.display().to_string(),
            bytes: self.bytes,
            sha256,
            etag,
        })
    }
}

#[derive(Clone, Debug)]
pub struct RemoteFile {
    pub at: Location,
    pub etag: Option<String>,
}

/// A batch of documents in source order, with the input bytes it accounts for (for progress) and
/// the records read and skipped since the previous batch: whoever stops a scan early counts
/// exactly what it took.
pub struct DocBatch {
    pub docs: Vec<String>,
    pub input_bytes: u64,
    pub stats: ScanStats,
}

/// Whether a scan goes on after a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Go,
    Stop,
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

    fn add(&mut self, other: &ScanStats) {
        self.records += other.records;
        for (k, v) in &other.skipped {
            *self.skipped.entry(k.clone()).or_default() += v;
        }
    }
}

/// A source of text documents.
pub trait Source: Send {
    fn spec(&self) -> &SourceSpec;
    fn files(&self) -> &[InputFile];
    /// Read every document in order, calling `emit` per batch; every record read is in some
    /// batch's `stats`.
    fn scan(&self, emit: &mut dyn FnMut(DocBatch) -> Result<()>) -> Result<()>;
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
        for given in &spec.paths {
            if store::is_url(given) {
                files.extend(resolve_url(&spec.name, given)?);
                continue;
            }
            for p in expand_glob(&spec.name, given)? {
                files.extend(local_files(&spec.name, &p)?);
            }
        }
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

/// Does `p` exist, or is it a glob that matches something? A URL is taken as existing here and
/// checked when the source is opened.
pub fn exists(p: &Path) -> bool {
    store::is_url(p)
        || p.exists()
        || (p.to_string_lossy().contains(['*', '?', '['])
            && glob::glob(&p.to_string_lossy()).is_ok_and(|mut g| g.next().is_some()))
}

/// The path as given, or, when it does not exist and holds `*`, `?` or `[`, the files its glob
/// matches in byte order of their paths.
fn expand_glob(source: &str, p: &Path) -> Result<Vec<PathBuf>> {
    let text = p.to_string_lossy();
    if p.exists() || !text.contains(['*', '?', '[']) {
        return Ok(vec![p.to_path_buf()]);
    }
    let bad = |e: String| err!(config("source `{source}`: glob {text}: {e}"));
    let mut found = glob::glob(&text)
        .map_err(|e| bad(e.to_string()))?
        .map(|r| r.map_err(|e| bad(e.to_string())))
        .collect::<Result<Vec<PathBuf>>>()?;
    found.retain(|f| {
        !f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    });
    if found.is_empty() {
        bail!(input("source `{source}`: glob {text} matches no files"));
    }
    found.sort();
    Ok(found)
}

/// The file at `p`, or the files of the directory at `p` (walked recursively in byte order of
/// their paths, hidden entries skipped).
fn local_files(source: &str, p: &Path) -> Result<Vec<InputFile>> {
    let meta = std::fs::metadata(p).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            err!(input(
                "source `{source}`: path {} does not exist",
                p.display()
            ))
        } else {
            Error::io(&format!("source `{source}`: stat"), p, e)
        }
    })?;
    let paths = if meta.is_dir() {
        let mut found = Vec::new();
        walk(p, &mut found)?;
        found.sort();
        if found.is_empty() {
            bail!(input(
                "source `{source}`: directory {} holds no files",
                p.display()
            ));
        }
        found
    } else {
        vec![p.to_path_buf()]
    };
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::metadata(&path).at("stat", &path)?.len();
            Ok(InputFile {
                format: Format::of(&path),
                path,
                bytes,
                remote: None,
            })
        })
        .collect()
}

/// The objects a URL names: the object at that key; else, for a key ending in a glob, the objects
/// it matches (`*` and `?` within one path segment); else every object below the key, as a
/// directory. Hidden entries (a segment starting with `.`) are skipped, and the order is that of a
/// local directory walk (path components compared in bytes), so a copy of a directory in a
/// bucket reads in the same order as the directory.
fn resolve_url(source: &str, url: &Path) -> Result<Vec<InputFile>> {
    let text = url.to_string_lossy();
    let file = |rel_url: String, m: &object_store::ObjectMeta, at: Location| InputFile {
        format: Format::of(Path::new(&rel_url)),
        path: PathBuf::from(rel_url),
        bytes: m.size,
        remote: Some(RemoteFile {
            at,
            etag: m.e_tag.clone(),
        }),
    };
    let in_source = |e: Error| match e {
        Error::Input(m) => Error::Input(format!("source `{source}`: {m}")),
        Error::Config(m) => Error::Config(format!("source `{source}`: {m}")),
        Error::Io { context, source: s } => Error::Io {
            context: format!("source `{source}`: {context}"),
            source: s,
        },
        e => e,
    };
    let key_part = text.split_once("://").map_or("", |(_, rest)| rest);
    if let Some(i) = key_part.rfind('/')
        && key_part[..i].contains(['*', '?', '['])
    {
        bail!(config(
            "source `{source}`: {text}: a glob in an object key matches within its last segment only (`s3://b/dir/*.jsonl`, not `s3://b/*/x.jsonl`)"
        ));
    }
    let (base, pattern) = match text.rfind('/') {
        Some(i) if text[i + 1..].contains(['*', '?', '[']) => {
            (text[..i].to_string(), Some(text[i + 1..].to_string()))
        }
        _ => (text.trim_end_matches('/').to_string(), None),
    };
    let loc = Location::parse(&base).map_err(in_source)?;
    if pattern.is_none()
        && !text.ends_with('/')
        && !loc.is_root()
        && let Some(m) = loc.head().map_err(in_source)?
    {
        return Ok(vec![file(loc.url(), &m, loc)]);
    }
    if pattern.is_none() && !loc.listable() {
        bail!(input("source `{source}`: {text} does not exist"));
    }
    let glob = match &pattern {
        Some(p) => Some(
            glob::Pattern::new(p)
                .map_err(|e| err!(config("source `{source}`: glob {text}: {e}")))?,
        ),
        None => None,
    };
    let mut found: Vec<(String, object_store::ObjectMeta)> = (loc.list().map_err(in_source)?)
        .into_iter()
        .filter(|(rel, _)| !rel.split('/').any(|seg| seg.starts_with('.')))
        .filter(|(rel, _)| {
            glob.as_ref().is_none_or(|g| {
                !rel.contains('/')
                    && g.matches_with(
                        rel,
                        glob::MatchOptions {
                            require_literal_separator: true,
                            ..Default::default()
                        },
                    )
            })
        })
        .collect();
    if found.is_empty() {
        bail!(input(
            "source `{source}`: {text} {}",
            if glob.is_some() {
                "matches no objects"
            } else {
                "does not exist (no object at that key, and none below it)"
            }
        ));
    }
    found.sort_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)));
    Ok(found
        .iter()
        .map(|(rel, m)| {
            let at = loc.join(rel);
            file(at.url(), m, at)
        })
        .collect())
}

/// Objects fetched at once by [`stage_url`]: small objects (images) are bound by round trips, not
/// bandwidth.
const STAGE_FETCHES: usize = 16;

/// Fetch the objects `url` names (one object, a glob in its last segment, or every object below
/// it, as a source's URL is resolved) into `dest`, keeping their paths below the URL, so that
/// `dest` reads as a copy of the directory. Returns the local path standing for the URL (the
/// file for one object, else `dest`) and the URL that `dest` stands for (to name a copy by its
/// object). `what` names the input in errors.
pub fn stage_url(what: &str, url: &Path, dest: &Path) -> Result<(PathBuf, String)> {
    let text = url.to_string_lossy();
    let files = resolve_url(what, url)?;
    let base = match text.rfind('/') {
        Some(i) if text[i + 1..].contains(['*', '?', '[']) => &text[..i],
        _ => text.trim_end_matches('/'),
    };
    let local: Vec<PathBuf> = (files.iter())
        .map(|f| {
            let shown = f.path.to_string_lossy();
            let rel = match shown.strip_prefix(base).map(|r| r.trim_start_matches('/')) {
                Some(rel) if !rel.is_empty() => rel,
                // The URL is one object: it keeps its name.
                _ => shown.rsplit('/').next().unwrap_or_default(),
            };
            // A key is any string. Listings skip dot segments already; this guard stands at the
            // write so that no key can place a file outside `dest`.
            if rel.split('/').any(|seg| matches!(seg, "." | "..")) {
                bail!(input(
                    "{what}: object {shown} cannot be copied to a local path (`.` or `..` in its key)"
                ));
            }
            Ok(dest.join(rel))
        })
        .collect::<Result<_>>()?;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let fetch = |f: &InputFile, to: &Path| -> Result<()> {
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).at("create", dir)?;
        }
        match &f.remote {
            Some(r) => r.at.fetch(to).map(drop),
            None => Ok(()),
        }
    };
    // Workers take the next object until none is left; the first failure stops them all.
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..STAGE_FETCHES.min(files.len()))
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, Relaxed);
                        if i >= files.len() {
                            return Ok(());
                        }
                        fetch(&files[i], &local[i])
                            .inspect_err(|_| next.store(files.len(), Relaxed))?;
                    }
                })
            })
            .collect();
        (workers.into_iter()).try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(err!(internal("a fetch thread panicked"))))
        })
    })?;
    let one_object = files.len() == 1 && files[0].path.to_string_lossy() == base;
    Ok(match (one_object, local.into_iter().next()) {
        (true, Some(file)) => (
            file,
            base.rsplit_once('/').map_or(base, |b| b.0).to_string(),
        ),
        _ => (dest.to_path_buf(), base.to_string()),
    })
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

    fn scan(&self, emit: &mut dyn FnMut(DocBatch) -> Result<()>) -> Result<()> {
        // Records read and skipped since the last batch went out.
        let mut stats = ScanStats::default();
        let tables = table::TableReader::new(&self.spec, &self.scratch)?;
        let mut texts = text::TextBatcher::new(&self.spec);
        each_local(&self.files, &self.scratch, |i, f, at| match f.format {
            Format::Text => texts.push(f, at, &tables, &mut stats, emit),
            Format::Jsonl if self.spec.filter.is_none() => {
                texts.flush(&tables, &mut stats, emit)?;
                jsonl::read(&self.spec, f, at, &mut stats, emit)
            }
            _ => {
                texts.flush(&tables, &mut stats, emit)?;
                // Readers of third-party formats may panic on corrupt files: name the file.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    tables.read(i, f, at, &mut stats, emit)
                }))
                .map_err(|_| {
                    err!(input(
                        "source `{}`, file {}: the reader crashed on it (corrupt file?)",
                        self.spec.name,
                        f.path.display()
                    ))
                })?
            }
        })?;
        texts.flush(&tables, &mut stats, emit)?;
        if stats != ScanStats::default() {
            emit(DocBatch {
                docs: Vec::new(),
                input_bytes: 0,
                stats,
            })?;
        }
        Ok(())
    }
}

/// Call `handle(index, file, local path)` for each file in order. Objects are fetched into
/// `scratch` by a second thread one file ahead of `handle` (at most two copies on disk), and each
/// copy is deleted once handled.
fn each_local(
    files: &[InputFile],
    scratch: &Path,
    mut handle: impl FnMut(usize, &InputFile, &Path) -> Result<()>,
) -> Result<()> {
    if files.iter().all(|f| f.remote.is_none()) {
        return (files.iter().enumerate()).try_for_each(|(i, f)| handle(i, f, &f.path));
    }
    static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = scratch.join(format!("fetch-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).at("create", &dir)?;
    let res = std::thread::scope(|s| -> Result<()> {
        let (tx, rx) = sync_channel::<Result<Option<PathBuf>>>(1);
        let dir = &dir;
        s.spawn(move || {
            for (i, f) in files.iter().enumerate() {
                let got = match &f.remote {
                    None => Ok(None),
                    Some(r) => {
                        let ext = f.path.extension().map(|e| e.to_string_lossy().to_string());
                        let local = dir.join(match ext {
                            Some(e) => format!("{i}.{e}"),
                            None => i.to_string(),
                        });
                        r.at.fetch(&local).map(|_| Some(local))
                    }
                };
                let failed = got.is_err();
                if tx.send(got).is_err() || failed {
                    break;
                }
            }
        });
        for (i, f) in files.iter().enumerate() {
            let got = rx
                .recv()
                .map_err(|_| Error::internal("object fetcher stopped"))??;
            let res = handle(i, f, got.as_deref().unwrap_or(&f.path));
            if let Some(copy) = got {
                let _ = std::fs::remove_file(copy);
            }
            res?;
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    res
}

/// Scan `src` on a reader thread while `handle` works on what it read, until the end or until
/// `handle` says stop; the first error wins. Returns the records of the batches handled.
pub fn scan_pipelined(
    src: &FileSource,
    mut handle: impl FnMut(DocBatch) -> Result<Flow>,
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
        let mut stats = ScanStats::default();
        let mut stopped = false;
        while let Ok(b) = rx.recv() {
            stats.add(&b.stats);
            match handle(b) {
                Ok(Flow::Go) => {}
                Ok(Flow::Stop) => {
                    stopped = true;
                    break;
                }
                Err(e) => {
                    res = Err(e);
                    break;
                }
            }
        }
        drop(rx);
        let scanned = reader
            .join()
            .map_err(|_| Error::internal("document reader panicked"))?;
        res?;
        // A reader told to stop fails its next send: that is no error.
        if !stopped {
            scanned?;
        }
        Ok(stats)
    })
}
