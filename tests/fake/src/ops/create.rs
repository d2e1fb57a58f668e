//! Creating images: `create`, `create-from-data-disk`, `create-from-ecs-snapshot`,
//! `create-from-ecs`, `import` and its check `validate-file-source`.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn create(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let instance = p.required("instanceID")?;
    let name = p.required("imageName")?;
    let common = common(p, 50, 128, true)?;
    let mut img = new_private_image(state, ctx, &region, &name)?;
    img.source = Some("cloud_server".into());
    img.disk_id = Some(stable_uuid(&format!("sysdisk/{instance}")));
    img.source_server_id = Some(instance);
    common.apply(&mut img);
    Ok(insert_creating(state, img))
}

/// A new private image of the caller named `name` in `region`, after the name checks (not yet
/// inserted).
pub(super) fn new_private_image(state: &mut State, ctx: &Ctx, region: &str, name: &str) -> Result<Image, Fail> {
    check_name(state, &ctx.account, region, name, None)?;
    state.seed_region(region);
    let seq = state.next_seq();
    Ok(Image::private(&ctx.account, region, name, seq))
}

pub(super) fn create_from_data_disk(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let instance = p.required("instanceID")?;
    let disk = p.required("dataDiskID")?;
    let name = p.required("imageName")?;
    let common = common(p, 50, 128, false)?;
    let mut img = new_private_image(state, ctx, &region, &name)?;
    img.source = Some("cloud_server".into());
    img.image_type = Some("data_disk_image".into());
    img.disk_size = 100;
    img.disk_id = Some(disk);
    img.source_server_id = Some(instance);
    common.apply(&mut img);
    Ok(insert_creating(state, img))
}

pub(super) fn create_from_ecs_snapshot(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let snapshot = p.required("snapshotID")?;
    let name = p.required("imageName")?;
    let common = common(p, 50, 128, true)?;
    let mut img = new_private_image(state, ctx, &region, &name)?;
    img.source = Some("snapshot".into());
    img.source_server_id = Some(snapshot);
    common.apply(&mut img);
    Ok(insert_creating(state, img))
}

pub(super) fn create_from_ecs(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let instance = p.required("instanceID")?;
    let name = p.required("imageName")?;
    let common = common(p, 50, 128, false)?;
    let mut img = new_private_image(state, ctx, &region, &name)?;
    img.source = Some("full_ecs".into());
    img.image_type = Some("full_ecs_image".into());
    img.source_server_id = Some(instance);
    common.apply(&mut img);
    Ok(insert_creating(state, img))
}

/// What `validate-file-source` finds out about an object URL.
pub(super) struct FileCheck {
    valid_url: bool,
    valid_endpoint: bool,
    reachable_bucket: bool,
    reachable_object: bool,
    archived: bool,
    encrypted: bool,
    public: bool,
    size: i64,
    bucket: String,
    key: String,
}

/// Judges an object URL `{scheme}://{host}/{bucket}/{key}` by its shape: the endpoint must be
/// `*.zos.ctyun.cn`; a bucket starting with `missing` or a key containing `missing` does not
/// exist; a key containing `archived`, `encrypted` or `private` is archived, encrypted or not
/// publicly readable.
pub(super) fn check_file_source(url: &str) -> FileCheck {
    let mut c = FileCheck {
        valid_url: false,
        valid_endpoint: false,
        reachable_bucket: false,
        reachable_object: false,
        archived: false,
        encrypted: false,
        public: false,
        size: 0,
        bucket: String::new(),
        key: String::new(),
    };
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else { return c };
    let Some((host, path)) = rest.split_once('/') else { return c };
    let Some((bucket, key)) = path.split_once('/') else { return c };
    if host.is_empty()
        || bucket.is_empty()
        || key.is_empty()
        || url.chars().any(|ch| ch.is_whitespace() || ch.is_control())
    {
        return c;
    }
    c.valid_url = true;
    c.bucket = bucket.to_owned();
    c.key = key.to_owned();
    c.valid_endpoint = host.strip_suffix(".zos.ctyun.cn").is_some_and(|p| !p.is_empty() && !p.contains('/'));
    c.reachable_bucket = c.valid_endpoint && !bucket.starts_with("missing");
    c.reachable_object = c.reachable_bucket && !key.contains("missing");
    if c.reachable_object {
        c.archived = key.contains("archived");
        c.encrypted = key.contains("encrypted");
        c.public = !key.contains("private");
        let h = stable_uuid(url).bytes().fold(0i64, |a, b| (a * 31 + i64::from(b)) % 7);
        c.size = (1 + h) * 1024 * 1024 * 1024;
    }
    c
}

pub(super) fn validate_file_source(_state: &mut State, _ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let _region = p.required("regionID")?;
    let url = p.required("imageFileSource")?;
    let c = check_file_source(&url);
    Ok(json!({
        "validURL": c.valid_url,
        "validEndpoint": c.valid_endpoint,
        "reachableBucket": c.reachable_bucket,
        "reachableObject": c.reachable_object,
        "archivedObject": c.archived,
        "encryptedObject": c.encrypted,
        "publiclyReadableObject": if c.reachable_object { Some(c.public) } else { None },
        "objectSize": c.size,
    }))
}

