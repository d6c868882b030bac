//! Moving averages: SMA, EMA, WMA, DEMA, TEMA.

use super::fma::{Auto, MulAdd, with_fma};
use super::ring::Ring;
use super::util::{by_segments, fits, ok, period, pf, same_len};
use super::{Convention, DEFAULT_CAPACITY, IndicatorError, Series};

const NAN: f64 = f64::NAN;

// ---------------------------------------------------------------------------------------------
// SMA

/// Simple moving average of the last `period` values (TA-Lib `SMA`; period 1..=100000,
/// lookback `period - 1`).
///
/// The window sum is a running sum updated in TA-Lib's order (add the new value, divide,
/// subtract the value leaving), so results equal TA-Lib's bit for bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sma {
    pub(crate) period: usize,
}

impl Sma {
    /// An SMA over `period` values.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Sma {
            period: self::period("period", period, 1)?,
        })
    }

    /// The averaging period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of leading NaN outputs: `period - 1`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        self.period - 1
    }

    /// Writes the SMA of `input` into `out` (same length).
    pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
        same_len(input.len(), out.len())?;
        by_segments(out.len(), |start| {
            sma_segment(input, self.period, start, out)
        });
        Ok(())
    }

    /// A streaming state with room for windows of `N` values.
    pub fn stream<const N: usize>(&self) -> Result<SmaState<N>, IndicatorError> {
        SmaState::new(*self)
    }
}

/// SMA of a gap-free run starting at `start` (see `by_segments`).
#[inline]
pub(crate) fn sma_segment<S: Series>(
    x: S,
    p: usize,
    start: usize,
    out: &mut [f64],
) -> Option<usize> {
    let out = out.get_mut(start..)?;
    let warm = (p - 1).min(out.len());
    let (head, tail) = out.split_at_mut(warm);
    let mut lead = x.values_from(start);
    let mut sum = 0.0;
    for (k, (o, v)) in head.iter_mut().zip(lead.by_ref()).enumerate() {
        *o = NAN;
        if !ok(v) {
            return Some(start + k);
        }
        sum += v;
    }
    let div = pf(p);
    for (k, (o, (v, t))) in tail
        .iter_mut()
        .zip(lead.zip(x.values_from(start)))
        .enumerate()
    {
        if !ok(v) {
            *o = NAN;
            return Some(start + warm + k);
        }
        sum += v;
        *o = sum / div;
        sum -= t;
    }
    None
}

/// Streaming [`Sma`]: a `#[repr(C)]` `Copy` value holding the last `period` inputs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SmaState<const N: usize = DEFAULT_CAPACITY> {
    sum: f64,
    period: u64,
    count: u64,
    ring: Ring<N>,
}

