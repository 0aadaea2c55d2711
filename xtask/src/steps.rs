//! Named steps run in order: stop at the first failure, then one summary line per step.

use std::time::{Duration, Instant};

use crate::Result;

pub struct Steps {
    planned: Vec<&'static str>,
    done: Vec<(&'static str, Duration, bool)>,
}

impl Steps {
    pub fn new(planned: &[&'static str]) -> Self {
        Self {
            planned: planned.to_vec(),
            done: Vec::new(),
        }
    }

    pub fn run(&mut self, name: &'static str, step: impl FnOnce() -> Result) -> Result {
        debug_assert!(self.planned.contains(&name), "unplanned step {name}");
        println!("\n==> {name}");
        let started = Instant::now();
        let result = step();
        self.done.push((name, started.elapsed(), result.is_ok()));
        result.map_err(|e| format!("step `{name}` failed: {e}"))
    }

    pub fn summary(&self) {
        println!("\nsummary:");
        for (name, took, ok) in &self.done {
            let mark = if *ok { "ok  " } else { "FAIL" };
            println!("  {mark} {name:<22} {:>7.1}s", took.as_secs_f64());
        }
        for name in self.planned.iter().skip(self.done.len()) {
            println!("  skip {name:<22}    (not run)");
        }
        let passed = self.done.iter().filter(|(_, _, ok)| *ok).count();
        let failed = self.done.len() - passed;
        println!("steps: {passed} passed, {failed} failed");
    }
}
