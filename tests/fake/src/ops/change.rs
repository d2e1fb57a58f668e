//! Changing images: `update`, `update-labels`, `delete`, `deactivate`, `reactivate`.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn update(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let boot_mode = p.one_of("bootMode", &["bios", "uefi"])?;
    let name = p.opt("imageName");
    let support_xssd = p.opt("supportXSSD").map(|_| p.bool("supportXSSD", false)).transpose()?;
    let desc = match p.str("description") {
        Some(d) if d.is_empty() => Some(None),
        Some(_) => Some(description(p)?),
        None => None,
    };
    let img = own_active(state, &ctx.account, &region, &id)?;
    let current_ram = (img.minimum_ram, img.maximum_ram);
    let (system_like, arch) =
        (img.image_type.is_none() || img.image_type.as_deref() == Some("full_ecs_image"), img.architecture.clone());
    let ty = img.image_type.clone();
    let ram = ram(p, current_ram)?;
    if boot_mode.is_some() && !(system_like && arch == "x86_64") {
        return Err(unsupported_type(&id, ty.as_deref(), "given a bootMode (x86_64 system-disk images only)"));
    }
    if ram != current_ram && ty.is_some() {
        return Err(unsupported_type(&id, ty.as_deref(), "given RAM limits (system-disk images only)"));
    }
    if let Some(n) = &name {
        check_name(state, &ctx.account, &region, n, Some(&id))?;
    }
    let img = state.images.get_mut(&id).expect("checked above");
    if let Some(n) = name {
        img.name = n;
    }
    if let Some(b) = boot_mode {
        img.boot_mode = b;
    }
    if let Some(d) = desc {
        img.description = d;
    }
    if let Some(x) = support_xssd {
        img.support_xssd = x;
    }
    (img.minimum_ram, img.maximum_ram) = ram;
    img.updated = now_epoch();
    Ok(json!({}))
}

pub(super) fn update_labels(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let list = p.required("imageIDList")?;
    let op = p.one_of("operateType", &["BIND", "UNBIND"])?.ok_or_else(|| missing("operateType"))?;
    if p.value("labels").is_none() {
        return Err(missing("labels"));
    }
    let labels = labels(p, 10, 128)?;
    let ids: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    if ids.is_empty() || ids.len() > 50 {
        return Err(invalid(format!("imageIDList must hold 1-50 comma-separated image ids, got {}", ids.len())));
    }
    for id in &ids {
        own(state, &ctx.account, &region, id)?;
    }
    for id in &ids {
        let img = state.images.get_mut(id).expect("checked above");
        for (k, v) in &labels {
            if op == "BIND" {
                match img.labels.iter_mut().find(|(ik, _)| ik == k) {
                    Some(existing) => existing.1 = v.clone(),
                    None => img.labels.push((k.clone(), v.clone())),
                }
            } else {
                img.labels.retain(|(ik, iv)| !(ik == k && iv == v));
            }
        }
    }
    Ok(json!({}))
}

pub(super) fn delete(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let img = own(state, &ctx.account, &region, &id)?;
    let rule = rule_of(IMAGE_TRANSITIONS, Action::Delete);
    if !rule.allows(img.status) {
        return Err(wrong_state(&id, img.status, &rule.wanted()));
    }
    if img.shares.iter().any(|s| s.status == ShareStatus::Accepted) {
        return Err(Fail::new(
            "Image.Share.Accepted",
            format!("image {id} has accepted shares; the recipients must reject them first"),
            "镜像存在已接受的共享",
        ));
    }
    begin(state, &id, Action::Delete)?;
    Ok(json!({}))
}

pub(super) fn deactivate(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let img = own_active(state, &ctx.account, &region, &id)?;
    if img.image_type.as_deref() == Some("iso_image") {
        return Err(unsupported_type(&id, img.image_type.as_deref(), "deactivated"));
    }
    if !img.shares.is_empty() {
        return Err(Fail::new(
            "Image.Share.Exists",
            format!("image {id} is shared with {} account(s); cancel the shares first", img.shares.len()),
            "镜像存在共享",
        ));
    }
    begin(state, &id, Action::Deactivate)?;
    Ok(json!({}))
}

pub(super) fn reactivate(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    own(state, &ctx.account, &region, &id)?;
    begin(state, &id, Action::Reactivate)?;
    Ok(json!({}))
}
