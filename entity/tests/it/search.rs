//! Vector search inside one organization (`entity::search`): exact results equal a brute
//! force computed here (also over the whole table), HNSW returns k rows even for a tenant of 2%
//! of the table, the `ef_search` of a walk over the whole table or through a tenant's own graph
//! follows the size of that graph, `Auto` picks by the tenant's size, plans have the intended
//! shape (EXPLAIN), settings never outlive a search, prepared statements are never planned
//! generically, row-level security still applies, and bad query vectors are refused before any
//! I/O.

use entity::prelude::*;
use entity::search::{
    HnswIndex, Scope, SearchError, SearchOptions, SearchStrategy, Target, configure, explain,
    nearest_brand_voices, nearest_chunks, nearest_messages, search, tenant_index,
};
use entity::tenant::{Tenant, with_tenant};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set, Statement,
    TransactionTrait,
};
use serde_json::json;
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

/// Deterministic generator (SplitMix64) for clustered unit vectors.
pub(crate) struct Gen(pub(crate) u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    fn gaussian(&mut self) -> f64 {
        (-2.0 * self.unit().ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }

    /// One of 8 fixed cluster centres plus noise, normalised.
    pub(crate) fn vector(&mut self) -> Vec<f32> {
        let cluster = self.next() % 8;
        let mut centre = Gen(cluster + 1000);
        let mut v: Vec<f64> = (0..EMBEDDING_DIM)
            .map(|_| centre.gaussian() + self.gaussian())
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        v.into_iter().map(|x| x as f32).collect()
    }
}

fn cosine_distance(a: &[f32], b: &[f32]) -> f64 {
    let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    1.0 - dot / (na.sqrt() * nb.sqrt())
}

/// Two organizations: `small` with 6 chunks, `large` with 294 chunks in two datasets, both
/// with a conversation of messages and a brand with voices.
pub(crate) struct Fixture {
    pub(crate) small: Uuid,
    pub(crate) large: Uuid,
    pub(crate) large_datasets: [Uuid; 2],
    large_conversation: Uuid,
    large_brands: [Uuid; 2],
    /// (id, organization, dataset, vector) of every chunk.
    pub(crate) chunks: Vec<(Uuid, Uuid, Uuid, Vec<f32>)>,
}

const SMALL_CHUNKS: usize = 6;
const LARGE_CHUNKS: usize = 294;

async fn org_with_data(
    db: &DatabaseConnection,
    tag: &str,
    chunks: usize,
    g: &mut Gen,
    out: &mut Vec<(Uuid, Uuid, Uuid, Vec<f32>)>,
) -> (Uuid, [Uuid; 2], Uuid, [Uuid; 2]) {
    let org = organizations::ActiveModel {
        slug: Set(format!("search-{tag}")),
        name: Set(format!("Search {tag}")),
        ..organizations::ActiveModel::new()
    }
    .insert(db)
    .await
    .unwrap();
    let user = users::ActiveModel {
        email: Set(format!("search-{tag}@example.invalid")),
        ..users::ActiveModel::new()
    }
    .insert(db)
    .await
    .unwrap();
    let space = embedding_spaces::ActiveModel {
        organization_id: Set(org.id),
        name: Set("test".into()),
        provider: Set("test".into()),
        model: Set("test".into()),
        dimension: Set(EMBEDDING_DIM as i32),
        ..embedding_spaces::ActiveModel::new()
    }
    .insert(db)
    .await
    .unwrap();
    let mut datasets = [Uuid::nil(); 2];
    let mut documents = [Uuid::nil(); 2];
    for d in 0..2 {
        let dataset = datasets::ActiveModel {
            organization_id: Set(org.id),
            embedding_space_id: Set(Some(space.id)),
            name: Set(format!("dataset {d}")),
            slug: Set(format!("dataset-{d}")),
            kind: Set(DatasetKind::Documents),
            ..datasets::ActiveModel::new()
        }
        .insert(db)
        .await
        .unwrap();
        let document = documents::ActiveModel {
            dataset_id: Set(Some(dataset.id)),
            organization_id: Set(org.id),
            owner_id: Set(user.id),
            title: Set(format!("document {d}")),
            content: Set("text".into()),
            ..documents::ActiveModel::new()
        }
        .insert(db)
        .await
        .unwrap();
        datasets[d] = dataset.id;
        documents[d] = document.id;
    }
    let rows: Vec<chunks::ActiveModel> = (0..chunks)
        .map(|i| {
            let d = i % 2;
            let vector = g.vector();
            let model = chunks::ActiveModel {
                dataset_id: Set(datasets[d]),
                document_id: Set(documents[d]),
                organization_id: Set(org.id),
                embedding_space_id: Set(space.id),
                idx: Set(i as i32),
                text: Set(format!("{tag} chunk {i}")),
                embedding: Set(Some(embedding(vector.clone()).unwrap())),
                ..chunks::ActiveModel::new()
            };
            if let sea_orm::ActiveValue::Set(id) = model.id {
                out.push((id, org.id, datasets[d], vector));
            }
            model
        })
        .collect();
    for batch in rows.chunks(100) {
        chunks::Entity::insert_many(batch.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    let conversation = conversations::ActiveModel {
        organization_id: Set(org.id),
        ..conversations::ActiveModel::new()
    }
    .insert(db)
    .await
    .unwrap();
    let messages: Vec<messages::ActiveModel> = (0..12)
        .map(|i| messages::ActiveModel {
            conversation_id: Set(conversation.id),
            organization_id: Set(org.id),
            role: Set(if i % 2 == 0 {
                MessageRole::User
            } else {
                MessageRole::Assistant
            }),
            content: Set(json!({ "text": format!("{tag} message {i}") })),
            embedding: Set(Some(embedding(g.vector()).unwrap())),
            ..messages::ActiveModel::new()
        })
        .collect();
    messages::Entity::insert_many(messages)
        .exec(db)
        .await
        .unwrap();
    let mut brands = [Uuid::nil(); 2];
    for (b, brand_id) in brands.iter_mut().enumerate() {
        let brand = brands::ActiveModel {
            organization_id: Set(org.id),
            name: Set(format!("brand {b}")),
            slug: Set(format!("brand-{b}")),
            ..brands::ActiveModel::new()
        }
        .insert(db)
        .await
        .unwrap();
        for v in 0..3 {
            brand_voices::ActiveModel {
                brand_id: Set(brand.id),
                embedding_space_id: Set(space.id),
                prompt_template: Set(format!("voice {v}")),
                style_rules: Set(json!({})),
                embedding: Set(Some(embedding(g.vector()).unwrap())),
                ..brand_voices::ActiveModel::new()
            }
            .insert(db)
            .await
            .unwrap();
        }
        *brand_id = brand.id;
    }
    (org.id, datasets, conversation.id, brands)
}

pub(crate) async fn fixture(db: &DatabaseConnection) -> Fixture {
    let mut g = Gen(7);
    let mut chunks = Vec::new();
    let (small, ..) = org_with_data(db, "small", SMALL_CHUNKS, &mut g, &mut chunks).await;
    let (large, large_datasets, large_conversation, large_brands) =
        org_with_data(db, "large", LARGE_CHUNKS, &mut g, &mut chunks).await;
    // Merged into the graphs, as vector-maintain does: these tests walk the HNSW indexes
    // (the rows that wait outside them are the deferred_graph module's).
    db.execute_unprepared(
        "UPDATE chunks SET embedding_indexed = true; UPDATE messages SET embedding_indexed = true",
    )
    .await
    .unwrap();
    db.execute_unprepared("ANALYZE").await.unwrap();
    Fixture {
        small,
        large,
        large_datasets,
        large_conversation,
        large_brands,
        chunks,
    }
}

/// The exact top `k` of `candidates` by cosine distance to `query`.
pub(crate) fn brute_force<'a>(
    candidates: impl Iterator<Item = &'a (Uuid, Uuid, Uuid, Vec<f32>)>,
    query: &[f32],
    k: usize,
) -> Vec<(Uuid, f64)> {
    let mut all: Vec<(Uuid, f64)> = candidates
        .map(|(id, _, _, v)| (*id, cosine_distance(v, query)))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    all.truncate(k);
    all
}

pub(crate) fn query(seed: u64) -> pgvector::Vector {
    embedding(Gen(seed).vector()).unwrap()
}

#[tokio::test]
async fn exact_equals_brute_force_within_the_tenant_and_dataset() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let options = SearchOptions::default().strategy(SearchStrategy::Exact);
    for seed in 100..105 {
        let q = query(seed);
        let found = nearest_chunks(db.conn(), f.large, None, &q, &options)
            .await
            .unwrap();
        assert_eq!(found.strategy, SearchStrategy::Exact);
        let expected = brute_force(f.chunks.iter().filter(|c| c.1 == f.large), q.as_slice(), 10);
        let got: Vec<Uuid> = found.neighbors.iter().map(|n| n.model.id).collect();
        let want: Vec<Uuid> = expected.iter().map(|e| e.0).collect();
        assert_eq!(got, want, "query {seed}");
        for (n, (_, d)) in found.neighbors.iter().zip(&expected) {
            assert!((n.distance - d).abs() < 1e-4, "{} vs {d}", n.distance);
            assert_eq!(n.model.organization_id, f.large);
        }

        let dataset = f.large_datasets[1];
        let found = nearest_chunks(db.conn(), f.large, Some(dataset), &q, &options)
            .await
            .unwrap();
        let expected = brute_force(f.chunks.iter().filter(|c| c.2 == dataset), q.as_slice(), 10);
        let got: Vec<Uuid> = found.neighbors.iter().map(|n| n.model.id).collect();
        assert_eq!(got, expected.iter().map(|e| e.0).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn the_whole_table_is_searched_through_its_index_or_exactly() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let chunks = Target::Chunks { dataset_id: None };
    let q = query(31);
    let expected: Vec<Uuid> = brute_force(f.chunks.iter(), q.as_slice(), 10)
        .iter()
        .map(|e| e.0)
        .collect();
    let exact = SearchOptions::default().strategy(SearchStrategy::Exact);
    let found = search::<_, chunks::Model>(db.conn(), Scope::All, chunks, &q, &exact)
        .await
        .unwrap();
    let got: Vec<Uuid> = found.neighbors.iter().map(|n| n.model.id).collect();
    assert_eq!(got, expected);
    // Auto never counts the whole table: HNSW through the table's index.
    let auto = SearchOptions::default();
    let found = search::<_, chunks::Model>(db.conn(), Scope::All, chunks, &q, &auto)
        .await
        .unwrap();
    assert_eq!(
        (found.strategy, found.hnsw_index, found.scope_rows),
        (SearchStrategy::Hnsw, Some(HnswIndex::Table), None)
    );
    assert_eq!(found.neighbors.len(), 10);
    let plan = explain(db.conn(), Scope::All, chunks, &q, &auto)
        .await
        .unwrap()
        .plan;
    assert!(
        plan.contains("Index Scan using chunks_embedding_hnsw_idx"),
        "{plan}"
    );
    // Narrowed to one dataset, across organizations.
    let dataset = f.large_datasets[0];
    let narrowed = Target::Chunks {
        dataset_id: Some(dataset),
    };
    let found = search::<_, chunks::Model>(db.conn(), Scope::All, narrowed, &q, &exact)
        .await
        .unwrap();
    let want: Vec<Uuid> = brute_force(f.chunks.iter().filter(|c| c.2 == dataset), q.as_slice(), 10)
        .iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        found
            .neighbors
            .iter()
            .map(|n| n.model.id)
            .collect::<Vec<_>>(),
        want
    );
}

/// The rows of `index` as the planner knows them (`pg_class.reltuples`, what VACUUM, ANALYZE and
/// an index build record): set directly, as for a table of that size (as the owner, in this
/// test's own database).
async fn set_graph_rows(db: &DatabaseConnection, index: &str, rows: f64) {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE pg_catalog.pg_class SET reltuples = $1::real WHERE oid = to_regclass($2)",
        [rows.into(), index.into()],
    ))
    .await
    .unwrap();
}

