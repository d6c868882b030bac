//! Input series: `&[f64]` columns and strided views of one field of a `&[Bar]`.

use crate::Bar;
use core::iter::FusedIterator;
use core::slice;

/// A read-only sequence of `f64` an indicator reads: a `&[f64]` column, or one field of a bar
/// slice ([`Field`], made by [`BarColumns`]). Kernels are generic over it, so both forms compile
/// to direct loads.
pub trait Series: Copy {
    /// The iterator over the values.
    type Iter: Iterator<Item = f64> + ExactSizeIterator + DoubleEndedIterator + Clone;

    /// Number of values.
    fn len(self) -> usize;

    /// True when there are no values.
    fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The values from index `start` on (empty when `start >= len`).
    fn values_from(self, start: usize) -> Self::Iter;

    /// The value at `i`, or NaN when `i` is out of range.
    fn at(self, i: usize) -> f64;

    /// The values as a contiguous slice, when they are stored that way.
    fn as_slice(&self) -> Option<&[f64]>;
}

impl<'a> Series for &'a [f64] {
    type Iter = core::iter::Copied<slice::Iter<'a, f64>>;

    #[inline]
    fn len(self) -> usize {
        <[f64]>::len(self)
    }

    #[inline]
    fn values_from(self, start: usize) -> Self::Iter {
        self.get(start..).unwrap_or(&[]).iter().copied()
    }

    #[inline]
    fn at(self, i: usize) -> f64 {
        self.get(i).copied().unwrap_or(f64::NAN)
    }

    #[inline]
    fn as_slice(&self) -> Option<&[f64]> {
        Some(self)
    }
}

/// Field selector of [`Field`]: the bar's open price.
pub const OPEN: u8 = 0;
/// Field selector of [`Field`]: the bar's high price.
pub const HIGH: u8 = 1;
/// Field selector of [`Field`]: the bar's low price.
pub const LOW: u8 = 2;
/// Field selector of [`Field`]: the bar's close price.
pub const CLOSE: u8 = 3;
/// Field selector of [`Field`]: the bar's volume.
pub const VOLUME: u8 = 4;

#[inline(always)]
fn pick<const F: u8>(b: &Bar) -> f64 {
    match F {
        OPEN => b.open,
        HIGH => b.high,
        LOW => b.low,
        CLOSE => b.close,
        _ => b.volume,
    }
}

/// One field of a bar slice seen as a [`Series`] (strided loads, no copy). Made by
/// [`BarColumns`]: `bars.closes()`, `bars.highs()`, ...
#[derive(Clone, Copy, Debug)]
pub struct Field<'a, const F: u8> {
    bars: &'a [Bar],
}

impl<'a, const F: u8> Field<'a, F> {
    /// The field selected by `F` ([`OPEN`] .. [`VOLUME`]) of every bar in `bars`.
    #[must_use]
    pub const fn new(bars: &'a [Bar]) -> Self {
        Field { bars }
    }
}

/// Iterator over one field of a bar slice.
#[derive(Clone, Debug)]
pub struct FieldIter<'a, const F: u8> {
    inner: slice::Iter<'a, Bar>,
}

impl<const F: u8> Iterator for FieldIter<'_, F> {
    type Item = f64;

    #[inline(always)]
    fn next(&mut self) -> Option<f64> {
        self.inner.next().map(pick::<F>)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }

    #[inline]
    fn nth(&mut self, n: usize) -> Option<f64> {
        self.inner.nth(n).map(pick::<F>)
    }
}

impl<const F: u8> DoubleEndedIterator for FieldIter<'_, F> {
    #[inline(always)]
    fn next_back(&mut self) -> Option<f64> {
        self.inner.next_back().map(pick::<F>)
    }

    #[inline]
    fn nth_back(&mut self, n: usize) -> Option<f64> {
        self.inner.nth_back(n).map(pick::<F>)
    }
}

impl<const F: u8> ExactSizeIterator for FieldIter<'_, F> {}
impl<const F: u8> FusedIterator for FieldIter<'_, F> {}

