/**
 * What the database tests share: the scratch database's URLs and ticket key (from
 * `scratch.ts`), the seeded organization (A: the seed's NeonHub workspace, Alex the owner and
 * Maya a member) and a second one made here as the owner (B: "rival", Bob its owner, with a
 * conversation, a message, content, a session and an API key whose tokens the tests know; its
 * slug and Bob's address carry a random tag, so that each test file makes its own).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createClient, newId, tokenHash, TicketKeys, type NeonhubClient } from "../src/index.js";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: run the tests through \`npm test\` (test/scratch.ts)`);
  }
  return value;
}

/** The scratch database as the application login, the owner, and the installed ticket key. */
export const env = {
  get appUrl(): string {
    return required("NEONHUB_TEST_APP_URL");
  },
  get ownerUrl(): string {
    return required("NEONHUB_TEST_OWNER_URL");
  },
  get keys(): TicketKeys {
    return TicketKeys.fromEnv();
  },
};

/** Run `sql` as the owner (row-level security does not apply). */
export async function owner<T extends pg.QueryResultRow = Record<string, unknown>>(
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.ownerUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** The ids and tokens of the two organizations. */
export interface World {
  a: { org: string; admin: string; member: string; conversation: string; content: string };
  b: {
    tag: string;
    org: string;
    bob: string;
    conversation: string;
    message: string;
    content: string;
    sessionToken: string;
    apiKey: string;
  };
}

let world: Promise<World> | undefined;

/** The two organizations (B made once per test process). */
export function theWorld(): Promise<World> {
  world ??= makeWorld();
  return world;
}

async function makeWorld(): Promise<World> {
  const [a] = await owner<{ org: string; admin: string; member: string }>(
    `SELECT o.id AS org,
            (SELECT id FROM users WHERE email = 'admin@neonhub.ai') AS admin,
            (SELECT u.id FROM users u JOIN organization_members m ON m.user_id = u.id
              WHERE m.organization_id = o.id AND u.email <> 'admin@neonhub.ai' LIMIT 1) AS member
       FROM organizations o WHERE o.slug = 'neonhub'`,
  );
  if (a === undefined) {
    throw new Error("the seeded organization is missing: is the scratch database seeded?");
  }
  const [aRows] = await owner<{ conversation: string; content: string }>(
    `SELECT (SELECT id FROM conversations WHERE organization_id = $1 LIMIT 1) AS conversation,
            (SELECT id FROM content WHERE organization_id = $1 LIMIT 1) AS content`,
    [a.org],
  );
  const tag = randomBytes(4).toString("hex");
  const b = {
    tag,
    org: newId(),
    bob: newId(),
    role: newId(),
    permission: newId(),
    conversation: newId(),
    message: newId(),
    content: newId(),
    sessionToken: randomBytes(24).toString("base64url"),
    apiKey: `nh_${randomBytes(24).toString("base64url")}`,
  };
  await owner("INSERT INTO organizations (id, slug, name) VALUES ($1, $2, 'Rival')", [
    b.org,
    `rival-${tag}`,
  ]);
  // Written in capitals: stored normalised (trigger users_normalize_email).
  await owner("INSERT INTO users (id, email, name) VALUES ($1, $2, 'Bob')", [
    b.bob,
    `Bob.${tag.toUpperCase()}@Rival.TEST`,
  ]);
  await owner(
    `WITH p AS (INSERT INTO organization_permissions (id, organization_id, key) VALUES ($3, $1, 'workspace:manage')),
          r AS (INSERT INTO organization_roles (id, organization_id, name, slug) VALUES ($4, $1, 'Owner', 'owner')),
          rp AS (INSERT INTO role_permissions (role_id, permission_id, organization_id) VALUES ($4, $3, $1))
     INSERT INTO organization_members (organization_id, user_id, role_id, status) VALUES ($1, $2, $4, 'active')`,
    [b.org, b.bob, b.permission, b.role],
  );
  await owner(
    `WITH c AS (INSERT INTO conversations (id, organization_id, title, created_by_id)
                VALUES ($2, $1, 'Rival plans', $3)),
          m AS (INSERT INTO messages (id, conversation_id, organization_id, author_id, role, content)
                VALUES ($4, $2, $1, $3, 'user', '{"text": "secret plan"}'))
     INSERT INTO content (id, organization_id, author_id, kind, title) VALUES ($5, $1, $3, 'article', 'Rival launch')`,
    [b.org, b.conversation, b.bob, b.message, b.content],
  );
  await owner(
    `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 hour')`,
    [b.bob, tokenHash(b.sessionToken)],
  );
  await owner(
    `INSERT INTO api_keys (organization_id, created_by_id, name, key_prefix, token_hash, scopes)
     VALUES ($1, $2, 'ci', 'nh_', $3, '{content:write}')`,
    [b.org, b.bob, tokenHash(b.apiKey)],
  );
  return {
    a: {
      org: a.org,
      admin: a.admin,
      member: a.member,
      conversation: aRows?.conversation as string,
      content: aRows?.content as string,
    },
    b,
  };
}

/** A client as the application login (`max` connections). */
export function appClient(max = 2): NeonhubClient {
  return createClient({ connectionString: env.appUrl, max });
}
