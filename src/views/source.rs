//! Image sources: a directory tree of JPEG/PNG/WebP files (label = parent folder), or Parquet files
//! with an image-bytes column (binary, or Hugging Face's `struct<bytes, path>`). Samples are listed
//! first, in a stable order, and their bytes loaded per chunk.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReaderBuilder, RowSelection, RowSelector};
use serde::{Deserialize, Serialize};

use crate::error::{IoContext, Result};
use crate::source::table::check_parquet_footer;

const IMAGE_EXTS: &[&str] = &["jpg", "jpeg", "png", "webp"];

/// Where a sample's bytes live.
#[derive(Clone, Debug)]
pub enum Loc {
    File(PathBuf),
    Row { file: usize, row: usize },
}

#[derive(Clone, Debug)]
pub struct SampleRef {
    /// Stable id: the path relative to the input root, the id column, or `file.parquet#row`.
    pub id: String,
    pub label: Option<String>,
    pub loc: Loc,
}

/// Columns of a Parquet image source.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Columns {
    pub image: String,
    pub label: Option<String>,
    pub id: Option<String>,
}

pub struct ImageSource {
    /// Where the files are read: the input, or a local copy of an object-store input.
    pub root: PathBuf,
    /// The input as given, for manifests and messages (an object-store input's URL).
    pub shown: String,
    pub samples: Vec<SampleRef>,
    /// Every input file, for the fingerprint: image files or Parquet files.
    pub files: Vec<PathBuf>,
    /// Files in the tree that are not images (counted, not read).
    pub ignored: u64,
    parquet: Option<(Vec<PathBuf>, Columns)>,
    /// An object-store input's local copy.
    staged: Option<Staged>,
}

/// An object-store input's local copy and the URL it copies, removed when the source is dropped
/// in the process that fetched it: a forked DataLoader worker dropping its copy of a
/// `ViewStream` must not delete the files its parent still reads.
struct Staged {
    dir: tempfile::TempDir,
    url: String,
    /// The local path that stands for the input (the directory, or the one object's file).
    local: PathBuf,
    pid: u32,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if std::process::id() != self.pid {
            self.dir.disable_cleanup(true);
        }
    }
}

