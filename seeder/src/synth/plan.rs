//! The synthetic data set as a pure function of its options: tenants and their sizes, ids,
//! texts and vectors of every row, and their binary `COPY` encoding. No database involved.

use super::SynthError;
use super::copy::CopyEncoder;
use super::rng::{VectorSpace, mix};
use entity::vector::EMBEDDING_DIM;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use uuid::Uuid;

/// Share of the rows held by the small tenant (tenant 0) by default, for the filtered-search
/// case.
pub const SMALL_TENANT_SHARE: f64 = 0.01;

/// Domain of the synthetic users' e-mail addresses (a reserved, undeliverable TLD).
pub const EMAIL_DOMAIN: &str = "synthetic.neonhub.invalid";

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynthOptions {
    /// Organizations (tenants). The first tenants hold the fixed [`SynthOptions::shares`] of
    /// the chunks and messages; the others share the rest by a Zipf law.
    pub orgs: usize,
    /// Fixed shares (0 to 1) of the chunks and messages held by tenants 0, 1, ... in order
    /// (default: tenant 0 holds [`SMALL_TENANT_SHARE`]). Their sum is at most 1, and exactly 1
    /// when every tenant has a fixed share.
    #[serde(default = "default_shares")]
    pub shares: Vec<f64>,
    /// Chunks (with embeddings), in total.
    pub chunks: usize,
    /// Messages (with embeddings), in total.
    pub messages: usize,
    /// Seed: the same seed gives the same rows, ids included.
    pub seed: u64,
    /// Number of clusters of the vectors.
    pub centroids: usize,
    /// Noise length relative to the centroid (see [`VectorSpace`]).
    pub spread: f32,
    /// Datasets per organization.
    pub datasets_per_org: usize,
    /// Chunks per document (the last document of a tenant may have fewer).
    pub chunks_per_document: usize,
    /// Messages per conversation (the last conversation of a tenant may have fewer).
    pub messages_per_conversation: usize,
    /// Brand voices (with embeddings) per organization, of its one brand.
    pub brand_voices_per_org: usize,
}

fn default_shares() -> Vec<f64> {
    vec![SMALL_TENANT_SHARE]
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self {
            orgs: 10,
            shares: default_shares(),
            chunks: 100_000,
            messages: 10_000,
            seed: 42,
            centroids: 256,
            spread: 1.0,
            datasets_per_org: 2,
            chunks_per_document: 20,
            messages_per_conversation: 20,
            brand_voices_per_org: 4,
        }
    }
}

/// The tables the generator fills, in load order (parents first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SynthTable {
    /// `organizations`
    Organizations,
    /// `users` (one owner per organization)
    Users,
    /// `embedding_spaces` (one per organization)
    EmbeddingSpaces,
    /// `datasets`
    Datasets,
    /// `documents`
    Documents,
    /// `chunks`
    Chunks,
    /// `brands` (one per organization)
    Brands,
    /// `brand_voices`
    BrandVoices,
    /// `conversations`
    Conversations,
    /// `messages`
    Messages,
}

impl SynthTable {
    /// Every table, in load order.
    pub const ALL: [SynthTable; 10] = [
        Self::Organizations,
        Self::Users,
        Self::EmbeddingSpaces,
        Self::Datasets,
        Self::Documents,
        Self::Chunks,
        Self::Brands,
        Self::BrandVoices,
        Self::Conversations,
        Self::Messages,
    ];

