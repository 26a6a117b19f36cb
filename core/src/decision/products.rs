//! Decisions on product orders: members-only products and prices, stock, and the online quantity limit.

use super::checks::Ctx;
use super::error::DecisionError;
use super::reason::{ReasonCode, Sentence};
use crate::error::Error;

pub(super) fn decide_product(
    ctx: &mut Ctx<'_>,
    product: &str,
    quantity: i64,
    member_price: bool,
    in_stock: Option<i64>,
) -> Result<(), Error> {
    let rules = ctx
        .rules
        .products
        .get(product)
        .ok_or_else(|| DecisionError::UnknownProduct { path: "action.product".into(), product: product.to_owned() })?;
    if quantity <= 0 {
        return Err(DecisionError::InvalidQuantity {
            path: "action.quantity".into(),
            value: quantity,
            rule: "must be at least 1",
        }
        .into());
    }
    if let Some(s) = in_stock.filter(|s| *s < 0) {
        return Err(DecisionError::InvalidQuantity {
            path: "action.in_stock".into(),
            value: s,
            rule: "must be 0 or more",
        }
        .into());
    }
    ctx.check_online(None);
    let wants_member_terms = rules.members_only || (member_price && rules.member_price);
    if wants_member_terms && !ctx.is_member()? {
        let what = if rules.members_only { "is sold to members only" } else { "has its member price for members only" };
        ctx.add(ReasonCode::ProductMembersOnly, Sentence::ProductMembersOnly { product: product.into(), what });
    }
    if let Some(stock) = in_stock.filter(|s| rules.track_stock && quantity > *s) {
        ctx.add(ReasonCode::OutOfStock, Sentence::OutOfStock { product: product.into(), quantity, stock });
    }
    if let Some(max) = rules.max_online_quantity.filter(|m| quantity > i64::from(*m)) {
        ctx.add(
            ReasonCode::QuantityAboveOnlineLimit,
            Sentence::QuantityAboveLimit { quantity, product: product.into(), max },
        );
    }
    Ok(())
}
