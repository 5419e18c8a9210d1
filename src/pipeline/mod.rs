//! Pipelines: declarative files of steps (`spec`), checked before they run (`validate`), run in
//! dependency order or as one slice of a cluster job (`run`), and on a cron schedule with state in
//! SQLite (`schedule`, `state`).

pub mod run;
pub mod schedule;
pub mod spec;
pub mod state;
pub mod validate;
