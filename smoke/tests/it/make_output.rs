//! Machine output through make is exactly the program's stdout: `make smoke ARGS=--json | jq .`
//! works for every target that runs a binary (make echoes no recipe line and no directory).
//!
//! `CARGO` and `LOCAL_PG` are replaced by fakes, so no database and no build is involved: the
//! fake cargo prints one JSON object naming its arguments, and that must be all of make's stdout.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/usr/bin/env bash\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A temporary folder, deleted on drop (also when an assertion fails).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

#[test]
fn make_targets_print_only_the_programs_stdout() {
    let tmp =
        TempDir(std::env::temp_dir().join(format!("neonhub-make-output-{}", std::process::id())));
    let dir = &tmp.0;
    std::fs::create_dir_all(dir).unwrap();
    let cargo = script(dir, "cargo", r#"printf '{"argv":"%s"}\n' "$*""#);
    // The local server script says what it does on stderr, as the real one does.
    let local_pg = script(
        dir,
        "local-pg.sh",
        r#"echo "local-pg: $*" >&2; [ "$1" = bin-dir ] && echo /nonexistent/bin; exit 0"#,
    );
    for target in [
        "migrate",
        "migrate-status",
        "migrate-down",
        "migrate-fresh",
        "migrations-sql",
        "seed",
        "synth",
        "smoke",
        "doctor",
        "docs",
        "bench",
        "vector-maintain",
        "purge",
        "export-user",
        "erase-user",
    ] {
        // As an operator runs it from a shell (this test itself may run under `make test`,
        // whose sub-make would print "Entering directory" lines).
        let out = Command::new("make")
            .current_dir(workspace())
            .env_remove("MAKELEVEL")
            .env_remove("MAKEFLAGS")
            .env_remove("MFLAGS")
            .arg(target)
            .arg("ARGS=--json")
            .arg(format!("CARGO={}", cargo.display()))
            .arg(format!("LOCAL_PG={}", local_pg.display()))
            .output()
            .expect("make runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "make {target}: {stdout}{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("make {target} ARGS=--json: stdout is not only JSON ({e}):\n{stdout}")
        });
        let argv = json["argv"].as_str().unwrap_or_default();
        assert!(argv.starts_with("run "), "make {target}: {argv}");
        assert_eq!(stdout.lines().count(), 1, "make {target}: {stdout}");
    }
}
