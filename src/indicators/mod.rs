//! Technical indicators over bar series: batch kernels writing into caller slices, streaming
//! states that can be saved and restored, and a many-series path that advances four series in
//! SIMD lanes.
//!
//! Everything here is `no_std` and allocation-free.
//!
//! # Shape of the API
//!
//! Each indicator is a small parameter value (`Sma`, `Rsi`, `Macd`, ...) built by a validating
//! constructor (TA-Lib's parameter ranges; periods up to [`MAX_PERIOD`]). It offers:
//!
//! * `lookback()`: how many leading outputs are NaN (TA-Lib's lookback, unstable period 0);
//! * `compute(inputs.., out..)`: the batch kernel. Inputs are any [`Series`]: a `&[f64]` column
//!   or one field of a `&[Bar]` read in place (`bars.closes()`, `bars.highs()`, ... from
//!   [`BarColumns`]). Every output slice has the input's length; its first `lookback()` entries
//!   are NaN. Mismatched lengths return [`IndicatorError::LengthMismatch`]; nothing panics;
//! * `stream()` (`stream::<N>()` for windowed indicators): a streaming state, a plain
//!   `#[repr(C)]` `Copy` value of integers and floats, with `update(input) -> output`,
//!   `peek(input) -> output` (the value a still-forming bar would give, state unchanged) and
//!   `reset()`. Rolling-window states keep their window inline with room for `N` values
//!   ([`DEFAULT_CAPACITY`] when not chosen); a window above `N` is
//!   [`IndicatorError::WindowTooLarge`]. Updates are O(1), amortised O(1) for rolling extremes
//!   and the periodic rebuilds of WMA and STDDEV/BBANDS, O(period) for CCI (the mean absolute
//!   deviation has no sliding form). Batch and streaming give bitwise identical numbers, and a
//!   state copied away mid-series and restored later continues bitwise identically;
//! * for EMA, RSI, ATR and MACD, `compute_many`: many series at once, four per SIMD pass (see
//!   [`LANES`]); each lane is bitwise identical to `compute` on its own.
//!
//! # Conventions
//!
//! [`Convention::TaLib`] (the default) reproduces TA-Lib's current C library (0.6, the one the
//! `ta-lib` Python package 0.8 bundles) operation by operation, so results are bit-identical to
//! it: SMA-seeded EMAs updated with a fused multiply-add; Wilder smoothing `(avg·(p−1) + x)/p`
//! for RSI (as a product with `1/p`) and ADX, and `fma((p−1)/p, atr, tr·(1 − (p−1)/p))` for ATR;
//! running window sums updated in TA-Lib's order, including WMA's rebuild every `8·p` bars and
//! the rolling variance's shifted sums and rebuilds (STDDEV, BBANDS); TA-Lib's flatness
//! thresholds (CCI, STOCH, WILLR, MFI, ADX: relative `1e-14`) and its special cases (period-1
//! moving averages copy their input, MFI resets its sums after `period` bars without money flow,
//! WILLR is clamped to `[−100, 0]`). Where the CPU has no FMA instruction a correctly rounded
//! software `fma` gives the same bits.
//!
//! [`Convention::Pandas`] (EMA, RSI, ATR, MACD) reproduces the legacy pipeline's pandas formulas
//! bit for bit: `ewm(span=p, adjust=False)` for EMA/MACD and `ewm(com=p−1, adjust=False)` for
//! the Wilder averages of RSI/ATR, seeded with the first value, defined from the first bar
//! (lookback 0); RSI is `100 − 100/(1 + gain/loss)` with 100 when the average loss is 0, and
//! the first true range is `high − low`.
//!
//! # Gaps: the NaN policy
//!
//! A non-finite input (NaN or ±infinity in any field the indicator reads) is a *gap*. The output
//! at a gap is NaN and the indicator restarts after it: every later output is exactly what the
//! indicator gives on the series that begins right after the last gap (so the first `lookback()`
//! outputs after a gap are NaN again, recursive averages are re-seeded, OBV and VWAP start
//! accumulating afresh). Window indicators therefore recover as soon as the gap leaves their
//! window; nothing stays NaN forever. Fields an indicator does not read are not checked (a NaN
//! volume does not disturb an SMA of closes). TA-Lib has no NaN handling (NaN contaminates
//! every later value of its recursive indicators) and pandas skips NaN inside `ewm`; on
//! gap-free input both agree with this crate. Finite inputs whose arithmetic overflows follow
//! IEEE-754, as in TA-Lib.
//!
//! [`Bar`]: crate::Bar

