//! The 64-byte bar record shared by every file, kernel and binding.
//!
//! Layout (little-endian on disk, identical to the pipeline's NumPy dtype
//! `[('ts','<u8'),('ohlcv','<f8',(5,)),('padding','<u8',(2,))]`):
//!
//! | offset | size | field      | type  | meaning                                 |
//! |-------:|-----:|------------|-------|-----------------------------------------|
//! | 0      | 8    | `ts`       | `u64` | epoch milliseconds of the bar start     |
//! | 8      | 8    | `open`     | `f64` |                                         |
//! | 16     | 8    | `high`     | `f64` |                                         |
//! | 24     | 8    | `low`      | `f64` |                                         |
//! | 32     | 8    | `close`    | `f64` |                                         |
//! | 40     | 8    | `volume`   | `f64` |                                         |
//! | 48     | 16   | `reserved` | `u64×2` | written as zero                       |

use bytemuck::{Pod, Zeroable};
use core::mem::{align_of, offset_of, size_of};

/// One OHLCV bar: a cache line, `#[repr(C, align(64))]`, byte-compatible with the pipeline's
/// `.bin` records and with `ohlcv_bar` in `include/ohlcv.h`.
#[repr(C, align(64))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct Bar {
    /// Bar start (label) time in epoch milliseconds.
    pub ts: u64,
    /// First traded price.
    pub open: f64,
    /// Highest price.
    pub high: f64,
    /// Lowest price.
    pub low: f64,
    /// Last traded price.
    pub close: f64,
    /// Traded volume.
    pub volume: f64,
    /// Reserved; always written as zero.
    pub reserved: [u64; 2],
}

const _: () = {
    assert!(size_of::<Bar>() == 64);
    assert!(align_of::<Bar>() == 64);
    assert!(offset_of!(Bar, ts) == 0);
    assert!(offset_of!(Bar, open) == 8);
    assert!(offset_of!(Bar, high) == 16);
    assert!(offset_of!(Bar, low) == 24);
    assert!(offset_of!(Bar, close) == 32);
    assert!(offset_of!(Bar, volume) == 40);
    assert!(offset_of!(Bar, reserved) == 48);
};

impl Bar {
    /// Size of one record in bytes.
    pub const SIZE: usize = 64;

    /// A bar with the given fields and zeroed reserved bytes.
    #[inline]
    #[must_use]
    pub const fn new(ts: u64, open: f64, high: f64, low: f64, close: f64, volume: f64) -> Self {
        Bar {
            ts,
            open,
            high,
            low,
            close,
            volume,
            reserved: [0; 2],
        }
    }

    /// `low <= open <= high` and `low <= close <= high`. False if any price is NaN.
    #[inline]
    #[must_use]
    pub fn is_ohlc_sane(&self) -> bool {
        self.low <= self.open
            && self.low <= self.close
            && self.open <= self.high
            && self.close <= self.high
    }

    /// True when the 16 reserved bytes are zero, as every writer must leave them.
    #[inline]
    #[must_use]
    pub const fn reserved_is_zero(&self) -> bool {
        self.reserved[0] == 0 && self.reserved[1] == 0
    }

    /// The record's on-disk bytes (little-endian, whatever the host).
    #[must_use]
    pub fn to_le_bytes(&self) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.ts.to_le_bytes());
        let fields = [self.open, self.high, self.low, self.close, self.volume];
        for (i, v) in fields.iter().enumerate() {
            b[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        b[48..56].copy_from_slice(&self.reserved[0].to_le_bytes());
        b[56..64].copy_from_slice(&self.reserved[1].to_le_bytes());
        b
    }

    /// Decodes one on-disk record (little-endian, whatever the host).
    #[must_use]
    pub fn from_le_bytes(b: &[u8; 64]) -> Self {
        let u = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(w)
        };
        Bar {
            ts: u(0),
            open: f64::from_bits(u(8)),
            high: f64::from_bits(u(16)),
            low: f64::from_bits(u(24)),
            close: f64::from_bits(u(32)),
            volume: f64::from_bits(u(40)),
            reserved: [u(48), u(56)],
        }
    }
}

/// What [`validate`] found wrong with a bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The bar's timestamp is smaller than the previous bar's.
    TimestampDecreasing,
    /// `low <= open, close <= high` does not hold (or a price is NaN).
    OhlcInsane,
    /// The reserved bytes are not zero.
    ReservedNonZero,
}

