"""No password on any command line, checked by watching them: every process's arguments are
visible to every user of the machine (`ps`, /proc/*/cmdline), so passwords and URLs go to the
tools through the environment or stdin. Run by `make test`.

While each of these runs, a sampler reads /proc/*/cmdline of every process started for it
(its session, or a descendant) every couple of milliseconds, and fails the test if a password
appears in one, or any URL that carries a password:

- `make backup`, `make psql ARGS="-c …"` and `make restore FILE=… YES=1`, against a scratch
  database owned by a scratch login with a random password (never the shared database);
- the local server's switch from trust to passwords (`scripts/local-pg.sh up` on a throwaway
  server in its own folder and port, whose pg_hba.conf the test sets to trust first).

First it proves that it would see a leak: short-lived processes with a made-up password in
their arguments (as `python3 - URL field` had) must be caught. Needs only Python 3 and what
`make test` installs.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOCAL_PG = ROOT / "scripts" / "local-pg.sh"
# A URL that carries a password: scheme://user:password@
URL_WITH_PASSWORD = re.compile(rb"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^@\s/]+@", re.I)
THROWAWAY_PORTS = range(55455, 55460)


def env_value(name, path):
    """The last NAME=value of a .env file, unquoted (as scripts/lib/pg-url.sh reads it)."""
    value = ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return value
    for line in lines:
        m = re.match(rf"^\s*(?:export\s+)?{re.escape(name)}\s*=\s*(.*)$", line)
        if m:
            value = m.group(1).strip().strip("'\"")
    return value


def libpq_env(url):
    """PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and TLS settings) for `url`."""
    u = urlsplit(url)
    env = {
        "PGHOST": u.hostname or "",
        "PGPORT": str(u.port or 5432),
        "PGUSER": unquote(u.username or ""),
        "PGPASSWORD": unquote(u.password or ""),
        "PGDATABASE": u.path.lstrip("/"),
    }
    for pair in filter(None, u.query.split("&")):
        key, _, value = pair.partition("=")
        if key in ("sslmode", "sslrootcert"):
            env["PG" + key.upper()] = unquote(value)
    return env


class Sampler(threading.Thread):
    """Reads the command line of every process of one run every ~2 ms: those in the session of
    the run's first process, or whose parent is one of them. Remembers every distinct command
    line and those that hold a secret or a URL with a password."""

    def __init__(self, root_pid, secrets_):
        super().__init__(daemon=True)
        self.root = root_pid
        self.secrets = [s.encode() for s in secrets_]
        self.stop = threading.Event()
        self.seen = set()
        self.leaks = []
        self.sweeps = 0
        self.ours = {root_pid}
        self.others = set()

    def mine(self, pid):
        if pid in self.ours:
            return True
        if pid in self.others:
            return False
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            return False
        ppid, sid = int(fields[1]), int(fields[3])
        if sid == self.root or ppid in self.ours:
            self.ours.add(pid)
            return True
        self.others.add(pid)
        return False

    def sweep(self):
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            if not self.mine(pid):
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read()
            except OSError:
                continue
            if not cmdline or cmdline in self.seen:
                continue
            self.seen.add(cmdline)
            if any(s in cmdline for s in self.secrets) or URL_WITH_PASSWORD.search(cmdline):
                self.leaks.append(cmdline)

    def run(self):
        while not self.stop.is_set():
            self.sweep()
            self.sweeps += 1
            time.sleep(0.002)

    def redacted(self, cmdline):
        for s in self.secrets:
            cmdline = cmdline.replace(s, b"<SECRET>")
        cmdline = URL_WITH_PASSWORD.sub(b"<URL WITH PASSWORD>", cmdline)
        return cmdline.replace(b"\0", b" ").decode(errors="replace").strip()


def watched(cmd, secrets_, env, timeout=600, stdin=None):
    """Run `cmd` (in a session of its own) while sampling its processes' command lines."""
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    sampler = Sampler(proc.pid, secrets_)
    sampler.start()
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    finally:
        sampler.stop.set()
        sampler.join()
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"), sampler


def watched_seeing(cmd, secrets_, env, program, attempts=3):
    """`watched`, run again (up to `attempts` times) until the sampler has seen `program`: the
    proof that it watched the process that handles the password. Sampling may miss a process
    of a few milliseconds; a leak in any attempt is kept."""
    leaks = []
    for _ in range(attempts):
        code, out, err, sampler = watched(cmd, secrets_, env)
        leaks += sampler.leaks
        if code != 0 or program in programs(sampler):
            break
    sampler.leaks = leaks
    return code, out, err, sampler


