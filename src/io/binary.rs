//! The pipeline's binary bar files: headerless little-endian 64-byte records (see
//! [`crate::bar`] for the byte layout). A file of `n` bars is exactly `64 * n` bytes long; an
//! empty file is a valid empty series.
//!
//! [`BinaryReader`] maps the file and lends the records out as `&[Bar]` without copying.
//! [`BinaryWriter`] opens without truncating (the pipeline's `rb+`), writes with `pwrite`, makes
//! data durable with `fdatasync`, and holds an exclusive advisory lock on the file so two
//! writers can never interleave. [`write_atomic`] replaces a whole file crash-safely.

use super::{BarReader, BarWriter, Format};
use crate::{Bar, Error, ErrorKind, Result};
use memmap2::{Advice, Mmap, MmapOptions};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::vec::Vec;
use std::{format, io};

/// Size of one record in bytes, as a file offset.
const RECORD: u64 = Bar::SIZE as u64;

/// How the reader should tell the kernel it will access the mapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AccessPattern {
    /// Front-to-back scans (`MADV_SEQUENTIAL` + `MADV_WILLNEED`): the default.
    #[default]
    Sequential,
    /// Random lookups (`MADV_RANDOM`), e.g. binary searches in a large file.
    Random,
    /// No advice.
    Normal,
}

/// A memory-mapped, read-only view of a binary bar file.
///
/// The mapping covers the file as it was when opened. The records are borrowed straight from
/// the page cache: [`BinaryReader::bars`] costs nothing, whatever the file size.
///
/// As with any memory map (and the pipeline's `np.frombuffer(mmap)`), another process must not
/// truncate the file while it is mapped: the kernel would raise `SIGBUS` on access. This
/// library's writers never shrink a file below data another process may be reading except
/// through the explicit [`BinaryWriter::truncate`] and [`repair`].
#[derive(Debug)]
pub struct BinaryReader {
    path: PathBuf,
    map: Option<Mmap>,
    pos: u64,
}

impl BinaryReader {
    /// Opens and maps `path` for sequential reading.
    ///
    /// Errors: [`ErrorKind::NotFound`]/[`ErrorKind::Io`] from the OS, and
    /// [`ErrorKind::TruncatedFile`] when the length is not a multiple of 64 (the message names
    /// the file, its length and the stray byte count; see [`repair`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, AccessPattern::Sequential)
    }

    /// Opens and maps `path`, advising the kernel of the given access pattern.
    pub fn open_with(path: impl AsRef<Path>, pattern: AccessPattern) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = File::open(&path).map_err(|e| Error::io(&path, "open", e))?;
        let len = file
            .metadata()
            .map_err(|e| Error::io(&path, "stat", e))?
            .len();
        check_whole_records(&path, len)?;
        let map = if len == 0 {
            None // mmap cannot map 0 bytes; an empty file is an empty series.
        } else {
            let map_len = usize::try_from(len).map_err(|_| {
                Error::new(
                    ErrorKind::Overflow,
                    format!("{}: too large to map", path.display()),
                )
            })?;
            // Map exactly the whole records measured above: a writer appending meanwhile only
            // adds bytes beyond the view, which this reader does not see.
            // SAFETY: the mapping is read-only and private to this reader. Its soundness relies on
            // no process truncating or rewriting the mapped range while it is alive, the same
            // contract as every mmap reader; this is documented on the type and on the writers.
            let map = unsafe { MmapOptions::new().len(map_len).map(&file) }
                .map_err(|e| Error::io(&path, "mmap", e))?;
            let advice: &[Advice] = match pattern {
                AccessPattern::Sequential => &[Advice::Sequential, Advice::WillNeed],
                AccessPattern::Random => &[Advice::Random],
                AccessPattern::Normal => &[],
            };
            for a in advice {
                // Advice is a hint: failing to give it changes speed, never results.
                let _ = map.advise(*a);
            }
            Some(map)
        };
        Ok(BinaryReader { path, map, pos: 0 })
    }

    /// All records of the file, zero-copy. Valid as long as the reader lives.
    #[must_use]
    pub fn bars(&self) -> &[Bar] {
        match &self.map {
            // The length was checked to be a multiple of 64 and the mapping is page-aligned, so
            // the cast cannot fail; an empty slice is returned rather than panicking regardless.
            Some(m) => bytemuck::try_cast_slice(&m[..]).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Number of records in the file.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bars().len()
    }

    /// True when the file holds no records.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_none()
    }

    /// The records from byte offset `pos` (a multiple of 64, at most the file length) to the end.
    pub fn bars_from(&self, pos: u64) -> Result<&[Bar]> {
        let first = self.record_index(pos)?;
        Ok(&self.bars()[first..])
    }

    fn record_index(&self, pos: u64) -> Result<usize> {
        if !pos.is_multiple_of(RECORD) || pos > self.len_bytes() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: offset {pos} is not a record boundary within the file ({} bytes)",
                    self.path.display(),
                    self.len_bytes()
                ),
            ));
        }
        usize::try_from(pos / RECORD)
            .map_err(|_| Error::new(ErrorKind::Overflow, "offset too large"))
    }
}

