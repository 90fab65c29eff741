//! Deterministic pseudo-random numbers and clustered unit vectors.
//!
//! Every row's vector comes from its own generator, seeded from (run seed, stream, row index),
//! so a row's vector does not depend on batch sizes, on the order rows are generated in, or on
//! how many other rows there are.

use entity::vector::EMBEDDING_DIM;

/// SplitMix64 step: a well-mixed 64-bit hash of a counter.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mix several words into one seed.
pub(crate) fn mix(words: &[u64]) -> u64 {
    let mut state = 0x6a09_e667_f3bc_c908_u64;
    let mut out = 0;
    for &w in words {
        state ^= w;
        out = splitmix64(&mut state);
    }
    out
}

/// xoshiro256++: fast, 256 bits of state, fully determined by its seed.
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator seeded from `seed` (through SplitMix64, as the authors recommend).
    pub(crate) fn new(seed: u64) -> Self {
        let mut state = seed;
        Self {
            s: [
                splitmix64(&mut state),
                splitmix64(&mut state),
                splitmix64(&mut state),
                splitmix64(&mut state),
            ],
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[0]
            .wrapping_add(self.s[3])
            .rotate_left(23)
            .wrapping_add(self.s[0]);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by the multiply-shift method.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in (0, 1].
    fn open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Add `sd` times a standard normal sample to each value of `out` (Box-Muller).
    pub(crate) fn add_gaussian(&mut self, out: &mut [f32], sd: f32) {
        let sd = f64::from(sd);
        let mut pairs = out.chunks_exact_mut(2);
        for pair in &mut pairs {
            let (a, b) = self.gaussian_pair();
            pair[0] += (a * sd) as f32;
            pair[1] += (b * sd) as f32;
        }
        if let [last] = pairs.into_remainder() {
            *last += (self.gaussian_pair().0 * sd) as f32;
        }
    }

    fn gaussian_pair(&mut self) -> (f64, f64) {
        let r = (-2.0 * self.open_unit().ln()).sqrt();
        let (sin, cos) = (std::f64::consts::TAU * self.open_unit()).sin_cos();
        (r * cos, r * sin)
    }
}

/// Scale `v` to unit length (left alone if zero).
pub(crate) fn normalize(v: &mut [f32]) {
    let norm = v
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            *x = (f64::from(*x) / norm) as f32;
        }
    }
}

/// Clustered embeddings: `centroids` random unit directions; a vector is one of them (chosen
/// uniformly) plus isotropic Gaussian noise, normalised.
///
/// The noise has a standard deviation of `spread / sqrt(dim)` per dimension, so its expected
/// length is `spread` times the centroid's: with `spread = 1`, a vector's cosine similarity to
/// its centroid is about 0.71 and to another vector of its cluster about 0.5, while vectors of
/// different clusters are nearly orthogonal, roughly like sentence embeddings of texts on one
/// topic versus unrelated ones.
#[derive(Debug, Clone)]
pub struct VectorSpace {
    seed: u64,
    dim: usize,
    centroids: Vec<f32>,
    sd: f32,
}

impl VectorSpace {
    /// A space of `EMBEDDING_DIM` dimensions with `centroids` clusters (at least 1).
    pub fn new(seed: u64, centroids: usize, spread: f32) -> Self {
        let dim = EMBEDDING_DIM;
        let count = centroids.max(1);
        let mut all = vec![0.0_f32; count * dim];
        for (c, centroid) in all.chunks_exact_mut(dim).enumerate() {
            let mut rng = Rng::new(mix(&[seed, 0xc3e7_701d, c as u64]));
            rng.add_gaussian(centroid, 1.0);
            normalize(centroid);
        }
        Self {
            seed,
            dim,
            centroids: all,
            sd: spread / (dim as f32).sqrt(),
        }
    }

    /// Number of dimensions.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of clusters.
    pub fn clusters(&self) -> usize {
        self.centroids.len() / self.dim
    }

    /// Write vector `index` of `stream` into `out` (`dim` values, unit length) and return its
    /// cluster. The same (seed, stream, index) always gives the same vector.
    pub fn fill(&self, stream: u64, index: u64, out: &mut [f32]) -> usize {
        let mut rng = Rng::new(mix(&[self.seed, stream, index]));
        let cluster = rng.below(self.clusters() as u64) as usize;
        out.copy_from_slice(&self.centroids[cluster * self.dim..(cluster + 1) * self.dim]);
        rng.add_gaussian(out, self.sd);
        normalize(out);
        cluster
    }

    /// Vector `index` of `stream`, as a new `Vec`.
    pub fn vector(&self, stream: u64, index: u64) -> Vec<f32> {
        let mut out = vec![0.0; self.dim];
        self.fill(stream, index, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_moments_are_standard() {
        let mut rng = Rng::new(1);
        let mut v = vec![0.0_f32; 100_000];
        rng.add_gaussian(&mut v, 1.0);
        let n = v.len() as f64;
        let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
        let var = v
            .iter()
            .map(|&x| (f64::from(x) - mean).powi(2))
            .sum::<f64>()
            / n;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
    }

    #[test]
    fn below_is_in_range_and_spread() {
        let mut rng = Rng::new(9);
        let mut seen = [0_u32; 7];
        for _ in 0..7_000 {
            seen[rng.below(7) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1_200).contains(&n)), "{seen:?}");
    }
}
