/**
 * The seed's calls from TypeScript as the application login under row-level security, through
 * `withTenant` and each credential, and the attempts to break tenant isolation from TypeScript:
 * another tenant's ids in `where`, writes and nested writes into another tenant, the old
 * settings and a forged or copied context through `$executeRaw`. Every attempt is refused (or
 * finds nothing), and the owner sees the other tenant's rows unchanged afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AttributionError,
  Credential,
  CredentialRefusedError,
  CrossTenantReferenceError,
  MembershipRuleError,
  NotAMemberError,
  NotUnderRlsError,
  RowLevelSecurityError,
  Tenant,
  UserCreatedBySignUpError,
  UserErasedByCommandError,
  createClient,
  newId,
  withTenant,
  type NeonhubClient,
} from "../src/index.js";
import { appClient, env, owner, theWorld, type World } from "./fixtures.js";

let prisma: NeonhubClient;
let w: World;

before(async () => {
  w = await theWorld();
  prisma = appClient();
});

after(async () => {
  await prisma.$disconnect();
});

/** A ticket for Alex (the seed's owner) in the seeded organization. */
const alex = (): Credential => env.keys.signing().ticket(Tenant.member(w.a.org, w.a.admin));

/** What the owner sees of B: the rows the attacks must leave alone. */
async function rivalState(): Promise<string> {
  const rows = await owner(
    `SELECT (SELECT row_to_json(c)::text FROM conversations c WHERE c.id = $1) AS conversation,
            (SELECT row_to_json(m)::text FROM messages m WHERE m.id = $2) AS message,
            (SELECT row_to_json(t)::text FROM content t WHERE t.id = $3) AS content,
            (SELECT count(*) FROM messages WHERE organization_id = $4) AS messages,
            (SELECT count(*) FROM conversations WHERE organization_id = $4) AS conversations,
            (SELECT name FROM organizations WHERE id = $4) AS name`,
    [w.b.conversation, w.b.message, w.b.content, w.b.org],
  );
  return JSON.stringify(rows[0]);
}

/** `fn` rejects with Prisma's error `code` (P2025: not found, which is what another tenant's
 * rows are under row-level security; P2002: a unique key). */
async function prismaRefused(fn: () => Promise<unknown>, code: string): Promise<void> {
  const error = await refused(fn);
  assert.equal((error as { code?: string }).code, code, `${error.name}: ${error.message}`);
}

/** `fn` rejects, with an error of one of `kinds` when given. */
async function refused(fn: () => Promise<unknown>, ...kinds: (new (...a: never[]) => Error)[]): Promise<Error> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, "expected a refusal, the call succeeded");
  if (kinds.length > 0) {
    assert.ok(
      kinds.some((k) => error instanceof k),
      `expected ${kinds.map((k) => k.name).join(" or ")}, got ${(error as Error).name}: ${(error as Error).message}`,
    );
  }
  return error as Error;
}

