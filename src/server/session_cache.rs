//! Sessions resolved in the last moment, kept in this process so that a busy
//! shop's every click does not ask PostgreSQL again who it is.
//!
//! An entry lives `session_cache_ms` (1 s by default; 0 turns the cache off).
//! What it holds changes only by log-out (this process forgets that session at
//! once) and by the admin changing an organisation's approval (this process
//! forgets everything at once). Other server processes see either change within
//! the same interval, when their entries run out.

use crate::auth::CurrentUser;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most; past it, expired ones are dropped, then all.
const MAX_ENTRIES: usize = 50_000;

pub struct SessionCache {
    ttl: Duration,
    entries: Mutex<HashMap<Vec<u8>, (CurrentUser, Instant)>>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> SessionCache {
        SessionCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The user behind a session token's hash, if resolved within the interval.
    pub fn get(&self, hash: &[u8]) -> Option<CurrentUser> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let (user, at) = entries.get(hash)?;
        (at.elapsed() < self.ttl).then(|| user.clone())
    }

    pub fn put(&self, hash: Vec<u8>, user: CurrentUser) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                let ttl = self.ttl;
                entries.retain(|_, (_, at)| at.elapsed() < ttl);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(hash, (user, Instant::now()));
        }
    }

    /// Forgets one session (it was ended).
    pub fn forget(&self, hash: &[u8]) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(hash);
        }
    }

    /// Forgets every session (an organisation's standing changed).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ApprovalState, Language, MemberRole, OrgKind};

    fn user(id: i64) -> CurrentUser {
        CurrentUser {
            user_id: id,
            name: "Owner".into(),
            role: MemberRole::Owner,
            language: Language::default(),
            org_id: 1,
            org_kind: OrgKind::Retailer,
            org_name: "Shop".into(),
            approval: ApprovalState::Active,
        }
    }

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let cache = SessionCache::new(Duration::from_millis(60));
        cache.put(vec![1], user(1));
        cache.put(vec![2], user(2));
        assert_eq!(cache.get(&[1]).map(|u| u.user_id), Some(1));
        cache.forget(&[1]);
        assert!(cache.get(&[1]).is_none());
        std::thread::sleep(Duration::from_millis(80));
        assert!(cache.get(&[2]).is_none(), "expired");
        cache.put(vec![3], user(3));
        cache.clear();
        assert!(cache.get(&[3]).is_none());
        let off = SessionCache::new(Duration::ZERO);
        off.put(vec![4], user(4));
        assert!(off.get(&[4]).is_none(), "0 turns it off");
    }
}
