//! A minimal `multipart/form-data` encoder for the API's single-file uploads.

/// One file field of a multipart form.
#[derive(Debug, Clone)]
pub struct FilePart {
    field: String,
    file_name: String,
    content_type: String,
    data: Vec<u8>,
}

impl FilePart {
    /// A file field `field` holding `data` named `file_name`.
    pub fn new(
        field: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: Vec<u8>,
    ) -> Self {
        FilePart {
            field: field.into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
            data,
        }
    }

    /// The encoded body and its content type (with a random boundary).
    pub fn encode(&self) -> (Vec<u8>, String) {
        let boundary = format!("jaicp-{}", uuid::Uuid::new_v4().simple());
        let clean = |s: &str| s.replace(['"', '\r', '\n'], "_");
        let mut body = Vec::with_capacity(self.data.len() + 256);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                clean(&self.field),
                clean(&self.file_name),
                clean(&self.content_type),
            )
            .as_bytes(),
        );
        body.extend_from_slice(&self.data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (body, format!("multipart/form-data; boundary={boundary}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_one_file() {
        let (body, ct) =
            FilePart::new("file", "a\"b.json", "application/json", b"{}".to_vec()).encode();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"file\"; filename=\"a_b.json\""));
        assert!(text.contains("\r\n\r\n{}\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
