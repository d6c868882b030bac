//! File IO (`std`): the pipeline's binary and CSV bar files, index files, and a factory that
//! picks the right reader or writer for a path.
//!
//! The traits mirror the pipeline's reader/writer/index protocols. Positions are **byte
//! offsets** in the file, as in the pipeline: a binary record `i` sits at `64 * i`; a CSV row at
//! the offset of its first byte (the first data row of a file with the standard header is at 32).

pub mod binary;
pub mod csv;
pub mod factory;
pub mod index;

pub use binary::{BinaryReader, BinaryWriter};
pub use csv::{CsvReader, CsvWriter};
pub use index::{IndexFile, IndexFormat, IndexRecord};

use crate::{Bar, Result};
use std::path::Path;
use std::vec::Vec;

#[cfg(target_endian = "big")]
compile_error!("the zero-copy bar files are little-endian; big-endian hosts are not supported");

/// On-disk format of a bar file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Headerless little-endian 64-byte records (`.bin`).
    Binary,
    /// The pipeline's CSV dialect (`.csv`).
    Csv,
}

impl Format {
    /// The file extension for this format, with the dot (`".bin"` or `".csv"`), as the
    /// pipeline's `get_appropriate_extension`.
    #[must_use]
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Binary => ".bin",
            Format::Csv => ".csv",
        }
    }

    /// The format named by a mode string: `bin`/`binary` or `csv`/`text`.
    #[must_use]
    pub fn from_mode(mode: &str) -> Option<Self> {
        match mode {
            "bin" | "binary" => Some(Format::Binary),
            "csv" | "text" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Reads bars from a file, in batches, with each bar's byte offset.
pub trait BarReader {
    /// The file being read (for messages).
    fn path(&self) -> &Path;
    /// The file's format.
    fn format(&self) -> Format;
    /// Reads up to `max` bars from the current position, appending them to `bars` and their
    /// byte offsets to `offsets`, and advances past them. Returns how many were read (0 at
    /// end of file).
    fn read_batch(
        &mut self,
        max: usize,
        bars: &mut Vec<Bar>,
        offsets: &mut Vec<u64>,
    ) -> Result<usize>;
    /// Moves to byte offset `pos`, which must be the start of a record or row (or the end).
    fn seek(&mut self, pos: u64) -> Result<()>;
    /// The current byte offset.
    fn tell(&self) -> u64;
    /// True when the position is at the end of the data.
    fn eof(&self) -> bool;
    /// Length of the file in bytes.
    fn len_bytes(&self) -> u64;
    /// Byte offset of the first record (0 for binary, the header length for CSV).
    fn data_start(&self) -> u64;
}

/// Writes bars into a file without truncating it on open (the pipeline's `rb+` semantics).
pub trait BarWriter {
    /// The file being written (for messages).
    fn path(&self) -> &Path;
    /// The file's format.
    fn format(&self) -> Format;
    /// Writes `bars` starting at byte offset `pos` (which must be a record boundary), leaving
    /// the position after them. Returns the new position.
    fn write_at(&mut self, pos: u64, bars: &[Bar]) -> Result<u64>;
    /// Writes `bars` at the current position. Returns the new position.
    fn append(&mut self, bars: &[Bar]) -> Result<u64>;
    /// Cuts the file to `len` bytes and moves the position there if it was beyond.
    fn truncate(&mut self, len: u64) -> Result<()>;
    /// The current byte offset.
    fn tell(&self) -> u64;
    /// Hands buffered bytes to the OS; with `sync`, also makes them durable (`fdatasync`).
    fn flush(&mut self, sync: bool) -> Result<()>;
    /// Flushes and syncs everything; the writer should not be used afterwards.
    fn finalize(&mut self) -> Result<()>;
    /// Byte offset of the first record (0 for binary, the header length for CSV).
    fn data_start(&self) -> u64;
}

/// Reads and commits the progress record of one incremental job (the pipeline's index
/// handler). [`IndexFile`] is the on-disk implementation in both encodings.
pub trait IndexHandler {
    /// The stored record; [`IndexRecord::FRESH`] when nothing has been committed yet.
    fn read(&self) -> Result<IndexRecord>;
    /// Commits `rec` atomically (durably for the on-disk implementation).
    fn write(&self, rec: &IndexRecord) -> Result<()>;
}

impl IndexHandler for IndexFile {
    fn read(&self) -> Result<IndexRecord> {
        IndexFile::read(self)
    }

    fn write(&self, rec: &IndexRecord) -> Result<()> {
        IndexFile::write(self, rec)
    }
}
