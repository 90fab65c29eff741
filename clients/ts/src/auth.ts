/**
 * Lookups that run before a tenant is known (sign-in), through the database's narrow definer
 * functions (`entity::auth`): the application role cannot read `sessions`, `api_keys` or
 * `users` without a context, nor `verification_tokens` at all. A request does not need these to
 * enter its tenant: {@link withTenant} takes the session token or API key itself.
 */
import { classifyError } from "./errors.js";
import { normalizeEmail } from "./email.js";
import type { RawQueryable, TicketKey } from "./tenant.js";

async function raw<T>(db: RawQueryable, sql: string, ...values: unknown[]): Promise<T[]> {
  try {
    return await db.$queryRawUnsafe<T[]>(sql, ...values);
  } catch (error) {
    throw classifyError(error);
  }
}

/** The id of the user with this email (any case, surrounding spaces ignored), if any
 * (`auth_user_id_by_email`, through the unique key `users_email_key`). */
export async function userIdByEmail(db: RawQueryable, email: string): Promise<string | null> {
  const rows = await raw<{ id: string | null }>(
    db,
    "SELECT auth_user_id_by_email($1) AS id",
    normalizeEmail(email),
  );
  return rows[0]?.id ?? null;
}

/** A live session found by its token hash (`tokenHash` of the token). */
export async function sessionByTokenHash(
  db: RawQueryable,
  tokenHash: string,
): Promise<{ sessionId: string; userId: string; expiresAt: Date } | null> {
  const rows = await raw<{ session_id: string; user_id: string; expires_at: Date }>(
    db,
    "SELECT session_id, user_id, expires_at FROM auth_session_by_token_hash($1)",
    tokenHash,
  );
  const row = rows[0];
  return row ? { sessionId: row.session_id, userId: row.user_id, expiresAt: row.expires_at } : null;
}

/**
 * Store a sign-in token for `identifier` (an email, at most 320 characters) by its hash, valid
 * until `expiresAt` (at most 7 days ahead; whole seconds count), signed with the API's ticket
 * key (`nhv1\n<key id>\n<identifier>\n<hash>\n<expires, unix s>`), as
 * `entity::auth::create_verification_token` signs it: SQL run as the application login cannot
 * mint a sign-in token for someone else's address.
 */
export async function createVerificationToken(
  db: RawQueryable,
  key: TicketKey,
  identifier: string,
  tokenHash: string,
  expiresAt: Date,
): Promise<void> {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const signature = key.signMessage(`nhv1\n${key.id}\n${identifier}\n${tokenHash}\n${expires}`);
  await raw(
    db,
    "SELECT auth_create_verification_token($1, $2, $3::timestamptz, $4, $5)::text AS done",
    identifier,
    tokenHash,
    new Date(expires * 1000).toISOString(),
    key.id,
    signature,
  );
}

/** Use (delete) the sign-in token of `identifier` with this hash: `true` when it existed and had
 * not expired. Five failures within 15 minutes lock the identifier for 15 minutes
 * ({@link LockedOutError}). */
export async function useVerificationToken(
  db: RawQueryable,
  identifier: string,
  tokenHash: string,
): Promise<boolean> {
  const rows = await raw<{ ok: boolean | null }>(
    db,
    "SELECT auth_use_verification_token($1, $2) AS ok",
    identifier,
    tokenHash,
  );
  return rows[0]?.ok ?? false;
}