impl ImageSource {
    pub fn open(input: &Path, columns: &Columns) -> Result<Self> {
        if crate::store::is_url(input) {
            return Self::remote(input, columns);
        }
        if !input.exists() {
            bail!(config("--input {} does not exist", input.display()));
        }
        if input.is_file() {
            let ext = ext_of(input);
            if ext == "parquet" {
                return Self::parquet(input, vec![input.to_path_buf()], columns);
            }
            let name = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Ok(ImageSource {
                root: input.parent().unwrap_or(Path::new(".")).to_path_buf(),
                samples: vec![SampleRef {
                    id: name,
                    label: None,
                    loc: Loc::File(input.to_path_buf()),
                }],
                files: vec![input.to_path_buf()],
                ignored: 0,
                parquet: None,
                shown: input.display().to_string(),
                staged: None,
            });
        }
        let mut all = Vec::new();
        walk(input, &mut all)?;
        all.sort();
        let (images, rest): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|p| IMAGE_EXTS.contains(&ext_of(p).as_str()));
        let parquets: Vec<PathBuf> = rest
            .iter()
            .filter(|p| ext_of(p) == "parquet")
            .cloned()
            .collect();
        if images.is_empty() && !parquets.is_empty() {
            return Self::parquet(input, parquets, columns);
        }
        if images.is_empty() {
            bail!(input(
                "no images (.jpg, .jpeg, .png, .webp) or Parquet files under {}",
                input.display()
            ));
        }
        let samples = images
            .iter()
            .map(|p| {
                let rel = p.strip_prefix(input).unwrap_or(p);
                let id = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let label = rel
                    .parent()
                    .and_then(|d| d.file_name())
                    .map(|n| n.to_string_lossy().into_owned());
                SampleRef {
                    id,
                    label,
                    loc: Loc::File(p.clone()),
                }
            })
            .collect();
        Ok(ImageSource {
            root: input.to_path_buf(),
            samples,
            files: images,
            ignored: rest.len() as u64,
            parquet: None,
            shown: input.display().to_string(),
            staged: None,
        })
    }

    /// An object-store input (`s3://bucket/images/`, a glob, or one object): its objects are
    /// fetched first into a directory of the staging area ([`crate::store::stage_base`]) that is
    /// removed with the source, keeping their paths, so ids, labels, order and every view are
    /// those of the same files on disk.
    fn remote(url: &Path, columns: &Columns) -> Result<Self> {
        let base = crate::store::stage_base(&url.display().to_string())?.join("inputs");
        std::fs::create_dir_all(&base).at("create", &base)?;
        let staged = (tempfile::Builder::new().prefix("images-"))
            .tempdir_in(&base)
            .at("create a directory in", &base)?;
        let (local, url_root) = crate::source::stage_url("images", url, staged.path())?;
        let mut source = Self::open(&local, columns)?;
        source.shown = url.display().to_string();
        source.staged = Some(Staged {
            dir: staged,
            url: url_root,
            local,
            pid: std::process::id(),
        });
        Ok(source)
    }

    fn parquet(root: &Path, files: Vec<PathBuf>, cols: &Columns) -> Result<Self> {
        let mut samples = Vec::new();
        let mut seen = HashSet::new();
        for (fi, path) in files.iter().enumerate() {
            let shown = path.display();
            check_parquet_footer(path)
                .map_err(|why| err!(input("{shown} is not a readable Parquet file: {why}")))?;
            let builder =
                ParquetRecordBatchReaderBuilder::try_new(File::open(path).at("open", path)?)
                    .map_err(|e| err!(input("{shown}: {e}")))?;
            let schema = builder.schema().clone();
            let field = schema.field_with_name(&cols.image).map_err(|_| {
                err!(input(
                    "column `{}` missing in {shown} (columns: {}); pass --image-column",
                    cols.image,
                    names(&schema)
                ))
            })?;
            if !is_bytes_type(field.data_type()) {
                bail!(input(
                    "column `{}` in {shown} is {}, not image bytes (binary or struct<bytes: binary>)",
                    cols.image,
                    field.data_type()
                ));
            }
            let label = match &cols.label {
                Some(l) if schema.field_with_name(l).is_err() => {
                    bail!(input(
                        "label column `{l}` missing in {shown} (columns: {})",
                        names(&schema)
                    ));
                }
                Some(l) => Some(l.clone()),
                None => schema.field_with_name("label").ok().map(|_| "label".into()),
            };
            if let Some(id) = &cols.id
                && schema.field_with_name(id).is_err()
            {
                bail!(input(
                    "id column `{id}` missing in {shown} (columns: {})",
                    names(&schema)
                ));
            }
            let wanted: Vec<usize> = [label.as_ref(), cols.id.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(|n| schema.index_of(n).ok())
                .collect();
            let rows = builder.metadata().file_metadata().num_rows() as usize;
            let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.clone());
            let mut labels: Vec<Option<String>> = Vec::with_capacity(rows);
            let mut ids: Vec<String> = Vec::with_capacity(rows);
            if wanted.is_empty() {
                labels.resize(rows, None);
            } else {
                let reader = builder
                    .with_projection(mask)
                    .build()
                    .map_err(|e| err!(input("{shown}: {e}")))?;
                for batch in reader {
                    let batch = batch.map_err(|e| err!(input("{shown}: {e}")))?;
                    let col = |n: &Option<String>| n.as_ref().and_then(|n| batch.column_by_name(n));
                    for i in 0..batch.num_rows() {
                        labels.push(col(&label).and_then(|c| cell_string(c.as_ref(), i)));
                        if let Some(c) = col(&cols.id) {
                            ids.push(cell_string(c.as_ref(), i).ok_or_else(|| {
                                err!(input(
                                    "id column `{}` is null in {shown}, row {}",
                                    cols.id.as_deref().unwrap_or_default(),
                                    labels.len() - 1
                                ))
                            })?);
                        }
                    }
                }
            }
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for (row, label) in labels.into_iter().enumerate() {
                let id = match ids.get(row) {
                    Some(id) => id.clone(),
                    None => format!("{file_name}#{row}"),
                };
                if !seen.insert(id.clone()) {
                    bail!(input(
                        "sample id `{id}` appears twice ({shown}, row {row}); ids must be unique because views are keyed on them"
                    ));
                }
                samples.push(SampleRef {
                    id,
                    label,
                    loc: Loc::Row { file: fi, row },
                });
            }
        }
        Ok(ImageSource {
            root: root.to_path_buf(),
            samples,
            files: files.clone(),
            ignored: 0,
            parquet: Some((files, cols.clone())),
            shown: root.display().to_string(),
            staged: None,
        })
    }

    /// Load the bytes of `refs`, in order. A file that cannot be read is an error of its sample.
    pub fn load(&self, refs: &[&SampleRef]) -> Result<Vec<std::io::Result<Vec<u8>>>> {
        let Some((files, cols)) = &self.parquet else {
            return Ok(refs
                .iter()
                .map(|r| match &r.loc {
                    Loc::File(p) => std::fs::read(p),
                    Loc::Row { .. } => Err(std::io::Error::other("row of a directory source")),
                })
                .collect());
        };
        // Group rows per file, read each file once with a row selection.
        let mut by_file: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        for (i, r) in refs.iter().enumerate() {
            if let Loc::Row { file, row } = r.loc {
                by_file.entry(file).or_default().push((row, i));
            }
        }
        let mut out: Vec<Option<std::io::Result<Vec<u8>>>> =
            (0..refs.len()).map(|_| None).collect();
        for (file, mut rows) in by_file {
            rows.sort();
            let path = &files[file];
            let shown = path.display();
            let builder =
                ParquetRecordBatchReaderBuilder::try_new(File::open(path).at("open", path)?)
                    .map_err(|e| err!(input("{shown}: {e}")))?;
            let idx = builder
                .schema()
                .index_of(&cols.image)
                .map_err(|e| err!(input("{shown}: {e}")))?;
            let mask = ProjectionMask::roots(builder.parquet_schema(), [idx]);
            let mut selectors = Vec::new();
            let mut next = 0;
            for &(row, _) in &rows {
                if row > next {
                    selectors.push(RowSelector::skip(row - next));
                }
                selectors.push(RowSelector::select(1));
                next = row + 1;
            }
            let reader = builder
                .with_projection(mask)
                .with_row_selection(RowSelection::from(selectors))
                .build()
                .map_err(|e| err!(input("{shown}: {e}")))?;
            let mut k = 0;
            for batch in reader {
                let batch: RecordBatch = batch.map_err(|e| err!(input("{shown}: {e}")))?;
                let col = batch.column(0);
                for i in 0..batch.num_rows() {
                    let (row, slot) = rows[k];
                    k += 1;
                    out[slot] = Some(cell_bytes(col.as_ref(), i).ok_or_else(|| {
                        std::io::Error::other(format!(
                            "column `{}` is null at row {row}",
                            cols.image
                        ))
                    }));
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err(std::io::Error::other("row not found"))))
            .collect())
    }

    pub fn is_parquet(&self) -> bool {
        self.parquet.is_some()
    }

    /// The bytes of an image-file sample.
    pub fn read_file(&self, r: &SampleRef) -> std::io::Result<Vec<u8>> {
        match &r.loc {
            Loc::File(p) => std::fs::read(p),
            Loc::Row { .. } => Err(std::io::Error::other("a Parquet row is read with load()")),
        }
    }

    /// Where a sample came from, for messages: a path, or `file.parquet row N`.
    /// Where an object-store input was fetched (the same samples open from this path while the
    /// source lives): what a spawned DataLoader worker opens instead of fetching again.
    pub fn local_copy(&self) -> Option<&Path> {
        self.staged.as_ref().map(|s| s.local.as_path())
    }

    /// An object-store input's copies are named by their URLs.
    pub fn origin(&self, r: &SampleRef) -> String {
        let named = |p: &Path| match &self.staged {
            Some(s) => match p.strip_prefix(s.dir.path()) {
                Ok(rel) => format!("{}/{}", s.url, rel.display()),
                Err(_) => p.display().to_string(),
            },
            None => p.display().to_string(),
        };
        match (&r.loc, &self.parquet) {
            (Loc::File(p), _) => named(p),
            (Loc::Row { file, row }, Some((files, _))) => {
                format!("{} row {row}", named(&files[*file]))
            }
            (Loc::Row { row, .. }, None) => format!("row {row}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        if self.parquet.is_some() {
            "parquet"
        } else {
            "image"
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).at("list", dir)? {
        let entry = entry.at("list", dir)?;
        let path = entry.path();
        let ty = entry.file_type().at("stat", &path)?;
        if ty.is_dir() {
            walk(&path, out)?;
        } else if ty.is_file() && !is_hidden(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn ext_of(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn names(schema: &arrow::datatypes::Schema) -> String {
    schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_bytes_type(t: &DataType) -> bool {
    match t {
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => true,
        DataType::Struct(fields) => fields
            .iter()
            .any(|f| f.name() == "bytes" && is_bytes_type(f.data_type())),
        _ => false,
    }
}

fn cell_bytes(a: &dyn Array, i: usize) -> Option<Vec<u8>> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Binary => Some(a.as_binary::<i32>().value(i).to_vec()),
        DataType::LargeBinary => Some(a.as_binary::<i64>().value(i).to_vec()),
        DataType::BinaryView => Some(a.as_binary_view().value(i).to_vec()),
        DataType::Struct(_) => cell_bytes(a.as_struct().column_by_name("bytes")?.as_ref(), i),
        _ => None,
    }
}

/// A label or id cell as text: strings as they are, integers in decimal.
fn cell_string(a: &dyn Array, i: usize) -> Option<String> {
    if a.is_null(i) {
        return None;
    }
    let s = arrow::util::display::ArrayFormatter::try_new(a, &Default::default()).ok()?;
    Some(s.value(i).to_string())
}
