/**
 * Typed errors for what the database refuses, so that an API can tell a forged credential
 * from a cross-tenant write from a forbidden user deletion without reading SQLSTATEs:
 * {@link classifyError} turns what Prisma throws into one of these (and leaves everything else
 * as it was). Each keeps the SQLSTATE, the database's message and the original error (`cause`).
 */

/** A refusal of the NeonHub database. */
export class NeonhubDbError extends Error {
  override name = "NeonhubDbError";
  constructor(
    message: string,
    /** The SQLSTATE (`28000`, `42501`, …), when the database gave one. */
    readonly sqlstate?: string,
    /** The database's own message. */
    readonly dbMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The credential was refused (SQLSTATE 28000): an unknown or expired session, a revoked or
 * expired API key (or one whose creator left), a forged, expired, too long or unknown-key
 * ticket. Answer 401. */
export class CredentialRefusedError extends NeonhubDbError {
  override name = "CredentialRefusedError";
}

/** The credential's user is not an active member of the organization asked for (42501).
 * Answer 403. */
export class NotAMemberError extends NeonhubDbError {
  override name = "NotAMemberError";
}

/** A row the statement wrote is outside the tenant (42501, `new row violates row-level security
 * policy`): another organization's id in `data`, a row of another user. */
export class RowLevelSecurityError extends NeonhubDbError {
  override name = "RowLevelSecurityError";
}

/** `users` takes only the acting user's own row (policy `users_insert_self`): a user is created
 * by sign-up, in a context naming that user (a ticket for `Tenant.user(newId)`). */
export class UserCreatedBySignUpError extends RowLevelSecurityError {
  override name = "UserCreatedBySignUpError";
}

/** The application role lacks the right (42501, `permission denied for …`): the statement is
 * one the application never runs (the table is read-only or insert-only for it). */
export class PermissionDeniedError extends NeonhubDbError {
  override name = "PermissionDeniedError";
}

/** The application never deletes users: a user is erased, with everything naming them, by the
 * operator command `make erase-user WHO=<email>` (`lifecycle erase-user`). */
export class UserErasedByCommandError extends PermissionDeniedError {
  override name = "UserErasedByCommandError";
}

/** A column naming a user names someone the row may not name (42501, `<table>.<column> must
 * name …`): only the acting user or an active member of the row's organization. */
export class AttributionError extends NeonhubDbError {
  override name = "AttributionError";
}

/** A membership rule (42501): only the user activates their own invitation
 * (`app_accept_invitation`), invitations and changes to others need `workspace:manage`, the last
 * owner stays, organizations are created with `app_create_organization`. */
export class MembershipRuleError extends NeonhubDbError {
  override name = "MembershipRuleError";
}

/** The row points at a parent that is not in its tenant (23503, a composite tenant key): another
 * organization's id, or one that does not exist — the database does not say which. */
export class CrossTenantReferenceError extends NeonhubDbError {
  override name = "CrossTenantReferenceError";
}

/** Too many failed sign-in attempts for the identifier (NH429). Answer 429. */
export class LockedOutError extends NeonhubDbError {
  override name = "LockedOutError";
}

/** The connection is not restricted by row-level security (the owner, a superuser, BYPASSRLS):
 * a tenant entered there would filter nothing (`entity::tenant::NOT_UNDER_RLS`). */
export class NotUnderRlsError extends NeonhubDbError {
  override name = "NotUnderRlsError";
  constructor() {
    super(
      "row-level security does not apply to this connection's role (the owner, a superuser or a " +
        "BYPASSRLS role): a tenant set here would filter nothing. Connect the application as a " +
        "login granted neonhub_app (DATABASE_APP_URL), not as the owner",
    );
  }
}

/** The SQLSTATE and message of a database error somewhere in what Prisma threw. */
export function databaseError(error: unknown): { code: string; message: string } | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): { code: string; message: string } | undefined => {
    if (value === null || typeof value !== "object" || seen.has(value) || depth > 6) {
      return undefined;
    }
    seen.add(value);
    const v = value as Record<string, unknown>;
    if (typeof v.originalCode === "string" && typeof v.originalMessage === "string") {
      return { code: v.originalCode, message: v.originalMessage };
    }
    if (v.kind === "postgres" && typeof v.code === "string" && typeof v.message === "string") {
      return { code: v.code, message: v.message };
    }
    for (const key of ["cause", "meta", "driverAdapterError"]) {
      const found = visit(v[key], depth + 1);
      if (found) {
        return found;
      }
    }
    return undefined;
  };
  return visit(error, 0);
}

/** What Prisma threw, as a typed refusal when it is one (else unchanged). */
export function classifyError(error: unknown): unknown {
  if (error instanceof NeonhubDbError) {
    return error;
  }
  const db = databaseError(error);
  if (db === undefined) {
    return error;
  }
  const { code, message } = db;
  const make = <E extends NeonhubDbError>(
    Kind: new (m: string, c?: string, d?: string, o?: { cause?: unknown }) => E,
    text: string,
  ): E => new Kind(text, code, message, { cause: error });
  if (code === "28000") {
    return make(CredentialRefusedError, `credential refused: ${message}`);
  }
  if (code === "NH429") {
    return make(LockedOutError, message);
  }
  if (code === "23503") {
    return make(
      CrossTenantReferenceError,
      `the row points at a parent that is not in its organization (or does not exist): ${message}`,
    );
  }
  if (code !== "42501") {
    return error;
  }
  if (/is not an active member of organization/.test(message)) {
    return make(NotAMemberError, message);
  }
  if (/new row violates row-level security policy.*"users"/.test(message)) {
    return make(
      UserCreatedBySignUpError,
      "users are created by sign-up: the application inserts only the acting user's own row " +
        "(enter a context naming the new user, a ticket for Tenant.user(id), and create that row " +
        `with that id). The database said: ${message}`,
    );
  }
  if (/row-level security/.test(message)) {
    return make(
      RowLevelSecurityError,
      `the row is outside the current tenant (row-level security): ${message}`,
    );
  }
  if (/permission denied for table users\b/.test(message)) {
    return make(
      UserErasedByCommandError,
      "users are erased by the `erase-user` command (make erase-user WHO=<email>), never deleted " +
        `by the application. The database said: ${message}`,
    );
  }
  if (/^permission denied for/.test(message)) {
    return make(PermissionDeniedError, message);
  }
  if (/ must name /.test(message)) {
    return make(AttributionError, message);
  }
  if (
    /membership|workspace:manage|owner of an organization|invitation|creating an organization/.test(
      message,
    )
  ) {
    return make(MembershipRuleError, message);
  }
  return make(NeonhubDbError, message);
}
