//! Stochastic oscillator and Williams %R.

use super::extremes::{SMALL_P, Scratches, piece_extremes, rolling_extreme};
use super::ma::{Sma, SmaState};
use super::ring::Extreme;
use super::util::{PIECE, avx2_dispatch, gap_in, prefetch, values};
use super::util::{fits, ok3, period, same_len};
use super::{DEFAULT_CAPACITY, IndicatorError, Series};
use crate::Bar;

const NAN: f64 = f64::NAN;

/// Index of the first bar at or after `start` with a non-finite high, low or close.
fn first_gap3<H: Series, L: Series, C: Series>(h: H, l: L, c: C, start: usize) -> usize {
    let mut bars = h
        .values_from(start)
        .zip(l.values_from(start))
        .zip(c.values_from(start));
    start
        + bars
            .position(|((h, l), c)| !ok3(h, l, c))
            .unwrap_or(h.len().saturating_sub(start))
}

/// True when the window's range is negligible next to its extremes (TA-Lib 0.6:
/// `|hh − ll| <= 1e-14·(|hh| + |ll|)`).
#[inline(always)]
fn flat(hh: f64, ll: f64, range: f64) -> bool {
    (hh.abs() + ll.abs()) * 1e-14 >= range.abs()
}

/// TA-Lib's fast %K from the close and the window's extremes (0 on a flat window).
#[inline(always)]
fn fast_k(c: f64, hh: f64, ll: f64) -> f64 {
    let range = hh - ll;
    if flat(hh, ll, range) {
        0.0
    } else {
        ((c - ll) / range) * 100.0
    }
}

/// TA-Lib's Williams %R from the close and the window's extremes: 0 on a flat window, clamped
/// to `[-100, 0]`.
#[inline(always)]
fn will_r(c: f64, hh: f64, ll: f64) -> f64 {
    let range = hh - ll;
    if flat(hh, ll, range) {
        return 0.0;
    }
    (((hh - c) / range) * -100.0).clamp(-100.0, 0.0)
}

/// Slow stochastic oscillator (TA-Lib `STOCH` with SMA smoothing; defaults 5, 3, 3): fast %K =
/// `100·(close − lowest low)/(highest high − lowest low)` over `fastk` bars (0 on a flat
/// window, one whose range is within `1e-14` of its extremes), slow %K = SMA(`slowk`) of fast %K, slow %D = SMA(`slowd`) of slow %K. Periods
/// 1..=100000; both outputs have lookback `(fastk − 1) + (slowk − 1) + (slowd − 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stoch {
    fastk: usize,
    slowk: usize,
    slowd: usize,
}

/// One stochastic output.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StochValue {
    /// Slow %K.
    pub k: f64,
    /// Slow %D.
    pub d: f64,
}

const NAN2: StochValue = StochValue { k: NAN, d: NAN };

impl Stoch {
    /// A stochastic with the given periods.
    pub fn new(fastk: usize, slowk: usize, slowd: usize) -> Result<Self, IndicatorError> {
        Ok(Stoch {
            fastk: period("fastk", fastk, 1)?,
            slowk: period("slowk", slowk, 1)?,
            slowd: period("slowd", slowd, 1)?,
        })
    }

    /// `(fastk, slowk, slowd)`.
    #[must_use]
    pub const fn periods(&self) -> (usize, usize, usize) {
        (self.fastk, self.slowk, self.slowd)
    }