impl<const N: usize> SmaState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: Sma) -> Result<Self, IndicatorError> {
        fits(params.period, N)?;
        Ok(SmaState {
            sum: 0.0,
            period: params.period as u64,
            count: 0,
            ring: Ring::new(params.period),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Sma {
        Sma {
            period: self.period as usize,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.sum = 0.0;
        self.count = 0;
        self.ring.clear();
    }

    /// Feeds the next value and returns the SMA ending at it (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        self.ring.push(x);
        if self.count + 1 < self.period {
            self.count += 1;
            self.sum += x;
            return NAN;
        }
        let s = self.sum + x;
        let out = s / self.period as f64;
        self.sum = s - self.ring.oldest();
        out
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> f64 {
        if !ok(x) || self.count + 1 < self.period {
            return NAN;
        }
        (self.sum + x) / self.period as f64
    }
}

// ---------------------------------------------------------------------------------------------
// EMA core (shared with DEMA, TEMA, MACD)

/// One exponential average: TA-Lib form (seeded with the SMA of the first `period` values, then
/// `prev + (x - prev) * k`) or pandas form (`ewm(adjust=False)`, seeded with the first value).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct EmaCore {
    /// TA-Lib: `k`. Pandas: `alpha`.
    pub(crate) k: f64,
    /// Pandas: `1 - alpha`.
    pub(crate) keep: f64,
    /// Pandas: `(1 - alpha) + alpha`, the normaliser pandas divides by (1.0 in practice).
    pub(crate) norm: f64,
    sum: f64,
    /// The current average.
    pub(crate) prev: f64,
    pub(crate) period: u64,
    pub(crate) count: u64,
    pub(crate) pandas: u64,
}

impl EmaCore {
    /// TA-Lib EMA with `k = 2 / (period + 1)`.
    pub(crate) fn talib(period: usize) -> Self {
        Self::talib_k(period, 2.0 / (pf(period) + 1.0))
    }

    /// TA-Lib Wilder-free EMA with an explicit `k`.
    pub(crate) fn talib_k(period: usize, k: f64) -> Self {
        EmaCore {
            k,
            keep: 0.0,
            norm: 1.0,
            sum: 0.0,
            prev: 0.0,
            period: period as u64,
            count: 0,
            pandas: 0,
        }
    }

    /// pandas `ewm(alpha=1/(1+com), adjust=False)`.
    pub(crate) fn pandas_com(com: f64) -> Self {
        let alpha = 1.0 / (1.0 + com);
        let keep = 1.0 - alpha;
        EmaCore {
            k: alpha,
            keep,
            norm: keep + alpha,
            sum: 0.0,
            prev: 0.0,
            period: 1,
            count: 0,
            pandas: 1,
        }
    }

    /// pandas `ewm(span=p, adjust=False)`: `com = (p - 1) / 2`.
    pub(crate) fn pandas_span(span: usize) -> Self {
        Self::pandas_com((pf(span) - 1.0) / 2.0)
    }

    /// The core for `conv` and `period`: TA-Lib EMA or pandas span EMA.
    pub(crate) fn for_convention(conv: Convention, period: usize) -> Self {
        match conv {
            Convention::TaLib => Self::talib(period),
            Convention::Pandas => Self::pandas_span(period),
        }
    }

    /// Number of leading NaN outputs.
    pub(crate) fn lookback(&self) -> usize {
        self.period as usize - 1
    }

    /// The period (1 in pandas form).
    pub(crate) fn period_len(&self) -> u64 {
        self.period
    }

    pub(crate) fn reset(&mut self) {
        self.sum = 0.0;
        self.prev = 0.0;
        self.count = 0;
    }

    /// True once the average is defined (the last `step` returned a value).
    #[inline(always)]
    pub(crate) fn ready(&self) -> bool {
        self.count >= self.period
    }

    /// The next average for input `x` (finite), NaN during warm-up.
    #[inline(always)]
    pub(crate) fn step<M: MulAdd>(&mut self, m: M, x: f64) -> f64 {
        if self.count >= self.period {
            self.prev = if self.pandas != 0 {
                pandas_step(self.prev, x, self.k, self.keep, self.norm)
            } else {
                talib_step(m, self.prev, x, self.k)
            };
            return self.prev;
        }
        self.count += 1;
        if self.pandas != 0 {
            self.prev = x;
            return x;
        }
        self.sum += x;
        if self.count == self.period {
            self.prev = self.sum / self.period as f64;
            self.prev
        } else {
            NAN
        }
    }

    /// What [`step`](Self::step) would return, without changing the state.
    #[inline]
    pub(crate) fn peek(&self, x: f64) -> f64 {
        let mut c = *self;
        c.step(Auto, x)
    }
}

/// TA-Lib's EMA update, `fma(x − prev, k, prev)`.
#[inline(always)]
pub(crate) fn talib_step<M: MulAdd>(m: M, prev: f64, x: f64, k: f64) -> f64 {
    m.mul_add(x - prev, k, prev)
}

/// pandas' `adjust=False` update: `((1-a) w + a x) / ((1-a) + a)`, skipped when `w == x`.
#[inline(always)]
pub(crate) fn pandas_step(w: f64, x: f64, a: f64, keep: f64, norm: f64) -> f64 {
    if w == x {
        w
    } else if norm == 1.0 {
        keep * w + a * x
    } else {
        (keep * w + a * x) / norm
    }
}

/// Runs `core` over a gap-free run of `x` from `start`, writing `out[start..]`.
#[inline(always)]
fn core_segment<M: MulAdd, S: Series>(
    m: M,
    x: S,
    mut core: EmaCore,
    start: usize,
    out: &mut [f64],
) -> Option<usize> {
    let out = out.get_mut(start..)?;
    let mut it = x.values_from(start);
    // Warm-up through the seed.
    let warm = (core.lookback() + 1).min(out.len());
    let (head, tail) = out.split_at_mut(warm);
    for (k, (o, v)) in head.iter_mut().zip(it.by_ref()).enumerate() {
        if !ok(v) {
            *o = NAN;
            return Some(start + k);
        }
        *o = core.step(m, v);
    }
    let mut prev = core.prev;
    if core.pandas != 0 {
        let (a, keep, norm) = (core.k, core.keep, core.norm);
        for (k, (o, v)) in tail.iter_mut().zip(it).enumerate() {
            if !ok(v) {
                *o = NAN;
                return Some(start + warm + k);
            }
            prev = pandas_step(prev, v, a, keep, norm);
            *o = prev;
        }
    } else {
        let kk = core.k;
        for (k, (o, v)) in tail.iter_mut().zip(it).enumerate() {
            if !ok(v) {
                *o = NAN;
                return Some(start + warm + k);
            }
            prev = talib_step(m, prev, v, kk);
            *o = prev;
        }
    }
    None
}

/// The input itself with gaps as NaN (TA-Lib's period-1 moving averages).
fn copy_finite<S: Series>(input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
    same_len(input.len(), out.len())?;
    for (o, v) in out.iter_mut().zip(input.values_from(0)) {
        *o = if ok(v) { v } else { NAN };
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// EMA

/// Exponential moving average (TA-Lib `EMA`: `k = 2/(period+1)`, seeded with the SMA of the
/// first `period` values, lookback `period - 1`; or pandas `ewm(span=period, adjust=False)`,
/// lookback 0). Period 1..=100000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ema {
    period: usize,
    convention: Convention,
}

impl Ema {
    /// A TA-Lib EMA over `period` values.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Ema {
            period: self::period("period", period, 1)?,
            convention: Convention::TaLib,
        })
    }

