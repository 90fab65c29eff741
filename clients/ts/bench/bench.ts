/**
 * The TypeScript client's goals, measured (`make bench-ts`; docs/TYPESCRIPT.md, "Performance"):
 *
 * 1. Tenant search through the package (`withTenant` + `nearestChunks`) against the Rust helper
 *    (`entity::tenant::with_tenant` + `entity::search::nearest_chunks`, the example
 *    `bench/examples/search_probe.rs`) on the same tenants and queries of a `seeder synth` load
 *    (the 100k configuration of `make bench` by default): recall@10 against an exact scan, and
 *    p50 of one request (a transaction: enter the tenant, search, commit). Rounds alternate
 *    Rust and TypeScript; goal: TypeScript within 1.2× of Rust on both.
 * 2. `findUnique` by id and by email through the package (`withTenant` + `user.findUnique`,
 *    the email normalised by the package) against the plain `pg` driver sending the same
 *    transaction by hand (BEGIN, the enter statement, one SELECT, COMMIT), 10 connections and
 *    10 requests in flight each; and the bare lookups (no tenant, as the owner) for reference.
 *    Goal: ≤ 1.5× the driver.
 *
 * Runs inside `test/scratch.ts` (a scratch database, loaded with `--synth`); prints Markdown.
 *
 *     node dist/test/scratch.js --synth "<seeder synth flags>" -- node dist/bench/bench.js --synth "<same flags>"
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import {
  Tenant,
  TicketKeys,
  createClient,
  enterStatement,
  nearestChunks,
  newId,
  withTenant,
  type NeonhubClient,
} from "../src/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

const { values: args } = parseArgs({
  options: {
    synth: { type: "string", default: "" },
    queries: { type: "string", default: "30" },
    rounds: { type: "string", default: "2" },
    requests: { type: "string", default: "2000" },
    users: { type: "string", default: "1000" },
    only: { type: "string", default: "" },
  },
});

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run through test/scratch.ts (make bench-ts)`);
  }
  return value;
}

const ownerUrl = env("NEONHUB_TEST_OWNER_URL");
const appUrl = env("NEONHUB_TEST_APP_URL");
const keys = TicketKeys.fromEnv();

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : "–");

interface PreparedTenant {
  organization_id: string;
  slug: string;
  rows: number;
  queries: number[][];
  exact: string[][];
}

interface TimedTenant {
  organization_id: string;
  ms: number[];
  ids: string[][];
  strategy: string;
  hnsw_index: string | null;
  ef_search: number | null;
}

function probe(command: string[]): void {
  const run = spawnSync(
    "cargo",
    ["run", "--release", "--quiet", "--locked", "-p", "bench", "--example", "search_probe", "--", ...command],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: ownerUrl, DATABASE_APP_URL: appUrl },
      encoding: "utf8",
    },
  );
  if (run.status !== 0) {
    throw new Error(`search_probe ${command[0]} failed:\n${run.stderr}`);
  }
}

async function timeTypeScript(prisma: NeonhubClient, tenants: PreparedTenant[], k: number): Promise<TimedTenant[]> {
  const out: TimedTenant[] = [];
  for (const tenant of tenants) {
    const org = tenant.organization_id;
    const series: TimedTenant = { organization_id: org, ms: [], ids: [], strategy: "", hnsw_index: null, ef_search: null };
    for (let pass = 0; pass < 2; pass++) {
      for (const query of tenant.queries) {
        const started = performance.now();
        const found = await withTenant(prisma, keys.signing().worker(org), (tx) =>
          nearestChunks(tx, org, query, { k }),
        );
        const ms = performance.now() - started;
        if (pass === 1) {
          series.ms.push(ms);
          series.ids.push(found.neighbors.map((n) => n.row.id));
          series.strategy = found.strategy;
          series.hnsw_index = found.hnswIndex;
          series.ef_search = found.efSearch;
        }
      }
    }
    out.push(series);
  }
  return out;
}

function recall(found: string[][], exact: string[][]): number {
  let sum = 0;
  found.forEach((ids, i) => {
    const truth = exact[i] ?? [];
    sum += truth.length === 0 ? 1 : ids.filter((id) => truth.includes(id)).length / truth.length;
  });
  return found.length === 0 ? Number.NaN : sum / found.length;
}

interface SearchFigure {
  tenants: {
    slug: string;
    rows: number;
    plan: string;
    rust: { recall: number; p50: number };
    ts: { recall: number; p50: number };
    ratio: number;
  }[];
  rust_p50: number;
  ts_p50: number;
  ratio: number;
  worst_ratio: number;
  recall_ratio: number;
  goal_met: boolean;
}

async function searchFigure(): Promise<SearchFigure> {
  const dir = mkdtempSync(join(tmpdir(), "neonhub-bench-ts-"));
  try {
    const synth = args.synth.split(/\s+/).filter((a) => a.length > 0);
    const preparedPath = join(dir, "prepared.json");
    probe(["prepare", ...synth, "--queries", args.queries, "--out", preparedPath]);
    const prepared = JSON.parse(readFileSync(preparedPath, "utf8")) as { k: number; tenants: PreparedTenant[] };
    const prisma = createClient({ connectionString: appUrl, max: 2 });
    const rust: TimedTenant[][] = [];
    const ts: TimedTenant[][] = [];
    try {
      for (let round = 0; round < Number(args.rounds); round++) {
        const rustPath = join(dir, `rust-${round}.json`);
        probe(["time", "--input", preparedPath, "--out", rustPath]);
        rust.push(JSON.parse(readFileSync(rustPath, "utf8")) as TimedTenant[]);
        ts.push(await timeTypeScript(prisma, prepared.tenants, prepared.k));
        process.stderr.write(`bench-ts: search round ${round + 1} of ${args.rounds}\n`);
      }
    } finally {
      await prisma.$disconnect();
    }
    const all = { rust: [] as number[], ts: [] as number[] };
    let recallRust = 0;
    let recallTs = 0;
    const tenants = prepared.tenants.map((tenant, i) => {
      const r = rust.map((round) => round[i] as TimedTenant);
      const t = ts.map((round) => round[i] as TimedTenant);
      const rMs = r.flatMap((s) => s.ms);
      const tMs = t.flatMap((s) => s.ms);
      all.rust.push(...rMs);
      all.ts.push(...tMs);
      const rRecall = recall(r.flatMap((s) => s.ids), r.flatMap(() => tenant.exact));
      const tRecall = recall(t.flatMap((s) => s.ids), t.flatMap(() => tenant.exact));
      recallRust += rRecall;
      recallTs += tRecall;
      const first = t[0] as TimedTenant;
      return {
        slug: tenant.slug,
        rows: tenant.rows,
        plan: first.strategy === "hnsw" ? `hnsw ${first.hnsw_index} ef ${first.ef_search}` : first.strategy,
        rust: { recall: rRecall, p50: percentile(rMs, 50) },
        ts: { recall: tRecall, p50: percentile(tMs, 50) },
        ratio: percentile(tMs, 50) / percentile(rMs, 50),
      };
    });
    const rustP50 = percentile(all.rust, 50);
    const tsP50 = percentile(all.ts, 50);
    const recallRatio = recallRust / recallTs;
    const worst = Math.max(...tenants.map((t) => t.ratio));
    return {
      tenants,
      rust_p50: rustP50,
      ts_p50: tsP50,
      ratio: tsP50 / rustP50,
      worst_ratio: worst,
      recall_ratio: recallRatio,
      goal_met: tsP50 / rustP50 <= 1.2 && recallRatio <= 1.2 && tenants.every((t) => t.ts.recall >= t.rust.recall / 1.2),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `requests` calls of `one(i)`, `concurrency` in flight: wall seconds and each call's ms. */
