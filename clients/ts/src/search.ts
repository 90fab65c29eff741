/**
 * Vector search inside one organization from TypeScript, with the SQL `entity::search` sends
 * (docs/VECTOR_SEARCH.md), so that it is as fast as Rust's: the `k` nearest chunks, messages or
 * brand voices to a query embedding by cosine distance, each with its distance.
 *
 * ```ts
 * const hits = await withTenant(prisma, credential, (tx) =>
 *   nearestChunks(tx, orgId, queryEmbedding, { datasetId }),
 * );
 * for (const { row, distance } of hits.neighbors) console.log(distance.toFixed(4), row.text);
 * ```
 *
 * How a search runs, as in Rust: in a savepoint of the caller's transaction (the one
 * `withTenant` opens, so row-level security applies), one statement probes the tenant's own HNSW
 * index, counts the rows in scope up to `exactMaxRows + 1` and applies the strategy's settings
 * (`set_config(…, true)`: `hnsw.ef_search` one candidate per 500 rows of a tenant's own graph
 * within [efSearch, wholeTableEfSearch], `hnsw.iterative_scan = relaxed_order`, index or sort
 * scans off, custom plans); a second runs the search — exact for a small scope, through the
 * tenant's own half-precision graph (`l2_normalize(embedding)::halfvec(1536)`) or the table's
 * (`embedding::halfvec(1536)`) otherwise, plus the exact nearest of the rows still waiting
 * outside the graph; the savepoint is rolled back, so no setting outlives the search. Four
 * round trips: SAVEPOINT, configure, search, ROLLBACK TO SAVEPOINT.
 */
import { SEARCH, TABLES, type SearchTable } from "./search-shape.js";
import type { RawQueryable } from "./tenant.js";
import { classifyError } from "./errors.js";

export { SEARCH, TABLES, type SearchTable } from "./search-shape.js";

/** How the nearest rows are found (`entity::search::SearchStrategy`). */
export type SearchStrategy = "auto" | "exact" | "hnsw";

/** Which HNSW index a search walked (`entity::search::HnswIndex`). */
export type HnswIndex = "tenant" | "table";

/** Options of a search (`entity::search::SearchOptions`), defaults from `entity::search`. */
export interface SearchOptions {
  /** Neighbours to return (1–1,000; default 10). */
  k?: number;
  /** `hnsw.ef_search` inside the organization (default 160): the fewest through its own graph. */
  efSearch?: number;
  /** The most a walk that follows its graph's size takes (default 1,000). */
  wholeTableEfSearch?: number;
  /** `auto` (default), `exact` or `hnsw`. */
  strategy?: SearchStrategy;
  /** For `auto`: the largest scope searched exactly (default 1,000 rows). */
  exactMaxRows?: number;
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  k: number;
  efSearch: number;
  wholeTableEfSearch: number;
  strategy: SearchStrategy;
  exactMaxRows: number;
}

/** What the configuring statement decided (`entity::search::Configured`). */
export interface Configured {
  /** `exact` or `hnsw`, never `auto`. */
  strategy: Exclude<SearchStrategy, "auto">;
  /** For `hnsw`: the index the planner takes. */
  hnswIndex: HnswIndex | null;
  /** For `auto`: the rows counted in scope, capped at `exactMaxRows + 1`. */
  scopeRows: number | null;
  /** For `hnsw`: the walk's `hnsw.ef_search`. */
  efSearch: number | null;
}

/** One neighbour: the row (model field names) and its cosine distance to the query. */
export interface Neighbor<Row> {
  row: Row;
  distance: number;
}

/** The result of a search. */
export interface SearchResults<Row> extends Configured {
  /** The nearest rows, nearest first. */
  neighbors: Neighbor<Row>[];
}

/** A row of a searched table: its columns under their model field names; `embedding` parsed. */
export type SearchRow = Record<string, unknown> & { id: string; embedding: number[] | null };

/** Options with the defaults of `entity::search`. */
export function resolveOptions(options: SearchOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    k: options.k ?? SEARCH.DEFAULT_K,
    efSearch: options.efSearch ?? SEARCH.DEFAULT_EF_SEARCH,
    wholeTableEfSearch: options.wholeTableEfSearch ?? SEARCH.DEFAULT_WHOLE_TABLE_EF_SEARCH,
    strategy: options.strategy ?? "auto",
    exactMaxRows: options.exactMaxRows ?? SEARCH.DEFAULT_EXACT_MAX_ROWS,
  };
  for (const [name, value] of [
    ["k", resolved.k],
    ["efSearch", resolved.efSearch],
    ["wholeTableEfSearch", resolved.wholeTableEfSearch],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > SEARCH.MAX_EF_SEARCH) {
      throw new RangeError(`search options: ${name} is ${value}, expected 1 to ${SEARCH.MAX_EF_SEARCH}`);
    }
  }
  if (!Number.isInteger(resolved.exactMaxRows) || resolved.exactMaxRows < 0) {
    throw new RangeError(`search options: exactMaxRows is ${resolved.exactMaxRows}`);
  }
  return resolved;
}

