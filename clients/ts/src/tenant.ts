/**
 * Running work as a tenant under the database's row-level security, entered with a credential
 * the database checks: the TypeScript twin of `entity::tenant` (docs/DB_GOVERNANCE.md, "Tenant
 * isolation").
 *
 * Every tenant table shows and takes only the rows of the transaction's **context**: an
 * organization and an acting user, which only the database's definer functions write, after
 * checking a {@link Credential} — a live session (by its token's SHA-256), a usable API key, or a
 * ticket the API signs with a {@link TicketKey} that never enters SQL. SQL run as the
 * application login cannot choose another tenant: `set_config('app.current_org_id', …)` or a
 * hand-written `neonhub.tenant` selects nothing, and with no context there are no rows.
 *
 * ```ts
 * const brands = await withTenant(prisma, Credential.sessionToken(bearer, orgId), (tx) =>
 *   tx.brand.findMany(),
 * );
 * const keys = TicketKeys.fromEnv(); // NEONHUB_TICKET_KEYS
 * await withTenant(prisma, keys.signing().worker(orgId), async (tx) => { … });
 * ```
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, createHmac } from "node:crypto";
import { classifyError, NotUnderRlsError } from "./errors.js";

/** Whom a ticket names: an organization and/or a user (as `entity::tenant::Tenant`). */
export interface Tenant {
  /** The organization whose rows are visible. */
  readonly organizationId: string | null;
  /** The acting user: their own rows are visible too. */
  readonly userId: string | null;
}

/** Constructors of {@link Tenant}, as `Tenant::new`, `Tenant::user` and `acting_as`. */
export const Tenant = {
  /** An organization, acting as no particular user (a worker). */
  organization(organizationId: string): Tenant {
    return { organizationId, userId: null };
  },
  /** A user in no organization: their own rows only (sign-up, a user's own settings). */
  user(userId: string): Tenant {
    return { organizationId: null, userId };
  },
  /** A user acting in an organization (they must be an active member of it). */
  member(organizationId: string, userId: string): Tenant {
    return { organizationId, userId };
  },
};

/** A credential that enters a tenant context (`entity::tenant::Credential`). */
export type Credential =
  | { readonly kind: "session"; readonly tokenHash: string; readonly organizationId: string | null }
  | { readonly kind: "apiKey"; readonly tokenHash: string }
  | { readonly kind: "ticket"; readonly ticket: string };

/**
 * SHA-256 of a token in lower-case hex: how sessions and API keys are stored
 * (`entity::secrets::token_hash`).
 */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constructors of {@link Credential}. */
export const Credential = {
  /** The session whose token the client presented (hashed here), acting in `organizationId`
   * (where the user must be an active member), or in none (their own rows). */
  sessionToken(token: string, organizationId: string | null = null): Credential {
    return { kind: "session", tokenHash: tokenHash(token), organizationId };
  },
  /** The API key the client presented (hashed here): its organization, acting as its creator. */
  apiKey(key: string): Credential {
    return { kind: "apiKey", tokenHash: tokenHash(key) };
  },
  /** A ticket signed by {@link TicketKey.sign}. */
  ticket(ticket: string): Credential {
    return { kind: "ticket", ticket };
  },
};

/** The environment variable holding the API's ticket keys (`id:base64,id:base64`, the first signs). */
export const TICKET_KEYS_ENV = "NEONHUB_TICKET_KEYS";
/** The longest a ticket may be valid (seconds): the database refuses longer ones. */
export const MAX_TICKET_LIFETIME_S = 300;
/** How long {@link TicketKey.ticket} tickets are valid (seconds). */
export const DEFAULT_TICKET_LIFETIME_S = 60;

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A key the API signs tickets with (HMAC-SHA256, 32 bytes), the same format and MAC as
 * `entity::tenant::TicketKey`: `nht1:<key id>:<organization or empty>:<user or empty>:<expires,
 * unix s>:<hex HMAC-SHA256 over everything before the last colon>`. Install the keys into the
 * database with `make ticket-keys`; the key never travels through SQL.
 */