def programs(sampler):
    """The program names of the command lines a sampler saw."""
    return {os.path.basename(c.split(b"\0")[0]).decode(errors="replace") for c in sampler.seen}


def run(cmd, env, stdin=None, check=True):
    out = subprocess.run(
        cmd, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if check and out.returncode != 0:
        raise AssertionError(f"{cmd[0]} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    return out


def free_port(ports):
    for port in ports:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {ports}")


class NoPasswordOnCommandLines(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PG", "BACKUP_AGE_")) and k not in ("MAKEFLAGS", "MFLAGS")
        }
        cls.psql = str(
            Path(run(["bash", str(LOCAL_PG), "bin-dir"], cls.base_env).stdout.strip()) / "psql"
        )
        cls.scratch = Path(tempfile.mkdtemp(prefix="neonhub-argv-"))
        cls.secrets = []
        cls.summary = []

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)
        print(
            "no password on any command line: " + "; ".join(cls.summary),
            file=sys.stderr,
        )

    def assert_no_leak(self, what, sampler, must_see):
        for cmdline in sampler.leaks:
            self.fail(f"{what}: a password on a command line: {sampler.redacted(cmdline)}")
        seen = programs(sampler)
        for program in must_see:
            self.assertIn(
                program,
                seen,
                f"{what}: the sampler never saw {program} (saw {sorted(seen)}): it is not watching",
            )
        self.summary.append(f"{what}: {len(sampler.seen)} command lines, {sampler.sweeps} sweeps")

    def test_1_the_sampler_sees_a_leak(self):
        # Short-lived processes with a made-up password in their arguments, as the old
        # `python3 - "$url" field` was: each must be caught.
        canary = secrets.token_hex(16)
        for _ in range(3):
            code, _, _, sampler = watched(
                [
                    "bash",
                    "-c",
                    'python3 -c pass "$1"; python3 -c pass "$1"; python3 -c pass "$1"',
                    "canary",
                    f"postgres://someone:{canary}@127.0.0.1:9/x",
                ],
                [canary],
                self.base_env,
            )
            self.assertEqual(code, 0)
            self.assertTrue(sampler.leaks, "the sampler missed a password on a command line")
            self.assertNotIn(canary, sampler.redacted(sampler.leaks[0]))

    def test_2_backup_psql_restore(self):
        admin_url = os.environ.get("DATABASE_URL") or env_value("DATABASE_URL", ROOT / ".env")
        self.assertTrue(
            admin_url, "DATABASE_URL is not set: run `make db-up` first (`make test` does)"
        )
        admin = dict(self.base_env, **libpq_env(admin_url))
        # A scratch login (random password) owning a scratch database: the shared database is
        # never dumped or restored over.
        name = f"neonhub_argv_{secrets.token_hex(4)}"
        password = secrets.token_hex(24)
        secrets_ = [password]
        admin_password = libpq_env(admin_url)["PGPASSWORD"]
        if len(admin_password) >= 12:
            # The owner's password (the local server's is random): db-up uses it too.
            secrets_.append(admin_password)
        run(
            [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
            admin,
            stdin=f"CREATE ROLE {name} LOGIN PASSWORD '{password}';\n"
            f"CREATE DATABASE {name} OWNER {name};\n",
        )
        try:
            u = urlsplit(admin_url)
            port = f":{u.port}" if u.port else ""
            url = f"postgres://{name}:{quote(password)}@{u.hostname}{port}/{name}"
            if u.query:
                url += "?" + u.query
            env = dict(
                self.base_env,
                DATABASE_URL=url,
                BACKUP_DIR=str(self.scratch / "backups"),
                LOCAL_PG_ENV_FILE=str(self.scratch / "dot-env"),
                YES="1",
            )
            run(
                [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
                dict(self.base_env, **libpq_env(url)),
                stdin="CREATE TABLE argv_probe (x int); INSERT INTO argv_probe VALUES (42);\n",
            )

            code, out, err, sampler = watched_seeing(
                ["make", "--no-print-directory", "backup"], secrets_, env, "pg_dump"
            )
            self.assertEqual(code, 0, f"make backup failed:\n{out}{err}")
            dump = [line for line in out.splitlines() if line.endswith(".dump")][-1]
            self.assert_no_leak("make backup", sampler, ["pg_dump"])

            code, out, err, sampler = watched_seeing(
                [
                    "make",
                    "--no-print-directory",
                    "psql",
                    "ARGS=-X -A -t -c 'SELECT x FROM argv_probe'",
                ],
                secrets_,
                env,
                "psql",
            )
            self.assertEqual(code, 0, f"make psql failed:\n{out}{err}")
            self.assertEqual(out.strip().splitlines()[-1], "42", out)
            self.assert_no_leak("make psql", sampler, ["psql"])

            run(
                [self.psql, "-X", "-q", "-c", "DROP TABLE argv_probe"],
                dict(self.base_env, **libpq_env(url)),
            )
            code, out, err, sampler = watched_seeing(
                ["make", "--no-print-directory", "restore", f"FILE={dump}", "YES=1"],
                secrets_,
                env,
                "pg_restore",
            )
            self.assertEqual(code, 0, f"make restore failed:\n{out}{err}")
            self.assert_no_leak("make restore", sampler, ["pg_restore"])
            restored = run(
                [self.psql, "-X", "-A", "-t", "-c", "SELECT x FROM argv_probe"],
                dict(self.base_env, **libpq_env(url)),
            )
            self.assertEqual(restored.stdout.strip(), "42")
        finally:
            run(
                [self.psql, "-X", "-q"],
                admin,
                stdin=f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\n"
                f"DROP ROLE IF EXISTS {name};\n",
                check=False,
            )

    def test_3_local_server_upgrade_from_trust(self):
        # A throwaway server of scripts/local-pg.sh in its own folder and port (the installed
        # wheel linked in), made to trust local connections as an old version of the script did.
        base = Path(tempfile.gettempdir()) / f"neonhub-argv-server-{os.getpid()}"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(mode=0o711)
        os.chmod(base, 0o711)  # the server's user traverses it
        (base / "wheel").symlink_to(Path(self.psql).parents[2])
        port = free_port(THROWAWAY_PORTS)
        env = dict(
            self.base_env,
            LOCAL_PG_DIR=str(base),
            LOCAL_PG_PORT=str(port),
            LOCAL_PG_ENV_FILE=str(base / "dot-env"),
            LOCAL_PG_FAST="1",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/neonhub",
        )
        try:
            code, out, err, sampler = watched(["bash", str(LOCAL_PG), "up"], [], env)
            self.assertEqual(code, 0, f"local-pg.sh up failed:\n{err}")
            self.assert_no_leak("local-pg.sh up (a new server)", sampler, [])
            super_password = (base / "postgres-16.password").read_text().strip()
            app_password = (base / "neonhub_api-16.password").read_text().strip()

            hba = base / "data-16" / "pg_hba.conf"
            leaks = []
            for _ in range(3):
                # Trust, as an old version of the script left it; then the switch, watched
                # (again if the sampler missed every psql of it: they last milliseconds).
                run(["bash", str(LOCAL_PG), "down"], env)
                text = hba.read_text()
                trusting = re.sub(r"(?m)^([^#\n]*\s)scram-sha-256\s*$", r"\1trust", text)
                self.assertIn("trust", trusting)
                hba.write_text(trusting)
                code, out, err, sampler = watched(
                    ["bash", str(LOCAL_PG), "up"], [super_password, app_password], env
                )
                self.assertEqual(code, 0, f"local-pg.sh up (from trust) failed:\n{err}")
                self.assertIn("switching this server from trust", err)
                leaks += sampler.leaks
                if "psql" in programs(sampler):
                    break
            sampler.leaks = leaks
            self.assert_no_leak("local-pg.sh up (upgrade from trust)", sampler, ["psql"])
            self.assertNotRegex(hba.read_text(), r"(?m)^[^#\n]*\strust\s*$")

            # The password set over stdin is the one in the file; no password is refused.
            probe = ["-X", "-A", "-t", "-w", "-c", "SELECT current_user"]
            local = dict(
                self.base_env,
                PGHOST="127.0.0.1",
                PGPORT=str(port),
                PGUSER="postgres",
                PGDATABASE="postgres",
            )
            ok = run([self.psql, *probe], dict(local, PGPASSWORD=super_password))
            self.assertEqual(ok.stdout.strip(), "postgres")
            refused = run([self.psql, *probe], local, check=False)
            self.assertNotEqual(
                refused.returncode, 0, "connected without a password after the switch"
            )
        finally:
            run(["bash", str(LOCAL_PG), "destroy"], env, check=False)
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=1)
