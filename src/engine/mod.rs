//! The resample engine (`std`): the pipeline's cascade over a data directory, incremental,
//! crash-safe, symbols in parallel.
//!
//! For every symbol of `DATA/aggregate/1m/`, each [`CascadeStep`] resamples its source
//! timeframe's file into its own (`5m` from `1m`, `15m` from `5m`, ... `1Y` from `1M`; see
//! [`default_cascade`]), exactly as the pipeline does, so the output files are byte-identical
//! to its pandas results. The module `step` (private) documents the incremental protocol and what a crash leaves.

mod layout;
mod merge;
mod step;

pub use layout::{Layout, ROOT_TIMEFRAME};
pub use merge::{StableMerge, sorted_runs};
pub use step::StepReport;

use crate::io::{Format, IndexFile, IndexRecord};
use crate::resample::ResampleOptions;
use crate::timeframe::Timeframe;
use crate::{Error, ErrorKind, Result};
use std::string::{String, ToString};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use std::vec::Vec;
use std::{format, vec};

/// How durable each index commit is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// Before every index commit the output data is `fdatasync`ed; the index is written to a
    /// temp file, fsynced, renamed, and the directory fsynced. Survives power loss.
    #[default]
    Full,
    /// Same order of operations, no syncs (the pipeline's default `fsync: false`): survives a
    /// killed process, since the page cache keeps every write; after a power loss an index may
    /// point past lost data, which the next run detects and reports.
    Process,
}

/// One step of the cascade: resample `source`'s bars into `name`'s.
#[derive(Clone, Debug, PartialEq)]
pub struct CascadeStep {
    /// Output timeframe id (also its directory name), e.g. `"5m"`.
    pub name: String,
    /// Input timeframe id: `"1m"` (the aggregate) or an earlier step's name.
    pub source: String,
    /// The bins.
    pub timeframe: Timeframe,
}

impl CascadeStep {
    /// A step `name` ← `source` with the timeframe parsed from `rule`.
    pub fn new(name: &str, source: &str, rule: &str) -> Result<Self> {
        let timeframe: Timeframe = rule.parse().map_err(|e| {
            Error::new(
                ErrorKind::InvalidTimeframe,
                format!("timeframe {name:?} ({rule:?}): {e}"),
            )
        })?;
        Ok(CascadeStep {
            name: name.to_string(),
            source: source.to_string(),
            timeframe,
        })
    }
}

/// The pipeline's cascade: 5m←1m, 15m←5m, 30m←15m, 1h←30m, 4h←1h, 1d←4h, 1W←1d, 1M←1d,
/// 1Y←1M, all left-closed and left-labelled with origin `epoch`.
#[must_use]
pub fn default_cascade() -> Vec<CascadeStep> {
    [
        ("5m", "1m", "5min"),
        ("15m", "5m", "15min"),
        ("30m", "15m", "30min"),
        ("1h", "30m", "1h"),
        ("4h", "1h", "4h"),
        ("1d", "4h", "1D"),
        ("1W", "1d", "W-MON"),
        ("1M", "1d", "MS"),
        ("1Y", "1M", "YS"),
    ]
    .iter()
    .map(|(n, s, r)| CascadeStep::new(n, s, r).expect("the built-in cascade parses"))
    .collect()
}

/// Selects the steps producing `names` (and, as sources, nothing else): the cascade is kept in
/// order and each requested step must have its source produced earlier or be the root.
pub fn select_steps(all: &[CascadeStep], names: &[&str]) -> Result<Vec<CascadeStep>> {
    let mut out = Vec::new();
    for want in names {
        if !all.iter().any(|s| s.name == *want) {
            let known: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "unknown timeframe {want:?}; the cascade has {}",
                    known.join(", ")
                ),
            ));
        }
    }
    for s in all {
        if names.contains(&s.name.as_str()) {
            out.push(s.clone());
        }
    }
    validate_cascade(&out)?;
    Ok(out)
}

