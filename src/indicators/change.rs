//! Momentum and rate of change.

use super::ring::Ring;
use super::util::{by_segments, fits, ok, period, same_len};
use super::{DEFAULT_CAPACITY, IndicatorError, Series};

const NAN: f64 = f64::NAN;

/// A lag indicator: output = `f(x[i], x[i − period])`.
trait Lag {
    fn of(now: f64, then: f64) -> f64;
}

/// Momentum: `x[i] − x[i − period]`.
struct MomFn;
impl Lag for MomFn {
    #[inline(always)]
    fn of(now: f64, then: f64) -> f64 {
        now - then
    }
}

/// Rate of change in percent: `(x[i] / x[i − period] − 1) · 100`, 0 when the old value is 0.
struct RocFn;
impl Lag for RocFn {
    #[inline(always)]
    fn of(now: f64, then: f64) -> f64 {
        if then != 0.0 {
            (now / then - 1.0) * 100.0
        } else {
            0.0
        }
    }
}

fn lag_compute<F: Lag, S: Series>(x: S, p: usize, out: &mut [f64]) -> Result<(), IndicatorError> {
    same_len(x.len(), out.len())?;
    by_segments(out.len(), |start| {
        let out = out.get_mut(start..)?;
        let warm = p.min(out.len());
        let (head, tail) = out.split_at_mut(warm);
        let mut lead = x.values_from(start);
        for (k, (o, v)) in head.iter_mut().zip(lead.by_ref()).enumerate() {
            *o = NAN;
            if !ok(v) {
                return Some(start + k);
            }
        }
        for (k, (o, (v, t))) in tail
            .iter_mut()
            .zip(lead.zip(x.values_from(start)))
            .enumerate()
        {
            if !ok(v) {
                *o = NAN;
                return Some(start + warm + k);
            }
            *o = F::of(v, t);
        }
        None
    });
    Ok(())
}

/// Streaming lag state: the last `period` inputs.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct LagState<const N: usize> {
    period: u64,
    count: u64,
    ring: Ring<N>,
}

impl<const N: usize> LagState<N> {
    fn new(p: usize) -> Result<Self, IndicatorError> {
        fits(p, N)?;
        Ok(LagState {
            period: p as u64,
            count: 0,
            ring: Ring::new(p),
        })
    }

    fn reset(&mut self) {
        self.count = 0;
        self.ring.clear();
    }

    #[inline]
    fn update<F: Lag>(&mut self, x: f64) -> f64 {
        if !ok(x) {
            self.reset();
            return NAN;
        }
        let out = self.peek::<F>(x);
        self.ring.push(x);
        if self.count < self.period {
            self.count += 1;
        }
        out
    }

    #[inline]
    fn peek<F: Lag>(&self, x: f64) -> f64 {
        if !ok(x) || self.count < self.period {
            return NAN;
        }
        F::of(x, self.ring.oldest())
    }
}

macro_rules! lag_indicator {
    ($name:ident, $state:ident, $f:ty, $doc:literal, $what:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            period: usize,
        }

        impl $name {
            #[doc = concat!("A ", $what, " over `period` bars.")]
            pub fn new(period: usize) -> Result<Self, IndicatorError> {
                Ok($name {
                    period: self::period("period", period, 1)?,
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

            #[doc = concat!("Writes the ", $what, " of `input` into `out` (same length).")]
            pub fn compute<S: Series>(&self, input: S, out: &mut [f64]) -> Result<(), IndicatorError> {
                lag_compute::<$f, S>(input, self.period, out)
            }

            /// A streaming state with room for lags of `N` values.
            pub fn stream<const N: usize>(&self) -> Result<$state<N>, IndicatorError> {
                $state::new(*self)
            }
        }

        #[doc = concat!("Streaming [`", stringify!($name), "`]: a `#[repr(C)]` `Copy` value holding the last `period` inputs.")]
        #[repr(C)]
        #[derive(Clone, Copy, Debug)]
        pub struct $state<const N: usize = DEFAULT_CAPACITY> {
            lag: LagState<N>,
        }

        impl<const N: usize> $state<N> {
            /// A fresh state; `WindowTooLarge` when `params.period() > N`.
            pub fn new(params: $name) -> Result<Self, IndicatorError> {
                Ok($state {
                    lag: LagState::new(params.period)?,
                })
            }

            /// The parameters.
            #[must_use]
            pub fn params(&self) -> $name {
                $name {
                    period: self.lag.period as usize,
                }
            }

            /// Forgets all history.
            pub fn reset(&mut self) {
                self.lag.reset();
            }

            #[doc = concat!("Feeds the next value and returns the ", $what, " (NaN during warm-up or at a gap).")]
            pub fn update(&mut self, x: f64) -> f64 {
                self.lag.update::<$f>(x)
            }

            /// The value [`update`](Self::update) would return for `x`, leaving the state unchanged.
            #[must_use]
            pub fn peek(&self, x: f64) -> f64 {
                self.lag.peek::<$f>(x)
            }
        }
    };
}

lag_indicator!(
    Mom,
    MomState,
    MomFn,
    "Momentum `x[i] − x[i − period]` (TA-Lib `MOM`; period 1..=100000, lookback `period`).",
    "momentum"
);
lag_indicator!(
    Roc,
    RocState,
    RocFn,
    "Rate of change `(x[i] / x[i − period] − 1) · 100`, 0 when `x[i − period]` is 0 (TA-Lib `ROC`; period 1..=100000, lookback `period`).",
    "rate of change"
);
