#!/usr/bin/env node
// Runs Prisma's CLI (node_modules/.bin/prisma) with the one variable it needs when its schema
// engine binary was never downloaded (nothing but the npm registry is reachable):
// PRISMA_SCHEMA_ENGINE_BINARY, pointing at any existing file (this one, unless set). `validate`,
// `format` and `generate` never start the engine: the client's query compiler is wasm. Commands
// that would (migrate, db push, db pull) are not for this database: the Rust migrations own it.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(import.meta.url);
const cli = join(dirname(here), "..", "node_modules", "prisma", "build", "index.js");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= here;
const run = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(run.status ?? 1);
