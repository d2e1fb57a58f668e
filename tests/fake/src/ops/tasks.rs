//! Export and tasks: `export`, `action-task`, `delete-import-task`.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn export(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let bucket = p.required("bucket")?;
    let filename = p.required("filename")?;
    let format = p.one_of("imageFileFormat", &["raw", "qcow2", "vhd", "vmdk"])?.unwrap_or_else(|| "raw".into());
    if !valid_name(&filename, 2, 100) {
        return Err(invalid(format!(
            "filename {filename:?} must be 2-100 letters, digits or '-', starting with a letter, not ending with '-'"
        )));
    }
    let img = own_active(state, &ctx.account, &region, &id)?;
    if !matches!(img.image_type.as_deref(), None | Some("data_disk_image")) {
        return Err(unsupported_type(&id, img.image_type.as_deref(), "exported"));
    }
    let (name, os_type) = (img.name.clone(), img.os_type.clone());
    let running: Vec<String> = state
        .tasks
        .values()
        .filter(|t| t.image_id == id && t.action == TaskAction::Export)
        .map(|t| t.id.clone())
        .collect();
    for t in running {
        state.settle_task(&t);
        if state.tasks[&t].running() || state.tasks[&t].status == TaskStatus::Cancelling {
            return Err(Fail::new(
                "Image.Export.InProgress",
                format!("image {id} is being exported (task {t}); wait for it to finish"),
                "镜像导出任务进行中",
            ));
        }
    }
    let seq = state.next_seq();
    let rule = rule_of(TASK_TRANSITIONS, Action::Export);
    let task = Task {
        id: uuid::Uuid::new_v4().to_string(),
        owner: ctx.account.clone(),
        region,
        image_id: id.clone(),
        image_name: name,
        os_type,
        action: TaskAction::Export,
        status: rule.via,
        progress: 0,
        bucket: Some(bucket),
        filename: Some(filename),
        format: Some(format),
        created: std::time::SystemTime::now(),
        finished: None,
        seq,
        pending: rule.pending(),
    };
    if let Some(img) = state.images.get_mut(&id) {
        img.task_id = Some(task.id.clone());
    }
    state.tasks.insert(task.id.clone(), task);
    Ok(json!({}))
}

pub(super) fn own_task(state: &mut State, ctx: &Ctx, region: &str, id: &str) -> Result<(), Fail> {
    state.settle_task(id);
    match state.tasks.get(id) {
        Some(t) if t.owner == ctx.account && t.region == region => Ok(()),
        _ => Err(Fail::new("Image.Task.NotFound", format!("task {id} does not exist in this region"), "任务不存在")),
    }
}

pub(super) fn action_task(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("taskID")?;
    p.required("action")?;
    p.one_of("action", &["cancel"])?;
    own_task(state, ctx, &region, &id)?;
    let task = state.tasks.get_mut(&id).expect("checked above");
    let rule = rule_of(TASK_TRANSITIONS, Action::Cancel);
    if !rule.allows(task.status) {
        return Err(Fail::new(
            "Image.Task.StateInvalid",
            format!("task {id} is {}; only importing or exporting tasks can be cancelled", task.status),
            "任务状态不支持该操作",
        ));
    }
    task.status = rule.via;
    task.pending = rule.pending();
    Ok(json!({ "success": true }))
}

pub(super) fn delete_import_task(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("taskID")?;
    // As documented: deleting a task that does not exist, or whose image is not in `error`,
    // succeeds without deleting anything.
    if own_task(state, ctx, &region, &id).is_ok() && state.tasks[&id].action == TaskAction::Import {
        let image_id = state.tasks[&id].image_id.clone();
        let image_alive = state.settle_image(&image_id);
        if !image_alive || state.images[&image_id].status == ImageStatus::Error {
            state.tasks.remove(&id);
            state.images.remove(&image_id);
        }
    }
    Ok(json!({}))
}