/// (rows of the table's graph as the planner counts them, the `ef_search` of a walk through it
/// with the default options): one candidate per 1,000 rows, from `ef_search` (160) to
/// `whole_table_ef_search` (1,000), both ends and between; a graph never counted (-1) walks
/// with the most.
const GRAPH_SIZES: [(f64, u32); 11] = [
    (-1.0, 1_000),
    (0.0, 160),
    (294.0, 160),
    (100_000.0, 160),
    (160_000.0, 160),
    (160_001.0, 161),
    (250_000.0, 250),
    (300_000.0, 300),
    (999_001.0, 1_000),
    (1e6, 1_000),
    (5e7, 1_000),
];

/// The same for a tenant's own graph (half the links of the table's): one candidate per 500
/// rows, within the same range.
const TENANT_GRAPH_SIZES: [(f64, u32); 12] = [
    (-1.0, 1_000),
    (0.0, 160),
    (294.0, 160),
    (80_000.0, 160),
    (80_001.0, 161),
    (100_000.0, 200),
    (160_001.0, 321),
    (300_000.0, 600),
    (499_001.0, 999),
    (499_501.0, 1_000),
    (1e6, 1_000),
    (5e7, 1_000),
];

/// The `hnsw.ef_search` a search of `target` in `scope` applies to its transaction (read back
/// after [`configure`]) and the one it reports.
async fn walk_ef_search(
    db: &DatabaseConnection,
    scope: Scope,
    target: Target,
    options: &SearchOptions,
) -> (Option<String>, Option<u32>) {
    let txn = db.begin().await.unwrap();
    let configured = configure(&txn, scope, target, options).await.unwrap();
    let applied = setting(&txn, "hnsw.ef_search").await;
    txn.rollback().await.unwrap();
    (applied, configured.ef_search)
}