async function load(requests: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<{ seconds: number; ms: number[] }> {
  let next = 0;
  const ms: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const t0 = performance.now();
        await one(i);
        ms.push(performance.now() - t0);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, ms };
}

const USER_COLUMNS =
  "id, email, name, image, email_verified_at, stripe_customer_id, is_beta_user, created_at, updated_at";

interface LookupFigure {
  name: string;
  pg: { seconds: number; p50: number };
  prisma: { seconds: number; p50: number };
  ratio: number;
  p50_ratio: number;
}

async function lookupFigures(): Promise<LookupFigure[]> {
  const n = Number(args.users);
  const requests = Number(args.requests);
  const concurrency = 10;
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  const users: { id: string; email: string }[] = [];
  for (let i = 0; i < n; i++) {
    users.push({ id: newId(), email: `bench.user.${i}@example.test` });
  }
  await owner.query(
    `INSERT INTO users (id, email) SELECT * FROM unnest($1::uuid[], $2::text[])
      ON CONFLICT (email) DO NOTHING`,
    [users.map((u) => u.id), users.map((u) => u.email)],
  );
  await owner.query("ANALYZE users");
  await owner.end();
  const appPool = new pg.Pool({ connectionString: appUrl, max: concurrency });
  const ownerPool = new pg.Pool({ connectionString: ownerUrl, max: concurrency });
  const prisma = createClient({ connectionString: appUrl, max: concurrency });
  const asOwner = createClient({ connectionString: ownerUrl, max: concurrency });
  const user = (i: number) => users[i % users.length] as { id: string; email: string };
  // The request by hand: the statements withTenant + findUnique send, on one connection.
  const byHand = async (i: number, where: "id" | "email"): Promise<unknown> => {
    const u = user(i);
    const { sql, values } = enterStatement({ kind: "ticket", ticket: keys.signing().sign(Tenant.user(u.id)) });
    const client = await appPool.connect();
    try {
      await client.query("BEGIN");
      await client.query(sql, values);
      const rows = await client.query(`SELECT ${USER_COLUMNS} FROM users WHERE ${where} = $1 LIMIT 1`, [
        where === "id" ? u.id : u.email,
      ]);
      await client.query("COMMIT");
      return rows.rows[0];
    } finally {
      client.release();
    }
  };
  const variants: [string, (i: number) => Promise<unknown>, (i: number) => Promise<unknown>][] = [
    [
      "findUnique by id in withTenant",
      (i) => byHand(i, "id"),
      (i) =>
        withTenant(prisma, keys.signing().ticket(Tenant.user(user(i).id)), (tx) =>
          tx.user.findUnique({ where: { id: user(i).id } }),
        ),
    ],
    [
      "findUnique by email in withTenant",
      (i) => byHand(i, "email"),
      (i) =>
        withTenant(prisma, keys.signing().ticket(Tenant.user(user(i).id)), (tx) =>
          tx.user.findUnique({ where: { email: user(i).email.toUpperCase() } }),
        ),
    ],
    [
      "findUnique by id, bare (owner, no tenant)",
      (i) => ownerPool.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 LIMIT 1`, [user(i).id]),
      (i) => asOwner.user.findUnique({ where: { id: user(i).id } }),
    ],
    [
      "findUnique by email, bare (owner, no tenant)",
      (i) => ownerPool.query(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1 LIMIT 1`, [user(i).email]),
      (i) => asOwner.user.findUnique({ where: { email: user(i).email.toUpperCase() } }),
    ],
  ];
  const out: LookupFigure[] = [];
  try {
    for (const [name, viaPg, viaPrisma] of variants) {
      // Warm-up, then two rounds each, alternating; the better round of each counts.
      await load(200, concurrency, viaPg);
      await load(200, concurrency, viaPrisma);
      const pgRuns = [];
      const prismaRuns = [];
      for (let round = 0; round < 2; round++) {
        pgRuns.push(await load(requests, concurrency, viaPg));
        prismaRuns.push(await load(requests, concurrency, viaPrisma));
      }
      const best = (runs: { seconds: number; ms: number[] }[]) =>
        runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      const p = best(pgRuns);
      const q = best(prismaRuns);
      out.push({
        name,
        pg: { seconds: p.seconds, p50: percentile(p.ms, 50) },
        prisma: { seconds: q.seconds, p50: percentile(q.ms, 50) },
        ratio: q.seconds / p.seconds,
        p50_ratio: percentile(q.ms, 50) / percentile(p.ms, 50),
      });
      process.stderr.write(`bench-ts: ${name}\n`);
    }
  } finally {
    await Promise.all([appPool.end(), ownerPool.end(), prisma.$disconnect(), asOwner.$disconnect()]);
  }
  return out;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  let goals = true;
  if (args.only !== "lookup") {
    const s = await searchFigure();
    goals &&= s.goal_met;
    lines.push(
      `## Tenant search: TypeScript (withTenant + nearestChunks) vs Rust (with_tenant + nearest_chunks)`,
      "",
      `${args.queries} queries per tenant × ${args.rounds} rounds, k 10, one transaction per query; recall@10 against an exact scan.`,
      "",
      "| tenant | chunks | plan | recall Rust | recall TS | p50 Rust (ms) | p50 TS (ms) | TS / Rust |",
      "|---|---:|---|---:|---:|---:|---:|---:|",
      ...s.tenants.map(
        (t) =>
          `| ${t.slug} | ${t.rows} | ${t.plan} | ${fmt(t.rust.recall, 3)} | ${fmt(t.ts.recall, 3)} | ${fmt(t.rust.p50)} | ${fmt(t.ts.p50)} | ${fmt(t.ratio)}× |`,
      ),
      "",
      `All queries: p50 ${fmt(s.rust_p50)} ms (Rust) vs ${fmt(s.ts_p50)} ms (TypeScript): **${fmt(s.ratio)}×** ` +
        `(worst tenant ${fmt(s.worst_ratio)}×); recall Rust / TypeScript ${fmt(s.recall_ratio, 3)}. ` +
        `Goal ≤ 1.2×: ${s.goal_met ? "met" : "NOT met"}.`,
      "",
    );
  }
  if (args.only !== "search") {
    const figures = await lookupFigures();
    const headline = figures.slice(0, 2);
    const met = headline.every((f) => f.ratio <= 1.5 && f.p50_ratio <= 1.5);
    goals &&= met;
    lines.push(
      `## findUnique: the package vs the pg driver, 10 connections, 10 requests in flight`,
      "",
      `${args.requests} requests each (the better of two rounds after a warm-up); the tenant rows are one transaction each (BEGIN, enter with a ticket, SELECT, COMMIT).`,
      "",
      "| lookup | pg (s) | package (s) | time ratio | pg p50 (ms) | package p50 (ms) | p50 ratio |",
      "|---|---:|---:|---:|---:|---:|---:|",
      ...figures.map(
        (f) =>
          `| ${f.name} | ${fmt(f.pg.seconds, 3)} | ${fmt(f.prisma.seconds, 3)} | ${fmt(f.ratio)}× | ${fmt(f.pg.p50)} | ${fmt(f.prisma.p50)} | ${fmt(f.p50_ratio)}× |`,
      ),
      "",
      `Goal ≤ 1.5× (the two withTenant rows): ${met ? "met" : "NOT met"}.`,
      "",
    );
  }
  process.stdout.write(lines.join("\n"));
  process.stdout.write(`bench-ts: goals ${goals ? "met" : "NOT met"}\n`);
}

main().catch((error: Error) => {
  console.error(`bench-ts: ${error.message}`);
  process.exit(1);
});
