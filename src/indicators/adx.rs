//! Average directional index with the directional indicators +DI and −DI.

use super::range::true_range;
use super::util::{by_segments, ok3, period, pf, same_len};
use super::{IndicatorError, Series};
use crate::Bar;

const NAN: f64 = f64::NAN;

/// Average directional index with +DI and −DI (TA-Lib `ADX`, `PLUS_DI`, `MINUS_DI`; Wilder;
/// period 2..=100000).
///
/// +DM/−DM and the true range are summed over the first `period − 1` changes, then smoothed as
/// `s − s/period + new`; `±DI = 100·±DM/TR` (0 when the smoothed TR is 0), defined from bar
/// `period` ([`di_lookback`](Self::di_lookback)); `DX = 100·|+DI − −DI|/(+DI + −DI)` (none when
/// `|+DI + −DI| < 1e-14`); the first
/// ADX is the mean of the first `period` DX values, then `adx = (adx·(period−1) + dx)/period`
/// (kept unchanged on bars without a DX), defined from bar `2·period − 1`
/// ([`lookback`](Self::lookback)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Adx {
    period: usize,
}

/// One ADX output.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdxValue {
    /// Average directional index.
    pub adx: f64,
    /// Plus directional indicator.
    pub plus_di: f64,
    /// Minus directional indicator.
    pub minus_di: f64,
}

const NAN3: AdxValue = AdxValue {
    adx: NAN,
    plus_di: NAN,
    minus_di: NAN,
};

impl Adx {
    /// An ADX over `period` bars.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Adx {
            period: self::period("period", period, 2)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of leading NaN ADX outputs: `2·period − 1`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        2 * self.period - 1
    }

    /// Number of leading NaN ±DI outputs: `period`.
    #[must_use]
    pub const fn di_lookback(&self) -> usize {
        self.period
    }

    /// Writes ADX, +DI and −DI (all slices of the same length).
    pub fn compute<H: Series, L: Series, C: Series>(
        &self,
        high: H,
        low: L,
        close: C,
        adx: &mut [f64],
        plus_di: &mut [f64],
        minus_di: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = high.len();
        same_len(n, low.len())?;
        same_len(n, close.len())?;
        same_len(n, adx.len())?;
        same_len(n, plus_di.len())?;
        same_len(n, minus_di.len())?;
        let fresh = self.stream();
        by_segments(n, |start| {
            let mut st = fresh;
            let outs = adx
                .get_mut(start..)?
                .iter_mut()
                .zip(plus_di.get_mut(start..)?.iter_mut())
                .zip(minus_di.get_mut(start..)?.iter_mut());
            let bars = high
                .values_from(start)
                .zip(low.values_from(start))
                .zip(close.values_from(start));
            for (k, (((a, p), m), ((h, l), c))) in outs.zip(bars).enumerate() {
                if !ok3(h, l, c) {
                    (*a, *p, *m) = (NAN, NAN, NAN);
                    return Some(start + k);
                }
                let v = st.step(h, l, c);
                (*a, *p, *m) = (v.adx, v.plus_di, v.minus_di);
            }
            None
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> AdxState {
        AdxState {
            prev_high: 0.0,
            prev_low: 0.0,
            prev_close: 0.0,
            pdm: 0.0,
            mdm: 0.0,
            tr: 0.0,
            adx: 0.0,
            period: self.period as u64,
            count: 0,
        }
    }
}

/// Streaming [`Adx`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AdxState {
    prev_high: f64,
    prev_low: f64,
    prev_close: f64,
    pdm: f64,
    mdm: f64,
    tr: f64,
    /// Sum of DX values while seeding, then the ADX.
    adx: f64,
    period: u64,
    /// Bars seen since the last reset, saturating at `2·period`.
    count: u64,
}

impl AdxState {
    /// A fresh state.
    #[must_use]
    pub fn new(params: Adx) -> Self {
        params.stream()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Adx {
        Adx {
            period: self.period as usize,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.pdm = 0.0;
        self.mdm = 0.0;
        self.tr = 0.0;
        self.adx = 0.0;
        self.count = 0;
    }

    #[inline(always)]
    fn step(&mut self, h: f64, l: f64, c: f64) -> AdxValue {
        if self.count == 0 {
            (self.prev_high, self.prev_low, self.prev_close) = (h, l, c);
            self.count = 1;
            return NAN3;
        }
        let up = h - self.prev_high;
        let down = self.prev_low - l;
        let tr = true_range(h, l, self.prev_close);
        (self.prev_high, self.prev_low, self.prev_close) = (h, l, c);
        let p = self.period;
        let pp = pf(p as usize);
        if self.count < p {
            // Accumulate the first period − 1 changes.
            if down > 0.0 && up < down {
                self.mdm += down;
            } else if up > 0.0 && up > down {
                self.pdm += up;
            }
            self.tr += tr;
            self.count += 1;
            return NAN3;
        }
        self.mdm -= self.mdm / pp;
        self.pdm -= self.pdm / pp;
        if down > 0.0 && up < down {
            self.mdm += down;
        } else if up > 0.0 && up > down {
            self.pdm += up;
        }
        self.tr = self.tr - self.tr / pp + tr;
        let (pdi, mdi, dx) = if self.tr > 0.0 {
            let pdi = (self.pdm / self.tr) * 100.0;
            let mdi = (self.mdm / self.tr) * 100.0;
            let s = mdi + pdi;
            let dx = if -1e-14 < s && s < 1e-14 {
                None
            } else {
                Some(((mdi - pdi).abs() / s) * 100.0)
            };
            (pdi, mdi, dx)
        } else {
            (0.0, 0.0, None)
        };
        let adx = if self.count < 2 * p {
            // Sum the first `period` DX values (bars period ..= 2·period − 1).
            if let Some(dx) = dx {
                self.adx += dx;
            }
            self.count += 1;
            if self.count < 2 * p {
                NAN
            } else {
                self.adx /= pp;
                self.adx
            }
        } else {
            if let Some(dx) = dx {
                self.adx = (self.adx * pf(p as usize - 1) + dx) / pp;
            }
            self.adx
        };
        AdxValue {
            adx,
            plus_di: pdi,
            minus_di: mdi,
        }
    }

    /// Feeds the next bar's high, low and close; returns ADX, +DI and −DI (NaN during their
    /// warm-ups or at a gap).
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> AdxValue {
        if !ok3(high, low, close) {
            self.reset();
            return NAN3;
        }
        self.step(high, low, close)
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> AdxValue {
        let mut c = *self;
        c.update(high, low, close)
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> AdxValue {
        self.update(bar.high, bar.low, bar.close)
    }
}
