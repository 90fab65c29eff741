//! `vector-maintain`: large tenants get their own HNSW index, built concurrently; the run is
//! idempotent, converges, keeps an index through a small shrink (hysteresis), drops it when
//! the tenant is small, rebuilds INVALID and changed indexes, respects the per-table cap,
//! two runs at once do the work once, builds wait for open writers without blocking new
//! writes, and a build killed midway leaves an INVALID index that searches skip and the next
//! run rebuilds. Searches then take the tenant's index: the plan through the entity API with bound
//! parameters, as the owner and as the app role under RLS.

use entity::search::tenant_index::{self, TenantIndexPolicy};
use entity::search::{
    HnswIndex, SearchOptions, SearchStrategy, Target, explain, nearest_chunks, nearest_messages,
};
use entity::tenant::{Tenant, with_tenant};
use maintain::{Action, DropReason, RebuildReason, RunOptions, plan, run};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use seeder::synth::{LoadOptions, ProgressMode, SynthOptions, SynthPlan, load};
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

/// Three tenants of 100, 60 and 40 chunks (and as many messages); tenants above 50 rows get
/// an index, kept down to 25.
const POLICY: TenantIndexPolicy = TenantIndexPolicy {
    index_above: 50,
    keep_above: 25,
    max_per_table: 8,
};

struct Fixture {
    db: TestDb,
    plan: SynthPlan,
}

impl Fixture {
    async fn new() -> Self {
        let db = TestDb::migrated().await;
        let plan = load_tenants(&db, &[0.5, 0.3, 0.2], 200, 200, 5).await;
        Self { db, plan }
    }

    fn org(&self, i: usize) -> Uuid {
        self.plan.tenants()[i].id
    }

    fn options(&self) -> RunOptions {
        RunOptions {
            policy: POLICY,
            ..RunOptions::default()
        }
    }

    async fn run(&self) -> maintain::Report {
        run(self.db.url(), &self.options(), |_| {}).await.unwrap()
    }

