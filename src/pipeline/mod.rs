//! Pipelines: declarative files of steps (`spec`; each kind behind one trait, `step`; the `sql`
//! kind's own job, `sql`), checked before they run (`validate`), run in dependency order or as one
//! slice of a cluster job (`run`), and on a cron schedule with state in SQLite (`schedule`,
//! `state`).

pub mod run;
pub mod schedule;
pub mod spec;
pub mod sql;
pub mod state;
pub mod step;
pub mod validate;
