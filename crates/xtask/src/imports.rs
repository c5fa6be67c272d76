//! `cargo xtask imports`: import loops between the files of each crate.
//!
//! A file depends on another when it names a path into it: `use crate::a::B`, `crate::a::f()`,
//! `use super::…` in a nested module, or a name the crate root re-exports (`pub use a::B` makes
//! `crate::B` a path into `a`). The crate root itself (`lib.rs`, `main.rs`) only declares and
//! re-exports, so it is no node. A loop is a cycle of such dependencies; each is reported once,
//! as the files along it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::cmd::{self, Result, XtaskError, io};

/// A module path inside a crate: `["bot", "script"]` for `bot/script.rs`; empty for the root.
type ModPath = Vec<String>;

/// One crate's files by module path, and the crate root's re-exports (name → module path).
struct Crate {
    files: BTreeMap<ModPath, PathBuf>,
    reexports: BTreeMap<String, ModPath>,
}

/// Prints every loop of every crate under `crates/`, and fails when there is one.
pub(crate) fn run() -> Result<()> {
    let loops = find(&cmd::root().join("crates"))?;
    for cycle in &loops {
        println!("import loop: {}", cycle.join(" -> "));
    }
    if loops.is_empty() {
        println!("no import loop between files");
        Ok(())
    } else {
        Err(XtaskError::new(format!("{} import loop(s)", loops.len())))
    }
}

/// Every loop of every crate under `crates`, as the files along it (relative to `crates`).
pub(crate) fn find(crates: &Path) -> Result<Vec<Vec<String>>> {
    let mut loops = Vec::new();
    let mut dirs: Vec<PathBuf> = read_dir(crates)?.into_iter().filter(|p| p.join("src").is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let krate = load(&dir.join("src"))?;
        let graph = edges(&krate)?;
        for cycle in cycles(&graph) {
            let names = cycle
                .iter()
                .map(|m| {
                    let file = &krate.files[m];
                    file.strip_prefix(crates).unwrap_or(file).display().to_string()
                })
                .collect();
            loops.push(names);
        }
    }
    Ok(loops)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(io(dir))?;
    Ok(entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(io(path))
}

/// The crate's `.rs` files below `src` (binaries under `src/bin` are crates of their own and
/// left out), and the root's re-exports.
fn load(src: &Path) -> Result<Crate> {
    let mut files = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for path in read_dir(&dir)? {
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "bin") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap_or(&path).with_extension("");
            let mut module: ModPath = relative.iter().map(|c| c.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|m| m == "mod") || module == ["lib"] || module == ["main"] {
                module.pop();
            }
            files.insert(module, path);
        }
    }
    let mut reexports = BTreeMap::new();
    if let Some(root) = files.get(&Vec::new()) {
        for path in use_paths(&read(root)?, "pub use ") {
            if let Some((name, module)) = path.split_last() {
                if !module.is_empty() && name != "*" {
                    reexports.insert(name.clone(), module.to_vec());
                }
            }
        }
    }
    Ok(Crate { files, reexports })
}

