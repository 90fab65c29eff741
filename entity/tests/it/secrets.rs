//! Sealing of secret columns (round trip, tampering, rotation, key errors, column binding),
//! API-key and token hashing, and sealed values in a real database.
//!
//! Every key here is obviously fake (a repeated byte) or generated at run time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use entity::prelude::*;
use entity::secrets::{
    API_KEY_DISPLAY_LEN, API_KEY_PREFIX, ApiKey, KEYS_ENV, Keyring, SecretError, SecretKey,
    columns, generate_token, sealed_key_id, token_hash, verify_token,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, Set, Statement};
use serde_json::json;
use testkit::TestDb;

const CTX: &str = columns::CONNECTOR_AUTHS_ACCESS_TOKEN;

fn key(id: &str, byte: u8) -> SecretKey {
    SecretKey::new(id, [byte; 32]).unwrap()
}

fn ring(keys: &[(&str, u8)]) -> Keyring {
    Keyring::new(keys.iter().map(|&(id, byte)| key(id, byte))).unwrap()
}

/// `id:base64` entry for `NEONHUB_SECRET_KEYS`, encoded at run time.
fn entry(id: &str, byte: u8) -> String {
    format!("{id}:{}", key(id, byte).to_base64().as_str())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn round_trip() {
    let keyring = ring(&[("k1", 0x42)]);
    for plaintext in [&b""[..], b"x", b"an oauth access token", &[0u8; 4096][..]] {
        let sealed = keyring.seal(plaintext, CTX).unwrap();
        assert_eq!(
            sealed.len(),
            plaintext.len() + 42 + 2,
            "overhead 42 + key id"
        );
        assert_eq!(sealed[0], 1, "format version");
        assert_eq!(&sealed[1..4], b"\x02k1", "key id");
        assert_eq!(&keyring.open(&sealed, CTX).unwrap()[..], plaintext);
        if plaintext.len() >= 8 {
            assert!(
                !contains(&sealed, plaintext),
                "ciphertext hides the plaintext"
            );
        }
    }
    // A fresh nonce each time: the same plaintext seals differently.
    let a = keyring.seal(b"same", CTX).unwrap();
    let b = keyring.seal(b"same", CTX).unwrap();
    assert_ne!(a, b);
    assert_ne!(a[4..28], b[4..28], "nonces differ");
    assert_eq!(keyring.open_string(&a, CTX).unwrap().as_str(), "same");
}

#[test]
fn optional_fields() {
    let keyring = ring(&[("k1", 0x42)]);
    assert_eq!(keyring.seal_opt(None::<&[u8]>, CTX).unwrap(), None);
    assert!(keyring.open_opt(None, CTX).unwrap().is_none());
    let sealed = keyring.seal_opt(Some("token"), CTX).unwrap();
    let opened = keyring.open_opt(sealed.as_deref(), CTX).unwrap().unwrap();
    assert_eq!(&opened[..], b"token");
    let not_text = keyring.seal(&[0xff, 0xfe], CTX).unwrap();
    assert!(matches!(
        keyring.open_string(&not_text, CTX),
        Err(SecretError::NotUtf8)
    ));
}

#[test]
fn tampering_with_any_byte_fails() {
    let keyring = ring(&[("k1", 0x42), ("k2", 0x43)]);
    let sealed = keyring.seal(b"do not touch", CTX).unwrap();
    // Every byte: version, key id length, key id, nonce, ciphertext, tag.
    for i in 0..sealed.len() {
        for flip in [0x01, 0x80] {
            let mut bad = sealed.clone();
            bad[i] ^= flip;
            let err = keyring.open(&bad, CTX).unwrap_err();
            if i >= 4 {
                assert!(
                    matches!(err, SecretError::Authentication { .. }),
                    "byte {i}: {err}"
                );
            }
        }
    }
    // The key id renamed to another configured key fails authentication, not just lookup.
    let mut renamed = sealed.clone();
    renamed[3] = b'2';
    assert!(matches!(
        keyring.open(&renamed, CTX),
        Err(SecretError::Authentication { .. })
    ));
    // Truncated or extended values fail too.
    for len in 0..sealed.len() {
        assert!(
            keyring.open(&sealed[..len], CTX).is_err(),
            "truncated to {len}"
        );
    }
    let mut longer = sealed.clone();
    longer.push(0);
    assert!(keyring.open(&longer, CTX).is_err());
    let mut version = sealed;
    version[0] = 9;
    let err = keyring.open(&version, CTX).unwrap_err();
    assert!(matches!(err, SecretError::UnsupportedVersion(9)), "{err}");
}

#[test]
fn wrong_column_fails() {
    let keyring = ring(&[("k1", 0x42)]);
    let sealed = keyring
        .seal(b"api secret", columns::CONNECTOR_AUTHS_API_SECRET)
        .unwrap();
    for other in columns::ALL {
        let result = keyring.open(&sealed, other);
        if *other == columns::CONNECTOR_AUTHS_API_SECRET {
            assert_eq!(&result.unwrap()[..], b"api secret");
        } else {
            let err = result.unwrap_err();
            assert!(matches!(err, SecretError::Authentication { .. }), "{err}");
            assert!(err.to_string().contains(other), "{err}");
        }
    }
    assert_eq!(columns::ALL.len(), 11);
}

#[test]
fn rotation_keeps_old_values_open() {
    let old = ring(&[("k1", 0x42)]);
    let sealed_old = old.seal(b"before rotation", CTX).unwrap();

    // Key 2 added in front: it seals, key 1 still opens.
    let rotated = Keyring::parse(&format!("{}, {}", entry("k2", 0x17), entry("k1", 0x42))).unwrap();
    assert_eq!(rotated.sealing_key_id(), "k2");
    assert_eq!(rotated.key_ids().collect::<Vec<_>>(), ["k2", "k1"]);
    assert_eq!(
        &rotated.open(&sealed_old, CTX).unwrap()[..],
        b"before rotation"
    );
    let sealed_new = rotated.seal(b"after rotation", CTX).unwrap();
    assert_eq!(sealed_key_id(&sealed_new).unwrap(), "k2");
    assert_eq!(sealed_key_id(&sealed_old).unwrap(), "k1");

    // Re-sealing moves an old value to the new key.
    let resealed = rotated.reseal(&sealed_old, CTX).unwrap();
    assert_eq!(sealed_key_id(&resealed).unwrap(), "k2");

    // Once key 1 is dropped, values still under it fail clearly; re-sealed ones open.
    let only_new = ring(&[("k2", 0x17)]);
    assert_eq!(
        &only_new.open(&resealed, CTX).unwrap()[..],
        b"before rotation"
    );
    let err = only_new.open(&sealed_old, CTX).unwrap_err();
    assert!(matches!(err, SecretError::UnknownKeyId { ref id, .. } if id == "k1"));
}

#[test]
fn unknown_key_id_is_a_clear_error() {
    let sealed = ring(&[("retired", 0x42)]).seal(b"x", CTX).unwrap();
    let err = ring(&[("k1", 0x42), ("k2", 0x43)])
        .open(&sealed, CTX)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "value was sealed with secret key `retired`, which is not configured \
         (configured: k1, k2); add it to NEONHUB_SECRET_KEYS"
    );
    // The same key bytes under another id do not open it either.
    let same_bytes = ring(&[("other", 0x42)]);
    assert!(same_bytes.open(&sealed, CTX).is_err());
}