/** The query vector as pgvector's text form, after the checks of `entity::search`: 1536
 * dimensions, finite, not zero. */
export function vectorText(query: ArrayLike<number>): string {
  if (query.length !== SEARCH.EMBEDDING_DIM) {
    throw new RangeError(
      `query vector: expected ${SEARCH.EMBEDDING_DIM} dimensions, got ${query.length}`,
    );
  }
  let zero = true;
  const parts = new Array<string>(query.length);
  for (let i = 0; i < query.length; i++) {
    const x = query[i] as number;
    if (!Number.isFinite(x)) {
      throw new RangeError("query vector: holds NaN or infinite values");
    }
    if (x !== 0) {
      zero = false;
    }
    parts[i] = String(x);
  }
  if (zero) {
    throw new RangeError("query vector: is the zero vector, which has no cosine distance");
  }
  return `[${parts.join(",")}]`;
}

/** The tenant index of `organizationId` on `table` (`tenant_index::index_name`). */
export function tenantIndexName(table: SearchTable, organizationId: string): string {
  return `${TABLES[table].tenantIndexPrefix}${organizationId.replace(/-/g, "").toLowerCase()}`;
}

function scopeCondition(table: SearchTable, narrowed: boolean): string {
  const parts = ["t.organization_id = $2"];
  if (narrowed) {
    parts.push(`t.${TABLES[table].within} = $4`);
  }
  return parts.join(" AND ");
}

/** The `hnsw.ef_search` of a walk as an SQL text expression (`entity::search::sql`'s
 * `ef_search_sql`, inside an organization). */
function efSearchSql(o: ResolvedOptions, tenantIndex: string, tenantName: string): string {
  const sized = (fewest: number, most: number, per: number, graph: string): string =>
    fewest === most
      ? `'${most}'`
      : `coalesce((SELECT least(${most}, greatest(${fewest}, ceil(c.reltuples / ${per})))::int::text ` +
        `FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(${graph}) AND c.reltuples >= 0), '${most}')`;
  const own = sized(
    o.efSearch,
    Math.max(o.efSearch, o.wholeTableEfSearch),
    SEARCH.TENANT_GRAPH_ROWS_PER_CANDIDATE,
    `${tenantName}::text`,
  );
  const filtered = sized(o.efSearch, o.efSearch, SEARCH.GRAPH_ROWS_PER_CANDIDATE, "NULL");
  return own === filtered ? own : `CASE WHEN ${tenantIndex} THEN ${own} ELSE ${filtered} END`;
}

/** (name, value for exact, value for hnsw) of each setting. */
function settings(ef: string): [string, string, string][] {
  return [
    ["plan_cache_mode", "'force_custom_plan'", "'force_custom_plan'"],
    ["enable_indexscan", "'off'", "'on'"],
    ["enable_sort", "'on'", "'off'"],
    ["hnsw.ef_search", ef, ef],
    ["hnsw.iterative_scan", "'relaxed_order'", "'relaxed_order'"],
  ];
}

function setConfigs(ef: string, value: (exact: string, hnsw: string) => string): string {
  return settings(ef)
    .map(([name, exact, hnsw]) => `set_config('${name}', ${value(exact, hnsw)}, true)`)
    .join(", ");
}

/** The statement that decides the strategy and applies its settings in one round trip
 * (`entity::search::configure_sql` inside an organization). Parameters: for `auto`, `$1`
 * organization, `$2` the cap (`exactMaxRows + 1`), `$3` the tenant index name, `$4` the
 * narrowing id; otherwise `$1`, the tenant index name. */