#[tokio::test]
async fn the_whole_table_walk_follows_the_size_of_its_graph() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let chunks = Target::Chunks { dataset_id: None };
    let messages = Target::Messages {
        conversation_id: None,
    };
    let defaults = SearchOptions::default();
    let q = query(17);
    for (rows, ef) in GRAPH_SIZES {
        set_graph_rows(db.conn(), "chunks_embedding_hnsw_idx", rows).await;
        let want = ef.to_string();
        assert_eq!(
            walk_ef_search(db.conn(), Scope::All, chunks, &defaults).await,
            (Some(want.clone()), Some(ef)),
            "{rows} rows"
        );
        let found = search::<_, chunks::Model>(db.conn(), Scope::All, chunks, &q, &defaults)
            .await
            .unwrap();
        assert_eq!((found.ef_search, found.neighbors.len()), (Some(ef), 10));
        // Inside an organization the walk keeps ef_search whatever the table's size.
        let inside = defaults.strategy(SearchStrategy::Hnsw);
        assert_eq!(
            walk_ef_search(db.conn(), f.large.into(), chunks, &inside).await,
            (Some("160".into()), Some(160))
        );
    }
    // The graph of each table counts for its own walks.
    set_graph_rows(db.conn(), "messages_embedding_hnsw_idx", 400_000.0).await;
    assert_eq!(
        walk_ef_search(db.conn(), Scope::All, messages, &defaults).await,
        (Some("400".into()), Some(400))
    );
    // The caller's most, and ef_search alone pins the walk (at 50M rows).
    let at_most = defaults.whole_table_ef_search(300);
    assert_eq!(
        walk_ef_search(db.conn(), Scope::All, chunks, &at_most)
            .await
            .1,
        Some(300)
    );
    let pinned = defaults.ef_search(50);
    assert_eq!(
        walk_ef_search(db.conn(), Scope::All, chunks, &pinned).await,
        (Some("50".into()), Some(50))
    );
    // Exact walks no graph and reports none.
    let exact = defaults.strategy(SearchStrategy::Exact);
    assert_eq!(
        walk_ef_search(db.conn(), Scope::All, chunks, &exact)
            .await
            .1,
        None
    );
    // Without the graph (dropped by hand), the most.
    let txn = db.conn().begin().await.unwrap();
    txn.execute_unprepared("DROP INDEX chunks_embedding_hnsw_idx")
        .await
        .unwrap();
    let configured = configure(&txn, Scope::All, chunks, &defaults)
        .await
        .unwrap();
    assert_eq!(configured.ef_search, Some(1_000));
    txn.rollback().await.unwrap();
}