    /// The table's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Organizations => "organizations",
            Self::Users => "users",
            Self::EmbeddingSpaces => "embedding_spaces",
            Self::Datasets => "datasets",
            Self::Documents => "documents",
            Self::Chunks => "chunks",
            Self::Brands => "brands",
            Self::BrandVoices => "brand_voices",
            Self::Conversations => "conversations",
            Self::Messages => "messages",
        }
    }

    /// The columns written, in stream order (the others take their defaults).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Organizations => &["id", "slug", "name"],
            Self::Users => &["id", "email", "name"],
            Self::EmbeddingSpaces => &[
                "id",
                "organization_id",
                "name",
                "provider",
                "model",
                "dimension",
            ],
            Self::Datasets => &[
                "id",
                "organization_id",
                "embedding_space_id",
                "name",
                "slug",
                "kind",
            ],
            Self::Documents => &[
                "id",
                "dataset_id",
                "organization_id",
                "owner_id",
                "embedding_space_id",
                "title",
                "content",
                "status",
            ],
            Self::Chunks => &[
                "id",
                "dataset_id",
                "document_id",
                "organization_id",
                "embedding_space_id",
                "idx",
                "text",
                "embedding",
            ],
            Self::Brands => &["id", "organization_id", "name", "slug"],
            Self::BrandVoices => &[
                "id",
                "brand_id",
                "organization_id",
                "embedding_space_id",
                "prompt_template",
                "style_rules",
                "embedding",
            ],
            Self::Conversations => &["id", "organization_id", "title", "created_by_id"],
            Self::Messages => &[
                "id",
                "conversation_id",
                "organization_id",
                "author_id",
                "role",
                "content",
                "embedding",
            ],
        }
    }

    /// `COPY <table> (<columns>) FROM STDIN (FORMAT binary)`.
    pub fn copy_statement(self) -> String {
        format!(
            "COPY {} ({}) FROM STDIN (FORMAT binary)",
            self.name(),
            self.columns().join(", ")
        )
    }

    /// Whether the rows carry an embedding (the tables whose HNSW index matters).
    pub fn has_embedding(self) -> bool {
        matches!(self, Self::Chunks | Self::BrandVoices | Self::Messages)
    }

    /// Tag mixed into this table's ids and vector streams.
    fn tag(self) -> u8 {
        self as u8 + 1
    }
}

/// One synthetic organization and its share of the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    /// Position (0 is the 1% tenant when there are at least two).
    pub index: usize,
    /// `organizations.id`.
    pub id: Uuid,
    /// `organizations.slug`: `synth-<seed>-<index>`.
    pub slug: String,
    /// Its chunks.
    pub chunks: usize,
    /// Its messages.
    pub messages: usize,
    /// Global index of its first chunk (chunks are numbered tenant by tenant).
    pub chunk_start: usize,
    /// Global index of its first message.
    pub message_start: usize,
    /// Global index of its first document.
    pub document_start: usize,
    /// Its documents.
    pub documents: usize,
    /// Global index of its first conversation.
    pub conversation_start: usize,
    /// Its conversations.
    pub conversations: usize,
}

impl Tenant {
    /// Share of all chunks this tenant holds.
    pub fn chunk_share(&self, total: usize) -> f64 {
        if total == 0 {
            0.0
        } else {
            self.chunks as f64 / total as f64
        }
    }
}

/// The whole synthetic data set, computed from [`SynthOptions`].
#[derive(Debug, Clone)]
pub struct SynthPlan {
    options: SynthOptions,
    tenants: Vec<Tenant>,
    space: VectorSpace,
    documents: usize,
    conversations: usize,
}

/// Vector stream of the benchmark queries (distinct from every table's).
const QUERY_STREAM: u64 = 0x0051_5545_5259;

impl SynthPlan {
    /// Lay out the data set, or say which option is out of range.
    pub fn new(options: SynthOptions) -> Result<Self, SynthError> {
        let invalid = |what: String| Err(SynthError::InvalidOptions(what));
        if options.orgs == 0 || options.orgs > 100_000 {
            return invalid(format!("orgs is {}, expected 1 to 100000", options.orgs));
        }
        if options.chunks > 100_000_000 || options.messages > 100_000_000 {
            return invalid("at most 100,000,000 chunks and messages".into());
        }
        if options.shares.len() > options.orgs
            || options
                .shares
                .iter()
                .any(|s| !(s.is_finite() && *s > 0.0 && *s <= 1.0))
        {
            return invalid(format!(
                "shares {:?}: expected at most {} values (orgs), each above 0 and at most 1",
                options.shares, options.orgs
            ));
        }
        let fixed: f64 = options.shares.iter().sum();
        if fixed > 1.0 + 1e-9 || (options.shares.len() == options.orgs && fixed < 1.0 - 1e-9) {
            return invalid(format!(
                "shares {:?} add up to {fixed}: expected at most 1, and exactly 1 when every \
                 tenant has a share",
                options.shares
            ));
        }
        if options.centroids == 0 {
            return invalid("centroids must be at least 1".into());
        }
        if !(options.spread.is_finite() && options.spread >= 0.0) {
            return invalid(format!("spread is {}, expected >= 0", options.spread));
        }
        if options.datasets_per_org == 0
            || options.chunks_per_document == 0
            || options.messages_per_conversation == 0
        {
            return invalid(
                "datasets per org, chunks per document and messages per conversation must be \
                 at least 1"
                    .into(),
            );
        }
        let chunk_counts = split(options.chunks, options.orgs, &options.shares);
        let message_counts = split(options.messages, options.orgs, &options.shares);
        let mut tenants = Vec::with_capacity(options.orgs);
        let (mut chunk_start, mut message_start, mut document_start, mut conversation_start) =
            (0, 0, 0, 0);
        for (index, (&chunks, &messages)) in chunk_counts.iter().zip(&message_counts).enumerate() {
            let documents = chunks.div_ceil(options.chunks_per_document);
            let conversations = messages.div_ceil(options.messages_per_conversation);
            tenants.push(Tenant {
                index,
                id: synth_id(options.seed, SynthTable::Organizations, index as u64),
                slug: format!("{}{index:03}", slug_prefix(options.seed)),
                chunks,
                messages,
                chunk_start,
                message_start,
                document_start,
                documents,
                conversation_start,
                conversations,
            });
            chunk_start += chunks;
            message_start += messages;
            document_start += documents;
            conversation_start += conversations;
        }
        let space = VectorSpace::new(options.seed, options.centroids, options.spread);
        Ok(Self {
            options,
            tenants,
            space,
            documents: document_start,
            conversations: conversation_start,
        })
    }