#[test]
fn key_errors_are_clear_and_never_show_the_key() {
    let good = entry("k1", 0x42);
    let b64 = good.split_once(':').unwrap().1.to_owned();
    let msg = |r: Result<Keyring, SecretError>| {
        let err = r.unwrap_err();
        let text = err.to_string();
        assert!(!text.contains(&b64[..12]), "no key material in {text}");
        assert!(
            !format!("{err:?}").contains(&b64[..12]),
            "no key material in {err:?}"
        );
        (err, text)
    };

    // Missing.
    for spec in ["", "  ", " , "] {
        let (err, text) = msg(Keyring::parse(spec));
        assert!(matches!(err, SecretError::MissingKeys), "{text}");
        assert!(text.contains("NEONHUB_SECRET_KEYS"), "{text}");
        assert!(text.contains("openssl rand -base64 32"), "{text}");
    }
    assert!(matches!(
        Keyring::new(Vec::new()),
        Err(SecretError::MissingKeys)
    ));

    // Malformed: no id, bad id, bad base64.
    let (err, text) = msg(Keyring::parse(&b64));
    assert!(matches!(err, SecretError::MalformedKeys(_)), "{text}");
    assert!(text.contains("entry 1 is not `id:base64key`"), "{text}");
    let (_, text) = msg(Keyring::parse(&format!("{good},bad id!:{b64}")));
    assert!(text.contains("entry 2 has an invalid key id"), "{text}");
    let (_, text) = msg(Keyring::parse(&format!("k1:{}*", &b64[..20])));
    assert_eq!(text, "malformed secret keys: key `k1` is not valid base64");
    assert!(SecretKey::new("", [0x42; 32]).is_err());
    assert!(SecretKey::new(&"x".repeat(33), [0x42; 32]).is_err());

    // Wrong length: 16 bytes, and 33.
    let (err, text) = msg(Keyring::parse(&format!(
        "k1:{}",
        STANDARD.encode([0x42u8; 16])
    )));
    assert!(
        matches!(err, SecretError::WrongKeyLength { ref id, len: 16 } if id == "k1"),
        "{text}"
    );
    assert_eq!(
        text,
        "secret key `k1` is 16 bytes, expected 32 (make one with `openssl rand -base64 32`)"
    );
    let (err, _) = msg(Keyring::parse(&format!(
        "k1:{}",
        STANDARD.encode([0x42u8; 33])
    )));
    assert!(matches!(err, SecretError::WrongKeyLength { len: 33, .. }));

    // Duplicate ids.
    let (err, _) = msg(Keyring::parse(&format!("{good},{}", entry("k1", 0x43))));
    assert!(matches!(err, SecretError::DuplicateKeyId(ref id) if id == "k1"));

    // Unpadded base64 and surrounding whitespace are fine.
    let unpadded = format!(" k1 : {} ", b64.trim_end_matches('='));
    assert_eq!(Keyring::parse(&unpadded).unwrap().sealing_key_id(), "k1");

    // Debug output names ids only.
    let keyring = Keyring::parse(&good).unwrap();
    let debug = format!("{keyring:?} {:?}", key("k1", 0x42));
    assert!(
        !debug.contains(&b64[..12]) && !debug.contains("66, 66"),
        "{debug}"
    );
    assert!(debug.contains("k1"), "{debug}");
}

