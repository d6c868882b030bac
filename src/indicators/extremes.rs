//! Rolling maximum, minimum and Donchian channels.

use super::bands::BandsValue;
use super::ring::Extreme;
use super::util::{fits, ok, ok2, period, same_len};
use super::{DEFAULT_CAPACITY, IndicatorError, Series};
use crate::Bar;

const NAN: f64 = f64::NAN;

#[inline(always)]
fn pick<const MAX: bool>(a: f64, b: f64) -> f64 {
    if MAX {
        if a > b { a } else { b }
    } else if a < b {
        a
    } else {
        b
    }
}

/// Index of the first non-finite value of `x` at or after `start` (`x.len()` if none).
#[inline]
pub(crate) fn first_gap<S: Series>(x: S, start: usize) -> usize {
    start
        + x.values_from(start)
            .position(|v| !ok(v))
            .unwrap_or(x.len() - start.min(x.len()))
}

/// Outputs per chunk of the rolling-extreme kernel (both passes of a chunk stay in cache).
const CHUNK: usize = 4096;

/// Rolling extreme (`MAX`: maximum) of `p` values over the gap-free run `x[start..end]`, written
/// to `out[start..end]` with NaN for the first `p − 1` positions. O(1) per value whatever `p`
/// (van Herk / Gil–Werman: blocks of `p` values, prefix extremes forward, suffix extremes
/// backward), using only `out` as scratch, chunk by chunk so that both passes hit the cache.
/// Zero results are `+0.0`.
pub(crate) fn rolling_extreme<S: Series, const MAX: bool>(
    x: S,
    p: usize,
    start: usize,
    end: usize,
    out: &mut [f64],
) {
    let Some(seg) = out.get_mut(start..end) else {
        return;
    };
    let len = seg.len();
    if len == 0 || p == 0 {
        return;
    }
    let chunk = CHUNK.max(2 * p);
    let mut a = 0;
    while a < len {
        let b = (a + chunk).min(len);
        extreme_chunk::<S, MAX>(x, p, start, a, b, seg);
        a = b;
    }
    for o in seg.iter_mut().take(p - 1) {
        *o = NAN;
    }
}

/// The window extremes ending at `seg[a..b]` (indices relative to the run starting at input
/// `start`; blocks of `p` start at multiples of `p`).
#[inline]
fn extreme_chunk<S: Series, const MAX: bool>(
    x: S,
    p: usize,
    start: usize,
    a: usize,
    b: usize,
    seg: &mut [f64],
) {
    let lo = a.max(p - 1);
    if lo >= b {
        return;
    }
    // Forward: prefix extremes from the start of `lo`'s block.
    let bs = lo - lo % p;
    let (mut g, mut k) = (0.0, 0);
    for (i, v) in (bs..b).zip(x.values_from(start + bs)) {
        g = if k == 0 { v } else { pick::<MAX>(g, v) };
        k += 1;
        if k == p {
            k = 0;
        }
        if i >= lo
            && let Some(o) = seg.get_mut(i)
        {
            *o = g;
        }
    }
    // Backward: suffix extremes h(j) of each window start's block, from the block end of the
    // last window start, combined with the prefix extreme at j + p − 1.
    let (j_lo, j_hi) = (lo + 1 - p, b - p);
    let e = j_hi - j_hi % p + p - 1;
    let (mut h, mut k) = (0.0, p - 1);
    for (j, v) in (j_lo..e + 1)
        .zip(x.values_from(start + j_lo).take(e + 1 - j_lo))
        .rev()
    {
        h = if k == p - 1 { v } else { pick::<MAX>(h, v) };
        k = if k == 0 { p - 1 } else { k - 1 };
        if j <= j_hi
            && let Some(o) = seg.get_mut(j + p - 1)
        {
            *o = pick::<MAX>(h, *o) + 0.0;
        }
    }
}

/// Rolling maximum over the gap-free runs of `x`.
fn rolling<S: Series, const MAX: bool>(x: S, p: usize, out: &mut [f64]) {
    let n = x.len();
    let mut start = 0;
    while start < n {
        let end = first_gap(x, start);
        rolling_extreme::<S, MAX>(x, p, start, end, out);
        if let Some(o) = out.get_mut(end) {
            *o = NAN;
        }
        start = end + 1;
    }
}

