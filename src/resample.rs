//! The resample kernel: one-shot [`resample`] and the streaming [`Resampler`].
//!
//! `no_std`, allocation-free (callers pass output slices), and bit-for-bit equal to the legacy
//! pipeline's pandas 2.x `df.resample(rule, closed=, label=, origin=).agg({'open': 'first',
//! 'high': 'max', 'low': 'min', 'close': 'last', 'volume': 'sum'})`, followed by its
//! `volume > 0` filter and NumPy `round(8)` when [`ResampleOptions::PIPELINE`] is used.
//!
//! # Semantics
//!
//! * Bins come from the [`Timeframe`]; the output bar's `ts` is the bin's label and its reserved
//!   bytes are zero. Bars come out in time order.
//! * Only bins holding at least one input row produce a bar. (pandas also emits every empty bin
//!   between the first and the last row, with NaN prices and volume 0; the pipeline's volume
//!   filter removes them.)
//! * Each field skips NaN, as pandas' grouped reductions do: `open` is the first non-NaN open,
//!   `close` the last non-NaN close, `high`/`low` the max/min of the non-NaN values (a tie keeps
//!   the earlier value, so `-0.0` then `0.0` gives `-0.0`), all NaN if the bin has no non-NaN
//!   value. `volume` is pandas' Kahan-compensated group sum over the non-NaN volumes:
//!   `y = v - c; t = s + y; c = (t - s) - y; s = t`, starting from `s = c = +0.0`, with `c` reset
//!   to zero whenever it is not finite (older pandas 2.x releases reset it only when NaN; the two
//!   differ only when partial sums overflow); a bin without a non-NaN volume sums to `+0.0`.
//!   (pandas 3.1 sums sorted NaN-free groups with `np.add.reduceat` instead, without compensation
//!   and with ties going to the later value; the pipeline ran pandas 2.x, which this follows.)
//! * [`ResampleOptions::drop_nonpositive_volume`] drops bars whose summed volume is not `> 0`
//!   (zero, negative or NaN), before rounding, as the pipeline does.
//! * [`ResampleOptions::round_decimals`] rounds all five fields the NumPy way,
//!   `rint(x * p) / p` with ties to even, where `p` is NumPy's power of ten for `d` decimals.
//! * Input must be sorted by `ts` (non-decreasing); a row that steps back is an error.
//!   [`stable_sort_bars`] sorts the way pandas does first (stable, ties keep input order).
//!
//! # Speed
//!
//! One fused loop per bin: for each row, compare the timestamp with the bin's last timestamp,
//! check the order, and fold the row with branch-free max/min and a plain Kahan step. Only when a
//! row crosses the bin end is the bar emitted and the next bin found; for rules of constant length
//! (fixed rules, weeks) that is one addition, never a division. pandas' per-row NaN and overflow
//! handling is not done inline: the fast fold of a bin is exact whenever its six results are
//! finite, and a bin whose results are not is folded again with the exact rules.

use crate::bar::Bar;
use crate::error::ErrorKind;
use crate::timeframe::{Bin, DAY_MS, Rule, Timeframe, TimeframeError};
use core::fmt;

/// What happens to each output bar after aggregation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResampleOptions {
    /// Drop bars whose summed volume is `<= 0` or NaN.
    pub drop_nonpositive_volume: bool,
    /// Round all five fields NumPy-style (`rint(x * 10^d) / 10^d`, ties to even) to this many
    /// decimals.
    pub round_decimals: Option<u8>,
}

impl ResampleOptions {
    /// The legacy pipeline: drop bars with volume `<= 0`/NaN, round to 8 decimals.
    pub const PIPELINE: Self = ResampleOptions {
        drop_nonpositive_volume: true,
        round_decimals: Some(8),
    };

    /// Plain pandas aggregation: keep every non-empty bin, no rounding.
    pub const PLAIN: Self = ResampleOptions {
        drop_nonpositive_volume: false,
        round_decimals: None,
    };
}

impl Default for ResampleOptions {
    /// [`ResampleOptions::PIPELINE`].
    fn default() -> Self {
        Self::PIPELINE
    }
}

/// Why a resample failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResampleError {
    /// Input row `row` has a timestamp smaller than the row before it.
    Unsorted {
        /// Row number: the index into the input for [`resample`], the count of rows pushed
        /// before it for [`Resampler::push`].
        row: u64,
        /// The row's timestamp.
        ts: u64,
        /// The previous row's timestamp.
        previous: u64,
    },
    /// The bin of input row `row` has a label that is not a `u64` epoch-ms timestamp.
    Label {
        /// Row number, as in [`ResampleError::Unsorted`].
        row: u64,
        /// The timeframe's error, naming the row's timestamp.
        error: TimeframeError,
    },
    /// The output slice is too small; `needed` bars would have been written.
    OutputTooSmall {
        /// The number of output bars the whole input produces.
        needed: usize,
        /// The output slice's length.
        capacity: usize,
    },
}

impl ResampleError {
    /// The crate-wide category (`InvalidData`, `Overflow` or `BufferTooSmall`).
    #[must_use]
    pub const fn kind(&self) -> ErrorKind {
        match self {
            ResampleError::Unsorted { .. } => ErrorKind::InvalidData,
            ResampleError::Label { error, .. } => error.kind(),
            ResampleError::OutputTooSmall { .. } => ErrorKind::BufferTooSmall,
        }
    }
}

impl fmt::Display for ResampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResampleError::Unsorted { row, ts, previous } => write!(
                f,
                "row {row}: timestamp {ts} is smaller than the previous row's {previous}; \
                 resampling needs rows sorted by time (sort them with stable_sort_bars)"
            ),
            ResampleError::Label { row, error } => write!(f, "row {row}: {error}"),
            ResampleError::OutputTooSmall { needed, capacity } => write!(
                f,
                "output buffer too small: it holds {capacity} bars, {needed} are needed"
            ),
        }
    }
}

impl core::error::Error for ResampleError {}

