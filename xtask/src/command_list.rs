//! The app's commands are listed once, in `src-tauri/src/command_list.rs` (`app_commands!`),
//! which generates the build's command list and the invoke handler. Two lists stay hand-written
//! because they are another language's: the window's grants in `capabilities/default.json`
//! (`allow-<name>`) and the UI's typed wrappers in `ui/src/lib/api/commands.ts`
//! (`call<…>("<name>", …)`). This checks that they, and the `#[tauri::command]` functions of
//! `src-tauri/src/commands.rs`, name exactly the listed commands.

use std::collections::BTreeSet;
use std::path::Path;

use crate::Result;

pub const SOURCE: &str = "src-tauri/src/command_list.rs";
pub const HANDLERS: &str = "src-tauri/src/commands.rs";
pub const CAPABILITIES: &str = "capabilities/default.json";
pub const WRAPPERS: &str = "ui/src/lib/api/commands.ts";

/// Every list as read from the repository.
pub struct Lists {
    pub source: Vec<String>,
    pub handlers: Vec<String>,
    pub capabilities: Vec<String>,
    pub wrappers: Vec<String>,
}

pub fn check() -> Result {
    let lists = read_lists(&crate::root())?;
    let problems = problems(&lists);
    if problems.is_empty() {
        println!(
            "commands: {} commands, listed alike in {HANDLERS}, {CAPABILITIES} and {WRAPPERS}",
            lists.source.len()
        );
        Ok(())
    } else {
        Err(format!(
            "the command lists disagree with {SOURCE}:\n  {}\n(see docs/adding-a-command.md)",
            problems.join("\n  ")
        ))
    }
}

/// One sentence per disagreement, naming the command and the list.
pub fn problems(lists: &Lists) -> Vec<String> {
    let mut problems = Vec::new();
    let source: BTreeSet<&str> = lists.source.iter().map(String::as_str).collect();
    for name in duplicates(&lists.source) {
        problems.push(format!("`{name}` is listed twice in {SOURCE}"));
    }
    for (path, names, how) in [
        (HANDLERS, &lists.handlers, "#[tauri::command] function"),
        (CAPABILITIES, &lists.capabilities, "`allow-` permission"),
        (WRAPPERS, &lists.wrappers, "`call(…)` wrapper"),
    ] {
        let other: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        for name in source.difference(&other) {
            problems.push(format!("`{name}` has no {how} in {path}"));
        }
        for name in other.difference(&source) {
            problems.push(format!("`{name}` is in {path} but not in {SOURCE}"));
        }
    }
    problems
}

fn duplicates(names: &[String]) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    names
        .iter()
        .filter(|n| !seen.insert(n.as_str()))
        .map(String::as_str)
        .collect()
}

