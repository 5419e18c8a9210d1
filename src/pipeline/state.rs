//! The scheduler's state in an embedded SQLite database: one row per (pipeline, slot), inserted
//! before the slot's run is started, so a crash can never start a slot twice.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};

pub struct State {
    db: Connection,
}

/// (run id, slot, pid, retry time) of a row in some status.
pub type SlotRow = (i64, String, Option<u32>, Option<String>);

/// One row of `runs`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Run {
    pub id: i64,
    pub pipeline: String,
    pub slot: String,
    /// queued | running | succeeded | failed | skipped | cancelled | interrupted
    pub status: String,
    pub attempts: i64,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub note: Option<String>,
}

fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| err!(input("state database {}: {e}", path.display()))
}

impl State {
    pub fn open(path: &Path) -> Result<Self> {
        let err = db_err(path);
        let db = Connection::open(path).map_err(&err)?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS pipelines (
                 name TEXT PRIMARY KEY, file TEXT NOT NULL, since TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS runs (
                 id INTEGER PRIMARY KEY,
                 pipeline TEXT NOT NULL,
                 slot TEXT NOT NULL,
                 status TEXT NOT NULL,
                 attempts INTEGER NOT NULL DEFAULT 0,
                 pid INTEGER,
                 started_at TEXT,
                 finished_at TEXT,
                 retry_at TEXT,
                 note TEXT,
                 UNIQUE (pipeline, slot));
             CREATE TABLE IF NOT EXISTS steps (
                 run_id INTEGER NOT NULL REFERENCES runs(id),
                 step TEXT NOT NULL,
                 kind TEXT NOT NULL,
                 fingerprint TEXT NOT NULL,
                 PRIMARY KEY (run_id, step));",
        )
        .map_err(&err)?;
        Ok(State { db })
    }

    /// When the scheduler first saw `pipeline`: slots before it are never due.
    pub fn since(&self, pipeline: &str, file: &str, now: &str) -> Result<String> {
        self.db
            .execute(
                "INSERT OR IGNORE INTO pipelines (name, file, since) VALUES (?1, ?2, ?3)",
                params![pipeline, file, now],
            )
            .map_err(|e| Error::internal(e.to_string()))?;
        self.db
            .query_row(
                "SELECT since FROM pipelines WHERE name = ?1",
                [pipeline],
                |r| r.get(0),
            )
            .map_err(|e| Error::internal(e.to_string()))
    }

    /// The latest slot with a row.
    pub fn last_slot(&self, pipeline: &str) -> Result<Option<String>> {
        self.db
            .query_row(
                "SELECT max(slot) FROM runs WHERE pipeline = ?1",
                [pipeline],
                |r| r.get(0),
            )
            .optional()
            .map(|o| o.flatten())
            .map_err(|e| Error::internal(e.to_string()))
    }

    /// Insert a slot row; false when the slot already has one (it will not run again).
    pub fn insert(
        &self,
        pipeline: &str,
        slot: &str,
        status: &str,
        note: Option<&str>,
    ) -> Result<bool> {
        let n = self
            .db
            .execute(
                "INSERT OR IGNORE INTO runs (pipeline, slot, status, note) VALUES (?1, ?2, ?3, ?4)",
                params![pipeline, slot, status, note],
            )
            .map_err(|e| Error::internal(e.to_string()))?;
        Ok(n == 1)
    }

    pub fn set(&self, id: i64, status: &str, note: Option<&str>, now: &str) -> Result<()> {
        let finished = matches!(status, "succeeded" | "failed" | "cancelled" | "interrupted");
        self.db
            .execute(
                "UPDATE runs SET status = ?2, note = coalesce(?3, note),
                     finished_at = CASE WHEN ?4 THEN ?5 ELSE finished_at END WHERE id = ?1",
                params![id, status, note, finished, now],
            )
            .map(|_| ())
            .map_err(|e| Error::internal(e.to_string()))
    }

    pub fn started(&self, id: i64, pid: u32, now: &str) -> Result<()> {
        self.db
            .execute(
                "UPDATE runs SET status = 'running', pid = ?2, attempts = attempts + 1,
                     started_at = coalesce(started_at, ?3), retry_at = NULL WHERE id = ?1",
                params![id, pid, now],
            )
            .map(|_| ())
            .map_err(|e| Error::internal(e.to_string()))
    }

    pub fn retry_at(&self, id: i64, at: &str) -> Result<()> {
        self.db
            .execute(
                "UPDATE runs SET status = 'queued', retry_at = ?2 WHERE id = ?1",
                params![id, at],
            )
            .map(|_| ())
            .map_err(|e| Error::internal(e.to_string()))
    }

    pub fn step(&self, run: i64, step: &str, kind: &str, fingerprint: &str) -> Result<()> {
        self.db
            .execute(
                "INSERT OR REPLACE INTO steps (run_id, step, kind, fingerprint) VALUES (?1, ?2, ?3, ?4)",
                params![run, step, kind, fingerprint],
            )
            .map(|_| ())
            .map_err(|e| Error::internal(e.to_string()))
    }

    /// Rows in `status`, oldest slot first, with their pid and retry time.
    pub fn with_status(&self, pipeline: &str, status: &str) -> Result<Vec<SlotRow>> {
        let mut st = self
            .db
            .prepare("SELECT id, slot, pid, retry_at FROM runs WHERE pipeline = ?1 AND status = ?2 ORDER BY slot")
            .map_err(|e| Error::internal(e.to_string()))?;
        let rows = st
            .query_map(params![pipeline, status], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(|e| Error::internal(e.to_string()))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| Error::internal(e.to_string()))
    }

    pub fn attempts(&self, id: i64) -> Result<i64> {
        self.db
            .query_row("SELECT attempts FROM runs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(|e| Error::internal(e.to_string()))
    }

    pub fn runs(&self, pipeline: Option<&str>) -> Result<Vec<Run>> {
        let mut st = self
            .db
            .prepare(
                "SELECT id, pipeline, slot, status, attempts, started_at, finished_at, note FROM runs
                 WHERE ?1 IS NULL OR pipeline = ?1 ORDER BY pipeline, slot",
            )
            .map_err(|e| Error::internal(e.to_string()))?;
        let rows = st
            .query_map([pipeline], |r| {
                Ok(Run {
                    id: r.get(0)?,
                    pipeline: r.get(1)?,
                    slot: r.get(2)?,
                    status: r.get(3)?,
                    attempts: r.get(4)?,
                    started_at: r.get(5)?,
                    finished_at: r.get(6)?,
                    note: r.get(7)?,
                })
            })
            .map_err(|e| Error::internal(e.to_string()))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| Error::internal(e.to_string()))
    }
}
