//! `cargo xtask release <version> [--dry-run]`: lockstep version bump, CHANGELOG section,
//! `codegen --check`, `cargo semver-checks` against the previous tag (when the tool and a tag
//! exist), `cargo publish --dry-run` of every published crate in dependency order, and a tag.
//!
//! A dry run works on a scratch copy of HEAD (a git worktree under target/), so it never touches
//! the working tree, and it stops before publishing and tagging.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Crates that are published, in dependency order (the facade last).
fn published_crates(root: &Path) -> Result<Vec<String>> {
    let meta = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()
        .context("cargo metadata")?;
    if !meta.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&meta.stderr)
        );
    }
    let v: serde_json::Value = serde_json::from_slice(&meta.stdout)?;
    let packages = v["packages"].as_array().context("no packages")?;
    let mut crates: Vec<(String, Vec<String>)> = packages
        .iter()
        .filter(|p| !p["publish"].as_array().is_some_and(|a| a.is_empty()))
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            let deps = p["dependencies"]
                .as_array()
                .map(|d| {
                    // Dev-dependencies do not order publishing (path-only ones are dropped from
                    // the package), and a crate may dev-depend on itself to turn on a test feature.
                    d.iter()
                        .filter(|d| d["kind"].as_str() != Some("dev"))
                        .filter_map(|d| d["name"].as_str().map(str::to_owned))
                        .filter(|d| d != &name)
                        .collect()
                })
                .unwrap_or_default();
            (name, deps)
        })
        .collect();
    // Topological order: a crate after every workspace crate it depends on.
    let names: Vec<String> = crates.iter().map(|(n, _)| n.clone()).collect();
    let mut ordered = Vec::new();
    while !crates.is_empty() {
        let ready = crates
            .iter()
            .position(|(_, deps)| {
                deps.iter()
                    .all(|d| !names.contains(d) || ordered.contains(d))
            })
            .context("dependency cycle between workspace crates")?;
        ordered.push(crates.remove(ready).0);
    }
    Ok(ordered)
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir())
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed", args.join(" "));
    }
    Ok(())
}

fn output(dir: &Path, program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Sets `[workspace.package] version` and every `jaicp*` entry of `[workspace.dependencies]`.
fn bump_versions(root: &Path, version: &str) -> Result<()> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)?;
    let mut out = String::with_capacity(text.len());
    let mut section = String::new();
    for line in text.lines() {
        if line.starts_with('[') {
            section = line.trim().to_owned();
        }
        let trimmed = line.trim_start();
        let replaced = if section == "[workspace.package]" && trimmed.starts_with("version =") {
            format!("version = \"{version}\"")
        } else if section == "[workspace.dependencies]"
            && trimmed.starts_with("jaicp")
            && line.contains("version = \"")
        {
            let start = line.find("version = \"").map(|i| i + 11).unwrap_or(0);
            let end = line[start..].find('"').map(|i| start + i).unwrap_or(start);
            format!("{}{}{}", &line[..start], version, &line[end..])
        } else {
            line.to_owned()
        };
        out.push_str(&replaced);
        out.push('\n');
    }
    std::fs::write(path, out)?;
    Ok(())
}

/// Turns `## [Unreleased]` into a dated section for `version`, keeping an empty Unreleased.
fn changelog(root: &Path, version: &str, date: &str) -> Result<()> {
    let path = root.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&path)?;
    if !text.contains("## [Unreleased]") {
        bail!("CHANGELOG.md has no `## [Unreleased]` section");
    }
    if text.contains(&format!("## [{version}]")) {
        bail!("CHANGELOG.md already has a section for {version}");
    }
    let updated = text.replacen(
        "## [Unreleased]",
        &format!("## [Unreleased]\n\n## [{version}] - {date}"),
        1,
    );
    std::fs::write(path, updated)?;
    Ok(())
}

fn valid_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// One target dir for the scratch copy and the real tree, so a dry run reuses what is built.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_root().join("target"))
}

fn crate_root() -> PathBuf {
    xtask::workspace_root()
}