/// Each file's dependencies (by module path).
fn edges(krate: &Crate) -> Result<BTreeMap<ModPath, BTreeSet<ModPath>>> {
    let mut graph = BTreeMap::new();
    for (module, path) in &krate.files {
        if module.is_empty() {
            continue;
        }
        let text = strip_comments(&read(path)?);
        let mut targets = BTreeSet::new();
        let mut paths = use_paths(&text, "use ");
        paths.extend(inline_paths(&text));
        for p in paths {
            let absolute = match p.first().map(String::as_str) {
                Some("crate") => p[1..].to_vec(),
                // `super` in a nested module file; in an inline `mod tests` it means this file.
                Some("super") if module.len() > 1 => [&module[..module.len() - 1], &p[1..]].concat(),
                _ => continue,
            };
            if let Some(target) = resolve(krate, &absolute) {
                if &target != module {
                    targets.insert(target);
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    Ok(graph)
}

/// The file a path leads into: the longest module prefix that is a file; a root re-export
/// leads into the module it comes from.
fn resolve(krate: &Crate, path: &[String]) -> Option<ModPath> {
    let first = path.first()?;
    if !krate.files.contains_key(&vec![first.clone()]) {
        let from = krate.reexports.get(first)?;
        return resolve(krate, from);
    }
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| krate.files.contains_key(m))
}

/// The text without `//` comments (doc comments name paths that are no dependency).
fn strip_comments(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The paths of every `use` statement starting with `keyword` at the start of a line, with
/// their `{…}` groups expanded.
fn use_paths(text: &str, keyword: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(keyword) {
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = rest[line_start..at].trim();
        let tail = &rest[at + keyword.len()..];
        let end = tail.find(';').unwrap_or(tail.len());
        if before.is_empty() || before == "pub" || before == "pub(crate)" {
            let tokens = tokenize(&tail[..end]);
            expand(&tokens, &mut 0, &[], &mut paths);
        }
        rest = &tail[end..];
    }
    paths
}

fn tokenize(tree: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in tree.chars() {
        if c.is_alphanumeric() || c == '_' || c == '*' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if matches!(c, '{' | '}' | ',') {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

/// Expands a use tree's tokens (`a b { c , d e }`: the `::` are dropped) from `at`, one element
/// of a group; says whether the group ended with it (`}`, or the end of the tokens).
fn expand(tokens: &[String], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> bool {
    let mut path = prefix.to_vec();
    while *at < tokens.len() {
        let token = &tokens[*at];
        *at += 1;
        match token.as_str() {
            "{" => {
                while !expand(tokens, at, &path, out) {}
                // The group is this element's end: what follows says whether its own group ends.
                while *at < tokens.len() {
                    *at += 1;
                    match tokens[*at - 1].as_str() {
                        "," => return false,
                        "}" => return true,
                        _ => {}
                    }
                }
                return true;
            }
            "," => {
                out.push(path);
                return false;
            }
            "}" => {
                out.push(path);
                return true;
            }
            "as" => *at += 1,
            "self" => {}
            word => path.push(word.to_owned()),
        }
    }
    out.push(path);
    true
}

/// Paths written out in code: `crate::a::b`.
fn inline_paths(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let boundary = rest[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let tail = &rest[at..];
        let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
        if boundary {
            paths.push(tail[..end].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect());
        }
        rest = &tail[end.max(1)..];
    }
    paths
}

/// The loops of `graph`: for each file on one, a shortest loop through it, each loop once.
fn cycles(graph: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    let mut found: Vec<Vec<ModPath>> = Vec::new();
    for start in graph.keys() {
        // Breadth-first from `start` back to itself.
        let mut parent: BTreeMap<&ModPath, &ModPath> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut back = None;
        while let Some(node) = queue.pop_front() {
            for next in graph.get(node).into_iter().flatten() {
                if next == start {
                    back = Some(node);
                    break;
                }
                if !parent.contains_key(next) && graph.contains_key(next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
            if back.is_some() {
                break;
            }
        }
        let Some(mut node) = back else { continue };
        let mut cycle = vec![node.clone()];
        while node != start {
            node = parent[node];
            cycle.push(node.clone());
        }
        cycle.reverse();
        cycle.push(start.clone());
        // The same cycle from another file: rotate so the smallest file leads, then compare.
        let body = &cycle[..cycle.len() - 1];
        let lead = body.iter().enumerate().min_by_key(|(_, m)| *m).map_or(0, |(i, _)| i);
        let mut canonical: Vec<ModPath> = body[lead..].iter().chain(&body[..lead]).cloned().collect();
        canonical.push(canonical[0].clone());
        if !found.contains(&canonical) {
            found.push(canonical);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        use_paths(text, "use ").into_iter().map(|p| p.join("::")).collect()
    }

    #[test]
    fn use_trees_expand() {
        assert_eq!(
            paths("use crate::{a::{B, c as d}, e};\nuse crate::f::g::self;"),
            ["crate::a::B", "crate::a::c", "crate::e", "crate::f::g"]
        );
        assert_eq!(paths("    use super::*;"), ["super::*"]);
        assert_eq!(inline_paths("x(crate::a::f(), kefu_crate::b)").len(), 1);
    }

    /// The workspace's files import in no loop.
    #[test]
    fn no_import_loops() {
        let loops = find(&cmd::root().join("crates")).expect("crates read");
        assert!(loops.is_empty(), "import loops: {loops:?}");
    }

    #[test]
    fn a_loop_is_found_once() {
        let m = |s: &str| vec![s.to_owned()];
        let graph = BTreeMap::from([
            (m("a"), BTreeSet::from([m("b")])),
            (m("b"), BTreeSet::from([m("a"), m("c")])),
            (m("c"), BTreeSet::new()),
        ]);
        assert_eq!(cycles(&graph), vec![vec![m("a"), m("b"), m("a")]]);
    }
}