#[test]
fn generated_keys_are_random_and_usable() {
    let a = Keyring::generate_key().unwrap();
    let b = Keyring::generate_key().unwrap();
    assert_ne!(a.as_str(), b.as_str());
    let keyring = Keyring::parse(&format!("gen:{}", a.as_str())).unwrap();
    let sealed = keyring.seal(b"x", CTX).unwrap();
    assert_eq!(&keyring.open(&sealed, CTX).unwrap()[..], b"x");
    let generated = SecretKey::generate("g1").unwrap();
    assert_eq!(generated.id(), "g1");
    assert!(
        Keyring::new([generated])
            .unwrap()
            .open(&sealed, CTX)
            .is_err()
    );
}

/// `Keyring::from_env` is checked in a child process (this test binary, filtered to
/// [`from_env_probe`]) so no test changes this process's environment.
#[test]
fn from_env_reads_neonhub_secret_keys() {
    let run = |keys: Option<&str>| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "secrets::from_env_probe",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("NEONHUB_SECRETS_PROBE", "1");
        match keys {
            Some(keys) => cmd.env(KEYS_ENV, keys),
            None => cmd.env_remove(KEYS_ENV),
        };
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{stdout}");
        stdout
    };
    let stdout = run(Some(&format!(
        "{},{}",
        entry("k2", 0x17),
        entry("k1", 0x42)
    )));
    assert!(stdout.contains("probe: ok k2,k1"), "{stdout}");
    let stdout = run(None);
    assert!(
        stdout.contains("probe: err no secret key configured"),
        "{stdout}"
    );
    let stdout = run(Some("k1:AAAA"));
    assert!(
        stdout.contains("probe: err secret key `k1` is 3 bytes"),
        "{stdout}"
    );
}

#[test]
fn from_env_probe() {
    if std::env::var_os("NEONHUB_SECRETS_PROBE").is_none() {
        return; // Only meaningful when run by `from_env_reads_neonhub_secret_keys`.
    }
    match Keyring::from_env() {
        Ok(keyring) => println!(
            "probe: ok {}",
            keyring.key_ids().collect::<Vec<_>>().join(",")
        ),
        Err(err) => println!("probe: err {err}"),
    }
}

