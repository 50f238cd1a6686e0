//! The spool of uploads: a private directory for the files being imported (a ListaPosPA declaration is
//! written to disk as it arrives and read from there, so it never sits in memory).
//!
//! The directory is `CASSETTO_SPOOL_DIR`, or `<temp>/cassetto-spool-<uid>`: created mode 0700, and refused
//! when it exists but is not a real directory of ours (a directory or link planted in a shared `/tmp`);
//! too-open permissions of our own directory are tightened. Each file is created new, mode 0600, with a
//! random name, and holds an exclusive lock for as long as its upload lives; at start `sweep` removes every
//! file whose lock nobody holds — the leftovers of a crashed process — and leaves the files of another
//! live process on the same directory alone.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static DIR: OnceLock<PathBuf> = OnceLock::new();

/// The default directory: in the system's temporary directory, one per user.
pub fn default_dir() -> PathBuf {
    std::env::temp_dir().join(format!("cassetto-spool-{}", rustix::process::getuid().as_raw()))
}

/// Chooses the directory (once, at start; `None` for the default). Later calls keep the first choice.
pub fn configure(dir: Option<PathBuf>) -> &'static Path {
    DIR.get_or_init(|| dir.unwrap_or_else(default_dir))
}

/// The directory, made private if needed.
pub fn dir() -> io::Result<&'static Path> {
    let dir = configure(None);
    ensure_private(dir)?;
    Ok(dir)
}

/// Creates `dir` mode 0700, or checks an existing one: a directory (not a link), owned by us; its mode is
/// tightened to 0700.
pub fn ensure_private(dir: &Path) -> io::Result<()> {
    match DirBuilder::new().recursive(false).mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => DirBuilder::new().recursive(true).mode(0o700).create(dir)?,
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.file_type().is_dir() {
        return Err(io::Error::other(format!("{} is not a directory", dir.display())));
    }
    if meta.uid() != rustix::process::getuid().as_raw() {
        return Err(io::Error::other(format!("{} belongs to another user", dir.display())));
    }
    if meta.mode() & 0o777 != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A spooled file: created new, mode 0600, locked while it lives, removed when dropped.
pub struct SpoolFile {
    path: PathBuf,
    file: File,
}

impl SpoolFile {
    /// A new file in the spool named `<prefix>-<random>.xml`.
    pub fn create(prefix: &str) -> io::Result<SpoolFile> {
        let dir = dir()?;
        let mut random = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut random);
        let path = dir.join(format!("{prefix}-{}.xml", hex::encode(random)));
        let file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
        // The lock marks it as alive for `sweep` (of this or another process); it goes with the file.
        file.try_lock().map_err(|e| io::Error::other(e.to_string()))?;
        Ok(SpoolFile { path, file })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Another handle of the open file, for writing (the lock stays with this one).
    pub fn writer(&self) -> io::Result<File> {
        self.file.try_clone()
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Removes the files of `dir` that no live upload holds (left by a crash). Returns how many.
pub fn sweep(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if !entry.file_type()?.is_file() {
            continue;
        }
        let Ok(file) = File::open(&path) else { continue };
        // A lock we can take is a lock nobody holds: the upload that made the file is gone.
        if file.try_lock().is_ok() && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_is_private_and_only_orphans_are_swept() {
        let base = std::env::temp_dir().join(format!("cassetto-spool-test-{}", std::process::id()));
        let dir = base.join("spool");
        ensure_private(&dir).expect("create");
        assert_eq!(std::fs::metadata(&dir).expect("meta").mode() & 0o777, 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        ensure_private(&dir).expect("tighten");
        assert_eq!(std::fs::metadata(&dir).expect("meta").mode() & 0o777, 0o700);

        let orphan = dir.join("cassetto-dma-orphan.xml");
        std::fs::write(&orphan, "x").expect("orphan");
        let live = dir.join("cassetto-dma-live.xml");
        let held = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&live).expect("live");
        held.try_lock().expect("lock");
        assert_eq!(sweep(&dir).expect("sweep"), 1);
        assert!(!orphan.exists() && live.exists());
        drop(held);
        assert_eq!(sweep(&dir).expect("sweep"), 1);

        let file = SpoolFile::create("cassetto-test").expect("spool file");
        assert_eq!(std::fs::metadata(file.path()).expect("meta").mode() & 0o777, 0o600);
        let path = file.path().to_path_buf();
        drop(file);
        assert!(!path.exists(), "removed when dropped");

        let link = base.join("link");
        std::os::unix::fs::symlink(&dir, &link).expect("symlink");
        assert!(ensure_private(&link).is_err(), "a link is not our directory");
        std::fs::remove_dir_all(&base).expect("clean");
    }
}
