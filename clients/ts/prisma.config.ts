// Prisma's CLI configuration for the NeonHub client. The schema is generated from the Rust
// migrations (`make prisma-schema`); Prisma never migrates this database, so no migrations
// path and no datasource URL are configured here: `prisma validate` and `prisma generate` need
// none. The one variable the CLI needs without its schema engine binary (nothing but npm is
// reachable): PRISMA_SCHEMA_ENGINE_BINARY, set by `npm run` scripts (scripts/prisma.mjs).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "../../prisma/schema.prisma",
});
