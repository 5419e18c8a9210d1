//! The one Parquet shard writer and the column readers every format shares.
//!
//! A shard is `OUT/<prefix>/part-NNNNN.parquet`, written under a temporary name, hashed while it is
//! written, and renamed into place whole, so a file under its final name is a finished one and a
//! resumed run keeps it. Each format passes its own schema and writer properties (codec, level,
//! row groups, metadata), so its bytes stay its own. Parquet failures map to one error class each:
//! writing is `io` (the disk, not the data), reading is `input` (the file at fault, named).

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, ArrayRef, AsArray, ListArray, RecordBatch};
use arrow::datatypes::{ArrowPrimitiveType, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::{WriterProperties, WriterPropertiesBuilder};

use crate::core::atomic::AtomicFile;
use crate::core::manifest::ShardInfo;
use crate::error::{Error, IoContext, Result};

/// Writer properties compressed with ZSTD at `level` (1..=22), for a format to refine.
pub fn zstd(level: i32) -> WriterPropertiesBuilder {
    let level = ZstdLevel::try_new(level).unwrap_or_default();
    WriterProperties::builder().set_compression(Compression::ZSTD(level))
}

/// The shards of one dataset part (a split, the views): where they go and how they are written.
#[derive(Clone)]
pub struct Shards {
    out: PathBuf,
    prefix: String,
    schema: SchemaRef,
    props: WriterProperties,
}

impl Shards {
    /// Shards `out/prefix/part-NNNNN.parquet`; creates `out/prefix`.
    pub fn new(
        out: &Path,
        prefix: &str,
        schema: SchemaRef,
        props: WriterProperties,
    ) -> Result<Self> {
        let dir = out.join(prefix);
        std::fs::create_dir_all(&dir).at("create", &dir)?;
        Ok(Shards {
            out: out.to_path_buf(),
            prefix: prefix.to_string(),
            schema,
            props,
        })
    }

    /// Shard `i`'s path relative to the output directory.
    pub fn rel(&self, i: usize) -> String {
        format!("{}/part-{i:05}.parquet", self.prefix)
    }

    /// Shard `i`'s path.
    pub fn path(&self, i: usize) -> PathBuf {
        self.out.join(self.rel(i))
    }

    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// Shard `i` was renamed into place by an earlier run: it is whole.
    pub fn finished(&self, i: usize) -> bool {
        self.out.join(self.rel(i)).exists()
    }

    /// The report of a finished shard of `rows` rows (hashed from disk).
    pub fn info(&self, i: usize, rows: u64) -> Result<ShardInfo> {
        ShardInfo::of(&self.out, &self.rel(i), rows)
    }

    /// Start shard `i` under its temporary name.
    pub fn create(&self, i: usize) -> Result<ShardWriter> {
        let rel = self.rel(i);
        let path = self.out.join(&rel);
        let file = AtomicFile::create(&path)?;
        let writer = ArrowWriter::try_new(file, self.schema.clone(), Some(self.props.clone()))
            .map_err(|e| write_err(&path, e))?;
        Ok(ShardWriter {
            rel,
            path,
            writer,
            rows: 0,
        })
    }
}

/// One shard being written.
pub struct ShardWriter {
    rel: String,
    path: PathBuf,
    writer: ArrowWriter<AtomicFile>,
    rows: u64,
}

impl ShardWriter {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.rows += batch.num_rows() as u64;
        self.writer
            .write(batch)
            .map_err(|e| write_err(&self.path, e))
    }

    /// End the current row group here.
    pub fn flush(&mut self) -> Result<()> {
        self.writer.flush().map_err(|e| write_err(&self.path, e))
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Finish the file, synced but still under its temporary name: the caller records the report
    /// wherever a resumed run will look for it, then calls [`Closed::commit`].
    pub fn close(self) -> Result<Closed> {
        let mut file = self
            .writer
            .into_inner()
            .map_err(|e| write_err(&self.path, e))?;
        file.flush_and_sync()?;
        let (bytes, sha256) = file.digest();
        Ok(Closed {
            info: ShardInfo {
                path: self.rel,
                rows: self.rows,
                bytes,
                sha256,
            },
            file,
        })
    }

    /// Finish the file and rename it into place.
    pub fn finish(self) -> Result<ShardInfo> {
        self.close()?.commit()
    }
}

/// A whole shard not yet in place.
pub struct Closed {
    pub info: ShardInfo,
    file: AtomicFile,
}

impl Closed {
    pub fn commit(self) -> Result<ShardInfo> {
        self.file.commit()?;
        Ok(self.info)
    }
}

/// A Parquet error while writing `path`: the file system's failure (or a bug, named as such).
pub fn write_err(path: &Path, e: ParquetError) -> Error {
    let source = match e {
        ParquetError::External(inner) => std::io::Error::other(inner),
        other => std::io::Error::other(other.to_string()),
    };
    Error::Io {
        context: format!("write {}", path.display()),
        source,
    }
}

/// A Parquet error while reading `path`: the file is at fault.
pub fn read_err(path: &Path, e: impl std::fmt::Display) -> Error {
    err!(input(
        "{} is not a readable Parquet file: {e}",
        path.display()
    ))
}

/// Record batches of the Parquet file at `path`.
pub fn read(path: &Path) -> Result<ParquetRecordBatchReader> {
    let file = File::open(path).at("open", path)?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| read_err(path, e))
}

