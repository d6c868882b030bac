//! Opaque handles: C sees a token, Rust keeps the object in a registry.
//!
//! A handle is a non-zero integer id disguised as a pointer, never an address, so a NULL,
//! stale (closed) or wrong-kind handle is detected and reported as `OHLCV_STATUS_BAD_HANDLE`
//! instead of being dereferenced. Objects are reference-counted: a handle closed by one thread
//! while another thread is inside a call on it stays alive until that call returns.

use crate::{Error, ErrorKind, Result};
use std::any::Any;
use std::collections::BTreeMap;
use std::format;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

type Object = Arc<dyn Any + Send + Sync>;

fn registry() -> MutexGuard<'static, BTreeMap<u64, Object>> {
    static REGISTRY: OnceLock<Mutex<BTreeMap<u64, Object>>> = OnceLock::new();
    REGISTRY
        .get_or_init(Default::default)
        .lock()
        // A panic while holding the lock cannot leave the map itself inconsistent.
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Registers `value` and returns its handle token.
pub(crate) fn insert<T: Send + 'static>(value: T) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let obj: Object = Arc::new(Mutex::new(value));
    registry().insert(id, obj);
    id
}

/// Runs `f` with exclusive access to the object behind handle `h` of type `T`.
pub(crate) fn with<T: Send + 'static, R>(
    h: u64,
    kind: &str,
    f: impl FnOnce(&mut T) -> Result<R>,
) -> Result<R> {
    let obj = registry().get(&h).cloned().ok_or_else(|| bad(h, kind))?;
    let cell = obj.downcast_ref::<Mutex<T>>().ok_or_else(|| bad(h, kind))?;
    f(&mut lock(cell))
}

/// Unregisters handle `h` of type `T` and returns the object. A call that is using it on
/// another thread keeps its own reference; lock the returned mutex to wait for it to finish.
pub(crate) fn remove<T: Send + 'static>(h: u64, kind: &str) -> Result<Arc<Mutex<T>>> {
    let mut reg = registry();
    let obj = match reg.get(&h) {
        Some(obj) if obj.downcast_ref::<Mutex<T>>().is_some() => reg.remove(&h),
        _ => None,
    };
    obj.and_then(|o| o.downcast::<Mutex<T>>().ok())
        .ok_or_else(|| bad(h, kind))
}

/// Locks an object returned by [`remove`], whatever a panicking holder left behind.
pub(crate) fn lock<T>(obj: &Mutex<T>) -> MutexGuard<'_, T> {
    obj.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Number of open handles of every kind (for leak checks in tests).
pub(crate) fn open_count() -> usize {
    registry().len()
}

fn bad(h: u64, kind: &str) -> Error {
    if h == 0 {
        Error::new(ErrorKind::BadHandle, format!("{kind} handle is NULL"))
    } else {
        Error::new(
            ErrorKind::BadHandle,
            format!("{kind} handle {h:#x} is not open (closed twice, or not a {kind})"),
        )
    }
}

/// Converts a handle pointer from C to its token.
pub(crate) fn token<T>(p: *const T) -> u64 {
    p as usize as u64
}

/// Converts a token to the opaque pointer C sees.
pub(crate) fn pointer<T>(id: u64) -> *mut T {
    // Tokens are small integers; they are never dereferenced, only compared.
    core::ptr::without_provenance_mut(id as usize)
}
