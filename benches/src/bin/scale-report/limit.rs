//! The disk's physical limit for durable acknowledgements, measured in the
//! same run as the figures it bounds.
//!
//! A durable acknowledgement needs its commit's WAL append to be fsynced, so
//! one caller can be acknowledged at most once per fsync (`1 / fsync`), and
//! `c` concurrent callers, whose registrations a group commit carries in one
//! fsync, at most `c` times per fsync (`c / fsync`). The fsync latency is
//! measured the way a WAL commit pays it: write the next frame (one 4 KiB
//! page plus a 24-byte header) of a file laid out beforehand, as a WAL in
//! steady state is rewritten from its start after each checkpoint, and
//! `fdatasync` it, a few hundred times; the figure is the median. Because the latency drifts, a
//! short probe also runs before each durable round and after the last, and
//! each round is set against the mean of the probes on either side of it.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// Timed fsyncs per measurement (after a few untimed ones).
pub const FSYNCS: usize = 300;

/// Bytes appended before each fsync: a WAL frame (header and one page).
const APPEND: usize = 24 + 4096;

/// The measured fsync latency.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Fsync {
    /// Median latency of one append + `fdatasync`, microseconds.
    pub median_us: f64,
    /// 10th and 90th percentile, microseconds.
    pub p10_us: f64,
    /// 90th percentile, microseconds.
    pub p90_us: f64,
    /// Fsyncs timed.
    pub samples: usize,
}

impl Fsync {
    /// Acknowledgements per second that `callers` concurrent callers reach
    /// at best: `callers` per fsync.
    pub fn limit(&self, callers: u64) -> f64 {
        if self.median_us > 0.0 { callers as f64 * 1e6 / self.median_us } else { 0.0 }
    }
}

/// Fsyncs of a probe between two durable rounds (or fewer, see [`probe`]).
pub const PROBE_FSYNCS: usize = 100;

/// Appends and fsyncs up to `count` frames to a file in `dir` (removed
/// afterwards), stopping early after `budget`; returns each latency in µs,
/// after `warm` untimed ones.
fn samples(dir: &Path, count: usize, warm: usize, budget: Duration) -> std::io::Result<Vec<f64>> {
    let path = dir.join("fsync-probe");
    let mut file = OpenOptions::new().create(true).truncate(true).write(true).open(&path)?;
    let frame = vec![0x5au8; APPEND];
    // A WAL in steady state is rewritten from its start after each checkpoint, so its
    // commits do not grow the file (no file-size metadata to sync): lay the file out
    // first, then rewrite it frame by frame.
    for _ in 0..count + warm {
        file.write_all(&frame)?;
    }
    file.sync_all()?;
    file.seek(SeekFrom::Start(0))?;
    let mut samples = Vec::with_capacity(count);
    let begin = Instant::now();
    for i in 0..count + warm {
        let start = Instant::now();
        file.write_all(&frame)?;
        file.sync_data()?;
        if i >= warm {
            samples.push(start.elapsed().as_secs_f64() * 1e6);
            if begin.elapsed() >= budget && samples.len() >= 10 {
                break;
            }
        }
    }
    drop(file);
    std::fs::remove_file(&path)?;
    Ok(samples)
}

/// The median fsync latency (µs) of a short probe between two durable rounds:
/// up to [`PROBE_FSYNCS`] fsyncs or 0.2 s.
pub fn probe(dir: &Path) -> std::io::Result<f64> {
    let mut s = samples(dir, PROBE_FSYNCS, 2, Duration::from_millis(200))?;
    s.sort_by(f64::total_cmp);
    Ok(s[s.len() / 2])
}

/// Fsyncs of one probe between the slices of a 1-caller round (see
/// `durable::rounds`): few, so the probes take little of the round's time.
pub const SLICE_FSYNCS: usize = 20;

/// The latencies (µs) of one short probe between two slices of acks: up to
/// [`SLICE_FSYNCS`] fsyncs or 20 ms.
pub fn probe_slice(dir: &Path) -> std::io::Result<Vec<f64>> {
    samples(dir, SLICE_FSYNCS, 1, Duration::from_millis(20))
}

/// Measures the fsync latency of a file in `dir` (removed afterwards):
/// [`FSYNCS`] fsyncs after 10 untimed ones.
pub fn measure(dir: &Path) -> std::io::Result<Fsync> {
    let mut samples = samples(dir, FSYNCS, 10, Duration::MAX)?;
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    Ok(Fsync { median_us: at(0.5), p10_us: at(0.1), p90_us: at(0.9), samples: samples.len() })
}