    /// The same EMA following `convention`.
    #[must_use]
    pub const fn with_convention(mut self, convention: Convention) -> Self {
        self.convention = convention;
        self
    }

    /// The period (pandas: the span).
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// The convention.
    #[must_use]
    pub const fn convention(&self) -> Convention {
        self.convention
    }

    /// Number of leading NaN outputs: `period - 1` (TA-Lib) or 0 (pandas).
    #[must_use]
    pub const fn lookback(&self) -> usize {
        match self.convention {
            Convention::TaLib => self.period - 1,
            Convention::Pandas => 0,
        }
    }

    pub(crate) fn core(&self) -> EmaCore {
        EmaCore::for_convention(self.convention, self.period)
    }

    /// Writes the EMA of `input` into `out` (same length).
    pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
        same_len(input.len(), out.len())?;
        if self.identity() {
            return copy_finite(input, out);
        }
        let core = self.core();
        by_segments(out.len(), |start| {
            with_fma!(core_segment(input, core, start, out))
        });
        Ok(())
    }

    /// TA-Lib returns the input itself for period 1.
    const fn identity(&self) -> bool {
        self.period == 1 && matches!(self.convention, Convention::TaLib)
    }

    /// A streaming state (an EMA needs no window, so there is no capacity to choose).
    #[must_use]
    pub fn stream(&self) -> EmaState {
        EmaState {
            core: self.core(),
            period: self.period as u64,
            convention: self.convention as u32,
            identity: u32::from(self.identity()),
        }
    }
}

/// Streaming [`Ema`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EmaState {
    pub(crate) core: EmaCore,
    period: u64,
    pub(crate) convention: u32,
    pub(crate) identity: u32,
}