#[test]
fn api_keys() {
    let key = ApiKey::generate().unwrap();
    let plaintext = key.plaintext.as_str();
    assert!(plaintext.starts_with(API_KEY_PREFIX) && plaintext.starts_with("nh_live_"));
    assert_eq!(plaintext.len(), API_KEY_PREFIX.len() + 43);
    assert!(
        plaintext[API_KEY_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
    );

    // What is stored: the display prefix and the hash, neither of which is the key.
    assert_eq!(key.key_prefix, &plaintext[..API_KEY_DISPLAY_LEN]);
    assert_eq!(key.key_prefix.len(), 12);
    assert_eq!(
        ApiKey::display_prefix(plaintext),
        Some(key.key_prefix.as_str())
    );
    assert_eq!(key.token_hash.len(), 64);
    assert!(
        key.token_hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_ne!(key.token_hash, plaintext);
    assert!(!key.token_hash.contains(&plaintext[API_KEY_PREFIX.len()..]));
    assert_eq!(key.token_hash, token_hash(plaintext));
    assert!(
        !format!("{key:?}").contains(plaintext),
        "Debug hides the key"
    );

    // The key verifies, another does not, nor a near miss, nor a garbled stored hash.
    assert!(ApiKey::verify(plaintext, &key.token_hash));
    assert!(ApiKey::verify(plaintext, &key.token_hash.to_uppercase()));
    let other = ApiKey::generate().unwrap();
    assert_ne!(other.plaintext.as_str(), plaintext);
    assert!(!ApiKey::verify(&other.plaintext, &key.token_hash));
    assert!(!ApiKey::verify(
        &plaintext[..plaintext.len() - 1],
        &key.token_hash
    ));
    assert!(!ApiKey::verify(plaintext, &key.token_hash[..63]));
    assert!(!ApiKey::verify(plaintext, ""));
    assert!(!ApiKey::verify(plaintext, &"g".repeat(64)));
    assert_eq!(ApiKey::display_prefix("sk_something"), None);
}

#[test]
fn token_hashes() {
    // FIPS 180-2 test vector.
    assert_eq!(
        token_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let token = generate_token().unwrap();
    assert_eq!(token.len(), 43);
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_ne!(token.as_str(), generate_token().unwrap().as_str());
    assert!(verify_token(&token, &token_hash(&token)));
    assert!(!verify_token(&token, &token_hash("abc")));
}

/// Sealed columns in a real row: the raw `bytea` never holds the plaintext, and the keyring
/// opens what the database gives back.
#[tokio::test]
async fn sealed_columns_in_the_database_hold_ciphertext_only() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    let keyring = ring(&[("k2", 0x17), ("k1", 0x42)]);

    let user = users::ActiveModel {
        email: Set("secrets@example.test".into()),
        ..users::ActiveModel::new()
    }
    .insert(conn)
    .await
    .unwrap();
    let connector = connectors::ActiveModel {
        name: Set("secrets-test".into()),
        display_name: Set("Secrets test".into()),
        description: Set("A connector for the sealing test".into()),
        category: Set(ConnectorKind::Email),
        auth_type: Set("api_key".into()),
        auth_config: Set(json!({})),
        triggers: Set(json!([])),
        actions: Set(json!([])),
        ..connectors::ActiveModel::new()
    }
    .insert(conn)
    .await
    .unwrap();

    // Plaintexts made at run time; none is a real credential.
    let plain: Vec<(&str, String)> = [
        columns::CONNECTOR_AUTHS_ACCESS_TOKEN,
        columns::CONNECTOR_AUTHS_REFRESH_TOKEN,
        columns::CONNECTOR_AUTHS_API_KEY,
        columns::CONNECTOR_AUTHS_API_SECRET,
    ]
    .into_iter()
    .map(|col| (col, format!("plaintext-of-{col}-{}", "z".repeat(16))))
    .collect();
    let sealed = |i: usize| {
        Set(Some(
            keyring.seal(plain[i].1.as_bytes(), plain[i].0).unwrap(),
        ))
    };
    let row = connector_auths::ActiveModel {
        user_id: Set(user.id),
        connector_id: Set(connector.id),
        access_token: sealed(0),
        refresh_token: sealed(1),
        api_key: sealed(2),
        api_secret: sealed(3),
        ..connector_auths::ActiveModel::new()
    }
    .insert(conn)
    .await
    .unwrap();

    let raw = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT access_token, refresh_token, api_key, api_secret FROM connector_auths \
             WHERE id = $1",
            [row.id.into()],
        ))
        .await
        .unwrap()
        .expect("the row");
    let columns_raw: Vec<Vec<u8>> = ["access_token", "refresh_token", "api_key", "api_secret"]
        .into_iter()
        .map(|c| raw.try_get::<Vec<u8>>("", c).unwrap())
        .collect();
    let all_raw = columns_raw.concat();
    for (i, (col, text)) in plain.iter().enumerate() {
        assert!(
            !contains(&all_raw, text.as_bytes()),
            "{col}: plaintext stored"
        );
        assert!(
            !contains(&all_raw, b"plaintext-of-"),
            "no plaintext fragment"
        );
        assert_eq!(sealed_key_id(&columns_raw[i]).unwrap(), "k2");
        let opened = keyring.open_string(&columns_raw[i], col).unwrap();
        assert_eq!(opened.as_str(), text, "{col} opens");
    }
    // Through the entity, too; and a value moved to another column does not open.
    let model = ConnectorAuths::find_by_id(row.id)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let api_key = keyring
        .open_opt(model.api_key.as_deref(), columns::CONNECTOR_AUTHS_API_KEY)
        .unwrap()
        .unwrap();
    assert_eq!(&api_key[..], plain[2].1.as_bytes());
    assert!(
        keyring
            .open_opt(
                model.api_key.as_deref(),
                columns::CONNECTOR_AUTHS_API_SECRET
            )
            .is_err()
    );
}
