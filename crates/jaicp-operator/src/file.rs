//! A file an agent sends to the client: a link plus the optional name, size and caption that the
//! `FileMessage` event carries.

/// A file for [`crate::OperatorClient::send_file`]. A plain link converts into one
/// (`"https://…/x.pdf".into()`); the rest is set with the builder methods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperatorFile {
    /// Link to the file.
    pub url: String,
    /// File name shown to the client.
    pub name: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Caption of the file.
    pub comment: Option<String>,
}

impl OperatorFile {
    /// A file by link.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }

    /// The file name shown to the client.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The size in bytes. Sent as a JSON number; the help page's example writes the size as a
    /// string of digits, and JAICP's answer to a number is not documented (see `x-unconfirmed`
    /// on `FileMessageEvent.size` in specs/operator.yml).
    pub fn size(mut self, bytes: u64) -> Self {
        self.size = Some(bytes);
        self
    }

    /// A caption for the file.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

impl From<&str> for OperatorFile {
    fn from(url: &str) -> Self {
        Self::new(url)
    }
}

impl From<String> for OperatorFile {
    fn from(url: String) -> Self {
        Self::new(url)
    }
}
