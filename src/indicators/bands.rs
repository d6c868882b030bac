//! Rolling standard deviation and Bollinger Bands.

use super::fma::fma;
use super::ring::Ring;
use super::util::{finite_param, fits, ok, period, pf, same_len, sqrt};
use super::{DEFAULT_CAPACITY, IndicatorError, Series};

const NAN: f64 = f64::NAN;

/// Rolling population standard deviation times `nbdev` (TA-Lib `STDDEV`; period 2..=100000,
/// lookback `period − 1`).
///
/// Computed as TA-Lib (0.6 and later) does, bit for bit: running sums of the deviations from a
/// reference value (the window's first value, later its mean), `var = mean(d²) − mean(d)²`,
/// with the reference and the sums rebuilt from the window every `32·period` bars or as soon as
/// cancellation threatens (the variance below `1e-6` of the mean squared deviation, or the value
/// leaving the window dominating the sum); a rebuilt variance below `1e-12` of it is 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stddev {
    period: usize,
    nbdev: f64,
}

/// TA-Lib's rolling-variance kernel: sums `s1 = Σd`, `s2 = Σd²` of `d = x − k` over the window,
/// for a reference `k`. They are rebuilt from the window (with `k` = the window's mean) every
/// `32·period` steps, when the variance falls below `1e-6` of `mean(d²)`, or when the value
/// leaving the window dominates `s2`; a rebuilt variance below `1e-12·mean(d²)` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct Shifted {
    k: f64,
    s1: f64,
    s2: f64,
    /// Steps left before the periodic rebuild.
    left: u64,
}

/// Rebuild the variance sums every `REFRESH × period` steps.
const REFRESH: u64 = 32;

impl Shifted {
    /// Fresh sums whose reference is the window's first value.
    #[inline(always)]
    fn new(first: f64, p: usize) -> Self {
        Shifted {
            k: first,
            s1: 0.0,
            s2: 0.0,
            left: REFRESH * p as u64,
        }
    }

    /// Adds a warm-up value.
    #[inline(always)]
    fn add(&mut self, x: f64) {
        let d = x - self.k;
        self.s1 += d;
        self.s2 += d * d;
    }

    /// Adds `x` to a full window whose oldest value is `t` (it leaves afterwards) and returns
    /// the variance of the window; `window` yields the window's values in time order (for a
    /// rebuild).
    #[inline(always)]
    fn step<W: Iterator<Item = f64>>(
        &mut self,
        x: f64,
        t: f64,
        inv: f64,
        p: usize,
        window: impl Fn() -> W,
    ) -> f64 {
        let d = x - self.k;
        self.s1 += d;
        let m1 = inv * self.s1;
        self.s2 += d * d;
        let var = inv * self.s2 - m1 * m1;
        let td = t - self.k;
        let td2 = td * td;
        self.s2 -= td2;
        let rebuild = if (inv * self.s2) * 1e-6 > var || td2 > self.s2 * 1e6 {
            true
        } else {
            self.left -= 1;
            self.left == 0
        };
        if !rebuild {
            self.s1 -= td;
            return var;
        }
        let mut sum = 0.0;
        for v in window() {
            sum += v;
        }
        self.k = sum * inv;
        (self.s1, self.s2) = (0.0, 0.0);
        for v in window() {
            self.add(v);
        }
        let m1 = inv * self.s1;
        let m2 = inv * self.s2;
        let var = m2 - m1 * m1;
        let var = if var < m2 * 1e-12 { 0.0 } else { var };
        let td = t - self.k;
        self.s1 -= td;
        self.s2 -= td * td;
        self.left = REFRESH * p as u64;
        var
    }
}

/// Runs the variance kernel over a gap-free run of `x` from `start`, calling `emit(i, var, v,
/// t)` for each full window ending at `i` (`v` = x[i], `t` = its oldest value), after
/// `warm(i, v)` for each of the first `p − 1` values. Returns the index of the first gap.
#[inline(always)]
fn variance_run<S: Series>(
    x: S,
    p: usize,
    start: usize,
    mut warm: impl FnMut(usize, f64),
    mut emit: impl FnMut(usize, f64, f64, f64),
) -> Option<usize> {
    let mut lead = x.values_from(start);
    let first = x.at(start);
    let mut st = Shifted::new(first, p);
    for k in 0..p - 1 {
        let v = lead.next()?;
        if !ok(v) {
            return Some(start + k);
        }
        st.add(v);
        warm(start + k, v);
    }
    let inv = 1.0 / pf(p);
    for (k, (v, t)) in lead.zip(x.values_from(start)).enumerate() {
        let i = start + p - 1 + k;
        if !ok(v) {
            return Some(i);
        }
        let var = st.step(v, t, inv, p, || x.values_from(start + k).take(p));
        emit(i, var, v, t);
    }
    None
}