impl Violation {
    /// A short human-readable description.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Violation::TimestampDecreasing => "timestamp smaller than the previous bar's",
            Violation::OhlcInsane => "OHLC not sane (need low <= open, close <= high)",
            Violation::ReservedNonZero => "reserved bytes are not zero",
        }
    }
}

/// A violation and the index of the bar it was found at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Index of the offending bar in the slice.
    pub index: usize,
    /// What is wrong with it.
    pub violation: Violation,
}

/// Checks every structural rule on `bars`, calling `report` for each issue found, in order.
/// `prev_ts` is the timestamp of the bar before the slice, if any (for chunked validation).
/// Returns the number of issues.
pub fn validate_each(bars: &[Bar], prev_ts: Option<u64>, mut report: impl FnMut(Issue)) -> usize {
    let mut n = 0;
    let mut prev = prev_ts;
    for (index, bar) in bars.iter().enumerate() {
        let mut emit = |violation| {
            n += 1;
            report(Issue { index, violation });
        };
        if prev.is_some_and(|p| bar.ts < p) {
            emit(Violation::TimestampDecreasing);
        }
        if !bar.is_ohlc_sane() {
            emit(Violation::OhlcInsane);
        }
        if !bar.reserved_is_zero() {
            emit(Violation::ReservedNonZero);
        }
        prev = Some(bar.ts);
    }
    n
}

/// The first structural issue in `bars`, if any (see [`validate_each`]).
#[must_use]
pub fn validate(bars: &[Bar]) -> Option<Issue> {
    let mut first = None;
    validate_each(bars, None, |issue| {
        if first.is_none() {
            first = Some(issue);
        }
    });
    first
}

/// Index of the first bar whose timestamp is smaller than its predecessor's, if any.
#[must_use]
pub fn first_unsorted(bars: &[Bar]) -> Option<usize> {
    bars.windows(2)
        .position(|w| w[1].ts < w[0].ts)
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record from `original-system.md` §2: 2005-01-03 00:00:00,
    /// O=1.35464 H=1.3556 L=1.35464 C=1.35548 V=7598.0.
    const GOLDEN: [u8; 64] = [
        0x00, 0xf8, 0xde, 0x35, 0x01, 0x01, 0x00, 0x00, 0xb1, 0xa7, 0x1d, 0xfe, 0x9a, 0xac, 0xf5,
        0x3f, 0x54, 0x52, 0x27, 0xa0, 0x89, 0xb0, 0xf5, 0x3f, 0xb1, 0xa7, 0x1d, 0xfe, 0x9a, 0xac,
        0xf5, 0x3f, 0x00, 0x1d, 0xe6, 0xcb, 0x0b, 0xb0, 0xf5, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xae, 0xbd, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    fn golden_bar() -> Bar {
        Bar::new(1_104_710_400_000, 1.35464, 1.3556, 1.35464, 1.35548, 7598.0)
    }

    #[test]
    fn golden_record_bytes() {
        assert_eq!(golden_bar().to_le_bytes(), GOLDEN);
        assert_eq!(Bar::from_le_bytes(&GOLDEN), golden_bar());
        // The in-memory representation is the on-disk one on little-endian hosts.
        #[cfg(target_endian = "little")]
        assert_eq!(bytemuck::bytes_of(&golden_bar()), &GOLDEN[..]);
    }

    #[test]
    fn validation_finds_each_violation() {
        let ok = golden_bar();
        assert_eq!(validate(&[ok, ok]), None);
        let mut earlier = ok;
        earlier.ts -= 60_000;
        assert_eq!(
            validate(&[ok, earlier]),
            Some(Issue {
                index: 1,
                violation: Violation::TimestampDecreasing
            })
        );
        let mut insane = ok;
        insane.high = 1.0;
        assert_eq!(
            validate(&[insane]).map(|i| i.violation),
            Some(Violation::OhlcInsane)
        );
        let mut nan = ok;
        nan.close = f64::NAN;
        assert_eq!(
            validate(&[nan]).map(|i| i.violation),
            Some(Violation::OhlcInsane)
        );
        let mut dirty = ok;
        dirty.reserved[1] = 1;
        assert_eq!(
            validate(&[dirty]).map(|i| i.violation),
            Some(Violation::ReservedNonZero)
        );
        let mut all = 0;
        assert_eq!(
            validate_each(&[ok, earlier, insane, dirty], Some(u64::MAX), |_| all += 1),
            4
        );
        assert_eq!(first_unsorted(&[ok, ok, earlier]), Some(2));
        assert_eq!(first_unsorted(&[]), None);
    }
}