export function configureSql(table: SearchTable, narrowed: boolean, options: ResolvedOptions): string {
  const probe = (param: string): string =>
    `coalesce((SELECT i.indisvalid FROM pg_catalog.pg_index i ` +
    `WHERE i.indexrelid = pg_catalog.to_regclass(${param}::text)), false) AS tenant_index`;
  if (options.strategy === "auto") {
    const condition = scopeCondition(table, narrowed).replace("$2", "$1");
    const ef = efSearchSql(options, "c.tenant_index", "$3");
    const sets = setConfigs(ef, (exact, hnsw) =>
      exact === hnsw ? exact : `CASE WHEN c.n < $2 THEN ${exact} ELSE ${hnsw} END`,
    );
    const skipCount = narrowed ? "false" : "p.tenant_index";
    return (
      `/* neonhub:search auto ${table} */ SELECT c.n, c.tenant_index, ` +
      `(${ef})::int AS ef_search, ${sets} FROM (SELECT p.tenant_index, ` +
      `CASE WHEN ${skipCount} THEN NULL ELSE ` +
      `(SELECT count(*) FROM (SELECT 1 FROM ${table} t WHERE ${condition} LIMIT $2) s) ` +
      `END AS n FROM (SELECT ${probe("$3")}) p) c`
    );
  }
  const strategy = options.strategy;
  const ef = efSearchSql(options, "p.tenant_index", "$1");
  const sets = setConfigs(ef, (exact, hnsw) => (strategy === "hnsw" ? hnsw : exact));
  return (
    `/* neonhub:search ${strategy} ${table} */ SELECT NULL::bigint AS n, p.tenant_index, ` +
    `(${ef})::int AS ef_search, ${sets} FROM (SELECT ${probe("$1")}) p`
  );
}

/** The search statement (`entity::search::search_sql` inside an organization). Parameters:
 * `$1` the query vector, `$2` the organization, `$3` k, `$4` the narrowing id. */
export function searchSql(table: SearchTable, narrowed: boolean, configured: Pick<Configured, "strategy" | "hnswIndex">): string {
  const shape = TABLES[table];
  const condition = scopeCondition(table, narrowed);
  const select = `SELECT ${shape.columns}, t.embedding <=> $1 AS distance FROM ${table} t`;
  const half = shape.precision === "half";
  const dim = SEARCH.EMBEDDING_DIM;
  const query = half ? `$1::halfvec(${dim})` : "$1";
  const candidates = half ? "$3 * 2" : "$3";
  const hnsw = (name: string, order: string): string =>
    shape.deferred
      ? `/* neonhub:search ${name} ${table} */ WITH nearest AS MATERIALIZED (` +
        `${select} WHERE ${condition} AND t.embedding_indexed ` +
        `ORDER BY ${order} <=> ${query} LIMIT ${candidates}), ` +
        `waiting AS MATERIALIZED (${select} WHERE ${condition} ` +
        `AND NOT t.embedding_indexed AND t.embedding IS NOT NULL ` +
        `ORDER BY t.embedding <=> $1 LIMIT $3) ` +
        `SELECT * FROM nearest UNION ALL SELECT * FROM waiting ORDER BY distance LIMIT $3`
      : `/* neonhub:search ${name} ${table} */ WITH nearest AS MATERIALIZED (` +
        `${select} WHERE ${condition} ORDER BY ${order} <=> ${query} LIMIT ${candidates}) ` +
        `SELECT * FROM nearest ORDER BY distance LIMIT $3`;
  const type = half ? "halfvec" : "vector";
  if (configured.strategy === "hnsw" && configured.hnswIndex === "tenant") {
    return hnsw("hnsw-tenant", `(l2_normalize(t.embedding)::${type}(${dim}))`);
  }
  if (configured.strategy === "hnsw") {
    return hnsw("hnsw", half ? `(t.embedding::halfvec(${dim}))` : "t.embedding");
  }
  return (
    `/* neonhub:search exact ${table} */ ${select} ` +
    `WHERE ${condition} AND t.embedding IS NOT NULL ORDER BY t.embedding <=> $1 LIMIT $3`
  );
}

interface ConfigureRow {
  n: bigint | number | null;
  tenant_index: boolean;
  ef_search: number;
}

/** Decide the strategy and apply its settings to the transaction `tx` (`entity::search::configure`). */
export async function configure(
  tx: RawQueryable,
  table: SearchTable,
  organizationId: string,
  within: string | null,
  options: ResolvedOptions,
): Promise<Configured> {
  const indexName = tenantIndexName(table, organizationId);
  const narrowed = within !== null;
  const values: unknown[] =
    options.strategy === "auto"
      ? [organizationId, options.exactMaxRows + 1, indexName, ...(narrowed ? [within] : [])]
      : [indexName];
  const rows = await tx.$queryRawUnsafe<ConfigureRow[]>(configureSql(table, narrowed, options), ...values);
  const row = rows[0];
  if (row === undefined) {
    throw new Error("the search configuration returned no row");
  }
  const scopeRows = row.n === null ? null : Number(row.n);
  let strategy: "exact" | "hnsw";
  if (options.strategy === "auto") {
    strategy = scopeRows !== null && scopeRows <= options.exactMaxRows ? "exact" : "hnsw";
  } else {
    strategy = options.strategy;
  }
  return {
    strategy,
    hnswIndex: strategy === "hnsw" ? (row.tenant_index ? "tenant" : "table") : null,
    scopeRows,
    efSearch: strategy === "hnsw" ? Number(row.ef_search) : null,
  };
}