describe("the seed's calls, as the application login under row-level security", () => {
  test("user.findUnique by email, in any case, through the plain unique key", async () => {
    const found = await withTenant(prisma, alex(), async (tx) => ({
      lower: await tx.user.findUnique({ where: { email: "admin@neonhub.ai" } }),
      mixed: await tx.user.findUnique({ where: { email: "  Admin@NeonHub.AI " } }),
      filter: await tx.user.findFirst({ where: { email: { equals: "ADMIN@neonhub.ai" } } }),
      member: await tx.user.findMany({ where: { email: { in: [`MAYA@NEONHUB.AI`, "nobody@x.test"] } } }),
    }));
    assert.equal(found.lower?.id, w.a.admin);
    assert.equal(found.mixed?.id, w.a.admin);
    assert.equal(found.filter?.id, w.a.admin);
    assert.equal(found.mixed?.email, "admin@neonhub.ai");
    assert.deepEqual(
      found.member.map((u) => u.id),
      (await owner<{ id: string }>("SELECT id FROM users WHERE email = 'maya@neonhub.ai'")).map((r) => r.id),
    );
  });

  test("conversation.findMany with messages, content.findMany and connector.findMany by category", async () => {
    const seen = await withTenant(prisma, alex(), async (tx) => ({
      conversations: await tx.conversation.findMany({
        include: { messages: { orderBy: { createdAt: "asc" } } },
      }),
      content: await tx.content.findMany({ orderBy: { createdAt: "asc" } }),
      email: await tx.connector.findMany({ where: { category: "EMAIL" } }),
      social: await tx.connector.findMany({ where: { category: { in: ["INSTAGRAM", "X"] } } }),
    }));
    const [expected] = await owner<{ conversations: string; messages: string; content: string; email: string }>(
      `SELECT (SELECT count(*) FROM conversations WHERE organization_id = $1) AS conversations,
              (SELECT count(*) FROM messages WHERE organization_id = $1) AS messages,
              (SELECT count(*) FROM content WHERE organization_id = $1) AS content,
              (SELECT count(*) FROM connectors WHERE category = 'EMAIL') AS email`,
      [w.a.org],
    );
    assert.ok(seen.conversations.length > 0, "the seed has conversations");
    assert.equal(seen.conversations.length, Number(expected?.conversations));
    assert.ok(seen.conversations.every((c) => c.organizationId === w.a.org));
    assert.equal(
      seen.conversations.reduce((n, c) => n + c.messages.length, 0),
      Number(expected?.messages),
    );
    assert.equal(seen.content.length, Number(expected?.content));
    assert.ok(seen.content.length > 0, "the seed has content");
    assert.equal(seen.email.length, Number(expected?.email));
    assert.ok(seen.email.every((c) => c.category === "EMAIL"));
    assert.ok(seen.social.length > 0 && seen.social.every((c) => ["INSTAGRAM", "X"].includes(c.category)));
  });

  test("user.create through a ticket naming the new user; user.delete is refused with a typed error", async () => {
    const id = newId();
    const created = await withTenant(prisma, env.keys.signing().ticket(Tenant.user(id)), (tx) =>
      tx.user.create({ data: { id, email: "  New.Person@Example.TEST ", name: "New" } }),
    );
    assert.equal(created.id, id);
    assert.equal(created.email, "new.person@example.test", "stored normalised");
    const error = await refused(
      () => withTenant(prisma, env.keys.signing().ticket(Tenant.user(id)), (tx) => tx.user.delete({ where: { id } })),
      UserErasedByCommandError,
    );
    assert.match(error.message, /erase-user/);
    assert.equal((error as UserErasedByCommandError).sqlstate, "42501");
    // Another user's row, or one with a database-made id, is not the acting user's: refused.
    const other = await refused(
      () =>
        withTenant(prisma, env.keys.signing().ticket(Tenant.user(id)), (tx) =>
          tx.user.create({ data: { id: newId(), email: "someone.else@example.test" } }),
        ),
      UserCreatedBySignUpError,
    );
    assert.match(other.message, /created by sign-up/);
    await refused(
      () => withTenant(prisma, alex(), (tx) => tx.user.create({ data: { email: "third@example.test" } })),
      UserCreatedBySignUpError,
    );
    // The same address in capitals is taken (the plain unique key on the normalised form).
    const twin = newId();
    await prismaRefused(
      () =>
        withTenant(prisma, env.keys.signing().ticket(Tenant.user(twin)), (tx) =>
          tx.user.create({ data: { id: twin, email: "NEW.PERSON@example.test" } }),
        ),
      "P2002",
    );
    const rows = await owner("SELECT id FROM users WHERE id = $1", [id]);
    assert.equal(rows.length, 1, "the user is still there");
  });

  test("a session token, an API key and a TypeScript-signed ticket each enter their context", async () => {
    const viaSession = await withTenant(prisma, Credential.sessionToken(w.b.sessionToken, w.b.org), (tx, ctx) =>
      tx.conversation.findMany().then((c) => ({ ctx, ids: c.map((x) => x.id) })),
    );
    assert.deepEqual(viaSession.ids, [w.b.conversation]);
    assert.equal(viaSession.ctx.userId, w.b.bob);
    const viaKey = await withTenant(prisma, Credential.apiKey(w.b.apiKey), async (tx, ctx) => ({
      ctx,
      content: (await tx.content.findMany()).map((c) => c.id),
    }));
    assert.equal(viaKey.ctx.organizationId, w.b.org);
    assert.deepEqual(viaKey.ctx.scopes, ["content:write"]);
    assert.deepEqual(viaKey.content, [w.b.content]);
    const worker = await withTenant(prisma, env.keys.signing().worker(w.a.org), async (tx, ctx) => ({
      ctx,
      n: await tx.conversation.count(),
    }));
    assert.equal(worker.ctx.userId, null);
    assert.ok(worker.n > 0);
  });
});

