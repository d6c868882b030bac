//! Index files: how far incremental work has read (`in_pos`) and written (`out_pos`), both as
//! byte offsets, plus the last processed date.
//!
//! Binary form (the pipeline's current one), 24 bytes, little-endian:
//!
//! | offset | size | field       | type  |                                              |
//! |-------:|-----:|-------------|-------|----------------------------------------------|
//! | 0      | 4    | `last_date` | `i32` | `YYYYMMDD`; 19700101 when unset              |
//! | 4      | 4    | padding     | `u32` | 0                                            |
//! | 8      | 8    | `in_pos`    | `u64` | byte offset into the input file              |
//! | 16     | 8    | `out_pos`   | `u64` | byte offset into the output file             |
//!
//! A fresh index is `85 99 2c 01` followed by 20 zero bytes. The legacy 16-byte form
//! (`u64 in_pos, u64 out_pos`) is read as date 19700101 and migrated by the next write.
//!
//! Text form: `"{YYYYMMDD}\n{in_pos}\n{out_pos}"` without a trailing newline; the legacy
//! two-line form `"{in_pos}\n{out_pos}"` and dashed dates (`2025-12-31`) are read too.
//!
//! A missing file reads as `(19700101, 0, 0)`. Writes are durable and atomic: temp file,
//! fsync, rename, fsync of the directory. Anything else (wrong size, garbage text, negative or
//! impossible values) is an [`ErrorKind::IndexCorrupt`] error naming the file.

use super::binary::replace_file;
use crate::{Error, ErrorKind, Result};
use std::format;
use std::path::{Path, PathBuf};
use std::string::{String, ToString};

/// The unset date, 1970-01-01.
pub const UNSET_DATE: i32 = 19_700_101;

/// The contents of an index file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IndexRecord {
    /// Last processed date as `YYYYMMDD`.
    pub last_date: i32,
    /// Byte offset into the input file.
    pub in_pos: u64,
    /// Byte offset into the output file.
    pub out_pos: u64,
}

impl Default for IndexRecord {
    fn default() -> Self {
        Self::FRESH
    }
}

/// Encoding of an index file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexFormat {
    /// The 24-byte binary record (binary mode).
    Binary,
    /// The three-line text form (text/CSV mode).
    Text,
}

impl IndexRecord {
    /// `(19700101, 0, 0)`: nothing processed yet.
    pub const FRESH: Self = IndexRecord {
        last_date: UNSET_DATE,
        in_pos: 0,
        out_pos: 0,
    };

    /// Size of the binary form.
    pub const SIZE: usize = 24;
    /// Size of the legacy binary form.
    pub const LEGACY_SIZE: usize = 16;

    /// The 24-byte binary form.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[0..4].copy_from_slice(&self.last_date.to_le_bytes());
        b[8..16].copy_from_slice(&self.in_pos.to_le_bytes());
        b[16..24].copy_from_slice(&self.out_pos.to_le_bytes());
        b
    }

    /// Decodes the 24-byte form or the legacy 16-byte form. `what` names the source in errors.
    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<Self> {
        let u64_at = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[i..i + 8]);
            u64::from_le_bytes(w)
        };
        let rec = match bytes.len() {
            Self::LEGACY_SIZE => IndexRecord {
                last_date: UNSET_DATE,
                in_pos: u64_at(0),
                out_pos: u64_at(8),
            },
            Self::SIZE => {
                let mut d = [0u8; 4];
                d.copy_from_slice(&bytes[0..4]);
                let mut p = [0u8; 4];
                p.copy_from_slice(&bytes[4..8]);
                if u32::from_le_bytes(p) != 0 {
                    return Err(corrupt(what, "padding bytes 4..8 are not zero"));
                }
                IndexRecord {
                    last_date: i32::from_le_bytes(d),
                    in_pos: u64_at(8),
                    out_pos: u64_at(16),
                }
            }
            n => {
                return Err(corrupt(
                    what,
                    &format!("{n} bytes; a binary index has 24 (or legacy 16)"),
                ));
            }
        };
        rec.validate(what)?;
        Ok(rec)
    }

    /// The text form, `"{YYYYMMDD}\n{in_pos}\n{out_pos}"` (no trailing newline).
    #[must_use]
    pub fn to_text(&self) -> String {
        format!("{}\n{}\n{}", self.last_date, self.in_pos, self.out_pos)
    }

    /// Parses the text form: three lines (date, in, out) or the legacy two (in, out); blank
    /// lines are ignored and dashes in the date removed. `what` names the source in errors.
    pub fn from_text(text: &str, what: &str) -> Result<Self> {
        let lines: std::vec::Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let number = |line: &str, name: &str| -> Result<u64> {
            if line.starts_with('-') {
                return Err(corrupt(what, &format!("{name} is negative: {line:?}")));
            }
            line.parse::<u64>()
                .map_err(|_| corrupt(what, &format!("{name} is not a number: {line:?}")))
        };
        let rec = match lines.as_slice() {
            [i, o] => IndexRecord {
                last_date: UNSET_DATE,
                in_pos: number(i, "in_pos")?,
                out_pos: number(o, "out_pos")?,
            },
            [d, i, o] => {
                let digits: String = d.chars().filter(|&c| c != '-').collect();
                let date = number(&digits, "last_date")?;
                IndexRecord {
                    last_date: i32::try_from(date)
                        .map_err(|_| corrupt(what, &format!("last_date out of range: {d:?}")))?,
                    in_pos: number(i, "in_pos")?,
                    out_pos: number(o, "out_pos")?,
                }
            }
            _ => {
                return Err(corrupt(
                    what,
                    &format!(
                        "{} non-blank lines; a text index has 3 (date, in, out) or legacy 2",
                        lines.len()
                    ),
                ));
            }
        };
        rec.validate(what)?;
        Ok(rec)
    }

    /// Rejects impossible records: a date that is not a real `YYYYMMDD` calendar day, or an
    /// offset beyond `i64::MAX` (which no file can have, and which the pipeline's signed
    /// arithmetic would misread as negative).
    fn validate(&self, what: &str) -> Result<()> {
        if !is_calendar_date(self.last_date) {
            return Err(corrupt(
                what,
                &format!(
                    "last_date {} is not a YYYYMMDD calendar date",
                    self.last_date
                ),
            ));
        }
        for (name, v) in [("in_pos", self.in_pos), ("out_pos", self.out_pos)] {
            if v > i64::MAX as u64 {
                return Err(corrupt(
                    what,
                    &format!("{name} {v} is impossible (negative as i64)"),
                ));
            }
        }
        Ok(())
    }
}

