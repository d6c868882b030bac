//! True range and average true range.

use super::fma::{Auto, MulAdd, with_fma};
use super::ma::pandas_step;
use super::util::{by_segments, ok3, period, pf, same_len};
use super::{Convention, IndicatorError, Series};
use crate::Bar;

const NAN: f64 = f64::NAN;

/// True range: the greatest of `high − low`, `|high − previous close|` and
/// `|low − previous close|` (TA-Lib `TRANGE`, lookback 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrueRange;

/// The true range of a bar given the previous close (TA-Lib's comparison order).
#[inline(always)]
pub(crate) fn true_range(h: f64, l: f64, prev_close: f64) -> f64 {
    let mut g = h - l;
    let a = (prev_close - h).abs();
    if a > g {
        g = a;
    }
    let b = (l - prev_close).abs();
    if b > g {
        g = b;
    }
    g
}

impl TrueRange {
    /// Number of leading NaN outputs: 1.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        1
    }

    /// Writes the true range of each bar into `out` (all slices of the same length).
    pub fn compute<H: Series, L: Series, C: Series>(
        &self,
        high: H,
        low: L,
        close: C,
        out: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = high.len();
        same_len(n, low.len())?;
        same_len(n, close.len())?;
        same_len(n, out.len())?;
        by_segments(n, |start| {
            let (first, rest) = out.get_mut(start..)?.split_first_mut()?;
            *first = NAN;
            if !ok3(high.at(start), low.at(start), close.at(start)) {
                return Some(start);
            }
            let bars = high
                .values_from(start + 1)
                .zip(low.values_from(start + 1))
                .zip(close.values_from(start + 1))
                .zip(close.values_from(start));
            for (k, (o, (((h, l), c), pc))) in rest.iter_mut().zip(bars).enumerate() {
                if !ok3(h, l, c) {
                    *o = NAN;
                    return Some(start + 1 + k);
                }
                *o = true_range(h, l, pc);
            }
            None
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> TrueRangeState {
        TrueRangeState {
            prev_close: 0.0,
            primed: 0,
        }
    }
}

/// Streaming [`TrueRange`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TrueRangeState {
    prev_close: f64,
    primed: u64,
}

impl TrueRangeState {
    /// A fresh state.
    #[must_use]
    pub fn new() -> Self {
        TrueRange.stream()
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.primed = 0;
    }

    /// Feeds the next bar's high, low and close; returns its true range (NaN on the first bar
    /// or at a gap).
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        let out = self.peek(high, low, close);
        if !ok3(high, low, close) {
            self.reset();
            return NAN;
        }
        self.prev_close = close;
        self.primed = 1;
        out
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        if !ok3(high, low, close) || self.primed == 0 {
            return NAN;
        }
        true_range(high, low, self.prev_close)
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> f64 {
        self.update(bar.high, bar.low, bar.close)
    }
}

impl Default for TrueRangeState {
    fn default() -> Self {
        Self::new()
    }
}

/// Average true range (TA-Lib `ATR`, Wilder; period 1..=100000).
///
/// TA-Lib convention: the first ATR is the mean of the first `period` true ranges (from the
/// second bar), then `atr = (atr·(period−1) + tr) / period`; lookback `period`. Pandas
/// convention: `ewm(com=period−1, adjust=False)` of the true range, whose first value is
/// `high − low`; lookback 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Atr {
    period: usize,
    convention: Convention,
}