#[tokio::test]
async fn a_tenant_walk_follows_the_size_of_its_own_graph() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let chunks = Target::Chunks { dataset_id: None };
    let narrowed = Target::Chunks {
        dataset_id: Some(f.large_datasets[0]),
    };
    let index = tenant_index::index_name("chunks", f.large);
    db.conn()
        .execute_unprepared(&tenant_index::create_sql("chunks", f.large))
        .await
        .unwrap();
    // The table's graph at 1M rows changes no walk inside an organization.
    set_graph_rows(db.conn(), "chunks_embedding_hnsw_idx", 1e6).await;
    let defaults = SearchOptions::default();
    let hnsw = defaults.strategy(SearchStrategy::Hnsw);
    // Narrowed to a dataset of ~147 rows and counted above 10: HNSW through the same graph.
    let counted = defaults.exact_max_rows(10);
    let q = query(23);
    // The tenant's graph follows its own rule, up to the whole table's most.
    for (rows, ef) in TENANT_GRAPH_SIZES {
        set_graph_rows(db.conn(), &index, rows).await;
        let want = (Some(ef.to_string()), Some(ef));
        for (target, options, how) in [
            (chunks, &defaults, "auto"),
            (chunks, &hnsw, "hnsw"),
            (narrowed, &counted, "auto, narrowed and counted"),
        ] {
            assert_eq!(
                walk_ef_search(db.conn(), f.large.into(), target, options).await,
                want,
                "{rows} rows, {how}"
            );
        }
        let found = nearest_chunks(db.conn(), f.large, None, &q, &defaults)
            .await
            .unwrap();
        assert_eq!(
            (found.hnsw_index, found.ef_search, found.neighbors.len()),
            (Some(HnswIndex::Tenant), Some(ef), 10),
            "{rows} rows"
        );
        // An organization without its own graph walks the table's with ef_search.
        assert_eq!(
            walk_ef_search(db.conn(), f.small.into(), chunks, &hnsw).await,
            (Some("160".into()), Some(160))
        );
    }
    // The caller's most caps it, but never below ef_search; ef_search alone pins it.
    let conn = db.conn();
    let most =
        |o: SearchOptions| async move { walk_ef_search(conn, f.large.into(), chunks, &o).await.1 };
    assert_eq!(most(defaults.whole_table_ef_search(300)).await, Some(300));
    assert_eq!(most(defaults.whole_table_ef_search(100)).await, Some(160));
    assert_eq!(most(defaults.ef_search(50)).await, Some(50));
    assert_eq!(
        most(defaults.strategy(SearchStrategy::Exact)).await,
        None,
        "exact walks no graph"
    );
    // As the application role inside the tenant (row-level security on): its own graph's size.
    let login = AppLogin::new(&db).await;
    set_graph_rows(db.conn(), &index, 300_000.0).await;
    let (large, q2) = (f.large, q.clone());
    let inside = with_tenant(&login.conn, &login.ticket(Tenant::new(f.large)), |txn| {
        Box::pin(async move { Ok(nearest_chunks(txn, large, None, &q2, &defaults).await) })
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        (inside.hnsw_index, inside.ef_search, inside.neighbors.len()),
        (Some(HnswIndex::Tenant), Some(600), 10)
    );
    login.drop_role().await;
    // An invalid graph (a build that died) is not walked, nor counted: the table's graph with
    // ef_search.
    db.conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = to_regclass($1)",
            [index.clone().into()],
        ))
        .await
        .unwrap();
    let found = nearest_chunks(db.conn(), f.large, None, &q, &hnsw)
        .await
        .unwrap();
    assert_eq!(
        (found.hnsw_index, found.ef_search),
        (Some(HnswIndex::Table), Some(160))
    );
}