impl BarReader for BinaryReader {
    fn path(&self) -> &Path {
        &self.path
    }

    fn format(&self) -> Format {
        Format::Binary
    }

    fn read_batch(
        &mut self,
        max: usize,
        bars: &mut Vec<Bar>,
        offsets: &mut Vec<u64>,
    ) -> Result<usize> {
        let rest = self.bars_from(self.pos)?;
        let n = rest.len().min(max);
        bars.extend_from_slice(&rest[..n]);
        offsets.extend((0..n as u64).map(|i| self.pos + i * RECORD));
        self.pos += n as u64 * RECORD;
        Ok(n)
    }

    fn seek(&mut self, pos: u64) -> Result<()> {
        self.record_index(pos)?;
        self.pos = pos;
        Ok(())
    }

    fn tell(&self) -> u64 {
        self.pos
    }

    fn eof(&self) -> bool {
        self.pos >= self.len_bytes()
    }

    fn len_bytes(&self) -> u64 {
        self.map.as_ref().map_or(0, |m| m.len() as u64)
    }

    fn data_start(&self) -> u64 {
        0
    }
}

/// Errors with [`ErrorKind::TruncatedFile`] unless `len` is a whole number of records.
pub(crate) fn check_whole_records(path: &Path, len: u64) -> Result<()> {
    let stray = len % RECORD;
    if stray != 0 {
        return Err(Error::new(
            ErrorKind::TruncatedFile,
            format!(
                "{}: length {len} is not a multiple of 64: {} whole records then {stray} stray \
                 bytes at offset {} (a torn write?); `repair` truncates to the last whole record",
                path.display(),
                len / RECORD,
                len - stray
            ),
        ));
    }
    Ok(())
}

/// What [`repair`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepairReport {
    /// Whole records kept.
    pub records_kept: u64,
    /// Stray bytes removed from the end (0 when the file was already whole).
    pub bytes_removed: u64,
}

/// Truncates a binary file to its last whole record, removing a torn tail, and syncs it.
/// Takes the writer lock, so it fails with [`ErrorKind::Busy`] while a writer is active.
pub fn repair(path: impl AsRef<Path>) -> Result<RepairReport> {
    let path = path.as_ref();
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, "open for repair", e))?;
    lock_exclusive(path, &file)?;
    let len = file
        .metadata()
        .map_err(|e| Error::io(path, "stat", e))?
        .len();
    let stray = len % RECORD;
    if stray != 0 {
        file.set_len(len - stray)
            .map_err(|e| Error::io(path, "truncate", e))?;
        file.sync_all().map_err(|e| Error::io(path, "fsync", e))?;
    }
    Ok(RepairReport {
        records_kept: len / RECORD,
        bytes_removed: stray,
    })
}

/// Takes a non-blocking exclusive advisory lock (`flock`) on `file`, released when it closes.
pub(crate) fn lock_exclusive(path: &Path, file: &File) -> Result<()> {
    file.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => Error::new(
            ErrorKind::Busy,
            format!(
                "{}: busy: another writer holds the lock on this file",
                path.display()
            ),
        ),
        std::fs::TryLockError::Error(e) => Error::io(path, "lock", e),
    })
}

/// Writes binary bar files in place, without truncating on open.
///
/// Holds an exclusive advisory lock on the file for its whole life: a second writer on the same
/// file, in this process or another, fails with [`ErrorKind::Busy`]. The lock dies with the
/// process, so a crash never leaves a stale lock.
#[derive(Debug)]
pub struct BinaryWriter {
    path: PathBuf,
    file: File,
    pos: u64,
    len: u64,
}