    /// Number of leading NaN outputs: `(fastk − 1) + (slowk − 1) + (slowd − 1)`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        self.fastk + self.slowk + self.slowd - 3
    }

    /// Writes slow %K and slow %D (all slices of the same length).
    pub fn compute<H: Series, L: Series, C: Series>(
        &self,
        high: H,
        low: L,
        close: C,
        k: &mut [f64],
        d: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = high.len();
        same_len(n, low.len())?;
        same_len(n, close.len())?;
        same_len(n, k.len())?;
        same_len(n, d.len())?;
        let (fk, sk, sd) = (self.fastk, self.slowk, self.slowd);
        let (sma_k, sma_d) = (Sma { period: sk }, Sma { period: sd });
        let mut start = 0;
        while start < n {
            let end = first_gap3(high, low, close, start);
            // k ← highest high, d ← lowest low, then d ← fast %K in place.
            rolling_extreme::<H, true>(high, fk, start, end, k);
            rolling_extreme::<L, false>(low, fk, start, end, d);
            let a = (start + fk - 1).min(end);
            for ((dd, hh), c) in d[a..end]
                .iter_mut()
                .zip(&k[a..end])
                .zip(close.values_from(a))
            {
                *dd = fast_k(c, *hh, *dd);
            }
            // k ← SMA(fast %K), then d ← SMA(slow %K) from the first defined slow %K.
            sma_k.compute(&d[a..end], &mut k[a..end])?;
            let b = (a + sk - 1).min(end);
            sma_d.compute(&k[b..end], &mut d[b..end])?;
            let warm = (start + self.lookback()).min(end);
            k[start..warm].fill(NAN);
            d[start..warm].fill(NAN);
            if end < n {
                k[end] = NAN;
                d[end] = NAN;
            }
            start = end + 1;
        }
        Ok(())
    }

    /// A streaming state with room for windows of `N` values.
    pub fn stream<const N: usize>(&self) -> Result<StochState<N>, IndicatorError> {
        StochState::new(*self)
    }
}

/// Streaming [`Stoch`]: a `#[repr(C)]` `Copy` value (amortised O(1) per update).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct StochState<const N: usize = DEFAULT_CAPACITY> {
    count: u64,
    lookback: u64,
    hi: Extreme<N, true>,
    lo: Extreme<N, false>,
    k: SmaState<N>,
    d: SmaState<N>,
}