impl FileCheck {
    /// Why an import from this file would fail, or `None` when it can be imported.
    fn problem(&self) -> Option<&'static str> {
        [
            (!self.valid_url, "the URL is not {endpoint}/{bucket}/{key}"),
            (!self.valid_endpoint, "the endpoint is not an object-storage endpoint of this region"),
            (!self.reachable_bucket, "the bucket does not exist"),
            (!self.reachable_object, "the object does not exist"),
            (self.archived, "the object is archived"),
            (self.encrypted, "the object is encrypted"),
        ]
        .into_iter()
        .find_map(|(bad, why)| bad.then_some(why))
    }
}

/// The import task that turns the file `c` into `img` (corrupt files fail, per the transitions).
fn import_task(state: &mut State, ctx: &Ctx, img: &Image, c: FileCheck) -> Task {
    let seq = state.next_seq();
    let action = if c.key.contains("corrupt") { Action::ImportCorrupt } else { Action::Import };
    let rule = rule_of(TASK_TRANSITIONS, action);
    Task {
        id: uuid::Uuid::new_v4().to_string(),
        owner: ctx.account.clone(),
        region: img.region.clone(),
        image_id: img.id.clone(),
        image_name: img.name.clone(),
        os_type: img.os_type.clone(),
        action: TaskAction::Import,
        status: rule.via,
        progress: 0,
        bucket: Some(c.bucket),
        filename: Some(c.key),
        format: Some(img.disk_format.clone()),
        created: std::time::SystemTime::now(),
        finished: None,
        seq,
        pending: rule.pending(),
    }
}

pub(super) fn import(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let url = p.required("imageFileSource")?;
    let props = match p.value("imageProperties") {
        None => return Err(missing("imageProperties")),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(invalid("imageProperties must be an object")),
    };
    let pp = Params { query: &[], body: Some(props) };
    let name = pp.required("imageName").map_err(|_| missing("imageProperties.imageName"))?;
    let image_type = pp.one_of("imageType", &["data_disk_image", "iso_image"])?;
    let architecture = pp.one_of("architecture", &["x86_64", "aarch64"])?.unwrap_or_else(|| "x86_64".into());
    let boot_mode = pp.one_of("bootMode", &["bios", "uefi"])?.unwrap_or_else(|| "bios".into());
    let os_distro = pp.opt("osDistro").unwrap_or_else(|| "CTyunOS".into());
    let os_version = pp.opt("osVersion").unwrap_or_else(|| os_distro.clone());
    if os_version.chars().count() > 32 {
        return Err(invalid("imageProperties.osVersion must be 1-32 characters"));
    }
    let disk_size = pp.int("diskSize", 40, 1, i64::from(u32::MAX))?;
    let disk_size = match image_type.as_deref() {
        Some("data_disk_image") => disk_size.clamp(10, 2048),
        Some("iso_image") => disk_size.clamp(40, 1024),
        _ => disk_size.clamp(40, 2048),
    };
    let props_description = description(&pp)?;
    let ram = ram(&pp, (0, 0))?;
    let mut common = common(p, 50, 128, false)?;
    common.description = props_description;
    common.ram = ram;
    let c = check_file_source(&url);
    if let Some(problem) = c.problem() {
        return Err(Fail::new(
            "Image.FileSource.Invalid",
            format!("imageFileSource {url:?}: {problem} (check it with validate-file-source)"),
            "镜像文件地址不可用",
        ));
    }
    let mut img = new_private_image(state, ctx, &region, &name)?;
    img.source = Some("image_file".into());
    img.disk_format = match c.key.rsplit('.').next() {
        Some(ext @ ("qcow2" | "raw" | "vhd" | "vmdk")) => ext.to_owned(),
        _ => "raw".into(),
    };
    img.image_type = image_type;
    img.architecture = if img.image_type.as_deref() == Some("iso_image") { "x86_64".into() } else { architecture };
    img.boot_mode = boot_mode;
    img.os_type = if os_distro.eq_ignore_ascii_case("windows") { "windows" } else { "linux" }.into();
    img.os_distro = os_distro;
    img.os_version = os_version;
    img.disk_size = disk_size;
    img.image_size = c.size;
    common.apply(&mut img);
    let task = import_task(state, ctx, &img, c);
    img.task_id = Some(task.id.clone());
    img.status = rule_of(IMAGE_TRANSITIONS, Action::Import).via;
    let out = img.to_json(View::Owner, Some(0));
    state.tasks.insert(task.id.clone(), task);
    state.images.insert(img.id.clone(), img);
    Ok(json!({ "images": [out] }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sources_are_judged_by_shape() {
        let c = check_file_source("https://jiangsu-10.zos.ctyun.cn/ims-openapi/ImportSystemDiskImage.qcow2");
        assert!(c.valid_url && c.valid_endpoint && c.reachable_bucket && c.reachable_object && c.public);
        assert!(c.size > 0);
        assert!(!check_file_source("ftp://x/y/z").valid_url);
        assert!(!check_file_source("https://example.com/b/k").valid_endpoint);
        assert!(!check_file_source("https://a.zos.ctyun.cn/missing-b/k").reachable_bucket);
        assert!(!check_file_source("https://a.zos.ctyun.cn/b/missing.qcow2").reachable_object);
        assert!(check_file_source("https://a.zos.ctyun.cn/b/archived.qcow2").archived);
    }
}