describe("refused credentials", () => {
  test("unknown, expired and other-organization sessions", async () => {
    await refused(() => withTenant(prisma, Credential.sessionToken("not a session", w.a.org), async () => 1), CredentialRefusedError);
    await refused(
      () => withTenant(prisma, Credential.sessionToken(w.b.sessionToken, w.a.org), async () => 1),
      NotAMemberError,
    );
    await refused(() => withTenant(prisma, Credential.apiKey("nh_unknown"), async () => 1), CredentialRefusedError);
  });

  test("tickets: forged, expired, too long, unknown key, non-member", async () => {
    const key = env.keys.signing();
    const good = key.sign(Tenant.member(w.a.org, w.a.admin));
    const forged = good.replace(w.a.org, w.b.org);
    await refused(() => withTenant(prisma, Credential.ticket(forged), async () => 1), CredentialRefusedError);
    const now = Math.floor(Date.now() / 1000);
    await refused(
      () => withTenant(prisma, Credential.ticket(key.signUntil(Tenant.organization(w.a.org), now - 1)), async () => 1),
      CredentialRefusedError,
    );
    await refused(
      () => withTenant(prisma, Credential.ticket(key.signUntil(Tenant.organization(w.a.org), now + 3600)), async () => 1),
      CredentialRefusedError,
    );
    const { TicketKey } = await import("../src/index.js");
    const stranger = new TicketKey("stranger", new Uint8Array(32).fill(9));
    await refused(() => withTenant(prisma, stranger.worker(w.a.org), async () => 1), CredentialRefusedError);
    await refused(
      () => withTenant(prisma, key.ticket(Tenant.member(w.a.org, w.b.bob)), async () => 1),
      NotAMemberError,
    );
  });

  test("a refusal at BEGIN rolls back, releases its connection and never runs the work", async () => {
    // A pool of 2: a refused credential that left its connection checked out, or in an aborted
    // transaction, would stall or fail the calls after it.
    const small = createClient({ connectionString: env.appUrl, max: 2 });
    try {
      let ran = 0;
      const key = env.keys.signing();
      for (let i = 0; i < 6; i++) {
        await refused(
          () => withTenant(small, Credential.sessionToken(`no such token ${i}`, w.a.org), async () => ran++),
          CredentialRefusedError,
        );
        await refused(
          () => withTenant(small, key.ticket(Tenant.member(w.a.org, w.b.bob)), async () => ran++),
          NotAMemberError,
        );
      }
      assert.equal(ran, 0, "the work of a refused credential ran");
      const [mine, expected] = await Promise.all([
        withTenant(small, alex(), (tx) => tx.conversation.count()),
        owner("SELECT count(*)::int AS n FROM conversations WHERE organization_id = $1", [w.a.org]),
      ]);
      assert.equal(mine, (expected[0] as { n: number }).n);
      // Each call entered its own context: nothing carried over on the two connections.
      for (let i = 0; i < 4; i++) {
        const seen = await withTenant(small, key.worker(w.b.org), (tx) =>
          tx.conversation.findMany({ where: { organizationId: w.a.org } }),
        );
        assert.equal(seen.length, 0);
      }
    } finally {
      await small.$disconnect();
    }
  });

  test("a client without the tenantAware adapter enters through Prisma, with the same refusals", async () => {
    const { PrismaClient } = await import("../generated/prisma/client.js");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const plain = new PrismaClient({ adapter: new PrismaPg({ connectionString: env.appUrl, max: 2 }) });
    try {
      const [viaPlain, viaPackage] = await Promise.all([
        withTenant(plain, alex(), (tx, context) => tx.conversation.count().then((n) => [n, context.userId])),
        withTenant(prisma, alex(), (tx, context) => tx.conversation.count().then((n) => [n, context.userId])),
      ]);
      assert.deepEqual(viaPlain, viaPackage);
      await refused(
        () => withTenant(plain, Credential.sessionToken("no such token", w.a.org), async () => 1),
        CredentialRefusedError,
      );
    } finally {
      await plain.$disconnect();
    }
  });

  test("the owner's connection is refused: row-level security would not apply there", async () => {
    const asOwner = createClient({ connectionString: env.ownerUrl, max: 1 });
    try {
      await refused(() => withTenant(asOwner, alex(), async () => 1), NotUnderRlsError);
    } finally {
      await asOwner.$disconnect();
    }
  });
});