#[tokio::test]
async fn a_small_tenant_gets_k_rows_through_hnsw_and_auto_picks_by_size() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    // 6 of 300 rows: a plain HNSW walk with a filter would often return fewer than k; the
    // iterative scan goes on until it has them.
    let hnsw = SearchOptions::default()
        .k(5)
        .strategy(SearchStrategy::Hnsw)
        .ef_search(10);
    for seed in 200..210 {
        let found = nearest_chunks(db.conn(), f.small, None, &query(seed), &hnsw)
            .await
            .unwrap();
        assert_eq!(found.strategy, SearchStrategy::Hnsw);
        assert_eq!(found.neighbors.len(), 5, "query {seed}");
        assert!(
            found
                .neighbors
                .iter()
                .all(|n| n.model.organization_id == f.small)
        );
        assert!(
            found
                .neighbors
                .windows(2)
                .all(|w| w[0].distance <= w[1].distance)
        );
    }
    // All six when asking for more than there are.
    let all = nearest_chunks(db.conn(), f.small, None, &query(1), &hnsw.k(50))
        .await
        .unwrap();
    assert_eq!(all.neighbors.len(), SMALL_CHUNKS);

    let auto = SearchOptions::default().exact_max_rows(100);
    let small = nearest_chunks(db.conn(), f.small, None, &query(3), &auto)
        .await
        .unwrap();
    assert_eq!(
        (small.strategy, small.scope_rows),
        (SearchStrategy::Exact, Some(SMALL_CHUNKS as u64))
    );
    let large = nearest_chunks(db.conn(), f.large, None, &query(3), &auto)
        .await
        .unwrap();
    assert_eq!(
        (large.strategy, large.scope_rows),
        (SearchStrategy::Hnsw, Some(101)),
        "the count stops at exact_max_rows + 1"
    );
    assert_eq!(large.neighbors.len(), 10);
    // Narrowed to a dataset of 147 rows: still above 100.
    let narrowed = nearest_chunks(
        db.conn(),
        f.large,
        Some(f.large_datasets[0]),
        &query(3),
        &auto.exact_max_rows(200),
    )
    .await
    .unwrap();
    assert_eq!(narrowed.strategy, SearchStrategy::Exact);
    assert_eq!(narrowed.scope_rows, Some((LARGE_CHUNKS / 2) as u64));
}

