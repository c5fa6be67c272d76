//! The npm packages' TypeScript declarations, checked: a program per package uses every name its
//! declarations export (and every member of their classes and interfaces, those re-exported from
//! another file of the package too), and compiles against them with `tsc --strict --noEmit`. A
//! declaration that drifts from the code (an export renamed or removed, a field retyped, a wrong
//! `Promise` type) fails. kefu-client's declarations are generated (wasm-bindgen, tsify);
//! kefu-widget's `index.d.ts` is written by hand over the generated `kefu_widget.d.ts`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::cmd::{self, Result, XtaskError};
use crate::package;
use crate::setup::{self, Tools};

/// A package's declarations and the program that must use them in full.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Declarations {
    /// The package's name, as the program imports it.
    pub(crate) module: &'static str,
    /// The declaration file its `types` names, in the package's folder.
    pub(crate) entry: &'static str,
    /// The program, relative to the workspace root.
    pub(crate) program: &'static str,
    /// The package's other entry points: `(subpath, declaration file)`, as the program imports
    /// them (`module/subpath`); what they export must be used too.
    pub(crate) subpaths: &'static [(&'static str, &'static str)],
}

/// kefu-client's declarations, all generated.
pub(crate) const CLIENT: Declarations = Declarations {
    module: "kefu-client",
    entry: "kefu_client.d.ts",
    program: "crates/client/tests/npm/check.ts",
    subpaths: &[],
};

/// kefu-widget's: the hand-written `index.d.ts` and `kefu-loader.d.ts` (from
/// `crates/widget/assets`; the latter is `kefu-widget/loader`) and what they re-export from the
/// generated `kefu_widget.d.ts`.
pub(crate) const WIDGET: Declarations = Declarations {
    module: "kefu-widget",
    entry: "index.d.ts",
    program: "crates/widget/tests/npm/check.ts",
    subpaths: &[("loader", "kefu-loader.d.ts")],
};

/// What the `tsc` suite says it checks.
pub(crate) const NOTE: &str = "kefu_client.d.ts and kefu-widget's index.d.ts and kefu-loader.d.ts: used in full by their check.ts, tsc --strict";

/// Declarations that are wasm-bindgen's plumbing rather than the package's API: their members
/// are not expected in the check program.
const PLUMBING: &[&str] = &["InitOutput"];

/// Builds the client's npm package (`wasm-pack build --target web`, release, wasm-opt from
/// binaryen) into `target/npm/kefu-client` and returns that folder.
pub(crate) fn build_package(tools: &Tools) -> Result<PathBuf> {
    let package = cmd::root().join("target").join("npm").join("kefu-client");
    package::wasm_pack(tools, "crates/client", &package, &[])?;
    Ok(package)
}

/// `cargo xtask tsc`: builds both packages and checks their declarations.
pub(crate) fn run(tools: &Tools) -> Result<()> {
    let client = build_package(tools)?;
    let widget = package::build(tools)?;
    println!("\n== tsc: {NOTE}");
    let client_ok = check(&client, CLIENT)?;
    let widget_ok = check(&widget, WIDGET)?;
    if client_ok && widget_ok { Ok(()) } else { Err(XtaskError::new("the declarations do not check")) }
}

/// Checks the declarations `decl` of the built package in `package` (its out-dir): that the
/// check program uses everything they export, and that it compiles against them under
/// `tsc --strict --noEmit`. Returns whether both hold; says why not on stdout.
pub(crate) fn check(package: &Path, decl: Declarations) -> Result<bool> {
    let root = cmd::root();
    let io = |p: &Path, e: std::io::Error| XtaskError::new(format!("{}: {e}", p.display()));
    let program_path = root.join(decl.program);
    let program = std::fs::read_to_string(&program_path).map_err(|e| io(&program_path, e))?;
    let mut names = Vec::new();
    let mut paths = serde_json::Map::new();
    let entries = std::iter::once((decl.module.to_owned(), decl.entry))
        .chain(decl.subpaths.iter().map(|(sub, file)| (format!("{}/{sub}", decl.module), *file)));
    for (module, file) in entries {
        let path = package.join(file);
        let dts = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        names.extend(exports(&dts));
        for (source, reexported) in reexports(&dts) {
            let source_path = package.join(source.trim_start_matches("./").replace(".js", ".d.ts"));
            let text = std::fs::read_to_string(&source_path).map_err(|e| io(&source_path, e))?;
            let members = exports(&text).into_iter().filter(|name| {
                name.split_once('.').is_some_and(|(owner, _)| reexported.iter().any(|r| r == owner))
            });
            names.extend(members);
        }
        paths.insert(module, serde_json::json!([path.to_string_lossy()]));
    }
    names.sort();
    names.dedup();
    let unused = unused_exports(&names, &program);
    let (entry, program_name) = (decl.entry, decl.program);
    if unused.is_empty() {
        println!("{program_name} uses all {} exports and members of {entry}", names.len());
    } else {
        println!("{program_name} does not use these exports of {entry}: {}", unused.join(", "));
    }

    let dir = root.join("target").join("npm-check").join(decl.module);
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let config = serde_json::json!({
        "compilerOptions": {
            "strict": true,
            "noEmit": true,
            "target": "es2022",
            "module": "es2022",
            "moduleResolution": "bundler",
            "lib": ["es2022", "dom", "esnext.disposable"],
            "types": [],
            "paths": paths,
        },
        "files": [program_path.to_string_lossy()],
    });
    let config_path = dir.join("tsconfig.json");
    std::fs::write(&config_path, format!("{config:#}\n")).map_err(|e| io(&config_path, e))?;
    let tsc = setup::tsc_bin().to_string_lossy().into_owned();
    let config_arg = config_path.to_string_lossy().into_owned();
    // `--strict --noEmit` again on the command line, so the log shows what is checked.
    let compiled =
        cmd::run(cmd::command(&tsc, &["-p", &config_arg, "--strict", "--noEmit", "--pretty", "false"], &[]));
    Ok(unused.is_empty() && compiled.is_ok())
}

