//! Staff: roles, the permission table, accounts, two-factor status, sessions and the
//! audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A staff member's role; what each may do is [`Role::can`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Editor,
    Author,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Editor, Role::Author];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The permission table.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            OwnAccount | WriteDrafts | SubmitForReview => true,
            EditAny | Publish | Schedule | Archive | AddCorrection => {
                matches!(self, Role::Owner | Role::Admin | Role::Editor)
            }
            ViewAudit | ManageUsers | ManageSettings => matches!(self, Role::Owner | Role::Admin),
            ManageSecurity => self == Role::Owner,
        }
    }
}

/// Everything a staff member can be allowed to do. [`Role::can`] is the one permission
/// table; every admin server function checks one of these on its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// See the admin article list, open articles they may edit, write new drafts.
    WriteDrafts,
    /// Hand a draft to the editors.
    SubmitForReview,
    /// Edit any article in any state, see its history and restore revisions.
    EditAny,
    Publish,
    Schedule,
    Archive,
    AddCorrection,
    /// Read the audit log.
    ViewAudit,
    /// Invite staff, change roles, deactivate accounts.
    ManageUsers,
    /// One's own account: sessions, password, two-factor sign-in.
    OwnAccount,
    /// Site-wide security settings, such as requiring two-factor sign-in for all staff.
    ManageSecurity,
    /// The publication's settings: name, language, time zone, …
    ManageSettings,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::OwnAccount,
        Permission::ManageSecurity,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::WriteDrafts,
        Permission::SubmitForReview,
        Permission::EditAny,
        Permission::Publish,
        Permission::Schedule,
        Permission::Archive,
        Permission::AddCorrection,
        Permission::ManageSettings,
    ];
}

/// A staff account as the rest of the system sees it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub slug: String,
    pub role: Role,
    /// The site requires two-factor sign-in and this user has not set it up yet: until
    /// they do, only their own account page is open to them.
    #[serde(default)]
    pub needs_two_factor: bool,
}

/// A two-factor enrolment in progress, shown only to its own user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The base32 secret in groups of four, for typing into an app.
    pub secret: String,
    pub otpauth_uri: String,
    /// The `otpauth://` link as an SVG QR code in a `data:` URI.
    pub qr_data_uri: String,
}

/// The account page's view of a user's two-factor sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: i64,
    pub pending: Option<TotpEnrolment>,
    /// The site requires two-factor sign-in of all staff.
    pub required: bool,
    /// The caller may change whether it is required (owners).
    pub can_require: bool,
}

/// One of a user's live sessions, for the "your sessions" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The stored hash of the session's token: names it for revoking, useless as a login.
    pub key: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub current: bool,
}

/// A staff account in the users admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub user: User,
    pub active: bool,
}

/// An invitation not yet accepted, as the users admin lists it (never its link).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvite {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who acted (their email, or the email tried for a failed login).
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    /// The client address the request came from.
    pub address: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The permission table written out cell by cell, independently of [`Role::can`]:
    /// (permission, owner, admin, editor, author).
    const TABLE: [(Permission, [bool; 4]); 12] = [
        (Permission::OwnAccount, [true, true, true, true]),
        (Permission::WriteDrafts, [true, true, true, true]),
        (Permission::SubmitForReview, [true, true, true, true]),
        (Permission::EditAny, [true, true, true, false]),
        (Permission::Publish, [true, true, true, false]),
        (Permission::Schedule, [true, true, true, false]),
        (Permission::Archive, [true, true, true, false]),
        (Permission::AddCorrection, [true, true, true, false]),
        (Permission::ViewAudit, [true, true, false, false]),
        (Permission::ManageUsers, [true, true, false, false]),
        (Permission::ManageSecurity, [true, false, false, false]),
        (Permission::ManageSettings, [true, true, false, false]),
    ];

    #[test]
    fn every_role_and_permission_matches_the_written_table() {
        let roles = [Role::Owner, Role::Admin, Role::Editor, Role::Author];
        assert_eq!(Role::ALL.len(), roles.len());
        for p in Permission::ALL {
            let (_, row) = TABLE
                .iter()
                .find(|(q, _)| *q == p)
                .unwrap_or_else(|| panic!("{p:?} is missing from the written table"));
            for (role, expected) in roles.into_iter().zip(row) {
                assert_eq!(role.can(p), *expected, "{role:?} × {p:?}");
            }
        }
    }
}
