//! Rolling maximum, minimum and Donchian channels.

use super::bands::BandsValue;
use super::ring::Extreme;
use super::util::{
    PIECE, avx2_dispatch, first_bad, fits, gap_in, ok, ok2, period, prefetch, same_len, values,
};
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

/// Largest window of the doubling kernel [`small_extremes`] (longer windows use the
/// block kernel [`window_extremes`]).
pub(crate) const SMALL_P: usize = 128;

/// Scratch of [`small_extremes`]: one piece's window inputs.
pub(crate) type Scratch = [f64; PIECE + SMALL_P];

/// An empty [`Scratch`].
pub(crate) const SCRATCH: Scratch = [0.0; PIECE + SMALL_P];

/// `dst[i]` = extreme of `src[i + j·step]` for `j < F − 1` and of `src[i + last]`, plus `0.0`
/// (a loop the compiler vectorises; `last ≥ (F − 2)·step`).
#[inline(always)]
fn fan<const F: usize, const MAX: bool>(src: &[f64], step: usize, last: usize, dst: &mut [f64]) {
    let m = dst.len();
    if F == 0 || src.len() < last + m {
        return;
    }
    let part = |j: usize| {
        let o = if j + 1 == F { last } else { j * step };
        src.get(o..o + m).unwrap_or(&[])
    };
    let parts: [&[f64]; F] = core::array::from_fn(part);
    if parts.iter().any(|q| q.len() != m) {
        return;
    }
    for (i, d) in dst.iter_mut().enumerate() {
        let mut v = parts[0][i];
        for q in &parts[1..] {
            v = pick::<MAX>(v, q[i]);
        }
        *d = v + 0.0;
    }
}

/// [`fan`] with a run-time fan-in `f` in `1..=8`.
#[inline(always)]
fn fan_n<const MAX: bool>(f: usize, src: &[f64], step: usize, last: usize, dst: &mut [f64]) {
    match f {
        1 => fan::<1, MAX>(src, step, last, dst),
        2 => fan::<2, MAX>(src, step, last, dst),
        3 => fan::<3, MAX>(src, step, last, dst),
        4 => fan::<4, MAX>(src, step, last, dst),
        5 => fan::<5, MAX>(src, step, last, dst),
        6 => fan::<6, MAX>(src, step, last, dst),
        7 => fan::<7, MAX>(src, step, last, dst),
        _ => fan::<8, MAX>(src, step, last, dst),
    }
}

/// Window extremes for short windows: `out[t]` = extreme (`MAX`: maximum) of `x[t..t + p]`,
/// for `x.len() == out.len() + p − 1`, `p ≤ SMALL_P`, `out.len() ≤ PIECE`; zero results are
/// `+0.0`.
///
/// By levels: level `k` holds the extremes of `k` consecutive values; level `4k` is the
/// extreme of four level-`k` values `k` apart; once `p ≤ 8k`, each window is covered by at
/// most eight level-`k` runs (the last one overlapping). That is one to three contiguous,
/// branch-free, vectorised passes over cached data for `p ≤ 128`, cheaper than the sequential
/// block kernel. Exact: every step selects one of the inputs.
#[inline(always)]
pub(crate) fn small_extremes<const MAX: bool>(
    x: &[f64],
    p: usize,
    out: &mut [f64],
    s1: &mut Scratch,
    s2: &mut Scratch,
) {
    let m = out.len();
    if m == 0 || p == 0 || p > SMALL_P || m > PIECE || x.len() != m + p - 1 {
        return;
    }
    let mut k = 1;
    let mut len = x.len();
    let mut src: &[f64] = x;
    let (mut cur, mut nxt) = (s1, s2);
    while p > 8 * k {
        len -= 3 * k;
        fan::<4, MAX>(src, k, 3 * k, &mut cur[..len]);
        core::mem::swap(&mut cur, &mut nxt);
        src = &nxt[..len];
        k *= 4;
    }
    fan_n::<MAX>(p.div_ceil(k), src, k, p - k, out);
}

/// Stack scratch of the piecewise extreme kernels.
pub(crate) struct Scratches {
    s1: Scratch,
    s2: Scratch,
    buf: Scratch,
}