impl BinaryWriter {
    /// Opens `path` for writing, creating it if missing; existing data is kept (`rb+`).
    /// The position starts at 0, as the pipeline's writer; use [`BarWriter::write_at`] or
    /// [`BinaryWriter::seek_end`] to choose where to write.
    ///
    /// Errors: [`ErrorKind::Busy`] when another writer holds the file, and
    /// [`ErrorKind::TruncatedFile`] when the existing length is not a multiple of 64.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, "open for writing", e))?;
        lock_exclusive(&path, &file)?;
        let len = file
            .metadata()
            .map_err(|e| Error::io(&path, "stat", e))?
            .len();
        check_whole_records(&path, len)?;
        Ok(BinaryWriter {
            path,
            file,
            pos: 0,
            len,
        })
    }

    /// Moves the position to the end of the file and returns it.
    pub fn seek_end(&mut self) -> u64 {
        self.pos = self.len;
        self.pos
    }

    /// Current file length in bytes.
    #[must_use]
    pub fn len_bytes(&self) -> u64 {
        self.len
    }

    /// Writes raw record bytes (a multiple of 64) at `pos`; used for byte-exact copies.
    fn write_bytes_at(&mut self, pos: u64, bytes: &[u8]) -> Result<u64> {
        if !pos.is_multiple_of(RECORD) || pos > self.len {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: write offset {pos} is not a record boundary within the file ({} bytes)",
                    self.path.display(),
                    self.len
                ),
            ));
        }
        self.file
            .write_all_at(bytes, pos)
            .map_err(|e| Error::io(&self.path, &format!("write at offset {pos}"), e))?;
        self.pos = pos + bytes.len() as u64;
        self.len = self.len.max(self.pos);
        Ok(self.pos)
    }
}

impl BarWriter for BinaryWriter {
    fn path(&self) -> &Path {
        &self.path
    }

    fn format(&self) -> Format {
        Format::Binary
    }

    fn write_at(&mut self, pos: u64, bars: &[Bar]) -> Result<u64> {
        self.write_bytes_at(pos, bytemuck::cast_slice(bars))
    }

    fn append(&mut self, bars: &[Bar]) -> Result<u64> {
        self.write_at(self.pos, bars)
    }

    fn truncate(&mut self, len: u64) -> Result<()> {
        if !len.is_multiple_of(RECORD) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: truncate length {len} is not a multiple of 64",
                    self.path.display()
                ),
            ));
        }
        if len < self.len {
            self.file
                .set_len(len)
                .map_err(|e| Error::io(&self.path, &format!("truncate to {len}"), e))?;
            self.len = len;
        }
        self.pos = self.pos.min(len);
        Ok(())
    }

    fn tell(&self) -> u64 {
        self.pos
    }

    fn flush(&mut self, sync: bool) -> Result<()> {
        // Writes go straight to the page cache with pwrite; only durability needs a call.
        if sync {
            self.file
                .sync_data()
                .map_err(|e| Error::io(&self.path, "fdatasync", e))?;
        }
        Ok(())
    }

    fn finalize(&mut self) -> Result<()> {
        self.flush(true)
    }

    fn data_start(&self) -> u64 {
        0
    }
}

/// Replaces `path` with exactly `bars`, crash-safely: the bars go to `<name>.tmp` in the same
/// directory, which is fsynced, renamed over `path`, and the directory is fsynced. A crash
/// leaves either the old file or the new one, never a mix. Fails with [`ErrorKind::Busy`] if a
/// writer holds `path`.
pub fn write_atomic(path: impl AsRef<Path>, bars: &[Bar]) -> Result<()> {
    let path = path.as_ref();
    // Hold the target's writer lock (when it exists) so no writer is mid-update while we swap.
    let _guard = match OpenOptions::new().write(true).open(path) {
        Ok(f) => {
            lock_exclusive(path, &f)?;
            Some(f)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(path, "open", e)),
    };
    replace_file(path, bytemuck::cast_slice(bars), true)
}

/// Writes `bytes` to a temp file beside `path`, fsyncs it, renames it over `path` and fsyncs the
/// directory. Without `sync` the same steps run without the fsyncs: atomic against a killed
/// process, not against power loss.
pub(crate) fn replace_file(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    use std::io::Write;
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, "create", e))?;
        f.write_all(bytes)
            .map_err(|e| Error::io(&tmp, "write", e))?;
        if sync {
            f.sync_all().map_err(|e| Error::io(&tmp, "fsync", e))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, "rename temp file over", e))?;
        if sync { sync_parent_dir(path) } else { Ok(()) }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `<file name>.tmp` in the same directory.
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Fsyncs the directory holding `path`, so a create or rename in it survives power loss.
pub(crate) fn sync_parent_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, "fsync directory", e))
}