/// `nbdev` standard deviations from a variance (TA-Lib `STDDEV`).
#[inline(always)]
fn scaled(var: f64, nbdev: f64) -> f64 {
    sqrt(var) * nbdev
}

impl Stddev {
    /// A standard deviation over `period` values, multiplied by `nbdev` (finite).
    pub fn new(period: usize, nbdev: f64) -> Result<Self, IndicatorError> {
        Ok(Stddev {
            period: self::period("period", period, 2)?,
            nbdev: finite_param("nbdev", nbdev)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// The multiplier.
    #[must_use]
    pub const fn nbdev(&self) -> f64 {
        self.nbdev
    }

    /// Number of leading NaN outputs: `period − 1`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        self.period - 1
    }

    /// Writes the rolling deviation of `input` into `out` (same length).
    pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
        same_len(input.len(), out.len())?;
        let (p, nbdev) = (self.period, self.nbdev);
        let n = out.len();
        let mut start = 0;
        while start < n {
            let cell = core::cell::Cell::from_mut(&mut out[start..]).as_slice_of_cells();
            let gap = variance_run(
                input,
                p,
                start,
                |i, _| cell[i - start].set(NAN),
                |i, var, _, _| cell[i - start].set(scaled(var, nbdev)),
            );
            match gap {
                Some(g) => {
                    out[g] = NAN;
                    start = g + 1;
                }
                None => break,
            }
        }
        Ok(())
    }

    /// A streaming state with room for windows of `N` values.
    pub fn stream<const N: usize>(&self) -> Result<StddevState<N>, IndicatorError> {
        StddevState::new(*self)
    }
}

/// Window state shared by the STDDEV and BBANDS states.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct Moments<const N: usize> {
    /// Plain running sum (the BBANDS middle band).
    sum: f64,
    var: Shifted,
    period: u64,
    count: u64,
    ring: Ring<N>,
}

impl<const N: usize> Moments<N> {
    fn new(period: usize) -> Result<Self, IndicatorError> {
        fits(period, N)?;
        Ok(Moments {
            sum: 0.0,
            var: Shifted::new(0.0, period),
            period: period as u64,
            count: 0,
            ring: Ring::new(period),
        })
    }

    fn reset(&mut self) {
        self.sum = 0.0;
        self.count = 0;
        self.ring.clear();
    }

    /// Adds `x` (finite); `(mean, variance)` once the window is full.
    #[inline]
    fn push(&mut self, x: f64) -> Option<(f64, f64)> {
        let p = self.period as usize;
        if self.count == 0 {
            self.var = Shifted::new(x, p);
        }
        self.ring.push(x);
        self.sum += x;
        if self.count + 1 < self.period {
            self.count += 1;
            self.var.add(x);
            return None;
        }
        let t = self.ring.oldest();
        let mean = self.sum / pf(p);
        self.sum -= t;
        let var = self.var.step(x, t, 1.0 / pf(p), p, || self.ring.chrono());
        Some((mean, var))
    }

    #[inline]
    fn peek(&self, x: f64) -> Option<(f64, f64)> {
        let mut c = *self;
        c.push(x)
    }
}

/// Streaming [`Stddev`]: a `#[repr(C)]` `Copy` value holding the last `period` inputs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct StddevState<const N: usize = DEFAULT_CAPACITY> {
    nbdev: f64,
    m: Moments<N>,
}

impl<const N: usize> StddevState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: Stddev) -> Result<Self, IndicatorError> {
        Ok(StddevState {
            nbdev: params.nbdev,
            m: Moments::new(params.period)?,
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Stddev {
        Stddev {
            period: self.m.period as usize,
            nbdev: self.nbdev,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.m.reset();
    }

    /// Feeds the next value and returns the deviation (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        self.m
            .push(x)
            .map_or(NAN, |(_, var)| scaled(var, self.nbdev))
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> f64 {
        if !ok(x) {
            return NAN;
        }
        self.m
            .peek(x)
            .map_or(NAN, |(_, var)| scaled(var, self.nbdev))
    }
}

/// Bollinger Bands on a simple moving average (TA-Lib `BBANDS` with `matype = SMA`): middle =
/// SMA, upper/lower = middle ± `nbdev_up`/`nbdev_dn` × population standard deviation. Period
/// 2..=100000, lookback `period − 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bbands {
    period: usize,
    up: f64,
    dn: f64,
}

/// One Bollinger Bands output.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BandsValue {
    /// Upper band.
    pub upper: f64,
    /// Middle band (the moving average).
    pub middle: f64,
    /// Lower band.
    pub lower: f64,
}

const NAN3: BandsValue = BandsValue {
    upper: NAN,
    middle: NAN,
    lower: NAN,
};

/// TA-Lib's bands from the mean and variance: `sd = sqrt(var)` (0 for a zero variance); equal
/// multipliers give `mean ± nbdev·sd`, different ones `fma(up, sd, mean)` and
/// `mean − sd·dn`.
#[inline(always)]
fn bands(mean: f64, var: f64, up: f64, dn: f64) -> BandsValue {
    let sd = if var == 0.0 { 0.0 } else { sqrt(var) };
    let (upper, lower) = if up == dn {
        let t = sd * up;
        (mean + t, mean - t)
    } else {
        (fma(up, sd, mean), mean - sd * dn)
    };
    BandsValue {
        upper,
        middle: mean,
        lower,
    }
}

impl Bbands {
    /// Bands over `period` values, `nbdev_up` and `nbdev_dn` deviations away (finite; TA-Lib's
    /// defaults are 5, 2, 2; the pipeline uses 20, 2, 2).
    pub fn new(period: usize, nbdev_up: f64, nbdev_dn: f64) -> Result<Self, IndicatorError> {
        Ok(Bbands {
            period: self::period("period", period, 2)?,
            up: finite_param("nbdev_up", nbdev_up)?,
            dn: finite_param("nbdev_dn", nbdev_dn)?,
        })
    }