export class TicketKey {
  readonly #secret: Buffer;

  /** A key `id` with its 32 secret bytes. */
  constructor(
    readonly id: string,
    secret: Uint8Array,
  ) {
    if (!KEY_ID.test(id)) {
      throw new Error(`ticket key id '${id}' is invalid: 1 to 32 characters of A-Z a-z 0-9 _ . -`);
    }
    if (secret.length !== 32) {
      throw new Error(`ticket key '${id}' must be 32 bytes, not ${secret.length}`);
    }
    this.#secret = Buffer.from(secret);
  }

  /** HMAC-SHA256 of `message` under this key, in lower-case hex. */
  signMessage(message: string): string {
    return createHmac("sha256", this.#secret).update(message, "utf8").digest("hex");
  }

  /** A ticket for `tenant` that expires at `expires` (unix seconds), unchecked. */
  signUntil(tenant: Tenant, expires: number): string {
    const message = `nht1:${this.id}:${tenant.organizationId ?? ""}:${tenant.userId ?? ""}:${Math.floor(expires)}`;
    return `${message}:${this.signMessage(message)}`;
  }

  /** A ticket for `tenant`, valid for `lifetimeS` seconds (at most {@link MAX_TICKET_LIFETIME_S}). */
  sign(tenant: Tenant, lifetimeS: number = DEFAULT_TICKET_LIFETIME_S): string {
    const lifetime = Math.max(1, Math.min(MAX_TICKET_LIFETIME_S, Math.floor(lifetimeS)));
    return this.signUntil(tenant, Math.floor(Date.now() / 1000) + lifetime);
  }

  /** A credential for `tenant`, valid for {@link DEFAULT_TICKET_LIFETIME_S}: sign one per request. */
  ticket(tenant: Tenant): Credential {
    return Credential.ticket(this.sign(tenant));
  }

  /** A worker credential: `organizationId` with no acting user (background jobs). */
  worker(organizationId: string): Credential {
    return this.ticket(Tenant.organization(organizationId));
  }

  /** The key's bytes, for installing it (owner only; never log them). */
  secret(): Uint8Array {
    return Uint8Array.from(this.#secret);
  }

  /** Never prints the secret. */
  toJSON(): { id: string } {
    return { id: this.id };
  }
}

/** The API's ticket keys, the first signing (`entity::tenant::TicketKeys`). */
export class TicketKeys {
  private constructor(readonly keys: readonly TicketKey[]) {}

  /** Keys from `id:base64,id:base64` (32-byte keys), the first signing. */
  static parse(spec: string): TicketKeys {
    const keys: TicketKey[] = [];
    const entries = spec
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e.length > 0);
    entries.forEach((entry, n) => {
      const colon = entry.indexOf(":");
      if (colon < 0) {
        throw new Error(`${TICKET_KEYS_ENV} entry ${n + 1} is not \`id:base64key\``);
      }
      const id = entry.slice(0, colon).trim();
      const b64 = entry.slice(colon + 1).trim();
      if (!BASE64.test(b64)) {
        throw new Error(`${TICKET_KEYS_ENV}: key \`${id}\` is not valid base64`);
      }
      if (keys.some((k) => k.id === id)) {
        throw new Error(`${TICKET_KEYS_ENV}: key id \`${id}\` appears twice`);
      }
      keys.push(new TicketKey(id, Buffer.from(b64, "base64")));
    });
    if (keys.length === 0) {
      throw new Error(`${TICKET_KEYS_ENV} holds no key: \`id:<base64 of 32 bytes>\``);
    }
    return new TicketKeys(keys);
  }

  /** The keys of `NEONHUB_TICKET_KEYS`. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TicketKeys {
    const spec = env[TICKET_KEYS_ENV];
    if (spec === undefined || spec.trim() === "") {
      throw new Error(`${TICKET_KEYS_ENV} is not set (\`id:<base64 of 32 bytes>\`, the first signs)`);
    }
    return TicketKeys.parse(spec);
  }

  /** The key that signs. */
  signing(): TicketKey {
    return this.keys[0] as TicketKey;
  }
}

/** The context the database entered (`entity::tenant::Context`). */
export interface Context {
  /** The current organization, if any. */
  readonly organizationId: string | null;
  /** The acting user, if any (none for a worker). */
  readonly userId: string | null;
  /** The API key it was entered with, if any. */
  readonly apiKeyId: string | null;
  /** That key's scopes (empty otherwise). */
  readonly scopes: readonly string[];
}

/** Anything that runs raw SQL: a Prisma client or the `tx` of an interactive transaction. */
export interface RawQueryable {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

const COLUMNS =
  "SELECT pg_catalog.row_security_active('public.organizations') AS rls, e.organization_id, e.user_id";

/**
 * The one statement that checks `credential` and enters its context (one round trip), with
 * whether row-level security applies to the connection: the SQL of `entity::tenant::enter`.
 */
export function enterStatement(credential: Credential): { sql: string; values: unknown[] } {
  switch (credential.kind) {
    case "session":
      return {
        sql: `${COLUMNS}, NULL::pg_catalog.uuid AS api_key_id, NULL::pg_catalog.text[] AS scopes FROM public.tenant_enter_session($1, $2) e`,
        values: [credential.tokenHash, credential.organizationId],
      };
    case "apiKey":
      return {
        sql: `${COLUMNS}, e.api_key_id, e.scopes FROM public.tenant_enter_api_key($1) e`,
        values: [credential.tokenHash],
      };
    case "ticket":
      return {
        sql: `${COLUMNS}, NULL::pg_catalog.uuid AS api_key_id, NULL::pg_catalog.text[] AS scopes FROM public.tenant_enter_ticket($1) e`,
        values: [credential.ticket],
      };
  }
}

interface EnterRow {
  rls: boolean;
  organization_id: string | null;
  user_id: string | null;
  api_key_id: string | null;
  scopes: string[] | null;
}

/** The context of the enter statement's row, or {@link NotUnderRlsError}. */
function contextOf(row: EnterRow | undefined): Context {
  if (row === undefined) {
    throw new Error("entering the tenant returned no row");
  }
  if (!row.rls) {
    throw new NotUnderRlsError();
  }
  return {
    organizationId: row.organization_id,
    userId: row.user_id,
    apiKeyId: row.api_key_id,
    scopes: row.scopes ?? [],
  };
}

/**
 * Check `credential` and enter its context for the rest of the transaction `tx`. Throws the
 * database's refusal as a typed error ({@link classifyError}) or {@link NotUnderRlsError} on a
 * connection row-level security does not restrict (the owner, a superuser).
 */
export async function enter(tx: RawQueryable, credential: Credential): Promise<Context> {
  const { sql, values } = enterStatement(credential);
  let rows: EnterRow[];
  try {
    rows = await tx.$queryRawUnsafe<EnterRow[]>(sql, ...values);
  } catch (error) {
    throw classifyError(error);
  }
  return contextOf(rows[0]);
}

/**
 * A {@link withTenant} call whose transaction has not begun yet: the driver adapter
 * ({@link tenantAware}) sends the enter statement right after `BEGIN`, on the transaction's own
 * connection, and leaves the context (or the refusal) here.
 */
interface PendingEnter {
  readonly statement: { sql: string; values: unknown[] };
  state: "waiting" | "entered" | "failed" | "taken";
  context?: Context;
  error?: unknown;
}

const pendingEnter = new AsyncLocalStorage<PendingEnter>();

/** What {@link tenantAware} needs of a driver adapter's transaction (Prisma's `Transaction`). */
interface AdapterTransaction {
  queryRaw(query: AdapterQuery): Promise<{ columnNames: string[]; rows: unknown[][] }>;
  executeRaw(query: AdapterQuery): Promise<number>;
  /** Ends the transaction on the adapter's side (releases its connection). */
  rollback(): Promise<void>;
}

interface AdapterQuery {
  sql: string;
  args: unknown[];
  argTypes: { scalarType: "string"; arity: "scalar" }[];
}

/** What {@link tenantAware} needs of a driver adapter (Prisma's `SqlDriverAdapter`). */
interface TransactionStarter {
  startTransaction(isolationLevel?: never): Promise<AdapterTransaction>;
}

/**
 * Run the pending enter statement (if any) on `tx`, just begun. When it is refused, roll the
 * transaction back, release its connection and throw: no statement of the transaction runs.
 */
async function enterPending(tx: AdapterTransaction): Promise<void> {
  const pending = pendingEnter.getStore();
  if (pending === undefined || pending.state !== "waiting") {
    return;
  }
  pending.state = "taken";
  try {
    const { sql, values } = pending.statement;
    const result = await tx.queryRaw({
      sql,
      args: values,
      argTypes: values.map(() => ({ scalarType: "string", arity: "scalar" })),
    });
    const first = result.rows[0];
    const row =
      first === undefined
        ? undefined
        : (Object.fromEntries(result.columnNames.map((name, i) => [name, first[i]])) as unknown as EnterRow);
    pending.context = contextOf(row);
    pending.state = "entered";
  } catch (error) {
    pending.error = error;
    pending.state = "failed";
    try {
      await tx.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] });
    } finally {
      await tx.rollback();
    }
    throw error;
  }
}

