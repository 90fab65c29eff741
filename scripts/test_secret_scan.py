"""Tests of the repository secret scan (scripts/secret_scan.py), run by `make lint`: the
repository itself is clean, and planted secrets are caught.

The planted secrets are assembled at run time from pieces, so this file never holds one.
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCAN = os.path.join(HERE, "secret_scan.py")
MASK = (1 << 64) - 1


def scan(*args):
    return subprocess.run(
        [sys.executable, SCAN, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def text(out):
    return f"exit {out.returncode}\nstdout:\n{out.stdout}\nstderr:\n{out.stderr}"


def random_looking(length, seed):
    """`length` base62 characters from a fixed-seed xorshift: random-looking, the same every run."""
    base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(length):
        seed ^= (seed << 13) & MASK
        seed ^= seed >> 7
        seed ^= (seed << 17) & MASK
        out.append(base62[seed % 62])
    return "".join(out)


class SecretScan(unittest.TestCase):
    def test_repository_has_no_secrets(self):
        out = scan("--root", ROOT)
        self.assertEqual(out.returncode, 0, f"the secret scan found something:\n{text(out)}")

    def test_scanner_catches_planted_secrets(self):
        # A scratch directory outside any git work tree, removed afterwards.
        with tempfile.TemporaryDirectory(prefix="neonhub-secret-scan-") as scratch:

            def write(name, contents):
                with open(os.path.join(scratch, name), "w", encoding="utf-8") as f:
                    f.write(contents)

            dashes = "-" * 5
            label = " ".join(["RSA", "PRIVATE", "KEY"])
            write(
                "key.pem",
                f"{dashes}BEGIN {label}{dashes}\n{random_looking(64, 1)}\n"
                f"{random_looking(40, 2)}\n{dashes}END {label}{dashes}\n",
            )
            stripe = "_".join(["sk", "live", random_looking(24, 3)])
            write("config.rs", f'let stripe = "{stripe}";\n')
            token = random_looking(40, 4)
            write("settings.toml", f'# Settings\nupload_token = "{token}"\n')
            password = random_looking(14, 5)
            write("deploy.env", f"DATABASE_URL=postgres://app:{password}@db.internal:5432/app\n")
            # Not secrets: a marked line, hex digests, a UUID, placeholders, long identifiers.
            write(
                "fine.txt",
                f'token = "{token}" # secret-scan: allow\n'
                f'sha256 = "{"ab12" * 16}"\n'
                'id = "0192f1c4-7a3b-7c1d-9e2f-3a4b5c6d7e8f"\n'
                "DATABASE_URL=postgres://postgres:postgres@localhost:5432/neonhub\n"
                'url = "postgres://neon:${PGPASSWORD}@db/app"\n'
                "fn sealed_columns_in_the_database_hold_ciphertext_only() {}\n"
                "type X = XChaCha20Poly1305KeyInitSomethingElse;\n",
            )

            out = scan("--root", scratch)
            report = text(out)
            self.assertEqual(out.returncode, 1, report)
            # Built at run time so that this file holds no provider key prefix itself.
            stripe_finding = "config.rs:1: Stripe secret key: " + "_".join(["sk", "live"]) + "_"
            for expected in [
                "key.pem:1: private key block",
                stripe_finding,
                "settings.toml:2: high-entropy token",
                "deploy.env:1: password in URL",
            ]:
                self.assertIn(expected, out.stdout, f"missing `{expected}`:\n{report}")
            self.assertEqual(
                len(out.stdout.splitlines()), 4, f"one finding per planted secret:\n{report}"
            )
            # Findings are masked.
            for secret in [stripe, token, password]:
                self.assertNotIn(secret, out.stdout, f"`{secret}` printed unmasked:\n{report}")

            # Scanning a single clean file passes.
            out = scan("--root", scratch, os.path.join(scratch, "fine.txt"))
            self.assertEqual(out.returncode, 0, text(out))


if __name__ == "__main__":
    unittest.main()