mod adx;
mod bands;
mod cci;
mod change;
mod extremes;
mod fma;
mod lanes;
mod ma;
mod macd;
mod range;
mod ring;
mod rsi;
mod series;
mod stoch;
mod util;
mod volume;

pub use adx::{Adx, AdxState, AdxValue};
pub use bands::{BandsValue, Bbands, BbandsState, Stddev, StddevState};
pub use cci::{Cci, CciState};
pub use change::{Mom, MomState, Roc, RocState};
pub use extremes::{Donchian, DonchianState, Max, MaxState, Min, MinState};
pub use lanes::LANES;
pub use ma::{Dema, DemaState, Ema, EmaState, Sma, SmaState, Tema, TemaState, Wma, WmaState};
pub use macd::{Macd, MacdState, MacdValue};
pub use range::{Atr, AtrState, TrueRange, TrueRangeState};
pub use rsi::{Rsi, RsiState};
pub use series::{
    BarColumns, BarStamps, BarStampsIter, CLOSE, Field, FieldIter, HIGH, LOW, OPEN, Series, Stamps,
    VOLUME,
};
pub use stoch::{Stoch, StochState, StochValue, WillR, WillRState};
pub use volume::{Mfi, MfiState, Obv, ObvState, Vwap, VwapState};

use core::fmt;

/// Window capacity of streaming states when none is chosen: periods up to 256.
pub const DEFAULT_CAPACITY: usize = 256;

/// Largest period any indicator accepts (TA-Lib's limit).
pub const MAX_PERIOD: usize = 100_000;

/// Which reference an indicator's numbers follow.
#[repr(u32)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Convention {
    /// TA-Lib's definitions and arithmetic, bit for bit (the default).
    #[default]
    TaLib = 0,
    /// The legacy pipeline's pandas formulas (`ewm(..., adjust=False)`), bit for bit; only EMA,
    /// RSI, ATR and MACD have a pandas form, the others ignore it.
    Pandas = 1,
}

/// Why an indicator call was refused. Never allocates; maps to
/// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndicatorError {
    /// An input or output slice's length differs from the first input's.
    LengthMismatch {
        /// Length of the first input series.
        expected: usize,
        /// Length of the offending slice.
        found: usize,
    },
    /// A period is outside its allowed range.
    InvalidPeriod {
        /// Parameter name (`"period"`, `"fast"`, ...).
        name: &'static str,
        /// The value given.
        value: usize,
        /// Smallest allowed value.
        min: usize,
        /// Largest allowed value.
        max: usize,
    },
    /// A real-valued parameter is not finite.
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
    },
    /// A streaming state cannot hold the requested window.
    WindowTooLarge {
        /// The window the parameters need.
        window: usize,
        /// The state's capacity.
        capacity: usize,
    },
    /// A many-series call got no output lanes, output groups of different sizes, or a number
    /// of parameter sets or inputs that is neither 1 nor the number of lanes.
    InvalidLanes,
}

impl IndicatorError {
    /// The crate-wide error category ([`crate::ErrorKind::InvalidArgument`]).
    #[must_use]
    pub const fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::InvalidArgument
    }
}

impl fmt::Display for IndicatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IndicatorError::LengthMismatch { expected, found } => write!(
                f,
                "series length mismatch: expected {expected} values, found {found}"
            ),
            IndicatorError::InvalidPeriod {
                name,
                value,
                min,
                max,
            } => write!(f, "{name} = {value} is outside {min}..={max}"),
            IndicatorError::InvalidParameter { name } => write!(f, "{name} must be finite"),
            IndicatorError::WindowTooLarge { window, capacity } => write!(
                f,
                "window of {window} values exceeds the streaming capacity of {capacity}"
            ),
            IndicatorError::InvalidLanes => f.write_str("invalid many-series lane layout"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for IndicatorError {}

#[cfg(feature = "std")]
impl From<IndicatorError> for crate::Error {
    fn from(e: IndicatorError) -> Self {
        crate::Error::new(e.kind(), std::format!("indicator: {e}"))
    }
}
