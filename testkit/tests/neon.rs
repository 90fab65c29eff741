//! Neon as it is, emulated ([`testkit::neon`]): a cluster of the test's own, a non-superuser
//! owner with CREATEROLE and CREATEDB owning its database, `vector` pre-created by the
//! superuser, the application login created by the owner, and a real PgBouncer (Debian's 1.18,
//! transaction mode, TLS, 4 server connections per pool) in front.
//!
//! As that owner, directly and then through the pooler, every command runs and succeeds: the
//! migrations (up, down 3, up, status), the seed twice, the ticket keys, smoke, doctor (what
//! needs a superuser is skipped with its reason, never failed), vector-maintain, purge, a user's
//! export and erasure, and a restore point where permitted. Then the deploy workflow's steps
//! (`.github/workflows/db-deploy.yml`, read from the file: each `run:` with its `env:`) with
//! Neon's variables: the pooled `DATABASE_URL` and the direct `DATABASE_URL_UNPOOLED`; and with
//! a pooled `DATABASE_URL` alone, the steps that write refuse.
//!
//! The binaries are the workspace's (`cargo test --workspace` builds them first); every URL
//! goes through the environment, never an argument.

use neonhub_db::DatabaseUrl;
use std::path::PathBuf;
use std::process::{Command, Output};
use testkit::neon::{NeonProject, connect};
use testkit::pgbouncer::Settings;

/// The API's ticket keys for these runs: a test key, the bytes 0 to 31 (not a secret).
const TICKET_KEYS: &str = "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // secret-scan: allow

/// A folder without `.env` above it, with the binaries where the workflow expects them
/// (`target/release/…`) and the project's scripts.
struct Workdir {
    dir: PathBuf,
}

