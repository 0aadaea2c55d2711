//! What a process tree (the app and WebKit's processes) costs in memory, read from /proc.
//!
//! The figure is the kernel's PSS, which splits each shared page between every process that
//! maps it. The machine's other processes count too: where another WebKit app runs, WebKit's
//! and GTK's library pages are split with it and the app's PSS drops although it costs the
//! same. So beside it comes the tree's cost as if it ran alone: each physical page the tree maps
//! counted once, split between the tree's own processes. That needs the pages' frame numbers
//! from `/proc/<pid>/pagemap`, which Linux shows only to root.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

const PAGE: u64 = 4096;
/// Largest read from a pagemap at once (8 bytes a page: 8 MB of pages mapped).
const CHUNK_PAGES: u64 = 2048;

pub struct Memory {
    /// Bytes of the kernel's PSS summed over the tree.
    pub pss: u64,
    /// Bytes of the pages the tree maps, each counted once (`None` when not root).
    pub alone: Option<u64>,
    pub rss: u64,
    /// Each process, `name PSS (alone, RSS)`.
    pub processes: String,
}

/// `root` and its descendants.
pub fn of_tree(root: u32) -> Memory {
    let (tree, names) = tree(root);
    let frames: Option<Vec<Vec<u64>>> = tree.iter().map(|pid| resident_frames(*pid)).collect();
    // Per frame, how many of the tree's processes map it.
    let mut sharers: HashMap<u64, u32> = HashMap::new();
    for frame in frames.iter().flatten().flatten() {
        *sharers.entry(*frame).or_default() += 1;
    }
    let mut memory = Memory {
        pss: 0,
        alone: frames.as_ref().map(|_| sharers.len() as u64 * PAGE),
        rss: 0,
        processes: String::new(),
    };
    let mut parts = Vec::new();
    for (i, pid) in tree.iter().enumerate() {
        let rss = kb_field(&format!("/proc/{pid}/status"), "VmRSS:");
        let pss = kb_field(&format!("/proc/{pid}/smaps_rollup"), "Pss:");
        memory.rss += rss;
        memory.pss += pss;
        let name = names.get(pid).map_or("?", String::as_str);
        let alone = frames.as_ref().map_or(String::new(), |frames| {
            let shares: f64 = frames[i]
                .iter()
                .map(|f| 1.0 / f64::from(sharers.get(f).copied().unwrap_or(1)))
                .sum();
            format!("{:.0} MB alone, ", shares * PAGE as f64 / 1e6)
        });
        parts.push(format!(
            "{name} {:.0} MB PSS ({alone}{:.0} MB RSS)",
            pss as f64 / 1e6,
            rss as f64 / 1e6
        ));
    }
    memory.processes = parts.join(", ");
    memory
}

/// `root` and its descendants, parents first.
pub fn pids_of_tree(root: u32) -> Vec<u32> {
    tree(root).0
}

/// `root` and its descendants (parents first), and every process's name.
fn tree(root: u32) -> (Vec<u32>, HashMap<u32, String>) {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            names.insert(pid, stat[open + 1..close].to_owned());
            if let Some(ppid) = stat[close + 1..]
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
            {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    // Bounded by the number of processes: each pid is visited once.
    while i < tree.len() && i < 10_000 {
        tree.extend(children.get(&tree[i]).into_iter().flatten());
        i += 1;
    }
    (tree, names)
}

/// The frame numbers of `pid`'s resident pages; `None` when the kernel hides them (not root)
/// or the process is gone.
fn resident_frames(pid: u32) -> Option<Vec<u64>> {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
    let pagemap = File::open(format!("/proc/{pid}/pagemap")).ok()?;
    let mut frames = Vec::new();
    let mut range = None;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if let Some((start, end)) = first.split_once('-') {
            if let (Ok(start), Ok(end)) =
                (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16))
            {
                range = Some((start, end));
                continue;
            }
        }
        // Only the mappings with something resident: JavaScriptCore reserves gigabytes it
        // never touches, and reading their page entries would take seconds.
        let resident = line
            .strip_prefix("Rss:")
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|kb| kb > 0);
        if resident {
            if let Some((start, end)) = range.take() {
                read_frames(&pagemap, start / PAGE, end / PAGE, &mut frames)?;
            }
        }
    }
    // Frames read as 0 on every present page: the kernel hides them from this user.
    if !frames.is_empty() && frames.iter().all(|f| *f == 0) {
        return None;
    }
    Some(frames)
}

/// Appends the frames of the present pages in `[first, end)` (page numbers).
fn read_frames(pagemap: &File, first: u64, end: u64, frames: &mut Vec<u64>) -> Option<()> {
    // Seek and read rather than Unix's positioned read, so xtask builds on every platform.
    let mut pagemap = pagemap;
    let mut page = first;
    let mut buf = vec![0u8; (CHUNK_PAGES * 8) as usize];
    while page < end {
        let count = (end - page).min(CHUNK_PAGES);
        let bytes = &mut buf[..(count * 8) as usize];
        pagemap.seek(SeekFrom::Start(page * 8)).ok()?;
        pagemap.read_exact(bytes).ok()?;
        for entry in bytes.chunks_exact(8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(entry);
            let entry = u64::from_le_bytes(word);
            // Bit 63: present; bits 0–54: the frame number.
            if entry >> 63 == 1 {
                frames.push(entry & ((1 << 55) - 1));
            }
        }
        page += count;
    }
    Some(())
}

/// A `kB` line of a /proc file, in bytes; 0 when absent.
fn kb_field(path: &str, field: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    // /proc is Linux's; elsewhere the bench reports no memory figure.
    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_counts_its_own_pages() {
        let memory = of_tree(std::process::id());
        assert!(memory.rss > 0);
        assert!(memory.pss > 0, "{}", memory.processes);
        // One process alone: its distinct pages, at most what it has resident.
        if let Some(alone) = memory.alone {
            assert!(alone > 0 && alone <= memory.rss, "{}", memory.processes);
        }
    }
}