#[cfg(feature = "std")]
impl From<ResampleError> for crate::error::Error {
    fn from(e: ResampleError) -> Self {
        crate::error::Error::new(e.kind(), std::format!("{e}"))
    }
}

/// An upper bound on the output of resampling `input_len` rows: every bar holds at least one
/// row. ([`resample`] reports the exact count when the output is too small.)
#[must_use]
pub const fn max_output_len(input_len: usize) -> usize {
    input_len
}

/// Resamples `input` (sorted by `ts`) into `out`; returns the number of bars written.
///
/// On [`ResampleError::OutputTooSmall`] the whole input has still been checked, and `needed`
/// is exact. Sort unsorted input with [`stable_sort_bars`] first.
pub fn resample(
    input: &[Bar],
    tf: &Timeframe,
    opts: &ResampleOptions,
    out: &mut [Bar],
) -> Result<usize, ResampleError> {
    let mut r = Resampler::new(*tf, *opts);
    let (consumed, mut written) = r.push(input, out)?;
    let mut rest = input.get(consumed..).unwrap_or(&[]);
    if rest.is_empty() {
        if let Some(bar) = r.finish() {
            match out.get_mut(written) {
                Some(slot) => *slot = bar,
                None => {
                    return Err(ResampleError::OutputTooSmall {
                        needed: written + 1,
                        capacity: out.len(),
                    });
                }
            }
            written += 1;
        }
        return Ok(written);
    }
    // `out` is full: count what the rest produces, checking it as we go.
    let mut scratch = [Bar::default(); 64];
    let mut needed = written;
    while !rest.is_empty() {
        let (c, w) = r.push(rest, &mut scratch)?;
        needed += w;
        rest = rest.get(c..).unwrap_or(&[]);
        if c == 0 {
            // Cannot happen: with 64 free slots every push consumes a row.
            break;
        }
    }
    needed += usize::from(r.finish().is_some());
    Err(ResampleError::OutputTooSmall {
        needed,
        capacity: out.len(),
    })
}

/// Sorts bars by `ts`, stably (rows with equal timestamps keep their order), in place and without
/// allocation, as pandas does before resampling unsorted data. The reserved bytes are used as
/// scratch space and are zero afterwards.
pub fn stable_sort_bars(bars: &mut [Bar]) {
    if bars.windows(2).any(|w| matches!(w, [a, b] if b.ts < a.ts)) {
        for (i, b) in bars.iter_mut().enumerate() {
            b.reserved[0] = i as u64;
        }
        bars.sort_unstable_by_key(|b| (b.ts, b.reserved[0]));
    }
    for b in bars.iter_mut() {
        b.reserved = [0; 2];
    }
}

/// NumPy's `power_of_ten(d)`: exact table up to 1e8, then repeated multiplication by ten.
const fn numpy_power_of_ten(decimals: u8) -> f64 {
    const TABLE: [f64; 9] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
    if (decimals as usize) < TABLE.len() {
        return TABLE[decimals as usize];
    }
    let mut p = 1e9;
    let mut n = decimals;
    while n > 9 {
        p *= 10.0;
        n -= 1;
    }
    p
}

/// Round half to even to an integer, like C's `rint` in the default rounding mode.
#[inline(always)]
fn rint(x: f64) -> f64 {
    // 2^52: from here on the spacing of f64 is at least 1, so adding it to a smaller magnitude
    // rounds to an integer (ties to even), and subtracting it again is exact. Larger values,
    // inf and NaN are integers already and pass through (m = 0).
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let a = x.abs();
    let m = if a < TWO_52 { TWO_52 } else { 0.0 };
    let r = (a + m) - m;
    // Put the sign back (also on zero: rint(-0.3) is -0.0).
    f64::from_bits(r.to_bits() | (x.to_bits() & (1 << 63)))
}

/// NumPy's `round(x, d)` given `p = numpy_power_of_ten(d)`.
#[inline(always)]
fn round_numpy(x: f64, p: f64) -> f64 {
    rint(x * p) / p
}

/// Running aggregate of one bin, with pandas' exact semantics (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Acc {
    /// First non-NaN open (NaN while none).
    open: f64,
    /// Max of non-NaN highs (NaN while none).
    high: f64,
    /// Min of non-NaN lows (NaN while none).
    low: f64,
    /// Last non-NaN close (NaN while none).
    close: f64,
    /// Kahan sum of non-NaN volumes.
    sum: f64,
    /// Kahan compensation (always finite).
    comp: f64,
}

impl Acc {
    /// The aggregate of the single row `r` (exactly what folding `r` into an empty bin gives).
    #[inline(always)]
    fn first(r: &Bar) -> Acc {
        Acc {
            open: r.open,
            high: r.high,
            low: r.low,
            close: r.close,
            // 0 + v (which turns -0.0 into +0.0); the compensation (0 + v) - v is 0 for finite
            // v and is reset to 0 for infinite v.
            sum: if r.volume.is_nan() {
                0.0
            } else {
                0.0 + r.volume
            },
            comp: 0.0,
        }
    }

    /// Takes the result of the fast fold of `run` ([`step`] from this aggregate).
    ///
    /// The fast fold has no NaN or overflow handling. It is exact whenever all six results are
    /// finite: a NaN volume or a non-finite compensation (which pandas skips or resets) makes every
    /// later sum non-finite or leaves a non-finite compensation; a NaN high/low/open stays NaN
    /// (`NaN > x` is false); close is the last row's. Otherwise (rarely, and also for infinite
    /// prices, to keep the test cheap) `run` is folded again with the exact rules.
    #[inline(always)]
    fn settle(&mut self, high: f64, low: f64, sum: f64, comp: f64, run: &[Bar]) {
        let Some(last) = run.last() else {
            return;
        };
        let close = last.close;
        // x * 0 is ±0 for finite x and NaN for inf/NaN, so z is 0 only if all six are finite.
        let z = self.open * 0.0 + high * 0.0 + low * 0.0 + close * 0.0 + sum * 0.0 + comp * 0.0;
        if z == 0.0 {
            self.high = high;
            self.low = low;
            self.close = close;
            self.sum = sum;
            self.comp = comp;
        } else {
            *self = Acc::fold_exact(*self, run);
        }
    }