/// What a declaration file exports: its top-level names (those of `export { A, type B } from …`
/// lists too), `default` for a default export, and `Owner.member` for each member of its classes
/// and interfaces (wasm-bindgen's plumbing aside; the parameters of a method written over
/// several lines are not members).
fn exports(dts: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut owner: Option<String> = None;
    // Open parentheses of a member's signature, across lines.
    let mut depth = 0usize;
    for line in dts.lines() {
        if let Some(rest) = line.strip_prefix("export ") {
            owner = None;
            depth = 0;
            if let Some(list) = export_list(rest) {
                names.extend(list.into_iter().map(|(_, exported)| exported));
                continue;
            }
            let mut words = rest.split(|c: char| !is_ident(c)).filter(|w| !w.is_empty());
            match words.next() {
                Some("default") => names.push("default".to_owned()),
                Some(kind @ ("type" | "interface" | "class" | "function" | "const" | "enum")) => {
                    if let Some(name) = words.next() {
                        names.push(name.to_owned());
                        let has_body =
                            matches!(kind, "class" | "interface") && line.trim_end().ends_with('{');
                        if has_body && !PLUMBING.contains(&name) {
                            owner = Some(name.to_owned());
                        }
                    }
                }
                _ => {}
            }
        } else if line.starts_with('}') {
            owner = None;
        } else if let Some(owner) = &owner {
            if depth == 0 {
                if let Some(member) = member_name(line) {
                    names.push(format!("{owner}.{member}"));
                }
            }
            let opened = line.matches('(').count();
            let closed = line.matches(')').count();
            depth = (depth + opened).saturating_sub(closed);
        }
    }
    names
}

/// The names of an export list (`{ A, type B as C } from './x.js';` after `export ` or
/// `export type `), if `rest` is one: each as `(name in its source, name exported)`.
fn export_list(rest: &str) -> Option<Vec<(String, String)>> {
    let rest = rest.strip_prefix("type ").unwrap_or(rest).trim_start();
    let inner = rest.strip_prefix('{')?.split('}').next()?;
    let names = inner
        .split(',')
        .filter_map(|item| {
            let item = item.trim();
            let item = item.strip_prefix("type ").unwrap_or(item);
            let (original, exported) = item.split_once(" as ").unwrap_or((item, item));
            let (original, exported) = (original.trim(), exported.trim());
            (!exported.is_empty()).then(|| (original.to_owned(), exported.to_owned()))
        })
        .collect();
    Some(names)
}

/// What a declaration file re-exports: `(source, names there)` for every
/// `export { … } from 'source'` line (a source given as `./x.js` is declared in `./x.d.ts`).
fn reexports(dts: &str) -> Vec<(String, Vec<String>)> {
    dts.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("export ")?;
            let names = export_list(rest)?.into_iter().map(|(original, _)| original).collect();
            let source = rest.split(" from ").nth(1)?.trim().trim_end_matches(';');
            let source = source.trim_matches(|c| c == '\'' || c == '"');
            Some((source.to_owned(), names))
        })
        .collect()
}

/// The name a member line of a class or interface declares: `send(…)`, `static create(…)`,
/// `readonly sid: …`, `bot_name?: …`, `[Symbol.dispose](): void` (as `dispose`); none for
/// comments and the private constructor.
fn member_name(line: &str) -> Option<&str> {
    let mut rest = line.trim();
    if rest.starts_with("/*") || rest.starts_with('*') || rest.starts_with("//") {
        return None;
    }
    for prefix in ["private ", "static ", "readonly "] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    if let Some(symbol) = rest.strip_prefix("[Symbol.") {
        rest = symbol;
    }
    let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty() && name != "constructor").then_some(name)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// The identifiers a TypeScript program mentions outside comments, and whether it has a
