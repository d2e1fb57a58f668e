//! Copies: `cross-region-copy`, `copy`, `create-from-shared`.

use super::share::{my_share, share_state};
#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn cross_region_copy(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let dest = p.required("destinationRegionID")?;
    let id = p.required("imageID")?;
    let name = p.required("imageName")?;
    let common = common(p, 10, 32, false)?;
    let src = own_active(state, &ctx.account, &region, &id)?.clone();
    if src.image_type.as_deref() == Some("full_ecs_image") {
        return Err(unsupported_type(&id, src.image_type.as_deref(), "copied across regions"));
    }
    if dest == region || !state.regions.contains(&dest) {
        return Err(Fail::new(
            "Image.Region.Unsupported",
            format!("{dest} is not a cross-region copy destination of {region} (see list-supported-dest-crr-regions)"),
            "目标资源池不支持",
        ));
    }
    check_name(state, &ctx.account, &dest, &name, None)?;
    let running: Vec<String> = state
        .images
        .values()
        .filter(|i| i.region == dest && i.copied_from.as_ref().is_some_and(|(s, r)| *s == id && *r == region))
        .map(|i| i.id.clone())
        .collect();
    for cid in running {
        if state.settle_image(&cid) && state.images[&cid].status == ImageStatus::Queued {
            return Err(Fail::new(
                "Image.Copy.InProgress",
                format!("image {id} is already being copied to {dest}"),
                "镜像复制任务进行中",
            ));
        }
    }
    state.seed_region(&dest);
    let mut img = copy_of(state, &src, &ctx.account, &dest, &name);
    common.apply(&mut img);
    (img.minimum_ram, img.maximum_ram) = (src.minimum_ram, src.maximum_ram);
    insert_creating(state, img);
    Ok(json!({}))
}

pub(super) fn copy(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let name = p.required("imageName")?;
    let cmk = p.opt("cmkID");
    let common = common(p, 50, 128, false)?;
    let src = own_active(state, &ctx.account, &region, &id)?.clone();
    if !matches!(src.image_type.as_deref(), None | Some("data_disk_image")) {
        return Err(unsupported_type(&id, src.image_type.as_deref(), "copied (system-disk or data-disk images only)"));
    }
    check_name(state, &ctx.account, &region, &name, None)?;
    let mut img = copy_of(state, &src, &ctx.account, &region, &name);
    common.apply(&mut img);
    (img.minimum_ram, img.maximum_ram) = (src.minimum_ram, src.maximum_ram);
    img.is_encrypt = true;
    img.cmk_id = Some(cmk.unwrap_or_else(|| "default-image-cmk".into()));
    insert_creating(state, img);
    Ok(json!({}))
}

pub(super) fn create_from_shared(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let name = p.required("imageName")?;
    let common = common(p, 10, 128, false)?;
    let status = my_share(state, ctx, &region, &id)?.status;
    if status != ShareStatus::Accepted {
        return Err(share_state(&id, status, "accepted (accept the shared image first)"));
    }
    let src = state.images[&id].clone();
    if src.status != ImageStatus::Active {
        return Err(wrong_state(&id, src.status, ImageStatus::Active.as_str()));
    }
    check_name(state, &ctx.account, &region, &name, None)?;
    let mut img = copy_of(state, &src, &ctx.account, &region, &name);
    common.apply(&mut img);
    (img.minimum_ram, img.maximum_ram) = (src.minimum_ram, src.maximum_ram);
    insert_creating(state, img);
    Ok(json!({}))
}
