//! What an application developer would pick instead of a purpose-built
//! scheduler: the apalis job queue with its SQLite backend (`apalis-sqlite`
//! 1.0 on `sqlx`), enqueueing the same workload durably, in the same run.
//!
//! Each registration becomes one job (`{ sw, tag }`, the durable callers'
//! workers and 16-byte tags) pushed with `TaskSink::push`, which resolves
//! once its transaction has committed. The schema comes from
//! `SqliteStorage::setup`; then every pooled connection is opened in WAL with
//! `synchronous=FULL` (`setup` itself sets `OFF` on the one connection that
//! runs it, which does not survive a power loss), so an acknowledged job is
//! on disk, as an acknowledged registration is.

use crate::ReportError;
use crate::durable::{Acks, CALLERS, rounds};
use crate::in_memory::Limit;
use apalis_core::backend::TaskSink;
use apalis_sqlite::{SqlitePool, SqliteStorage};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;

/// One job: the registration the engine would store.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SyncJob {
    sw: u64,
    tag: String,
}

/// apalis's durable enqueue rates, and the engine's over them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ApalisFigures {
    /// Durable jobs per second with 1 caller: median of the rounds.
    pub jobs_per_sec_1: f64,
    /// Each round, 1 caller.
    pub jobs_per_sec_1_rounds: Vec<f64>,
    /// Durable jobs per second with 64 callers: median of the rounds.
    pub jobs_per_sec_64: f64,
    /// Each round, 64 callers.
    pub jobs_per_sec_64_rounds: Vec<f64>,
    /// Jobs that failed to enqueue.
    pub failures: u64,
    /// Engine durable acks ÷ apalis durable jobs, 1 caller (same size, same run).
    pub engine_over_apalis_1: Option<f64>,
    /// The same with 64 callers.
    pub engine_over_apalis_64: Option<f64>,
}

async fn pool(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    let url = format!("sqlite:{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    SqlitePoolOptions::new().connect_with(options).await
}

/// Measures apalis with files in `dir`.
pub fn measure(dir: &Path, one: Limit, many: Limit) -> Result<ApalisFigures, ReportError> {
    let path = dir.join("apalis.db");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let (a1, am) = runtime.block_on(async {
        let check = |e: sqlx::Error| ReportError::Check(format!("apalis: {e}"));
        {
            // The schema, through the crate's own setup, on a pool that is then closed.
            let setup = pool(&path).await.map_err(check)?;
            SqliteStorage::setup(&setup).await.map_err(|e| ReportError::Check(format!("apalis setup: {e}")))?;
            setup.close().await;
        }
        let pool = pool(&path).await.map_err(check)?;
        let storage: SqliteStorage<SyncJob> = SqliteStorage::new(&pool);
        let push = move |c: u64, tag: String| {
            let mut storage = storage.clone();
            async move { storage.push(SyncJob { sw: c, tag }).await.is_ok() }
        };
        let a1: Acks = rounds(1, one, 0, 1, None, push.clone()).await;
        let am: Acks = rounds(CALLERS, many, crate::durable::ROUNDS, 1, None, push).await;
        pool.close().await;
        Ok::<_, ReportError>((a1, am))
    })?;
    Ok(ApalisFigures {
        jobs_per_sec_1: a1.per_sec,
        jobs_per_sec_1_rounds: a1.rounds,
        jobs_per_sec_64: am.per_sec,
        jobs_per_sec_64_rounds: am.rounds,
        failures: a1.failures + am.failures,
        engine_over_apalis_1: None,
        engine_over_apalis_64: None,
    })
}
