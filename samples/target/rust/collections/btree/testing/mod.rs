pub mod crash_test;
pub mod ord_chaos;
pub mod rng;
