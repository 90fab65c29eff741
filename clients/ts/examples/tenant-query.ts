/**
 * A tenant query from TypeScript against the local database (`make demo` first, then
 * `make ts-example`): the seeded owner's conversations with their messages, the owner found by
 * email in any case, as the application login under row-level security.
 *
 * Reads `DATABASE_APP_URL` and `NEONHUB_TICKET_KEYS` from the environment, else the repository's
 * `.env` (which `make db-up` writes). The organization comes from `--org <id>`; without it, the
 * seeded workspace's id is looked up by its slug through `DATABASE_URL` (the owner), which an
 * API never does: it knows the organization from the request.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { Tenant, TicketKeys, createClient, userIdByEmail, withTenant } from "../src/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

function setting(name: string): string {
  const fromEnv = process.env[name];
  if (fromEnv) {
    return fromEnv;
  }
  try {
    for (const line of readFileSync(resolve(repoRoot, ".env"), "utf8").split("\n")) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
      if (match?.[1] === name && match[2]) {
        return match[2].replace(/^(['"])(.*)\1$/, "$2");
      }
    }
  } catch {
    // No .env.
  }
  throw new Error(`${name} is not set (environment or .env): run \`make demo\` first`);
}

async function seededOrganization(): Promise<string> {
  const owner = new pg.Client({ connectionString: setting("DATABASE_URL") });
  await owner.connect();
  try {
    const rows = await owner.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'neonhub'");
    const id = rows.rows[0]?.id;
    if (id === undefined) {
      throw new Error("the seeded organization 'neonhub' is missing: run `make demo` (or `make seed`)");
    }
    return id;
  } finally {
    await owner.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { org: { type: "string" }, email: { type: "string", default: "Admin@NeonHub.AI" } } });
  const prisma = createClient({ connectionString: setting("DATABASE_APP_URL"), max: 2 });
  const keys = TicketKeys.parse(setting("NEONHUB_TICKET_KEYS"));
  try {
    const org = values.org ?? (await seededOrganization());
    // Sign-in: the user by email, before any tenant is entered (a definer function).
    const userId = await userIdByEmail(prisma, values.email);
    if (userId === null) {
      throw new Error(`no user has the email ${values.email}`);
    }
    // The request: one transaction in the user's organization, entered with a signed ticket.
    const result = await withTenant(prisma, keys.signing().ticket(Tenant.member(org, userId)), async (tx) => ({
      me: await tx.user.findUnique({ where: { email: values.email } }),
      conversations: await tx.conversation.findMany({ include: { messages: true } }),
    }));
    for (const c of result.conversations) {
      console.log(`${c.id}  ${c.title ?? "(untitled)"}: ${c.messages.length} messages`);
    }
    console.log(
      `tenant query as ${result.me?.email} in organization ${org}: ${result.conversations.length} conversation(s) under row-level security`,
    );
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
