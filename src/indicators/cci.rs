//! Commodity channel index.

use super::extremes::SMALL_P;
use super::lanes::LANES;
use super::ring::Ring;
use super::util::{avx2_dispatch, fits, ok3, period, pf, same_len};
use super::{DEFAULT_CAPACITY, IndicatorError, Series};
use crate::Bar;

const NAN: f64 = f64::NAN;

/// Typical price `(high + low + close) / 3`.
#[inline(always)]
pub(crate) fn typical(h: f64, l: f64, c: f64) -> f64 {
    (h + l + c) / 3.0
}

/// Commodity channel index (TA-Lib `CCI`; period 2..=100000, lookback `period − 1`):
/// `(tp − mean(tp)) / (0.015 · mean|tp − mean(tp)|)` over the last `period` typical prices, 0
/// when the numerator or the deviation is negligible (within `1e-14·|mean|`).
///
/// The mean absolute deviation has no exact sliding form, so each output costs O(`period`)
/// (in batch and streaming alike). Sums run over the window in TA-Lib's ring order (the value of
/// bar `t` in slot `t mod period`), which keeps results bit-identical to TA-Lib.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cci {
    period: usize,
}

/// CCI of the current typical price `tp` given the window's values in slot order, as up to
/// three consecutive pieces (TA-Lib 0.6: 0 when `|tp − mean|` or the mean deviation is within
/// `1e-14·|mean|`, or when `0.015·deviation` is 0).
#[inline]
fn cci_of(tp: f64, parts: [&[f64]; 3], p: usize) -> f64 {
    let mut s = 0.0;
    for part in parts {
        for &v in part {
            s += v;
        }
    }
    let avg = s / pf(p);
    let mut dev = 0.0;
    for part in parts {
        for &v in part {
            dev += (v - avg).abs();
        }
    }
    finish(tp, avg, dev, p)
}

/// The CCI from the current typical price, the window's mean and its summed absolute
/// deviation (TA-Lib 0.6's tests and operation order).
#[inline(always)]
fn finish(tp: f64, avg: f64, dev: f64, p: usize) -> f64 {
    let r = tp - avg;
    let tiny = avg.abs() * 1e-14;
    let md = dev / pf(p);
    let md15 = md * 0.015;
    if tiny >= r.abs() || tiny >= md.abs() || md15 == 0.0 {
        0.0
    } else {
        r / md15
    }
}

/// Writes the CCI of bar `t ≥ p − 1` of a run over its typical price in `seg[t]`, from the
/// typical prices `seg[t + 1 − p..=t]`.
#[inline(always)]
fn cci_at(seg: &mut [f64], p: usize, t: usize) {
    let w = &seg[t + 1 - p..=t];
    // Bar `t + 1 − p` sits in slot `(t + 1) % p`; slot 0 is `(p − r) % p` later.
    let r = (t + 1) % p;
    let split = (p - r) % p;
    let (before, from0) = w.split_at(split);
    seg[t] = cci_of(w[p - 1], [from0, before, &[]], p);
}

/// Four `f64` lanes (plain arrays: the compiler turns the lane loops into vector operations).
type F4 = [f64; 4];

#[inline(always)]
fn lanes4(f: impl FnMut(usize) -> f64) -> F4 {
    core::array::from_fn(f)
}

avx2_dispatch!(
    /// The CCI of whole tiles of a run's typical prices `seg` (period `p ≤ SMALL_P`), written
    /// over them, last tile first. Tile `i` covers bars `T..T + 4p` with `T = p + 4p·i`: lane
    /// `L` takes the bars `T + L·p + u`, `u < p`, whose windows, in TA-Lib's slot order, are
    /// the block `T + L·p ..= T + L·p + u` followed by the block before it from slot `u + 1`
    /// on. So four windows are summed side by side with the same per-lane arithmetic as
    /// [`cci_of`], and the independent tiles keep the adders busy.
    fn cci_tiles[](seg: &mut [f64], p: usize, tiles: usize) -> () = cci_tiles_in[]
);