/// True when `d` is `YYYYMMDD` for a real day of years 1..=9999.
fn is_calendar_date(d: i32) -> bool {
    let (y, m, day) = (d / 10_000, d / 100 % 100, d % 100);
    if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || day < 1 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}

fn corrupt(what: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::IndexCorrupt,
        format!("{what}: corrupt index: {why}"),
    )
}

/// An index file on disk in one of the two encodings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexFile {
    path: PathBuf,
    format: IndexFormat,
}

impl IndexFile {
    /// An index at `path` in `format` (nothing is read or created yet).
    pub fn new(path: impl Into<PathBuf>, format: IndexFormat) -> Self {
        IndexFile {
            path: path.into(),
            format,
        }
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's encoding.
    #[must_use]
    pub fn format(&self) -> IndexFormat {
        self.format
    }

    /// Reads the index. A missing file is [`IndexRecord::FRESH`] (nothing is written), and so
    /// is an empty one: the only state an unsynced first commit can leave when the process dies
    /// between creating the file and writing it, and in any case a safe answer, since starting
    /// from nothing recomputes everything. Any other size or content that is not a valid record
    /// is [`ErrorKind::IndexCorrupt`].
    pub fn read(&self) -> Result<IndexRecord> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(IndexRecord::FRESH),
            Err(e) => return Err(Error::io(&self.path, "read index", e)),
        };
        if bytes.is_empty() {
            return Ok(IndexRecord::FRESH);
        }
        let what = self.path.display().to_string();
        match self.format {
            IndexFormat::Binary => IndexRecord::from_bytes(&bytes, &what),
            IndexFormat::Text => {
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| corrupt(&what, "text index is not valid UTF-8"))?;
                IndexRecord::from_text(text, &what)
            }
        }
    }

    /// Removes a temp file left beside the index by a write that was killed before its rename
    /// (the index itself is then still the previous, complete one). Call only while holding the
    /// lock that serialises writers of this index.
    pub fn remove_stale_temp(&self) -> Result<()> {
        let tmp = super::binary::temp_path(&self.path);
        match std::fs::remove_file(&tmp) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::io(&tmp, "remove stale temp file", e))
            }
            _ => Ok(()),
        }
    }

    /// Writes `rec` durably and atomically (temp file, fsync, rename, fsync of the directory),
    /// creating the parent directory if needed. A legacy file is replaced by the current form.
    pub fn write(&self, rec: &IndexRecord) -> Result<()> {
        self.write_with(rec, true)
    }

    /// As [`IndexFile::write`] but without the fsyncs: still atomic against a killed process
    /// (a 24-byte binary index is overwritten in place with one `pwrite`; otherwise temp file
    /// and rename), not durable against power loss. The pipeline's `fsync: false`.
    pub fn write_unsynced(&self, rec: &IndexRecord) -> Result<()> {
        self.write_with(rec, false)
    }

    fn write_with(&self, rec: &IndexRecord, sync: bool) -> Result<()> {
        rec.validate(&self.path.display().to_string())?;
        if let Some(dir) = self.path.parent().filter(|p| !p.as_os_str().is_empty())
            && !dir.exists()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(dir, "create index directory", e))?;
            super::binary::sync_parent_dir(dir)?;
        }
        match self.format {
            IndexFormat::Binary if !sync && self.overwrite_in_place(rec)? => Ok(()),
            IndexFormat::Binary => replace_file(&self.path, &rec.to_bytes(), sync),
            IndexFormat::Text => replace_file(&self.path, rec.to_text().as_bytes(), sync),
        }
    }

    /// Without syncs, a binary index is written in place with one 24-byte `pwrite` at offset 0:
    /// a write within one page that a killed process cannot tear, and far cheaper than a new temp
    /// file (a new inode) per commit. A missing file is created and written the same way (a crash
    /// in between leaves an empty file, which reads as fresh). Returns false (nothing written)
    /// for a file of another size (a legacy 16-byte index), which the caller replaces whole.
    fn overwrite_in_place(&self, rec: &IndexRecord) -> Result<bool> {
        use std::os::unix::fs::FileExt;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)
            .map_err(|e| Error::io(&self.path, "open index", e))?;
        let len = file
            .metadata()
            .map_err(|e| Error::io(&self.path, "stat index", e))?
            .len();
        if len != 0 && len != IndexRecord::SIZE as u64 {
            return Ok(false);
        }
        file.write_all_at(&rec.to_bytes(), 0)
            .map_err(|e| Error::io(&self.path, "write index", e))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_index_golden_bytes() {
        let mut golden = [0u8; 24];
        golden[..4].copy_from_slice(&[0x85, 0x99, 0x2c, 0x01]);
        assert_eq!(IndexRecord::FRESH.to_bytes(), golden);
        assert_eq!(
            IndexRecord::from_bytes(&golden, "t").unwrap(),
            IndexRecord::FRESH
        );
    }

    #[test]
    fn binary_round_trip_and_legacy() {
        let r = IndexRecord {
            last_date: 20_260_107,
            in_pos: 64 * 1000,
            out_pos: 64 * 7,
        };
        assert_eq!(IndexRecord::from_bytes(&r.to_bytes(), "t").unwrap(), r);
        let mut legacy = [0u8; 16];
        legacy[..8].copy_from_slice(&640u64.to_le_bytes());
        legacy[8..].copy_from_slice(&128u64.to_le_bytes());
        assert_eq!(
            IndexRecord::from_bytes(&legacy, "t").unwrap(),
            IndexRecord {
                last_date: UNSET_DATE,
                in_pos: 640,
                out_pos: 128
            }
        );
    }

    #[test]
    fn binary_rejects_garbage() {
        for n in [0usize, 1, 15, 17, 23, 25, 48] {
            let e = IndexRecord::from_bytes(&std::vec![0u8; n], "x.idx").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::IndexCorrupt, "{n}");
            assert!(e.message().contains("x.idx"), "{e}");
        }
        let mut b = IndexRecord::FRESH.to_bytes();
        b[5] = 1; // padding
        assert_eq!(
            IndexRecord::from_bytes(&b, "t").unwrap_err().kind(),
            ErrorKind::IndexCorrupt
        );
        let mut b = IndexRecord::FRESH.to_bytes();
        b[0..4].copy_from_slice(&20_251_341i32.to_le_bytes()); // month 13
        assert_eq!(
            IndexRecord::from_bytes(&b, "t").unwrap_err().kind(),
            ErrorKind::IndexCorrupt
        );
        let mut b = IndexRecord::FRESH.to_bytes();
        b[8..16].copy_from_slice(&u64::MAX.to_le_bytes()); // -1 as i64
        assert_eq!(
            IndexRecord::from_bytes(&b, "t").unwrap_err().kind(),
            ErrorKind::IndexCorrupt
        );
    }

    #[test]
    fn text_forms() {
        let r = IndexRecord {
            last_date: 20_251_231,
            in_pos: 32,
            out_pos: 4096,
        };
        assert_eq!(r.to_text(), "20251231\n32\n4096");
        assert_eq!(IndexRecord::from_text(&r.to_text(), "t").unwrap(), r);
        assert_eq!(
            IndexRecord::from_text("2025-12-31\n32\n4096\n", "t").unwrap(),
            r
        );
        assert_eq!(
            IndexRecord::from_text("\n2025-12-31\n\n32\n4096\n\n", "t").unwrap(),
            r
        );
        assert_eq!(
            IndexRecord::from_text("32\n4096", "t").unwrap(),
            IndexRecord {
                last_date: UNSET_DATE,
                in_pos: 32,
                out_pos: 4096
            }
        );
        for bad in [
            "",
            "1",
            "a\nb\nc",
            "20251231\n-5\n0",
            "20251231\n1\n2\n3",
            "20250230\n0\n0",
        ] {
            let e = IndexRecord::from_text(bad, "y.idx").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::IndexCorrupt, "{bad:?}");
            assert!(e.message().contains("y.idx"));
        }
    }

    #[test]
    fn calendar_dates() {
        assert!(is_calendar_date(19_700_101));
        assert!(is_calendar_date(20_240_229));
        assert!(!is_calendar_date(20_230_229));
        assert!(!is_calendar_date(0));
        assert!(!is_calendar_date(-20_240_101));
        assert!(!is_calendar_date(20_241_100));
    }
}