    /// The period.
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// `(nbdev_up, nbdev_dn)`.
    #[must_use]
    pub const fn nbdev(&self) -> (f64, f64) {
        (self.up, self.dn)
    }

    /// Number of leading NaN outputs: `period − 1`.
    #[must_use]
    pub const fn lookback(&self) -> usize {
        self.period - 1
    }

    /// Writes the three bands for `input` (all slices of the same length).
    pub fn compute<S: Series>(
        &self,
        input: S,
        upper: &mut [f64],
        middle: &mut [f64],
        lower: &mut [f64],
    ) -> Result<(), IndicatorError> {
        let n = input.len();
        same_len(n, upper.len())?;
        same_len(n, middle.len())?;
        same_len(n, lower.len())?;
        let (p, up, dn) = (self.period, self.up, self.dn);
        let pf = pf(p);
        let mut start = 0;
        while start < n {
            let u = core::cell::Cell::from_mut(&mut upper[start..]).as_slice_of_cells();
            let m = core::cell::Cell::from_mut(&mut middle[start..]).as_slice_of_cells();
            let l = core::cell::Cell::from_mut(&mut lower[start..]).as_slice_of_cells();
            let sum = core::cell::Cell::new(0.0);
            let gap = variance_run(
                input,
                p,
                start,
                |i, v| {
                    sum.set(sum.get() + v);
                    let j = i - start;
                    u[j].set(NAN);
                    m[j].set(NAN);
                    l[j].set(NAN);
                },
                |i, var, v, t| {
                    let s = sum.get() + v;
                    let mean = s / pf;
                    sum.set(s - t);
                    let b = bands(mean, var, up, dn);
                    let j = i - start;
                    u[j].set(b.upper);
                    m[j].set(b.middle);
                    l[j].set(b.lower);
                },
            );
            match gap {
                Some(g) => {
                    (upper[g], middle[g], lower[g]) = (NAN, NAN, NAN);
                    start = g + 1;
                }
                None => break,
            }
        }
        Ok(())
    }

    /// A streaming state with room for windows of `N` values.
    pub fn stream<const N: usize>(&self) -> Result<BbandsState<N>, IndicatorError> {
        BbandsState::new(*self)
    }
}

/// Streaming [`Bbands`]: a `#[repr(C)]` `Copy` value holding the last `period` inputs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct BbandsState<const N: usize = DEFAULT_CAPACITY> {
    up: f64,
    dn: f64,
    m: Moments<N>,
}

impl<const N: usize> BbandsState<N> {
    /// A fresh state; `WindowTooLarge` when `params.period() > N`.
    pub fn new(params: Bbands) -> Result<Self, IndicatorError> {
        Ok(BbandsState {
            up: params.up,
            dn: params.dn,
            m: Moments::new(params.period)?,
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> Bbands {
        Bbands {
            period: self.m.period as usize,
            up: self.up,
            dn: self.dn,
        }
    }

    /// Forgets all history.
    pub fn reset(&mut self) {
        self.m.reset();
    }

    /// Feeds the next value and returns the bands (NaN during warm-up or at a gap).
    pub fn update(&mut self, x: f64) -> BandsValue {
        if !ok(x) {
            self.reset();
            return NAN3;
        }
        self.m
            .push(x)
            .map_or(NAN3, |(mean, var)| bands(mean, var, self.up, self.dn))
    }

    /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
    #[must_use]
    pub fn peek(&self, x: f64) -> BandsValue {
        if !ok(x) {
            return NAN3;
        }
        self.m
            .peek(x)
            .map_or(NAN3, |(mean, var)| bands(mean, var, self.up, self.dn))
    }
}
