//! MACD: line, signal and histogram.

use super::fma::{Auto, MulAdd, with_fma};
use super::ma::{EmaCore, talib_step};
use super::util::{by_segments, ok, period, same_len};
use super::{Convention, IndicatorError, Series};

const NAN: f64 = f64::NAN;

/// Moving average convergence/divergence (TA-Lib `MACD`, defaults 12/26/9).
///
/// TA-Lib convention: `fast` and `slow` are swapped when `slow < fast`; both EMAs are SMA-seeded
/// and aligned on the slow one, so the fast EMA is seeded with the `fast` values that end where
/// the slow seed ends (TA-Lib's arithmetic); the signal is the SMA-seeded EMA of the MACD line;
/// lookback `(slow − 1) + (signal − 1)`. Pandas convention: the pipeline's
/// `ema(fast) − ema(slow)` with `ewm(span, adjust=False)` throughout, lookback 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Macd {
    fast: usize,
    slow: usize,
    signal: usize,
    convention: Convention,
}

/// One MACD output.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MacdValue {
    /// Fast EMA minus slow EMA.
    pub macd: f64,
    /// EMA of the MACD line.
    pub signal: f64,
    /// `macd - signal`.
    pub hist: f64,
}

const NAN3: MacdValue = MacdValue {
    macd: NAN,
    signal: NAN,
    hist: NAN,
};

impl Macd {
    /// A TA-Lib MACD; `fast`, `slow` in 2..=100000, `signal` in 1..=100000.
    pub fn new(fast: usize, slow: usize, signal: usize) -> Result<Self, IndicatorError> {
        Ok(Macd {
            fast: period("fast", fast, 2)?,
            slow: period("slow", slow, 2)?,
            signal: period("signal", signal, 1)?,
            convention: Convention::TaLib,
        })
    }

    /// The same MACD following `convention`.
    #[must_use]
    pub const fn with_convention(mut self, convention: Convention) -> Self {
        self.convention = convention;
        self
    }

    /// `(fast, slow, signal)` as given.
    #[must_use]
    pub const fn periods(&self) -> (usize, usize, usize) {
        (self.fast, self.slow, self.signal)
    }

    /// The convention.
    #[must_use]
    pub const fn convention(&self) -> Convention {
        self.convention
    }

    /// Number of leading NaN outputs (the same for all three lines).
    #[must_use]
    pub fn lookback(&self) -> usize {
        match self.convention {
            Convention::TaLib => self.fast.max(self.slow) - 1 + self.signal - 1,
            Convention::Pandas => 0,
        }
    }