impl Scratches {
    /// Fresh scratch.
    #[inline(always)]
    pub(crate) const fn new() -> Self {
        Scratches {
            s1: SCRATCH,
            s2: SCRATCH,
            buf: SCRATCH,
        }
    }
}

/// The rolling extremes of `p ≤ SMALL_P` values ending at bars `o..b` (`b − o ≤ PIECE`, all of
/// `x[o + 1 − p..b]` finite) into `out` (`b − o` values).
#[inline(always)]
pub(crate) fn piece_extremes<S: Series, const MAX: bool>(
    x: &S,
    p: usize,
    o: usize,
    b: usize,
    out: &mut [f64],
    sc: &mut Scratches,
) {
    let xs = values(x, o + 1 - p, b, &mut sc.buf);
    small_extremes::<MAX>(xs, p, out, &mut sc.s1, &mut sc.s2);
}

/// Window extremes of a gap-free slice: `out[t]` = extreme (`MAX`: maximum) of
/// `x[t..t + p]`, for `x.len() == out.len() + p − 1`; zero results are `+0.0`.
///
/// Van Herk / Gil–Werman: with `x` cut into blocks of `p` values from `x[0]`, the window at `t`
/// is a suffix of `t`'s block plus a prefix of the next one. Per block, one backward pass
/// writes the suffix extremes into `out` and one forward pass folds in the next block's prefix
/// extremes: two comparisons and one store per value, no branches, whatever `p`.
#[inline(always)]
pub(crate) fn window_extremes<const MAX: bool>(x: &[f64], p: usize, out: &mut [f64]) {
    let m = out.len();
    if m == 0 || p == 0 || x.len() != m + p - 1 {
        return;
    }
    let seed = if MAX {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let mut k = 0;
    while k < m {
        // Block `[k, k + p)` lies within `x` (`k + p ≤ m − 1 + p = x.len()`); its windows that
        // have an output are `t < k + lim`.
        let lim = (m - k).min(p);
        let (Some(blk), Some(nxt)) = (x.get(k..k + p), x.get(k + p..k + p + lim - 1)) else {
            return;
        };
        let mut h = seed;
        for &v in blk[lim..].iter().rev() {
            h = pick::<MAX>(h, v);
        }
        let Some(head) = out.get_mut(k..k + lim) else {
            return;
        };
        for (o, &v) in head.iter_mut().zip(&blk[..lim]).rev() {
            h = pick::<MAX>(h, v);
            *o = h + 0.0;
        }
        // Windows starting at `t = k + 1 + j` end at `k + p + j`, in the next block.
        let mut g = seed;
        for (o, &v) in head[1..].iter_mut().zip(nxt) {
            g = pick::<MAX>(g, v);
            *o = pick::<MAX>(*o, g) + 0.0;
        }
        k += p;
    }
}

avx2_dispatch!(
    /// [`rolling_extreme`] for windows up to [`SMALL_P`]: [`piece_extremes`] piece by piece.
    fn rolling_run[S: Series, const MAX: bool](
        x: S,
        p: usize,
        start: usize,
        end: usize,
        out: &mut [f64],
    ) -> () = rolling_run_in[S, MAX]
);

#[inline(always)]
fn rolling_run_in<S: Series, const MAX: bool>(
    x: S,
    p: usize,
    start: usize,
    end: usize,
    out: &mut [f64],
) {
    let end = end.min(out.len()).min(x.len());
    let o = (start + p - 1).min(end);
    out[start.min(o)..o].fill(NAN);
    let mut sc = Scratches::new();
    let mut a = o;
    while a < end {
        let b = (a + PIECE).min(end);
        prefetch(x, b, b + PIECE);
        piece_extremes::<S, MAX>(&x, p, a, b, &mut out[a..b], &mut sc);
        a = b;
    }
}

avx2_dispatch!(
    /// Rolling extreme over the gap-free runs of `x`, piece by piece: each piece is scanned
    /// for gaps and then run through [`small_extremes`] while it is in cache.
    fn rolling_small[S: Series, const MAX: bool](x: S, p: usize, out: &mut [f64]) -> ()
        = rolling_small_in[S, MAX]
);

#[inline(always)]
fn rolling_small_in<S: Series, const MAX: bool>(x: S, p: usize, out: &mut [f64]) {
    let n = x.len().min(out.len());
    let mut sc = Scratches::new();
    let (mut s, mut a) = (0, 0);
    while a < n {
        let gap = gap_in(x, a, (a + PIECE).min(n));
        let b = gap.unwrap_or((a + PIECE).min(n));
        prefetch(x, b, b + PIECE);
        let o = (s + p - 1).clamp(a, b);
        out[a..o].fill(NAN);
        if o < b {
            piece_extremes::<S, MAX>(&x, p, o, b, &mut out[o..b], &mut sc);
        }
        if gap.is_some() {
            out[b] = NAN;
            s = b + 1;
        }
        a = b + usize::from(gap.is_some());
    }
}

/// Rolling extreme over the gap-free runs of a slice with a long window: the block kernel over
/// each run.
fn rolling_long<const MAX: bool>(x: &[f64], p: usize, out: &mut [f64]) {
    let n = x.len().min(out.len());
    let mut s = 0;
    while s < n {
        let e = first_bad(&x[s..n]).map_or(n, |q| s + q);
        let o = (s + p - 1).min(e);
        out[s..o].fill(NAN);
        if o < e {
            window_extremes::<MAX>(&x[s..e], p, &mut out[o..e]);
        }
        if e < n {
            out[e] = NAN;
        }
        s = e + 1;
    }
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
    if p <= SMALL_P {
        rolling_run::<S, MAX>(x, p, start, end, out);
        return;
    }
    if let Some(xs) = x.as_slice().and_then(|xs| xs.get(start..end)) {
        let warm = (p - 1).min(len);
        seg[..warm].fill(NAN);
        if warm < len {
            window_extremes::<MAX>(xs, p, &mut seg[warm..]);
        }
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
    if p <= SMALL_P {
        rolling_small::<S, MAX>(x, p, out);
        return;
    }
    if let Some(xs) = x.as_slice() {
        rolling_long::<MAX>(xs, p, out);
        return;
    }
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
        if p <= SMALL_P {
            donchian_pieces(high, low, p, upper, middle, lower);
            return Ok(());
        }
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

avx2_dispatch!(
    /// Donchian channel for windows up to [`SMALL_P`], piece by piece.
    fn donchian_pieces[H: Series, L: Series](
        high: H,
        low: L,
        p: usize,
        upper: &mut [f64],
        middle: &mut [f64],
        lower: &mut [f64],
    ) -> () = donchian_pieces_in[H, L]
);

#[inline(always)]
fn donchian_pieces_in<H: Series, L: Series>(
    high: H,
    low: L,
    p: usize,
    upper: &mut [f64],
    middle: &mut [f64],
    lower: &mut [f64],
) {
    let n = upper
        .len()
        .min(middle.len())
        .min(lower.len())
        .min(high.len());
    let mut sc = Scratches::new();
    let (mut s, mut a) = (0, 0);
    while a < n {
        let b0 = (a + PIECE).min(n);
        let gap = match (gap_in(high, a, b0), gap_in(low, a, b0)) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
        let b = gap.unwrap_or(b0);
        prefetch(high, b, b + PIECE);
        prefetch(low, b, b + PIECE);
        let o = (s + p - 1).clamp(a, b);
        upper[a..o].fill(NAN);
        middle[a..o].fill(NAN);
        lower[a..o].fill(NAN);
        if o < b {
            let (u, l) = (&mut upper[o..b], &mut lower[o..b]);
            piece_extremes::<H, true>(&high, p, o, b, u, &mut sc);
            piece_extremes::<L, false>(&low, p, o, b, l, &mut sc);
            for ((m, u), l) in middle[o..b].iter_mut().zip(u.iter()).zip(l.iter()) {
                *m = (u + l) / 2.0;
            }
        }
        if gap.is_some() {
            upper[b] = NAN;
            middle[b] = NAN;
            lower[b] = NAN;
            s = b + 1;
        }
        a = b + usize::from(gap.is_some());
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