    /// The options.
    pub fn options(&self) -> &SynthOptions {
        &self.options
    }

    /// Every tenant, by index.
    pub fn tenants(&self) -> &[Tenant] {
        &self.tenants
    }

    /// Tenant 0, holding the first of [`SynthOptions::shares`] (1% by default), when there are
    /// at least two tenants.
    pub fn small_tenant(&self) -> Option<&Tenant> {
        (self.tenants.len() >= 2).then(|| &self.tenants[0])
    }

    /// The tenant with the most chunks.
    pub fn largest_tenant(&self) -> &Tenant {
        self.tenants
            .iter()
            .max_by_key(|t| (t.chunks, std::cmp::Reverse(t.index)))
            .expect("at least one tenant")
    }

    /// The vector space (clusters) of the data.
    pub fn space(&self) -> &VectorSpace {
        &self.space
    }

    /// Rows of `table`.
    pub fn rows(&self, table: SynthTable) -> usize {
        let orgs = self.options.orgs;
        match table {
            SynthTable::Organizations
            | SynthTable::Users
            | SynthTable::EmbeddingSpaces
            | SynthTable::Brands => orgs,
            SynthTable::Datasets => orgs * self.options.datasets_per_org,
            SynthTable::Documents => self.documents,
            SynthTable::Chunks => self.options.chunks,
            SynthTable::BrandVoices => orgs * self.options.brand_voices_per_org,
            SynthTable::Conversations => self.conversations,
            SynthTable::Messages => self.options.messages,
        }
    }

    /// Rows of every table.
    pub fn total_rows(&self) -> usize {
        SynthTable::ALL.iter().map(|&t| self.rows(t)).sum()
    }

    /// The id of row `index` of `table`.
    pub fn id(&self, table: SynthTable, index: usize) -> Uuid {
        synth_id(self.options.seed, table, index as u64)
    }

    /// The embedding of row `index` of `table` (chunks, messages, brand voices) and its cluster.
    pub fn embedding(&self, table: SynthTable, index: usize) -> (Vec<f32>, usize) {
        let mut out = vec![0.0; EMBEDDING_DIM];
        let cluster = self
            .space
            .fill(u64::from(table.tag()), index as u64, &mut out);
        (out, cluster)
    }

    /// `n` query vectors drawn like the data (same clusters, other samples).
    pub fn queries(&self, n: usize) -> Vec<Vec<f32>> {
        (0..n)
            .map(|i| self.space.vector(QUERY_STREAM, i as u64))
            .collect()
    }

    /// The tenant owning global chunk (or message, with `messages`) `index`.
    fn tenant_of(&self, index: usize, messages: bool) -> &Tenant {
        let pos = self.tenants.partition_point(|t| {
            let (start, count) = if messages {
                (t.message_start, t.messages)
            } else {
                (t.chunk_start, t.chunks)
            };
            start + count <= index
        });
        &self.tenants[pos]
    }

    /// The tenant owning global document (or conversation) `index`.
    fn tenant_of_parent(&self, index: usize, conversations: bool) -> &Tenant {
        let pos = self.tenants.partition_point(|t| {
            if conversations {
                t.conversation_start + t.conversations <= index
            } else {
                t.document_start + t.documents <= index
            }
        });
        &self.tenants[pos]
    }

