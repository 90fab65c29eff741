/**
 * Email addresses as the database stores them (`users.email`, migration
 * `m20261207_010000_users_email_normalized`): surrounding spaces trimmed, ASCII letters
 * lower-cased, other characters kept. The same function as `entity::users::normalize_email`
 * and the database's `lower(btrim(email) COLLATE "C")`, so that an equality lookup through the
 * plain unique key `users_email_key` finds an address written in any case.
 */
export function normalizeEmail(email: string): string {
  return email.replace(/^ +| +$/g, "").replace(/[A-Z]/g, (c) => c.toLowerCase());
}
