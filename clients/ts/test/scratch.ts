/**
 * A scratch database for the TypeScript tests: created on the server of `DATABASE_URL` (the
 * owner; environment, else the repository's `.env`) under a unique name, migrated by the Rust
 * migrations and seeded by the seeder (`cargo run -p migration -- up`, `cargo run -p seeder`),
 * with an application login of its own granted `neonhub_app` and a ticket key installed (as
 * `testkit::AppLogin` does). Then it runs the command given after `--` with
 *
 * - `NEONHUB_TEST_OWNER_URL`: the scratch database as the owner (fixtures of the tests),
 * - `NEONHUB_TEST_APP_URL`: the scratch database as the application login (row-level security),
 * - `NEONHUB_TICKET_KEYS`: the installed ticket key,
 *
 * and drops the database and the login afterwards, also when the command fails or is
 * interrupted. Exits with the command's status. With `--synth "<flags>"` it also bulk-loads
 * synthetic data (`cargo run --release -p seeder -- synth <flags>`) and builds the tenant
 * vector indexes (`vector-maintain`), for the benchmark.
 *
 *     node dist/test/scratch.js -- node --test dist/test/*.test.js
 *     node dist/test/scratch.js --synth "--chunks 20000" -- node dist/bench/bench.js
 */
import { spawnSync, spawn } from "node:child_process";
import { randomBytes, createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** `KEY=value` lines of the repository's `.env`, for what the environment does not set. */
function fromDotEnv(name: string): string | undefined {
  try {
    for (const line of readFileSync(resolve(repoRoot, ".env"), "utf8").split("\n")) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
      if (match?.[1] === name) {
        return match[2]?.replace(/^(['"])(.*)\1$/, "$2");
      }
    }
  } catch {
    // No .env: the environment must say it.
  }
  return undefined;
}

/** A SCRAM-SHA-256 verifier of `password` (what `CREATE ROLE … PASSWORD` stores), so that the
 * password itself never reaches the server's statements or logs. */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

function cargo(args: string[], env: NodeJS.ProcessEnv, what: string, inherit = false): void {
  const run = spawnSync("cargo", ["run", "--quiet", "--locked", ...args], {
    cwd: repoRoot,
    env,
    encoding: "utf8",
    stdio: inherit ? ["ignore", 2, 2] : "pipe",
  });
  if (run.status !== 0) {
    throw new Error(`${what} failed (cargo ${args.join(" ")}):\n${run.stdout}\n${run.stderr}`);
  }
}

async function main(): Promise<number> {
  const separator = process.argv.indexOf("--");
  const command = separator >= 0 ? process.argv.slice(separator + 1) : [];
  const { values: options } = parseArgs({
    args: process.argv.slice(2, separator >= 0 ? separator : undefined),
    options: { synth: { type: "string" } },
  });
  if (command.length === 0) {
    console.error("usage: node dist/test/scratch.js -- <command> [args…]");
    return 2;
  }
  const ownerUrl = process.env.DATABASE_URL ?? fromDotEnv("DATABASE_URL");
  if (ownerUrl === undefined) {
    console.error(
      "scratch database: DATABASE_URL is not set (environment or the repository's .env): run `make db-up`",
    );
    return 2;
  }
  const suffix = randomBytes(6).toString("hex");
  const database = `neonhub_ts_${suffix}`;
  const role = `neonhub_ts_${suffix}`;
  const password = randomBytes(24).toString("base64url");
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  let child: ReturnType<typeof spawn> | undefined;
  const interrupted = (): void => {
    child?.kill("SIGTERM");
  };
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
    const scratchOwner = withDatabase(ownerUrl, database);
    const env = { ...process.env, DATABASE_URL: scratchOwner };
    cargo(["-p", "migration", "--", "up"], env, "migrating the scratch database");
    cargo(["-p", "seeder", "--"], env, "seeding the scratch database");
    if (options.synth !== undefined) {
      const started = Date.now();
      const flags = options.synth.split(/\s+/).filter((f) => f.length > 0);
      cargo(["--release", "-p", "seeder", "--", "synth", "--progress", "log", ...flags], env, "loading synthetic data", true);
      cargo(["--release", "-p", "maintain", "--bin", "vector-maintain", "--"], env, "vector-maintain", true);
      console.error(`scratch database: loaded and maintained in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    const owner = new pg.Client({ connectionString: scratchOwner });
    await owner.connect();
    const key = randomBytes(32);
    try {
      await owner.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${scramVerifier(password)}'`);
      await owner.query(`GRANT neonhub_app TO "${role}"`);
      await owner.query("SELECT neonhub_private.install_ticket_key($1, $2)", ["ts", key]);
    } finally {
      await owner.end();
    }
    const [program, ...args] = command as [string, ...string[]];
    const status = await new Promise<number>((done) => {
      child = spawn(program, args, {
        stdio: "inherit",
        env: {
          ...process.env,
          NEONHUB_TEST_OWNER_URL: scratchOwner,
          NEONHUB_TEST_APP_URL: withCredentials(withDatabase(ownerUrl, database), role, password),
          NEONHUB_TICKET_KEYS: `ts:${key.toString("base64")}`,
        },
      });
      child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
      child.on("error", (error) => {
        console.error(`${program}: ${error.message}`);
        done(1);
      });
    });
    return status;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((e: Error) => {
      console.error(`dropping ${database}: ${e.message}`);
    });
    await admin.query(`DROP ROLE IF EXISTS "${role}"`).catch((e: Error) => {
      console.error(`dropping ${role}: ${e.message}`);
    });
    await admin.end();
  }
}

main().then(
  (status) => process.exit(status),
  (error: Error) => {
    console.error(`scratch database: ${error.message}`);
    process.exit(1);
  },
);
