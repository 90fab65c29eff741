/**
 * Vector search from TypeScript inside `withTenant`, against the seeded chunks and messages: the
 * nearest rows are exactly those the owner finds by an exact scan, through each strategy and
 * through the tenant's own HNSW index (built here as `vector-maintain` builds it), narrowed to a
 * dataset or conversation, and another tenant's rows are never found. No setting outlives a
 * search.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  Tenant,
  nearestChunks,
  nearestMessages,
  tenantIndexName,
  withTenant,
  type NeonhubClient,
} from "../src/index.js";
import { appClient, env, owner, theWorld, type World } from "./fixtures.js";

let prisma: NeonhubClient;
let w: World;

before(async () => {
  w = await theWorld();
  prisma = appClient(1);
});

after(async () => {
  await prisma.$disconnect();
});

/** The seeded chunk embeddings of A (owner), as vectors. */
async function chunkVectors(): Promise<{ id: string; dataset: string; vector: number[] }[]> {
  const rows = await owner<{ id: string; dataset_id: string; v: string }>(
    "SELECT id, dataset_id, embedding::text AS v FROM chunks WHERE organization_id = $1 ORDER BY id",
    [w.a.org],
  );
  return rows.map((r) => ({ id: r.id, dataset: r.dataset_id, vector: JSON.parse(r.v) as number[] }));
}

/** The ids the owner finds by an exact scan. */
async function exact(table: string, query: number[], k: number, extra = ""): Promise<string[]> {
  const rows = await owner<{ id: string }>(
    `SELECT id FROM ${table} WHERE organization_id = $1 AND embedding IS NOT NULL ${extra}
      ORDER BY embedding <=> $2::vector, id LIMIT $3`,
    [w.a.org, JSON.stringify(query), k],
  );
  return rows.map((r) => r.id);
}

const asAlex = () => env.keys.signing().ticket(Tenant.member(w.a.org, w.a.admin));

test("chunks: each strategy finds what an exact scan finds, nearest first", async () => {
  const vectors = await chunkVectors();
  assert.ok(vectors.length >= 3, "the seed has chunks with embeddings");
  for (const probe of vectors.slice(0, 3)) {
    const expected = await exact("chunks", probe.vector, 5);
    for (const strategy of ["auto", "exact", "hnsw"] as const) {
      const found = await withTenant(prisma, asAlex(), (tx) =>
        nearestChunks(tx, w.a.org, probe.vector, { k: 5, strategy }),
      );
      assert.deepEqual(
        found.neighbors.map((n) => n.row.id).sort(),
        [...expected].sort(),
        `strategy ${strategy}`,
      );
      assert.equal(found.neighbors[0]?.row.id, probe.id, "the probe's own chunk first");
      assert.ok((found.neighbors[0]?.distance ?? 1) < 1e-6);
      const distances = found.neighbors.map((n) => n.distance);
      assert.deepEqual(distances, [...distances].sort((x, y) => x - y), "nearest first");
      assert.equal(found.strategy, strategy === "hnsw" ? "hnsw" : "exact");
      assert.equal(found.neighbors[0]?.row.organizationId, w.a.org);
      assert.equal(found.neighbors[0]?.row.embedding?.length, 1536);
      // Read in pgvector's binary form: the stored float32 values exactly (the text form is
      // their shortest decimal, so rounding it to float32 gives the same numbers).
      assert.deepEqual(found.neighbors[0]?.row.embedding, probe.vector.map(Math.fround));
    }
  }
  const narrowed = vectors[0] as { id: string; dataset: string; vector: number[] };
  const inDataset = await withTenant(prisma, asAlex(), (tx) =>
    nearestChunks(tx, w.a.org, narrowed.vector, { datasetId: narrowed.dataset, k: 50 }),
  );
  assert.ok(inDataset.neighbors.every((n) => n.row.datasetId === narrowed.dataset));
  assert.equal(inDataset.scopeRows, vectors.filter((v) => v.dataset === narrowed.dataset).length);
});

