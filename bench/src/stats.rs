//! Latency summaries and recall.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// Summary of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Latency {
    /// Samples.
    pub n: usize,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// Mean.
    pub mean_ms: f64,
}

impl Latency {
    /// Summarise `seconds` (one sample per query).
    pub fn of(seconds: &[f64]) -> Self {
        if seconds.is_empty() {
            return Self::default();
        }
        let mut ms: Vec<f64> = seconds.iter().map(|s| s * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        Self {
            n: ms.len(),
            p50_ms: percentile(&ms, 0.50),
            p95_ms: percentile(&ms, 0.95),
            mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
        }
    }

    /// `p50 1.23 ms, p95 2.34 ms`.
    pub fn describe(&self) -> String {
        format!(
            "p50 {} ms, p95 {} ms",
            fmt_ms(self.p50_ms),
            fmt_ms(self.p95_ms)
        )
    }
}

/// Milliseconds with a precision that suits their size.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

/// The `p` quantile (0..=1) of sorted values, by the nearest-rank method.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Median of unsorted values.
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    percentile(&v, 0.5)
}

/// recall@k of one query: the share of the exact neighbours found (1.0 when there are none).
pub fn recall(found: &[Uuid], exact: &[Uuid]) -> f64 {
    if exact.is_empty() {
        return 1.0;
    }
    let found: HashSet<&Uuid> = found.iter().collect();
    exact.iter().filter(|id| found.contains(id)).count() as f64 / exact.len() as f64
}

/// Mean recall over queries.
pub fn mean_recall(found: &[Vec<Uuid>], exact: &[Vec<Uuid>]) -> f64 {
    if exact.is_empty() {
        return f64::NAN;
    }
    found
        .iter()
        .zip(exact)
        .map(|(f, e)| recall(f, e))
        .sum::<f64>()
        / exact.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_recall() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.95), 95.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        let l = Latency::of(&[0.001, 0.003, 0.002]);
        assert_eq!((l.n, l.p50_ms), (3, 2.0));
        let ids: Vec<Uuid> = (0..4).map(Uuid::from_u128).collect();
        assert_eq!(recall(&ids[..2], &ids[1..3]), 0.5);
        assert_eq!(recall(&[], &[]), 1.0);
        let all = std::slice::from_ref(&ids);
        assert_eq!(mean_recall(all, all), 1.0);
    }
}
