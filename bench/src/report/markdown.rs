//! The report as Markdown: environment, the figures table, then the detail tables.

use super::*;

/// A share as a percentage: `0.1%`, `1%`, `13.9%`.
pub(super) fn fmt_share(share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
}

/// A tenant-table cell of a helper series: `p50/p95 ms · recall · rows min–max · answered`.
/// A series, or a dash when it was not measured.
fn optional_cell(series: Option<&SearchSeries>) -> String {
    series.map_or_else(|| "—".to_owned(), series_cell)
}

fn series_cell(series: &SearchSeries) -> String {
    format!(
        "{}/{} ms · {:.3} · {}–{} · {}",
        fmt_ms(series.latency.p50_ms),
        fmt_ms(series.latency.p95_ms),
        series.recall,
        series.min_rows,
        series.max_rows,
        series.describe_answered()
    )
}

fn ratio_text(ratio: f64) -> String {
    if ratio.is_nan() {
        "—".into()
    } else if ratio >= 100.0 {
        format!("{ratio:.0}×")
    } else {
        format!("{ratio:.2}×")
    }
}

fn sweep_line(out: &mut String, row: &SweepRow, exact_p50: f64) {
    let _ = writeln!(
        out,
        "| {} | {:.3} | {} | {} | {:.0}× | {} |",
        row.ef_search,
        row.recall,
        fmt_ms(row.latency.p50_ms),
        fmt_ms(row.latency.p95_ms),
        exact_p50 / row.latency.p50_ms,
        if row.planner_picks_index {
            "index"
        } else {
            "**exact scan**"
        }
    );
}

