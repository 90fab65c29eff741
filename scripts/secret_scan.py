#!/usr/bin/env python3
"""Scan the repository for anything that looks like a committed secret.

Usage: scripts/secret_scan.py [--root DIR] [PATH ...]

Without PATHs it scans every file git knows in the work tree of --root (default: this
repository): the tracked files and the untracked ones that are not ignored. A --root that is not
a git work tree is walked instead (skipping .git/, target/ and node_modules/). With PATHs it scans
just those files (or directories, walked).

It reports, as `path:line: reason: masked match`:
  - private key blocks (-----BEGIN ... PRIVATE KEY-----);
  - provider token prefixes: Stripe sk_/rk_ live and test keys, Slack xox?- tokens, GitHub
    gh?_ and github_pat_ tokens, AWS AKIA/ASIA key ids, Google AIza keys, GitLab glpat-,
    OpenAI-style sk- keys, NeonHub nh_live_ API keys, JWTs;
  - a literal password in a URL (scheme://user:password@ or ?password=...), unless it is an
    obvious placeholder (empty, ***, ${VAR}, <...>, postgres, password, hunter2, s3cr3t, ...
    or at most 3 characters);
  - long random-looking tokens: 32+ characters of base64/base64url with upper case, lower case
    and digits mixed the way random text mixes them (high entropy, frequent class changes).
    Pure hexadecimal (hashes, UUIDs, checksums in test expectations) is not reported.

Skipped: lock files (Cargo.lock, *.lock, package-lock.json), binary files, files over 5 MiB,
and any line carrying the marker `secret-scan: allow` (in a comment), for strings that look like
secrets but are not. Exit status: 0 when clean, 1 on any finding, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ALLOW_MARKER = "secret-scan: allow"
MAX_FILE_BYTES = 5 * 1024 * 1024
SKIP_NAMES = {"Cargo.lock", "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "poetry.lock"}
SKIP_SUFFIXES = (".lock",)
SKIP_DIRS = {".git", "target", "node_modules"}

# (reason, pattern, group holding the secret)
PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    (
        "private key block",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        0,
    ),
    ("Stripe secret key", re.compile(r"\b((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,})"), 1),
    ("Slack token", re.compile(r"\b(xox[abeoprs]-[0-9A-Za-z-]{10,})"), 1),
    ("GitHub token", re.compile(r"\b(gh[pousr]_[0-9A-Za-z]{30,}|github_pat_[0-9A-Za-z_]{22,})"), 1),
    ("AWS access key id", re.compile(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b"), 1),
    ("Google API key", re.compile(r"\b(AIza[0-9A-Za-z_-]{35})"), 1),
    ("GitLab token", re.compile(r"\b(glpat-[0-9A-Za-z_-]{20,})"), 1),
    ("OpenAI-style secret key", re.compile(r"\b(sk-(?:proj-|ant-)?[0-9A-Za-z_-]{32,})"), 1),
    ("NeonHub API key", re.compile(r"\b(nh_live_[0-9A-Za-z]{20,})"), 1),
    (
        "JSON web token",
        re.compile(r"\b(eyJ[0-9A-Za-z_-]{10,}\.eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,})"),
        1,
    ),
]

URL_USERINFO = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"`<>]*:([^\s@/'\"`]*)@")
URL_QUERY_PASSWORD = re.compile(r"[?&](?:password|passwd|pwd|pass)=([^&\s'\"`#]*)", re.I)
PLACEHOLDER_PASSWORDS = {
    "postgres", "password", "passwd", "pass", "pw", "pwd", "secret", "s3cr3t", "hunter2",
    "changeme", "example", "dummy", "fake", "test", "redacted", "root", "admin", "user",
    "neonhub", "mysecretpassword",
}

TOKEN = re.compile(r"[A-Za-z0-9+/_-]{32,}={0,2}")
HEX = re.compile(r"[0-9a-fA-F]+")
WORD = re.compile(r"[A-Za-z][a-z]{3,}")
DECLARATION = re.compile(
    r"\b(?:const|static|fn|let|mut|struct|enum|type|trait|mod|def|class|var|val)\s+$")
PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")
PEM_END = re.compile(r"-----END ([A-Z0-9 ]+)-----")


def is_placeholder_password(pw: str) -> bool:
    """Whether a password found in a URL is an obvious placeholder rather than a secret."""
    core = pw.strip("[]<>{}()'\",;:.")
    if len(core) <= 3:
        return True
    if set(core) <= set("*xX.-_"):
        return True
    if pw.startswith(("$", "%", "{", "<", "[")) or "${" in pw or "{{" in pw:
        return True
    return core.lower() in PLACEHOLDER_PASSWORDS


def shannon(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def char_class(c: str) -> int:
    if c.islower():
        return 0
    if c.isupper():
        return 1
    if c.isdigit():
        return 2
    return 3


def looks_random(token: str) -> bool:
    """A long token that mixes classes like random base64 does, and is not plain hex."""
    token = token.rstrip("=")
    if len(token) < 32:
        return False
    if HEX.fullmatch(token.removeprefix("0x").replace("-", "")):
        return False  # hashes, UUIDs, checksums
    if token.lower().startswith(("sha1-", "sha256-", "sha384-", "sha512-")):
        return False  # subresource-integrity style digests
    if not (any(c.islower() for c in token) and any(c.isupper() for c in token)
            and any(c.isdigit() for c in token)):
        return False
    segments = re.split(r"[/_+-]", token)
    if max(len(s) for s in segments) < 16:
        return False  # paths and identifiers made of short words
    # Identifiers (CamelCase, snake_case) are mostly words; random text rarely has long
    # lower-case runs, and switches between lower, upper and digits far more often.
    words = sum(len(w) for w in WORD.findall(token)) / len(token)
    changes = sum(char_class(a) != char_class(b) for a, b in zip(token, token[1:]))
    return (shannon(token) >= 3.8 and words < 0.5
            and changes / (len(token) - 1) >= 0.35)


def mask(secret: str, keep: int = 4) -> str:
    if len(secret) <= keep:
        return "*" * len(secret)
    return f"{secret[:keep]}{'*' * min(len(secret) - keep, 8)} ({len(secret)} chars)"


def scan_line(line: str, tokens: bool = True) -> list[tuple[str, str]]:
    hits: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for reason, pattern, group in PATTERNS:
        for m in pattern.finditer(line):
            text = m.group(group)
            shown = text if group == 0 else mask(text, 8 if "_" in text[:8] else 4)
            hits.append((reason, shown))
            taken.append(m.span())
    for pattern in (URL_USERINFO, URL_QUERY_PASSWORD):
        for m in pattern.finditer(line):
            pw = m.group(1)
            if not is_placeholder_password(pw):
                start, end = m.span(1)
                shown = line[m.start():start] + mask(pw, 1) + line[end:m.end()]
                hits.append(("password in URL", shown))
                taken.append(m.span())
    if not tokens or "base64," in line:
        return hits  # inside a PEM block (its BEGIN line is what counts), or a data: URI
    for m in TOKEN.finditer(line):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        if DECLARATION.search(line, 0, m.start()) or re.match(r"['\"]?:(?!//)", line[m.end():]):
            continue  # a declared name, or a key (`name:`, `"name":`)
        token = m.group()
        # In a URL (`https://host/org/repo/blob/<commit>/file`) judge path segments one by one.
        word_start = max(line.rfind(c, 0, m.start()) for c in " \t\"'`(<[") + 1
        in_url = "://" in line[word_start:m.start()] or token.startswith("/")
        parts = token.split("/") if in_url else [token]
        for part in parts:
            if looks_random(part):
                hits.append(("high-entropy token", mask(part)))
    return hits


def skipped(path: Path) -> bool:
    return path.name in SKIP_NAMES or path.name.endswith(SKIP_SUFFIXES)


def scan_file(path: Path, shown: str) -> list[str]:
    if skipped(path) or not path.is_file():
        return []
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return []
        data = path.read_bytes()
    except OSError as err:
        print(f"secret-scan: cannot read {shown}: {err}", file=sys.stderr)
        return []
    if b"\0" in data[:8192]:
        return []  # binary
    findings = []
    pem = None  # the label of the PEM block we are in
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        if pem is not None and (end := PEM_END.search(line)) and end.group(1) == pem:
            pem = None
            continue
        in_pem = pem is not None
        if not in_pem and (begin := PEM_BEGIN.search(line)) and not PEM_END.search(line):
            pem = begin.group(1)
        if ALLOW_MARKER in line:
            continue
        for reason, text in scan_line(line, tokens=not in_pem):
            findings.append(f"{shown}:{number}: {reason}: {text}")
    return findings


def walk(root: Path) -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        files.extend(Path(dirpath, f) for f in sorted(filenames))
    return files


def git(root: Path, *args: str) -> bytes | None:
    try:
        return subprocess.run(["git", "-C", str(root), *args], check=True,
                              capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def git_files(root: Path) -> list[Path] | None:
    """Tracked and untracked-but-not-ignored files, or None when root is not the top of a git
    work tree."""
    top = git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top.decode().strip()).resolve() != root.resolve():
        return None
    out = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if out is None:
        return None
    names = sorted({n for n in out.decode("utf-8", errors="replace").split("\0") if n})
    return [root / n for n in names]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="work tree to scan (default: this repository)")
    parser.add_argument("paths", nargs="*", type=Path, help="scan only these files/directories")
    args = parser.parse_args(argv)
    root: Path = args.root
    if not root.is_dir():
        parser.error(f"--root {root} is not a directory")

    if args.paths:
        files = [f for p in args.paths for f in (walk(p) if p.is_dir() else [p])]
        label = lambda f: str(f)  # noqa: E731
    else:
        files = git_files(root)
        if files is None:
            files = walk(root)
        label = lambda f: str(f.relative_to(root))  # noqa: E731

    findings = [hit for f in files for hit in scan_file(f, label(f))]
    for hit in findings:
        print(hit)
    if findings:
        print(f"secret-scan: {len(findings)} possible secret(s) in {len(files)} files; remove "
              f"them, or mark a false positive with `{ALLOW_MARKER}` on its line",
              file=sys.stderr)
        return 1
    print(f"secret-scan: {len(files)} files, no secrets found", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
