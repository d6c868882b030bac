//! Time-ordering input that steps back in time, without sorting it in memory.
//!
//! A file whose timestamps step back (a DST overlap in 24/7 data) is a sequence of *runs*, each
//! sorted. pandas resamples the stably sorted rows, so the engine must too. Stably sorting the
//! whole file is a stable merge of its runs, earlier runs first on ties; [`StableMerge`] yields
//! it as contiguous slices of the original rows, so the kernel still reads the mapped file in
//! place. Memory is one cursor per run.

use crate::Bar;
use core::cmp::Reverse;
use core::ops::Range;
use std::collections::BinaryHeap;
use std::vec::Vec;

/// Maximal non-decreasing runs of `rows` by timestamp, in file order.
#[must_use]
pub fn sorted_runs(rows: &[Bar]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..rows.len() {
        if rows[i].ts < rows[i - 1].ts {
            runs.push(start..i);
            start = i;
        }
    }
    if !rows.is_empty() {
        runs.push(start..rows.len());
    }
    runs
}

/// Yields the rows of sorted runs in stably sorted order, as `(run index, row range)` slices.
#[derive(Debug)]
pub struct StableMerge<'a> {
    rows: &'a [Bar],
    runs: &'a [Range<usize>],
    cursor: Vec<usize>,
    heap: BinaryHeap<Reverse<(u64, usize)>>,
}

impl<'a> StableMerge<'a> {
    /// A merge over `runs` (as from [`sorted_runs`]) of `rows`.
    #[must_use]
    pub fn new(rows: &'a [Bar], runs: &'a [Range<usize>]) -> Self {
        let cursor: Vec<usize> = runs.iter().map(|r| r.start).collect();
        let heap = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(j, r)| Reverse((rows[r.start].ts, j)))
            .collect();
        StableMerge {
            rows,
            runs,
            cursor,
            heap,
        }
    }
}

impl Iterator for StableMerge<'_> {
    type Item = (usize, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let Reverse((_, j)) = self.heap.pop()?;
        let run = &self.runs[j];
        let start = self.cursor[j];
        // Take rows of run j while they sort before the best other run's head: strictly smaller
        // timestamps, or equal ones when run j comes first in the file (stability).
        let end = match self.heap.peek() {
            None => run.end,
            Some(&Reverse((head, k))) => {
                let rows = &self.rows[start..run.end];
                let n = if j < k {
                    rows.partition_point(|b| b.ts <= head)
                } else {
                    rows.partition_point(|b| b.ts < head)
                };
                start + n.max(1)
            }
        };
        self.cursor[j] = end;
        if end < run.end {
            self.heap.push(Reverse((self.rows[end].ts, j)));
        }
        Some((j, start..end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(ts: u64, tag: f64) -> Bar {
        Bar::new(ts, tag, tag, tag, tag, 1.0)
    }

    /// Reference: the standard library's stable sort.
    fn merged(rows: &[Bar]) -> Vec<Bar> {
        let runs = sorted_runs(rows);
        for r in &runs {
            assert!(rows[r.clone()].windows(2).all(|w| w[0].ts <= w[1].ts));
        }
        StableMerge::new(rows, &runs)
            .flat_map(|(_, r)| rows[r].to_vec())
            .collect()
    }

    #[test]
    fn merge_equals_stable_sort() {
        let mut seed = 0x1234_5678_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..500 {
            let n = (next() % 200) as usize;
            let spread = 1 + next() % 50;
            let mut t = 0u64;
            let rows: Vec<Bar> = (0..n)
                .map(|i| {
                    // Mostly increasing with repeats and occasional steps back.
                    match next() % 10 {
                        0 => t = t.saturating_sub(next() % (3 * spread)),
                        1 => {}
                        _ => t += next() % spread,
                    }
                    bar(t, i as f64)
                })
                .collect();
            let mut want = rows.clone();
            want.sort_by_key(|b| b.ts);
            assert_eq!(merged(&rows), want, "case {case}");
        }
    }

    #[test]
    fn sorted_input_is_one_run_one_slice() {
        let rows: Vec<Bar> = (0..10).map(|i| bar(i / 2, 0.0)).collect();
        let runs = sorted_runs(&rows);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0], 0..10);
        assert_eq!(StableMerge::new(&rows, &runs).count(), 1);
        assert!(sorted_runs(&[]).is_empty());
    }

    #[test]
    fn dst_overlap_merges_hour_back() {
        // 02:00..02:59 then a step back to 02:00 again (an autumn DST overlap).
        let mut rows: Vec<Bar> = (0..60).map(|m| bar(m * 60_000, 1.0)).collect();
        rows.extend((0..60).map(|m| bar(m * 60_000, 2.0)));
        let out = merged(&rows);
        for m in 0..60 {
            assert_eq!(out[2 * m].open, 1.0, "file order first on equal timestamps");
            assert_eq!(out[2 * m + 1].open, 2.0);
        }
    }
}
