//! The npm package's TypeScript declarations, checked: `crates/client/tests/npm/check.ts` uses
//! every name `kefu_client.d.ts` exports (and every member of its classes and interfaces), and
//! compiles against it with `tsc --strict --noEmit`. A declaration that drifts from the wasm
//! exports (an export renamed or removed, a field retyped, a wrong `Promise` type) fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::cmd::{self, Result, XtaskError};
use crate::setup::{self, Tools};

/// The program that uses the package, relative to the workspace root.
pub(crate) const CHECK_PROGRAM: &str = "crates/client/tests/npm/check.ts";

/// Declarations that are wasm-bindgen's plumbing rather than the package's API: their members
/// are not expected in the check program.
const PLUMBING: &[&str] = &["InitOutput"];

/// Builds the client's npm package (`wasm-pack build --target web`, release, wasm-opt from
/// binaryen) into `target/npm/kefu-client` and returns that folder.
pub(crate) fn build_package(tools: &Tools) -> Result<PathBuf> {
    let package = cmd::root().join("target").join("npm").join("kefu-client");
    let out_dir = package.to_string_lossy().into_owned();
    cmd::run(cmd::command(
        "wasm-pack",
        &["build", "--target", "web", "--release", "crates/client", "--out-dir", &out_dir],
        &tools.path_prefix,
    ))?;
    Ok(package)
}

/// `cargo xtask tsc`: builds the package and checks its declarations.
pub(crate) fn run(tools: &Tools) -> Result<()> {
    let package = build_package(tools)?;
    println!("\n== tsc: kefu_client.d.ts, used in full by {CHECK_PROGRAM}, under tsc --strict");
    if check(&package)? { Ok(()) } else { Err(XtaskError::new("the declarations do not check")) }
}

/// Checks the declarations of the built package in `package` (a `wasm-pack` out-dir): that the
/// check program uses everything they export, and that it compiles against them under
/// `tsc --strict --noEmit`. Returns whether both hold; says why not on stdout.
pub(crate) fn check(package: &Path) -> Result<bool> {
    let root = cmd::root();
    let io = |p: &Path, e: std::io::Error| XtaskError::new(format!("{}: {e}", p.display()));
    let dts_path = package.join("kefu_client.d.ts");
    let program_path = root.join(CHECK_PROGRAM);
    let dts = std::fs::read_to_string(&dts_path).map_err(|e| io(&dts_path, e))?;
    let program = std::fs::read_to_string(&program_path).map_err(|e| io(&program_path, e))?;
    let unused = unused_exports(&dts, &program);
    if unused.is_empty() {
        println!("{CHECK_PROGRAM} uses all {} exports and members of kefu_client.d.ts", exports(&dts).len());
    } else {
        println!("{CHECK_PROGRAM} does not use these exports of kefu_client.d.ts: {}", unused.join(", "));
    }

    let dir = root.join("target").join("npm-check");
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
            "paths": { "kefu-client": [dts_path.to_string_lossy()] },
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

/// What a declaration file exports: its top-level names, `default` for a default export, and
/// `Owner.member` for each member of its classes and interfaces (wasm-bindgen's plumbing aside).
fn exports(dts: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut owner: Option<String> = None;
    for line in dts.lines() {
        if let Some(rest) = line.strip_prefix("export ") {
            owner = None;
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
            if let Some(member) = member_name(line) {
                names.push(format!("{owner}.{member}"));
            }
        }
    }
    names
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

/// The exports of `dts` that `program` never mentions (a member counts as used when its name
/// appears at all: the compiler checks the rest).
fn unused_exports(dts: &str, program: &str) -> Vec<String> {
    let (words, default_import) = used_identifiers(program);
    exports(dts)
        .into_iter()
        .filter(|name| {
            let used = match name.as_str() {
                "default" => default_import,
                qualified => words.contains(qualified.rsplit('.').next().unwrap_or(qualified)),
            };
            !used
        })
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
        assert_eq!(unused_exports(DTS, complete), Vec::<String>::new());
        // Comments do not count as use, and a program without a default import misses `default`.
        let partial = "import { initSync, ChatSession, type Channel, type ChatEvent, type InitOutput } from \"k\";\n\
                       // Suggestion title question\n\
                       async function f(c: Channel, e: ChatEvent, o: InitOutput) { const x = await ChatSession.create({});\n\
                       x.send(\"a\"); x.free(); x[Symbol.dispose](); }\n";
        assert_eq!(
            unused_exports(DTS, partial),
            ["Suggestion", "Suggestion.title", "Suggestion.question", "ChatSession.sid", "default"]
        );
    }
}