    /// (name, valid) of the tenant indexes, sorted.
    async fn tenant_indexes(&self) -> Vec<(String, bool)> {
        let rows = self
            .db
            .conn()
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT c.relname::text AS name, i.indisvalid AS valid FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname::text LIKE '%\\_org\\_hnsw\\_%' \
                 ORDER BY 1",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                (
                    r.try_get("", "name").unwrap(),
                    r.try_get("", "valid").unwrap(),
                )
            })
            .collect()
    }

    async fn exec(&self, sql: &str) {
        self.db.conn().execute_unprepared(sql).await.unwrap();
    }

    /// A run started while a writer's transaction is open on `chunks`, returned once its
    /// first `CREATE INDEX CONCURRENTLY` waits for that writer (the index is in the catalog,
    /// INVALID until the build ends): the writer's connection, its open transaction, the run.
    async fn build_held_by_a_writer(&self) -> HeldBuild {
        let writer =
            testkit::neonhub_db::connect(self.db.url(), std::time::Duration::from_secs(10), 1)
                .await
                .unwrap();
        let open = sea_orm::TransactionTrait::begin(&writer).await.unwrap();
        open.execute_unprepared(&insert_chunk(self.org(0), 100_000))
            .await
            .unwrap();
        let url = self.db.url().clone();
        let options = self.options();
        let run = tokio::spawn(async move { run(&url, &options, |_| {}).await });
        let waiting = format!("SELECT count(*) FROM pg_stat_activity WHERE {HELD_BUILD}");
        for _ in 0..600 {
            if testkit::int(self.db.conn(), &waiting).await > 0 {
                return HeldBuild { writer, open, run };
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the build never waited for the open writer");
    }
}

/// Load synthetic tenants into `db` (quietly): one organization per share of `chunks` chunks
/// and `messages` messages, in 8 clusters.
pub(crate) async fn load_tenants(
    db: &TestDb,
    shares: &[f64],
    chunks: usize,
    messages: usize,
    seed: u64,
) -> SynthPlan {
    let plan = SynthPlan::new(SynthOptions {
        orgs: shares.len(),
        shares: shares.to_vec(),
        chunks,
        messages,
        centroids: 8,
        seed,
        ..SynthOptions::default()
    })
    .unwrap();
    let quiet = LoadOptions {
        progress: ProgressMode::Quiet,
        ..LoadOptions::default()
    };
    load(db.conn(), &plan, &quiet).await.unwrap();
    plan
}

/// The `pg_stat_activity` rows of this database's index builds waiting for a lock.
const HELD_BUILD: &str = "wait_event_type = 'Lock' AND query LIKE 'CREATE INDEX CONCURRENTLY%' \
                          AND datname = current_database()";

/// A maintenance run held in its first build by an open writer.
struct HeldBuild {
    writer: DatabaseConnection,
    open: sea_orm::DatabaseTransaction,
    run: tokio::task::JoinHandle<Result<maintain::Report, maintain::MaintainError>>,
}

fn names(actions: &[Action]) -> Vec<String> {
    actions.iter().map(|a| a.to_string()).collect()
}

#[tokio::test]
async fn builds_what_the_policy_wants_and_a_second_run_does_nothing() {
    let f = Fixture::new().await;
    let first = f.run().await;
    let created: Vec<&Action> = first
        .done
        .iter()
        .map(|d| &d.action)
        .filter(|a| matches!(a, Action::Create { .. }))
        .collect();
    assert_eq!(created.len(), 4, "{:?}", names(&first.plan.actions));
    assert!(first.pending_after.is_empty());
    let mut expected: Vec<(String, bool)> = ["chunks", "messages"]
        .iter()
        .flat_map(|t| [0, 1].map(|i| (tenant_index::index_name(t, f.org(i)), true)))
        .collect();
    expected.sort();
    assert_eq!(f.tenant_indexes().await, expected);
    // Largest tenant first.
    assert!(matches!(
        first.plan.actions[0],
        Action::Create { rows: 100, .. }
    ));

    let second = f.run().await;
    assert!(second.plan.is_empty(), "{:?}", names(&second.plan.actions));
    assert!(second.done.is_empty());
    assert_eq!(second.plan.kept.len(), 4);
    assert_eq!(f.tenant_indexes().await, expected);
}

#[tokio::test]
async fn shrinking_tenants_keep_their_index_until_small_then_lose_it() {
    let f = Fixture::new().await;
    f.run().await;
    let org1 = f.org(1);
    let delete = |n: usize| {
        format!(
            "DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE organization_id = \
             '{org1}' ORDER BY id LIMIT {n})"
        )
    };
    // 60 -> 40 rows: below index_above, above keep_above: kept.
    f.exec(&delete(20)).await;
    let kept = plan(f.db.conn(), &POLICY).await.unwrap();
    assert!(kept.is_empty(), "{:?}", names(&kept.actions));
    // 40 -> 20 rows: dropped.
    f.exec(&delete(20)).await;
    let report = f.run().await;
    assert_eq!(
        report.plan.actions,
        vec![Action::Drop {
            table: "chunks".into(),
            organization_id: org1,
            rows: 20,
            index: tenant_index::index_name("chunks", org1),
            reason: DropReason::TenantTooSmall,
        }]
    );
    assert_eq!(f.tenant_indexes().await.len(), 3);
    assert!(f.run().await.plan.is_empty());
}

#[tokio::test]
async fn invalid_and_changed_indexes_are_rebuilt_and_the_cap_holds() {
    let f = Fixture::new().await;
    f.run().await;
    let (org0, org1) = (f.org(0), f.org(1));
    let chunks0 = tenant_index::index_name("chunks", org0);
    let messages1 = tenant_index::index_name("messages", org1);
    // A build that failed half-way leaves an INVALID index: simulate one.
    f.exec(&format!(
        "UPDATE pg_index SET indisvalid = false WHERE indexrelid = '{chunks0}'::regclass"
    ))
    .await;
    // The same name with other parameters.
    f.exec(&format!(
        "DROP INDEX {messages1}; CREATE INDEX {messages1} ON messages USING hnsw \
         (embedding vector_cosine_ops) WITH (m = 8) WHERE organization_id = '{org1}'::uuid"
    ))
    .await;
    let report = f.run().await;
    let mut reasons: Vec<(String, RebuildReason)> = report
        .plan
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Rebuild { index, reason, .. } => Some((index.clone(), *reason)),
            _ => None,
        })
        .collect();
    reasons.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        reasons,
        vec![
            (chunks0.clone(), RebuildReason::Invalid),
            (messages1.clone(), RebuildReason::DefinitionChanged)
        ]
    );
    assert!(f.tenant_indexes().await.iter().all(|(_, valid)| *valid));
    assert!(report.pending_after.is_empty());

    // One index per table: the smaller tenant's goes.
    let capped = TenantIndexPolicy {
        max_per_table: 1,
        ..POLICY
    };
    let report = run(
        f.db.url(),
        &RunOptions {
            policy: capped,
            ..f.options()
        },
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        report.plan.actions.len(),
        2,
        "{:?}",
        names(&report.plan.actions)
    );
    assert!(report.plan.actions.iter().all(|a| matches!(
        a,
        Action::Drop { organization_id, reason: DropReason::OverLimit, .. } if *organization_id == org1
    )));
    // The tenant left out is reported by every plan, not only the run that dropped its index.
    let over_cap = plan(f.db.conn(), &capped).await.unwrap().over_cap;
    let mut left_out: Vec<(&str, Uuid)> = over_cap
        .iter()
        .map(|o| (o.table.as_str(), o.organization_id))
        .collect();
    left_out.sort();
    assert_eq!(left_out, vec![("chunks", org1), ("messages", org1)]);
    assert!(
        plan(f.db.conn(), &POLICY)
            .await
            .unwrap()
            .over_cap
            .is_empty()
    );
}