/**
 * The search statement `entity::search` sends (`searchSql`, unchanged inside), its rows'
 * embeddings sent as pgvector's binary form in base64: the text form of 1536 floats costs the
 * server its formatting and the client a JSON parse (about 0.9 ms of the 1.6 ms of ten rows
 * here), and reads back the stored float32 values exactly, as the Rust side does.
 */
export function searchSqlForClient(table: SearchTable, narrowed: boolean, configured: Configured): string {
  const columns = TABLES[table].fields
    .map(([column]) =>
      column === "embedding"
        ? `pg_catalog.encode(vector_send(s."embedding"), 'base64') AS "embedding"`
        : `s."${column}"`,
    )
    .join(", ");
  return `SELECT ${columns}, s.distance FROM (${searchSql(table, narrowed, configured)}) s`;
}

/** A vector from pgvector's binary form (`vector_send`) in base64: dimension, then float4s. */
export function decodeVector(base64: string): number[] {
  const bytes = Buffer.from(base64, "base64");
  const dim = bytes.readUInt16BE(0);
  if (bytes.length !== 4 + 4 * dim) {
    throw new Error(`a vector of ${dim} dimensions in ${bytes.length} bytes`);
  }
  const out = new Array<number>(dim);
  for (let i = 0; i < dim; i++) {
    out[i] = bytes.readFloatBE(4 + 4 * i);
  }
  return out;
}

function toRow(table: SearchTable, raw: Record<string, unknown>): SearchRow {
  const row: Record<string, unknown> = {};
  for (const [column, field] of TABLES[table].fields) {
    const value = raw[column];
    row[field] = column === "embedding" && typeof value === "string" ? decodeVector(value) : value;
  }
  return row as SearchRow;
}

/**
 * Search `table` inside `organizationId` (narrowed to a dataset, conversation or brand when
 * `within` is given), in the caller's transaction `tx` (from {@link withTenant}).
 */
export async function search(
  tx: RawQueryable,
  table: SearchTable,
  organizationId: string,
  within: string | null,
  query: ArrayLike<number>,
  options: SearchOptions = {},
): Promise<SearchResults<SearchRow>> {
  const o = resolveOptions(options);
  const vector = vectorText(query);
  try {
    await tx.$executeRawUnsafe("SAVEPOINT neonhub_search");
    try {
      const configured = await configure(tx, table, organizationId, within, o);
      const values: unknown[] = [vector, organizationId, o.k, ...(within !== null ? [within] : [])];
      const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(
        searchSqlForClient(table, within !== null, configured),
        ...values,
      );
      return {
        ...configured,
        neighbors: rows.map((raw) => ({ row: toRow(table, raw), distance: Number(raw.distance) })),
      };
    } finally {
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT neonhub_search");
    }
  } catch (error) {
    throw classifyError(error);
  }
}

/** The `k` chunks of `organizationId` (of `datasetId` only, if given) nearest to `query`. */
export function nearestChunks(
  tx: RawQueryable,
  organizationId: string,
  query: ArrayLike<number>,
  options: SearchOptions & { datasetId?: string } = {},
): Promise<SearchResults<SearchRow>> {
  return search(tx, "chunks", organizationId, options.datasetId ?? null, query, options);
}

/** The `k` messages of `organizationId` (of `conversationId` only, if given) nearest to `query`. */
export function nearestMessages(
  tx: RawQueryable,
  organizationId: string,
  query: ArrayLike<number>,
  options: SearchOptions & { conversationId?: string } = {},
): Promise<SearchResults<SearchRow>> {
  return search(tx, "messages", organizationId, options.conversationId ?? null, query, options);
}

/** The `k` brand voices of `organizationId`'s brands (of `brandId` only, if given) nearest to `query`. */
export function nearestBrandVoices(
  tx: RawQueryable,
  organizationId: string,
  query: ArrayLike<number>,
  options: SearchOptions & { brandId?: string } = {},
): Promise<SearchResults<SearchRow>> {
  return search(tx, "brand_voices", organizationId, options.brandId ?? null, query, options);
}