describe("breaking tenant isolation from TypeScript", () => {
  test("another tenant's ids in where find nothing and change nothing", async () => {
    const before = await rivalState();
    const seen = await withTenant(prisma, alex(), async (tx) => ({
      conversation: await tx.conversation.findUnique({ where: { id: w.b.conversation } }),
      byOrg: await tx.conversation.findMany({ where: { organizationId: w.b.org } }),
      messages: await tx.message.findMany({ where: { conversationId: w.b.conversation } }),
      bob: await tx.user.findUnique({ where: { id: w.b.bob } }),
      bobByEmail: await tx.user.findFirst({ where: { email: { contains: w.b.tag } } }),
      org: await tx.organization.findUnique({ where: { id: w.b.org } }),
      updated: await tx.conversation.updateMany({ where: { id: w.b.conversation }, data: { title: "pwned" } }),
      deleted: await tx.message.deleteMany({ where: { organizationId: w.b.org } }),
      counted: await tx.content.count({ where: { id: w.b.content } }),
    }));
    assert.deepEqual(seen, {
      conversation: null,
      byOrg: [],
      messages: [],
      bob: null,
      bobByEmail: null,
      org: null,
      updated: { count: 0 },
      deleted: { count: 0 },
      counted: 0,
    });
    await prismaRefused(
      () =>
        withTenant(prisma, alex(), (tx) =>
          tx.content.update({ where: { id: w.b.content }, data: { title: "pwned" } }),
        ),
      "P2025",
    );
    await prismaRefused(
      () =>
        withTenant(prisma, alex(), (tx) =>
          tx.organization.update({ where: { id: w.b.org }, data: { name: "pwned" } }),
        ),
      "P2025",
    );
    assert.equal(await rivalState(), before);
  });

  test("writes and nested writes into another tenant are refused", async () => {
    const before = await rivalState();
    // A row of B written from A's context: row-level security.
    await refused(
      () =>
        withTenant(prisma, alex(), (tx) =>
          tx.conversation.create({ data: { organizationId: w.b.org, title: "planted" } }),
        ),
      RowLevelSecurityError,
    );
    // A message of A pointing at B's conversation: the composite tenant key.
    await refused(
      () =>
        withTenant(prisma, alex(), (tx) =>
          tx.message.create({
            data: { organizationId: w.a.org, conversationId: w.b.conversation, role: "user", content: {} },
          }),
        ),
      CrossTenantReferenceError,
    );
    // Nested: connect B's conversation under A's organization, name B's people or organization
    // in nested creates: B's rows are not there for A ("not found").
    await prismaRefused(
      () =>
        withTenant(prisma, alex(), (tx) =>
          tx.organization.update({
            where: { id: w.a.org },
            data: { conversations: { connect: { id: w.b.conversation } } },
          }),
        ),
      "P2018",
    );
    await prismaRefused(() =>
      withTenant(prisma, alex(), (tx) =>
        tx.conversation.create({
          data: {
            organization: { connect: { id: w.a.org } },
            title: "nested",
            messages: {
              create: {
                role: "user",
                content: {},
                organization: { connect: { id: w.a.org } },
                author: { connect: { id: w.b.bob } },
              },
            },
          },
        }),
      ),
      "P2025",
    );
    await prismaRefused(
      () =>
        withTenant(prisma, alex(), (tx) =>
          tx.conversation.create({
            data: { organization: { connect: { id: w.b.org } }, title: "nested into B" },
          }),
        ),
      "P2025",
    );
    // Attribution: a row of A naming Bob (no member of A).
    await refused(
      () =>
        withTenant(prisma, alex(), (tx) =>
          tx.content.create({ data: { organizationId: w.a.org, authorId: w.b.bob, kind: "article" } }),
        ),
      AttributionError,
    );
    // Membership: joining B as an active member.
    await refused(
      () =>
        withTenant(prisma, env.keys.signing().ticket(Tenant.member(w.a.org, w.a.admin)), (tx) =>
          tx.organizationMembership.create({ data: { organizationId: w.a.org, userId: w.b.bob, status: "active" } }),
        ),
      MembershipRuleError,
    );
    assert.equal(await rivalState(), before);
    const planted = await owner("SELECT id FROM conversations WHERE title IN ('planted', 'nested', 'nested into B')");
    assert.equal(planted.length, 0, "nothing was written");
  });

  test("$executeRaw of the old settings or a forged context selects nothing", async () => {
    // No context: the settings the policies read before select nothing.
    const viaSettings = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.current_org_id', ${w.b.org}, true), set_config('app.current_user_id', ${w.b.bob}, true)`;
      return {
        conversations: await tx.conversation.findMany(),
        users: await tx.user.findMany(),
        updated: await tx.conversation.updateMany({ data: { title: "pwned" } }),
      };
    });
    assert.deepEqual(viaSettings, { conversations: [], users: [], updated: { count: 0 } });
    // Inside A's context, the old settings do not move it to B.
    const inside = await withTenant(prisma, alex(), async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.current_org_id', ${w.b.org}, true)`;
      return tx.conversation.findMany({ where: { organizationId: w.b.org } });
    });
    assert.deepEqual(inside, []);
    // A real context of B, copied from its transaction, and a hand-made one: nothing.
    const copied = await withTenant(prisma, Credential.sessionToken(w.b.sessionToken, w.b.org), async (tx) => {
      const rows = await tx.$queryRaw<{ v: string }[]>`SELECT current_setting('neonhub.tenant') AS v`;
      return rows[0]?.v as string;
    });
    assert.match(copied, new RegExp(`^${w.b.org}\\|${w.b.bob}\\|`));
    const forged = `${w.b.org}|${w.b.bob}|${copied.split("|")[2]}|${copied.split("|")[3]}|${"0".repeat(64)}`;
    for (const value of [copied, forged]) {
      const seen = await prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT set_config('neonhub.tenant', ${value}, true)`;
        return {
          conversations: await tx.conversation.findMany(),
          messages: await tx.message.findMany(),
          inserted: await tx.conversation
            .create({ data: { organizationId: w.b.org, title: "planted" } })
            .then(() => "inserted", () => "refused"),
        };
      });
      assert.deepEqual(seen, { conversations: [], messages: [], inserted: "refused" });
    }
  });

  test("no context outlives its transaction on a pooled connection", async () => {
    const single = appClient(1);
    try {
      const inside = await withTenant(single, alex(), (tx) => tx.conversation.count());
      assert.ok(inside > 0);
      assert.equal(await single.conversation.count(), 0, "the same connection, after the transaction");
      assert.equal(await single.user.count(), 0);
    } finally {
      await single.$disconnect();
    }
  });
});