#[tokio::test]
async fn two_runs_at_once_do_the_work_once() {
    let f = Fixture::new().await;
    let options = f.options();
    let (a, b) = tokio::join!(
        run(f.db.url(), &options, |_| {}),
        run(f.db.url(), &options, |_| {})
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.done.len() + b.done.len(), 4);
    assert!(a.pending_after.is_empty() && b.pending_after.is_empty());
    assert_eq!(f.tenant_indexes().await.len(), 4);
}

async fn assert_takes(
    db: &DatabaseConnection,
    org: Uuid,
    options: &SearchOptions,
    index: &str,
    query: &pgvector::Vector,
) {
    let explained = explain(db, org, Target::Chunks { dataset_id: None }, query, options)
        .await
        .unwrap();
    assert!(
        explained
            .plan
            .contains(&format!("Index Scan using {index} ")),
        "expected {index}:\n{}",
        explained.plan
    );
}

#[tokio::test]
async fn searches_take_the_tenant_index_with_bound_parameters_and_under_rls() {
    let f = Fixture::new().await;
    let query = pgvector::Vector::from(f.plan.queries(1).remove(0));
    let (org0, org2) = (f.org(0), f.org(2));
    let hnsw = SearchOptions::default().strategy(SearchStrategy::Hnsw);
    let auto = SearchOptions::default().exact_max_rows(50);

    // Before maintenance: the table's index.
    let before = nearest_chunks(f.db.conn(), org0, None, &query, &auto)
        .await
        .unwrap();
    assert_eq!(before.hnsw_index, Some(HnswIndex::Table));
    assert_takes(
        f.db.conn(),
        org0,
        &hnsw,
        "chunks_embedding_hnsw_idx",
        &query,
    )
    .await;

    f.run().await;
    let chunks0 = tenant_index::index_name("chunks", org0);
    // Forced HNSW and Auto (101 rows counted > 50) both take the tenant's index.
    assert_takes(f.db.conn(), org0, &hnsw, &chunks0, &query).await;
    assert_takes(f.db.conn(), org0, &auto, &chunks0, &query).await;
    let found = nearest_chunks(f.db.conn(), org0, None, &query, &auto)
        .await
        .unwrap();
    assert_eq!(found.strategy, SearchStrategy::Hnsw);
    assert_eq!(found.hnsw_index, Some(HnswIndex::Tenant));
    // With its own index, Auto does not count the tenant's rows; narrowed to a dataset, it does.
    assert_eq!(found.scope_rows, None);
    let dataset: Uuid =
        f.db.conn()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT dataset_id FROM chunks WHERE organization_id = '{org0}' LIMIT 1"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "dataset_id")
            .unwrap();
    let narrowed = nearest_chunks(f.db.conn(), org0, Some(dataset), &query, &auto)
        .await
        .unwrap();
    assert!(narrowed.scope_rows.is_some());
    assert!(
        narrowed
            .neighbors
            .iter()
            .all(|n| n.model.dataset_id == dataset)
    );
    assert_eq!(found.neighbors.len(), 10);
    assert!(
        found
            .neighbors
            .iter()
            .all(|n| n.model.organization_id == org0)
    );
    // Its rows are the exact answer's (100 rows: the walk sees them all).
    let exact = nearest_chunks(
        f.db.conn(),
        org0,
        None,
        &query,
        &auto.strategy(SearchStrategy::Exact),
    )
    .await
    .unwrap();
    let ids = |r: &entity::search::SearchResults<entity::chunks::Model>| {
        r.neighbors.iter().map(|n| n.model.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(&found), ids(&exact));
    // A tenant without an index still walks the table's.
    assert_takes(
        f.db.conn(),
        org2,
        &hnsw,
        "chunks_embedding_hnsw_idx",
        &query,
    )
    .await;
    let messages = nearest_messages(f.db.conn(), org0, None, &query, &hnsw)
        .await
        .unwrap();
    assert_eq!(messages.hnsw_index, Some(HnswIndex::Tenant));

    // The application role, tenant set, row-level security in force: same index.
    let app = AppLogin::new(&f.db).await;
    let tenant = Tenant::new(org0);
    let plan = with_tenant(&app.conn, &app.ticket(tenant), |txn| {
        let query = query.clone();
        Box::pin(async move {
            let explained = explain(
                txn,
                org0,
                Target::Chunks { dataset_id: None },
                &query,
                &hnsw,
            )
            .await
            .unwrap();
            let found = nearest_chunks(txn, org0, None, &query, &hnsw)
                .await
                .unwrap();
            assert_eq!(found.neighbors.len(), 10);
            Ok::<_, sea_orm::DbErr>(explained.plan)
        })
    })
    .await
    .unwrap();
    assert!(
        plan.contains(&format!("Index Scan using {chunks0} ")),
        "{plan}"
    );
    app.drop_role().await;
}

/// A copy of one of `org`'s chunks under a new id and position.
fn insert_chunk(org: Uuid, idx: i32) -> String {
    format!(
        "INSERT INTO chunks (id, dataset_id, document_id, organization_id, embedding_space_id, \
         idx, text, embedding) SELECT gen_random_uuid(), dataset_id, document_id, \
         organization_id, embedding_space_id, {idx}, text, embedding FROM chunks \
         WHERE organization_id = '{org}' ORDER BY id LIMIT 1"
    )
}

#[tokio::test]
async fn builds_wait_for_open_writers_and_never_block_new_writes() {
    let f = Fixture::new().await;
    let org0 = f.org(0);
    // A writer's transaction is open on chunks: CREATE INDEX CONCURRENTLY waits for it.
    let HeldBuild {
        writer,
        open,
        run: maintainer,
    } = f.build_held_by_a_writer().await;
    // Meanwhile a new write goes through while the build is still waiting (it cannot finish
    // before the open writer commits), so the build does not block it.
    tokio::time::timeout(
        std::time::Duration::from_secs(20),
        f.db.conn().execute_unprepared(&insert_chunk(org0, 100_001)),
    )
    .await
    .expect("an insert was blocked by the build")
    .unwrap();
    assert!(!maintainer.is_finished());
    // The writer commits; the run completes and converges.
    open.commit().await.unwrap();
    let report = maintainer.await.unwrap().unwrap();
    assert!(report.pending_after.is_empty());
    assert_eq!(f.tenant_indexes().await.len(), 4);
    writer.close().await.unwrap();
}

#[tokio::test]
async fn a_build_killed_midway_leaves_an_invalid_index_that_searches_skip_and_the_next_run_rebuilds()
 {
    let f = Fixture::new().await;
    let query = pgvector::Vector::from(f.plan.queries(1).remove(0));
    // An open writer holds the first build in CREATE INDEX CONCURRENTLY's wait, after the
    // index was entered in the catalog: the moment a killed build leaves it behind.
    let HeldBuild {
        writer,
        open,
        run: maintainer,
    } = f.build_held_by_a_writer().await;
    // The maintainer's backend is terminated in the middle of its build (what an operator's
    // pg_terminate_backend, a failover or an out-of-memory kill of the backend does).
    let kill = format!(
        "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {HELD_BUILD}"
    );
    assert_eq!(testkit::int(f.db.conn(), &kill).await, 1);
    let error = maintainer
        .await
        .unwrap()
        .expect_err("a killed build fails the run");
    assert!(
        error.to_string().contains("run vector-maintain again"),
        "{error}"
    );
    open.commit().await.unwrap();
    writer.close().await.unwrap();
    let invalid: Vec<String> = f
        .tenant_indexes()
        .await
        .into_iter()
        .filter(|(_, valid)| !valid)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        invalid.len(),
        1,
        "the killed build leaves its INVALID index"
    );
    assert!(invalid[0].starts_with("chunks_"), "{invalid:?}");

    // Until the next run, every tenant's search, as the application role under row-level
    // security, skips the INVALID index (exact, or the table's graph above 50 rows) and returns
    // only the tenant's rows; the exact ones equal the owner's exact search.
    let auto = SearchOptions::default().exact_max_rows(50);
    let ids = |r: &entity::search::SearchResults<entity::chunks::Model>| {
        r.neighbors.iter().map(|n| n.model.id).collect::<Vec<_>>()
    };
    let app = AppLogin::new(&f.db).await;
    for i in 0..3 {
        let org = f.org(i);
        let exact = nearest_chunks(
            f.db.conn(),
            org,
            None,
            &query,
            &auto.strategy(SearchStrategy::Exact),
        )
        .await
        .unwrap();
        let found = with_tenant(&app.conn, &app.ticket(Tenant::new(org)), |txn| {
            let query = query.clone();
            Box::pin(async move {
                Ok::<_, sea_orm::DbErr>(
                    nearest_chunks(txn, org, None, &query, &auto).await.unwrap(),
                )
            })
        })
        .await
        .unwrap();
        assert_ne!(found.hnsw_index, Some(HnswIndex::Tenant), "tenant {i}");
        assert!(
            found
                .neighbors
                .iter()
                .all(|n| n.model.organization_id == org)
        );
        assert_eq!(found.neighbors.len(), 10);
        if found.strategy == SearchStrategy::Exact {
            assert_eq!(ids(&found), ids(&exact), "tenant {i}");
        }
    }
    app.drop_role().await;

    // The next run rebuilds it, and the one after has nothing to do.
    let report = f.run().await;
    assert!(
        report.plan.actions.iter().any(|a| matches!(
            a,
            Action::Rebuild { index, reason: RebuildReason::Invalid, .. } if *index == invalid[0]
        )),
        "{:?}",
        names(&report.plan.actions)
    );
    assert!(f.tenant_indexes().await.iter().all(|(_, valid)| *valid));
    assert_eq!(f.tenant_indexes().await.len(), 4);
    let last = f.run().await;
    assert!(last.plan.is_empty(), "{:?}", names(&last.plan.actions));
}

