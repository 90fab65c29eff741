/**
 * The TypeScript signers agree with Rust's on fixed inputs (the same vectors are asserted by
 * smoke/tests/it/typescript.rs against `entity::tenant::TicketKey`, `entity::secrets::token_hash`
 * and `entity::users::normalize_email`), and the database accepts what TypeScript signs.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CredentialRefusedError,
  LockedOutError,
  Tenant,
  TicketKey,
  TicketKeys,
  createVerificationToken,
  normalizeEmail,
  tokenHash,
  useVerificationToken,
  userIdByEmail,
  withTenant,
  type NeonhubClient,
} from "../src/index.js";
import { appClient, env, theWorld } from "./fixtures.js";

const KEY = new TicketKey("t1", new Uint8Array(32).fill(7));
const ORG = "0190a0a0-0000-7000-8000-000000000001";
const USER = "0190a0a0-0000-7000-8000-000000000002";

test("a ticket is the bytes Rust's TicketKey signs", () => {
  assert.equal(
    KEY.signUntil(Tenant.member(ORG, USER), 1_900_000_000),
    "nht1:t1:0190a0a0-0000-7000-8000-000000000001:0190a0a0-0000-7000-8000-000000000002:1900000000:" +
      "632f7e7994974868652e890467680e6c352896f3bb4de07eb3bf40bf2eb7f44d",
  );
  assert.equal(
    KEY.signUntil(Tenant.organization(ORG), 1_900_000_000).split(":").slice(0, 5).join(":"),
    `nht1:t1:${ORG}::1900000000`,
  );
  assert.equal(
    KEY.signMessage(`nhv1\nt1\nana@example.test\n${tokenHash("sign-in token")}\n1900000000`),
    "125a1575d86d9c2783e57edc76b84335a0100e771e47e3a74db833353a779f45",
  );
  assert.equal(tokenHash("session token"), "9b39a83ab20d43a604754de232422b7bcae7eec416ff467100df5b6654f8227a");
  assert.ok(!JSON.stringify(KEY).includes("BwcH"), "the key never serialises");
});

test("emails normalise as Rust and the database do", () => {
  assert.equal(normalizeEmail("  Ana.Lopez@Example.COM "), "ana.lopez@example.com");
  assert.equal(normalizeEmail("Émile@X.test"), "Émile@x.test");
  assert.equal(normalizeEmail("\tTab@x.test"), "\ttab@x.test");
});

test("ticket keys parse like NEONHUB_TICKET_KEYS", () => {
  const spec = `t1:${Buffer.alloc(32, 7).toString("base64")},old:${Buffer.alloc(32).toString("base64")}`;
  const keys = TicketKeys.parse(spec);
  assert.equal(keys.signing().id, "t1");
  assert.equal(keys.keys.length, 2);
  assert.throws(() => TicketKeys.parse("t1"));
  assert.throws(() => TicketKeys.parse(""));
  assert.throws(() => TicketKeys.parse(`a:${Buffer.alloc(16).toString("base64")}`));
  assert.throws(() => TicketKeys.parse(`a:AAAA,a:AAAA`));
});

let prisma: NeonhubClient;
before(() => {
  prisma = appClient(1);
});
after(async () => {
  await prisma.$disconnect();
});

test("the database accepts a ticket signed in TypeScript, and refuses one signed with another key", async () => {
  const w = await theWorld();
  const ctx = await withTenant(prisma, env.keys.signing().ticket(Tenant.member(w.a.org, w.a.admin)), async (_tx, c) => c);
  assert.deepEqual([ctx.organizationId, ctx.userId], [w.a.org, w.a.admin]);
  await assert.rejects(
    withTenant(prisma, KEY.worker(w.a.org), async () => 1),
    CredentialRefusedError,
  );
});

test("sign-in tokens signed in TypeScript are accepted, unsigned ones refused, guesses locked out", async () => {
  const w = await theWorld();
  const key = env.keys.signing();
  const identifier = `bob.${w.b.tag}@rival.test`;
  const hash = tokenHash(`link-${w.b.tag}`);
  const expires = new Date(Date.now() + 15 * 60_000);
  await createVerificationToken(prisma, key, identifier, hash, expires);
  await assert.rejects(
    createVerificationToken(prisma, KEY, identifier, tokenHash("forged"), expires),
    CredentialRefusedError,
  );
  assert.equal(await useVerificationToken(prisma, identifier, hash), true);
  assert.equal(await useVerificationToken(prisma, identifier, hash), false, "a token works once");
  for (let i = 0; i < 4; i++) {
    await useVerificationToken(prisma, identifier, tokenHash(`guess ${i}`));
  }
  await assert.rejects(useVerificationToken(prisma, identifier, hash), LockedOutError);
  assert.equal(await userIdByEmail(prisma, ` BOB.${w.b.tag.toUpperCase()}@Rival.test`), w.b.bob);
});
