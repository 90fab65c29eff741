//! The deferred graph (`embedding_indexed`): a row inserted through the entities waits outside
//! the HNSW indexes until vector-maintain merges it, and is found from the moment it is
//! committed by every strategy (table index, tenant index, whole table, exact), with the same
//! answers before and after the merge; the plan walks the graph and reads the waiting rows
//! through their small B-tree; and under row-level security another tenant's waiting rows stay
//! invisible and out of reach, whatever ids the application passes.

use crate::search::{Fixture, Gen, brute_force, fixture, query};
use entity::prelude::*;
use entity::search::tenant_index;
use entity::search::{
    HnswIndex, Scope, SearchOptions, SearchStrategy, Target, explain, explain_analyze,
    nearest_chunks, search,
};
use entity::tenant::{Tenant, with_tenant};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use testkit::{AppLogin, TestDb, int};
use uuid::Uuid;

type Chunk = (Uuid, Uuid, Uuid, Vec<f32>);

/// Insert `n` chunks into `org` through the entities (as an application would), beside one of
/// its chunks; they take the column's default and wait outside the graph.
async fn add_chunks(db: &DatabaseConnection, org: Uuid, n: usize, seed: u64) -> Vec<Chunk> {
    let sibling = chunks::Entity::find()
        .filter(chunks::Column::OrganizationId.eq(org))
        .one(db)
        .await
        .unwrap()
        .expect("the tenant has chunks");
    let mut g = Gen(seed);
    let mut added = Vec::new();
    let rows: Vec<chunks::ActiveModel> = (0..n)
        .map(|i| {
            let vector = g.vector();
            let model = chunks::ActiveModel {
                dataset_id: Set(sibling.dataset_id),
                document_id: Set(sibling.document_id),
                organization_id: Set(org),
                embedding_space_id: Set(sibling.embedding_space_id),
                idx: Set(10_000 + i as i32),
                text: Set(format!("fresh chunk {i}")),
                embedding: Set(Some(embedding(vector.clone()).unwrap())),
                ..chunks::ActiveModel::new()
            };
            if let sea_orm::ActiveValue::Set(id) = model.id {
                added.push((id, org, sibling.dataset_id, vector));
            }
            model
        })
        .collect();
    chunks::Entity::insert_many(rows).exec(db).await.unwrap();
    added
}

fn ids(found: &[entity::search::Neighbor<chunks::Model>]) -> Vec<Uuid> {
    found.iter().map(|n| n.model.id).collect()
}

fn recall(got: &[Uuid], want: &[(Uuid, f64)]) -> f64 {
    let hits = want.iter().filter(|(id, _)| got.contains(id)).count();
    hits as f64 / want.len() as f64
}

/// Every search path over `f`'s rows plus `fresh`: (label, ids found, scope's chunks).
async fn every_path(
    db: &DatabaseConnection,
    f: &Fixture,
    q: &pgvector::Vector,
) -> Vec<(&'static str, Vec<Uuid>)> {
    let chunks_target = Target::Chunks { dataset_id: None };
    let hnsw = SearchOptions::default().strategy(SearchStrategy::Hnsw);
    let exact = SearchOptions::default().strategy(SearchStrategy::Exact);
    let mut out = Vec::new();
    for (label, options) in [("hnsw", hnsw), ("exact", exact)] {
        let found = nearest_chunks(db, f.large, None, q, &options)
            .await
            .unwrap();
        out.push((label, ids(&found.neighbors)));
    }
    let all = search::<_, chunks::Model>(db, Scope::All, chunks_target, q, &hnsw)
        .await
        .unwrap();
    assert_eq!(all.hnsw_index, Some(HnswIndex::Table));
    out.push(("all", ids(&all.neighbors)));
    out
}

