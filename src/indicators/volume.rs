//! Volume indicators: on-balance volume, money flow index, daily VWAP.

use super::cci::typical;
use super::extremes::SMALL_P;
use super::ring::Ring;
use super::util::{
    avx2_dispatch, by_segments, fits, gap_in, ok2, ok4, period, prefetch, same_len, values,
};
use super::{DEFAULT_CAPACITY, IndicatorError, Series, Stamps};
use crate::Bar;

const NAN: f64 = f64::NAN;

// ---------------------------------------------------------------------------------------------
// OBV

/// On-balance volume (TA-Lib `OBV`, lookback 0): starts at the first bar's volume, then adds
/// the volume on an up-close, subtracts it on a down-close, keeps it on an unchanged close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Obv;

/// One OBV step: the volume added on an up-close, subtracted on a down-close (selects, not
/// branches: the direction of a close is unpredictable).
#[inline(always)]
fn obv_step(obv: f64, c: f64, prev: f64, v: f64) -> f64 {
    let (up, down) = (obv + v, obv - v);
    let r = if c > prev { up } else { obv };
    if c < prev { down } else { r }
}

impl Obv {
    /// Number of leading NaN outputs: 0.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        0
    }

    /// Writes the OBV of `close` and `volume` into `out` (all slices of the same length).
    pub fn compute<C: Series, V: Series>(
        &self,
        close: C,
        volume: V,
        out: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = close.len();
        same_len(n, volume.len())?;
        same_len(n, out.len())?;
        by_segments(n, |start| {
            let out = out.get_mut(start..)?;
            let mut bars = close.values_from(start).zip(volume.values_from(start));
            let (c0, v0) = bars.next()?;
            let (first, rest) = out.split_first_mut()?;
            if !ok2(c0, v0) {
                *first = NAN;
                return Some(start);
            }
            *first = v0;
            let (mut obv, mut prev) = (v0, c0);
            for (k, (o, (c, v))) in rest.iter_mut().zip(bars).enumerate() {
                if !ok2(c, v) {
                    *o = NAN;
                    return Some(start + 1 + k);
                }
                obv = obv_step(obv, c, prev, v);
                prev = c;
                *o = obv;
            }
            None
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> ObvState {
        ObvState {
            obv: 0.0,
            prev_close: 0.0,
            primed: 0,
        }
    }
}

/// Streaming [`Obv`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ObvState {
    obv: f64,
    prev_close: f64,
    primed: u64,
}

impl ObvState {
    /// A fresh state.
    #[must_use]
    pub fn new() -> Self {
        Obv.stream()
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.obv = 0.0;
        self.primed = 0;
    }

    /// Feeds the next bar's close and volume; returns the OBV (NaN at a gap).
    pub fn update(&mut self, close: f64, volume: f64) -> f64 {
        if !ok2(close, volume) {
            self.reset();
            return NAN;
        }
        self.obv = self.peek(close, volume);
        self.prev_close = close;
        self.primed = 1;
        self.obv
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, close: f64, volume: f64) -> f64 {
        if !ok2(close, volume) {
            return NAN;
        }
        if self.primed == 0 {
            volume
        } else {
            obv_step(self.obv, close, self.prev_close, volume)
        }
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> f64 {
        self.update(bar.close, bar.volume)
    }
}

impl Default for ObvState {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------------------------------------
// MFI

/// Money flow index (TA-Lib `MFI`; period 2..=100000, lookback `period`): raw money flow
/// `volume × typical price`, positive when the typical price rose, negative when it fell (a
/// change within `1e-14` of the prices counts as none); output
/// `100·positive/(positive + negative)` over the last `period` bars, 0 when there is no flow.
/// As in TA-Lib 0.6, both sums are reset to exactly 0 after `period` bars without flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mfi {
    period: usize,
}

/// The running part of an MFI: flow sums, the previous typical price, the run of flow-less bars.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct MfiCore {
    pos: f64,
    neg: f64,
    prev_tp: f64,
    zeros: u64,
}

impl MfiCore {
    const fn new(prev_tp: f64) -> Self {
        MfiCore {
            pos: 0.0,
            neg: 0.0,
            prev_tp,
            zeros: 0,
        }
    }

    /// The bar's (positive, negative) money flow and whether it has none.
    #[inline(always)]
    fn flow(&self, tp: f64, v: f64) -> (f64, f64, bool) {
        let d = tp - self.prev_tp;
        if (tp.abs() + self.prev_tp.abs()) * 1e-14 >= d.abs() {
            return (0.0, 0.0, true);
        }
        let f = v * tp;
        let (pf, nf) = if 0.0 > d { (0.0, f) } else { (f, 0.0) };
        (pf, nf, f == 0.0)
    }

    /// Adds a bar's flows; returns true when the sums were reset (no flow for `p` bars).
    #[inline(always)]
    fn add(&mut self, tp: f64, pf: f64, nf: f64, none: bool, p: u64) -> bool {
        self.prev_tp = tp;
        self.pos += pf;
        self.neg += nf;
        if !none {
            self.zeros = 0;
            return false;
        }
        self.zeros += 1;
        if self.zeros < p {
            return false;
        }
        (self.pos, self.neg, self.zeros) = (0.0, 0.0, p);
        true
    }

    /// TA-Lib 0.6's MFI from the two sums.
    #[inline(always)]
    fn value(&self) -> f64 {
        let total = self.pos + self.neg;
        let part = if 0.0 > self.pos {
            0.0
        } else if total < self.pos {
            total
        } else {
            self.pos
        };
        if 0.0 >= total {
            0.0
        } else {
            (part / total) * 100.0
        }
    }
}

impl Mfi {
    /// An MFI over `period` bars.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Mfi {
            period: self::period("period", period, 2)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of leading NaN outputs: `period`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        self.period
    }

    /// Writes the MFI into `out` (all slices of the same length).
    pub fn compute<H: Series, L: Series, C: Series, V: Series>(
        &self,
        high: H,
        low: L,
        close: C,
        volume: V,
        out: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = high.len();
        same_len(n, low.len())?;
        same_len(n, close.len())?;
        same_len(n, volume.len())?;
        same_len(n, out.len())?;
        let p = self.period;
        if p <= SMALL_P {
            mfi_pieces(high, low, close, volume, p, out);
            return Ok(());
        }
        let bars = |from: usize| {
            high.values_from(from)
                .zip(low.values_from(from))
                .zip(close.values_from(from))
                .zip(volume.values_from(from))
                .map(|(((h, l), c), v)| (h, l, c, v))
        };
        by_segments(n, |start| {
            let out = out.get_mut(start..)?;
            let mut lead = bars(start);
            let (h0, l0, c0, v0) = lead.next()?;
            let (first, rest) = out.split_first_mut()?;
            *first = NAN;
            if !ok4(h0, l0, c0, v0) {
                return Some(start);
            }
            let mut core = MfiCore::new(typical(h0, l0, c0));
            // The bar whose flow leaves the window, with its own core replaying the flows.
            let mut trail = bars(start);
            let mut trail_core =
                MfiCore::new(trail.next().map_or(NAN, |(h, l, c, _)| typical(h, l, c)));
            for (k, (o, (h, l, c, v))) in rest.iter_mut().zip(lead).enumerate() {
                if !ok4(h, l, c, v) {
                    *o = NAN;
                    return Some(start + 1 + k);
                }
                if k >= p {
                    let (th, tl, tc, tv) = trail.next().unwrap_or((NAN, NAN, NAN, NAN));
                    let ttp = typical(th, tl, tc);
                    let (op, on, _) = trail_core.flow(ttp, tv);
                    trail_core.prev_tp = ttp;
                    core.pos -= op;
                    core.neg -= on;
                }
                let tp = typical(h, l, c);
                let (fp, fne, none) = core.flow(tp, v);
                let reset = core.add(tp, fp, fne, none, p as u64);
                *o = if k + 1 < p {
                    NAN
                } else if reset {
                    0.0
                } else {
                    core.value()
                };
            }
            None
        });
        Ok(())
    }

    /// A streaming state with room for windows of `N` bars.
    pub fn stream<const N: usize>(&self) -> Result<MfiState<N>, IndicatorError> {
        MfiState::new(*self)
    }
}