#[tokio::test]
async fn plans_have_the_intended_shape() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let q = query(5);
    let chunks = Target::Chunks { dataset_id: None };
    let base = SearchOptions::default().exact_max_rows(100);
    let cases = [
        (f.large, chunks, base.strategy(SearchStrategy::Hnsw), true),
        (f.small, chunks, base.strategy(SearchStrategy::Hnsw), true),
        (f.large, chunks, base.strategy(SearchStrategy::Exact), false),
        (f.small, chunks, base, false),
        (f.large, chunks, base, true),
        (
            f.large,
            Target::Chunks {
                dataset_id: Some(f.large_datasets[0]),
            },
            base.strategy(SearchStrategy::Hnsw),
            true,
        ),
    ];
    for (org, target, options, hnsw) in cases {
        let explained = explain(db.conn(), org, target, &q, &options).await.unwrap();
        let uses_index = explained
            .plan
            .contains("Index Scan using chunks_embedding_hnsw_idx");
        assert_eq!(
            uses_index, hnsw,
            "{:?} {:?}:\n{}",
            options.strategy, explained.strategy, explained.plan
        );
        assert_eq!(explained.strategy == SearchStrategy::Hnsw, hnsw);
        if hnsw {
            // The final rows are sorted again after the relaxed-order index scan.
            assert!(explained.plan.contains("CTE nearest"), "{}", explained.plan);
        }
    }
    for (target, index) in [
        (
            Target::Messages {
                conversation_id: None,
            },
            "messages_embedding_hnsw_idx",
        ),
        (
            Target::BrandVoices { brand_id: None },
            "brand_voices_embedding_hnsw_idx",
        ),
    ] {
        let hnsw = base.strategy(SearchStrategy::Hnsw);
        let explained = explain(db.conn(), f.large, target, &q, &hnsw)
            .await
            .unwrap();
        assert!(explained.plan.contains(index), "{}", explained.plan);
        let exact = base.strategy(SearchStrategy::Exact);
        let explained = explain(db.conn(), f.large, target, &q, &exact)
            .await
            .unwrap();
        assert!(!explained.plan.contains(index), "{}", explained.plan);
    }
}

