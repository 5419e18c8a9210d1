//! How good frozen features are, measured on the host: kNN top-1 (cosine, weighted vote as in
//! Wu et al. 2018 and DINO) and a linear probe (softmax regression). Work is split in fixed-size
//! chunks whose partial sums are added in order, so results are the same at any thread count.

use rayon::prelude::*;

/// Features `[n, dim]` row-major with a class per row.
pub struct Labelled<'a> {
    pub x: &'a [f32],
    pub y: &'a [u32],
    pub dim: usize,
}

impl Labelled<'_> {
    fn rows(&self) -> usize {
        self.y.len()
    }
    fn row(&self, i: usize) -> &[f32] {
        &self.x[i * self.dim..(i + 1) * self.dim]
    }
}

/// Each row scaled to unit length (zero rows stay zero).
pub fn normalize_rows(x: &mut [f32], dim: usize) {
    for r in x.chunks_mut(dim.max(1)) {
        let n = r.iter().map(|v| v * v).sum::<f32>().sqrt();
        if n > 0.0 {
            r.iter_mut().for_each(|v| *v /= n);
        }
    }
}

/// The vote temperature of the weighted kNN classifier (exp(similarity / 0.07)).
const KNN_T: f32 = 0.07;

/// Top-1 accuracy of a `k`-nearest-neighbour classifier: queries against the bank by cosine
/// similarity (rows are normalised here), each neighbour voting `exp(sim / 0.07)` for its class.
pub fn knn_top1(bank: &Labelled, queries: &Labelled, k: usize, classes: usize) -> f64 {
    let mut b = bank.x.to_vec();
    let mut q = queries.x.to_vec();
    normalize_rows(&mut b, bank.dim);
    normalize_rows(&mut q, queries.dim);
    let bank = Labelled { x: &b, ..*bank };
    let queries = Labelled { x: &q, ..*queries };
    let k = k.min(bank.rows()).max(1);
    let right: usize = (0..queries.rows())
        .into_par_iter()
        .map(|i| {
            let qi = queries.row(i);
            let mut sims: Vec<(f32, usize)> = (0..bank.rows())
                .map(|j| (dot(qi, bank.row(j)), j))
                .collect();
            // Highest similarity first; ties by bank order, so the vote is a pure function.
            sims.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut votes = vec![0f64; classes];
            for &(s, j) in &sims[..k] {
                votes[bank.y[j] as usize] += ((s / KNN_T) as f64).exp();
            }
            usize::from(argmax(&votes) == queries.y[i] as usize)
        })
        .sum();
    right as f64 / queries.rows().max(1) as f64
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// First index of the largest value.
fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Rows per chunk of the linear probe's gradient.
const CHUNK: usize = 256;

/// Top-1 accuracy on `test` of a softmax regression fitted on `train`: features standardised
/// with the train statistics, full-batch Adam (lr 0.01, 300 steps) on the mean cross-entropy
/// with L2 penalty 1e-4.
pub fn linear_top1(train: &Labelled, test: &Labelled, classes: usize) -> f64 {
    let d = train.dim;
    let n = train.rows().max(1);
    // Standardisation from the train rows.
    let mut mean = vec![0f64; d];
    let mut var = vec![0f64; d];
    for i in 0..train.rows() {
        for (m, &v) in mean.iter_mut().zip(train.row(i)) {
            *m += v as f64 / n as f64;
        }
    }
    for i in 0..train.rows() {
        for ((s, &m), &v) in var.iter_mut().zip(&mean).zip(train.row(i)) {
            *s += (v as f64 - m).powi(2) / n as f64;
        }
    }
    let scale: Vec<f32> = var.iter().map(|v| 1.0 / (v.sqrt() as f32 + 1e-6)).collect();
    let std = |x: &[f32]| -> Vec<f32> {
        x.chunks(d)
            .flat_map(|r| {
                r.iter()
                    .zip(&mean)
                    .zip(&scale)
                    .map(|((&v, &m), &s)| (v - m as f32) * s)
            })
            .collect()
    };
    let (xtr, xte) = (std(train.x), std(test.x));
    let cols = d + 1;
    let mut w = vec![0f32; classes * cols];
    let (mut m1, mut m2) = (vec![0f32; w.len()], vec![0f32; w.len()]);
    let (lr, wd, b1, b2) = (0.01f32, 1e-4f32, 0.9f32, 0.999f32);
    for t in 1..=300 {
        let partial: Vec<Vec<f32>> = xtr
            .par_chunks(CHUNK * d)
            .zip(train.y.par_chunks(CHUNK))
            .map(|(x, y)| {
                let mut g = vec![0f32; classes * cols];
                for (r, &label) in x.chunks(d).zip(y) {
                    let p = softmax(&logits(&w, r, classes));
                    for c in 0..classes {
                        let e = p[c] - f32::from(c as u32 == label);
                        let gc = &mut g[c * cols..(c + 1) * cols];
                        gc.iter_mut().zip(r).for_each(|(g, &v)| *g += e * v);
                        gc[d] += e;
                    }
                }
                g
            })
            .collect();
        let mut g = vec![0f32; w.len()];
        for p in partial {
            g.iter_mut().zip(p).for_each(|(a, b)| *a += b);
        }
        let (c1, c2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        for i in 0..w.len() {
            let gi = g[i] / n as f32 + wd * w[i];
            m1[i] = b1 * m1[i] + (1.0 - b1) * gi;
            m2[i] = b2 * m2[i] + (1.0 - b2) * gi * gi;
            w[i] -= lr * (m1[i] / c1) / ((m2[i] / c2).sqrt() + 1e-8);
        }
    }
    let right = xte
        .chunks(d)
        .zip(test.y)
        .filter(|(r, y)| {
            let l: Vec<f64> = logits(&w, r, classes).iter().map(|&v| v as f64).collect();
            argmax(&l) == **y as usize
        })
        .count();
    right as f64 / test.rows().max(1) as f64
}

fn logits(w: &[f32], r: &[f32], classes: usize) -> Vec<f32> {
    let cols = r.len() + 1;
    (0..classes)
        .map(|c| dot(&w[c * cols..c * cols + r.len()], r) + w[c * cols + r.len()])
        .collect()
}

fn softmax(l: &[f32]) -> Vec<f32> {
    let m = l.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = l.iter().map(|v| (v - m).exp()).collect();
    let s: f32 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two classes on two rays: kNN and the probe both classify every held-out point.
    #[test]
    fn separable_classes_are_classified() {
        let pts = |n: usize, off: f32| -> (Vec<f32>, Vec<u32>) {
            let mut x = Vec::new();
            let mut y = Vec::new();
            for i in 0..n {
                let t = i as f32 * 0.01;
                x.extend([1.0 + t, off + t * 0.1, 0.5]);
                x.extend([off + t * 0.1, 1.0 + t, -0.5]);
                y.extend([0, 1]);
            }
            (x, y)
        };
        let (bx, by) = pts(20, 0.0);
        let (qx, qy) = pts(5, 0.05);
        let bank = Labelled {
            x: &bx,
            y: &by,
            dim: 3,
        };
        let q = Labelled {
            x: &qx,
            y: &qy,
            dim: 3,
        };
        assert_eq!(knn_top1(&bank, &q, 5, 2), 1.0);
        assert_eq!(linear_top1(&bank, &q, 2), 1.0);
        // Labels that do not follow the features: the probe cannot beat chance on them by much.
        let flipped: Vec<u32> = qy.iter().map(|y| 1 - y).collect();
        let q = Labelled {
            x: &qx,
            y: &flipped,
            dim: 3,
        };
        assert_eq!(knn_top1(&bank, &q, 5, 2), 0.0);
    }
}
