//! One cascade step: resample one input file into one output file, incrementally and
//! crash-safely.
//!
//! The pipeline's protocol, kept byte for byte: resume reading at the index's `in_pos` (the
//! first input row of the held-back bar) and writing at `out_pos` (the end of the committed
//! bars); every batch, write the closed bars, make them durable, then commit the index; at the
//! end write the held-back (still forming) bar after the last commit. A crash anywhere leaves
//! an index that points at durable data, and a rerun produces the bytes of one fresh run.
//!
//! Differences from the pipeline, all towards correctness:
//! - the kernel streams, so a batch that falls inside one output bar is fine (the pipeline
//!   looped forever) and memory stays bounded by the batch, whatever the bar length;
//! - input that steps back in time is stably merged across the whole file (not per batch), so
//!   the result is what one single-batch pandas run gives, never duplicate bars; commits are
//!   placed only where every later row belongs to a later bar, and if newly appended rows
//!   belong to bars already committed the step is recomputed from the start (reported as
//!   [`Outcome::NeedsFullRecompute`]);
//! - the output is overwritten in place from `out_pos` and cut only at the very end if it is
//!   longer than the new data, so readers mapping it are not hit by a shrinking file in the
//!   normal case;
//! - an index that points past its files is reported, never silently "fixed".

use super::{Durability, merge};
use crate::io::{self, BarReader, BarWriter, BinaryReader, Format, IndexFile, IndexRecord};
use crate::resample::{ResampleError, ResampleOptions, Resampler};
use crate::timeframe::Timeframe;
use crate::{Bar, Error, ErrorKind, Result};
use std::boxed::Box;
use std::format;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::vec::Vec;

/// Everything one step needs.
pub(crate) struct StepSpec<'a> {
    /// Input bar file (the source timeframe).
    pub input: &'a Path,
    /// Output bar file.
    pub output: &'a Path,
    /// The step's index file.
    pub index: &'a Path,
    /// Bar files' format (the index encoding follows it).
    pub format: Format,
    /// Target timeframe.
    pub timeframe: &'a Timeframe,
    /// Aggregation options.
    pub options: &'a ResampleOptions,
    /// Input rows per batch (and per index commit).
    pub batch_rows: usize,
    /// Sync policy for commits.
    pub durability: Durability,
    /// Commits never point past this input byte offset: input rows beyond it may still change
    /// (the upstream step's uncommitted bars).
    pub input_commit_limit: Option<u64>,
}

/// What a completed step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepReport {
    /// Input rows read (from the resume point).
    pub rows_in: u64,
    /// Bars written (committed and held back).
    pub bars_out: u64,
}

/// Result of [`run`].
pub(crate) enum Outcome {
    /// The output file and index are up to date.
    Done(StepReport),
    /// New input rows belong to bars already committed: the step (and every step reading its
    /// output) must be recomputed from the start.
    NeedsFullRecompute,
}

/// Byte offset of each input row.
#[derive(Clone, Copy)]
enum Offsets<'a> {
    /// Fixed-size records: row `i` at `base + 64 i`.
    Strided(u64),
    /// Text rows: explicit offsets.
    List(&'a [u64]),
}

impl Offsets<'_> {
    fn get(&self, i: usize) -> u64 {
        match self {
            Offsets::Strided(base) => base + 64 * i as u64,
            Offsets::List(l) => l[i],
        }
    }
}

/// Output buffer size in bars: bounds the step's heap use whatever the file size.
const OUT_BUF: usize = 1 << 14;

/// Binary input is read in chunks of this many bars (1 MiB): small enough to stay in cache
/// between the copy and the kernel, large enough that syscalls do not matter.
const IN_BUF: usize = 1 << 14;