impl Workdir {
    fn new() -> Self {
        static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "neonhub-neon-work-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("target/release")).unwrap();
        for bin in [
            "migration",
            "seeder",
            "smoke",
            "vector-maintain",
            "lifecycle",
        ] {
            std::os::unix::fs::symlink(
                testkit::workspace_binary(bin),
                dir.join("target/release").join(bin),
            )
            .unwrap();
        }
        std::os::unix::fs::symlink(
            testkit::local_server::workspace().join("scripts"),
            dir.join("scripts"),
        )
        .unwrap();
        Self { dir }
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.dir.join("target/release").join(name)
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The variables a run may read, cleared, then `env` set.
fn clean_env(cmd: &mut Command, env: &[(&str, &str)]) {
    for var in [
        "DATABASE_URL",
        "DIRECT_DATABASE_URL",
        "DATABASE_URL_UNPOOLED",
        "DATABASE_APP_URL",
        "DATABASE_READ_URL",
        "PGPASSWORD",
        "PGOPTIONS",
        "GITHUB_ACTIONS",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NEONHUB_TICKET_KEYS", TICKET_KEYS)
        .env("RUST_BACKTRACE", "0")
        .envs(env.iter().copied());
}

fn text(out: &Output) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Run `bin args` in `work` with `env`: whether it succeeded, and its output.
fn run(work: &Workdir, bin: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(work.bin(bin));
    cmd.args(args).current_dir(&work.dir);
    clean_env(&mut cmd, env);
    let out = cmd.output().unwrap_or_else(|e| panic!("{bin}: {e}"));
    (out.status.success(), text(&out))
}

/// How many migrations this build has.
fn migration_count() -> usize {
    migration::state::known().len()
}

/// Run `bin args` in `work` with `env`; it must succeed. Returns stdout and stderr.
fn ok(work: &Workdir, bin: &str, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let mut cmd = Command::new(work.bin(bin));
    cmd.args(args).current_dir(&work.dir);
    clean_env(&mut cmd, env);
    let out = cmd.output().unwrap_or_else(|e| panic!("{bin}: {e}"));
    assert!(
        out.status.success(),
        "{bin} {args:?} failed:\n{}",
        text(&out)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One value of the first row of `sql`, as the owner.
async fn value(url: &DatabaseUrl, sql: &str) -> String {
    let db = connect(url).await;
    let v = testkit::text(&db, sql).await;
    db.close().await.ok();
    v
}

/// Every command, as the owner, with `url` (direct or pooled) for readers and writers alike.
async fn command_set(
    project: &NeonProject,
    work: &Workdir,
    url: &DatabaseUrl,
    label: &str,
    pooled: bool,
) {
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("DIRECT_DATABASE_URL", url.as_str()),
    ];
    let (out, _) = ok(work, "migration", &["up"], &env);
    assert!(
        out.contains("migration(s)") || out.contains("up to date"),
        "{label}: {out}"
    );
    if value(
        project.superuser(),
        "SELECT count(*)::text FROM pg_roles WHERE rolname = 'neonhub_api'",
    )
    .await
        == "0"
    {
        project.create_app_login().await;
    }
    if pooled {
        // The last migration that runs outside a transaction (CONCURRENTLY) is refused through
        // the pooler once those after it are rolled back.
        let (tail, refused) = testkit::neon::pooled_tail();
        let n = (tail + 1).to_string();
        let (ok_, out) = run(work, "migration", &["down", "-n", &n], &env);
        assert!(!ok_, "{label}: {out}");
        for needle in [
            refused.as_str(),
            "runs outside a transaction",
            "DIRECT_DATABASE_URL",
            "DATABASE_URL_UNPOOLED",
        ] {
            assert!(
                out.contains(needle),
                "{label}: expected {needle:?} in {out}"
            );
        }
        assert_eq!(
            value(
                project.superuser(),
                "SELECT count(*)::text FROM seaql_migrations"
            )
            .await,
            (migration_count() - tail).to_string()
        );
    } else {
        let n = (testkit::neon::pooled_tail().0 + 1).to_string();
        ok(work, "migration", &["down", "-n", &n], &env);
    }
    ok(work, "migration", &["up"], &env);
    let (status, _) = ok(work, "migration", &["status"], &env);
    assert!(status.contains(" 0 pending"), "{label}: {status}");
    ok(work, "seeder", &[], &env);
    ok(work, "seeder", &[], &env);
    ok(work, "seeder", &["ticket-keys"], &env);
    ok(work, "smoke", &["--expect-seeded"], &env);
    let (report, stderr) = ok(work, "smoke", &["doctor"], &env);
    eprintln!("{label} doctor:\n{report}\n{stderr}");
    ok(work, "vector-maintain", &[], &env);
    ok(work, "lifecycle", &["purge"], &env);
    let email = value(
        url,
        "SELECT email FROM users ORDER BY created_at, id LIMIT 1",
    )
    .await;
    let (export, _) = ok(work, "lifecycle", &["export-user", &email], &env);
    assert!(
        export.contains(&email),
        "{label}: the export names the user"
    );
    ok(
        work,
        "lifecycle",
        &["erase-user", &email, "--delete-owned"],
        &env,
    );
    let (point, stderr) = ok(
        work,
        "migration",
        &["restore-point", &format!("neon-{label}"), "--if-permitted"],
        &env,
    );
    eprintln!("{label} restore point: {point}{stderr}");
}

#[tokio::test]
async fn the_owner_runs_every_command_directly_and_through_the_pooler() {
    let project = NeonProject::start(Settings::default()).await;
    let work = Workdir::new();
    command_set(&project, &work, project.owner(), "direct", false).await;
    let pooled = project.pooled(project.owner(), "pgbouncer=true");
    command_set(&project, &work, &pooled, "pooled", true).await;
}

/// One step of a workflow: its name, `env:` and `run:` (steps that only `uses:` an action, and
/// the toolchain and build steps, are left out: the binaries are built already).
struct Step {
    name: String,
    env: Vec<(String, String)>,
    run: String,
}

/// The steps of `.github/workflows/<file>`, read as GitHub reads the simple forms it uses
/// (`run: cmd`, `run: |` blocks, `env:` maps of `${{ secrets.X }}` and `${{ github.run_id }}`).
fn workflow_steps(file: &str, secrets: &[(&str, &str)]) -> Vec<Step> {
    let text = std::fs::read_to_string(
        testkit::local_server::workspace()
            .join(".github/workflows")
            .join(file),
    )
    .unwrap();
    let value = |raw: &str| -> String {
        let raw = raw.trim();
        match raw
            .strip_prefix("${{")
            .and_then(|r| r.strip_suffix("}}"))
            .map(str::trim)
        {
            Some(expr) if expr.starts_with("secrets.") => secrets
                .iter()
                .find(|(k, _)| Some(*k) == expr.strip_prefix("secrets."))
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_default(),
            Some("github.run_id") => "4242".to_owned(),
            Some(other) => panic!("{file}: unknown expression {other}"),
            None => raw.trim_matches('"').to_owned(),
        }
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim() != "steps:")
        .skip(1)
        .peekable();
    let mut uses = false;
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("      - ") {
            if let Some(step) = steps.last()
                && (uses || step.run.contains("cargo ") || step.run.contains("rustup "))
            {
                steps.pop();
            }
            uses = false;
            steps.push(Step {
                name: String::new(),
                env: Vec::new(),
                run: String::new(),
            });
            // The first key of the step is on the dash's line.
            handle_key(rest, &mut steps, &mut uses, &mut lines, &value);
        } else if let Some(rest) = line.strip_prefix("        ")
            && !rest.starts_with(' ')
        {
            handle_key(rest, &mut steps, &mut uses, &mut lines, &value);
        }
    }
    if let Some(step) = steps.last()
        && (uses || step.run.contains("cargo ") || step.run.contains("rustup "))
    {
        steps.pop();
    }
    steps
}

fn handle_key<'a>(
    rest: &str,
    steps: &mut [Step],
    uses: &mut bool,
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    value: &dyn Fn(&str) -> String,
) {
    let step = steps.last_mut().unwrap();
    let (key, val) = rest.split_once(':').unwrap_or((rest, ""));
    match key.trim() {
        "name" => step.name = val.trim().to_owned(),
        "uses" => *uses = true,
        "env" => {
            while let Some(next) = lines.peek() {
                let Some(entry) = next.strip_prefix("          ") else {
                    break;
                };
                let (k, v) = entry.split_once(':').unwrap();
                step.env.push((k.trim().to_owned(), value(v)));
                lines.next();
            }
        }
        "run" if val.trim() == "|" => {
            while let Some(next) = lines.peek() {
                let Some(command) = next.strip_prefix("          ") else {
                    break;
                };
                step.run.push_str(command);
                step.run.push('\n');
                lines.next();
            }
        }
        "run" => step.run = val.trim().to_owned(),
        _ => {}
    }
}

/// Run a workflow step as GitHub does (`bash -eo pipefail`), in `work` with its env.
fn run_step(work: &Workdir, step: &Step) -> (bool, String) {
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &step.run])
        .current_dir(&work.dir);
    clean_env(&mut cmd, &[("GITHUB_ACTIONS", "true")]);
    cmd.envs(step.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let out = cmd.output().unwrap();
    (out.status.success(), text(&out))
}

#[tokio::test]
async fn the_deploy_workflow_migrates_a_neon_database_with_its_two_urls() {
    let project = NeonProject::start(Settings::neon()).await;
    let work = Workdir::new();
    let direct = project.owner().as_str().to_owned();
    let pooled = project
        .pooled(project.owner(), "pgbouncer=true")
        .as_str()
        .to_owned();

    // Only Neon's pooled URL: every step that writes refuses, before touching the database.
    let steps = workflow_steps("db-deploy.yml", &[("DATABASE_URL", &pooled)]);
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"Migrate") && names.contains(&"Seed"),
        "{names:?}"
    );
    for step in steps
        .iter()
        .filter(|s| s.run.contains("writer-url.sh check"))
    {
        let (ok, out) = run_step(&work, step);
        assert!(!ok, "{}: must refuse a pooled URL alone:\n{out}", step.name);
        assert!(
            out.contains("::error::")
                && out.contains("looks pooled")
                && out.contains("DIRECT_DATABASE_URL"),
            "{}: {out}",
            step.name
        );
    }
    assert_eq!(
        value(
            project.superuser(),
            "SELECT count(*)::text FROM pg_tables WHERE tablename = 'seaql_migrations'"
        )
        .await,
        "0",
        "nothing was migrated"
    );

    // Neon's two variables: the pooled DATABASE_URL, the direct DATABASE_URL_UNPOOLED (the
    // secret DIRECT_DATABASE_URL unset, so empty): every step passes.
    let steps = workflow_steps(
        "db-deploy.yml",
        &[
            ("DATABASE_URL", &pooled),
            ("DATABASE_URL_UNPOOLED", &direct),
        ],
    );
    // The first deploy: no application login can be granted neonhub_app before the migrations
    // create it, so the readiness report fails on that alone; the owner then creates the login
    // (README, "Running on Neon") and the report passes.
    for step in &steps {
        let (ok, out) = run_step(&work, step);
        if step.name == "Readiness report" {
            let report = std::fs::read_to_string(work.dir.join("readiness.md")).unwrap();
            assert!(!ok && report.contains("**Not ready**"), "{report}");
            let failed: Vec<&str> = report.lines().filter(|l| l.starts_with("| ❌")).collect();
            assert!(
                failed.len() == 1 && failed[0].contains("Application logins"),
                "{report}"
            );
            project.create_app_login().await;
            let (ok, out) = run_step(&work, step);
            assert!(ok, "the report after the login was created:\n{out}");
            continue;
        }
        assert!(ok, "step {:?} failed:\n{out}", step.name);
        if step.run.contains("writer-url.sh check") {
            assert!(
                out.contains("use DATABASE_URL_UNPOOLED"),
                "{}: {out}",
                step.name
            );
        }
    }
    let report = std::fs::read_to_string(work.dir.join("readiness.md")).unwrap();
    assert!(report.contains("**Ready**"), "{report}");
    assert_eq!(
        value(
            project.superuser(),
            "SELECT count(*)::text FROM seaql_migrations"
        )
        .await,
        migration_count().to_string()
    );
}

/// The pool check itself: a client that sets something for its session through the pooler (as
/// a tool that sent `SET` would) leaves it on a server connection, and the check sees it.
#[tokio::test]
async fn the_pool_check_sees_a_setting_left_by_a_client() {
    let project = NeonProject::start(Settings::default()).await;
    let (leaks, sessions) = project.pool_leaks(project.owner()).await;
    assert!(leaks.is_empty(), "{leaks:?}");
    assert_eq!(sessions.len(), 4);
    let client = connect(&project.pooled(project.owner(), "")).await;
    sea_orm::ConnectionTrait::execute_unprepared(&client, "SET lock_timeout = '4321ms'")
        .await
        .unwrap();
    client.close().await.ok();
    let (leaks, _) = project.pool_leaks(project.owner()).await;
    assert_eq!(leaks.len(), 1, "{leaks:?}");
    assert!(leaks[0].contains("lock_timeout = 4321ms"), "{leaks:?}");
}
