/**
 * The generated Prisma client on `@prisma/adapter-pg` (Prisma 7: no engine binary, the query
 * compiler is wasm), connected as the application login, with lookups of `User` by email that
 * find an address written in any case.
 *
 * ```ts
 * const prisma = createClient({ connectionString: process.env.DATABASE_APP_URL! });
 * ```
 *
 * Connect through the pooled URL in production (a transaction pooler such as PgBouncer or
 * Neon's `-pooler` host): every tenant's work is one transaction (`withTenant`), whose context
 * ends with it, so no request's tenant outlives its transaction on a pooled connection.
 */
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { normalizeEmail } from "./email.js";
import { tenantAware } from "./tenant.js";

/** How {@link createClient} connects. */
export interface ClientOptions {
  /** The application login's URL (`DATABASE_APP_URL`; the pooled one in production). */
  connectionString: string;
  /** Connections of the pool (node-postgres' default: 10). */
  max?: number;
  /** Milliseconds to wait for a new connection before failing (default 10,000). */
  connectionTimeoutMillis?: number;
  /** Prisma's log levels, e.g. `["warn", "error"]`. */
  log?: Prisma.LogLevel[];
  /**
   * Prepare statements under names, once per connection ({@link namedStatements}): on by
   * default for a direct URL, off for a pooled one (`pgbouncer=true`, a Neon `-pooler.` host,
   * port 6432), where a transaction pooler without prepared-statement support would hand a
   * name to another client's server connection. `true` behind a pooler that supports them
   * (PgBouncer 1.22+ with `max_prepared_statements`, as Neon's).
   */
  namedStatements?: boolean;
}

type StatementNames = NonNullable<
  NonNullable<ConstructorParameters<typeof PrismaPg>[1]>["statementNameGenerator"]
>;

/** Distinct statements a client names at most; any further one runs unnamed (parsed each time). */
export const MAX_NAMED_STATEMENTS = 500;

/**
 * Why `connectionString` looks like a transaction pooler's (as `neonhub_db`'s `looks_pooled`
 * and `pgbouncer=` in its query), or `null`.
 */
export function poolerReason(connectionString: string): string | null {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return null;
  }
  const flag = url.searchParams.get("pgbouncer");
  if (flag !== null) {
    return flag.toLowerCase() === "false" ? null : "pgbouncer=true in its query";
  }
  if (/-pooler\./.test(url.hostname)) {
    return "a Neon -pooler host";
  }
  if (url.port === "6432") {
    return "port 6432 (PgBouncer's)";
  }
  return null;
}

/**
 * Names for the adapter's statements (`statementNameGenerator`): a statement's name is a hash
 * of its text, so node-postgres parses it once per connection and then sends only Bind and
 * Execute, and the server plans it from its cache (about 20% of a `findUnique` in `withTenant`
 * here: docs/TYPESCRIPT.md, "Performance"). The first {@link MAX_NAMED_STATEMENTS} distinct
 * texts are named, later ones run unnamed, so SQL built with literals in it cannot make the
 * server hold ever more statements.
 */
export function namedStatements(): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= MAX_NAMED_STATEMENTS) {
        return undefined;
      }
      name = `nh_${createHash("sha256").update(sql).digest("hex").slice(0, 32)}`;
      names.set(sql, name);
    }
    return name;
  };
}

/** `where.email` (a string, `{ equals }` or `{ in }`) in its stored form. */
function normalizeWhere(where: unknown): void {
  if (where === null || typeof where !== "object") {
    return;
  }
  const w = where as Record<string, unknown>;
  const email = w.email;
  if (typeof email === "string") {
    w.email = normalizeEmail(email);
  } else if (email !== null && typeof email === "object") {
    const filter = email as Record<string, unknown>;
    if (typeof filter.equals === "string") {
      filter.equals = normalizeEmail(filter.equals);
    }
    if (Array.isArray(filter.in)) {
      filter.in = filter.in.map((e: unknown) => (typeof e === "string" ? normalizeEmail(e) : e));
    }
  }
  for (const key of ["AND", "OR", "NOT"]) {
    const nested = w[key];
    if (Array.isArray(nested)) {
      nested.forEach(normalizeWhere);
    } else {
      normalizeWhere(nested);
    }
  }
}

/**
 * The client extension that normalises `User` lookups by email: addresses are stored normalised
 * (lower-case ASCII letters, no surrounding spaces), so `findUnique({ where: { email } })` goes
 * through the plain unique key `users_email_key` with the input in that form. Writes need
 * nothing: the database normalises them (trigger `users_normalize_email`).
 */
export const emailLookups = Prisma.defineExtension({
  name: "neonhub-email-lookups",
  query: {
    user: {
      async $allOperations({ args, query }) {
        normalizeWhere((args as { where?: unknown }).where);
        return query(args);
      },
    },
  },
});

/** A Prisma client for the NeonHub database on `@prisma/adapter-pg`. */
export function createClient(options: ClientOptions) {
  const named = options.namedStatements ?? poolerReason(options.connectionString) === null;
  const adapter = tenantAware(
    new PrismaPg(
      {
        connectionString: options.connectionString,
        max: options.max ?? 10,
        connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
      },
      // Its type wants a name for every statement; node-postgres runs one without a name
      // (undefined) unnamed, as when no generator is given.
      named ? { statementNameGenerator: namedStatements() as StatementNames } : {},
    ),
  );
  const log = options.log ?? [];
  return new PrismaClient({ adapter, log }).$extends(emailLookups);
}

/** The client {@link createClient} returns. */
export type NeonhubClient = ReturnType<typeof createClient>;
