//! The Imputer handle, replicas and the audio cache.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use jaicp_core::auth::Auth;
use jaicp_core::request::{ApiContext, StreamingResponse};
use jaicp_core::{Client, Error, ImputerToken, Result};

/// Names the Imputer reserves for its own query parameters; a template variable cannot use them.
const RESERVED: [&str; 2] = ["replicaTemplateId", "voiceSpeed"];

/// Default number of replicas the cache keeps.
const DEFAULT_CACHE_ENTRIES: usize = 256;

/// One replica to render: a template id, its variables and an optional speed.
#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    /// The replica template id.
    pub template: String,
    /// Variable values by name.
    pub vars: BTreeMap<String, String>,
    /// Speed of the synthesised parts (0.5 to 2); `None` keeps the template's.
    pub speed: Option<f64>,
}

impl Replica {
    /// A replica of `template` with no variables.
    pub fn new(template: impl Into<String>) -> Self {
        Replica {
            template: template.into(),
            vars: BTreeMap::new(),
            speed: None,
        }
    }

    /// Sets a variable (`+` after a vowel marks the stress).
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets the speed (0.5 to 2).
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = Some(speed);
        self
    }

    /// Checks the replica before anything is sent.
    pub fn validate(&self) -> Result<()> {
        if self.template.trim().is_empty() {
            return Err(Error::invalid(
                "replicaTemplateId",
                "the template id cannot be empty",
            ));
        }
        if let Some(s) = self.speed
            && !(0.5..=2.0).contains(&s)
        {
            return Err(Error::invalid(
                "voiceSpeed",
                "the speed must be between 0.5 and 2",
            ));
        }
        for name in self.vars.keys() {
            if name.is_empty() || RESERVED.contains(&name.as_str()) {
                return Err(Error::invalid(
                    format!("variables.{name}"),
                    "a variable cannot be empty or be named replicaTemplateId or voiceSpeed",
                ));
            }
        }
        Ok(())
    }

    fn key(&self) -> String {
        let mut key = format!("{}\u{1f}{:?}", self.template, self.speed.map(f64::to_bits));
        for (k, v) in &self.vars {
            key.push('\u{1f}');
            key.push_str(k);
            key.push('\u{1e}');
            key.push_str(v);
        }
        key
    }
}

/// Rendered audio.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Audio {
    /// The bytes (WAV as far as we know).
    pub bytes: Vec<u8>,
    /// The `Content-Type` the server sent.
    pub content_type: Option<String>,
}

/// The Imputer API of one token. Cheap to clone; clones share the audio cache.
#[derive(Clone, Debug)]
pub struct Imputer {
    ctx: ApiContext,
    cache: Arc<Mutex<Cache>>,
}

#[derive(Debug, Default)]
struct Cache {
    entries: HashMap<String, Audio>,
    order: Vec<String>,
    capacity: usize,
}

impl Imputer {
    /// The Imputer API of the token given (it travels in the path and is redacted).
    pub fn new(client: &Client, token: &ImputerToken) -> Self {
        Imputer {
            ctx: client.api(Auth::path_token("token", token)),
            cache: Arc::new(Mutex::new(Cache {
                capacity: DEFAULT_CACHE_ENTRIES,
                ..Cache::default()
            })),
        }
    }

    /// Keeps at most `entries` replicas in the cache (0 turns it off).
    pub fn with_cache_entries(self, entries: usize) -> Self {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .capacity = entries;
        self
    }

    /// The underlying context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }

    fn request(&self, replica: &Replica) -> Result<jaicp_core::request::RequestBuilder> {
        replica.validate()?;
        let mut request = self
            .ctx
            .request(&crate::operations::GENERATE_AUDIO)
            .query("replicaTemplateId", &replica.template)
            .query_opt("voiceSpeed", replica.speed);
        for (k, v) in &replica.vars {
            request = request.query(k.as_str(), v);
        }
        Ok(request)
    }

    /// Renders a replica into memory, from the cache when the same replica was rendered before.
    pub async fn synthesize(&self, replica: &Replica) -> Result<Audio> {
        let key = replica.key();
        if let Some(hit) = self.cache_get(&key) {
            return Ok(hit);
        }
        let response = self.request(replica)?.send_raw().await?;
        let audio = Audio {
            content_type: response.header("content-type").map(str::to_owned),
            bytes: response.body.to_vec(),
        };
        self.cache_put(key, audio.clone());
        Ok(audio)
    }

    /// Renders a replica as a stream (not cached): write it with
    /// [`StreamingResponse::write_to`].
    pub async fn synthesize_stream(&self, replica: &Replica) -> Result<StreamingResponse> {
        self.request(replica)?.send_streaming().await
    }

    /// Renders a replica (through the cache) and writes it to `path`.
    pub async fn synthesize_to_file(
        &self,
        replica: &Replica,
        path: impl AsRef<Path>,
    ) -> Result<Audio> {
        let audio = self.synthesize(replica).await?;
        std::fs::write(path.as_ref(), &audio.bytes).map_err(|e| Error::Io {
            op: crate::operations::GENERATE_AUDIO.name(),
            message: e.to_string(),
        })?;
        Ok(audio)
    }

    /// Number of replicas in the cache.
    pub fn cached(&self) -> usize {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }

    fn cache_get(&self, key: &str) -> Option<Audio> {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .get(key)
            .cloned()
    }

    fn cache_put(&self, key: String, audio: Audio) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.capacity == 0 {
            return;
        }
        if cache.entries.len() >= cache.capacity && !cache.order.is_empty() {
            let old = cache.order.remove(0);
            cache.entries.remove(&old);
        }
        if cache.entries.insert(key.clone(), audio).is_none() {
            cache.order.push(key);
        }
    }
}