    /// Folds `run` with pandas' rules, row by row.
    #[cold]
    #[inline(never)]
    fn fold_exact(mut acc: Acc, run: &[Bar]) -> Acc {
        for r in run {
            if acc.open.is_nan() {
                acc.open = r.open;
            }
            if r.high > acc.high || acc.high.is_nan() {
                acc.high = r.high;
            }
            if r.low < acc.low || acc.low.is_nan() {
                acc.low = r.low;
            }
            if !r.close.is_nan() {
                acc.close = r.close;
            }
            if !r.volume.is_nan() {
                let y = r.volume - acc.comp;
                let t = acc.sum + y;
                let c = (t - acc.sum) - y;
                acc.comp = if c.is_finite() { c } else { 0.0 };
                acc.sum = t;
            }
        }
        acc
    }
}

/// The bin being aggregated.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Forming {
    bin: Bin,
    /// `rows_pushed` when the bin's first row arrived.
    first_row: u64,
    acc: Acc,
}

/// Streaming resampler: takes sorted bars in chunks of any size, writes each bar once its bin is
/// closed (a later row arrived), and holds back the forming bar. Plain data, no heap.
///
/// Any chunking gives exactly the bars of one [`resample`] call over the concatenated input.
#[derive(Clone, Debug, PartialEq)]
pub struct Resampler {
    tf: Timeframe,
    opts: ResampleOptions,
    /// `numpy_power_of_ten(round_decimals)`, or 1 without rounding.
    scale: f64,
    /// The bin length for rules of constant length (fixed rules, weeks), else 0.
    period: u64,
    rows: u64,
    prev_ts: Option<u64>,
    forming: Option<Forming>,
}

impl Resampler {
    /// A resampler with no rows yet.
    #[must_use]
    pub const fn new(tf: Timeframe, opts: ResampleOptions) -> Self {
        let scale = match opts.round_decimals {
            Some(d) => numpy_power_of_ten(d),
            None => 1.0,
        };
        let period = match tf.rule() {
            Rule::Fixed { ms } => ms,
            Rule::Week { .. } => 7 * DAY_MS,
            Rule::MonthStart | Rule::YearStart => 0,
        };
        Resampler {
            tf,
            opts,
            scale,
            period,
            rows: 0,
            prev_ts: None,
            forming: None,
        }
    }

    /// The timeframe.
    #[must_use]
    pub const fn timeframe(&self) -> &Timeframe {
        &self.tf
    }

    /// The options.
    #[must_use]
    pub const fn options(&self) -> &ResampleOptions {
        &self.opts
    }

    /// Number of rows consumed since creation or the last reset (plus the `reset_at` start).
    #[must_use]
    pub const fn rows_pushed(&self) -> u64 {
        self.rows
    }

    /// The value of [`Resampler::rows_pushed`] when the forming bin's first row arrived: the
    /// input position of the held-back bar's first row. `None` without a forming bin.
    #[must_use]
    pub fn forming_first_row(&self) -> Option<u64> {
        self.forming.map(|f| f.first_row)
    }

    /// The forming bin (its timestamp range and label), if any.
    #[must_use]
    pub fn forming_bin(&self) -> Option<Bin> {
        self.forming.map(|f| f.bin)
    }

    /// The first timestamp of the forming bin, if any.
    #[must_use]
    pub fn forming_bin_start(&self) -> Option<u64> {
        self.forming.map(|f| f.bin.first)
    }

    /// The forming bar as it would be emitted now (label, rounding), or `None` if there are no
    /// rows in it or the volume filter would drop it.
    #[must_use]
    pub fn forming(&self) -> Option<Bar> {
        self.forming.and_then(|f| self.emit(f.bin.label, &f.acc))
    }

    /// Closes the forming bin and returns its bar (as [`Resampler::forming`]), then resets.
    pub fn finish(&mut self) -> Option<Bar> {
        let bar = self.forming();
        self.reset();
        bar
    }

    /// Forgets all rows: back to the state of [`Resampler::new`].
    pub fn reset(&mut self) {
        self.reset_at(0);
    }

    /// Forgets all rows and sets [`Resampler::rows_pushed`] to `row`, for restarting at a known
    /// input position (e.g. the first row of a held-back bar after a crash).
    pub fn reset_at(&mut self, row: u64) {
        self.rows = row;
        self.prev_ts = None;
        self.forming = None;
    }

    /// Consumes rows from `input` (which must continue the time order of earlier pushes) and
    /// writes the bars of the bins they close into `out`. Returns `(consumed, written)`.
    ///
    /// Stops early, with `consumed < input.len()`, when a bar is due and `out` is full; call again
    /// with the rest after flushing. Consumed rows are fully accounted for: their bars are in
    /// `out[..written]` or still forming. On error nothing changes (the resampler is as before
    /// the call; `out` may have been written to), and the error names the offending row by its
    /// absolute row number.
    pub fn push(
        &mut self,
        input: &[Bar],
        out: &mut [Bar],
    ) -> Result<(usize, usize), ResampleError> {
        self.push_inner(input, out)
    }

    /// Whether the volume filter keeps a bin with this aggregate.
    #[inline(always)]
    fn keeps(&self, acc: &Acc) -> bool {
        let positive = acc.sum > 0.0; // false for NaN
        positive || !self.opts.drop_nonpositive_volume
    }

    /// The bar of a bin the volume filter keeps, after rounding.
    #[inline(always)]
    fn closed_bar(&self, label: u64, acc: &Acc) -> Bar {
        let mut bar = Bar::new(label, acc.open, acc.high, acc.low, acc.close, acc.sum);
        if self.opts.round_decimals.is_some() {
            let p = self.scale;
            bar.open = round_numpy(bar.open, p);
            bar.high = round_numpy(bar.high, p);
            bar.low = round_numpy(bar.low, p);
            bar.close = round_numpy(bar.close, p);
            bar.volume = round_numpy(bar.volume, p);
        }
        bar
    }

