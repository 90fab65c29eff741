/**
 * `createClient`'s named statements: on for a direct URL, off for a pooled one (a transaction
 * pooler without prepared-statement support would hand a name to another client's server
 * connection), and never more than MAX_NAMED_STATEMENTS distinct names (SQL built with literals
 * in it must not make the server hold ever more statements).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_NAMED_STATEMENTS, namedStatements, poolerReason } from "../src/client.js";

test("a pooled URL is recognised as the Rust side does", () => {
  for (const direct of [
    "postgres://u:p@ep-quiet-1.eu-central-1.aws.neon.tech/db?sslmode=require",
    "postgres://u:p@127.0.0.1:5432/db",
    "postgres://u:p@h:6432/db?pgbouncer=false",
  ]) {
    assert.equal(poolerReason(direct), null, direct);
  }
  for (const pooled of [
    "postgres://u:p@ep-quiet-1-pooler.eu-central-1.aws.neon.tech/db?sslmode=require",
    "postgres://u:p@h:6432/db",
    "postgres://u:p@h:5432/db?pgbouncer=true",
  ]) {
    assert.notEqual(poolerReason(pooled), null, pooled);
  }
});

test("a statement keeps its name; past the cap, statements run unnamed", () => {
  const name = namedStatements();
  const first = name({ sql: "SELECT 1" });
  assert.match(first ?? "", /^nh_[0-9a-f]{32}$/);
  assert.equal(name({ sql: "SELECT 1" }), first);
  assert.notEqual(name({ sql: "SELECT 2" }), first);
  for (let i = 0; i < MAX_NAMED_STATEMENTS * 2; i++) {
    name({ sql: `SELECT ${i} AS literal_built_in` });
  }
  assert.equal(name({ sql: "SELECT 'one more'" }), undefined, "past the cap: unnamed");
  assert.equal(name({ sql: "SELECT 1" }), first, "the named ones keep their names");
});