#[tokio::test]
async fn waiting_rows_are_merged_in_batches_past_locked_rows_and_a_stopped_run_is_completed() {
    let f = Fixture::new().await;
    let org0 = f.org(0);
    // A bulk load's rows are in the graph already; the tenant indexes are built (an index
    // build waits for open writers, a merge does not: they are apart here); 1,200 rows
    // inserted since then wait.
    let waiting = "SELECT count(*) FROM chunks WHERE NOT embedding_indexed";
    assert_eq!(testkit::int(f.db.conn(), waiting).await, 0);
    // Only the run counts the graphs here (no autovacuum ANALYZE in between).
    f.exec("ALTER TABLE chunks SET (autovacuum_enabled = false)")
        .await;
    f.run().await;
    let tenant_graph = tenant_index::index_name("chunks", org0);
    // (the planner's rows of the tenant's graph, of the table's graph)
    let counted = || async {
        let rows = |index: &str| {
            format!("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('{index}')")
        };
        (
            testkit::int(f.db.conn(), &rows(&tenant_graph)).await,
            testkit::int(f.db.conn(), &rows("chunks_embedding_hnsw_idx")).await,
        )
    };
    // The build counted the tenant's 100 rows.
    assert_eq!(counted().await.0, 100);
    f.exec(&format!(
        "INSERT INTO chunks (dataset_id, document_id, organization_id, embedding_space_id, idx, \
         text, embedding) SELECT dataset_id, document_id, organization_id, embedding_space_id, \
         idx + 100000 * g, text, embedding FROM chunks, generate_series(1, 12) g \
         WHERE organization_id = '{org0}'"
    ))
    .await;
    assert_eq!(testkit::int(f.db.conn(), waiting).await, 1_200);
    let planned = plan(f.db.conn(), &POLICY).await.unwrap();
    assert_eq!(
        planned.actions,
        vec![Action::Merge {
            table: "chunks".into(),
            rows: 1_200
        }],
    );

    // A run stopped after one batch (a killed cron job): the batch stays merged, and the
    // graphs' counts are stale (the tenant's 600 rows walked as 100).
    f.exec(&maintain::merge_sql("chunks", 500)).await;
    assert_eq!(testkit::int(f.db.conn(), waiting).await, 700);
    assert_eq!(counted().await.0, 100);

    // A writer holds one waiting row: the merge goes past it instead of waiting.
    let writer = testkit::neonhub_db::connect(f.db.url(), std::time::Duration::from_secs(10), 1)
        .await
        .unwrap();
    let open = sea_orm::TransactionTrait::begin(&writer).await.unwrap();
    open.execute_unprepared(
        "UPDATE chunks SET text = text || ' (edited)' WHERE id = \
         (SELECT id FROM chunks WHERE NOT embedding_indexed ORDER BY id LIMIT 1)",
    )
    .await
    .unwrap();
    let report = tokio::time::timeout(std::time::Duration::from_secs(120), f.run())
        .await
        .expect("the merge waited for the writer's row lock");
    let merged: Vec<u64> = report
        .done
        .iter()
        .filter_map(|d| match &d.action {
            Action::Merge { table, rows } if table == "chunks" => Some(*rows),
            _ => None,
        })
        .collect();
    assert_eq!(merged, vec![699], "{:?}", names(&report.plan.actions));
    assert_eq!(
        report.waiting_after, 1,
        "the locked row waits for the next run"
    );
    assert!(
        report.pending_after.is_empty(),
        "a waiting row is not a failure"
    );
    // The run counted its merges: every merged row of the tenant (1,299: 100 + 1,200 - the
    // locked one) and of the table, so that walks follow the graphs' sizes.
    let merged_rows =
        |org: &str| format!("SELECT count(*) FROM chunks WHERE embedding_indexed {org}");
    assert_eq!(
        counted().await,
        (1_299, testkit::int(f.db.conn(), &merged_rows("")).await)
    );
    assert_eq!(
        testkit::int(
            f.db.conn(),
            &merged_rows(&format!("AND organization_id = '{org0}'"))
        )
        .await,
        1_299
    );
    open.commit().await.unwrap();
    writer.close().await.unwrap();

    let next = f.run().await;
    assert_eq!(
        names(&next.plan.actions),
        vec!["merge 1 waiting rows of chunks into its graph"]
    );
    let last = f.run().await;
    assert!(last.plan.is_empty(), "{:?}", names(&last.plan.actions));
    assert_eq!(testkit::int(f.db.conn(), waiting).await, 0);
    // The tenant's index holds the merged rows: its predicate names the graph column.
    let definition = testkit::text(
        f.db.conn(),
        &format!(
            "SELECT pg_get_indexdef('{}'::regclass)",
            tenant_index::index_name("chunks", org0)
        ),
    )
    .await;
    assert!(
        tenant_index::definition_matches("chunks", &definition, org0),
        "{definition}"
    );

    // A message without an embedding never waits; embedded later, it waits until merged.
    f.exec(&format!(
        "INSERT INTO messages (organization_id, conversation_id, role, content) \
         SELECT organization_id, conversation_id, 'user', '{{\"late\": true}}' FROM messages \
         WHERE organization_id = '{org0}' LIMIT 1"
    ))
    .await;
    assert!(f.run().await.plan.is_empty(), "nothing to merge");
    f.exec(
        "UPDATE messages SET embedding = (SELECT embedding FROM chunks LIMIT 1) \
         WHERE content ? 'late'",
    )
    .await;
    let late = f.run().await;
    assert_eq!(
        names(&late.plan.actions),
        vec!["merge 1 waiting rows of messages into its graph"]
    );
}