    /// Dataset (global index) of global document `document`.
    fn dataset_of(&self, tenant: &Tenant, document: usize) -> usize {
        tenant.index * self.options.datasets_per_org
            + (document - tenant.document_start) % self.options.datasets_per_org
    }

    /// Encode rows `range` of `table` into one binary `COPY` stream (header and trailer
    /// included).
    pub fn encode(&self, table: SynthTable, range: Range<usize>) -> Vec<u8> {
        let mut copy = CopyEncoder::with_capacity(estimate_bytes(table, range.len()));
        self.encode_rows(table, range, &mut copy);
        copy.finish()
    }

    /// Append rows `range` of `table` to `copy`.
    pub fn encode_rows(&self, table: SynthTable, range: Range<usize>, copy: &mut CopyEncoder) {
        let mut vector = vec![0.0_f32; EMBEDDING_DIM];
        let fields = table.columns().len() as i16;
        let seed = self.options.seed;
        let opts = &self.options;
        for i in range {
            copy.row(fields);
            match table {
                SynthTable::Organizations => {
                    let t = &self.tenants[i];
                    copy.uuid(t.id);
                    copy.text(&t.slug);
                    let size = match opts.shares.get(i) {
                        Some(share) if self.tenants.len() >= 2 => {
                            format!(" ({}% tenant)", share * 100.0)
                        }
                        _ => String::new(),
                    };
                    copy.text(&format!("Synthetic {seed} tenant {i}{size}"));
                }
                SynthTable::Users => {
                    copy.uuid(self.id(table, i));
                    copy.text(&format!("{}{i:03}@{EMAIL_DOMAIN}", slug_prefix(seed)));
                    copy.text(&format!("Synthetic owner of tenant {i}"));
                }
                SynthTable::EmbeddingSpaces => {
                    copy.uuid(self.id(table, i));
                    copy.uuid(self.tenants[i].id);
                    copy.text("synthetic");
                    copy.text("synthetic");
                    copy.text(&format!(
                        "clustered-gaussian-{}c-{}",
                        opts.centroids, opts.spread
                    ));
                    copy.int4(EMBEDDING_DIM as i32);
                }
                SynthTable::Datasets => {
                    let org = i / opts.datasets_per_org;
                    let d = i % opts.datasets_per_org;
                    copy.uuid(self.id(table, i));
                    copy.uuid(self.tenants[org].id);
                    copy.uuid(self.id(SynthTable::EmbeddingSpaces, org));
                    copy.text(&format!("Synthetic dataset {d}"));
                    copy.text(&format!("synth-{d}"));
                    copy.text("documents");
                }
                SynthTable::Documents => {
                    let t = self.tenant_of_parent(i, false);
                    copy.uuid(self.id(table, i));
                    copy.uuid(self.id(SynthTable::Datasets, self.dataset_of(t, i)));
                    copy.uuid(t.id);
                    copy.uuid(self.id(SynthTable::Users, t.index));
                    copy.uuid(self.id(SynthTable::EmbeddingSpaces, t.index));
                    copy.text(&format!("Synthetic document {}", i - t.document_start));
                    copy.text(&format!(
                        "Synthetic document {} of {}: its text lives in its chunks.",
                        i - t.document_start,
                        t.slug
                    ));
                    copy.text("published");
                }
                SynthTable::Chunks => {
                    let t = self.tenant_of(i, false);
                    let local = i - t.chunk_start;
                    let document = t.document_start + local / opts.chunks_per_document;
                    let idx = local % opts.chunks_per_document;
                    let cluster = self
                        .space
                        .fill(u64::from(table.tag()), i as u64, &mut vector);
                    copy.uuid(self.id(table, i));
                    copy.uuid(self.id(SynthTable::Datasets, self.dataset_of(t, document)));
                    copy.uuid(self.id(SynthTable::Documents, document));
                    copy.uuid(t.id);
                    copy.uuid(self.id(SynthTable::EmbeddingSpaces, t.index));
                    copy.int4(idx as i32);
                    copy.text(&format!(
                        "Synthetic chunk {idx} of document {} of {} (topic {cluster}).",
                        document - t.document_start,
                        t.slug
                    ));
                    copy.vector(&vector);
                }
                SynthTable::Brands => {
                    copy.uuid(self.id(table, i));
                    copy.uuid(self.tenants[i].id);
                    copy.text(&format!("Synthetic brand {i}"));
                    copy.text("synth-brand");
                }
                SynthTable::BrandVoices => {
                    let org = i / opts.brand_voices_per_org.max(1);
                    let cluster = self
                        .space
                        .fill(u64::from(table.tag()), i as u64, &mut vector);
                    copy.uuid(self.id(table, i));
                    copy.uuid(self.id(SynthTable::Brands, org));
                    copy.uuid(self.tenants[org].id);
                    copy.uuid(self.id(SynthTable::EmbeddingSpaces, org));
                    copy.text(&format!("Write as synthetic voice {i} (topic {cluster})."));
                    copy.jsonb(&format!("{{\"tone\":\"topic-{cluster}\"}}"));
                    copy.vector(&vector);
                }
                SynthTable::Conversations => {
                    let t = self.tenant_of_parent(i, true);
                    copy.uuid(self.id(table, i));
                    copy.uuid(t.id);
                    copy.text(&format!(
                        "Synthetic conversation {}",
                        i - t.conversation_start
                    ));
                    copy.uuid(self.id(SynthTable::Users, t.index));
                }
                SynthTable::Messages => {
                    let t = self.tenant_of(i, true);
                    let local = i - t.message_start;
                    let conversation =
                        t.conversation_start + local / opts.messages_per_conversation;
                    let from_user = (local % opts.messages_per_conversation).is_multiple_of(2);
                    let cluster = self
                        .space
                        .fill(u64::from(table.tag()), i as u64, &mut vector);
                    copy.uuid(self.id(table, i));
                    copy.uuid(self.id(SynthTable::Conversations, conversation));
                    copy.uuid(t.id);
                    copy.uuid_opt(from_user.then(|| self.id(SynthTable::Users, t.index)));
                    copy.text(if from_user { "user" } else { "assistant" });
                    copy.jsonb(&format!(
                        "{{\"text\":\"Synthetic message {local} of {} (topic {cluster}).\"}}",
                        t.slug
                    ));
                    copy.vector(&vector);
                }
            }
        }
    }
}

