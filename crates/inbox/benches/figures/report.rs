//! The report: `report.json` (`{"machine", "figures": [{name, value, unit, target, pass}]}`)
//! and `report.md`, which also carries each figure's spread (median, p99, runs) and the notes.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// As the issue states it, e.g. `≤ 30 ms`.
    pub target: String,
    pub pass: bool,
    /// For the readable report only: spread and what was measured.
    pub detail: String,
}

impl Figure {
    /// A figure that passes when `value <= limit`.
    pub fn at_most(name: &str, value: f64, unit: &str, limit: f64, detail: String) -> Figure {
        Figure {
            name: name.to_owned(),
            value: round(value),
            unit: unit.to_owned(),
            target: format!("≤ {} {unit}", round(limit)),
            pass: value <= limit,
            detail,
        }
    }

    /// A figure the issue asks to see, with no target of its own.
    pub fn info(name: &str, value: f64, unit: &str, detail: String) -> Figure {
        Figure {
            name: name.to_owned(),
            value: round(value),
            unit: unit.to_owned(),
            target: "reported".to_owned(),
            pass: true,
            detail,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "pass": self.pass,
        })
    }

    fn from_json(value: &Value, detail: String) -> Option<Figure> {
        Some(Figure {
            name: value.get("name")?.as_str()?.to_owned(),
            value: value.get("value")?.as_f64()?,
            unit: value.get("unit")?.as_str()?.to_owned(),
            target: value.get("target")?.as_str()?.to_owned(),
            pass: value.get("pass")?.as_bool()?,
            detail,
        })
    }
}

/// Three significant decimals are plenty for any figure here.
pub fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Median and 99th percentile (nearest rank) of `samples`, in their unit.
pub fn median_p99(samples: &[f64]) -> (f64, f64) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let rank =
        |q: f64| sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1];
    (rank(0.5), rank(0.99))
}

pub struct Report {
    pub machine: Value,
    pub figures: Vec<Figure>,
    pub notes: Vec<String>,
}

impl Report {
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let json = json!({
            "machine": self.machine,
            "figures": self.figures.iter().map(Figure::to_json).collect::<Vec<_>>(),
        });
        std::fs::write(
            dir.join("report.json"),
            serde_json::to_string_pretty(&json)?,
        )?;
        // The details and notes do not fit the JSON's shape; they travel beside it for a merge.
        let extra = json!({
            "details": self.figures.iter().map(|f| json!([f.name, f.detail])).collect::<Vec<_>>(),
            "notes": self.notes,
        });
        std::fs::write(dir.join("report-details.json"), extra.to_string())?;
        std::fs::write(dir.join("report.md"), self.markdown())
    }

    /// Reads a report written by [`Report::write`].
    pub fn read(dir: &Path) -> std::io::Result<Report> {
        let parse = |name: &str| -> std::io::Result<Value> {
            let text = std::fs::read_to_string(dir.join(name))?;
            serde_json::from_str(&text).map_err(std::io::Error::other)
        };
        let main = parse("report.json")?;
        let extra = parse("report-details.json").unwrap_or(Value::Null);
        let detail_of = |name: &str| -> String {
            extra["details"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d[0].as_str() == Some(name))
                .and_then(|d| d[1].as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let figures = main["figures"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| Figure::from_json(f, detail_of(f["name"].as_str().unwrap_or(""))))
            .collect();
        let notes = extra["notes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect();
        Ok(Report {
            machine: main["machine"].clone(),
            figures,
            notes,
        })
    }

    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::from("# Mostrador benchmarks\n\n");
        let _ = writeln!(
            out,
            "Machine: {} cores, {}, {} GB RAM, {}; load average {} at the start{}.\n",
            m["cores"],
            m["cpu"].as_str().unwrap_or("?"),
            m["ram_gb"],
            m["os"].as_str().unwrap_or("?"),
            m["load_at_start"].as_str().unwrap_or("?"),
            m["load_at_end"]
                .as_str()
                .map(|l| format!(", {l} at the end"))
                .unwrap_or_default(),
        );
        out.push_str("| figure | value | target | result | detail |\n|---|---|---|---|---|\n");
        for f in &self.figures {
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} |",
                f.name,
                f.value,
                f.unit,
                f.target,
                if f.pass { "pass" } else { "**miss**" },
                f.detail.replace('|', "/"),
            );
        }
        if !self.notes.is_empty() {
            out.push_str("\n## Notes\n\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }

    /// A short table for the terminal.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for f in &self.figures {
            let _ = writeln!(
                out,
                "{:<4} {:<46} {:>12} {:<5} target {}",
                if f.pass { "ok" } else { "MISS" },
                f.name,
                f.value,
                f.unit,
                f.target
            );
        }
        out
    }
}