/// Bars per piece of [`mfi_pieces`].
const MFI_PIECE: usize = 512;

/// A bar's money flow split by direction, as [`MfiCore::flow`] gives it (a bar without flow
/// has both parts zero).
#[inline(always)]
fn split_flow(tp: f64, prev: f64, v: f64) -> (f64, f64) {
    let d = tp - prev;
    let flat = (tp.abs() + prev.abs()) * 1e-14 >= d.abs();
    let f = v * tp;
    let down = 0.0 > d;
    let pf = if flat || down { 0.0 } else { f };
    let nf = if !flat && down { f } else { 0.0 };
    (pf, nf)
}

avx2_dispatch!(
    /// MFI for periods up to [`SMALL_P`], piece by piece: gap scan, typical prices and money
    /// flows in vectorised passes, then TA-Lib's running sums (the only sequential part).
    fn mfi_pieces[H: Series, L: Series, C: Series, V: Series](
        high: H,
        low: L,
        close: C,
        volume: V,
        p: usize,
        out: &mut [f64],
    ) -> () = mfi_pieces_in[H, L, C, V]
);

#[inline(always)]
fn mfi_pieces_in<H: Series, L: Series, C: Series, V: Series>(
    high: H,
    low: L,
    close: C,
    volume: V,
    p: usize,
    out: &mut [f64],
) {
    const M: usize = MFI_PIECE;
    let n = out.len().min(high.len());
    // Flows of the piece at `p..`, preceded by the last `p` flows of the previous piece.
    let mut pos_f = [0.0; M + SMALL_P];
    let mut neg_f = [0.0; M + SMALL_P];
    let mut tp = [0.0; M];
    let (mut bh, mut bl, mut bc, mut bv) = ([0.0; M], [0.0; M], [0.0; M], [0.0; M]);
    let mut core = MfiCore::new(0.0);
    let pu = p as u64;
    let (mut s, mut a) = (0, 0);
    while a < n {
        let b0 = (a + M).min(n);
        let gap = [
            gap_in(high, a, b0),
            gap_in(low, a, b0),
            gap_in(close, a, b0),
            gap_in(volume, a, b0),
        ]
        .into_iter()
        .flatten()
        .min();
        let b = gap.unwrap_or(b0);
        prefetch(high, b, b + M);
        prefetch(low, b, b + M);
        prefetch(close, b, b + M);
        prefetch(volume, b, b + M);
        let len = b - a;
        if len > 0 {
            let (hs, ls, cs) = (
                values(&high, a, b, &mut bh),
                values(&low, a, b, &mut bl),
                values(&close, a, b, &mut bc),
            );
            let vs = values(&volume, a, b, &mut bv);
            let tp = &mut tp[..len];
            for (((t, &h), &l), &c) in tp.iter_mut().zip(hs).zip(ls).zip(cs) {
                *t = typical(h, l, c);
            }
            let (pf, nf) = (&mut pos_f[p..p + len], &mut neg_f[p..p + len]);
            (pf[0], nf[0]) = split_flow(tp[0], core.prev_tp, vs[0]);
            let prev = tp.iter().zip(&tp[1..]);
            for (((q, r), (&t0, &t1)), &v) in pf[1..]
                .iter_mut()
                .zip(nf[1..].iter_mut())
                .zip(prev)
                .zip(&vs[1..])
            {
                (*q, *r) = split_flow(t1, t0, v);
            }
            let mut j0 = 0;
            if a == s {
                // The run's first bar only seeds the previous typical price.
                core = MfiCore::new(tp[0]);
                j0 = 1;
            }
            let last_tp = tp[len - 1];
            // The running sums (TA-Lib's order: the leaving flow out, the new flow in, the
            // reset after `p` flow-less bars), kept per bar in `out` and `bh` (a reset leaves
            // both sums 0, which the output below maps to 0, as TA-Lib's reset does).
            let (sp, sn) = (&mut out[a..b], &mut bh[..len]);
            for j in j0..len {
                let k = a + j - s - 1;
                if k >= p {
                    core.pos -= pos_f[j];
                    core.neg -= neg_f[j];
                }
                let (fp, fne) = (pos_f[p + j], neg_f[p + j]);
                core.pos += fp;
                core.neg += fne;
                let none = (fp == 0.0) & (fne == 0.0);
                core.zeros = if none { core.zeros + 1 } else { 0 };
                if core.zeros >= pu {
                    (core.pos, core.neg, core.zeros) = (0.0, 0.0, pu);
                }
                sp[j] = core.pos;
                sn[j] = core.neg;
            }
            core.prev_tp = last_tp;
            for (o, &neg) in sp.iter_mut().zip(sn.iter()) {
                let v = MfiCore {
                    pos: *o,
                    neg,
                    prev_tp: 0.0,
                    zeros: 0,
                };
                *o = v.value();
            }
            // Warm-up: the run's first `p` bars.
            let warm = (s + p).clamp(a, b);
            out[a..warm].fill(NAN);
            if len >= p {
                pos_f.copy_within(len..len + p, 0);
                neg_f.copy_within(len..len + p, 0);
            }
        }
        if gap.is_some() {
            out[b] = NAN;
            s = b + 1;
        }
        a = b + usize::from(gap.is_some());
    }
}