test("through the tenant's own HNSW index, as vector-maintain builds it", async () => {
  const vectors = await chunkVectors();
  const index = tenantIndexName("chunks", w.a.org);
  await owner("UPDATE chunks SET embedding_indexed = true WHERE organization_id = $1", [w.a.org]);
  await owner(
    `CREATE INDEX ${index} ON chunks USING hnsw ((l2_normalize(embedding)::halfvec(1536)) halfvec_cosine_ops)
       WITH (m = 16, ef_construction = 128) WHERE organization_id = '${w.a.org}'::uuid AND embedding_indexed`,
  );
  try {
    for (const probe of vectors.slice(0, 3)) {
      const found = await withTenant(prisma, asAlex(), (tx) => nearestChunks(tx, w.a.org, probe.vector, { k: 5 }));
      assert.equal(found.strategy, "hnsw");
      assert.equal(found.hnswIndex, "tenant");
      assert.equal(found.scopeRows, null, "no count with a tenant index");
      assert.equal(found.efSearch, 160);
      assert.deepEqual(found.neighbors.map((n) => n.row.id).sort(), (await exact("chunks", probe.vector, 5)).sort());
    }
  } finally {
    await owner(`DROP INDEX ${index}`);
    await owner("UPDATE chunks SET embedding_indexed = false WHERE organization_id = $1", [w.a.org]);
  }
});

test("messages narrowed to a conversation; another tenant's rows are never found", async () => {
  const [probe] = await owner<{ v: string; conversation_id: string }>(
    "SELECT embedding::text AS v, conversation_id FROM messages WHERE organization_id = $1 AND embedding IS NOT NULL LIMIT 1",
    [w.a.org],
  );
  assert.ok(probe, "the seed has messages with embeddings");
  const query = JSON.parse(probe.v) as number[];
  const found = await withTenant(prisma, asAlex(), (tx) =>
    nearestMessages(tx, w.a.org, query, { conversationId: probe.conversation_id }),
  );
  assert.deepEqual(
    found.neighbors.map((n) => n.row.id).sort(),
    (await exact("messages", query, 10, `AND conversation_id = '${probe.conversation_id}'`)).sort(),
  );
  assert.ok(found.neighbors.every((n) => n.row.conversationId === probe.conversation_id));
  // B asks for A's organization: row-level security shows B nothing of A.
  const fromB = await withTenant(prisma, env.keys.signing().worker(w.b.org), (tx) =>
    nearestChunks(tx, w.a.org, query, { strategy: "exact" }),
  );
  assert.deepEqual(fromB.neighbors, []);
});

test("no search setting outlives the search", async () => {
  const vectors = await chunkVectors();
  const settings = await withTenant(prisma, asAlex(), async (tx) => {
    const read = () =>
      tx.$queryRaw<{ ef: string; sort: string; cache: string }[]>`
        SELECT current_setting('hnsw.ef_search') AS ef, current_setting('enable_sort') AS sort,
               current_setting('plan_cache_mode') AS cache`;
    await tx.$queryRaw`SELECT '[1]'::vector::text AS loaded`; // pgvector's settings exist from here
    const before = await read();
    await nearestChunks(tx, w.a.org, (vectors[0] as { vector: number[] }).vector, { strategy: "hnsw", efSearch: 77 });
    return { before, after: await read() };
  });
  assert.deepEqual(settings.after, settings.before);
});

test("bad queries and options are refused before any I/O", async () => {
  await withTenant(prisma, asAlex(), async (tx) => {
    await assert.rejects(nearestChunks(tx, w.a.org, [1, 2, 3]), RangeError);
    await assert.rejects(nearestChunks(tx, w.a.org, new Array(1536).fill(0)), RangeError);
    await assert.rejects(nearestChunks(tx, w.a.org, new Array(1536).fill(Number.NaN)), RangeError);
    await assert.rejects(nearestChunks(tx, w.a.org, new Array(1536).fill(1), { k: 0 }), RangeError);
  });
});