/// About how many bytes `rows` rows of `table` take in the binary format.
pub fn estimate_bytes(table: SynthTable, rows: usize) -> usize {
    let per_row = if table.has_embedding() {
        4 * EMBEDDING_DIM + 300
    } else {
        300
    };
    rows * per_row + 32
}

/// `synth-<seed>-`: the slug prefix of a seed's organizations (and its users' e-mails).
pub fn slug_prefix(seed: u64) -> String {
    format!("synth-{seed}-")
}

/// A deterministic, version 8 UUID: 4 bytes of the seed's hash, the table's tag, then the row
/// index, so that ids of one table increase with the index (B-tree friendly, like UUIDv7).
pub fn synth_id(seed: u64, table: SynthTable, index: u64) -> Uuid {
    let prefix = (mix(&[seed, 0x5eed]) >> 32) as u32;
    let mut bytes = [0_u8; 16];
    bytes[..4].copy_from_slice(&prefix.to_be_bytes());
    bytes[4] = table.tag();
    // Bytes 6 and 8 take the version and variant bits; the index lives in bytes 9..16.
    bytes[9..].copy_from_slice(&index.to_be_bytes()[1..]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Split `total` rows over `orgs` tenants: tenant `i` of the fixed `shares` gets
/// `total * shares[i]` rows (rounded, at least one when there are rows), the others share the
/// rest in proportion to `1 / rank` (Zipf); rounding leftovers go to the first Zipf tenant, or
/// to the largest fixed one when every tenant has a share. A single tenant gets everything.
pub fn split(total: usize, orgs: usize, shares: &[f64]) -> Vec<usize> {
    if orgs == 1 {
        return vec![total];
    }
    let mut counts: Vec<usize> = Vec::with_capacity(orgs);
    for share in shares.iter().take(orgs) {
        let left = total - counts.iter().sum::<usize>();
        counts.push(((total as f64 * share).round() as usize).clamp(left.min(1), left));
    }
    let fixed = counts.len();
    let rest = total - counts.iter().sum::<usize>();
    let weights: Vec<f64> = (1..=orgs - fixed).map(|rank| 1.0 / rank as f64).collect();
    let sum: f64 = weights.iter().sum();
    counts.extend(
        weights
            .iter()
            .map(|w| (rest as f64 * w / sum).floor() as usize),
    );
    let leftover = total - counts.iter().sum::<usize>();
    let target = if fixed < orgs {
        fixed
    } else {
        (0..orgs).max_by_key(|&i| counts[i]).unwrap_or(0)
    };
    counts[target] += leftover;
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_gives_one_percent_and_zipf_rest() {
        let counts = split(100_000, 10, &[SMALL_TENANT_SHARE]);
        assert_eq!(counts.iter().sum::<usize>(), 100_000);
        assert_eq!(counts[0], 1_000);
        assert!(counts[1] > counts[2] && counts[2] > counts[9], "{counts:?}");
        assert!((34_000..36_000).contains(&counts[1]), "{counts:?}");
        assert_eq!(split(5, 1, &[0.01]), vec![5]);
        assert_eq!(split(0, 3, &[0.01]), vec![0, 0, 0]);
        assert_eq!(split(10, 3, &[0.01]).iter().sum::<usize>(), 10);
        assert_eq!(split(10, 3, &[0.01])[0], 1);
        let sized = split(100_000, 12, &[0.001, 0.01, 0.11, 0.5]);
        assert_eq!(&sized[..4], &[100, 1_000, 11_000, 50_000]);
        assert_eq!(sized.iter().sum::<usize>(), 100_000);
        assert!(sized[4] > sized[5] && sized[5] > sized[11], "{sized:?}");
        assert_eq!(split(10, 2, &[0.5, 0.5]), vec![5, 5]);
        assert_eq!(split(7, 3, &[]).iter().sum::<usize>(), 7);
    }

    #[test]
    fn shares_are_validated() {
        let with = |orgs, shares: Vec<f64>| {
            SynthPlan::new(SynthOptions {
                orgs,
                shares,
                chunks: 100,
                messages: 10,
                ..SynthOptions::default()
            })
        };
        assert!(with(3, vec![0.6, 0.6]).is_err());
        assert!(with(2, vec![0.2, 0.3]).is_err());
        assert!(with(1, vec![0.2, 0.3]).is_err());
        assert!(with(3, vec![0.0]).is_err());
        assert!(with(5, vec![0.001, 0.01, 0.11, 0.5]).is_ok());
        assert!(with(1, vec![]).is_ok());
    }

    #[test]
    fn ids_are_deterministic_ordered_and_distinct() {
        let a = synth_id(7, SynthTable::Chunks, 1);
        assert_eq!(a, synth_id(7, SynthTable::Chunks, 1));
        assert_eq!(a.get_version_num(), 8);
        assert!(a < synth_id(7, SynthTable::Chunks, 2));
        assert!(synth_id(7, SynthTable::Chunks, 255) < synth_id(7, SynthTable::Chunks, 256));
        assert_ne!(a, synth_id(8, SynthTable::Chunks, 1));
        assert_ne!(a, synth_id(7, SynthTable::Messages, 1));
    }

    #[test]
    fn layout_is_consistent() {
        let plan = SynthPlan::new(SynthOptions {
            orgs: 4,
            chunks: 1_003,
            messages: 97,
            ..SynthOptions::default()
        })
        .unwrap();
        let tenants = plan.tenants();
        assert_eq!(tenants.iter().map(|t| t.chunks).sum::<usize>(), 1_003);
        assert_eq!(plan.small_tenant().unwrap().chunks, 10);
        assert_eq!(plan.largest_tenant().index, 1);
        for t in tenants {
            for i in t.chunk_start..t.chunk_start + t.chunks {
                assert_eq!(plan.tenant_of(i, false).index, t.index);
            }
            for d in t.document_start..t.document_start + t.documents {
                assert_eq!(plan.tenant_of_parent(d, false).index, t.index);
            }
        }
        assert_eq!(
            plan.rows(SynthTable::Documents),
            tenants.iter().map(|t| t.chunks.div_ceil(20)).sum::<usize>()
        );
        let bytes = plan.encode(SynthTable::Chunks, 0..3);
        assert!(bytes.len() > 3 * 4 * EMBEDDING_DIM);
        assert_eq!(
            bytes,
            plan.encode(SynthTable::Chunks, 0..3),
            "deterministic"
        );
        assert!(
            SynthPlan::new(SynthOptions {
                orgs: 0,
                ..SynthOptions::default()
            })
            .is_err()
        );
    }
}
