//! Fixed-capacity windows stored inline in streaming states (plain `#[repr(C)]` data, so a
//! state can be copied byte for byte and restored).

/// The last `size` values of a series, in a ring of capacity `N` (`size <= N`). The value pushed
/// at step `t` (counted from the last reset) sits in slot `t % size`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ring<const N: usize> {
    buf: [f64; N],
    size: u64,
    head: u64,
}

impl<const N: usize> Ring<N> {
    /// An empty ring holding windows of `size` values (`1 <= size <= N`, checked by callers).
    pub(crate) const fn new(size: usize) -> Self {
        Ring {
            buf: [0.0; N],
            size: size as u64,
            head: 0,
        }
    }

    /// Forgets the contents.
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.head = 0;
    }

    /// Stores `x` over the oldest slot.
    #[inline(always)]
    pub(crate) fn push(&mut self, x: f64) {
        let h = self.head as usize;
        if let Some(slot) = self.buf.get_mut(h) {
            *slot = x;
        }
        let next = self.head + 1;
        self.head = if next >= self.size { 0 } else { next };
    }

    /// The slot the next push overwrites: after `size` or more pushes, the value pushed
    /// `size - 1` pushes ago (the oldest of the current window).
    #[inline(always)]
    pub(crate) fn oldest(&self) -> f64 {
        self.buf
            .get(self.head as usize)
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// The window's slots in storage order (slot `t % size` holds the value of step `t`).
    #[inline]
    pub(crate) fn slots(&self) -> &[f64] {
        self.buf.get(..self.size as usize).unwrap_or(&[])
    }

    /// The window in time order (oldest first), once at least `size` values were pushed.
    #[inline]
    pub(crate) fn chrono(&self) -> impl Iterator<Item = f64> + Clone + '_ {
        let s = self.slots();
        let h = self.head().min(s.len());
        s[h..].iter().chain(&s[..h]).copied()
    }

    /// Index of the slot the next push writes.
    #[inline]
    pub(crate) fn head(&self) -> usize {
        self.head as usize
    }
}

/// Running maximum (`MAX = true`) or minimum of the last `window` values: a monotonic deque of
/// (value, step) pairs in a ring of capacity `N`. Amortised O(1) per update.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Extreme<const N: usize, const MAX: bool> {
    vals: [f64; N],
    steps: [u64; N],
    window: u64,
    front: u64,
    len: u64,
    step: u64,
}

#[inline(always)]
fn wrap<const N: usize>(i: u64) -> u64 {
    if i >= N as u64 { i - N as u64 } else { i }
}

impl<const N: usize, const MAX: bool> Extreme<N, MAX> {
    /// An empty deque for windows of `window` values (`1 <= window <= N`, checked by callers).
    pub(crate) const fn new(window: usize) -> Self {
        Extreme {
            vals: [0.0; N],
            steps: [0; N],
            window: window as u64,
            front: 0,
            len: 0,
            step: 0,
        }
    }

    /// The window length.
    #[inline]
    pub(crate) fn window(&self) -> usize {
        self.window as usize
    }

    /// Forgets the contents.
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.front = 0;
        self.len = 0;
        self.step = 0;
    }

    /// `a` beats `b` (strictly) in this deque's order.
    #[inline(always)]
    fn beats(a: f64, b: f64) -> bool {
        if MAX { a > b } else { a < b }
    }

    #[inline(always)]
    fn at(&self, k: u64) -> (f64, u64) {
        let i = wrap::<N>(self.front + k) as usize;
        (
            self.vals.get(i).copied().unwrap_or(f64::NAN),
            self.steps.get(i).copied().unwrap_or(0),
        )
    }

    /// Adds `x` and returns the extreme of the last `window` values (fewer at the start). A
    /// zero result is always `+0.0`.
    #[inline]
    pub(crate) fn push(&mut self, x: f64) -> f64 {
        // A valid state always has `front < N` and `len <= window <= N`. Bytes restored from
        // outside (a saved C state) may not: start the deque over rather than loop `len` times.
        if self.front >= N as u64 || self.len > N as u64 {
            self.front = 0;
            self.len = 0;
        }
        let step = self.step;
        // Evict the entry that left the window (at most one per step).
        if self.len > 0 && self.at(0).1 + self.window <= step {
            self.front = wrap::<N>(self.front + 1);
            self.len -= 1;
        }
        // Drop entries the new value dominates.
        while self.len > 0 && !Self::beats(self.at(self.len - 1).0, x) {
            self.len -= 1;
        }
        let i = wrap::<N>(self.front + self.len) as usize;
        if let (Some(v), Some(s)) = (self.vals.get_mut(i), self.steps.get_mut(i)) {
            *v = x;
            *s = step;
        }
        self.len += 1;
        self.step = step + 1;
        self.at(0).0 + 0.0
    }

    /// What [`push`](Self::push) would return for `x`, without changing anything.
    #[inline]
    pub(crate) fn peek(&self, x: f64) -> f64 {
        let step = self.step;
        let mut k = 0;
        if self.len > 0 && self.at(0).1 + self.window <= step {
            k = 1;
        }
        let best = if k < self.len {
            let v = self.at(k).0;
            if Self::beats(v, x) { v } else { x }
        } else {
            x
        };
        best + 0.0
    }
}
