import { randomBytes } from "node:crypto";

/**
 * A new UUIDv7 (RFC 9562: 48 bits of Unix milliseconds, then random bits), the ids the Rust
 * entities and the Prisma schema's `@default(uuid(7))` make: time-ordered, so the primary key's
 * B-tree grows at its end. Make the id of a new user with it before signing the ticket that
 * names them (`Tenant.user(newId())`).
 */
export function newId(): string {
  const bytes = randomBytes(16);
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