/// default import.
fn used_identifiers(program: &str) -> (BTreeSet<&str>, bool) {
    let mut words = BTreeSet::new();
    let mut default_import = false;
    for line in program.lines() {
        let code = line.trim();
        if code.starts_with("//") || code.starts_with("/*") || code.starts_with('*') {
            continue;
        }
        let code = code.split(" // ").next().unwrap_or(code);
        if let Some(rest) = code.strip_prefix("import ") {
            let first = rest.split(|c: char| !is_ident(c)).next().unwrap_or("");
            default_import |=
                !first.is_empty() && first != "type" && rest[first.len()..].starts_with([',', ' ']);
        }
        words.extend(code.split(|c: char| !is_ident(c)).filter(|w| !w.is_empty()));
    }
    (words, default_import)
}

/// The exported `names` that `program` never mentions (a member counts as used when its name
/// appears at all: the compiler checks the rest).
fn unused_exports(names: &[String], program: &str) -> Vec<String> {
    let (words, default_import) = used_identifiers(program);
    names
        .iter()
        .filter(|name| {
            let used = match name.as_str() {
                "default" => default_import,
                qualified => words.contains(qualified.rsplit('.').next().unwrap_or(qualified)),
            };
            !used
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DTS: &str = r#"/* tslint:disable */
export type Channel = "h5" | (string & {});
/**
 * A suggested follow-up question.
 */
export interface Suggestion {
    /**
     * The title to show.
     */
    title: string;
    question?: string;
}
export type ChatEvent = { type: "wait" } | { type: "say"; prompt: string };
export class ChatSession {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    send(text: string): Promise<number>;
    static create(options: Options): Promise<ChatSession>;
    readonly sid: string | undefined;
}
export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly chatsession_send: (a: number) => any;
}
export function initSync(module: SyncInitInput): InitOutput;
export default function __wbg_init (module_or_path?: InitInput): Promise<InitOutput>;
"#;

    #[test]
    fn lists_names_and_members_but_not_plumbing() {
        assert_eq!(
            exports(DTS),
            [
                "Channel",
                "Suggestion",
                "Suggestion.title",
                "Suggestion.question",
                "ChatEvent",
                "ChatSession",
                "ChatSession.free",
                "ChatSession.dispose",
                "ChatSession.send",
                "ChatSession.create",
                "ChatSession.sid",
                "InitOutput",
                "initSync",
                "default",
            ]
        );
    }

    #[test]
    fn finds_what_the_program_leaves_out() {
        let complete = "import init, { initSync, ChatSession, type Channel, type ChatEvent, type Suggestion, \
                        type InitOutput } from \"kefu-client\";\n\
                        const s: Suggestion = { title: \"t\", question: \"q\" };\n\
                        async function f(c: Channel, e: ChatEvent, o: InitOutput) { const x = await ChatSession.create({});\n\
                        x.send(\"a\"); x.sid; x.free(); x[Symbol.dispose](); }\n";
        assert_eq!(unused_exports(&exports(DTS), complete), Vec::<String>::new());
        // Comments do not count as use, and a program without a default import misses `default`.
        let partial = "import { initSync, ChatSession, type Channel, type ChatEvent, type InitOutput } from \"k\";\n\
                       // Suggestion title question\n\
                       async function f(c: Channel, e: ChatEvent, o: InitOutput) { const x = await ChatSession.create({});\n\
                       x.send(\"a\"); x.free(); x[Symbol.dispose](); }\n";
        assert_eq!(
            unused_exports(&exports(DTS), partial),
            ["Suggestion", "Suggestion.title", "Suggestion.question", "ChatSession.sid", "default"]
        );
    }

    const WIDGET_DTS: &str = r#"import type { Options, Widget } from './kefu_widget.js';

export type { Options, Widget as Mounted } from './kefu_widget.js';

export function mount(element: HTMLElement, options?: Options): Promise<Widget>;
export class KefuChat extends HTMLElement {
  readonly isOpen: boolean;
  addEventListener<K extends keyof Events>(
    type: K,
    listener: (this: KefuChat, ev: Events[K]) => unknown,
  ): void;
  hide(): void;
}
declare global {
  interface HTMLElementTagNameMap {
    'kefu-chat': KefuChat;
  }
}
"#;

    #[test]
    fn reads_export_lists_and_skips_parameters() {
        assert_eq!(
            exports(WIDGET_DTS),
            [
                "Options",
                "Mounted",
                "mount",
                "KefuChat",
                "KefuChat.isOpen",
                "KefuChat.addEventListener",
                "KefuChat.hide"
            ]
        );
        assert_eq!(
            reexports(WIDGET_DTS),
            [("./kefu_widget.js".to_owned(), vec!["Options".to_owned(), "Widget".to_owned()])]
        );
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(export_list("{ A, type B as C }"), Some(vec![pair("A", "A"), pair("B", "C")]));
        assert_eq!(export_list("function f(): void;"), None);
    }
}
