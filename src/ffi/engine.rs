//! The resample engine from C: the pipeline's incremental cascade over a data directory.

use super::boundary::{check_out, ffi_boundary, opt_str_from_c, out_write, path_from_c};
use super::reader::format_arg;
use super::status::ohlcv_status;
use crate::engine::{self, Config, Durability, Layout, Progress};
use crate::{Error, ErrorKind, Result};
use core::ffi::c_char;
use std::format;
use std::string::ToString;
use std::vec::Vec;

/// How durable each index commit of the engine is (pass the value as `int32_t`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ohlcv_durability {
    /// Output data is `fdatasync`ed before every index commit, and the index is written to a
    /// temp file, fsynced, renamed, and its directory fsynced: survives power loss.
    Full = 0,
    /// The same order of operations without the syncs (the pipeline's default): survives a
    /// killed process, not a power loss.
    Process = 1,
}

/// Settings of [`ohlcv_engine_run`]. All zeros (`{0}`) is the pipeline's configuration for
/// binary files with full durability.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ohlcv_engine_options {
    /// File format of the whole data directory: `OHLCV_FORMAT_BINARY` or `OHLCV_FORMAT_CSV`.
    pub mode: i32,
    /// An `ohlcv_durability`.
    pub durability: i32,
    /// Comma-separated timeframes to produce, from the pipeline's cascade (`"5m,15m,1h"`; each
    /// one's source must be `1m` or listed before it). NULL or `""`: the whole cascade (5m, 15m,
    /// 30m, 1h, 4h, 1d, 1W, 1M, 1Y). Borrowed for the call only.
    pub timeframes: *const c_char,
    /// Comma-separated symbols to process. NULL or `""`: every symbol of `aggregate/1m`.
    /// Borrowed for the call only.
    pub symbols: *const c_char,
    /// Worker threads (symbols run in parallel); 0 means one per CPU.
    pub jobs: usize,
    /// Input rows per batch (each batch ends with an index commit); 0 means 250 000.
    pub batch_rows: usize,
}

/// What [`ohlcv_engine_run`] did.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ohlcv_engine_summary {
    /// Symbols processed.
    pub symbols: u64,
    /// Timeframes (cascade steps) per symbol.
    pub timeframes: u64,
    /// Rows read from the 1-minute files.
    pub root_rows_in: u64,
    /// Rows read by all steps.
    pub rows_in: u64,
    /// Bars written by all steps.
    pub bars_out: u64,
    /// Steps recomputed from the start because new input belonged to bars already written.
    pub full_recomputes: u64,
    /// Wall time in seconds.
    pub elapsed_seconds: f64,
}

/// Splits a comma-separated list, trimming blanks and dropping empty items.
fn list(s: Option<&str>) -> Vec<&str> {
    s.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// The engine configuration from C options.
///
/// # Safety
/// The options' strings must be NULL or NUL-terminated.
unsafe fn config(o: &ohlcv_engine_options) -> Result<Config> {
    let format = match format_arg(o.mode, "options.mode")? {
        Some(f) => f,
        None => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "options.mode must be OHLCV_FORMAT_BINARY or OHLCV_FORMAT_CSV",
            ));
        }
    };
    let mut c = Config::pipeline(format);
    // SAFETY: forwarded to the caller's contract.
    let tfs = list(unsafe { opt_str_from_c(o.timeframes, "options.timeframes") }?);
    if !tfs.is_empty() {
        c.steps = engine::select_steps(&c.steps, &tfs)?;
    }
    // SAFETY: forwarded to the caller's contract.
    let symbols = list(unsafe { opt_str_from_c(o.symbols, "options.symbols") }?);
    c.symbols = symbols.into_iter().map(ToString::to_string).collect();
    c.durability = match o.durability {
        0 => Durability::Full,
        1 => Durability::Process,
        d => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "options.durability {d} is not an ohlcv_durability (OHLCV_DURABILITY_FULL \
                     or OHLCV_DURABILITY_PROCESS)"
                ),
            ));
        }
    };
    c.jobs = o.jobs;
    if o.batch_rows != 0 {
        c.batch_rows = o.batch_rows;
    }
    Ok(c)
}

/// Runs the pipeline's cascade incrementally over the data directory `data_dir` (holding
/// `aggregate/1m/SYMBOL.{bin,csv}`, or a `data/` folder that does), writing
/// `resample/{tf}/SYMBOL.{bin,csv}` and `resample/{tf}/index/SYMBOL.idx`, and writes what it did
/// to `*out`. Symbols run in parallel; the call returns when all are done. Stops at the first
/// error (its message names the file and position); other symbols' files stay consistent.
/// `options` NULL means all zeros (see [`ohlcv_engine_options`]).
///
/// Ownership: `data_dir` and `options` (with its strings) are borrowed for the call only.
///
/// Errors: `NOT_FOUND` without `aggregate/1m`; `INVALID_ARGUMENT` for an unknown timeframe or
/// a bad option; `BUSY` when another process is writing the same output; any reader, writer or
/// index error of the files.
///
/// # Safety
/// `data_dir` must be NULL or NUL-terminated; `options` NULL or valid for a read, with its
/// strings NULL or NUL-terminated; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_engine_run(
    data_dir: *const c_char,
    options: *const ohlcv_engine_options,
    out: *mut ohlcv_engine_summary,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let dir = unsafe { path_from_c(data_dir, "data_dir") }?;
        let o = if options.is_null() {
            ohlcv_engine_options {
                mode: 0,
                durability: 0,
                timeframes: core::ptr::null(),
                symbols: core::ptr::null(),
                jobs: 0,
                batch_rows: 0,
            }
        } else {
            // SAFETY: non-NULL; valid for a read by the caller's contract (any alignment).
            unsafe { options.read_unaligned() }
        };
        // SAFETY: forwarded to the caller's contract.
        let config = unsafe { config(&o) }?;
        let layout = Layout::new(&dir, config.format)?;
        let summary = engine::run(&layout, &config, &Progress::default())?;
        let s = ohlcv_engine_summary {
            symbols: summary.symbols.len() as u64,
            timeframes: config.steps.len() as u64,
            root_rows_in: summary.root_rows_in(&config.steps),
            rows_in: summary.rows_in(),
            bars_out: summary.bars_out(),
            full_recomputes: summary
                .symbols
                .iter()
                .map(|r| r.full_recomputes as u64)
                .sum(),
            elapsed_seconds: summary.elapsed.as_secs_f64(),
        };
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out, s) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::Format;

    #[test]
    fn zeroed_options_are_the_pipeline_binary_config() {
        let o = ohlcv_engine_options {
            mode: 0,
            durability: 0,
            timeframes: core::ptr::null(),
            symbols: core::ptr::null(),
            jobs: 0,
            batch_rows: 0,
        };
        // SAFETY: no strings.
        let c = unsafe { config(&o) }.unwrap();
        let p = Config::pipeline(Format::Binary);
        assert_eq!(c.format, Format::Binary);
        assert_eq!(c.steps, p.steps);
        assert_eq!(c.batch_rows, p.batch_rows);
        assert_eq!(c.durability, Durability::Full);
        assert_eq!(format_arg(1, "mode").unwrap(), Some(Format::Csv));
        assert_eq!(list(Some(" 5m, ,15m ")), ["5m", "15m"]);
    }
}
