//! Object storage: `s3://`, `gs://`, `az://` and `http(s)://` locations through the `object_store`
//! crate (the client DataFusion builds on), configured the standard way from the environment:
//! `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL` (S3-compatible stores), web identity and instance credentials;
//! `GOOGLE_APPLICATION_CREDENTIALS`/`GOOGLE_SERVICE_ACCOUNT`; `AZURE_STORAGE_ACCOUNT_NAME` and its
//! keys or tokens. `SLUICE_STORE_RETRIES` and `SLUICE_STORE_RETRY_TIMEOUT_S` bound how long a
//! failing request is retried (defaults 10 and 180 s).
//!
//! Inputs ([`fetch`]) are copied whole into the run's scratch directory and read there by the
//! readers local files go through, so an object gives the same documents as the same file on disk.
//! Outputs ([`publish`]) are built in a local staging directory and uploaded when finished.

mod publish;

pub use publish::{Published, clear_stage, publish, remote_fingerprint, stage_base, stage_dir};

use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::StreamExt;
use object_store::path::Path as Key;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt, ObjectStoreScheme, RetryConfig};
use tokio::io::AsyncWriteExt;

use crate::error::{Error, Result};

/// Schemes sluice reads as object storage; anything else is a local path.
const SCHEMES: [&str; 10] = [
    "s3", "s3a", "gs", "az", "azure", "abfs", "abfss", "adl", "http", "https",
];

/// Does `p` name an object-store location (`s3://bucket/key`, ...) rather than a local path?
pub fn is_url(p: &FsPath) -> bool {
    p.to_str()
        .and_then(|s| s.split_once("://"))
        .is_some_and(|(scheme, _)| SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()))
}

/// The bytes of an input read whole (a tokenizer.json, a model file) named by a local path or a
/// URL; `what` names it in errors ("tokenizer").
pub fn read_whole(p: &FsPath, what: &str) -> Result<Vec<u8>> {
    if !is_url(p) {
        return std::fs::read(p).map_err(|e| Error::io(&format!("read {what}"), p, e));
    }
    let url = p.to_string_lossy();
    Location::parse(&url)?
        .read()?
        .ok_or_else(|| err!(input("{what} {url} does not exist")))
}

/// A store and a key in it, with the URL the user wrote (for messages).
#[derive(Clone)]
pub struct Location {
    store: Arc<dyn ObjectStore>,
    /// `scheme://bucket` (or `scheme://host:port`), without a trailing slash.
    root: String,
    key: Key,
    /// Whether the store can list keys (HTTP servers cannot).
    listable: bool,
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.url())
    }
}

impl Location {
    /// Parse `url` and connect to its store (clients are shared per bucket).
    pub fn parse(url: &str) -> Result<Location> {
        let parsed =
            url::Url::parse(url).map_err(|e| err!(config("{url} is not a valid URL: {e}")))?;
        let (scheme, key) = ObjectStoreScheme::parse(&parsed)
            .map_err(|e| err!(config("{url}: not an object-store URL sluice reads: {e}")))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| err!(config("{url}: names no bucket or host")))?;
        let root = match parsed.port() {
            Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
            None => format!("{}://{host}", parsed.scheme()),
        };
        let listable = !matches!(scheme, ObjectStoreScheme::Http);
        let store = client(&scheme, &root, url)?;
        Ok(Location {
            store,
            root,
            key: key.clone(),
            listable,
        })
    }

    pub fn url(&self) -> String {
        if self.is_root() {
            self.root.clone()
        } else {
            format!("{}/{}", self.root, self.key)
        }
    }

    /// Whether keys below this one can be listed (not on a plain HTTP server).
    pub fn listable(&self) -> bool {
        self.listable
    }

    /// A bucket (or host) itself, no key.
    pub fn is_root(&self) -> bool {
        self.key.as_ref().is_empty()
    }

    /// The location `rel` (a `/`-separated relative path) below this one.
    pub fn join(&self, rel: &str) -> Location {
        let mut key = self.key.as_ref().to_string();
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str(part);
        }
        Location {
            key: Key::from(key),
            ..self.clone()
        }
    }

    /// The object's metadata, or `None` when there is no object at this key.
    pub fn head(&self) -> Result<Option<ObjectMeta>> {
        match block(self.store.head(&self.key)) {
            Ok(m) => Ok(Some(m)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error("stat", e)),
        }
    }

    /// Every object below this key (as a directory), in key order, with its key relative to it.
    pub fn list(&self) -> Result<Vec<(String, ObjectMeta)>> {
        if !self.listable {
            bail!(config(
                "{}: an HTTP server cannot be listed; name each file",
                self.url()
            ));
        }
        let prefix = self.key.clone();
        let metas: Vec<object_store::Result<ObjectMeta>> =
            block(self.store.list(Some(&prefix)).collect());
        let base = prefix.as_ref().len();
        let mut out = Vec::new();
        for m in metas {
            let m = m.map_err(|e| self.error("list", e))?;
            let rel = m.location.as_ref()[base..]
                .trim_start_matches('/')
                .to_string();
            out.push((rel, m));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Download the object into `dest` (replaced), streaming; returns its size.
    pub fn fetch(&self, dest: &FsPath) -> Result<u64> {
        let res: std::result::Result<u64, FetchError> = block(async {
            let got = self.store.get(&self.key).await.map_err(FetchError::Store)?;
            let mut stream = got.into_stream();
            let mut f = tokio::fs::File::create(dest)
                .await
                .map_err(FetchError::Disk)?;
            let mut n = 0u64;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(FetchError::Store)?;
                n += chunk.len() as u64;
                f.write_all(&chunk).await.map_err(FetchError::Disk)?;
            }
            f.flush().await.map_err(FetchError::Disk)?;
            Ok(n)
        });
        res.map_err(|e| match e {
            FetchError::Store(e) => self.error("read", e),
            FetchError::Disk(e) => Error::io("write", dest, e),
        })
    }

    /// sha256 of the object, hex, streamed.
    pub fn sha256(&self) -> Result<String> {
        use sha2::Digest;
        let res: object_store::Result<String> = block(async {
            let mut stream = self.store.get(&self.key).await?.into_stream();
            let mut h = sha2::Sha256::new();
            while let Some(chunk) = stream.next().await {
                h.update(&chunk?);
            }
            Ok(hex::encode(h.finalize()))
        });
        res.map_err(|e| self.error("read", e))
    }

    /// The object's bytes, or `None` when there is none.
    pub fn read(&self) -> Result<Option<Vec<u8>>> {
        let res = block(async {
            let got = self.store.get(&self.key).await?;
            got.bytes().await
        });
        match res {
            Ok(b) => Ok(Some(b.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error("read", e)),
        }
    }

    /// A sluice error for a failed `what` on this location: a missing object or refused access
    /// is the input's fault (`input`), anything else (a dropped connection, a timeout after the
    /// retries) is `io`.
    pub(crate) fn error(&self, what: &str, e: object_store::Error) -> Error {
        let url = self.url();
        match e {
            object_store::Error::NotFound { .. } => err!(input("{url} does not exist")),
            object_store::Error::PermissionDenied { source, .. }
            | object_store::Error::Unauthenticated { source, .. } => err!(input(
                "{url}: access denied ({}); check the store's credentials",
                one_line(&*source)
            )),
            e => Error::Io {
                context: format!("{what} {url}"),
                source: std::io::Error::other(one_line(&e)),
            },
        }
    }
}

enum FetchError {
    Store(object_store::Error),
    Disk(std::io::Error),
}

/// An error and its causes on one line (the store's errors nest the HTTP client's).
fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let s = c.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        cause = c.source();
    }
    text
}

