//! PostgreSQL's binary `COPY` format, written by hand: a header, then per row a field count and
//! length-prefixed fields in each type's binary ("send") form, then a trailer.

use uuid::Uuid;

/// The 11-byte signature that opens a binary `COPY` stream.
pub const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// The whole header: signature, flags (0: no OIDs), header extension length (0).
pub const HEADER: [u8; 19] = *b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The trailer: a field count of -1.
pub const TRAILER: [u8; 2] = [0xff, 0xff];

/// Builds one binary `COPY ... FROM STDIN (FORMAT binary)` stream in memory.
///
/// ```
/// use seeder::synth::CopyEncoder;
/// let mut copy = CopyEncoder::new();
/// copy.row(2);
/// copy.int4(7);
/// copy.text("seven");
/// let bytes = copy.finish();
/// assert!(bytes.starts_with(b"PGCOPY\n\xff\r\n\0"));
/// ```
#[derive(Debug, Default)]
pub struct CopyEncoder {
    buf: Vec<u8>,
}

impl CopyEncoder {
    /// A stream with its header written.
    pub fn new() -> Self {
        Self::with_capacity(64)
    }

    /// A stream with its header written and room for `bytes` bytes.
    pub fn with_capacity(bytes: usize) -> Self {
        let mut buf = Vec::with_capacity(bytes.max(HEADER.len()));
        buf.extend_from_slice(&HEADER);
        Self { buf }
    }

    /// Rows only, without the header: a piece of a stream whose header was sent already
    /// (take it with [`Self::into_rows`]).
    pub fn rows_only(bytes: usize) -> Self {
        Self {
            buf: Vec::with_capacity(bytes),
        }
    }

    /// Start a row of `fields` fields.
    pub fn row(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
    }

    fn field(&mut self, len: usize) {
        let len = i32::try_from(len).expect("a COPY field is shorter than 2 GiB");
        self.buf.extend_from_slice(&len.to_be_bytes());
    }

    /// A NULL field.
    pub fn null(&mut self) {
        self.buf.extend_from_slice(&(-1_i32).to_be_bytes());
    }

    /// A `uuid` field (16 bytes).
    pub fn uuid(&mut self, id: Uuid) {
        self.field(16);
        self.buf.extend_from_slice(id.as_bytes());
    }

    /// A `uuid` field, or NULL.
    pub fn uuid_opt(&mut self, id: Option<Uuid>) {
        match id {
            Some(id) => self.uuid(id),
            None => self.null(),
        }
    }

    /// A `text` field; also right for an enum column (its binary form is the label).
    pub fn text(&mut self, s: &str) {
        self.field(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// An `int4` field.
    pub fn int4(&mut self, v: i32) {
        self.field(4);
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// A `jsonb` field (format version 1, then the JSON text).
    pub fn jsonb(&mut self, json: &str) {
        self.field(1 + json.len());
        self.buf.push(1);
        self.buf.extend_from_slice(json.as_bytes());
    }

    /// A pgvector `vector` field: dimension (int16), an unused int16, then the values as
    /// big-endian float4.
    pub fn vector(&mut self, values: &[f32]) {
        let dim = u16::try_from(values.len()).expect("a vector has at most 16,000 dimensions");
        self.field(4 + 4 * values.len());
        self.buf.extend_from_slice(&dim.to_be_bytes());
        self.buf.extend_from_slice(&0_u16.to_be_bytes());
        for v in values {
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// Bytes written so far (header included).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was written (a header aside).
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty() || self.buf == HEADER
    }

    /// Write the trailer and return the stream.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(&TRAILER);
        self.buf
    }

    /// The bytes written so far, without a trailer.
    pub fn into_rows(self) -> Vec<u8> {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_binary_format() {
        let mut copy = CopyEncoder::new();
        copy.row(3);
        copy.int4(-2);
        copy.vector(&[1.0, -0.5]);
        copy.null();
        let bytes = copy.finish();
        let mut expected = HEADER.to_vec();
        assert_eq!(&HEADER[..11], SIGNATURE);
        expected.extend_from_slice(&[0, 3]);
        expected.extend_from_slice(&[0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe]);
        expected.extend_from_slice(&[0, 0, 0, 12, 0, 2, 0, 0]);
        expected.extend_from_slice(&1.0_f32.to_be_bytes());
        expected.extend_from_slice(&(-0.5_f32).to_be_bytes());
        expected.extend_from_slice(&[0xff, 0xff, 0xff, 0xff]);
        expected.extend_from_slice(&[0xff, 0xff]);
        assert_eq!(bytes, expected);
    }
}