/// Each step's source must be the root or an earlier step; names must be unique.
pub fn validate_cascade(steps: &[CascadeStep]) -> Result<()> {
    for (i, s) in steps.iter().enumerate() {
        if s.name == ROOT_TIMEFRAME || steps[..i].iter().any(|p| p.name == s.name) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("timeframe {:?} appears twice in the cascade", s.name),
            ));
        }
        let known = s.source == ROOT_TIMEFRAME || steps[..i].iter().any(|p| p.name == s.source);
        if !known {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "timeframe {:?} reads {:?}, which is neither {ROOT_TIMEFRAME} nor produced \
                     earlier in the cascade",
                    s.name, s.source
                ),
            ));
        }
    }
    Ok(())
}

/// Engine settings. [`Config::pipeline`] gives the pipeline's.
#[derive(Clone, Debug)]
pub struct Config {
    /// Bar file format of the whole directory.
    pub format: Format,
    /// The cascade, sources before dependents.
    pub steps: Vec<CascadeStep>,
    /// Aggregation options (the pipeline preset drops volume <= 0 and rounds to 8 decimals).
    pub options: ResampleOptions,
    /// Input rows per batch; each batch ends with an index commit. Any value >= 1 works.
    pub batch_rows: usize,
    /// Sync policy.
    pub durability: Durability,
    /// Worker threads (symbols run in parallel); 0 means one per CPU.
    pub jobs: usize,
    /// Only these symbols (all of `aggregate/1m` when empty).
    pub symbols: Vec<String>,
}

impl Config {
    /// The pipeline's settings for `format`: its cascade, options, 250 000-row batches.
    #[must_use]
    pub fn pipeline(format: Format) -> Self {
        Config {
            format,
            steps: default_cascade(),
            options: ResampleOptions::PIPELINE,
            batch_rows: 250_000,
            durability: Durability::Full,
            jobs: 0,
            symbols: Vec::new(),
        }
    }
}

/// Progress of a running [`run`], readable from another thread.
#[derive(Debug, Default)]
pub struct Progress {
    /// Symbols finished.
    pub symbols_done: AtomicUsize,
    /// Symbols in the run.
    pub symbols_total: AtomicUsize,
    /// Input rows read so far, all steps.
    pub rows_in: AtomicU64,
}

/// What one symbol's cascade did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolReport {
    /// The symbol.
    pub symbol: String,
    /// Per step, in cascade order: (timeframe name, report).
    pub steps: Vec<(String, StepReport)>,
    /// Steps recomputed from the start because new input belonged to committed bars.
    pub full_recomputes: usize,
}

/// What a whole run did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// One report per symbol, sorted by symbol.
    pub symbols: Vec<SymbolReport>,
    /// Wall time.
    pub elapsed: Duration,
}

impl Summary {
    /// Rows read by the first steps (from the 1-minute files).
    #[must_use]
    pub fn root_rows_in(&self, steps: &[CascadeStep]) -> u64 {
        self.total(|name, r| {
            steps
                .iter()
                .any(|s| s.name == name && s.source == ROOT_TIMEFRAME)
                .then_some(r.rows_in)
        })
    }

    /// Rows read by all steps.
    #[must_use]
    pub fn rows_in(&self) -> u64 {
        self.total(|_, r| Some(r.rows_in))
    }

    /// Bars written by all steps.
    #[must_use]
    pub fn bars_out(&self) -> u64 {
        self.total(|_, r| Some(r.bars_out))
    }

    fn total(&self, f: impl Fn(&str, &StepReport) -> Option<u64>) -> u64 {
        self.symbols
            .iter()
            .flat_map(|s| s.steps.iter())
            .filter_map(|(n, r)| f(n, r))
            .sum()
    }
}

/// Runs the cascade over every symbol of `layout`, in parallel. Stops at the first error
/// (naming the file and position), like the pipeline; files of other symbols are left
/// consistent (each commit is atomic).
pub fn run(layout: &Layout, config: &Config, progress: &Progress) -> Result<Summary> {
    validate_cascade(&config.steps)?;
    let start = Instant::now();
    let symbols = if config.symbols.is_empty() {
        layout.symbols()?
    } else {
        config.symbols.clone()
    };
    progress
        .symbols_total
        .store(symbols.len(), Ordering::Relaxed);
    let jobs = match config.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(symbols.len().max(1));

    let next = AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let results: Mutex<Vec<Result<SymbolReport>>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(sym) = symbols.get(i) else { break };
                    let r = run_symbol(layout, config, sym, progress);
                    if r.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    progress.symbols_done.fetch_add(1, Ordering::Relaxed);
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(r);
                }
            });
        }
    });
    let mut reports = Vec::new();
    for r in results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        reports.push(r?);
    }
    reports.sort_by(|a, b| a.symbol.cmp(&b.symbol));
    Ok(Summary {
        symbols: reports,
        elapsed: start.elapsed(),
    })
}