#[inline(always)]
fn cci_tiles_in(seg: &mut [f64], p: usize, tiles: usize) {
    if p > SMALL_P || seg.len() < p + tiles * LANES * p {
        return;
    }
    let pf = pf(p);
    // Row `j` holds the typical prices of bars `T − p + j + L·p` for the four lanes `L`.
    let mut rows = [[0.0; 4]; 2 * SMALL_P];
    let rows = &mut rows[..2 * p];
    for i in (0..tiles).rev() {
        let t0 = p + i * LANES * p;
        for (j, row) in rows.iter_mut().enumerate() {
            *row = lanes4(|l| seg[t0 - p + j + l * p]);
        }
        let (prev, cur) = rows.split_at(p);
        // Four bars `u + q` at a time: sixteen independent sums (four vectors).
        let mut u = 0;
        while u + 4 <= p {
            let mut sum = [[0.0; 4]; 4];
            for (k, (c, v)) in cur.iter().zip(prev).enumerate() {
                for (q, acc) in sum.iter_mut().enumerate() {
                    let x = if k <= u + q { c } else { v };
                    *acc = lanes4(|l| acc[l] + x[l]);
                }
            }
            let avg = sum.map(|s| lanes4(|l| s[l] / pf));
            let mut dev = [[0.0; 4]; 4];
            for (k, (c, v)) in cur.iter().zip(prev).enumerate() {
                for (q, acc) in dev.iter_mut().enumerate() {
                    let x = if k <= u + q { c } else { v };
                    *acc = lanes4(|l| acc[l] + (x[l] - avg[q][l]).abs());
                }
            }
            for q in 0..4 {
                let tp = cur[u + q];
                let out = lanes4(|l| finish(tp[l], avg[q][l], dev[q][l], p));
                for (l, o) in out.into_iter().enumerate() {
                    seg[t0 + l * p + u + q] = o;
                }
            }
            u += 4;
        }
        for u in u..p {
            let mut sum = [0.0; 4];
            for v in cur[..=u].iter().chain(&prev[u + 1..]) {
                sum = lanes4(|l| sum[l] + v[l]);
            }
            let avg = lanes4(|l| sum[l] / pf);
            let mut dev = [0.0; 4];
            for v in cur[..=u].iter().chain(&prev[u + 1..]) {
                dev = lanes4(|l| dev[l] + (v[l] - avg[l]).abs());
            }
            let tp = cur[u];
            let out = lanes4(|l| finish(tp[l], avg[l], dev[l], p));
            for (l, o) in out.into_iter().enumerate() {
                seg[t0 + l * p + u] = o;
            }
        }
    }
}

impl Cci {
    /// A CCI over `period` bars.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Cci {
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

    /// Writes the CCI into `out` (all slices of the same length).
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
        let mut start = 0;
        while start < n {
            // Pass 1: typical prices into `out` up to the next gap.
            let bars = high
                .values_from(start)
                .zip(low.values_from(start))
                .zip(close.values_from(start));
            let mut end = n;
            for (i, (o, ((h, l), c))) in (start..).zip(out[start..].iter_mut().zip(bars)) {
                if !ok3(h, l, c) {
                    *o = NAN;
                    end = i;
                    break;
                }
                *o = typical(h, l, c);
            }
            // Pass 2, backward (each output only needs typical prices at or before it): the
            // bars after the last whole tile one by one, the tiles, then the first output.
            let seg = &mut out[start..end];
            let len = seg.len();
            let tiles = if p <= SMALL_P && len >= p {
                (len - p) / (LANES * p)
            } else {
                0
            };
            let first_untiled = if tiles > 0 {
                p + tiles * LANES * p
            } else {
                p - 1
            };
            for t in (first_untiled..len).rev() {
                cci_at(seg, p, t);
            }
            if tiles > 0 {
                cci_tiles(seg, p, tiles);
                cci_at(seg, p, p - 1);
            }
            for o in seg.iter_mut().take(p - 1) {
                *o = NAN;
            }
            start = end + 1;
        }
        Ok(())
    }

    /// A streaming state with room for windows of `N` bars.
    pub fn stream<const N: usize>(&self) -> Result<CciState<N>, IndicatorError> {
        CciState::new(*self)
    }
}

/// Streaming [`Cci`]: a `#[repr(C)]` `Copy` value holding the last `period` typical prices
/// (O(`period`) per update, see [`Cci`]).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CciState<const N: usize = DEFAULT_CAPACITY> {
    period: u64,
    count: u64,
    ring: Ring<N>,
}

impl<const N: usize> CciState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: Cci) -> Result<Self, IndicatorError> {
        fits(params.period, N)?;
        Ok(CciState {
            period: params.period as u64,
            count: 0,
            ring: Ring::new(params.period),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Cci {
        Cci {
            period: self.period as usize,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.count = 0;
        self.ring.clear();
    }

    /// Feeds the next bar's high, low and close; returns the CCI (NaN during warm-up or at a
    /// gap).
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        if !ok3(high, low, close) {
            self.reset();
            return NAN;
        }
        let tp = typical(high, low, close);
        self.ring.push(tp);
        if self.count + 1 < self.period {
            self.count += 1;
            return NAN;
        }
        cci_of(tp, [self.ring.slots(), &[], &[]], self.period as usize)
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64, close: f64) -> f64 {
        if !ok3(high, low, close) || self.count + 1 < self.period {
            return NAN;
        }
        let tp = typical(high, low, close);
        let slots = self.ring.slots();
        let head = self.ring.head().min(slots.len().saturating_sub(1));
        let (before, rest) = slots.split_at(head);
        let after = rest.get(1..).unwrap_or(&[]);
        cci_of(
            tp,
            [before, core::slice::from_ref(&tp), after],
            self.period as usize,
        )
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> f64 {
        self.update(bar.high, bar.low, bar.close)
    }
}
