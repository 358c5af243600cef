//! The domain's enums as PostgreSQL values. Each is stored as its `as_str()`
//! text, in a column of a checked domain (`order_state`, `delivery_mode`:
//! migration 0011) or a TEXT column with a CHECK; rows decode straight into the
//! enum, so no page re-parses a state string. A value outside the enum (which
//! the database's checks do not let in) is a decode error, not a default.

use crate::domain::audit::AuditAction;
use crate::domain::invoice::DocKind;
use crate::domain::order::{DeliveryMode, OrderState};
use crate::domain::{ApprovalState, Language, MemberRole, OrgKind};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

macro_rules! text_enum {
    ($($t:ty => $domain:literal),* $(,)?) => {$(
        impl Type<Postgres> for $t {
            fn type_info() -> PgTypeInfo {
                <str as Type<Postgres>>::type_info()
            }

            fn compatible(ty: &PgTypeInfo) -> bool {
                <str as Type<Postgres>>::compatible(ty) || ty.to_string() == $domain
            }
        }

        impl PgHasArrayType for $t {
            fn array_type_info() -> PgTypeInfo {
                <&str as PgHasArrayType>::array_type_info()
            }
        }

        impl Encode<'_, Postgres> for $t {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Postgres>>::encode(self.as_str(), buf)
            }
        }

        impl Decode<'_, Postgres> for $t {
            fn decode(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<Postgres>>::decode(value)?;
                <$t>::parse(text).ok_or_else(|| {
                    format!("{:?} is not a {}", text, stringify!($t)).into()
                })
            }
        }
    )*};
}

text_enum!(
    OrgKind => "text",
    MemberRole => "text",
    ApprovalState => "text",
    Language => "text",
    OrderState => "order_state",
    DeliveryMode => "delivery_mode",
    DocKind => "text",
    AuditAction => "audit_action",
);