/// The report as Markdown: environment, the figures table, then the details.
pub fn render_markdown(report: &BenchReport) -> String {
    let mut out = String::new();
    let env = &report.environment;
    let c = &report.config;
    let _ = writeln!(out, "## Environment\n");
    let _ = writeln!(
        out,
        "PostgreSQL {}, pgvector {}, {} cores; run started {} and took {:.0} s.\n",
        env.server_version, env.pgvector, env.cores, env.started_at, report.total_seconds
    );
    let settings: Vec<String> = env
        .settings
        .iter()
        .map(|(k, v)| format!("`{k}={v}`"))
        .collect();
    let _ = writeln!(out, "Server settings: {}.\n", settings.join(", "));
    let shares: Vec<String> = c.shares.iter().map(|s| fmt_share(*s)).collect();
    let _ = writeln!(
        out,
        "Data: {} chunks and {} messages of 1536 dimensions over {} organizations (seed {}; \
         fixed shares {} for tenants 0, 1, ..., the others by Zipf); {} queries (tenant \
         table: {} for the tenants without a fixed share), k = {}, helper defaults \
         `ef_search = {}` (one candidate per {} rows of the table's graph, per {} of a tenant's, \
         at least that, at most {}), \
         `exact_max_rows = {}`; tenant indexes above {} \
         rows.\n",
        c.chunks,
        c.messages,
        c.orgs,
        c.seed,
        if shares.is_empty() {
            "none".to_owned()
        } else {
            shares.join(", ")
        },
        c.queries,
        c.tenant_queries,
        c.k,
        c.ef_search,
        entity::search::GRAPH_ROWS_PER_CANDIDATE,
        entity::search::TENANT_GRAPH_ROWS_PER_CANDIDATE,
        c.whole_table_ef_search,
        c.exact_max_rows,
        c.tenant_index_policy().index_above
    );
    let _ = writeln!(out, "## Figures\n");
    let _ = writeln!(
        out,
        "| # | figure | value | baseline | ratio | target | met |\n|---|---|---|---|---|---|---|"
    );
    let mut figures: Vec<&Figure> = report.figures.iter().collect();
    // By number, then letter: 2, 2b, 3a, …, 9c, 10.
    figures.sort_by_key(|f| {
        let digits = f.id.chars().take_while(char::is_ascii_digit).count();
        (
            f.id[..digits].parse::<u32>().unwrap_or(u32::MAX),
            f.id[digits..].to_owned(),
        )
    });
    for f in figures {
        let met = match f.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} ({}) | {} | {met} |",
            f.id,
            f.name,
            f.value,
            f.baseline,
            ratio_text(f.ratio),
            f.ratio_meaning,
            f.target.as_deref().unwrap_or("—")
        );
    }
    if let Some(global) = &report.global {
        let _ = writeln!(
            out,
            "\n## ef_search sweep, whole table ({} queries; exact: {}; the index is forced with \
             `enable_sort = off`, as the helper does, and the last column says what the planner \
             picks without that)\n",
            global.queries,
            global.exact.describe()
        );
        let _ = writeln!(
            out,
            "| ef_search | recall@{} | p50 ms | p95 ms | speed-up vs exact (p50) | planner's own choice |\n|---|---|---|---|---|---|",
            c.k
        );
        for row in &global.sweep {
            sweep_line(&mut out, row, global.exact.p50_ms);
        }
    }
    if !report.tenants.is_empty() {
        let _ = writeln!(
            out,
            "\n## Per tenant: exact SQL vs the helper forced to HNSW vs the helper (Auto), \
             before and after the tenant-index maintenance\n"
        );
        let _ = writeln!(
            out,
            "Exact SQL: p50/p95 ms of the statement · rows min–max. Helper cells: p50/p95 ms of \
             the call · recall@{} against exact SQL · rows min–max · what answered. * fixed \
             share (goal figures 4a, ...).\n",
            c.k
        );
        let _ = writeln!(
            out,
            "| tenant | rows | share | queries | exact SQL | HNSW before | Auto before | HNSW after | Auto after |\n|---|---|---|---|---|---|---|---|---|"
        );
        for t in &report.tenants {
            let _ = writeln!(
                out,
                "| {} | {} | {}{} | {} | {}/{} ms · {}–{} | {} | {} | {} | {} |",
                t.slug,
                t.rows,
                fmt_share(t.share),
                if t.fixed_share.is_some() { " *" } else { "" },
                t.queries,
                fmt_ms(t.exact.latency.p50_ms),
                fmt_ms(t.exact.latency.p95_ms),
                t.exact.min_rows,
                t.exact.max_rows,
                optional_cell(t.hnsw_before.as_ref()),
                optional_cell(t.auto_before.as_ref()),
                optional_cell(t.hnsw_after.as_ref()),
                series_cell(&t.auto_after)
            );
        }
    }
    if let Some(m) = &report.maintenance {
        let _ = writeln!(
            out,
            "\n## Tenant indexes (maintain::run: above {} rows, kept above {}, at most {} per \
             table)\n",
            m.policy.index_above, m.policy.keep_above, m.policy.max_per_table
        );
        let _ = writeln!(
            out,
            "First run: {} actions planned, {} created, {} rebuilt, {} dropped in {:.1} s \
             ({:.1} s building); {} pending after. Second run: {} actions planned in {:.2} s; {} \
             pending after.\n",
            m.first.planned,
            m.first.created,
            m.first.rebuilt,
            m.first.dropped,
            m.first.seconds,
            m.first.action_seconds,
            m.first.pending_after,
            m.second.planned,
            m.second.seconds,
            m.second.pending_after
        );
        let _ = writeln!(
            out,
            "| index | tenant | rows | MB | build s |\n|---|---|---|---|---|"
        );
        for i in &m.indexes {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} | {} |",
                i.index,
                i.slug,
                i.rows,
                i.bytes as f64 / f64::from(1 << 20),
                i.build_seconds
                    .map_or_else(|| "—".to_owned(), |s| format!("{s:.1}"))
            );
        }
    }
    if !report.overhead.is_empty() {
        let _ = writeln!(out, "\n## Helper vs raw SQL\n");
        let _ = writeln!(
            out,
            "| tenant | answered by | helper (Auto) p50 | helper (fixed) p50 | raw p50 | Auto / raw | fixed / raw |\n|---|---|---|---|---|---|---|"
        );
        for o in &report.overhead {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                o.slug,
                o.answered().label(),
                fmt_ms(o.helper.p50_ms),
                fmt_ms(o.helper_fixed.p50_ms),
                fmt_ms(o.raw.p50_ms),
                ratio_text(o.helper.p50_ms / o.raw.p50_ms),
                ratio_text(o.helper_fixed.p50_ms / o.raw.p50_ms)
            );
        }
    }
    if let Some(load) = &report.load {
        let _ = writeln!(out, "\n## Load rounds\n");
        let _ = writeln!(
            out,
            "Streams: {} MB; our loader sends {}-row COPY statements; `migrate up` of the \
             benchmark database took {:.2} s.\n",
            load.bytes / (1 << 20),
            load.batch_rows,
            load.migrate_seconds
        );
        let _ = writeln!(
            out,
            "| round | raw COPY s | seeder synth s |\n|---|---|---|"
        );
        for (i, (raw, ours)) in load.raw.iter().zip(&load.ours).enumerate() {
            let _ = writeln!(
                out,
                "| {} | {:.2} | {:.2} |",
                i + 1,
                raw.seconds,
                ours.seconds
            );
        }
    }
    if let Some(index) = &report.index {
        let _ = writeln!(out, "\n## Index builds\n");
        let _ = writeln!(
            out,
            "| index | seconds | workers asked | workers seen |\n|---|---|---|---|"
        );
        for b in index
            .chunks_serial
            .iter()
            .chain([&index.chunks])
            .chain(&index.others)
        {
            let _ = writeln!(
                out,
                "| {} | {:.1} | {} | {} |",
                b.index, b.seconds, b.workers_requested, b.workers_observed
            );
        }
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "\n## Notes\n");
        for note in &report.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}