impl EmaState {
    /// A fresh state.
    #[must_use]
    pub fn new(params: Ema) -> Self {
        params.stream()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Ema {
        Ema {
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
        self.core.reset();
    }

    /// Feeds the next value and returns the EMA (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        if self.identity != 0 {
            return x;
        }
        self.core.step(Auto, x)
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> f64 {
        if !ok(x) {
            return NAN;
        }
        if self.identity != 0 {
            return x;
        }
        self.core.peek(x)
    }
}

// ---------------------------------------------------------------------------------------------
// WMA

/// Linearly weighted moving average, weights `1..=period` from oldest to newest (TA-Lib `WMA`;
/// period 1..=100000, lookback `period - 1`). Kept as TA-Lib keeps it: a running weighted sum
/// and a running plain sum, both recomputed from the window every `8·period` outputs, so results
/// match TA-Lib bit for bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wma {
    period: usize,
}

impl Wma {
    /// A WMA over `period` values.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Wma {
            period: self::period("period", period, 1)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of leading NaN outputs: `period - 1`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        self.period - 1
    }

    /// Writes the WMA of `input` into `out` (same length).
    pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
        same_len(input.len(), out.len())?;
        let p = self.period;
        if p == 1 {
            return copy_finite(input, out);
        }
        by_segments(out.len(), |start| wma_segment(input, p, start, out));
        Ok(())
    }

    /// A streaming state with room for windows of `N` values.
    pub fn stream<const N: usize>(&self) -> Result<WmaState<N>, IndicatorError> {
        WmaState::new(*self)
    }
}

/// The WMA divisor `p (p + 1) / 2` (exact in `f64`, and free of integer overflow on 32-bit
/// targets).
fn wma_divider(p: usize) -> f64 {
    pf(p) * pf(p + 1) * 0.5
}

/// The two sums of a full window, from scratch: `(plain, weighted)`.
#[inline]
fn wma_sums(window: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut sum, mut wsum) = (0.0, 0.0);
    for (w, v) in window.enumerate() {
        sum += v;
        wsum += v * pf(w + 1);
    }
    (sum, wsum)
}

fn wma_segment<S: Series>(x: S, p: usize, start: usize, out: &mut [f64]) -> Option<usize> {
    let out = out.get_mut(start..)?;
    let warm = (p - 1).min(out.len());
    let (head, tail) = out.split_at_mut(warm);
    let mut lead = x.values_from(start);
    let (mut wsum, mut sum) = (0.0, 0.0);
    for (k, (o, v)) in head.iter_mut().zip(lead.by_ref()).enumerate() {
        *o = NAN;
        if !ok(v) {
            return Some(start + k);
        }
        sum += v;
        wsum += v * pf(k + 1);
    }
    let (div, w) = (wma_divider(p), pf(p));
    let every = WMA_REFRESH * p;
    let mut since = 0;
    // `trailing` is the value that left the window at the previous step (0 before the first).
    let mut trailing = 0.0;
    for (k, (o, (v, t))) in tail
        .iter_mut()
        .zip(lead.zip(x.values_from(start)))
        .enumerate()
    {
        if !ok(v) {
            *o = NAN;
            return Some(start + warm + k);
        }
        since += 1;
        let full = if since == every {
            since = 0;
            let from = start + k;
            let (s, ws) = wma_sums(x.values_from(from).take(p));
            sum = s;
            ws
        } else {
            sum = sum + v - trailing;
            v * w + wsum
        };
        trailing = t;
        *o = full / div;
        wsum = full - sum;
    }
    None
}

/// TA-Lib recomputes the WMA sums from the window every `8 × period` outputs.
const WMA_REFRESH: usize = 8;

/// Streaming [`Wma`]: a `#[repr(C)]` `Copy` value holding the last `period` inputs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WmaState<const N: usize = DEFAULT_CAPACITY> {
    wsum: f64,
    sum: f64,
    trailing: f64,
    period: u64,
    count: u64,
    since: u64,
    ring: Ring<N>,
}