/**
 * Prisma's driver adapter factory (`new PrismaPg(…)`), changed in one way: a transaction that
 * {@link withTenant} opens sends its enter statement right after `BEGIN` through the adapter,
 * not through Prisma's query pipeline (which costs about as much again as the statement on this
 * machine: docs/TYPESCRIPT.md, "Performance"). Transactions opened otherwise are untouched.
 * {@link createClient} applies it; `withTenant` works without it too.
 */
export function tenantAware<F extends object>(factory: F): F {
  const wrapAdapter = (adapter: object): object =>
    new Proxy(adapter, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property === "startTransaction" && typeof value === "function") {
          return async (isolationLevel?: never) => {
            const tx = (await (value as TransactionStarter["startTransaction"]).call(
              target,
              isolationLevel,
            )) as AdapterTransaction;
            await enterPending(tx);
            return tx;
          };
        }
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return new Proxy(factory, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === "connect" && typeof value === "function") {
        return async () => wrapAdapter((await (value as () => Promise<object>).call(target)) as object);
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Options of the interactive transaction {@link withTenant} opens (Prisma's). */
export interface TenantTransactionOptions {
  /** Longest wait for a connection of the pool (ms; Prisma's default 2,000). */
  maxWait?: number;
  /** Longest the transaction may run (ms; Prisma's default 5,000). */
  timeout?: number;
}

/** A client that runs interactive transactions (a `PrismaClient`, extended or not). */
export interface TransactionCapable<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: TenantTransactionOptions): Promise<R>;
}

/**
 * Run `work` in one interactive transaction whose first statement enters the context
 * `credential` proves (`entity::tenant::with_tenant`); commit when it resolves, roll back when
 * it throws (or when the credential is refused). Refusals of the database come back as typed
 * errors ({@link classifyError}): a refused credential, a non-member, a row-level security
 * refusal, an attribution or membership rule, "users are created by sign-up", "users are erased
 * by the `erase-user` command".
 */
export async function withTenant<Tx extends RawQueryable, T>(
  prisma: TransactionCapable<Tx>,
  credential: Credential,
  work: (tx: Tx, context: Context) => Promise<T>,
  options?: TenantTransactionOptions,
): Promise<T> {
  const pending: PendingEnter = { statement: enterStatement(credential), state: "waiting" };
  try {
    return await pendingEnter.run(pending, () =>
      prisma.$transaction(async (tx) => {
        const state = pending.state;
        // A transaction that `work` opens must not take this credential.
        pending.state = "taken";
        if (state === "entered" && pending.context !== undefined) {
          return work(tx, pending.context);
        }
        // The adapter is not tenantAware: enter through Prisma.
        return work(tx, await enter(tx, credential));
      }, options),
    );
  } catch (error) {
    // A refusal at BEGIN reaches Prisma's caller wrapped: report the database's own.
    throw classifyError(pending.state === "failed" ? pending.error : error);
  }
}