/// The identifiers inside `$then! { … }` of `app_commands!`.
pub fn source_names(text: &str) -> Result<Vec<String>> {
    let body = text
        .split_once("$then! {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(body, _)| body)
        .ok_or_else(|| format!("{SOURCE} has no `$then! {{ … }}` list"))?;
    Ok(body
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The name of each function under `#[tauri::command]`.
pub fn handler_names(text: &str) -> Vec<String> {
    text.split("#[tauri::command]")
        .skip(1)
        .filter_map(|after| {
            let (_, rest) = after.split_once("fn ")?;
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            Some(rest[..end].to_owned())
        })
        .collect()
}

/// The app's own grants, `"allow-some-command"` as `some_command` (plugins' have a `:`).
pub fn capability_names(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter_map(|s| s.strip_prefix("allow-"))
        .map(|name| name.replace('-', "_"))
        .collect()
}

/// The command each `call<T>("name", …)` invokes.
pub fn wrapper_names(text: &str) -> Vec<String> {
    text.split("call<")
        .skip(1)
        .filter_map(|after| {
            let (_, rest) = after.split_once("(\"")?;
            let (name, _) = rest.split_once('"')?;
            Some(name.to_owned())
        })
        .collect()
}

/// Every list of the checkout at `root`.
pub fn read_lists(root: &Path) -> Result<Lists> {
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).map_err(|e| format!("cannot read {path}: {e}"))
    };
    Ok(Lists {
        source: source_names(&read(SOURCE)?)?,
        handlers: handler_names(&read(HANDLERS)?),
        capabilities: capability_names(&read(CAPABILITIES)?),
        wrappers: wrapper_names(&read(WRAPPERS)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE_TEXT: &str = "
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            app_info,
            mark_read, // a comment
            sync_now,
        }
    };
}";
    const HANDLERS_TEXT: &str = "
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo { todo }

/// Marks it read.
#[tauri::command]
pub async fn mark_read(state: State<'_, AppState>, lead_id: i64) -> CommandResult<bool> {}

#[tauri::command]
pub fn sync_now(state: State<'_, AppState>, account_id: Option<i64>) {}

fn helper() {}";
    const CAPABILITIES_TEXT: &str = r#"{
  "identifier": "default",
  "permissions": [
    "core:app:default",
    "allow-app-info",
    "allow-mark-read",
    "allow-sync-now",
    "opener:allow-open-url"
  ]
}"#;
    const WRAPPERS_TEXT: &str = r#"
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {}
export const commands = {
  appInfo: () => call<AppInfo>("app_info"),
  markRead: (leadId: number) => call<boolean>("mark_read", { leadId }),
  /** Asks for a pass now. */
  syncNow: (accountId: number | null = null) =>
    call<GuideOptionDto[] | null>("sync_now", { accountId }),
};"#;

    fn lists(source: &str, handlers: &str, capabilities: &str, wrappers: &str) -> Lists {
        Lists {
            source: source_names(source).expect("list"),
            handlers: handler_names(handlers),
            capabilities: capability_names(capabilities),
            wrappers: wrapper_names(wrappers),
        }
    }

    #[test]
    fn reads_each_list() {
        let all = lists(SOURCE_TEXT, HANDLERS_TEXT, CAPABILITIES_TEXT, WRAPPERS_TEXT);
        let want = ["app_info", "mark_read", "sync_now"];
        assert_eq!(all.source, want);
        assert_eq!(all.handlers, want);
        assert_eq!(all.capabilities, want);
        assert_eq!(all.wrappers, want);
        assert!(problems(&all).is_empty(), "{:?}", problems(&all));
    }

    #[test]
    fn a_command_missing_from_any_list_is_named_with_the_list() {
        let cases = [
            (
                lists(
                    SOURCE_TEXT,
                    &HANDLERS_TEXT.replace("fn mark_read", "fn marked"),
                    CAPABILITIES_TEXT,
                    WRAPPERS_TEXT,
                ),
                vec![
                    format!("`mark_read` has no #[tauri::command] function in {HANDLERS}"),
                    format!("`marked` is in {HANDLERS} but not in {SOURCE}"),
                ],
            ),
            (
                lists(
                    SOURCE_TEXT,
                    HANDLERS_TEXT,
                    &CAPABILITIES_TEXT.replace("\"allow-mark-read\",", ""),
                    WRAPPERS_TEXT,
                ),
                vec![format!(
                    "`mark_read` has no `allow-` permission in {CAPABILITIES}"
                )],
            ),
            (
                lists(
                    SOURCE_TEXT,
                    HANDLERS_TEXT,
                    CAPABILITIES_TEXT,
                    &WRAPPERS_TEXT.replace("call<boolean>(\"mark_read\"", "invoke(\"mark_read\""),
                ),
                vec![format!(
                    "`mark_read` has no `call(…)` wrapper in {WRAPPERS}"
                )],
            ),
        ];
        for (lists, want) in cases {
            assert_eq!(problems(&lists), want);
        }
    }

    #[test]
    fn a_command_only_the_source_lacks_is_named_in_every_list() {
        let all = lists(
            &SOURCE_TEXT.replace("mark_read, // a comment", ""),
            HANDLERS_TEXT,
            CAPABILITIES_TEXT,
            WRAPPERS_TEXT,
        );
        assert_eq!(
            problems(&all),
            [HANDLERS, CAPABILITIES, WRAPPERS]
                .map(|path| format!("`mark_read` is in {path} but not in {SOURCE}"))
        );
    }

    #[test]
    fn a_command_listed_twice_is_named() {
        let all = lists(
            &SOURCE_TEXT.replace("sync_now,", "sync_now, app_info,"),
            HANDLERS_TEXT,
            CAPABILITIES_TEXT,
            WRAPPERS_TEXT,
        );
        assert_eq!(
            problems(&all),
            [format!("`app_info` is listed twice in {SOURCE}")]
        );
    }

    #[test]
    fn a_source_without_its_list_is_an_error() {
        assert!(source_names("macro_rules! app_commands {}").is_err());
    }

    #[test]
    fn this_repository_lists_agree() {
        let lists = read_lists(&crate::root()).expect("lists");
        assert!(lists.source.len() > 10, "{:?}", lists.source);
        assert_eq!(problems(&lists), Vec::<String>::new());
    }
}