impl<const N: usize> WmaState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: Wma) -> Result<Self, IndicatorError> {
        fits(params.period, N)?;
        Ok(WmaState {
            wsum: 0.0,
            sum: 0.0,
            trailing: 0.0,
            period: params.period as u64,
            count: 0,
            since: 0,
            ring: Ring::new(params.period),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Wma {
        Wma {
            period: self.period as usize,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.wsum = 0.0;
        self.sum = 0.0;
        self.trailing = 0.0;
        self.count = 0;
        self.since = 0;
        self.ring.clear();
    }

    /// Feeds the next value and returns the WMA (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        if self.period == 1 {
            return x;
        }
        self.ring.push(x);
        let p = self.period as usize;
        if self.count + 1 < self.period {
            self.count += 1;
            self.sum += x;
            self.wsum += x * pf(self.count as usize);
            return NAN;
        }
        self.since += 1;
        let full = if self.since == (WMA_REFRESH * p) as u64 {
            self.since = 0;
            let (s, ws) = wma_sums(self.ring.chrono());
            self.sum = s;
            ws
        } else {
            self.sum = self.sum + x - self.trailing;
            x * pf(p) + self.wsum
        };
        self.trailing = self.ring.oldest();
        self.wsum = full - self.sum;
        full / wma_divider(p)
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> f64 {
        if !ok(x) || self.count + 1 < self.period {
            return NAN;
        }
        if self.period == 1 {
            return x;
        }
        let mut c = *self;
        c.update(x)
    }
}

// ---------------------------------------------------------------------------------------------
// DEMA / TEMA

/// Double EMA `2·e1 − e2`, where `e2` is the EMA of `e1` (TA-Lib `DEMA`; period 1..=100000,
/// lookback `2·(period − 1)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dema {
    period: usize,
}

/// Triple EMA `3·e1 − 3·e2 + e3` (TA-Lib `TEMA`; period 1..=100000, lookback
/// `3·(period − 1)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tema {
    period: usize,
}

/// A chain of EMAs combined into one output (DEMA, TEMA).
trait Chain: Copy {
    /// One step, warm-up included.
    fn step<M: MulAdd>(&mut self, m: M, x: f64) -> f64;
    /// Number of steps before every EMA of the chain is seeded.
    fn warm(&self) -> usize;
    /// Runs the seeded chain over `x` into `out` (equal lengths); the index of the first gap.
    fn run<M: MulAdd>(
        &mut self,
        m: M,
        x: impl Iterator<Item = f64>,
        out: &mut [f64],
    ) -> Option<usize>;
}

impl Chain for DemaState {
    fn warm(&self) -> usize {
        2 * self.e1.lookback() + 1
    }

    #[inline(always)]
    fn run<M: MulAdd>(
        &mut self,
        m: M,
        x: impl Iterator<Item = f64>,
        out: &mut [f64],
    ) -> Option<usize> {
        let (k, mut a, mut b) = (self.e1.k, self.e1.prev, self.e2.prev);
        for (i, (o, v)) in out.iter_mut().zip(x).enumerate() {
            if !ok(v) {
                *o = NAN;
                return Some(i);
            }
            a = talib_step(m, a, v, k);
            b = talib_step(m, b, a, k);
            *o = 2.0 * a - b;
        }
        None
    }

    #[inline(always)]
    fn step<M: MulAdd>(&mut self, m: M, x: f64) -> f64 {
        if self.e1.period == 1 {
            return x;
        }
        let a = self.e1.step(m, x);
        if !self.e1.ready() {
            return NAN;
        }
        let b = self.e2.step(m, a);
        if !self.e2.ready() {
            return NAN;
        }
        2.0 * a - b
    }
}

impl Chain for TemaState {
    fn warm(&self) -> usize {
        3 * self.e1.lookback() + 1
    }

    #[inline(always)]
    fn run<M: MulAdd>(
        &mut self,
        m: M,
        x: impl Iterator<Item = f64>,
        out: &mut [f64],
    ) -> Option<usize> {
        let k = self.e1.k;
        let (mut a, mut b, mut c) = (self.e1.prev, self.e2.prev, self.e3.prev);
        for (i, (o, v)) in out.iter_mut().zip(x).enumerate() {
            if !ok(v) {
                *o = NAN;
                return Some(i);
            }
            a = talib_step(m, a, v, k);
            b = talib_step(m, b, a, k);
            c = talib_step(m, c, b, k);
            *o = 3.0 * a - 3.0 * b + c;
        }
        None
    }