    /// The bar for a closed bin, after the volume filter and rounding.
    #[inline(always)]
    fn emit(&self, label: u64, acc: &Acc) -> Option<Bar> {
        self.keeps(acc).then(|| self.closed_bar(label, acc))
    }

    /// [`Resampler::push`]. `self` is written only when returning `Ok` (at the end, or when `out`
    /// is full), so an error leaves it unchanged.
    fn push_inner(
        &mut self,
        input: &[Bar],
        out: &mut [Bar],
    ) -> Result<(usize, usize), ResampleError> {
        /// `first_idx` of a bin that began in an earlier push.
        const CARRIED: usize = usize::MAX;
        let base = self.rows;
        let row_no = |i: usize| base.saturating_add(i as u64);
        let Some(head) = input.first() else {
            return Ok((0, 0));
        };
        if let Some(previous) = self.prev_ts
            && head.ts < previous
        {
            return Err(ResampleError::Unsorted {
                row: base,
                ts: head.ts,
                previous,
            });
        }
        // The forming bin: its bin, aggregate and first row; `i` is the next row to read and
        // `p` the timestamp of the row before it.
        let (mut bin, mut acc, carried_first_row, mut first_idx, mut i, mut p) =
            match (self.forming, self.prev_ts) {
                (Some(f), Some(prev)) => (f.bin, f.acc, f.first_row, CARRIED, 0, prev),
                _ => {
                    let bin = self
                        .tf
                        .bin(head.ts)
                        .map_err(|error| ResampleError::Label { row: base, error })?;
                    (bin, Acc::first(head), base, 0, 1, head.ts)
                }
            };
        let period = self.period;
        let mut written = 0usize;
        loop {
            // Fold the rows of the current bin, checking their order on the way.
            let last = bin.last;
            let rest = input.get(i..).unwrap_or(&[]);
            let (mut high, mut low, mut sum, mut comp) = (acc.high, acc.low, acc.sum, acc.comp);
            let mut unsorted = false;
            let mut n = 0usize;
            for r in rest {
                if r.ts > last {
                    break;
                }
                unsorted |= r.ts < p;
                p = r.ts;
                step(&mut high, &mut low, &mut sum, &mut comp, r);
                n += 1;
            }
            if unsorted {
                return Err(first_unsorted_error(input, self.prev_ts, base));
            }
            acc.settle(high, low, sum, comp, rest.get(..n).unwrap_or(&[]));
            i += n;
            // The next row, if any, is past the bin: the bin is closed.
            let Some(r) = input.get(i) else {
                break;
            };
            if self.keeps(&acc) {
                let Some(slot) = out.get_mut(written) else {
                    break; // `out` is full; `r` is not consumed.
                };
                *slot = self.closed_bar(bin.label, &acc);
                written += 1;
            }
            // For rules of constant length the next bin is one period on, if `r` falls in it
            // (never true with period 0, or if the sums wrap; the slow path handles those).
            let next_last = last.wrapping_add(period);
            let next_label = bin.label.wrapping_add(period);
            bin = if r.ts <= next_last && next_label > bin.label {
                Bin {
                    first: last + 1, // last < r.ts, so no overflow
                    last: next_last,
                    label: next_label,
                }
            } else {
                self.tf.bin(r.ts).map_err(|error| ResampleError::Label {
                    row: row_no(i),
                    error,
                })?
            };
            acc = Acc::first(r);
            first_idx = i;
            p = r.ts;
            i += 1;
        }
        self.rows = row_no(i);
        self.prev_ts = Some(p);
        self.forming = Some(Forming {
            bin,
            first_row: if first_idx == CARRIED {
                carried_first_row
            } else {
                row_no(first_idx)
            },
            acc,
        });
        Ok((i, written))
    }
}

/// One row of the fast fold: max, min and a Kahan step without NaN or overflow handling.
#[inline(always)]
fn step(high: &mut f64, low: &mut f64, sum: &mut f64, comp: &mut f64, r: &Bar) {
    *high = if r.high > *high { r.high } else { *high };
    *low = if r.low < *low { r.low } else { *low };
    let y = r.volume - *comp;
    let t = *sum + y;
    *comp = (t - *sum) - y;
    *sum = t;
}

