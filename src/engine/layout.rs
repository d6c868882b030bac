//! Where the pipeline keeps its files.
//!
//! ```text
//! DATA/aggregate/1m/SYM.{bin,csv}            1-minute input (the cascade's root)
//! DATA/resample/{tf}/SYM.{bin,csv}           one file per derived timeframe
//! DATA/resample/{tf}/index/SYM.idx           how far that file's step has read and written
//! ```

use crate::io::Format;
use crate::{Error, ErrorKind, Result};
use std::format;
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;

/// The name of the root timeframe, whose files live under `aggregate/1m`.
pub const ROOT_TIMEFRAME: &str = "1m";

/// The pipeline's directory layout under one data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
    format: Format,
}

impl Layout {
    /// The layout under `dir` for files of `format`. `dir` is the directory holding
    /// `aggregate/` and `resample/`; a directory holding `data/aggregate/` (the pipeline's
    /// checkout) is accepted too.
    pub fn new(dir: impl AsRef<Path>, format: Format) -> Result<Self> {
        let dir = dir.as_ref();
        let root = if dir.join("aggregate").is_dir() {
            dir.to_path_buf()
        } else if dir.join("data").join("aggregate").is_dir() {
            dir.join("data")
        } else {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "{}: no aggregate/1m directory here (nor under data/): expected the \
                     pipeline's layout DATA/aggregate/1m/SYMBOL{}",
                    dir.display(),
                    format.extension()
                ),
            ));
        };
        Ok(Layout { root, format })
    }

    /// The data directory (holding `aggregate/` and `resample/`).
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The bar files' format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// The bar file of `symbol` at timeframe `tf`.
    #[must_use]
    pub fn bars(&self, tf: &str, symbol: &str) -> PathBuf {
        let name = format!("{symbol}{}", self.format.extension());
        if tf == ROOT_TIMEFRAME {
            self.root.join("aggregate").join(ROOT_TIMEFRAME).join(name)
        } else {
            self.root.join("resample").join(tf).join(name)
        }
    }

    /// The index file of `symbol`'s step producing timeframe `tf`.
    #[must_use]
    pub fn index(&self, tf: &str, symbol: &str) -> PathBuf {
        self.root
            .join("resample")
            .join(tf)
            .join("index")
            .join(format!("{symbol}.idx"))
    }

    /// The symbols with a root (1m) file of this layout's format, sorted.
    pub fn symbols(&self) -> Result<Vec<String>> {
        let dir = self.root.join("aggregate").join(ROOT_TIMEFRAME);
        let ext = self.format.extension().trim_start_matches('.');
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, "list", e))? {
            let path = entry.map_err(|e| Error::io(&dir, "list", e))?.path();
            if path.is_file()
                && path.extension().is_some_and(|e| e == ext)
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                out.push(stem.to_string());
            }
        }
        out.sort();
        Ok(out)
    }
}
