//! Precompressed copies of the client's files. Each JS, WASM and CSS file in the
//! package directory gets a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9)
//! copy beside it, made at start in the background, once per build: a copy
//! newer than its file is kept. `/pkg/` then serves the copy the browser accepts
//! (brotli is about a fifth smaller than gzip on our WASM) without compressing
//! per request. Each copy is written to a temporary name and renamed, so a
//! second process starting at the same time never serves half a file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The files worth compressing (the icons and the manifest are tiny or PNG).
pub const EXTENSIONS: [&str; 3] = ["js", "wasm", "css"];

/// Whether `path` is one of the client's own files (not a compressed copy).
pub fn is_client_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

type Compress = fn(&[u8]) -> io::Result<Vec<u8>>;

fn brotli(data: &[u8]) -> io::Result<Vec<u8>> {
    let params = ::brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(data.len() / 3);
    ::brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::best(),
    );
    enc.write_all(data)?;
    enc.finish()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// The copy exists and was written after its file last changed.
fn fresh(copy: &Path, source_modified: SystemTime) -> bool {
    copy.metadata()
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= source_modified)
}

/// The client's own files in `dir` (not their compressed copies), by name.
pub fn client_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_client_file(p))
        .collect();
    files.sort();
    Ok(files)
}

/// Writes every missing or stale copy in `dir`; returns how many it wrote.
pub fn run(dir: &Path) -> io::Result<usize> {
    let mut written = 0;
    for path in client_files(dir)? {
        let modified = path.metadata()?.modified()?;
        let mut data = None;
        for (suffix, compress) in [("br", brotli as Compress), ("gz", gzip as Compress)] {
            let copy = with_suffix(&path, suffix);
            if fresh(&copy, modified) {
                continue;
            }
            let bytes = match &data {
                Some(b) => b,
                None => data.insert(std::fs::read(&path)?),
            };
            let tmp = with_suffix(&copy, &format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, compress(bytes)?)?;
            // The build rewrote the file while it was being compressed (a server
            // started during `cargo leptos build`): the copy would be of the old
            // file yet newer than the new one, so it is dropped for the next run.
            if path.metadata()?.modified()? != modified {
                std::fs::remove_file(&tmp)?;
                continue;
            }
            std::fs::rename(&tmp, &copy)?;
            written += 1;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_both_copies_once_and_they_decompress_to_the_file() {
        let dir = std::env::temp_dir().join(format!("auromart-precompress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let body = "(module) ".repeat(5000);
        std::fs::write(dir.join("app.wasm"), &body).unwrap();
        std::fs::write(dir.join("icon.png"), b"not compressed").unwrap();
        assert_eq!(run(&dir).unwrap(), 2);
        // Fresh copies are kept.
        assert_eq!(run(&dir).unwrap(), 0);
        assert!(!dir.join("icon.png.br").exists());

        let br = std::fs::read(dir.join("app.wasm.br")).unwrap();
        let mut back = String::new();
        ::brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, body);
        let gz = std::fs::read(dir.join("app.wasm.gz")).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, body);
        assert!(br.len() < body.len() / 10);

        // A rebuilt file gets new copies.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("app.wasm"), "changed").unwrap();
        assert_eq!(run(&dir).unwrap(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