/// One client per bucket or host, built from the environment on first use.
fn client(scheme: &ObjectStoreScheme, root: &str, url: &str) -> Result<Arc<dyn ObjectStore>> {
    static CLIENTS: OnceLock<Mutex<HashMap<String, Arc<dyn ObjectStore>>>> = OnceLock::new();
    let clients = CLIENTS.get_or_init(Default::default);
    let mut clients = clients
        .lock()
        .map_err(|_| Error::internal("object-store client cache poisoned"))?;
    if let Some(c) = clients.get(root) {
        return Ok(c.clone());
    }
    let bad = |e: object_store::Error| err!(config("{url}: cannot set up the store client: {e}"));
    let retry = retry_config()?;
    let store: Arc<dyn ObjectStore> = match scheme {
        ObjectStoreScheme::AmazonS3 => {
            let mut b = object_store::aws::AmazonS3Builder::from_env()
                .with_url(root)
                .with_retry(retry);
            // An S3-compatible server on plain HTTP (MinIO, moto, a gateway) is what the user
            // asked for by naming an http:// endpoint.
            let endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT"]
                .iter()
                .find_map(|v| std::env::var(v).ok());
            if let Some(ep) = endpoint {
                b = b
                    .with_endpoint(&ep)
                    .with_allow_http(ep.starts_with("http://"));
            }
            if std::env::var_os("AWS_REGION").is_none()
                && std::env::var_os("AWS_DEFAULT_REGION").is_none()
            {
                b = b.with_region("us-east-1");
            }
            Arc::new(b.build().map_err(bad)?)
        }
        ObjectStoreScheme::GoogleCloudStorage => Arc::new(
            object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_url(root)
                .with_retry(retry)
                .build()
                .map_err(bad)?,
        ),
        ObjectStoreScheme::MicrosoftAzure => Arc::new(
            object_store::azure::MicrosoftAzureBuilder::from_env()
                .with_url(root)
                .with_retry(retry)
                .build()
                .map_err(bad)?,
        ),
        ObjectStoreScheme::Http => Arc::new(
            object_store::http::HttpBuilder::new()
                .with_url(root)
                .with_retry(retry)
                .with_client_options(
                    object_store::ClientOptions::new().with_allow_http(root.starts_with("http:")),
                )
                .build()
                .map_err(bad)?,
        ),
        _ => bail!(config("{url}: not an object-store URL sluice reads")),
    };
    clients.insert(root.to_string(), store.clone());
    Ok(store)
}

fn retry_config() -> Result<RetryConfig> {
    let var = |name: &str, default: u64| -> Result<u64> {
        match std::env::var(name) {
            Ok(v) => v
                .trim()
                .parse()
                .map_err(|_| err!(config("{name}={v} is not a whole number"))),
            Err(_) => Ok(default),
        }
    };
    Ok(RetryConfig {
        max_retries: var("SLUICE_STORE_RETRIES", 10)? as usize,
        retry_timeout: Duration::from_secs(var("SLUICE_STORE_RETRY_TIMEOUT_S", 180)?),
        ..RetryConfig::default()
    })
}

/// Run `f` to completion on the shared I/O runtime. Called from plain threads only (never from
/// inside another runtime): the document readers and the publisher block on it.
pub(crate) fn block<F: std::future::Future>(f: F) -> F::Output {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sluice-store")
            .enable_all()
            .build()
            .expect("start the object-store runtime")
    })
    .block_on(f)
}