/// Streaming [`Mfi`]: a `#[repr(C)]` `Copy` value holding the last `period` money flows.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MfiState<const N: usize = DEFAULT_CAPACITY> {
    core: MfiCore,
    period: u64,
    count: u64,
    pos_ring: Ring<N>,
    neg_ring: Ring<N>,
}

impl<const N: usize> MfiState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: Mfi) -> Result<Self, IndicatorError> {
        fits(params.period, N)?;
        Ok(MfiState {
            core: MfiCore::new(0.0),
            period: params.period as u64,
            count: 0,
            pos_ring: Ring::new(params.period),
            neg_ring: Ring::new(params.period),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Mfi {
        Mfi {
            period: self.period as usize,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.core = MfiCore::new(0.0);
        self.count = 0;
        self.pos_ring.clear();
        self.neg_ring.clear();
    }

    /// Feeds the next bar; returns the MFI (NaN during warm-up or at a gap).
    pub fn update(&mut self, high: f64, low: f64, close: f64, volume: f64) -> f64 {
        if !ok4(high, low, close, volume) {
            self.reset();
            return NAN;
        }
        let tp = typical(high, low, close);
        if self.count == 0 {
            self.core = MfiCore::new(tp);
            self.count = 1;
            return NAN;
        }
        if self.count > self.period {
            // The window is full: the flow `period` bars back leaves.
            self.core.pos -= self.pos_ring.oldest();
            self.core.neg -= self.neg_ring.oldest();
        }
        let (fp, fne, none) = self.core.flow(tp, volume);
        self.pos_ring.push(fp);
        self.neg_ring.push(fne);
        let reset = self.core.add(tp, fp, fne, none, self.period);
        if self.count < self.period {
            self.count += 1;
            return NAN;
        }
        self.count = self.period + 1;
        if reset { 0.0 } else { self.core.value() }
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, high: f64, low: f64, close: f64, volume: f64) -> f64 {
        if !ok4(high, low, close, volume) || self.count < self.period {
            return NAN;
        }
        let mut core = self.core;
        if self.count > self.period {
            core.pos -= self.pos_ring.oldest();
            core.neg -= self.neg_ring.oldest();
        }
        let tp = typical(high, low, close);
        let (fp, fne, none) = core.flow(tp, volume);
        if core.add(tp, fp, fne, none, self.period) {
            0.0
        } else {
            core.value()
        }
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> f64 {
        self.update(bar.high, bar.low, bar.close, bar.volume)
    }
}

// ---------------------------------------------------------------------------------------------
// VWAP

/// Milliseconds per UTC day.
const DAY_MS: u64 = 86_400_000;

/// Volume-weighted average price reset at each UTC day (no TA-Lib equivalent; lookback 0):
/// `Σ tp·volume / Σ volume` over the bars since the start of the UTC day of `ts`
/// (`ts / 86 400 000`), with `tp = (high + low + close) / 3`. Both sums are Kahan-compensated
/// running sums in bar order, exactly like pandas' `groupby(day).cumsum()`.
/// NaN while the day's volume is 0 (0/0). A new day starts whenever the day number differs from
/// the previous bar's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Vwap;

impl Vwap {
    /// Number of leading NaN outputs: 0.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        0
    }

    /// Writes the daily VWAP into `out` (all slices of the same length).
    pub fn compute<T: Stamps, H: Series, L: Series, C: Series, V: Series>(
        &self,
        ts: T,
        high: H,
        low: L,
        close: C,
        volume: V,
        out: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = ts.len();
        same_len(n, high.len())?;
        same_len(n, low.len())?;
        same_len(n, close.len())?;
        same_len(n, volume.len())?;
        same_len(n, out.len())?;
        let mut st = self.stream();
        let bars = ts
            .values_from(0)
            .zip(high.values_from(0))
            .zip(low.values_from(0))
            .zip(close.values_from(0))
            .zip(volume.values_from(0));
        for (o, ((((t, h), l), c), v)) in out.iter_mut().zip(bars) {
            *o = st.update(t, h, l, c, v);
        }
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> VwapState {
        VwapState {
            pv: Kahan::default(),
            vol: Kahan::default(),
            day: u64::MAX,
            primed: 0,
        }
    }
}

/// Streaming [`Vwap`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct VwapState {
    pv: Kahan,
    vol: Kahan,
    day: u64,
    primed: u64,
}

/// A Kahan-compensated running sum (pandas' `cumsum` arithmetic).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct Kahan {
    sum: f64,
    comp: f64,
}

impl Kahan {
    #[inline(always)]
    fn add(self, x: f64) -> Kahan {
        let y = x - self.comp;
        let t = self.sum + y;
        Kahan {
            sum: t,
            comp: (t - self.sum) - y,
        }
    }
}

impl VwapState {
    /// A fresh state.
    #[must_use]
    pub fn new() -> Self {
        Vwap.stream()
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.primed = 0;
    }

    /// The sums after adding a bar, without storing them.
    #[inline(always)]
    fn next(&self, ts: u64, h: f64, l: f64, c: f64, v: f64) -> (Kahan, Kahan, u64) {
        let day = ts / DAY_MS;
        let pv = typical(h, l, c) * v;
        let (a, b) = if self.primed == 0 || day != self.day {
            (Kahan::default(), Kahan::default())
        } else {
            (self.pv, self.vol)
        };
        (a.add(pv), b.add(v), day)
    }

    /// Feeds the next bar (timestamp in epoch ms); returns the VWAP since the start of its UTC
    /// day (NaN at a gap or while the day's volume is 0).
    pub fn update(&mut self, ts: u64, high: f64, low: f64, close: f64, volume: f64) -> f64 {
        if !ok4(high, low, close, volume) {
            self.reset();
            return NAN;
        }
        (self.pv, self.vol, self.day) = self.next(ts, high, low, close, volume);
        self.primed = 1;
        self.pv.sum / self.vol.sum
    }

    /// The value [`update`](Self::update) would return, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, ts: u64, high: f64, low: f64, close: f64, volume: f64) -> f64 {
        if !ok4(high, low, close, volume) {
            return NAN;
        }
        let (pv, vol, _) = self.next(ts, high, low, close, volume);
        pv.sum / vol.sum
    }

    /// [`update`](Self::update) with a bar's fields.
    pub fn update_bar(&mut self, bar: &Bar) -> f64 {
        self.update(bar.ts, bar.high, bar.low, bar.close, bar.volume)
    }
}

impl Default for VwapState {
    fn default() -> Self {
        Self::new()
    }
}