async fn setting(c: &impl ConnectionTrait, name: &str) -> Option<String> {
    c.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT current_setting($1, true) AS v",
        [name.into()],
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get("", "v")
    .unwrap()
}

#[tokio::test]
async fn settings_end_with_the_search_and_plans_are_never_generic() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    // One connection, so that the session state and its prepared statements can be read.
    let one = testkit::neonhub_db::connect(db.url(), std::time::Duration::from_secs(10), 1)
        .await
        .unwrap();
    let auto = SearchOptions::default().exact_max_rows(100).ef_search(77);
    for i in 0..8 {
        // Alternate strategies and tenants on the same prepared statements.
        let org = if i % 2 == 0 { f.large } else { f.small };
        let found = nearest_chunks(&one, org, None, &query(i), &auto)
            .await
            .unwrap();
        assert!(!found.neighbors.is_empty());
        let exact = nearest_chunks(
            &one,
            org,
            None,
            &query(i),
            &auto.strategy(SearchStrategy::Exact),
        )
        .await
        .unwrap();
        assert_eq!(exact.strategy, SearchStrategy::Exact);
    }
    assert_eq!(setting(&one, "enable_sort").await.as_deref(), Some("on"));
    assert_eq!(
        setting(&one, "enable_indexscan").await.as_deref(),
        Some("on")
    );
    assert_eq!(
        setting(&one, "plan_cache_mode").await.as_deref(),
        Some("auto")
    );
    // pgvector's default (40) once the library is loaded; never the search's 77.
    assert_eq!(setting(&one, "hnsw.ef_search").await.as_deref(), Some("40"));
    assert_eq!(
        setting(&one, "hnsw.iterative_scan").await.as_deref(),
        Some("off")
    );
    let rows = one
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements \
             WHERE (statement LIKE '%neonhub:search exact%' \
                 OR statement LIKE '%neonhub:search hnsw%') \
               AND statement NOT LIKE '%set_config%' \
               AND statement NOT LIKE '%pg_prepared_statements%'",
        ))
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        2,
        "the exact and the HNSW statements are prepared"
    );
    for row in rows {
        let statement: String = row.try_get("", "statement").unwrap();
        let generic: i64 = row.try_get("", "generic_plans").unwrap();
        let custom: i64 = row.try_get("", "custom_plans").unwrap();
        assert_eq!(generic, 0, "never a generic plan: {statement}");
        assert!(custom >= 4, "{custom} custom plans: {statement}");
    }

    // Inside the caller's transaction the search is a savepoint: its settings end with it.
    let txn = one.begin().await.unwrap();
    nearest_chunks(
        &txn,
        f.large,
        None,
        &query(1),
        &auto.strategy(SearchStrategy::Hnsw),
    )
    .await
    .unwrap();
    assert_eq!(setting(&txn, "enable_sort").await.as_deref(), Some("on"));
    txn.rollback().await.unwrap();
    one.close().await.unwrap();
}