/// The error for the first row of `input` that steps back in time (`prev` is the timestamp of
/// the row before `input`, `base` the row number of `input[0]`).
#[cold]
#[inline(never)]
fn first_unsorted_error(input: &[Bar], prev: Option<u64>, base: u64) -> ResampleError {
    let mut p = prev.unwrap_or(0);
    for (i, r) in input.iter().enumerate() {
        if r.ts < p {
            return ResampleError::Unsorted {
                row: base.saturating_add(i as u64),
                ts: r.ts,
                previous: p,
            };
        }
        p = r.ts;
    }
    // Not reached when called for input known to be unsorted.
    ResampleError::Unsorted {
        row: base,
        ts: p,
        previous: p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeframe::{DAY_MS, HOUR_MS, MINUTE_MS, Side};
    use std::vec;
    use std::vec::Vec;

    const MIN: u64 = MINUTE_MS;

    fn tf(s: &str) -> Timeframe {
        Timeframe::parse(s).unwrap()
    }

    fn bar(ts: u64, o: f64, h: f64, l: f64, c: f64, v: f64) -> Bar {
        Bar::new(ts, o, h, l, c, v)
    }

    fn run(input: &[Bar], t: &Timeframe, o: &ResampleOptions) -> Vec<Bar> {
        let mut out = vec![Bar::default(); input.len()];
        let n = resample(input, t, o, &mut out).unwrap();
        out.truncate(n);
        out
    }

    fn bits(b: &Bar) -> [u64; 8] {
        [
            b.ts,
            b.open.to_bits(),
            b.high.to_bits(),
            b.low.to_bits(),
            b.close.to_bits(),
            b.volume.to_bits(),
            b.reserved[0],
            b.reserved[1],
        ]
    }

    fn assert_same(a: &[Bar], b: &[Bar]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!(bits(x), bits(y), "{x:?} vs {y:?}");
        }
    }

    #[test]
    fn kahan_sum_of_ten_tenths_is_one() {
        let input: Vec<Bar> = (0..10)
            .map(|i| bar(i * MIN, 1.0, 1.0, 1.0, 1.0, 0.1))
            .collect();
        let naive: f64 = input.iter().map(|b| b.volume).sum();
        assert_eq!(naive, 0.999_999_999_999_999_9);
        let out = run(&input, &tf("15m"), &ResampleOptions::PLAIN);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].volume, 1.0);
    }

    #[test]
    fn aggregates_first_max_min_last_and_labels() {
        let input = [
            bar(0, 1.0, 2.0, 0.5, 1.5, 10.0),
            bar(MIN, 1.5, 3.0, 1.0, 2.0, 5.0),
            bar(4 * MIN, 2.0, 2.5, 0.25, 1.0, 1.0),
            bar(5 * MIN, 7.0, 8.0, 6.0, 7.5, 2.0),
            bar(17 * MIN, 9.0, 9.0, 9.0, 9.0, 3.0),
        ];
        let out = run(&input, &tf("5m"), &ResampleOptions::PLAIN);
        assert_same(
            &out,
            &[
                bar(0, 1.0, 3.0, 0.25, 1.0, 16.0),
                bar(5 * MIN, 7.0, 8.0, 6.0, 7.5, 2.0),
                bar(15 * MIN, 9.0, 9.0, 9.0, 9.0, 3.0),
            ],
        );
        let out = run(&input, &tf("5m,label=right"), &ResampleOptions::PLAIN);
        assert_eq!(
            out.iter().map(|b| b.ts).collect::<Vec<_>>(),
            [5 * MIN, 10 * MIN, 20 * MIN]
        );
        // closed=right: 5m belongs with 0..4m in (0, 5m]; ts=0 in (-5m, 0], labelled on the right.
        let out = run(
            &input,
            &tf("5m,closed=right,label=right"),
            &ResampleOptions::PLAIN,
        );
        assert_eq!(
            out.iter().map(|b| b.ts).collect::<Vec<_>>(),
            [0, 5 * MIN, 20 * MIN]
        );
        assert_eq!(out[1].volume, 8.0);
    }

    #[test]
    fn nan_values_are_skipped_per_field() {
        let nan = f64::NAN;
        let input = [
            bar(0, nan, nan, nan, nan, nan),
            bar(MIN, 1.0, 2.0, 0.5, 1.5, nan),
            bar(2 * MIN, nan, nan, nan, nan, 3.0),
            bar(5 * MIN, nan, nan, nan, nan, nan),
        ];
        let out = run(&input, &tf("5m"), &ResampleOptions::PLAIN);
        assert_same(&out[..1], &[bar(0, 1.0, 2.0, 0.5, 1.5, 3.0)]);
        assert!(out[1].open.is_nan() && out[1].high.is_nan() && out[1].close.is_nan());
        assert_eq!(out[1].volume.to_bits(), 0.0f64.to_bits());
        // The pipeline drops the all-NaN bar (volume 0).
        assert_eq!(run(&input, &tf("5m"), &ResampleOptions::PIPELINE).len(), 1);
    }

    #[test]
    fn signed_zeros_and_infinities_follow_pandas() {
        let input = [
            bar(0, -0.0, -0.0, -0.0, -0.0, -0.0),
            bar(MIN, 0.0, 0.0, 0.0, 0.0, -0.0),
        ];
        let out = run(&input, &tf("5m"), &ResampleOptions::PLAIN);
        // Ties keep the earlier value; 0 + (-0) sums to +0.
        assert_eq!(
            bits(&out[0])[1..6],
            [
                (-0.0f64).to_bits(),
                (-0.0f64).to_bits(),
                (-0.0f64).to_bits(),
                0,
                0
            ]
        );
        // Single -0.0 volume: +0.0.
        let out = run(&input[..1], &tf("5m"), &ResampleOptions::PLAIN);
        assert_eq!(out[0].volume.to_bits(), 0);
        // inf then finite: the compensation is reset and the sum stays inf; inf + -inf = NaN.
        let inf = f64::INFINITY;
        let mut input = vec![
            bar(0, 1.0, 1.0, 1.0, 1.0, inf),
            bar(MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
        ];
        assert_eq!(
            run(&input, &tf("5m"), &ResampleOptions::PLAIN)[0].volume,
            inf
        );
        input.push(bar(2 * MIN, 1.0, 1.0, 1.0, 1.0, -inf));
        assert!(
            run(&input, &tf("5m"), &ResampleOptions::PLAIN)[0]
                .volume
                .is_nan()
        );
        // Overflowing partial sums: pandas resets the (infinite) compensation.
        let input = [
            bar(0, 1.0, 1.0, 1.0, 1.0, 1e308),
            bar(MIN, 1.0, 1.0, 1.0, 1.0, 1e308),
            bar(2 * MIN, 1.0, 1.0, 1.0, 1.0, -1e308),
        ];
        assert_eq!(
            run(&input, &tf("5m"), &ResampleOptions::PLAIN)[0].volume,
            inf
        );
        // High/low of -inf/+inf are kept.
        let input = [
            bar(0, 1.0, -inf, inf, 1.0, 1.0),
            bar(MIN, 1.0, -inf, inf, 1.0, 1.0),
        ];
        let out = run(&input, &tf("5m"), &ResampleOptions::PLAIN);
        assert_eq!((out[0].high, out[0].low), (-inf, inf));
    }

    #[test]
    fn volume_filter_and_numpy_rounding() {
        let input = [
            bar(0, 1.234_567_895, 2.0, 1.0, 1.5, 0.0),
            bar(5 * MIN, 1.000_000_005, 2.675, 1.000_000_015, 1.5, -1.0),
            bar(
                10 * MIN,
                1.000_000_005,
                2.675,
                1.000_000_025,
                -1e-12,
                2.5e-8,
            ),
        ];
        let out = run(&input, &tf("5m"), &ResampleOptions::PIPELINE);
        assert_eq!(out.len(), 1);
        let b = out[0];
        assert_eq!(b.ts, 10 * MIN);
        // rint(x * 1e8) / 1e8, ties to even on the scaled value.
        assert_eq!(b.open, 1.0);
        assert_eq!(b.high, 2.675);
        assert_eq!(b.low, 1.000_000_02);
        assert_eq!(b.close.to_bits(), (-0.0f64).to_bits());
        assert_eq!(b.volume, 2e-8);
        assert_eq!(rint(0.5), 0.0);
        assert_eq!(rint(1.5), 2.0);
        assert_eq!(rint(2.5), 2.0);
        assert_eq!(rint(-2.5).to_bits(), (-2.0f64).to_bits());
        assert_eq!(rint(-0.4).to_bits(), (-0.0f64).to_bits());
        assert_eq!(rint(4_503_599_627_370_495.5), 4_503_599_627_370_496.0);
        assert_eq!(rint(1e300), 1e300);
        assert!(rint(f64::NAN).is_nan());
        assert_eq!(numpy_power_of_ten(8), 1e8);
        assert_eq!(numpy_power_of_ten(22), 1e22);
        assert_eq!(numpy_power_of_ten(0), 1.0);
        // Beyond 1e22 NumPy's repeated multiplication drifts from the correctly rounded value.
        assert_ne!(numpy_power_of_ten(30), 1e30);
        // Rounding overflow gives inf, as in NumPy.
        let opts = ResampleOptions {
            drop_nonpositive_volume: false,
            round_decimals: Some(8),
        };
        let out = run(&[bar(0, 1.7e301, 1.0, 1.0, 1.0, 1.0)], &tf("5m"), &opts);
        assert_eq!(out[0].open, f64::INFINITY);
    }

    #[test]
    fn golden_weekly_and_origin_cases() {
        let day = crate::timeframe::days_from_civil(2025, 1, 5) as u64 * DAY_MS; // Sunday
        let input = [
            bar(day + 23 * HOUR_MS, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(day + DAY_MS, 2.0, 2.0, 2.0, 2.0, 1.0),
            bar(day + 8 * DAY_MS - 1, 3.0, 3.0, 3.0, 3.0, 1.0),
            bar(day + 8 * DAY_MS, 4.0, 4.0, 4.0, 4.0, 1.0),
        ];
        let out = run(&input, &tf("1W"), &ResampleOptions::PIPELINE);
        let monday = |d: u64| day - 6 * DAY_MS + d * 7 * DAY_MS;
        assert_eq!(
            out.iter().map(|b| b.ts).collect::<Vec<_>>(),
            [monday(0), monday(1), monday(2)]
        );
        assert_eq!(out[1].close, 3.0);

        let h = HOUR_MS;
        let input: Vec<Bar> = (0..24)
            .map(|i| bar(day + i * h, 1.0, 1.0, 1.0, 1.0, 1.0))
            .collect();
        let out = run(&input, &tf("4h,origin=03:00"), &ResampleOptions::PIPELINE);
        let hours: Vec<i64> = out
            .iter()
            .map(|b| (b.ts as i64 - day as i64) / h as i64)
            .collect();
        assert_eq!(hours, [-1, 3, 7, 11, 15, 19, 23]);
        assert_eq!(
            out.iter().map(|b| b.volume).collect::<Vec<_>>(),
            [3.0, 4.0, 4.0, 4.0, 4.0, 4.0, 1.0]
        );
        let out = run(&input, &tf("1D,origin=02:30"), &ResampleOptions::PIPELINE);
        assert_eq!(
            out.iter().map(|b| b.ts).collect::<Vec<_>>(),
            [day - DAY_MS + 150 * MIN, day + 150 * MIN]
        );
        assert_eq!((out[0].volume, out[1].volume), (3.0, 21.0));
    }

    #[test]
    fn unsorted_input_is_an_error_until_stably_sorted() {
        let mut input = vec![
            bar(5 * MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(MIN, 2.0, 2.0, 2.0, 2.0, 1.0),
            bar(MIN, 3.0, 3.0, 3.0, 3.0, 1.0),
            bar(0, 4.0, 4.0, 4.0, 4.0, 1.0),
        ];
        let mut out = [Bar::default(); 4];
        let e = resample(&input, &tf("5m"), &ResampleOptions::PLAIN, &mut out).unwrap_err();
        assert_eq!(
            e,
            ResampleError::Unsorted {
                row: 1,
                ts: MIN,
                previous: 5 * MIN
            }
        );
        assert_eq!(e.kind(), ErrorKind::InvalidData);
        // Within a bin too.
        let within = [
            bar(2 * MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
        ];
        assert_eq!(
            resample(&within, &tf("5m"), &ResampleOptions::PLAIN, &mut out),
            Err(ResampleError::Unsorted {
                row: 1,
                ts: MIN,
                previous: 2 * MIN
            })
        );
        stable_sort_bars(&mut input);
        assert!(input.iter().all(Bar::reserved_is_zero));
        assert_eq!(
            input.iter().map(|b| b.open).collect::<Vec<_>>(),
            [4.0, 2.0, 3.0, 1.0]
        );
        let out = run(&input, &tf("5m"), &ResampleOptions::PLAIN);
        assert_same(
            &out,
            &[
                bar(0, 4.0, 4.0, 2.0, 3.0, 3.0),
                bar(5 * MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
            ],
        );
        let mut dirty = [bar(0, 1.0, 1.0, 1.0, 1.0, 1.0)];
        dirty[0].reserved = [7, 9];
        stable_sort_bars(&mut dirty);
        assert!(dirty[0].reserved_is_zero());
        stable_sort_bars(&mut []);
    }

    #[test]
    fn output_too_small_reports_the_exact_need() {
        let input: Vec<Bar> = (0..50u64)
            .map(|i| {
                bar(
                    i * 7 * MIN,
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                    if i % 3 == 0 { 0.0 } else { 1.0 },
                )
            })
            .collect();
        let all = run(&input, &tf("5m"), &ResampleOptions::PIPELINE);
        assert_eq!(all.len(), 33);
        for cap in [0, 1, 10, 32] {
            let mut out = vec![Bar::default(); cap];
            assert_eq!(
                resample(&input, &tf("5m"), &ResampleOptions::PIPELINE, &mut out),
                Err(ResampleError::OutputTooSmall {
                    needed: 33,
                    capacity: cap
                })
            );
            assert_same(&out, &all[..cap]);
        }
        let mut out = vec![Bar::default(); 33];
        assert_eq!(
            resample(&input, &tf("5m"), &ResampleOptions::PIPELINE, &mut out),
            Ok(33)
        );
        assert_eq!(max_output_len(input.len()), 50);
        // An unsorted row after the point where `out` filled up is still found.
        let mut bad = input.clone();
        bad[40].ts = 0;
        let mut out = [Bar::default(); 2];
        assert!(matches!(
            resample(&bad, &tf("5m"), &ResampleOptions::PIPELINE, &mut out),
            Err(ResampleError::Unsorted { row: 40, .. })
        ));
        // Empty input.
        assert_eq!(
            resample(&[], &tf("5m"), &ResampleOptions::PIPELINE, &mut []),
            Ok(0)
        );
    }

    #[test]
    fn label_errors_name_the_row() {
        let input = [bar(0, 1.0, 1.0, 1.0, 1.0, 1.0)];
        let mut out = [Bar::default(); 1];
        let e = resample(
            &input,
            &tf("4h,origin=03:00"),
            &ResampleOptions::PLAIN,
            &mut out,
        )
        .unwrap_err();
        assert_eq!(
            e,
            ResampleError::Label {
                row: 0,
                error: TimeframeError::BeforeEpoch { ts: 0 }
            }
        );
        assert_eq!(e.kind(), ErrorKind::Overflow);
        let top = [
            bar(u64::MAX - 1, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(u64::MAX, 1.0, 1.0, 1.0, 1.0, 1.0),
        ];
        assert_eq!(run(&top, &tf("5m"), &ResampleOptions::PLAIN).len(), 1);
        let e = resample(
            &top,
            &tf("5m,label=right"),
            &ResampleOptions::PLAIN,
            &mut out,
        )
        .unwrap_err();
        assert!(matches!(
            e,
            ResampleError::Label {
                row: 0,
                error: TimeframeError::PastMax { .. }
            }
        ));
        let top = [
            bar(u64::MAX - 3 * MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(u64::MAX, 1.0, 1.0, 1.0, 1.0, 1.0),
        ];
        let e = resample(
            &top,
            &tf("1m,label=right"),
            &ResampleOptions::PLAIN,
            &mut [Bar::default(); 2],
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                ResampleError::Label {
                    row: 1,
                    error: TimeframeError::PastMax { .. }
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn streaming_state_and_accessors() {
        let t = tf("5m");
        let mut r = Resampler::new(t, ResampleOptions::PIPELINE);
        assert_eq!(
            (
                r.rows_pushed(),
                r.forming(),
                r.forming_first_row(),
                r.forming_bin()
            ),
            (0, None, None, None)
        );
        let input: Vec<Bar> = (0..12)
            .map(|i| bar(i * MIN, i as f64, i as f64, i as f64, i as f64, 1.0))
            .collect();
        let mut out = [Bar::default(); 4];
        assert_eq!(r.push(&input[..7], &mut out), Ok((7, 1)));
        assert_eq!(out[0], bar(0, 0.0, 4.0, 0.0, 4.0, 5.0));
        assert_eq!(r.rows_pushed(), 7);
        assert_eq!(r.forming_first_row(), Some(5));
        assert_eq!(r.forming_bin_start(), Some(5 * MIN));
        assert_eq!(r.forming_bin(), Some(t.bin(5 * MIN).unwrap()));
        assert_eq!(r.forming(), Some(bar(5 * MIN, 5.0, 6.0, 5.0, 6.0, 2.0)));
        // Stepping back is an error and changes nothing.
        let before = r.clone();
        let back = [
            bar(8 * MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
        ];
        assert_eq!(
            r.push(&back, &mut out),
            Err(ResampleError::Unsorted {
                row: 8,
                ts: MIN,
                previous: 8 * MIN
            })
        );
        assert_eq!(r, before);
        assert_eq!(
            r.push(&back[1..], &mut out),
            Err(ResampleError::Unsorted {
                row: 7,
                ts: MIN,
                previous: 6 * MIN
            })
        );
        assert_eq!(r, before);
        // A full output stops the push before the row that would close the bin.
        assert_eq!(r.push(&input[7..], &mut []), Ok((3, 0)));
        assert_eq!(r.rows_pushed(), 10);
        assert_eq!(r.push(&input[10..], &mut out), Ok((2, 1)));
        assert_eq!(out[0], bar(5 * MIN, 5.0, 9.0, 5.0, 9.0, 5.0));
        assert_eq!(r.forming_first_row(), Some(10));
        assert_eq!(r.finish(), Some(bar(10 * MIN, 10.0, 11.0, 10.0, 11.0, 2.0)));
        assert_eq!((r.rows_pushed(), r.forming()), (0, None));
        // reset_at restarts at a given input position.
        r.reset_at(100);
        assert_eq!(r.push(&input[..1], &mut out), Ok((1, 0)));
        assert_eq!((r.rows_pushed(), r.forming_first_row()), (101, Some(100)));
        // An error deep inside a push (after bars were written) leaves the state unchanged.
        let mut near = Resampler::new(tf("1m,label=right"), ResampleOptions::PLAIN);
        let top = u64::MAX - 3 * MIN;
        let near_top = [
            bar(top - 2 * MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(top - MIN, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(top, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(u64::MAX, 1.0, 1.0, 1.0, 1.0, 1.0),
        ];
        assert_eq!(near.push(&near_top[..1], &mut out), Ok((1, 0)));
        let before = near.clone();
        let e = near.push(&near_top[1..], &mut out).unwrap_err();
        assert!(matches!(e, ResampleError::Label { row: 3, .. }), "{e:?}");
        assert_eq!(near, before);
        // A dropped forming bar is None.
        let mut z = Resampler::new(t, ResampleOptions::PIPELINE);
        let zero = [bar(0, 1.0, 1.0, 1.0, 1.0, 0.0)];
        assert_eq!(z.push(&zero, &mut out), Ok((1, 0)));
        assert_eq!(z.forming(), None);
        assert_eq!(z.forming_first_row(), Some(0));
        assert_eq!(z.finish(), None);
    }

    /// Deterministic pseudo-random numbers (SplitMix64).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Sorted bars with gaps, duplicate timestamps and special values.
    fn random_bars(rng: &mut Rng, n: usize) -> Vec<Bar> {
        let specials = [
            f64::NAN,
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e308,
            -1.0,
        ];
        let mut ts = 1_700_000_000_000u64;
        (0..n)
            .map(|_| {
                ts += match rng.below(10) {
                    0 => 0,
                    1 => rng.below(3 * DAY_MS),
                    _ => MIN * (1 + rng.below(3)),
                };
                let mut v = [0.0f64; 5];
                for x in &mut v {
                    *x = if rng.below(20) == 0 {
                        specials[rng.below(specials.len() as u64) as usize]
                    } else {
                        (rng.below(1_000_000) as f64) / 997.0
                    };
                }
                bar(ts, v[0], v[1], v[2], v[3], v[4])
            })
            .collect()
    }

    /// The exact per-row rules applied to every bin, as a plain reference.
    fn reference(input: &[Bar], t: &Timeframe, o: &ResampleOptions) -> Vec<Bar> {
        let r = Resampler::new(*t, *o);
        let mut out = Vec::new();
        let mut cur: Option<(u64, Acc)> = None;
        for b in input {
            let label = t.label_of(b.ts).unwrap();
            match &mut cur {
                Some((l, acc)) if *l == label => {
                    *acc = Acc::fold_exact(*acc, core::slice::from_ref(b))
                }
                _ => {
                    if let Some((l, acc)) = cur {
                        out.extend(r.emit(l, &acc));
                    }
                    let fresh = Acc {
                        open: f64::NAN,
                        high: f64::NAN,
                        low: f64::NAN,
                        close: f64::NAN,
                        sum: 0.0,
                        comp: 0.0,
                    };
                    let acc = Acc::fold_exact(fresh, core::slice::from_ref(b));
                    assert_eq!(Acc::first(b).sum.to_bits(), acc.sum.to_bits());
                    cur = Some((label, acc));
                }
            }
        }
        if let Some((l, acc)) = cur {
            out.extend(r.emit(l, &acc));
        }
        out
    }

    #[test]
    fn fast_path_equals_exact_rules_and_any_chunking() {
        let mut rng = Rng(42);
        for case in 0..200 {
            let n = 1 + rng.below(400) as usize;
            let input = random_bars(&mut rng, n);
            let spec = [
                "5m",
                "15m",
                "1h,closed=right",
                "4h,origin=03:00,label=right",
                "1W",
                "MS,closed=right",
            ][case % 6];
            let t = tf(spec);
            for o in [ResampleOptions::PLAIN, ResampleOptions::PIPELINE] {
                let want = reference(&input, &t, &o);
                let got = run(&input, &t, &o);
                assert_same(&got, &want);
                // Random chunking and random output capacities.
                let mut r = Resampler::new(t, o);
                let mut got = Vec::new();
                let mut rest = &input[..];
                while !rest.is_empty() {
                    let take = 1 + rng.below(rest.len().min(20) as u64) as usize;
                    let mut chunk = &rest[..take];
                    while !chunk.is_empty() {
                        let mut out = vec![Bar::default(); rng.below(3) as usize];
                        let (c, w) = r.push(chunk, &mut out).unwrap();
                        got.extend_from_slice(&out[..w]);
                        chunk = &chunk[c..];
                    }
                    rest = &rest[take..];
                    if let Some(f) = r.forming() {
                        assert_eq!(f.ts, r.forming_bin().unwrap().label);
                    }
                }
                got.extend(r.finish());
                assert_same(&got, &want);
            }
        }
    }

    #[test]
    fn closed_right_week_bins_in_the_kernel() {
        let t = tf("W-MON,closed=right").with_label(Side::Left);
        let mon = crate::timeframe::days_from_civil(2025, 1, 6) as u64 * DAY_MS;
        let input = [
            bar(mon, 1.0, 1.0, 1.0, 1.0, 1.0),
            bar(mon + DAY_MS - 1, 2.0, 2.0, 2.0, 2.0, 1.0),
            bar(mon + DAY_MS, 3.0, 3.0, 3.0, 3.0, 1.0),
        ];
        let out = run(&input, &t, &ResampleOptions::PLAIN);
        assert_eq!(
            out.iter().map(|b| b.ts).collect::<Vec<_>>(),
            [mon - 7 * DAY_MS, mon]
        );
        assert_eq!(out[0].close, 2.0);
    }

    #[test]
    fn extreme_timestamps_never_panic() {
        let mut rng = Rng(9);
        for spec in [
            "1ms",
            "5m,label=right",
            "4h,origin=03:00,closed=right",
            "W-MON,closed=right",
            "MS,label=right",
            "YS",
        ] {
            let t = tf(spec);
            for _ in 0..50 {
                let mut ts: Vec<u64> = (0..20)
                    .map(|_| match rng.below(4) {
                        0 => rng.below(10 * DAY_MS),
                        1 => u64::MAX - rng.below(10 * DAY_MS),
                        _ => rng.next(),
                    })
                    .collect();
                ts.sort_unstable();
                let input: Vec<Bar> = ts
                    .iter()
                    .map(|&t| bar(t, 1.0, 1.0, 1.0, 1.0, 1.0))
                    .collect();
                let mut out = vec![Bar::default(); input.len()];
                match resample(&input, &t, &ResampleOptions::PIPELINE, &mut out) {
                    Ok(n) => assert!(out[..n].windows(2).all(|w| w[0].ts < w[1].ts), "{spec}"),
                    Err(e) => assert!(matches!(e, ResampleError::Label { .. }), "{spec}: {e}"),
                }
            }
        }
    }
}
