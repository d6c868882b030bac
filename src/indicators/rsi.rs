//! Relative strength index.

use super::ma::pandas_step;
use super::util::{by_segments, ok, period, pf, same_len};
use super::{Convention, IndicatorError, Series};

const NAN: f64 = f64::NAN;

/// Relative strength index (TA-Lib `RSI`, Wilder; period 2..=100000).
///
/// TA-Lib convention: the first average gain/loss is the mean of the first `period` changes,
/// then `avg = (avg·(period−1) + change)·(1/period)`; output `(gain/(gain+loss))·100`, 0 when
/// both are zero; lookback `period`. Pandas convention (the pipeline's plugin): gains and losses
/// (0 on the first bar, where `diff()` is NaN) averaged with `ewm(com=period−1, adjust=False)`,
/// output `100 − 100/(1 + gain/loss)`, 100 when the average loss is 0; lookback 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rsi {
    period: usize,
    convention: Convention,
}

impl Rsi {
    /// A TA-Lib RSI over `period` changes.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Rsi {
            period: self::period("period", period, 2)?,
            convention: Convention::TaLib,
        })
    }

    /// The same RSI following `convention`.
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

    /// Writes the RSI of `input` into `out` (same length).
    pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
        same_len(input.len(), out.len())?;
        let fresh = self.stream();
        let talib = self.convention == Convention::TaLib;
        by_segments(out.len(), |start| {
            let out = out.get_mut(start..)?;
            let mut st = fresh;
            let mut it = input.values_from(start);
            let warm = if talib {
                (self.period + 1).min(out.len())
            } else {
                0
            };
            let (head, tail) = out.split_at_mut(warm);
            for (k, (o, v)) in head.iter_mut().zip(it.by_ref()).enumerate() {
                if !ok(v) {
                    *o = NAN;
                    return Some(start + k);
                }
                *o = st.step(v);
            }
            if talib {
                let (mut gain, mut loss, mut prev) = (st.gain, st.loss, st.prev);
                let (inv, pm1) = (1.0 / pf(self.period), pf(self.period - 1));
                for (k, (o, v)) in tail.iter_mut().zip(it).enumerate() {
                    if !ok(v) {
                        *o = NAN;
                        return Some(start + warm + k);
                    }
                    (gain, loss) = wilder(gain, loss, v - prev, inv, pm1);
                    prev = v;
                    *o = talib_rsi(gain, loss);
                }
            } else {
                for (k, (o, v)) in tail.iter_mut().zip(it).enumerate() {
                    if !ok(v) {
                        *o = NAN;
                        return Some(start + warm + k);
                    }
                    *o = st.step(v);
                }
            }
            None
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> RsiState {
        let a = 1.0 / pf(self.period);
        let keep = 1.0 - a;
        RsiState {
            gain: 0.0,
            loss: 0.0,
            prev: 0.0,
            alpha: a,
            keep,
            norm: keep + a,
            period: self.period as u64,
            count: 0,
            convention: self.convention as u64,
        }
    }
}

/// A change split as TA-Lib splits it: `(gain, loss)` with `gain = max(d, 0)` and
/// `loss = gain − d`.
#[inline(always)]
pub(crate) fn split(d: f64) -> (f64, f64) {
    let g = if 0.0 < d { d } else { 0.0 };
    (g, g - d)
}

/// One Wilder update of the average gain and loss with the change `d` (TA-Lib's order:
/// `(avg·(p−1) + x)·(1/p)`).
#[inline(always)]
pub(crate) fn wilder(gain: f64, loss: f64, d: f64, inv: f64, pm1: f64) -> (f64, f64) {
    let (g, l) = split(d);
    ((gain * pm1 + g) * inv, (l + loss * pm1) * inv)
}

/// TA-Lib's RSI from average gain and loss.
#[inline(always)]
pub(crate) fn talib_rsi(gain: f64, loss: f64) -> f64 {
    let s = loss + gain;
    if s > 0.0 { (gain / s) * 100.0 } else { 0.0 }
}

/// The pipeline's RSI from average gain and loss.
#[inline(always)]
pub(crate) fn pandas_rsi(gain: f64, loss: f64) -> f64 {
    if loss == 0.0 {
        100.0
    } else {
        100.0 - 100.0 / (1.0 + gain / loss)
    }
}

/// Streaming [`Rsi`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RsiState {
    pub(crate) gain: f64,
    pub(crate) loss: f64,
    pub(crate) prev: f64,
    pub(crate) alpha: f64,
    pub(crate) keep: f64,
    pub(crate) norm: f64,
    pub(crate) period: u64,
    /// Values seen since the last reset, saturating at `period + 1`.
    pub(crate) count: u64,
    pub(crate) convention: u64,
}

impl RsiState {
    /// A fresh state.
    #[must_use]
    pub fn new(params: Rsi) -> Self {
        params.stream()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Rsi {
        Rsi {
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
        self.gain = 0.0;
        self.loss = 0.0;
        self.prev = 0.0;
        self.count = 0;
    }

    #[inline(always)]
    fn step(&mut self, x: f64) -> f64 {
        if self.count == 0 {
            self.prev = x;
            self.count = 1;
            return if self.convention == 1 {
                pandas_rsi(0.0, 0.0)
            } else {
                NAN
            };
        }
        let d = x - self.prev;
        self.prev = x;
        if self.convention == 1 {
            let g = if d > 0.0 { d } else { 0.0 };
            let l = if d < 0.0 { -d } else { 0.0 };
            self.gain = pandas_step(self.gain, g, self.alpha, self.keep, self.norm);
            self.loss = pandas_step(self.loss, l, self.alpha, self.keep, self.norm);
            return pandas_rsi(self.gain, self.loss);
        }
        let p = self.period;
        let inv = 1.0 / pf(p as usize);
        if self.count <= p {
            let (g, l) = split(d);
            self.gain += g;
            self.loss += l;
            self.count += 1;
            if self.count <= p {
                return NAN;
            }
            self.gain *= inv;
            self.loss *= inv;
        } else {
            (self.gain, self.loss) = wilder(self.gain, self.loss, d, inv, pf(p as usize - 1));
        }
        talib_rsi(self.gain, self.loss)
    }

    /// Feeds the next value and returns the RSI (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        self.step(x)
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> f64 {
        let mut c = *self;
        c.update(x)
    }
}