    #[inline(always)]
    fn step<M: MulAdd>(&mut self, m: M, x: f64) -> f64 {
        if self.e1.period == 1 {
            return x;
        }
        let a = self.e1.step(m, x);
        if !self.e1.ready() {
            return NAN;
        }
        let b = self.e2.step(m, a);
        if !self.e2.ready() {
            return NAN;
        }
        let c = self.e3.step(m, b);
        if !self.e3.ready() {
            return NAN;
        }
        3.0 * a - 3.0 * b + c
    }
}

/// Runs a fresh chain over a gap-free run of `x` from `start`.
#[inline(always)]
fn chain_segment<M: MulAdd, C: Chain, S: Series>(
    m: M,
    fresh: C,
    x: S,
    start: usize,
    out: &mut [f64],
) -> Option<usize> {
    let mut st = fresh;
    let out = out.get_mut(start..)?;
    let warm = st.warm().min(out.len());
    let (head, tail) = out.split_at_mut(warm);
    let mut it = x.values_from(start);
    for (k, (o, v)) in head.iter_mut().zip(it.by_ref()).enumerate() {
        if !ok(v) {
            *o = NAN;
            return Some(start + k);
        }
        *o = st.step(m, v);
    }
    st.run(m, it, tail).map(|g| start + warm + g)
}

/// Streaming [`Dema`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DemaState {
    e1: EmaCore,
    e2: EmaCore,
}

/// Streaming [`Tema`]: a `#[repr(C)]` `Copy` value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TemaState {
    e1: EmaCore,
    e2: EmaCore,
    e3: EmaCore,
}

impl Dema {
    /// A DEMA over `period` values.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Dema {
            period: self::period("period", period, 1)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of leading NaN outputs: `2·(period − 1)`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        2 * (self.period - 1)
    }

    /// Writes the DEMA of `input` into `out` (same length).
    pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
        same_len(input.len(), out.len())?;
        if self.period == 1 {
            return copy_finite(input, out);
        }
        let fresh = self.stream();
        by_segments(out.len(), |start| {
            with_fma!(chain_segment(fresh, input, start, out))
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> DemaState {
        DemaState {
            e1: EmaCore::talib(self.period),
            e2: EmaCore::talib(self.period),
        }
    }
}

impl DemaState {
    /// A fresh state.
    #[must_use]
    pub fn new(params: Dema) -> Self {
        params.stream()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Dema {
        Dema {
            period: self.e1.period as usize,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.e1.reset();
        self.e2.reset();
    }

    /// Feeds the next value and returns the DEMA (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        self.step(Auto, x)
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> f64 {
        let mut c = *self;
        c.update(x)
    }
}

impl Tema {
    /// A TEMA over `period` values.
    pub fn new(period: usize) -> Result<Self, IndicatorError> {
        Ok(Tema {
            period: self::period("period", period, 1)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of leading NaN outputs: `3·(period − 1)`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        3 * (self.period - 1)
    }

    /// Writes the TEMA of `input` into `out` (same length).
    pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
        same_len(input.len(), out.len())?;
        if self.period == 1 {
            return copy_finite(input, out);
        }
        let fresh = self.stream();
        by_segments(out.len(), |start| {
            with_fma!(chain_segment(fresh, input, start, out))
        });
        Ok(())
    }

    /// A streaming state.
    #[must_use]
    pub fn stream(&self) -> TemaState {
        TemaState {
            e1: EmaCore::talib(self.period),
            e2: EmaCore::talib(self.period),
            e3: EmaCore::talib(self.period),
        }
    }
}

impl TemaState {
    /// A fresh state.
    #[must_use]
    pub fn new(params: Tema) -> Self {
        params.stream()
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Tema {
        Tema {
            period: self.e1.period as usize,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.e1.reset();
        self.e2.reset();
        self.e3.reset();
    }

    /// Feeds the next value and returns the TEMA (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        self.step(Auto, x)
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> f64 {
        let mut c = *self;
        c.update(x)
    }
}