/// Runs one step to the end of its input.
/// `scratch` and `scratch_in` are the output and input buffers, reused across steps so each
/// step does not fault in fresh zeroed pages.
pub(crate) fn run(
    spec: &StepSpec<'_>,
    scratch: &mut Vec<Bar>,
    scratch_in: &mut Vec<Bar>,
) -> Result<Outcome> {
    scratch.resize(OUT_BUF, Bar::default());
    let index = IndexFile::new(spec.index, index_format(spec.format));
    let committed = index.read()?;
    let writer = io::factory::open_writer(spec.output, Some(spec.format))?;
    // The output's writer lock also serialises this index's writers.
    index.remove_stale_temp()?;
    let out_start = writer.data_start();
    let mut step = Step {
        spec,
        resampler: Resampler::new(*spec.timeframe, *spec.options),
        writer,
        index,
        committed,
        initial: committed,
        out: scratch,
        out_pos: 0,
        forming_offset: None,
        rows_since_commit: 0,
        report: StepReport::default(),
    };
    step.check_output_against_index(out_start)?;

    let input_len = std::fs::metadata(spec.input)
        .map_err(|e| Error::io(spec.input, "stat", e))?
        .len();
    match spec.format {
        Format::Binary => {
            io::binary::check_whole_records(spec.input, input_len)?;
            step.begin(input_len, 0)?;
            if step.feed_binary_file(input_len, scratch_in)?.is_err() {
                // Time steps back somewhere after the resume point: merge from where this run
                // started (commits made since assumed ordered input), over a mapping of the
                // records that were there when the step began.
                let reader = BinaryReader::open(spec.input)?;
                let rows = reader
                    .bars()
                    .get(..(input_len / 64) as usize)
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::Io,
                            format!("{}: file shrank while being read", spec.input.display()),
                        )
                    })?;
                step.committed = step.initial;
                let first = (step.committed.in_pos / 64) as usize;
                step.restart_at_commit()?;
                if !step.feed_merged(&rows[first..], Offsets::Strided(step.committed.in_pos))? {
                    return Ok(Outcome::NeedsFullRecompute);
                }
            }
        }
        Format::Csv => {
            if input_len == 0 {
                step.begin(0, 0)?;
            } else {
                let mut reader = io::factory::open_reader(spec.input)?;
                step.begin(input_len, reader.data_start())?;
                if !step.feed_csv(reader.as_mut())? {
                    return Ok(Outcome::NeedsFullRecompute);
                }
            }
        }
    }
    step.finish()?;
    Ok(Outcome::Done(step.report))
}

/// The index encoding that goes with a bar file format (as the pipeline's factory).
pub(crate) fn index_format(format: Format) -> io::IndexFormat {
    match format {
        Format::Binary => io::IndexFormat::Binary,
        Format::Csv => io::IndexFormat::Text,
    }
}

/// Marker: input rows step back in time at the given point.
struct Unsorted;

struct Step<'a> {
    /// Closed bars on their way to the writer.
    out: &'a mut Vec<Bar>,
    spec: &'a StepSpec<'a>,
    resampler: Resampler,
    writer: Box<dyn BarWriter>,
    index: IndexFile,
    /// The last committed state (read at start, updated by each commit).
    committed: IndexRecord,
    /// The state this run resumed from. Commits made while feeding rows in file order assume
    /// later rows do not step back; when one does, feeding restarts in merge mode from here.
    initial: IndexRecord,
    /// End of the closed bars written so far (where the next bar goes).
    out_pos: u64,
    /// Input byte offset of the forming bar's first row (sorted feeding only).
    forming_offset: Option<u64>,
    rows_since_commit: usize,
    report: StepReport,
}