macro_rules! extreme_indicator {
    ($name:ident, $state:ident, $max:expr, $what:literal, $talib:literal) => {
        #[doc = concat!("Rolling ", $what, " of the last `period` values (TA-Lib `", $talib, "`; period 2..=100000, lookback `period − 1`).")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            period: usize,
        }

        impl $name {
            #[doc = concat!("A rolling ", $what, " over `period` values.")]
            pub fn new(period: usize) -> Result<Self, IndicatorError> {
                Ok($name {
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

            #[doc = concat!("Writes the rolling ", $what, " of `input` into `out` (same length).")]
            pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
                same_len(input.len(), out.len())?;
                rolling::<S, { $max }>(input, self.period, out);
                Ok(())
            }

            /// A streaming state with room for windows of `N` values.
            pub fn stream<const N: usize>(&self) -> Result<$state<N>, IndicatorError> {
                $state::new(*self)
            }
        }

        #[doc = concat!("Streaming [`", stringify!($name), "`]: a `#[repr(C)]` `Copy` value (amortised O(1) per update).")]
        #[repr(C)]
        #[derive(Clone, Copy, Debug)]
        pub struct $state<const N: usize = DEFAULT_CAPACITY> {
            count: u64,
            deque: Extreme<N, { $max }>,
        }

        impl<const N: usize> $state<N> {
            /// A fresh state; `WindowTooLarge` when `params.period() > N`.
            pub fn new(params: $name) -> Result<Self, IndicatorError> {
                fits(params.period, N)?;
                Ok($state {
                    count: 0,
                    deque: Extreme::new(params.period),
                })
            }

            /// The parameters.
            #[must_use]
            pub fn params(&self) -> $name {
                $name {
                    period: self.deque_window(),
                }
            }

            fn deque_window(&self) -> usize {
                self.deque.window()
            }

            /// Forgets all history.
            pub fn reset(&mut self) {
                self.count = 0;
                self.deque.clear();
            }

            #[doc = concat!("Feeds the next value and returns the ", $what, " of the window (NaN during warm-up or at a gap).")]
            pub fn update(&mut self, x: f64) -> f64 {
                if !ok(x) {
                    self.reset();
                    return NAN;
                }
                let v = self.deque.push(x);
                let p = self.deque.window() as u64;
                if self.count + 1 < p {
                    self.count += 1;
                    return NAN;
                }
                v
            }

            /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
            #[must_use]
            pub fn peek(&self, x: f64) -> f64 {
                if !ok(x) || self.count + 1 < self.deque.window() as u64 {
                    return NAN;
                }
                self.deque.peek(x)
            }
        }
    };
}

extreme_indicator!(Max, MaxState, true, "maximum", "MAX");
extreme_indicator!(Min, MinState, false, "minimum", "MIN");

/// Donchian channel: upper = highest high and lower = lowest low of the last `period` bars,
/// middle = `(upper + lower) / 2` (TA-Lib `MAX(high)`, `MIN(low)` and `MIDPRICE`; period
/// 2..=100000, lookback `period − 1`). A bar is a gap when its high or low is not finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Donchian {
    period: usize,
}

impl Donchian {
    /// A channel over `period` bars.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Donchian {
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

    /// Writes the channel (all slices of the same length).
    pub fn compute<H: Series, L: Series>(
        &self,
        high: H,
        low: L,
        upper: &mut [f64],
        middle: &mut [f64],
        lower: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = high.len();
        same_len(n, low.len())?;
        same_len(n, upper.len())?;
        same_len(n, middle.len())?;
        same_len(n, lower.len())?;
        let p = self.period;
        let mut start = 0;
        while start < n {
            let end = first_gap(high, start).min(first_gap(low, start));
            rolling_extreme::<H, true>(high, p, start, end, upper);
            rolling_extreme::<L, false>(low, p, start, end, lower);
            let (u, l) = (&upper[start..end], &lower[start..end]);
            for ((m, u), l) in middle[start..end].iter_mut().zip(u).zip(l) {
                *m = (u + l) / 2.0;
            }
            if end < n {
                upper[end] = NAN;
                middle[end] = NAN;
                lower[end] = NAN;
            }
            start = end + 1;
        }
        Ok(())
    }

    /// A streaming state with room for windows of `N` bars.
    pub fn stream<const N: usize>(&self) -> Result<DonchianState<N>, IndicatorError> {
        DonchianState::new(*self)
    }
}

/// Streaming [`Donchian`]: a `#[repr(C)]` `Copy` value (amortised O(1) per update).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DonchianState<const N: usize = DEFAULT_CAPACITY> {
    count: u64,
    hi: Extreme<N, true>,
    lo: Extreme<N, false>,
}

const NAN3: BandsValue = BandsValue {
    upper: NAN,
    middle: NAN,
    lower: NAN,
};

impl<const N: usize> DonchianState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: Donchian) -> Result<Self, IndicatorError> {
        fits(params.period, N)?;
        Ok(DonchianState {
            count: 0,
            hi: Extreme::new(params.period),
            lo: Extreme::new(params.period),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Donchian {
        Donchian {
            period: self.hi.window(),
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.count = 0;
        self.hi.clear();
        self.lo.clear();
    }

    /// Feeds the next bar's high and low; returns the channel (NaN during warm-up or at a gap).
    pub fn update(&mut self, high: f64, low: f64) -> BandsValue {
        if !ok2(high, low) {
            self.reset();
            return NAN3;
        }
        let (u, l) = (self.hi.push(high), self.lo.push(low));
        if self.count + 1 < self.hi.window() as u64 {
            self.count += 1;
            return NAN3;
        }
        BandsValue {
            upper: u,
            middle: (u + l) / 2.0,
            lower: l,
        }
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64) -> BandsValue {
        if !ok2(high, low) || self.count + 1 < self.hi.window() as u64 {
            return NAN3;
        }
        let (u, l) = (self.hi.peek(high), self.lo.peek(low));
        BandsValue {
            upper: u,
            middle: (u + l) / 2.0,
            lower: l,
        }
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> BandsValue {
        self.update(bar.high, bar.low)
    }
}