impl Atr {
    /// A TA-Lib ATR over `period` bars.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Atr {
            period: self::period("period", period, 1)?,
            convention: Convention::TaLib,
        })
    }

    /// The same ATR following `convention`.
    #[must_use]
    pub const fn with_convention(mut self, convention: Convention) -> Self {
        self.convention = convention;
        self
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// The convention.
    #[must_use]
    pub const fn convention(&self) -> Convention {
        self.convention
    }

    /// Number of leading NaN outputs: `period` (TA-Lib) or 0 (pandas).
    #[must_use]
    pub const fn lookback(&self) -> usize {
        match self.convention {
            Convention::TaLib => self.period,
            Convention::Pandas => 0,
        }
    }

    /// Writes the ATR into `out` (all slices of the same length).
    pub fn compute<H: Series, L: Series, C: Series>(
        &self,
        high: H,
        low: L,
        close: C,
        out: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = high.len();
        same_len(n, low.len())?;
        same_len(n, close.len())?;
        same_len(n, out.len())?;
        let fresh = self.stream();
        let talib = self.convention == Convention::TaLib;
        by_segments(n, |start| {
            let out = out.get_mut(start..)?;
            let mut st = fresh;
            let mut bars = high
                .values_from(start)
                .zip(low.values_from(start))
                .zip(close.values_from(start));
            let warm = if talib {
                (self.period + 1).min(out.len())
            } else {
                0
            };
            let (head, tail) = out.split_at_mut(warm);
            for (k, (o, ((h, l), c))) in head.iter_mut().zip(bars.by_ref()).enumerate() {
                if !ok3(h, l, c) {
                    *o = NAN;
                    return Some(start + k);
                }
                *o = st.step(h, l, c);
            }
            if talib {
                return with_fma!(atr_tail(st, bars, start + warm, tail));
            } else {
                for (k, (o, ((h, l), c))) in tail.iter_mut().zip(bars).enumerate() {
                    if !ok3(h, l, c) {
                        *o = NAN;
                        return Some(start + warm + k);
                    }
                    *o = st.step(h, l, c);
                }
            }
            None
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> AtrState {
        let a = 1.0 / pf(self.period);
        let keep = 1.0 - a;
        AtrState {
            atr: 0.0,
            prev_close: 0.0,
            alpha: a,
            keep,
            norm: keep + a,
            period: self.period as u64,
            count: 0,
            convention: self.convention as u64,
        }
    }
}

/// TA-Lib's Wilder weights `((p−1)/p, 1 − (p−1)/p)`: `atr' = fma(w, atr, tr·(1 − w))`.
#[inline(always)]
fn wilder_weights(p: usize) -> (f64, f64) {
    let w = pf(p - 1) / pf(p);
    (w, 1.0 - w)
}

/// The seeded part of a TA-Lib ATR run: `tail` starts at input index `at`.
#[inline(always)]
fn atr_tail<M: MulAdd>(
    m: M,
    st: AtrState,
    bars: impl Iterator<Item = ((f64, f64), f64)>,
    at: usize,
    tail: &mut [f64],
) -> Option<usize> {
    let (mut atr, mut pc) = (st.atr, st.prev_close);
    let (w, r) = wilder_weights(st.period as usize);
    for (k, (o, ((h, l), c))) in tail.iter_mut().zip(bars).enumerate() {
        if !ok3(h, l, c) {
            *o = NAN;
            return Some(at + k);
        }
        atr = m.mul_add(w, atr, true_range(h, l, pc) * r);
        pc = c;
        *o = atr;
    }
    None
}

/// Streaming [`Atr`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AtrState {
    pub(crate) atr: f64,
    pub(crate) prev_close: f64,
    pub(crate) alpha: f64,
    pub(crate) keep: f64,
    pub(crate) norm: f64,
    pub(crate) period: u64,
    /// Bars seen since the last reset, saturating at `period + 1`.
    pub(crate) count: u64,
    pub(crate) convention: u64,
}

impl AtrState {
    /// A fresh state.
    #[must_use]
    pub fn new(params: Atr) -> Self {
        params.stream()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Atr {
        Atr {
            period: self.period as usize,
            convention: if self.convention == 1 {
                Convention::Pandas
            } else {
                Convention::TaLib
            },
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.atr = 0.0;
        self.count = 0;
    }

    #[inline(always)]
    fn step(&mut self, h: f64, l: f64, c: f64) -> f64 {
        let first = self.count == 0;
        let tr = if first {
            h - l
        } else {
            true_range(h, l, self.prev_close)
        };
        self.prev_close = c;
        if self.convention == 1 {
            self.atr = if first {
                tr
            } else {
                pandas_step(self.atr, tr, self.alpha, self.keep, self.norm)
            };
            self.count = 1;
            return self.atr;
        }
        let p = self.period;
        if self.count <= p {
            if !first {
                self.atr += tr;
            }
            self.count += 1;
            if self.count <= p {
                return NAN;
            }
            self.atr /= pf(p as usize);
        } else {
            let (w, r) = wilder_weights(p as usize);
            self.atr = Auto.mul_add(w, self.atr, tr * r);
        }
        self.atr
    }

    /// Feeds the next bar's high, low and close; returns the ATR (NaN during warm-up or at a
    /// gap).
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        if !ok3(high, low, close) {
            self.reset();
            return NAN;
        }
        self.step(high, low, close)
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        let mut c = *self;
        c.update(high, low, close)
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> f64 {
        self.update(bar.high, bar.low, bar.close)
    }
}
