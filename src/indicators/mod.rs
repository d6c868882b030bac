//! Technical indicators over bar series: batch kernels writing into caller slices, O(1)-update
//! streaming states, and a many-series path that runs four series in SIMD lanes.
//!
//! Everything here is `no_std` and allocation-free.
//!
//! # Shape of the API
//!
//! Each indicator is a small parameter value (`Sma`, `Rsi`, `Macd`, ...) built by a validating
//! constructor. It offers:
//!
//! * `lookback()`: how many leading outputs are NaN (TA-Lib's lookback, unstable period 0);
//! * `compute(inputs.., out..)`: the batch kernel. Inputs are any [`Series`]: a `&[f64]` column
//!   or one field of a `&[Bar]` (see [`BarColumns`]). Every output slice has the input's length;
//!   its first `lookback()` entries are NaN. Mismatched lengths return
//!   [`IndicatorError::LengthMismatch`]; nothing panics;
//! * `stream::<N>()` (or the state's `new`): a streaming state, a plain `#[repr(C)]` `Copy` value
//!   with `update(input) -> output` and `peek(input) -> output`. Rolling-window states keep their
//!   window inline, with room for `N` values ([`DEFAULT_CAPACITY`] unless chosen); a period above
//!   `N` is [`IndicatorError::WindowTooLarge`]. Batch and streaming give bitwise identical numbers,
//!   and a state copied away mid-series and restored continues bitwise identically.
//!
//! # Conventions
//!
//! [`Convention::TaLib`] (the default) reproduces TA-Lib's arithmetic operation by operation:
//! SMA-seeded EMAs, Wilder smoothing seeded with a simple average for RSI/ATR/ADX, running sums
//! updated in TA-Lib's order (so even its rounding drift is reproduced), TA-Lib's parameter ranges
//! and lookbacks. [`Convention::Pandas`] (EMA, RSI, ATR, MACD) reproduces the legacy pipeline's
//! pandas formulas bit for bit: `ewm(span=p, adjust=False)` for EMA/MACD and
//! `ewm(com=p-1, adjust=False)` for the Wilder averages of RSI/ATR, seeded with the first value
//! and defined from the first bar (lookback 0).
//!
//! # Gaps: the NaN policy
//!
//! A non-finite input (NaN or ±infinity in any field the indicator reads) is a *gap*. The output
//! at a gap is NaN and the indicator restarts after it: every later output is exactly what the
//! indicator gives on the series that begins right after the last gap (so the first `lookback()`
//! outputs after a gap are NaN again, recursive averages are re-seeded, OBV and VWAP start
//! accumulating afresh). Window indicators therefore recover as soon as the gap leaves their
//! window; nothing stays NaN forever. TA-Lib has no NaN handling (it lets NaN contaminate every
//! later value of a recursive indicator) and pandas skips NaN inside `ewm`; on gap-free input
//! both agree with this crate. Finite inputs whose arithmetic overflows follow IEEE-754 like
//! TA-Lib.
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
    /// The many-series call got no series, more series than outputs, or lanes of different
    /// parameters where one set is required.
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