/// Entry point.
pub fn release(root: &Path, version: &str, dry_run: bool, quick: bool) -> Result<()> {
    if !valid_version(version) {
        bail!("`{version}` is not a semantic version (X.Y.Z)");
    }
    // The documents directory, resolved against the real root (the scratch copy lives elsewhere).
    let specs = std::env::var_os("JAICP_SPECS_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .context("set JAICP_SPECS_DIR: the release checks that generated code is up to date")?;
    let specs = specs
        .to_str()
        .context("JAICP_SPECS_DIR is not UTF-8")?
        .to_owned();
    let work: PathBuf = if dry_run {
        let scratch = root.join("target/release-dry-run");
        let _ = Command::new("git")
            .current_dir(root)
            .args(["worktree", "remove", "--force"])
            .arg(&scratch)
            .status();
        let _ = std::fs::remove_dir_all(&scratch);
        run(
            root,
            "git",
            &[
                "worktree",
                "add",
                "--detach",
                scratch.to_str().context("path")?,
                "HEAD",
            ],
        )?;
        scratch
    } else {
        if output(root, "git", &["status", "--porcelain"]).is_some_and(|s| !s.is_empty()) {
            bail!("the working tree has uncommitted changes");
        }
        root.to_owned()
    };
    let result = (|| -> Result<()> {
        let previous_tag = output(
            &work,
            "git",
            &["describe", "--tags", "--abbrev=0", "--match", "v*"],
        );
        bump_versions(&work, version)?;
        let date =
            output(&work, "date", &["-u", "+%Y-%m-%d"]).unwrap_or_else(|| "unreleased".into());
        changelog(&work, version, &date)?;
        // The lock file records the workspace crates' versions.
        run(&work, "cargo", &["update", "--workspace", "--offline"])
            .or_else(|_| run(&work, "cargo", &["update", "--workspace"]))?;
        run(
            &work,
            "cargo",
            &["xtask", "codegen", "--check", "--specs", &specs],
        )?;
        match (
            &previous_tag,
            output(&work, "cargo", &["semver-checks", "--version"]),
        ) {
            (Some(tag), Some(_)) => run(
                &work,
                "cargo",
                &["semver-checks", "--workspace", "--baseline-rev", tag],
            )?,
            (None, _) => eprintln!("no earlier release tag: semver check skipped (first release)"),
            (_, None) => eprintln!("cargo-semver-checks is not installed: semver check skipped"),
        }
        let crates = published_crates(&work)?;
        eprintln!("publishing order: {}", crates.join(", "));
        let mut args = vec!["publish", "--dry-run", "--allow-dirty", "--locked"];
        if quick {
            // Every crate was just built and tested; packaging still checks metadata and contents.
            args.push("--no-verify");
        }
        for c in &crates {
            args.push("-p");
            args.push(c);
        }
        run(&work, "cargo", &args)?;
        if dry_run {
            eprintln!(
                "dry run complete: {version} would be published as {} crates and tagged v{version}",
                crates.len()
            );
        } else {
            run(
                &work,
                "git",
                &["commit", "-am", &format!("Release {version}")],
            )?;
            run(
                &work,
                "git",
                &[
                    "tag",
                    "-a",
                    &format!("v{version}"),
                    "-m",
                    &format!("Release {version}"),
                ],
            )?;
            eprintln!(
                "tagged v{version}; push the tag and run `cargo publish --workspace` to publish"
            );
        }
        Ok(())
    })();
    if dry_run {
        let _ = Command::new("git")
            .current_dir(root)
            .args(["worktree", "remove", "--force"])
            .arg(&work)
            .status();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(valid_version("0.2.0"));
        assert!(valid_version("1.0.0-rc.1"));
        assert!(!valid_version("1.0"));
        assert!(!valid_version("v1.0.0"));
    }

    #[test]
    fn bumps_lockstep_versions() {
        let dir = std::env::temp_dir().join(format!("xtask-release-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[workspace.package]\nversion = \"0.1.0\"\n\n[workspace.dependencies]\njaicp-core = { path = \"crates/jaicp-core\", version = \"0.1.0\" }\nserde = \"1\"\n",
        )
        .unwrap();
        bump_versions(&dir, "0.2.0").unwrap();
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(text.contains("version = \"0.2.0\"\n"));
        assert!(
            text.contains("jaicp-core = { path = \"crates/jaicp-core\", version = \"0.2.0\" }")
        );
        assert!(text.contains("serde = \"1\""));
        std::fs::write(
            dir.join("CHANGELOG.md"),
            "# C\n\n## [Unreleased]\n\n### Added\n- x\n",
        )
        .unwrap();
        changelog(&dir, "0.2.0", "2026-11-24").unwrap();
        let log = std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();
        assert!(log.contains("## [Unreleased]\n\n## [0.2.0] - 2026-11-24\n\n### Added"));
        assert!(changelog(&dir, "0.2.0", "2026-11-24").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