    /// Writes the three lines for `input` (all slices of the same length).
    pub fn compute<S: Series>(
        &self,
        input: S,
        macd: &mut [f64],
        signal: &mut [f64],
        hist: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = input.len();
        same_len(n, macd.len())?;
        same_len(n, signal.len())?;
        same_len(n, hist.len())?;
        let fresh = self.stream();
        by_segments(n, |start| {
            with_fma!(macd_segment(fresh, input, start, macd, signal, hist))
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> MacdState {
        let (fast, slow, signal) = match self.convention {
            Convention::TaLib => {
                let (f, s) = (self.fast.min(self.slow), self.fast.max(self.slow));
                (
                    EmaCore::talib(f),
                    EmaCore::talib(s),
                    EmaCore::talib(self.signal),
                )
            }
            Convention::Pandas => (
                EmaCore::pandas_span(self.fast),
                EmaCore::pandas_span(self.slow),
                EmaCore::pandas_span(self.signal),
            ),
        };
        let skip = match self.convention {
            Convention::TaLib => self.fast.abs_diff(self.slow) as u64,
            Convention::Pandas => 0,
        };
        MacdState {
            fast,
            slow,
            signal,
            skip,
            seen: 0,
            periods: [self.fast as u64, self.slow as u64, self.signal as u64],
            convention: self.convention as u64,
        }
    }
}

/// Runs a fresh MACD over a gap-free run of `x` from `start`.
#[inline(always)]
fn macd_segment<M: MulAdd, S: Series>(
    m: M,
    fresh: MacdState,
    x: S,
    start: usize,
    macd: &mut [f64],
    signal: &mut [f64],
    hist: &mut [f64],
) -> Option<usize> {
    let mut st = fresh;
    let mut outs = macd
        .get_mut(start..)?
        .iter_mut()
        .zip(signal.get_mut(start..)?.iter_mut())
        .zip(hist.get_mut(start..)?.iter_mut());
    let mut it = x.values_from(start);
    let pandas = st.convention == 1;
    let warm = if pandas { 1 } else { st.lookback() + 1 };
    for (k, (((o1, o2), o3), v)) in outs.by_ref().zip(it.by_ref()).take(warm).enumerate() {
        if !ok(v) {
            (*o1, *o2, *o3) = (NAN, NAN, NAN);
            return Some(start + k);
        }
        let r = st.step(m, v);
        (*o1, *o2, *o3) = (r.macd, r.signal, r.hist);
    }
    // Every average is seeded: three EMA updates per bar, no bookkeeping.
    let (kf, ks, kg) = (st.fast.k, st.slow.k, st.signal.k);
    let (mut f, mut s, mut g) = (st.fast.prev, st.slow.prev, st.signal.prev);
    for (k, (((o1, o2), o3), v)) in outs.zip(it).enumerate() {
        if !ok(v) {
            (*o1, *o2, *o3) = (NAN, NAN, NAN);
            return Some(start + warm + k);
        }
        let r = if pandas {
            st.step(m, v)
        } else {
            s = talib_step(m, s, v, ks);
            f = talib_step(m, f, v, kf);
            let line = f - s;
            g = talib_step(m, g, line, kg);
            MacdValue {
                macd: line,
                signal: g,
                hist: line - g,
            }
        };
        (*o1, *o2, *o3) = (r.macd, r.signal, r.hist);
    }
    None
}

/// Streaming [`Macd`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MacdState {
    pub(crate) fast: EmaCore,
    pub(crate) slow: EmaCore,
    pub(crate) signal: EmaCore,
    /// Inputs the fast EMA ignores at the start (TA-Lib alignment).
    pub(crate) skip: u64,
    pub(crate) seen: u64,
    periods: [u64; 3],
    pub(crate) convention: u64,
}

impl MacdState {
    /// A fresh state.
    #[must_use]
    pub fn new(params: Macd) -> Self {
        params.stream()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Macd {
        Macd {
            fast: self.periods[0] as usize,
            slow: self.periods[1] as usize,
            signal: self.periods[2] as usize,
            convention: if self.convention == 1 {
                Convention::Pandas
            } else {
                Convention::TaLib
            },
        }
    }

    /// Bars before the three lines are defined (TA-Lib convention).
    fn lookback(&self) -> usize {
        (self.skip + self.fast.period_len() - 1 + self.signal.period_len() - 1) as usize
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.fast.reset();
        self.slow.reset();
        self.signal.reset();
        self.seen = 0;
    }

    #[inline(always)]
    pub(crate) fn step<M: MulAdd>(&mut self, m: M, x: f64) -> MacdValue {
        let slow = self.slow.step(m, x);
        let fast = if self.seen >= self.skip {
            self.fast.step(m, x)
        } else {
            self.seen += 1;
            NAN
        };
        if !self.slow.ready() {
            return NAN3;
        }
        let macd = fast - slow;
        let signal = self.signal.step(m, macd);
        if !self.signal.ready() {
            return NAN3;
        }
        MacdValue {
            macd,
            signal,
            hist: macd - signal,
        }
    }

    /// Feeds the next value (NaN lines during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> MacdValue {
        if !ok(x) {
            self.reset();
            return NAN3;
        }
        self.step(Auto, x)
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> MacdValue {
        let mut c = *self;
        c.update(x)
    }
}
