//! Reading: `list`, `detail`, `show-shared-list`, `list-supported-dest-crr-regions`,
//! `list-import-tasks`, `list-tasks`.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn list(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let q = ListQuery::parse(p)?;
    state.seed_region(&q.region);
    let account = ctx.account.as_str();
    let rows = list_rows(state, &q, account);
    let (start, end) = page_bounds(rows.len(), q.page_no, q.page_size);
    let items = list_page(state, &q, account, &rows[start..end]);
    Ok(json!({
        "images": items,
        "currentPage": q.page_no,
        "currentCount": end - start,
        "totalPage": rows.len().div_ceil(q.page_size as usize),
        "totalCount": rows.len(),
    }))
}

/// `list`'s parameters, checked in the order the fake reports their errors.
struct ListQuery {
    region: String,
    /// `imageVisibilityCode`: 0 own, 1 public, 2 shared with me, 3 security, 4 community, 5 app.
    code: i64,
    page_no: i64,
    page_size: i64,
    name: Option<String>,
    image_type: Option<String>,
    share_status: Option<ShareStatus>,
    os_type: Option<&'static str>,
    scene: Option<String>,
    subcategory: Option<String>,
    project: Option<String>,
    /// `queryContent`, lowercased.
    query: Option<String>,
}

impl ListQuery {
    fn parse(p: &Params<'_>) -> Result<ListQuery, Fail> {
        Ok(ListQuery {
            region: p.required("regionID")?,
            code: p.int("imageVisibilityCode", 1, 0, 6)?,
            page_no: p.int("pageNo", 1, 1, i64::from(i32::MAX))?,
            page_size: p.int("pageSize", 10, 1, 200)?,
            name: p.opt("imageName"),
            image_type: p.one_of("imageType", &["data_disk_image", "others"])?,
            share_status: p.wire::<ShareStatus>("imageStatus")?,
            os_type: match p.int("osTypeCode", 0, 1, 2)? {
                0 => None,
                1 => Some("linux"),
                _ => Some("windows"),
            },
            scene: p.opt("imageScene"),
            subcategory: p.opt("imageSubcategory"),
            project: p.opt("projectID"),
            query: p.opt("queryContent").map(|q| q.to_lowercase()),
        })
    }

    /// Whether `i` is in the region and the catalogue `imageVisibilityCode` names.
    fn in_category(&self, i: &Image, account: &str) -> bool {
        i.region == self.region
            && match self.code {
                0 => i.owned_by(account),
                1 => i.owner.is_none() && i.visibility == "public",
                2 => i.share_with(account).is_some(),
                3 => i.owner.is_none() && i.visibility == "safe",
                4 => i.owner.is_none() && i.visibility == "community",
                5 => i.owner.is_none() && i.visibility == "app",
                _ => false,
            }
    }

    /// Whether `i` (in the category, settled) passes the filters: its category's own, then
    /// the OS type (not for shared images) and the free-text query.
    fn keeps(&self, i: &Image, account: &str) -> bool {
        self.category_filters(i, account)
            && (self.code == 2 || self.os_type.is_none_or(|o| i.os_type == o))
            && self.query.as_deref().is_none_or(|q| {
                [Some(&i.name), i.description.as_ref(), Some(&i.os_distro)]
                    .into_iter()
                    .flatten()
                    .any(|f| f.to_lowercase().contains(q))
            })
    }

    /// The filters only one category takes: name, type and project for one's own images, the
    /// share status for shared ones, scene and subcategory for app images.
    fn category_filters(&self, i: &Image, account: &str) -> bool {
        match self.code {
            0 => {
                self.name.as_deref().is_none_or(|n| i.name.contains(n))
                    && match self.image_type.as_deref() {
                        Some("data_disk_image") => i.image_type.as_deref() == Some("data_disk_image"),
                        Some(_) => i.image_type.as_deref() != Some("data_disk_image"),
                        None => true,
                    }
                    && self.project.as_deref().is_none_or(|pr| i.project_id == pr)
            }
            2 => {
                let s = i.share_with(account).map(|s| s.status);
                match self.share_status {
                    Some(wanted) => s == Some(wanted),
                    None => matches!(s, Some(ShareStatus::Accepted | ShareStatus::Waiting)),
                }
            }
            5 => {
                let has = |field: &Option<String>, want: &Option<String>| {
                    want.as_deref().is_none_or(|w| field.as_deref().is_some_and(|f| f.split(',').any(|x| x == w)))
                };
                has(&i.image_scene, &self.scene) && has(&i.image_subcategory, &self.subcategory)
            }
            _ => true,
        }
    }
}

