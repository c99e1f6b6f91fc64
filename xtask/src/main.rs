//! `cargo xtask <task>`: see `cargo xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

mod bench;
mod bench_cli;
mod bench_decode;
mod bench_emulator;
mod man;
mod release;
use xtask::config::DocumentConfig;
use xtask::{Workspace, check, coverage, resolve_path, workspace_root};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen [--specs DIR] [--check]   generate the code of every document that codegen.toml maps to a
                                    module; --check only compares and fails when files are stale
  codegen --all --out DIR [--specs DIR]
                                    generate every document (mapped or not) into DIR/<api>/
                                    (a trial run; DIR must be outside the tracked tree or under target/)
  coverage [--specs DIR]            operations with generated code, per document
  bench [--build-time] [--skip-cli] SDK vs raw reqwest against one local server: client CPU time
                                    (min/median/max of 7+ alternating runs), wall time, peak memory
                                    and callgrind instructions per request for requests at 1/16/256
                                    in flight, bulk add of 1,000,000 numbers, 1 GiB downloads;
                                    --build-time adds cold build times; ends with the CLI case
                                    (below) unless --skip-cli; --case NAME[,NAME] runs only those
                                    cases (sequential, concurrent-1/16/256, bulk, download, report)
                                    and leaves out the emulator, build and CLI sections
  bench-cli                         jaicp calls add-phones of a generated 10,000,000-row CSV
                                    (JAICP_BENCH_CLI_ROWS overrides) against the bench server: time,
                                    rows/s and the CLI's peak memory against its 64 MiB budget
  bench decode                      decode cost of the lossless models (extra maps, raw JSON) against
                                    mirrors without them
  surface [--check]                 write the public API listings (crates/jaicp-core and
                                    crates/jaicp, public-api.txt); --check fails when one is stale
  contract                          every operation of every document through a Prism proxy in front
                                    of the emulator: requests validated / responses parsed per document
  release <X.Y.Z> [--dry-run] [--quick]
                                    lockstep bump, CHANGELOG section, codegen --check, semver-checks
                                    (when installed and a tag exists), cargo publish --dry-run of every
                                    crate in dependency order, tag; --dry-run works on a scratch copy;
                                    --quick packages without compiling each package again (CI)
  man [--out DIR]                   man pages of the jaicp command, one per command (clap_mangen),
                                    default target/man
  specs normalize [--out DIR] [--specs DIR]
                                    write the bundled, corrected copy of every document (default
                                    target/specs) for tools such as Prism
  specs fetch --host URL [--out DIR]
                                    download the official documents from a live JAICP host, from
                                    the places listed under [[fetch]] in codegen.toml (default
                                    target/specs-fetched)
  specs diff A B                    operations and schema fields added, removed or changed from the
                                    documents in directory A to those in directory B

The official documents directory comes from --specs or JAICP_SPECS_DIR; relative paths are resolved
against the workspace root.";

struct Args {
    specs: Option<PathBuf>,
    out: Option<PathBuf>,
    check: bool,
    all: bool,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut parsed = Args {
        specs: None,
        out: None,
        check: false,
        all: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<PathBuf> {
            it.next()
                .map(PathBuf::from)
                .with_context(|| format!("`{name}` needs a value"))
        };
        match a.as_str() {
            "--specs" => parsed.specs = Some(value("--specs")?),
            "--out" => parsed.out = Some(value("--out")?),
            "--check" => parsed.check = true,
            "--all" => parsed.all = true,
            other => {
                if let Some(v) = other.strip_prefix("--specs=") {
                    parsed.specs = Some(PathBuf::from(v));
                } else if let Some(v) = other.strip_prefix("--out=") {
                    parsed.out = Some(PathBuf::from(v));
                } else {
                    bail!("unknown argument `{other}`\n\n{USAGE}");
                }
            }
        }
    }
    Ok(parsed)
}