impl<'a, const F: u8> Series for Field<'a, F> {
    type Iter = FieldIter<'a, F>;

    #[inline]
    fn len(self) -> usize {
        self.bars.len()
    }

    #[inline]
    fn values_from(self, start: usize) -> Self::Iter {
        FieldIter {
            inner: self.bars.get(start..).unwrap_or(&[]).iter(),
        }
    }

    #[inline]
    fn at(self, i: usize) -> f64 {
        self.bars.get(i).map_or(f64::NAN, pick::<F>)
    }

    #[inline]
    fn as_slice(&self) -> Option<&[f64]> {
        None
    }
}

/// Column views of a bar slice, for passing `&[Bar]` straight to the indicators:
/// `Sma::new(20)?.compute(bars.closes(), &mut out)`.
pub trait BarColumns {
    /// The open prices.
    fn opens(&self) -> Field<'_, OPEN>;
    /// The high prices.
    fn highs(&self) -> Field<'_, HIGH>;
    /// The low prices.
    fn lows(&self) -> Field<'_, LOW>;
    /// The close prices.
    fn closes(&self) -> Field<'_, CLOSE>;
    /// The volumes.
    fn volumes(&self) -> Field<'_, VOLUME>;
    /// The bar-start timestamps (epoch milliseconds).
    fn stamps(&self) -> BarStamps<'_>;
}

impl BarColumns for [Bar] {
    fn opens(&self) -> Field<'_, OPEN> {
        Field::new(self)
    }
    fn highs(&self) -> Field<'_, HIGH> {
        Field::new(self)
    }
    fn lows(&self) -> Field<'_, LOW> {
        Field::new(self)
    }
    fn closes(&self) -> Field<'_, CLOSE> {
        Field::new(self)
    }
    fn volumes(&self) -> Field<'_, VOLUME> {
        Field::new(self)
    }
    fn stamps(&self) -> BarStamps<'_> {
        BarStamps { bars: self }
    }
}

/// A read-only sequence of `u64` epoch-millisecond timestamps: a `&[u64]` column or the `ts`
/// field of a bar slice ([`BarColumns::stamps`]).
pub trait Stamps: Copy {
    /// The iterator over the timestamps.
    type Iter: Iterator<Item = u64> + ExactSizeIterator + Clone;
    /// Number of timestamps.
    fn len(self) -> usize;
    /// True when there are none.
    fn is_empty(self) -> bool {
        self.len() == 0
    }
    /// The timestamps from index `start` on.
    fn values_from(self, start: usize) -> Self::Iter;
}

impl<'a> Stamps for &'a [u64] {
    type Iter = core::iter::Copied<slice::Iter<'a, u64>>;
    #[inline]
    fn len(self) -> usize {
        <[u64]>::len(self)
    }
    #[inline]
    fn values_from(self, start: usize) -> Self::Iter {
        self.get(start..).unwrap_or(&[]).iter().copied()
    }
}

/// The `ts` field of a bar slice as [`Stamps`].
#[derive(Clone, Copy, Debug)]
pub struct BarStamps<'a> {
    bars: &'a [Bar],
}

/// Iterator over the timestamps of a bar slice.
#[derive(Clone, Debug)]
pub struct BarStampsIter<'a> {
    inner: slice::Iter<'a, Bar>,
}

impl Iterator for BarStampsIter<'_> {
    type Item = u64;
    #[inline(always)]
    fn next(&mut self) -> Option<u64> {
        self.inner.next().map(|b| b.ts)
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for BarStampsIter<'_> {}

impl<'a> Stamps for BarStamps<'a> {
    type Iter = BarStampsIter<'a>;
    #[inline]
    fn len(self) -> usize {
        self.bars.len()
    }
    #[inline]
    fn values_from(self, start: usize) -> Self::Iter {
        BarStampsIter {
            inner: self.bars.get(start..).unwrap_or(&[]).iter(),
        }
    }
}
