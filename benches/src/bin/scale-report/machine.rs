//! What machine the report ran on.

use serde::Serialize;

/// The machine description written into the report.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Logical CPUs available to the process.
    pub nproc: usize,
    /// `Model name` from `lscpu` (or `/proc/cpuinfo`).
    pub cpu_model: Option<String>,
    /// `MemTotal` from `/proc/meminfo`, in bytes.
    pub memory_bytes: Option<u64>,
    /// `uname -sr`-like kernel string from `/proc/sys/kernel/osrelease`.
    pub kernel: Option<String>,
    /// The 1-minute load average when the report started (other work on the machine skews figures).
    pub load_average_at_start: Option<f64>,
}

fn cpu_model() -> Option<String> {
    let from_lscpu = std::process::Command::new("lscpu").output().ok().and_then(|out| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Model name:").map(|v| v.trim().to_owned()))
    });
    from_lscpu.or_else(|| {
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("model name").and_then(|v| v.split(':').nth(1)).map(|v| v.trim().to_owned()))
    })
}

fn memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The 1-minute load average.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

impl Machine {
    /// Reads the description of this machine.
    pub fn detect() -> Machine {
        Machine {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model: cpu_model(),
            memory_bytes: memory_bytes(),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|s| s.trim().to_owned()),
            load_average_at_start: load_average(),
        }
    }
}
