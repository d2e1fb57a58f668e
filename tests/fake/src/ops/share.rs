//! Sharing: `shared-image/create`, `shared-image/delete`, `shared-image/accept`,
//! `shared-image/reject`.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn valid_account_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(super) fn share(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let dest = p.required("destinationAccountID")?;
    if !valid_account_id(&dest) {
        return Err(invalid(format!("destinationAccountID {dest:?} is not an account id (32 hex characters)")));
    }
    let img = own_active(state, &ctx.account, &region, &id)?;
    if img.image_type.as_deref() == Some("iso_image") {
        return Err(unsupported_type(&id, img.image_type.as_deref(), "shared"));
    }
    if dest == ctx.account {
        return Err(Fail::new("Image.Share.SelfShare", "an image cannot be shared with its owner", "不能共享给自己"));
    }
    if img.share_with(&dest).is_some() {
        return Err(Fail::new(
            "Image.Share.Duplicate",
            format!("image {id} is already shared with {dest}"),
            "镜像已共享给该账号",
        ));
    }
    img.shares.push(Share { account: dest, status: ShareStatus::Waiting, created: now_epoch() });
    Ok(json!({}))
}

pub(super) fn unshare(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let all = p.bool("cancelAllSharedAccount", false)?;
    let dests: Vec<String> = if all {
        Vec::new()
    } else {
        let list = p.opt("destinationAccountID").ok_or_else(|| {
            Fail::new(
                "Image.Parameter.Missing",
                "give destinationAccountID or cancelAllSharedAccount=true",
                "缺少必填参数",
            )
        })?;
        list.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
    };
    if dests.len() > 50 {
        return Err(invalid("destinationAccountID lists at most 50 accounts"));
    }
    let img = own(state, &ctx.account, &region, &id)?;
    let accepted = |s: &Share| s.status == ShareStatus::Accepted;
    let targets: Vec<&Share> = if all {
        img.shares.iter().collect()
    } else {
        let mut t = Vec::new();
        for d in &dests {
            match img.share_with(d) {
                Some(s) => t.push(s),
                None => {
                    return Err(Fail::new(
                        "Image.Share.NotFound",
                        format!("image {id} is not shared with {d}"),
                        "共享关系不存在",
                    ))
                }
            }
        }
        t
    };
    if let Some(s) = targets.iter().find(|s| accepted(s)) {
        return Err(Fail::new(
            "Image.Share.Accepted",
            format!("account {} has accepted image {id}; an accepted share cannot be cancelled", s.account),
            "共享已被接受，无法取消",
        ));
    }
    if all {
        img.shares.clear();
    } else {
        img.shares.retain(|s| !dests.contains(&s.account));
    }
    Ok(json!({}))
}

/// The share of image `id` with the caller (an image another account shared with it).
pub(super) fn my_share<'s>(state: &'s mut State, ctx: &Ctx, region: &str, id: &str) -> Result<&'s mut Share, Fail> {
    if !state.settle_image(id) {
        return Err(not_found(id));
    }
    let img = state.images.get_mut(id).filter(|i| i.region == region).ok_or_else(|| not_found(id))?;
    let share = img.shares.iter_mut().find(|s| s.account == ctx.account);
    share.ok_or_else(|| {
        Fail::new("Image.Share.NotFound", format!("image {id} is not shared with this account"), "共享关系不存在")
    })
}

pub(super) fn share_state(id: &str, status: ShareStatus, wanted: &str) -> Fail {
    Fail::new(
        "Image.Share.StateInvalid",
        format!("the share of image {id} is {status}; this operation needs it {wanted}"),
        "共享状态不支持该操作",
    )
}

pub(super) fn accept(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    answer_share(my_share(state, ctx, &region, &id)?, &id, Action::Accept)
}

pub(super) fn reject(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    answer_share(my_share(state, ctx, &region, &id)?, &id, Action::Reject)
}

/// Accepts or rejects a share (see [`SHARE_TRANSITIONS`]).
fn answer_share(s: &mut Share, id: &str, action: Action) -> Outcome {
    let rule = rule_of(SHARE_TRANSITIONS, action);
    if !rule.allows(s.status) {
        return Err(share_state(id, s.status, &rule.wanted()));
    }
    s.status = rule.via;
    Ok(json!({}))
}
