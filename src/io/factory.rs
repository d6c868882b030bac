//! Opens the right reader or writer for a path: by extension (`.bin`, `.csv`), or by content
//! when the extension says nothing (as the pipeline's `ResampleIOFactory`).

use super::binary::{BinaryReader, BinaryWriter};
use super::csv::{CsvReader, CsvWriter};
use super::{BarReader, BarWriter, Format};
use crate::{Error, ErrorKind, Result};
use std::boxed::Box;
use std::format;
use std::io::Read;
use std::path::Path;

/// The format named by `path`'s extension (`bin` or `csv`, any case), if any.
#[must_use]
pub fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "bin" => Some(Format::Binary),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

/// The format of the file at `path`: by extension, else by content. Text that starts with the
/// pipeline's header or a `YYYY-MM-DD` timestamp is CSV; a file starting with the magic
/// `DUKASBIN` (which the pipeline's factory also accepts) or holding non-text bytes in whole
/// 64-byte records is binary. An empty file without a telling extension is
/// [`ErrorKind::UnknownFormat`].
pub fn detect_format(path: &Path) -> Result<Format> {
    if let Some(f) = format_from_extension(path) {
        return Ok(f);
    }
    let mut head = [0u8; 64];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, "open", e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io(path, "stat", e))?
        .len();
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(Error::io(path, "read", e)),
        }
    }
    let head = &head[..n];
    let unknown = |why: &str| {
        Error::new(
            ErrorKind::UnknownFormat,
            format!(
                "{}: cannot tell binary from CSV: {why}; use a .bin or .csv name",
                path.display()
            ),
        )
    };
    if head.is_empty() {
        return Err(unknown("the file is empty"));
    }
    if head.starts_with(b"DUKASBIN") {
        return Ok(Format::Binary);
    }
    let looks_like_date = head.len() >= 10
        && head[..4].iter().all(u8::is_ascii_digit)
        && head[4] == b'-'
        && head[7] == b'-';
    if head.starts_with(b"time,") || looks_like_date {
        return Ok(Format::Csv);
    }
    let is_text = head
        .iter()
        .all(|&b| b == b'\n' || b == b'\r' || (0x20..0x7f).contains(&b));
    if !is_text && len % 64 == 0 {
        return Ok(Format::Binary);
    }
    Err(unknown("neither a CSV header nor whole 64-byte records"))
}

/// A reader for `path` (format detected as [`detect_format`]).
pub fn open_reader(path: impl AsRef<Path>) -> Result<Box<dyn BarReader + Send>> {
    let path = path.as_ref();
    Ok(match detect_format(path)? {
        Format::Binary => Box::new(BinaryReader::open(path)?),
        Format::Csv => Box::new(CsvReader::open(path)?),
    })
}

/// A writer for `path` in `format`, or the format its extension names when `None` (a file
/// without a telling extension needs an explicit format). Existing data is kept.
pub fn open_writer(
    path: impl AsRef<Path>,
    format: Option<Format>,
) -> Result<Box<dyn BarWriter + Send>> {
    let path = path.as_ref();
    let format = match format.or_else(|| format_from_extension(path)) {
        Some(f) => f,
        None => {
            return Err(Error::new(
                ErrorKind::UnknownFormat,
                format!(
                    "{}: no .bin/.csv extension; say which format to write",
                    path.display()
                ),
            ));
        }
    };
    Ok(match format {
        Format::Binary => Box::new(BinaryWriter::open(path)?),
        Format::Csv => Box::new(CsvWriter::open(path)?),
    })
}

/// The index handler that goes with bar files of `format`, as the pipeline pairs them: the
/// 24-byte binary index for binary files, the text index for CSV files.
#[must_use]
pub fn open_index(path: impl AsRef<Path>, format: Format) -> super::IndexFile {
    let encoding = match format {
        Format::Binary => super::IndexFormat::Binary,
        Format::Csv => super::IndexFormat::Text,
    };
    super::IndexFile::new(path.as_ref(), encoding)
}

/// The file extension for `format`, with the dot (the pipeline's
/// `get_appropriate_extension`).
#[must_use]
pub const fn extension(format: Format) -> &'static str {
    format.extension()
}