#[tokio::test]
async fn rows_are_found_from_commit_by_every_path_and_the_merge_changes_no_answer() {
    let db = TestDb::migrated().await;
    let mut f = fixture(db.conn()).await;
    let fresh = add_chunks(db.conn(), f.large, 40, 99).await;
    assert_eq!(
        int(
            db.conn(),
            "SELECT count(*) FROM chunks WHERE NOT embedding_indexed"
        )
        .await,
        40,
        "rows inserted through the entities wait outside the graph"
    );
    f.chunks.extend(fresh.iter().cloned());
    let large: Vec<&Chunk> = f.chunks.iter().filter(|c| c.1 == f.large).collect();

    // A query equal to a waiting row finds it first, by every path.
    let own = embedding(fresh[7].3.clone()).unwrap();
    for (label, found) in every_path(db.conn(), &f, &own).await {
        assert_eq!(found.len(), 10, "{label}");
        assert_eq!(found[0], fresh[7].0, "{label}: the waiting row comes first");
    }
    // Queries between clusters: the union of graph and waiting rows, re-ranked, is as good
    // as exact on this small table (recall against a brute force computed here).
    let mut before = Vec::new();
    for seed in 300..305 {
        let q = query(seed);
        let tenant = brute_force(large.iter().copied(), q.as_slice(), 10);
        let table = brute_force(f.chunks.iter(), q.as_slice(), 10);
        let paths = every_path(db.conn(), &f, &q).await;
        for (label, found) in &paths {
            let want = if *label == "all" { &table } else { &tenant };
            let r = recall(found, want);
            assert!(r >= 0.9, "{label} query {seed}: recall {r}");
            if *label == "exact" {
                assert_eq!(r, 1.0, "exact is exact");
            }
        }
        before.push(paths);
    }

    // The plan: the graph for the merged rows, the pending B-tree for the waiting ones.
    let hnsw = SearchOptions::default().strategy(SearchStrategy::Hnsw);
    let chunks_target = Target::Chunks { dataset_id: None };
    for scope in [Scope::Organization(f.large), Scope::All] {
        let plan = explain(db.conn(), scope, chunks_target, &own, &hnsw)
            .await
            .unwrap()
            .plan;
        assert!(plan.contains("chunks_embedding_hnsw_idx"), "{plan}");
        assert!(plan.contains("chunks_embedding_pending_idx"), "{plan}");
    }
    // The same statement run under EXPLAIN ANALYZE (what the benchmark's planning figure
    // reads): the same plan, with its timings.
    let analyzed = explain_analyze(db.conn(), Scope::All, chunks_target, &own, &hnsw)
        .await
        .unwrap();
    assert_eq!(analyzed.hnsw_index, Some(HnswIndex::Table));
    for expected in [
        "chunks_embedding_hnsw_idx",
        "Planning Time:",
        "Execution Time:",
    ] {
        assert!(analyzed.plan.contains(expected), "{}", analyzed.plan);
    }

    // Through the tenant's own index (partial on the merged rows too): still found.
    db.conn()
        .execute_unprepared(&tenant_index::create_sql("chunks", f.large))
        .await
        .unwrap();
    let through_tenant = nearest_chunks(db.conn(), f.large, None, &own, &hnsw)
        .await
        .unwrap();
    assert_eq!(through_tenant.hnsw_index, Some(HnswIndex::Tenant));
    assert_eq!(through_tenant.neighbors[0].model.id, fresh[7].0);
    // Each neighbour says where it came from (`embedding_indexed`): this one is waiting.
    assert!(!through_tenant.neighbors[0].model.embedding_indexed);
    let plan = explain(db.conn(), f.large, chunks_target, &own, &hnsw)
        .await
        .unwrap()
        .plan;
    assert!(
        plan.contains(&tenant_index::index_name("chunks", f.large)),
        "{plan}"
    );
    assert!(plan.contains("chunks_embedding_pending_idx"), "{plan}");

    // Merge (what vector-maintain does): the same answers, now all from the graph.
    db.conn()
        .execute_unprepared(
            "UPDATE chunks SET embedding_indexed = true WHERE NOT embedding_indexed",
        )
        .await
        .unwrap();
    let merged = nearest_chunks(db.conn(), f.large, None, &own, &hnsw)
        .await
        .unwrap();
    assert_eq!(merged.neighbors[0].model.id, fresh[7].0);
    assert!(merged.neighbors.iter().all(|n| n.model.embedding_indexed));
    db.conn()
        .execute_unprepared(&tenant_index::drop_sql(&tenant_index::index_name(
            "chunks", f.large,
        )))
        .await
        .unwrap();
    for (seed, paths) in (300..305).zip(&before) {
        let after = every_path(db.conn(), &f, &query(seed)).await;
        for ((label, was), (_, is)) in paths.iter().zip(&after) {
            let same = was.iter().filter(|id| is.contains(id)).count();
            assert!(
                same >= 9,
                "{label} query {seed}: {same}/10 equal after the merge"
            );
        }
    }
}

#[tokio::test]
async fn another_tenants_waiting_rows_stay_invisible_and_out_of_reach() {
    let db = TestDb::migrated().await;
    let f = fixture(db.conn()).await;
    let theirs = add_chunks(db.conn(), f.small, 3, 1234).await;
    let login = AppLogin::new(&db).await;
    let q = embedding(theirs[0].3.clone()).unwrap();
    let (small, large) = (f.small, f.large);
    let (own, named, all, updated) =
        with_tenant(&login.conn, &login.ticket(Tenant::new(large)), |txn| {
            let q = q.clone();
            Box::pin(async move {
                let hnsw = SearchOptions::default().strategy(SearchStrategy::Hnsw);
                let target = Target::Chunks { dataset_id: None };
                // The attacker's own tenant, the victim's id passed outright, the whole table.
                let own = nearest_chunks(txn, large, None, &q, &hnsw).await.unwrap();
                let named = nearest_chunks(txn, small, None, &q, &hnsw).await.unwrap();
                let all = search::<_, chunks::Model>(txn, Scope::All, target, &q, &hnsw)
                    .await
                    .unwrap();
                // Forcing the victim's rows into (or out of) the graph.
                let updated = txn
                    .execute_unprepared(&format!(
                        "UPDATE chunks SET embedding_indexed = NOT embedding_indexed \
                     WHERE organization_id = '{small}'"
                    ))
                    .await?
                    .rows_affected();
                Ok((own, named, all, updated))
            })
        })
        .await
        .unwrap();
    let theirs_ids: Vec<Uuid> = theirs.iter().map(|c| c.0).collect();
    for (label, found) in [("own", &own), ("named", &named), ("all", &all)] {
        assert!(
            found
                .neighbors
                .iter()
                .all(|n| n.model.organization_id == large && !theirs_ids.contains(&n.model.id)),
            "{label}: another tenant's waiting rows stay invisible"
        );
    }
    assert_eq!(own.neighbors.len(), 10);
    assert!(named.neighbors.is_empty());
    assert_eq!(updated, 0, "another tenant's rows are out of reach");
    assert_eq!(
        int(
            db.conn(),
            &format!("SELECT count(*) FROM chunks WHERE organization_id = '{small}' AND NOT embedding_indexed"),
        )
        .await,
        3
    );
    login.drop_role().await;
}