fn workspace(args: &Args) -> Result<Workspace> {
    let root = workspace_root();
    let specs = args
        .specs
        .clone()
        .or_else(|| {
            std::env::var_os("JAICP_SPECS_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .map(|p| resolve_path(&root, &p));
    if let Some(dir) = &specs
        && !dir.is_dir()
    {
        bail!(
            "the OpenAPI documents directory {} does not exist",
            dir.display()
        );
    }
    Workspace::open(root, specs)
}

/// Writes the public API listings, or with `--check` fails when one is stale.
fn surface(check: bool) -> Result<ExitCode> {
    let stale = xtask::surface::run(&workspace_root(), check)?;
    for dir in &stale {
        let verb = if check { "is stale" } else { "updated" };
        eprintln!("{dir}/public-api.txt {verb}");
    }
    Ok(if check && !stale.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode> {
    match args.first().map(String::as_str) {
        Some("codegen") => {
            let a = parse(&args[1..])?;
            if a.all { codegen_all(&a) } else { codegen(&a) }
        }
        Some("coverage") => coverage(&parse(&args[1..])?),
        Some("specs") => match args.get(1).map(String::as_str) {
            Some("normalize") => normalize(&parse(&args[2..])?),
            Some("fetch") => specs_fetch(&args[2..]),
            Some("diff") => specs_diff(&args[2..]),
            _ => bail!(
                "usage: cargo xtask specs normalize [--out DIR] [--specs DIR]\n       \
                 cargo xtask specs fetch --host URL [--out DIR]\n       \
                 cargo xtask specs diff A B"
            ),
        },
        Some("bench") if args.get(1).map(String::as_str) == Some("decode") => {
            bench_decode::run(&workspace_root())?;
            Ok(ExitCode::SUCCESS)
        }
        Some("bench") => {
            bench::bench(&workspace_root(), &bench::Options::from_args(&args[1..])?)?;
            Ok(ExitCode::SUCCESS)
        }
        Some("bench-cli") => {
            bench_cli::standalone(&workspace_root())?;
            Ok(ExitCode::SUCCESS)
        }
        Some("surface") => surface(args.iter().any(|a| a == "--check")),
        Some("contract") => {
            // The Prism harness is a shell script (it starts and stops processes); this is its
            // documented entry point.
            let status = std::process::Command::new("bash")
                .arg(workspace_root().join(".ci/contract.sh"))
                .current_dir(workspace_root())
                .status()
                .context("cannot run .ci/contract.sh")?;
            Ok(if status.success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Some("man") => {
            let a = parse(&args[1..])?;
            man::man(&workspace_root(), a.out.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Some("release") => {
            let dry_run = args.iter().any(|a| a == "--dry-run");
            let quick = args.iter().any(|a| a == "--quick");
            let version = args[1..]
                .iter()
                .find(|a| !a.starts_with("--"))
                .context("usage: cargo xtask release <X.Y.Z> [--dry-run]")?;
            release::release(&workspace_root(), version, dry_run, quick)?;
            Ok(ExitCode::SUCCESS)
        }
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}

fn needs_specs(ws: &Workspace, docs: impl Iterator<Item = DocumentConfig>) -> Result<()> {
    let official = docs
        .into_iter()
        .any(|d| d.source == xtask::config::Source::Official);
    if official && ws.specs_dir.is_none() {
        bail!("{}", xtask::NO_SPECS_DIR);
    }
    Ok(())
}

fn codegen(a: &Args) -> Result<ExitCode> {
    let ws = workspace(a)?;
    needs_specs(
        &ws,
        ws.config
            .documents
            .iter()
            .filter(|d| d.module.is_some())
            .cloned(),
    )?;
    let expected = ws.codegen_outputs()?;
    if a.check {
        let stale = check::stale_files(&expected)?;
        if stale.is_empty() {
            println!("generated code is up to date ({} files)", expected.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("stale generated files (run `cargo xtask codegen`):");
        for (path, why) in stale {
            eprintln!("  {} {why}", ws.rel(&path));
        }
        return Ok(ExitCode::FAILURE);
    }
    let touched = check::write_files(&expected)?;
    for (path, why) in &touched {
        let verb = match why {
            check::Stale::Extra => "removed",
            check::Stale::Missing => "created",
            check::Stale::Differs => "updated",
        };
        println!("{verb} {}", ws.rel(path));
    }
    println!(
        "{} files generated, {} changed",
        expected.len(),
        touched.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn codegen_all(a: &Args) -> Result<ExitCode> {
    let ws = workspace(a)?;
    let out = a.out.clone().context("`codegen --all` needs `--out DIR`")?;
    let out = resolve_path(&ws.root, &out);
    xtask::check_output_dir(&ws.root, &out)?;
    let mut failed = 0;
    for doc in ws.documents()? {
        let result = ws
            .load(&doc)
            .and_then(|value| xtask::generate(&value, &doc, &ws.root));
        match result {
            Ok(files) => {
                let dir = out.join(&doc.api);
                std::fs::create_dir_all(&dir)?;
                for (name, text) in files {
                    std::fs::write(dir.join(name), text)?;
                }
                println!("{}: ok → {}", doc.display_name(), dir.display());
            }
            Err(e) => {
                failed += 1;
                println!("{}: error: {e:#}", doc.display_name());
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn coverage(a: &Args) -> Result<ExitCode> {
    let ws = workspace(a)?;
    let specs = coverage::generated_specs(&ws.root)?;
    if ws.specs_dir.is_none() {
        eprintln!("note: {}", xtask::NO_SPECS_DIR);
    }
    for doc in ws.documents()? {
        let value = match ws.load(&doc) {
            Ok(v) => v,
            Err(e) => {
                eprintln!(
                    "warning: {}: {e:#}; counting the raw document",
                    doc.display_name()
                );
                xtask::load::load_document(&doc.path(ws.specs_dir.as_deref(), &ws.root)?, true)?
            }
        };
        println!(
            "{}",
            coverage::line(doc.display_name(), &doc.api, &value, &specs)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn normalize(a: &Args) -> Result<ExitCode> {
    let ws = workspace(a)?;
    let out = resolve_path(
        &ws.root,
        &a.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("target/specs")),
    );
    xtask::check_output_dir(&ws.root, &out)?;
    let docs = ws.documents()?;
    needs_specs(&ws, docs.iter().cloned())?;
    if docs.is_empty() {
        bail!("{}", xtask::NO_SPECS_DIR);
    }
    std::fs::create_dir_all(&out)?;
    let mut failed = 0;
    for doc in docs {
        match ws.load(&doc) {
            Ok(value) => {
                let name = std::path::Path::new(&doc.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| doc.file.clone());
                let path = out.join(&name);
                let text = if name.ends_with(".json") {
                    serde_json::to_string_pretty(&value)?
                } else {
                    serde_norway::to_string(&value)?
                };
                std::fs::write(&path, text)?;
                println!("{} → {}", doc.display_name(), path.display());
            }
            Err(e) => {
                failed += 1;
                eprintln!("{}: error: {e:#}", doc.display_name());
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn specs_fetch(args: &[String]) -> Result<ExitCode> {
    let mut host = None;
    let mut out = PathBuf::from("target/specs-fetched");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--host" => host = Some(it.next().context("`--host` needs a URL")?.clone()),
            "--out" => out = PathBuf::from(it.next().context("`--out` needs a directory")?),
            other => bail!("unknown argument `{other}`\n\n{USAGE}"),
        }
    }
    let host = host.context("usage: cargo xtask specs fetch --host URL [--out DIR]")?;
    let root = workspace_root();
    let out = resolve_path(&root, &out);
    xtask::check_output_dir(&root, &out)?;
    let config = xtask::config::Config::load(&root.join("codegen.toml"))?;
    if config.fetch.is_empty() {
        bail!("codegen.toml lists no [[fetch]] sources");
    }
    let fetched = xtask::fetch::fetch(&host, &config.fetch, &out)?;
    for (name, bytes) in &fetched.saved {
        println!("{name}: {bytes} bytes → {}", out.join(name).display());
    }
    for (name, why) in &fetched.failed {
        eprintln!("{name}: {why}");
    }
    println!(
        "{} documents saved, {} failed",
        fetched.saved.len(),
        fetched.failed.len()
    );
    Ok(if fetched.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn specs_diff(args: &[String]) -> Result<ExitCode> {
    let [a, b] = args else {
        bail!("usage: cargo xtask specs diff A B");
    };
    let root = workspace_root();
    let (a, b) = (
        resolve_path(&root, &PathBuf::from(a)),
        resolve_path(&root, &PathBuf::from(b)),
    );
    let diff = xtask::diff::diff_dirs(&a, &b)?;
    if diff.is_empty() {
        println!("no differences");
    }
    let mut total = 0;
    for (doc, lines) in &diff {
        println!("{doc}");
        for line in lines {
            println!("  {line}");
        }
        total += lines.len();
    }
    if total > 0 {
        println!("{total} differences in {} documents", diff.len());
    }
    Ok(ExitCode::SUCCESS)
}