/// Runs the whole cascade for one symbol, steps in order.
pub fn run_symbol(
    layout: &Layout,
    config: &Config,
    symbol: &str,
    progress: &Progress,
) -> Result<SymbolReport> {
    validate_cascade(&config.steps)?;
    let root = layout.bars(ROOT_TIMEFRAME, symbol);
    if !root.is_file() {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!("{}: no 1-minute file for symbol {symbol:?}", root.display()),
        ));
    }
    let (mut scratch, mut scratch_in) = (Vec::new(), Vec::new());
    let mut report = SymbolReport {
        symbol: symbol.to_string(),
        steps: Vec::new(),
        full_recomputes: 0,
    };
    for (i, step) in config.steps.iter().enumerate() {
        let output = layout.bars(&step.name, symbol);
        let index = layout.index(&step.name, symbol);
        if let Some(dir) = index.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create directory", e))?;
        }
        // Commits may not point past what the source step has committed.
        let input_commit_limit = if step.source == ROOT_TIMEFRAME {
            None
        } else {
            let src_index = layout.index(&step.source, symbol);
            Some(
                IndexFile::new(src_index, step::index_format(config.format))
                    .read()?
                    .out_pos,
            )
        };
        let input = layout.bars(&step.source, symbol);
        let spec = step::StepSpec {
            input: &input,
            output: &output,
            index: &index,
            format: config.format,
            timeframe: &step.timeframe,
            options: &config.options,
            batch_rows: config.batch_rows,
            durability: config.durability,
            input_commit_limit,
        };
        let mut outcome = step::run(&spec, &mut scratch, &mut scratch_in)?;
        if matches!(outcome, step::Outcome::NeedsFullRecompute) {
            // Every step reading this one's output (transitively) derived its committed bars
            // from bars that will change: reset those first, then this one, then recompute.
            reset_dependents(layout, config, symbol, i)?;
            reset_index(layout, config, &step.name, symbol)?;
            report.full_recomputes += 1;
            outcome = step::run(&spec, &mut scratch, &mut scratch_in)?;
        }
        let step::Outcome::Done(r) = outcome else {
            return Err(Error::new(
                ErrorKind::InvalidData,
                format!(
                    "{}: input still out of order after a full recompute",
                    input.display()
                ),
            ));
        };
        progress.rows_in.fetch_add(r.rows_in, Ordering::Relaxed);
        report.steps.push((step.name.clone(), r));
    }
    Ok(report)
}

fn reset_index(layout: &Layout, config: &Config, tf: &str, symbol: &str) -> Result<()> {
    let idx = IndexFile::new(layout.index(tf, symbol), step::index_format(config.format));
    if idx.path().exists() {
        let last_date = idx
            .read()
            .map_or(IndexRecord::FRESH.last_date, |r| r.last_date);
        idx.write(&IndexRecord {
            last_date,
            ..IndexRecord::FRESH
        })?;
    }
    Ok(())
}

/// Resets the indexes of every step downstream of step `i` (deepest first).
fn reset_dependents(layout: &Layout, config: &Config, symbol: &str, i: usize) -> Result<()> {
    let mut tainted = vec![config.steps[i].name.as_str()];
    let mut deps = Vec::new();
    for s in &config.steps[i + 1..] {
        if tainted.contains(&s.source.as_str()) {
            tainted.push(&s.name);
            deps.push(&s.name);
        }
    }
    for name in deps.iter().rev() {
        reset_index(layout, config, name, symbol)?;
    }
    Ok(())
}

/// Resets every step's index for `symbol`, so the next run recomputes its files from scratch
/// (an explicit repair after files were changed by hand).
pub fn reset_symbol(layout: &Layout, config: &Config, symbol: &str) -> Result<()> {
    for s in config.steps.iter().rev() {
        reset_index(layout, config, &s.name, symbol)?;
    }
    Ok(())
}
