/**
 * The TypeScript search sends the SQL `entity::search` sends: every configuring and search
 * statement of test/search-sql.json (generated from Rust by `make prisma-schema`) is rebuilt
 * here byte for byte.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { configureSql, resolveOptions, searchSql, type SearchTable } from "../src/index.js";

interface Sample {
  table: SearchTable;
  narrowed: boolean;
  sql: string;
}
interface Samples {
  configure: (Sample & {
    options: { k: number; ef_search: number; whole_table_ef_search: number; strategy: "auto" | "exact" | "hnsw"; exact_max_rows: number };
  })[];
  search: (Sample & { strategy: "exact" | "hnsw"; hnsw_index: "tenant" | "table" | null })[];
}

const samples = JSON.parse(
  readFileSync(new URL("../../test/search-sql.json", import.meta.url), "utf8"),
) as Samples;

test("configuring statements", () => {
  assert.ok(samples.configure.length >= 50);
  for (const s of samples.configure) {
    const options = resolveOptions({
      k: s.options.k,
      efSearch: s.options.ef_search,
      wholeTableEfSearch: s.options.whole_table_ef_search,
      strategy: s.options.strategy,
      exactMaxRows: s.options.exact_max_rows,
    });
    assert.equal(configureSql(s.table, s.narrowed, options), s.sql, JSON.stringify(s.options));
  }
});

test("search statements", () => {
  assert.ok(samples.search.length >= 18);
  for (const s of samples.search) {
    assert.equal(searchSql(s.table, s.narrowed, { strategy: s.strategy, hnswIndex: s.hnsw_index }), s.sql);
  }
});