#[tokio::test]
async fn messages_and_brand_voices_stay_in_scope() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let q = query(9);
    for strategy in [
        SearchStrategy::Exact,
        SearchStrategy::Hnsw,
        SearchStrategy::Auto,
    ] {
        let options = SearchOptions::default().strategy(strategy);
        let found = nearest_messages(db.conn(), f.large, Some(f.large_conversation), &q, &options)
            .await
            .unwrap();
        assert_eq!(found.neighbors.len(), 10, "{strategy}");
        assert!(found.neighbors.iter().all(|n| {
            n.model.organization_id == f.large && n.model.conversation_id == f.large_conversation
        }));
        assert!(
            found
                .neighbors
                .iter()
                .any(|n| n.model.role == MessageRole::Assistant)
        );

        let voices = nearest_brand_voices(db.conn(), f.large, None, &q, &options)
            .await
            .unwrap();
        assert_eq!(voices.neighbors.len(), 6, "two brands of three voices");
        assert!(
            voices
                .neighbors
                .iter()
                .all(|n| f.large_brands.contains(&n.model.brand_id))
        );
        let one_brand =
            nearest_brand_voices(db.conn(), f.large, Some(f.large_brands[1]), &q, &options)
                .await
                .unwrap();
        assert_eq!(one_brand.neighbors.len(), 3);
        // Another organization's brand gives nothing.
        let other = nearest_brand_voices(db.conn(), f.small, Some(f.large_brands[1]), &q, &options)
            .await
            .unwrap();
        assert!(other.neighbors.is_empty());
    }
}

#[tokio::test]
async fn row_level_security_still_applies() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let login = AppLogin::new(&db).await;
    let q = query(11);
    let (own, foreign) = with_tenant(&login.conn, &login.ticket(Tenant::new(f.small)), |txn| {
        let q = q.clone();
        let (small, large) = (f.small, f.large);
        Box::pin(async move {
            let options = SearchOptions::default();
            let own = nearest_chunks(txn, small, None, &q, &options).await;
            let foreign = nearest_chunks(txn, large, None, &q, &options).await;
            Ok((own, foreign))
        })
    })
    .await
    .unwrap();
    assert_eq!(own.unwrap().neighbors.len(), SMALL_CHUNKS);
    assert!(
        foreign.unwrap().neighbors.is_empty(),
        "another tenant's rows stay invisible to the application role"
    );
    login.drop_role().await;
}

#[tokio::test]
async fn bad_queries_are_refused_before_any_io() {
    let db = TestDb::migrated().await;
    let org = Uuid::now_v7();
    let short = pgvector::Vector::from(vec![0.1_f32; 3]);
    let err = nearest_chunks(db.conn(), org, None, &short, &SearchOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, SearchError::Dimension(_)), "{err}");
    assert_eq!(
        err.to_string(),
        "query vector: embedding has 3 dimensions, expected 1536"
    );
    let zero = pgvector::Vector::from(vec![0.0_f32; EMBEDDING_DIM]);
    let err = nearest_messages(db.conn(), org, None, &zero, &SearchOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, SearchError::InvalidQuery(_)), "{err}");
    let err = nearest_brand_voices(
        db.conn(),
        org,
        None,
        &query(1),
        &SearchOptions::default().k(0),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SearchError::InvalidOptions(_)), "{err}");
}
