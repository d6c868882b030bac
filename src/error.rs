//! Errors: one set of stable numeric codes shared by Rust and the C ABI.
//!
//! [`ErrorKind`] is the category, with a code that never changes meaning (the C `ohlcv_status`
//! uses the same numbers; `0` is success). With `std`, [`Error`] pairs a kind with a message that
//! names the file and the position (byte offset or line) the error applies to.

use core::fmt;

/// Category of an error. The discriminants are the stable `ohlcv_status` codes of the C ABI:
/// they are never renumbered or reused; retired codes stay listed as comments.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument is out of range or inconsistent with the others.
    InvalidArgument = 1,
    /// A required pointer was NULL (C ABI).
    NullPointer = 2,
    /// A bar buffer is not 64-byte aligned (C ABI).
    Misaligned = 3,
    /// A count or size overflows.
    Overflow = 4,
    /// A path is not valid UTF-8 or contains an interior NUL (C ABI).
    InvalidPath = 5,
    /// The caller's output buffer is too small.
    BufferTooSmall = 6,
    /// An operating-system I/O error.
    Io = 7,
    /// A file does not exist.
    NotFound = 8,
    /// The file is locked by another writer.
    Busy = 9,
    /// A binary file's length is not a multiple of 64 bytes.
    TruncatedFile = 10,
    /// A text (CSV) file is malformed.
    Parse = 11,
    /// An index file is corrupt or impossible.
    IndexCorrupt = 12,
    /// A timeframe specification is unknown or contradictory.
    InvalidTimeframe = 13,
    /// Bar data breaks a rule (OHLC sanity, ordering, NaN where none is allowed).
    InvalidData = 14,
    /// An index and the files it describes disagree (index past the end of its file).
    IndexMismatch = 15,
    /// A file's format could not be determined.
    UnknownFormat = 16,
    /// A handle is NULL, closed or of the wrong type (C ABI).
    BadHandle = 17,
    /// A Rust panic was caught at the C boundary.
    Panic = 18,
    /// The operation is not supported for this file or configuration.
    Unsupported = 19,
}

impl ErrorKind {
    /// Every kind, in code order.
    pub const ALL: [ErrorKind; 19] = [
        ErrorKind::InvalidArgument,
        ErrorKind::NullPointer,
        ErrorKind::Misaligned,
        ErrorKind::Overflow,
        ErrorKind::InvalidPath,
        ErrorKind::BufferTooSmall,
        ErrorKind::Io,
        ErrorKind::NotFound,
        ErrorKind::Busy,
        ErrorKind::TruncatedFile,
        ErrorKind::Parse,
        ErrorKind::IndexCorrupt,
        ErrorKind::InvalidTimeframe,
        ErrorKind::InvalidData,
        ErrorKind::IndexMismatch,
        ErrorKind::UnknownFormat,
        ErrorKind::BadHandle,
        ErrorKind::Panic,
        ErrorKind::Unsupported,
    ];

    /// The stable numeric code.
    #[must_use]
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The kind with this code, if any.
    #[must_use]
    pub fn from_code(code: i32) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// A short static description.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::NullPointer => "null pointer",
            ErrorKind::Misaligned => "buffer not 64-byte aligned",
            ErrorKind::Overflow => "size or count overflows",
            ErrorKind::InvalidPath => "invalid path",
            ErrorKind::BufferTooSmall => "output buffer too small",
            ErrorKind::Io => "I/O error",
            ErrorKind::NotFound => "file not found",
            ErrorKind::Busy => "file is locked by another writer",
            ErrorKind::TruncatedFile => "file length is not a multiple of 64 bytes",
            ErrorKind::Parse => "malformed text data",
            ErrorKind::IndexCorrupt => "corrupt index file",
            ErrorKind::InvalidTimeframe => "invalid timeframe",
            ErrorKind::InvalidData => "invalid bar data",
            ErrorKind::IndexMismatch => "index and data files disagree",
            ErrorKind::UnknownFormat => "unknown file format",
            ErrorKind::BadHandle => "bad handle",
            ErrorKind::Panic => "internal panic caught",
            ErrorKind::Unsupported => "unsupported operation",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "std")]
pub use with_std::{Error, Result};

#[cfg(feature = "std")]
mod with_std {
    use super::ErrorKind;
    use std::fmt;
    use std::path::Path;
    use std::string::String;

    /// An error with its [`ErrorKind`] and a message naming the file and position it applies to.
    #[derive(Debug)]
    pub struct Error {
        kind: ErrorKind,
        message: String,
        source: Option<std::io::Error>,
    }

    /// `Result` with [`Error`].
    pub type Result<T, E = Error> = core::result::Result<T, E>;

    impl Error {
        /// An error of `kind` with a full message.
        pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
            Error {
                kind,
                message: message.into(),
                source: None,
            }
        }

        /// An I/O error while doing `what` on `path`. `NotFound` and lock contention get their
        /// own kinds.
        pub fn io(path: &Path, what: &str, err: std::io::Error) -> Self {
            let kind = match err.kind() {
                std::io::ErrorKind::NotFound => ErrorKind::NotFound,
                std::io::ErrorKind::WouldBlock => ErrorKind::Busy,
                _ => ErrorKind::Io,
            };
            Error {
                kind,
                message: std::format!("{}: {what}: {err}", path.display()),
                source: Some(err),
            }
        }

        /// The error's category.
        #[must_use]
        pub fn kind(&self) -> ErrorKind {
            self.kind
        }

        /// The full message.
        #[must_use]
        pub fn message(&self) -> &str {
            &self.message
        }

        /// Prefixes the message with more context (`"{context}: {message}"`).
        #[must_use]
        pub fn context(mut self, context: impl fmt::Display) -> Self {
            self.message = std::format!("{context}: {}", self.message);
            self
        }
    }

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.message)
        }
    }

    impl std::error::Error for Error {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.source.as_ref().map(|e| e as _)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_unique() {
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(k.code(), i as i32 + 1, "{k:?}");
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
            assert!(!k.as_str().is_empty());
        }
        assert_eq!(ErrorKind::from_code(0), None);
        assert_eq!(ErrorKind::from_code(1000), None);
    }
}
