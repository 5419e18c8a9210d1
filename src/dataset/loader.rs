//! How a data loader cuts an epoch between ranks and batches, exactly and resumably: the epoch's
//! rows in a keyed order, cut into global steps of `batch x world` rows; rank r takes rows
//! `[r * batch, (r + 1) * batch)` of each step. Loader workers then take every n-th of a rank's
//! batches, so the batches (and their order, once a loader re-interleaves them) are the same for
//! any worker count. A resume names a global row offset, so it holds across batch sizes, world
//! sizes and worker counts.

use crate::core::rng::KeyedRng;

/// The epoch's `n` rows in order: a keyed permutation of (seed, epoch) when `shuffle`, else
/// input order.
pub fn order(n: usize, seed: u64, epoch: u64, shuffle: bool, purpose: &str) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    if shuffle {
        let rng = KeyedRng::new(seed, epoch, purpose);
        // Fisher-Yates with the counter-based stream: position i draws at counter i.
        for i in (1..n).rev() {
            let j = (rng.at(i as u64) % (i as u64 + 1)) as usize;
            idx.swap(i, j);
        }
    }
    idx
}

/// One rank's view of an epoch from global row `start` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    /// Rows in the epoch.
    pub rows: u64,
    /// Rows per batch (per rank).
    pub batch: u64,
    pub rank: u64,
    pub world: u64,
    /// Global rows already consumed (a resume point).
    pub start: u64,
    /// Leave out the rows after the last full global step; otherwise they are dealt out to the
    /// ranks as one short batch each (ranks may then differ by one batch).
    pub drop_last: bool,
}

impl Share {
    fn step(&self) -> u64 {
        self.batch * self.world
    }

    fn full_steps(&self) -> u64 {
        self.rows.saturating_sub(self.start) / self.step()
    }

    /// The global rows left after the full steps.
    fn tail(&self) -> (u64, u64) {
        let begin = self.start + self.full_steps() * self.step();
        (begin, self.rows.saturating_sub(begin))
    }

    /// This rank's part of the tail: (first global row, rows).
    fn tail_part(&self) -> (u64, u64) {
        let (begin, len) = self.tail();
        let (q, r) = (len / self.world, len % self.world);
        let first = begin + self.rank * q + self.rank.min(r);
        (first, q + u64::from(self.rank < r))
    }

    /// Batches this rank gets.
    pub fn batches(&self) -> u64 {
        let tail = !self.drop_last && self.tail_part().1 > 0;
        self.full_steps() + u64::from(tail)
    }

    /// Global row positions (indices into [`order`]) of this rank's batch `j`.
    pub fn batch_rows(&self, j: u64) -> std::ops::Range<u64> {
        if j < self.full_steps() {
            let first = self.start + j * self.step() + self.rank * self.batch;
            return first..first + self.batch;
        }
        let (first, len) = self.tail_part();
        first..first + len
    }

    /// The global row offset after this rank has taken `samples` rows of its share (every rank
    /// having taken as many): where a resumed epoch starts. None when `samples` is not at a
    /// batch boundary of a full step nor the end of the rank's share.
    pub fn resume_point(&self, samples: u64) -> Option<u64> {
        let full = self.full_steps() * self.batch;
        if samples <= full && samples.is_multiple_of(self.batch) {
            return Some(self.start + samples / self.batch * self.step());
        }
        let mine = full
            + if self.drop_last {
                0
            } else {
                self.tail_part().1
            };
        (samples == mine).then_some(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(s: &Share) -> Vec<u64> {
        (0..s.batches()).flat_map(|j| s.batch_rows(j)).collect()
    }

    #[test]
    fn ranks_take_every_row_once_and_resume_at_any_world_size() {
        for (rows, batch, world) in [(10, 2, 2), (11, 3, 2), (7, 4, 3), (3, 4, 2), (12, 3, 4)] {
            let share = |rank, start, drop_last| Share {
                rows,
                batch,
                rank,
                world,
                start,
                drop_last,
            };
            let mut all: Vec<u64> = (0..world)
                .flat_map(|r| rows_of(&share(r, 0, false)))
                .collect();
            all.sort();
            assert_eq!(all, (0..rows).collect::<Vec<_>>(), "{rows} {batch} {world}");
            let kept: usize = (0..world).map(|r| rows_of(&share(r, 0, true)).len()).sum();
            assert_eq!(kept as u64, rows / (batch * world) * batch * world);
            // One full step taken, resumed by one rank of batch 1: the rest, once.
            if let Some(at) = share(0, 0, false).resume_point(batch).filter(|&a| a < rows) {
                let one = Share {
                    rows,
                    batch: 1,
                    rank: 0,
                    world: 1,
                    start: at,
                    drop_last: false,
                };
                assert_eq!(rows_of(&one), (batch * world..rows).collect::<Vec<_>>());
            }
        }
        let s = Share {
            rows: 10,
            batch: 2,
            rank: 0,
            world: 2,
            start: 0,
            drop_last: false,
        };
        assert_eq!(s.resume_point(1), None, "mid-batch");
        // Rank 0 of 10 rows: two full steps (4 of its rows), then 1 of the 2-row tail.
        assert_eq!(s.resume_point(4), Some(8));
        assert_eq!(
            s.resume_point(5),
            Some(10),
            "its whole share: the epoch is done"
        );
        assert_eq!(s.resume_point(6), None);
    }

    #[test]
    fn keyed_order_is_a_permutation_fixed_by_seed_and_epoch() {
        let a = order(1000, 3, 1, true, "t");
        let mut s = a.clone();
        s.sort();
        assert_eq!(s, (0..1000).collect::<Vec<_>>());
        assert_eq!(a, order(1000, 3, 1, true, "t"));
        assert_ne!(a, order(1000, 3, 2, true, "t"));
        assert_ne!(a, order(1000, 4, 1, true, "t"));
        assert_eq!(order(5, 3, 1, false, "t"), vec![0, 1, 2, 3, 4]);
    }
}
