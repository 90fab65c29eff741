#!/usr/bin/env node
// Checks that prisma/schema.prisma is already in `prisma format`'s form (the generator writes it
// so): formats a copy and compares. A difference means smoke/src/prisma/render.rs and Prisma's
// formatter disagree; the generated file must never be formatted by hand.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const schema = join(here, "..", "..", "..", "prisma", "schema.prisma");
const dir = mkdtempSync(join(tmpdir(), "prisma-format-"));
try {
  const copy = join(dir, "schema.prisma");
  copyFileSync(schema, copy);
  const run = spawnSync(process.execPath, [join(here, "prisma.mjs"), "format", "--schema", copy], {
    encoding: "utf8",
  });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    process.exit(1);
  }
  const before = readFileSync(schema, "utf8").split("\n");
  const after = readFileSync(copy, "utf8").split("\n");
  const line = before.findIndex((l, i) => l !== after[i]);
  if (line >= 0 || before.length !== after.length) {
    const at = line >= 0 ? line : Math.min(before.length, after.length);
    console.error(
      `prisma/schema.prisma is not in prisma format's form at line ${at + 1}:\n  generated: ${before[at]}\n  formatted: ${after[at]}`,
    );
    process.exit(1);
  }
  console.log("prisma/schema.prisma: in prisma format's form");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
