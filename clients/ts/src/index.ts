/**
 * The NeonHub database from TypeScript (docs/TYPESCRIPT.md): the Prisma client generated from
 * the schema the Rust migrations produce, tenant contexts entered with a credential the database
 * checks, typed refusals, and vector search with the SQL of `entity::search`.
 */
export {
  createClient,
  emailLookups,
  MAX_NAMED_STATEMENTS,
  namedStatements,
  poolerReason,
  type ClientOptions,
  type NeonhubClient,
} from "./client.js";
export { normalizeEmail } from "./email.js";
export { newId } from "./ids.js";
export * from "./errors.js";
export * from "./tenant.js";
export * from "./auth.js";
export * from "./search.js";
/** The generated client (models and their types: `import type { User } from "@neonhub/db/prisma"`). */
export { Prisma, PrismaClient, $Enums } from "../generated/prisma/client.js";