/// The images `q` selects (each settled first), as `(seq, id)` in creation order.
fn list_rows(state: &mut State, q: &ListQuery, account: &str) -> Vec<(u64, String)> {
    let candidates: Vec<String> =
        state.images.values().filter(|i| q.in_category(i, account)).map(|i| i.id.clone()).collect();
    let mut rows: Vec<(u64, String)> = Vec::new();
    for id in candidates {
        if state.settle_image(&id) && q.keeps(&state.images[&id], account) {
            rows.push((state.images[&id].seq, id));
        }
    }
    rows.sort();
    rows
}

/// One page of `list`: the images as the caller sees them (a share's view for shared images);
/// each shown image then advances one step.
fn list_page(state: &mut State, q: &ListQuery, account: &str, rows: &[(u64, String)]) -> Vec<Value> {
    let items = rows
        .iter()
        .map(|(_, id)| {
            let i = &state.images[id];
            match i.share_with(account).filter(|_| q.code == 2) {
                Some(s) => i.to_json(View::Share(s), state.task_progress_of(i)),
                None => i.to_json(View::Owner, state.task_progress_of(i)),
            }
        })
        .collect();
    for (_, id) in rows {
        state.tick_image(id);
    }
    items
}

pub(super) fn detail(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let error_free = p.bool("errorFree", true)?;
    state.seed_region(&region);
    let visible = state.settle_image(&id)
        && state.images.get(&id).is_some_and(|i| {
            i.region == region
                && (i.owned_by(&ctx.account) || i.owner.is_none() || i.share_with(&ctx.account).is_some())
        });
    if !visible {
        return if error_free { Ok(json!({ "images": [] })) } else { Err(not_found(&id)) };
    }
    let i = &state.images[&id];
    let progress = state.task_progress_of(i);
    let out = match i.share_with(&ctx.account) {
        Some(s) if !i.owned_by(&ctx.account) => i.to_json(View::Share(s), progress),
        _ => i.to_json(View::Owner, progress),
    };
    state.tick_image(&id);
    Ok(json!({ "images": [out] }))
}

pub(super) fn show_shared_list(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let page_no = p.int("pageNo", 1, 1, i64::from(i32::MAX))?;
    let page_size = p.int("pageSize", 10, 1, 50)?;
    let img = own(state, &ctx.account, &region, &id)?;
    let items: Vec<Value> = img.shares.iter().map(|s| img.to_json(View::Share(s), None)).collect();
    let mut out = page(&items, page_no, page_size, "images");
    out.insert("pageNo".into(), json!(page_no));
    out.insert("pageSize".into(), json!(page_size));
    Ok(Value::Object(out))
}

pub(super) fn list_supported_dest_crr_regions(state: &mut State, _ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let regions: Vec<&String> = state.regions.iter().filter(|r| **r != region).collect();
    Ok(json!({ "regions": regions }))
}

pub(super) fn list_import_tasks(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let page_no = p.int("pageNo", 1, 1, i64::from(i32::MAX))?;
    let page_size = p.int("pageSize", 10, 1, 50)?;
    let mut ids: Vec<(u64, String)> = state
        .tasks
        .values()
        .filter(|t| t.action == TaskAction::Import && t.owner == ctx.account && t.region == region)
        .map(|t| (t.seq, t.id.clone()))
        .collect();
    ids.sort();
    for (_, id) in &ids {
        state.settle_task(id);
    }
    let items: Vec<Value> = ids.iter().map(|(_, id)| state.tasks[id].to_import_json()).collect();
    let (start, end) = page_bounds(ids.len(), page_no, page_size);
    for (_, id) in &ids[start..end] {
        state.tick_task(id);
    }
    Ok(Value::Object(page(&items, page_no, page_size, "imageImportTasks")))
}

pub(super) fn list_tasks(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let image_id = p.required("imageID")?;
    let action = p.wire::<TaskAction>("action")?;
    let status = p.wire::<TaskStatus>("taskStatus")?;
    let page_no = p.int("pageNo", 1, 1, i64::from(i32::MAX))?;
    let page_size = p.int("pageSize", 10, 1, 50)?;
    own(state, &ctx.account, &region, &image_id)?;
    let mut ids: Vec<(u64, String)> = state
        .tasks
        .values()
        .filter(|t| t.image_id == image_id && t.owner == ctx.account)
        .map(|t| (t.seq, t.id.clone()))
        .collect();
    ids.sort();
    for (_, id) in &ids {
        state.settle_task(id);
    }
    ids.retain(|(_, id)| {
        let t = &state.tasks[id];
        action.is_none_or(|a| t.action == a) && status.is_none_or(|s| t.status == s)
    });
    let items: Vec<Value> = ids.iter().map(|(_, id)| state.tasks[id].to_json()).collect();
    let (start, end) = page_bounds(ids.len(), page_no, page_size);
    for (_, id) in &ids[start..end] {
        state.tick_task(id);
    }
    let mut out = page(&items, page_no, page_size, "results");
    out.remove("currentPage");
    Ok(Value::Object(out))
}