impl Step<'_> {
    fn mismatch(&self, what: std::string::String) -> Error {
        Error::new(
            ErrorKind::IndexMismatch,
            format!("{}: {what}", self.index.path().display()),
        )
    }

    /// The output must hold at least the committed bars the index promises.
    fn check_output_against_index(&mut self, out_start: u64) -> Result<()> {
        if self.committed.out_pos < out_start {
            // The pipeline's convention: 0 means "at the start of the data" (after a header).
            self.committed.out_pos = out_start;
        }
        let len = std::fs::metadata(self.spec.output)
            .map_err(|e| Error::io(self.spec.output, "stat", e))?
            .len();
        if self.committed.out_pos > len {
            return Err(self.mismatch(format!(
                "out_pos {} points past the end of {} ({len} bytes): the output is shorter than \
                 its index says (deleted or truncated?); rebuild this step to recompute it",
                self.committed.out_pos,
                self.spec.output.display()
            )));
        }
        if self.spec.format == Format::Binary && !self.committed.out_pos.is_multiple_of(64) {
            return Err(self.mismatch(format!(
                "out_pos {} is not a multiple of 64",
                self.committed.out_pos
            )));
        }
        Ok(())
    }

    /// Checks the index against the input, records the state this run resumes from, and
    /// positions the output there.
    fn begin(&mut self, input_len: u64, data_start: u64) -> Result<()> {
        self.check_input_against_index(input_len, data_start)?;
        self.initial = self.committed;
        self.restart_at_commit()
    }

    /// The input must hold the row the index resumes from.
    fn check_input_against_index(&mut self, len: u64, data_start: u64) -> Result<()> {
        let rec = &mut self.committed;
        if rec.in_pos < data_start {
            rec.in_pos = data_start;
        }
        if rec.in_pos > len {
            return Err(self.mismatch(format!(
                "in_pos {} points past the end of {} ({len} bytes): the input is shorter than \
                 its index says; rebuild this step to recompute it",
                self.committed.in_pos,
                self.spec.input.display()
            )));
        }
        if self.spec.format == Format::Binary && !rec.in_pos.is_multiple_of(64) {
            let pos = rec.in_pos;
            return Err(self.mismatch(format!("in_pos {pos} is not a multiple of 64")));
        }
        Ok(())
    }

    /// Forgets everything since the last commit: output resumes at `out_pos`, input at `in_pos`.
    /// Text rows have no fixed size, so a CSV output is cut at `out_pos` first (the pipeline's
    /// truncate-then-write); binary records are overwritten in place.
    fn restart_at_commit(&mut self) -> Result<()> {
        if self.spec.format == Format::Csv {
            self.writer.truncate(self.committed.out_pos)?;
        }
        self.resampler = Resampler::new(*self.spec.timeframe, *self.spec.options);
        self.out_pos = self.committed.out_pos;
        self.forming_offset = None;
        self.rows_since_commit = 0;
        self.report = StepReport::default();
        Ok(())
    }

    /// Pushes `rows` through the kernel, writing closed bars as the output buffer fills.
    /// `Err(Unsorted)` when a row steps back in time.
    fn push(&mut self, rows: &[Bar]) -> Result<Result<(), Unsorted>> {
        let mut done = 0;
        while done < rows.len() {
            let (consumed, written) = match self.resampler.push(&rows[done..], self.out) {
                Ok(cw) => cw,
                Err(ResampleError::Unsorted { .. }) => return Ok(Err(Unsorted)),
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::InvalidData,
                        format!(
                            "{}: row {}: {e}",
                            self.spec.input.display(),
                            self.resampler.rows_pushed()
                        ),
                    ));
                }
            };
            self.write_closed(written)?;
            done += consumed;
        }
        self.report.rows_in += rows.len() as u64;
        Ok(Ok(()))
    }

    fn write_closed(&mut self, n: usize) -> Result<()> {
        if n > 0 {
            check_no_nan(&self.out[..n], self.spec.output)?;
            self.out_pos = self.writer.write_at(self.out_pos, &self.out[..n])?;
            self.report.bars_out += n as u64;
        }
        Ok(())
    }

    /// Feeds time-ordered rows, committing whenever a batch of rows has gone in since the last
    /// commit (callers commit once more at the end of the input). `Err(Unsorted)` if they are
    /// not ordered.
    fn feed_sorted(&mut self, rows: &[Bar], offs: Offsets<'_>) -> Result<Result<(), Unsorted>> {
        let batch = self.spec.batch_rows.max(1);
        let mut base = 0;
        for chunk in rows.chunks(batch) {
            let pushed_before = self.resampler.rows_pushed();
            if self.push(chunk)?.is_err() {
                return Ok(Err(Unsorted));
            }
            if let Some(first) = self.resampler.forming_first_row()
                && first >= pushed_before
            {
                self.forming_offset = Some(offs.get(base + (first - pushed_before) as usize));
            }
            base += chunk.len();
            self.rows_since_commit += chunk.len();
            if self.rows_since_commit >= batch {
                self.commit_sorted()?;
            }
        }
        Ok(Ok(()))
    }

    /// Reads the binary input from the resume point to `len` in cache-sized chunks (`pread` into
    /// `buf`, which the kernel then reads from cache) and feeds them in file order, committing
    /// every batch and at the end. `Err(Unsorted)` if time steps back.
    fn feed_binary_file(&mut self, len: u64, buf: &mut Vec<Bar>) -> Result<Result<(), Unsorted>> {
        let file = std::fs::File::open(self.spec.input)
            .map_err(|e| Error::io(self.spec.input, "open", e))?;
        buf.resize(IN_BUF, Bar::default());
        let mut pos = self.committed.in_pos;
        while pos < len {
            let n = (((len - pos) / 64) as usize).min(IN_BUF);
            file.read_exact_at(bytemuck::cast_slice_mut(&mut buf[..n]), pos)
                .map_err(|e| Error::io(self.spec.input, &format!("read at offset {pos}"), e))?;
            if self.feed_sorted(&buf[..n], Offsets::Strided(pos))?.is_err() {
                return Ok(Err(Unsorted));
            }
            pos += n as u64 * 64;
        }
        self.commit_sorted()?;
        Ok(Ok(()))
    }

    fn commit_sorted(&mut self) -> Result<()> {
        if let Some(pos) = self.forming_offset {
            self.commit(pos)?;
        }
        Ok(())
    }

    /// Makes the closed bars durable (per the durability policy) and commits the index.
    /// Skipped when `in_pos` would point past the input's commit limit.
    fn commit(&mut self, in_pos: u64) -> Result<()> {
        self.rows_since_commit = 0;
        if self
            .spec
            .input_commit_limit
            .is_some_and(|limit| in_pos > limit)
        {
            return Ok(());
        }
        let rec = IndexRecord {
            last_date: self.committed.last_date,
            in_pos,
            out_pos: self.out_pos,
        };
        if rec == self.committed {
            return Ok(());
        }
        self.writer
            .flush(self.spec.durability == Durability::Full)?;
        match self.spec.durability {
            Durability::Full => self.index.write(&rec)?,
            Durability::Process => self.index.write_unsynced(&rec)?,
        }
        self.committed = rec;
        Ok(())
    }

    /// Reads a CSV input from the resume point; sorted batches stream, a step back in time
    /// switches to merging the rest of the file in memory. Returns false when the step must be
    /// recomputed from the start.
    fn feed_csv(&mut self, reader: &mut dyn BarReader) -> Result<bool> {
        reader.seek(self.committed.in_pos)?;
        let (mut bars, mut offs) = (Vec::new(), Vec::new());
        loop {
            bars.clear();
            offs.clear();
            if reader.read_batch(self.spec.batch_rows.max(1), &mut bars, &mut offs)? == 0 {
                self.commit_sorted()?;
                return Ok(true);
            }
            if self.feed_sorted(&bars, Offsets::List(&offs))?.is_err() {
                break;
            }
        }
        // Disordered: load everything from where this run started and merge it.
        self.committed = self.initial;
        self.restart_at_commit()?;
        reader.seek(self.committed.in_pos)?;
        bars.clear();
        offs.clear();
        while reader.read_batch(usize::MAX, &mut bars, &mut offs)? > 0 {}
        self.feed_merged(&bars, Offsets::List(&offs))
    }

    /// Feeds `rows` (the input from the last commit) in stably sorted order. Returns false when
    /// rows belong to bars already committed, so the step must be recomputed from the start.
    fn feed_merged(&mut self, rows: &[Bar], offs: Offsets<'_>) -> Result<bool> {
        let tf = *self.spec.timeframe;
        let key = |ts: u64| bin_key(&tf, ts);
        let runs = merge::sorted_runs(rows);
        // Committed bars exist: every row from the resume point must belong to the held-back
        // bar or later ones, else those bars would change.
        if let Some(first) = rows.first() {
            let has_committed_bars = self.committed.out_pos > self.writer.data_start();
            let resume_key = key(first.ts);
            if has_committed_bars && runs.iter().any(|r| key(rows[r.start].ts) < resume_key) {
                return Ok(false);
            }
        }
        // suffix_min[j] = smallest timestamp in runs j.. (each run's first row).
        let mut suffix_min = std::vec![u64::MAX; runs.len() + 1];
        for j in (0..runs.len()).rev() {
            suffix_min[j] = suffix_min[j + 1].min(rows[runs[j].start].ts);
        }
        let batch = self.spec.batch_rows.max(1);
        for (_, range) in merge::StableMerge::new(rows, &runs) {
            for chunk in rows[range].chunks(batch) {
                if self.push(chunk)?.is_err() {
                    return Err(Error::new(
                        ErrorKind::InvalidData,
                        "internal error: merged rows are not time-ordered",
                    ));
                }
                self.rows_since_commit += chunk.len();
                if self.rows_since_commit >= batch {
                    self.commit_merged(rows, &runs, &suffix_min, offs)?;
                }
            }
        }
        self.commit_merged(rows, &runs, &suffix_min, offs)?;
        Ok(true)
    }

    /// Commits at the forming bar if the file splits there: every row before some position
    /// belongs to an earlier bar and every row from it on to the forming bar or later, with the
    /// row at that position in the forming bar (so a resume can tell the boundary).
    fn commit_merged(
        &mut self,
        rows: &[Bar],
        runs: &[core::ops::Range<usize>],
        suffix_min: &[u64],
        offs: Offsets<'_>,
    ) -> Result<()> {
        self.rows_since_commit = 0;
        let tf = *self.spec.timeframe;
        let Some(forming) = self.resampler.forming_bin().map(|b| b.first) else {
            return Ok(());
        };
        let Some(j) = runs
            .iter()
            .position(|r| bin_key(&tf, rows[r.end - 1].ts) >= forming)
        else {
            return Ok(());
        };
        if suffix_min[j + 1] != u64::MAX && bin_key(&tf, suffix_min[j + 1]) < forming {
            return Ok(());
        }
        let run = &rows[runs[j].clone()];
        let p = runs[j].start + run.partition_point(|b| bin_key(&tf, b.ts) < forming);
        if bin_key(&tf, rows[p].ts) != forming {
            return Ok(());
        }
        self.commit(offs.get(p))
    }

    /// Writes the held-back bar after the last commit, cuts stale bytes beyond the new end, and
    /// flushes.
    fn finish(&mut self) -> Result<()> {
        let mut end = self.out_pos;
        if let Some(bar) = self.resampler.forming() {
            check_no_nan(core::slice::from_ref(&bar), self.spec.output)?;
            end = self.writer.write_at(self.out_pos, &[bar])?;
            self.report.bars_out += 1;
        }
        self.writer.truncate(end)?;
        self.writer.flush(self.spec.durability == Durability::Full)
    }
}

/// Orders rows by the bin they fall in: the bin's first timestamp. (A row whose bin cannot be
/// labelled is rejected by the kernel before any key matters.)
fn bin_key(tf: &Timeframe, ts: u64) -> u64 {
    tf.bin(ts).map_or(ts, |b| b.first)
}

/// The pipeline refuses NaN in its output ("Data Error: Result contains NaNs"); so do we,
/// naming the file and the bar.
fn check_no_nan(bars: &[Bar], output: &Path) -> Result<()> {
    match bars.iter().find(|b| {
        [b.open, b.high, b.low, b.close, b.volume]
            .iter()
            .any(|v| v.is_nan())
    }) {
        None => Ok(()),
        Some(b) => Err(Error::new(
            ErrorKind::InvalidData,
            format!(
                "{}: the bar labelled {} ms would contain NaN (every input row of it has a NaN \
                 in some field); the pipeline rejects NaN output too",
                output.display(),
                b.ts
            ),
        )),
    }
}