/// Every batch of `path`, each checked, passed to `each`.
pub fn for_each_batch(path: &Path, mut each: impl FnMut(&RecordBatch) -> Result<()>) -> Result<()> {
    for b in read(path)? {
        each(&b.map_err(|e| read_err(path, e))?)?;
    }
    Ok(())
}

/// Column `name` of `batch` (read from `path`), or an error naming both.
pub fn column<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a ArrayRef> {
    batch
        .column_by_name(name)
        .ok_or_else(|| err!(input("column `{name}` missing in {}", path.display())))
}

/// A list column.
pub fn list<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a ListArray> {
    column(batch, name, path)?
        .as_list_opt::<i32>()
        .ok_or_else(|| wrong_type(name, "a list", path))
}

/// A primitive column.
pub fn primitive<'a, T: ArrowPrimitiveType>(
    batch: &'a RecordBatch,
    name: &str,
    path: &Path,
) -> Result<&'a arrow::array::PrimitiveArray<T>> {
    column(batch, name, path)?
        .as_primitive_opt::<T>()
        .ok_or_else(|| wrong_type(name, T::DATA_TYPE.to_string().as_str(), path))
}

/// The values of row `row` of a `list<T>` column, without copying.
pub fn list_values<'a, T: ArrowPrimitiveType>(
    l: &'a ListArray,
    row: usize,
    name: &str,
    path: &Path,
) -> Result<&'a [T::Native]> {
    let values = l
        .values()
        .as_primitive_opt::<T>()
        .ok_or_else(|| wrong_type(name, &format!("list<{}>", T::DATA_TYPE), path))?;
    let offsets = l.value_offsets();
    let (s, e) = (offsets[row] as usize, offsets[row + 1] as usize);
    Ok(&values.values()[s..e])
}

/// Row `row` of a `list<list<T>>` column.
pub fn nested_values<T: ArrowPrimitiveType>(
    l: &ListArray,
    row: usize,
    name: &str,
    path: &Path,
) -> Result<Vec<Vec<T::Native>>> {
    let inner = l.value(row);
    let inner = inner
        .as_list_opt::<i32>()
        .ok_or_else(|| wrong_type(name, "a list of lists", path))?;
    (0..inner.len())
        .map(|i| list_values::<T>(inner, i, name, path).map(<[_]>::to_vec))
        .collect()
}

fn wrong_type(name: &str, want: &str, path: &Path) -> Error {
    err!(input("column `{name}` in {} is not {want}", path.display()))
}