impl<const N: usize> StochState<N> {
    /// A fresh state; `WindowTooLarge` when a period exceeds `N`.
    pub fn new(params: Stoch) -> Result<Self, IndicatorError> {
        fits(params.fastk, N)?;
        Ok(StochState {
            count: 0,
            lookback: params.lookback() as u64,
            hi: Extreme::new(params.fastk),
            lo: Extreme::new(params.fastk),
            k: SmaState::new(Sma {
                period: params.slowk,
            })?,
            d: SmaState::new(Sma {
                period: params.slowd,
            })?,
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Stoch {
        Stoch {
            fastk: self.hi.window(),
            slowk: self.k.params().period(),
            slowd: self.d.params().period(),
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.count = 0;
        self.hi.clear();
        self.lo.clear();
        self.k.reset();
        self.d.reset();
    }

    /// Feeds the next bar's high, low and close; returns slow %K and %D (NaN during warm-up
    /// or at a gap).
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> StochValue {
        if !ok3(high, low, close) {
            self.reset();
            return NAN2;
        }
        let (hh, ll) = (self.hi.push(high), self.lo.push(low));
        let warm = self.count < self.lookback;
        let fk_ready = self.count + 1 >= self.hi.window() as u64;
        if warm {
            self.count += 1;
        }
        if !fk_ready {
            return NAN2;
        }
        let k = self.k.update(fast_k(close, hh, ll));
        let d = self.d.update(k);
        if warm { NAN2 } else { StochValue { k, d } }
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> StochValue {
        if !ok3(high, low, close)
            || self.count < self.lookback
            || self.count + 1 < self.hi.window() as u64
        {
            return NAN2;
        }
        let fk = fast_k(close, self.hi.peek(high), self.lo.peek(low));
        let k = self.k.peek(fk);
        let d = self.d.peek(k);
        StochValue { k, d }
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> StochValue {
        self.update(bar.high, bar.low, bar.close)
    }
}

/// Williams %R: `−100·(highest high − close)/(highest high − lowest low)` over `period` bars,
/// 0 on a flat window, clamped to `[−100, 0]` (TA-Lib `WILLR`; period 2..=100000, lookback
/// `period − 1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WillR {
    period: usize,
}

impl WillR {
    /// Williams %R over `period` bars.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(WillR {
            period: self::period("period", period, 2)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of leading NaN outputs: `period − 1`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        self.period - 1
    }

    /// Writes %R into `out` (all slices of the same length).
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
        let p = self.period;
        if p <= SMALL_P {
            willr_pieces(high, low, close, p, out);
            return Ok(());
        }
        let mut start = 0;
        while start < n {
            let end = first_gap3(high, low, close, start);
            // out ← highest high (O(1) per bar); the lowest low is tracked with a rescan of the
            // window when the current lowest leaves it.
            rolling_extreme::<H, true>(high, p, start, end, out);
            let mut lo = f64::INFINITY;
            let mut lo_at = start;
            let lows = low.values_from(start).zip(close.values_from(start));
            for (i, (o, (l, c))) in (start..).zip(out[start..end].iter_mut().zip(lows)) {
                if i >= lo_at + p {
                    let from = i + 1 - p;
                    lo = f64::INFINITY;
                    for (j, v) in (from..=i).zip(low.values_from(from)) {
                        if v <= lo {
                            (lo, lo_at) = (v, j);
                        }
                    }
                } else if l <= lo {
                    (lo, lo_at) = (l, i);
                }
                if i + 1 >= start + p {
                    *o = will_r(c, *o, lo + 0.0);
                }
            }
            if end < n {
                out[end] = NAN;
            }
            start = end + 1;
        }
        Ok(())
    }

    /// A streaming state with room for windows of `N` bars.
    pub fn stream<const N: usize>(&self) -> Result<WillRState<N>, IndicatorError> {
        WillRState::new(*self)
    }
}

avx2_dispatch!(
    /// Williams %R for windows up to [`SMALL_P`], piece by piece: gap scan, highest highs into
    /// `out`, lowest lows into a stack buffer, then %R, all while the piece is in cache.
    fn willr_pieces[H: Series, L: Series, C: Series](
        high: H,
        low: L,
        close: C,
        p: usize,
        out: &mut [f64],
    ) -> () = willr_pieces_in[H, L, C]
);

#[inline(always)]
fn willr_pieces_in<H: Series, L: Series, C: Series>(
    high: H,
    low: L,
    close: C,
    p: usize,
    out: &mut [f64],
) {
    let n = out.len().min(high.len());
    let mut sc = Scratches::new();
    let mut ll = [0.0; PIECE];
    let (mut s, mut a) = (0, 0);
    while a < n {
        let b0 = (a + PIECE).min(n);
        let gap = [
            gap_in(high, a, b0),
            gap_in(low, a, b0),
            gap_in(close, a, b0),
        ]
        .into_iter()
        .flatten()
        .min();
        let b = gap.unwrap_or(b0);
        prefetch(high, b, b + PIECE);
        prefetch(low, b, b + PIECE);
        prefetch(close, b, b + PIECE);
        let o = (s + p - 1).clamp(a, b);
        out[a..o].fill(NAN);
        if o < b {
            let (hh, ll) = (&mut out[o..b], &mut ll[..b - o]);
            piece_extremes::<H, true>(&high, p, o, b, hh, &mut sc);
            piece_extremes::<L, false>(&low, p, o, b, ll, &mut sc);
            let mut cbuf = [0.0; PIECE];
            let cs = values(&close, o, b, &mut cbuf);
            for ((r, &c), &lo) in hh.iter_mut().zip(cs).zip(ll.iter()) {
                *r = will_r(c, *r, lo);
            }
        }
        if gap.is_some() {
            out[b] = NAN;
            s = b + 1;
        }
        a = b + usize::from(gap.is_some());
    }
}

/// Streaming [`WillR`]: a `#[repr(C)]` `Copy` value (amortised O(1) per update).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WillRState<const N: usize = DEFAULT_CAPACITY> {
    count: u64,
    hi: Extreme<N, true>,
    lo: Extreme<N, false>,
}

impl<const N: usize> WillRState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: WillR) -> Result<Self, IndicatorError> {
        fits(params.period, N)?;
        Ok(WillRState {
            count: 0,
            hi: Extreme::new(params.period),
            lo: Extreme::new(params.period),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> WillR {
        WillR {
            period: self.hi.window(),
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.count = 0;
        self.hi.clear();
        self.lo.clear();
    }

    /// Feeds the next bar's high, low and close; returns %R (NaN during warm-up or at a gap).
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        if !ok3(high, low, close) {
            self.reset();
            return NAN;
        }
        let (hh, ll) = (self.hi.push(high), self.lo.push(low));
        if self.count + 1 < self.hi.window() as u64 {
            self.count += 1;
            return NAN;
        }
        will_r(close, hh, ll)
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        if !ok3(high, low, close) || self.count + 1 < self.hi.window() as u64 {
            return NAN;
        }
        will_r(close, self.hi.peek(high), self.lo.peek(low))
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> f64 {
        self.update(bar.high, bar.low, bar.close)
    }
}
