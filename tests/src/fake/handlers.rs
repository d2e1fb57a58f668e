//! The 27 operations of the image API, as the fake implements them.
//!
//! Every handler receives the caller's account id and the request parameters (query pairs,
//! or the JSON body's fields) and returns a `returnObj` or a [`Fail`]. Business failures are
//! HTTP 200 with `statusCode` 900, as the real service answers.

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::state::{stable_uuid, Image, Pending, Share, State, Task, Then, View};

/// A failure envelope to answer with.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) description: &'static str,
}

impl Fail {
    /// A business failure: HTTP 200 with `statusCode` 900.
    pub(crate) fn new(code: &'static str, message: impl Into<String>, description: &'static str) -> Fail {
        Fail { status: StatusCode::OK, code, message: message.into(), description }
    }
}

/// What a handler answers.
pub(crate) type Outcome = Result<Value, Fail>;

fn missing(name: &str) -> Fail {
    Fail::new("Image.Parameter.Missing", format!("missing required parameter {name}"), "缺少必填参数")
}

fn invalid(message: impl Into<String>) -> Fail {
    Fail::new("Image.Parameter.Invalid", message, "参数错误")
}

fn not_found(id: &str) -> Fail {
    Fail::new(
        "Image.ImageCheck.NotFound",
        format!("image {id} does not exist in this region or is not available to this account"),
        "镜像不存在",
    )
}

fn wrong_state(id: &str, status: &str, wanted: &str) -> Fail {
    Fail::new(
        "Image.ImageState.Invalid",
        format!("image {id} is {status}; this operation needs it {wanted}"),
        "镜像状态不支持该操作",
    )
}

fn unsupported_type(id: &str, ty: Option<&str>, what: &str) -> Fail {
    Fail::new(
        "Image.ImageType.Unsupported",
        format!("image {id} of type {} cannot be {what}", ty.unwrap_or("system-disk")),
        "镜像类型不支持该操作",
    )
}

/// Request parameters of one call: the JSON body's fields, then the query pairs.
pub(crate) struct Params<'a> {
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<Map<String, Value>>,
}

impl Params<'_> {
    fn value(&self, name: &str) -> Option<&Value> {
        self.body.as_ref().and_then(|b| b.get(name)).filter(|v| !v.is_null())
    }

    fn str(&self, name: &str) -> Option<String> {
        if let Some(v) = self.value(name) {
            return Some(match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// A non-empty optional string.
    fn opt(&self, name: &str) -> Option<String> {
        self.str(name).filter(|s| !s.is_empty())
    }

    fn required(&self, name: &str) -> Result<String, Fail> {
        self.opt(name).ok_or_else(|| missing(name))
    }

    fn int(&self, name: &str, default: i64, min: i64, max: i64) -> Result<i64, Fail> {
        match self.opt(name) {
            None => Ok(default),
            Some(s) => match s.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(invalid(format!("{name} must be an integer in {min}..={max}, got {s:?}"))),
            },
        }
    }

    fn bool(&self, name: &str, default: bool) -> Result<bool, Fail> {
        match self.opt(name).as_deref() {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(invalid(format!("{name} must be true or false, got {other:?}"))),
        }
    }

    fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<String>, Fail> {
        match self.opt(name) {
            None => Ok(None),
            Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
            Some(v) => Err(invalid(format!("{name} must be one of {allowed:?}, got {v:?}"))),
        }
    }
}

/// CTyun's image-name rule: 2–32 of `[A-Za-z0-9-]`, starting with a letter, not ending with
/// `-`.
pub fn valid_image_name(name: &str) -> bool {
    valid_name(name, 2, 32)
}

fn valid_name(name: &str, min: usize, max: usize) -> bool {
    let b = name.as_bytes();
    (min..=max).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphabetic()
        && b[b.len() - 1] != b'-'
}

fn check_name(state: &mut State, account: &str, region: &str, name: &str, except: Option<&str>) -> Result<(), Fail> {
    if !valid_image_name(name) {
        return Err(Fail::new(
            "Image.ImageName.Invalid",
            format!(
                "imageName {name:?} is invalid: 2-32 letters, digits or '-', starting with a letter, not ending with '-'"
            ),
            "镜像名称不合法",
        ));
    }
    let same: Vec<String> = state
        .images
        .values()
        .filter(|i| i.owned_by(account) && i.region == region && i.name == name && Some(i.id.as_str()) != except)
        .map(|i| i.id.clone())
        .collect();
    if same.into_iter().any(|id| state.settle_image(&id)) {
        return Err(Fail::new(
            "Image.ImageName.Duplicate",
            format!("a private image named {name:?} already exists in region {region}"),
            "镜像名称已存在",
        ));
    }
    Ok(())
}

fn description(p: &Params<'_>) -> Result<Option<String>, Fail> {
    let Some(d) = p.opt("description") else { return Ok(None) };
    if d.chars().count() > 128 || d.trim() != d {
        return Err(Fail::new(
            "Image.Description.Invalid",
            "description must be 1-128 characters without leading or trailing spaces",
            "镜像描述不合法",
        ));
    }
    Ok(Some(d))
}

fn labels(p: &Params<'_>, max_count: usize, max_len: usize) -> Result<Vec<(String, String)>, Fail> {
    let bad = |m: String| Fail::new("Image.Label.Invalid", m, "标签不合法");
    let Some(v) = p.value("labels") else { return Ok(Vec::new()) };
    let Value::Array(items) = v else { return Err(bad("labels must be an array of {labelKey, labelValue}".into())) };
    if items.len() > max_count {
        return Err(bad(format!("at most {max_count} labels are allowed, got {}", items.len())));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for item in items {
        let field = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(k), Some(v)) = (field("labelKey"), field("labelValue")) else {
            return Err(bad("each label needs string labelKey and labelValue".into()));
        };
        for s in [&k, &v] {
            let n = s.chars().count();
            if n == 0 || n > max_len || s.trim() != s || s.contains('\n') {
                return Err(bad(format!(
                    "label key/value {s:?} must be 1-{max_len} characters, no newline, no leading/trailing space"
                )));
            }
        }
        if out.iter().any(|(ok, _)| *ok == k) {
            return Err(bad(format!("label key {k:?} appears twice")));
        }
        out.push((k, v));
    }
    Ok(out)
}

const RAM_VALUES: &[i64] = &[0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

fn ram(p: &Params<'_>, current: (i64, i64)) -> Result<(i64, i64), Fail> {
    let one = |name: &str, cur: i64| -> Result<i64, Fail> {
        let v = p.int(name, cur, 0, 512)?;
        if RAM_VALUES.contains(&v) {
            Ok(v)
        } else {
            Err(invalid(format!("{name} must be one of {RAM_VALUES:?}, got {v}")))
        }
    };
    let min = one("minimumRAM", current.0)?;
    let max = one("maximumRAM", current.1)?;
    if max != 0 && max < min {
        return Err(invalid(format!("maximumRAM ({max}) must be >= minimumRAM ({min})")));
    }
    Ok((min, max))
}

/// Fields shared by the create-type operations.
struct Common {
    description: Option<String>,
    labels: Vec<(String, String)>,
    integrity: bool,
    ram: (i64, i64),
    project: String,
}

fn common(p: &Params<'_>, label_max: usize, label_len: usize, with_ram: bool) -> Result<Common, Fail> {
    Ok(Common {
        description: description(p)?,
        labels: labels(p, label_max, label_len)?,
        integrity: p.bool("enableImageIntegrityCheck", false)?,
        ram: if with_ram { ram(p, (0, 0))? } else { (0, 0) },
        project: p.opt("projectID").unwrap_or_else(|| "0".into()),
    })
}

impl Common {
    fn apply(self, img: &mut Image) {
        img.description = self.description;
        img.labels = self.labels;
        img.integrity_check = self.integrity;
        (img.minimum_ram, img.maximum_ram) = self.ram;
        img.project_id = self.project;
    }
}

/// Inserts a new image in `queued`, becoming `active` per the transition settings; returns the
/// create response (`{"images": [image]}`).
fn insert_creating(state: &mut State, mut img: Image) -> Value {
    img.status = "queued".into();
    img.pending = Some(Pending::new(Then::Status("active")));
    let out = img.to_json(View::Owner, None);
    state.images.insert(img.id.clone(), img);
    json!({ "images": [out] })
}

/// A copy of `src` owned by `owner` in `region`, queued.
fn copy_of(state: &mut State, src: &Image, owner: &str, region: &str, name: &str) -> Image {
    let seq = state.next_seq();
    let mut img = Image::private(owner, region, name, seq);
    img.source = src.source.clone();
    img.image_type = src.image_type.clone();
    img.os_distro = src.os_distro.clone();
    img.os_version = src.os_version.clone();
    img.os_type = src.os_type.clone();
    img.architecture = src.architecture.clone();
    img.boot_mode = src.boot_mode.clone();
    img.disk_format = src.disk_format.clone();
    img.disk_size = src.disk_size;
    img.image_size = src.image_size;
    img.minimum_ram = src.minimum_ram;
    img.maximum_ram = src.maximum_ram;
    img.source_server_id = src.source_server_id.clone();
    img.copied_from = Some((src.id.clone(), src.region.clone()));
    img
}

/// The caller's own private image `id` in `region`, with due transitions completed.
fn own<'s>(state: &'s mut State, account: &str, region: &str, id: &str) -> Result<&'s mut Image, Fail> {
    if !state.settle_image(id) {
        return Err(not_found(id));
    }
    match state.images.get_mut(id) {
        Some(img) if img.owned_by(account) && img.region == region => Ok(img),
        _ => Err(not_found(id)),
    }
}

fn own_active<'s>(state: &'s mut State, account: &str, region: &str, id: &str) -> Result<&'s mut Image, Fail> {
    let img = own(state, account, region, id)?;
    if img.status != "active" {
        return Err(wrong_state(id, &img.status, "active"));
    }
    Ok(img)
}

fn page(items: Vec<Value>, page_no: i64, page_size: i64, key: &str) -> Map<String, Value> {
    let total = items.len() as i64;
    let total_page = if total == 0 { 0 } else { (total + page_size - 1) / page_size };
    let start = ((page_no - 1).saturating_mul(page_size)).min(total) as usize;
    let end = (start + page_size as usize).min(items.len());
    let slice: Vec<Value> = items[start..end].to_vec();
    let mut m = Map::new();
    m.insert("currentCount".into(), json!(slice.len()));
    m.insert(key.into(), Value::Array(slice));
    m.insert("currentPage".into(), json!(page_no));
    m.insert("totalPage".into(), json!(total_page));
    m.insert("totalCount".into(), json!(total));
    m
}

/// The `(start, end)` of a page within `total` items.
fn page_bounds(total: usize, page_no: i64, page_size: i64) -> (usize, usize) {
    let start = ((page_no - 1).saturating_mul(page_size)).min(total as i64) as usize;
    (start, (start + page_size as usize).min(total))
}

/// Who is calling.
pub(crate) struct Ctx {
    pub(crate) account: String,
}

type Handler = fn(&mut State, &Ctx, &Params<'_>) -> Outcome;

/// Every operation: method, path, handler.
pub(crate) const OPERATIONS: &[(&str, &str, Handler)] = &[
    ("POST", "/v4/image/create", create),
    ("POST", "/v4/image/create-from-data-disk", create_from_data_disk),
    ("POST", "/v4/image/create-from-ecs-snapshot", create_from_ecs_snapshot),
    ("POST", "/v4/image/create-from-ecs", create_from_ecs),
    ("POST", "/v4/image/delete-import-task", delete_import_task),
    ("POST", "/v4/image/shared-image/create", share),
    ("POST", "/v4/image/shared-image/delete", unshare),
    ("POST", "/v4/image/deactivate", deactivate),
    ("POST", "/v4/image/reactivate", reactivate),
    ("POST", "/v4/image/delete", delete),
    ("GET", "/v4/image/list-supported-dest-crr-regions", list_supported_dest_crr_regions),
    ("GET", "/v4/image/detail", detail),
    ("GET", "/v4/image/list", list),
    ("GET", "/v4/image/show-shared-list", show_shared_list),
    ("GET", "/v4/image/list-import-tasks", list_import_tasks),
    ("POST", "/v4/image/update", update),
    ("POST", "/v4/image/import", import),
    ("POST", "/v4/image/cross-region-copy", cross_region_copy),
    ("POST", "/v4/image/copy", copy),
    ("POST", "/v4/image/export", export),
    ("POST", "/v4/image/shared-image/accept", accept),
    ("POST", "/v4/image/shared-image/reject", reject),
    ("GET", "/v4/image/validate-file-source", validate_file_source),
    ("POST", "/v4/image/list-tasks", list_tasks),
    ("POST", "/v4/image/action-task", action_task),
    ("POST", "/v4/image/create-from-shared", create_from_shared),
    ("POST", "/v4/image/update-labels", update_labels),
];

/// Routes one verified request to its operation.
pub(crate) fn dispatch(state: &mut State, account: &str, method: &str, path: &str, p: &Params<'_>) -> Outcome {
    let ctx = Ctx { account: account.to_owned() };
    match OPERATIONS.iter().find(|(_, op_path, _)| *op_path == path) {
        Some((m, _, handler)) if *m == method => handler(state, &ctx, p),
        Some((m, _, _)) => Err(Fail {
            status: StatusCode::METHOD_NOT_ALLOWED,
            code: "Openapi.Api.MethodNotAllowed",
            message: format!("{path} is called with {m}, not {method}"),
            description: "请求方法不支持",
        }),
        None => Err(Fail {
            status: StatusCode::NOT_FOUND,
            code: "Openapi.Api.NotFound",
            message: format!("no operation {method} {path}"),
            description: "接口不存在",
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Creating images

fn create(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
fn new_private_image(state: &mut State, ctx: &Ctx, region: &str, name: &str) -> Result<Image, Fail> {
    check_name(state, &ctx.account, region, name, None)?;
    state.seed_region(region);
    let seq = state.next_seq();
    Ok(Image::private(&ctx.account, region, name, seq))
}

fn create_from_data_disk(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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

fn create_from_ecs_snapshot(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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

fn create_from_ecs(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
struct FileCheck {
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
fn check_file_source(url: &str) -> FileCheck {
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

fn validate_file_source(_state: &mut State, _ctx: &Ctx, p: &Params<'_>) -> Outcome {
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

fn import(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
    let problem = if !c.valid_url {
        Some("the URL is not {endpoint}/{bucket}/{key}")
    } else if !c.valid_endpoint {
        Some("the endpoint is not an object-storage endpoint of this region")
    } else if !c.reachable_bucket {
        Some("the bucket does not exist")
    } else if !c.reachable_object {
        Some("the object does not exist")
    } else if c.archived {
        Some("the object is archived")
    } else if c.encrypted {
        Some("the object is encrypted")
    } else {
        None
    };
    if let Some(problem) = problem {
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
    let task_seq = state.next_seq();
    let task = Task {
        id: uuid::Uuid::new_v4().to_string(),
        owner: ctx.account.clone(),
        region: region.clone(),
        image_id: img.id.clone(),
        image_name: img.name.clone(),
        os_type: img.os_type.clone(),
        action: "import",
        status: "importing".into(),
        progress: 0,
        bucket: Some(c.bucket.clone()),
        filename: Some(c.key.clone()),
        format: Some(img.disk_format.clone()),
        created: std::time::SystemTime::now(),
        finished: None,
        seq: task_seq,
        pending: Some(Pending::new(Then::Status(if c.key.contains("corrupt") {
            "imported_failed"
        } else {
            "imported"
        }))),
    };
    img.task_id = Some(task.id.clone());
    img.status = "queued".into();
    let out = img.to_json(View::Owner, Some(0));
    state.tasks.insert(task.id.clone(), task);
    state.images.insert(img.id.clone(), img);
    Ok(json!({ "images": [out] }))
}

// ---------------------------------------------------------------------------------------------
// Reading

fn list(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let code = p.int("imageVisibilityCode", 1, 0, 6)?;
    let page_no = p.int("pageNo", 1, 1, i64::from(i32::MAX))?;
    let page_size = p.int("pageSize", 10, 1, 200)?;
    let name = p.opt("imageName");
    let image_type = p.one_of("imageType", &["data_disk_image", "others"])?;
    let share_status = p.one_of("imageStatus", &["accepted", "rejected", "waiting"])?;
    let os_type = match p.int("osTypeCode", 0, 1, 2) {
        Ok(0) => None,
        Ok(1) => Some("linux"),
        Ok(_) => Some("windows"),
        Err(e) => return Err(e),
    };
    let scene = p.opt("imageScene");
    let subcategory = p.opt("imageSubcategory");
    let project = p.opt("projectID");
    let query = p.opt("queryContent").map(|q| q.to_lowercase());
    state.seed_region(&region);
    let account = ctx.account.as_str();

    let in_category = |i: &Image| -> bool {
        i.region == region
            && match code {
                0 => i.owned_by(account),
                1 => i.owner.is_none() && i.visibility == "public",
                2 => i.share_with(account).is_some(),
                3 => i.owner.is_none() && i.visibility == "safe",
                4 => i.owner.is_none() && i.visibility == "community",
                5 => i.owner.is_none() && i.visibility == "app",
                _ => false,
            }
    };
    let candidates: Vec<String> = state.images.values().filter(|i| in_category(i)).map(|i| i.id.clone()).collect();
    let mut rows: Vec<(u64, String)> = Vec::new();
    for id in candidates {
        if !state.settle_image(&id) {
            continue;
        }
        let i = &state.images[&id];
        let keep = match code {
            0 => {
                name.as_deref().is_none_or(|n| i.name.contains(n))
                    && match image_type.as_deref() {
                        Some("data_disk_image") => i.image_type.as_deref() == Some("data_disk_image"),
                        Some(_) => i.image_type.as_deref() != Some("data_disk_image"),
                        None => true,
                    }
                    && project.as_deref().is_none_or(|pr| i.project_id == pr)
            }
            2 => {
                let s = i.share_with(account).map(|s| s.status.as_str()).unwrap_or("");
                match share_status.as_deref() {
                    Some(wanted) => s == wanted,
                    None => s == "accepted" || s == "waiting",
                }
            }
            5 => {
                let has = |field: &Option<String>, want: &Option<String>| {
                    want.as_deref().is_none_or(|w| field.as_deref().is_some_and(|f| f.split(',').any(|x| x == w)))
                };
                has(&i.image_scene, &scene) && has(&i.image_subcategory, &subcategory)
            }
            _ => true,
        } && (code == 2 || os_type.is_none_or(|o| i.os_type == o))
            && query.as_deref().is_none_or(|q| {
                [Some(&i.name), i.description.as_ref(), Some(&i.os_distro)]
                    .into_iter()
                    .flatten()
                    .any(|f| f.to_lowercase().contains(q))
            });
        if keep {
            rows.push((i.seq, id));
        }
    }
    rows.sort();
    let (start, end) = page_bounds(rows.len(), page_no, page_size);
    let items: Vec<Value> = rows[start..end]
        .iter()
        .map(|(_, id)| {
            let i = &state.images[id];
            match i.share_with(account).filter(|_| code == 2) {
                Some(s) => i.to_json(View::Share(s), state.task_progress_of(i)),
                None => i.to_json(View::Owner, state.task_progress_of(i)),
            }
        })
        .collect();
    for (_, id) in &rows[start..end] {
        state.tick_image(id);
    }
    Ok(json!({
        "images": items,
        "currentPage": page_no,
        "currentCount": end - start,
        "totalPage": rows.len().div_ceil(page_size as usize),
        "totalCount": rows.len(),
    }))
}

fn detail(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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

fn show_shared_list(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let page_no = p.int("pageNo", 1, 1, i64::from(i32::MAX))?;
    let page_size = p.int("pageSize", 10, 1, 50)?;
    let img = own(state, &ctx.account, &region, &id)?;
    let items: Vec<Value> = img.shares.iter().map(|s| img.to_json(View::Share(s), None)).collect();
    let mut out = page(items, page_no, page_size, "images");
    out.insert("pageNo".into(), json!(page_no));
    out.insert("pageSize".into(), json!(page_size));
    Ok(Value::Object(out))
}

fn list_supported_dest_crr_regions(state: &mut State, _ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let regions: Vec<&String> = state.regions.iter().filter(|r| **r != region).collect();
    Ok(json!({ "regions": regions }))
}

fn list_import_tasks(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let page_no = p.int("pageNo", 1, 1, i64::from(i32::MAX))?;
    let page_size = p.int("pageSize", 10, 1, 50)?;
    let mut ids: Vec<(u64, String)> = state
        .tasks
        .values()
        .filter(|t| t.action == "import" && t.owner == ctx.account && t.region == region)
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
    Ok(Value::Object(page(items, page_no, page_size, "imageImportTasks")))
}

const TASK_STATUSES: &[&str] = &[
    "importing",
    "imported",
    "imported_failed",
    "exporting",
    "exported",
    "exported_failed",
    "cancelling",
    "cancelled",
];

fn list_tasks(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let image_id = p.required("imageID")?;
    let action = p.one_of("action", &["import", "export"])?;
    let status = p.one_of("taskStatus", TASK_STATUSES)?;
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
        action.as_deref().is_none_or(|a| t.action == a) && status.as_deref().is_none_or(|s| t.status == s)
    });
    let items: Vec<Value> = ids.iter().map(|(_, id)| state.tasks[id].to_json()).collect();
    let (start, end) = page_bounds(ids.len(), page_no, page_size);
    for (_, id) in &ids[start..end] {
        state.tick_task(id);
    }
    let mut out = page(items, page_no, page_size, "results");
    out.remove("currentPage");
    Ok(Value::Object(out))
}

// ---------------------------------------------------------------------------------------------
// Changing images

fn update(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
    img.updated = super::state::now_epoch();
    Ok(json!({}))
}

fn update_labels(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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

fn delete(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let img = own(state, &ctx.account, &region, &id)?;
    if !matches!(img.status.as_str(), "active" | "deactivated" | "deactivating" | "deleting" | "error" | "reactivating")
    {
        return Err(wrong_state(&id, &img.status, "active, deactivated, deactivating, error or reactivating"));
    }
    if img.shares.iter().any(|s| s.status == "accepted") {
        return Err(Fail::new(
            "Image.Share.Accepted",
            format!("image {id} has accepted shares; the recipients must reject them first"),
            "镜像存在已接受的共享",
        ));
    }
    if img.status != "deleting" {
        img.status = "deleting".into();
        img.pending = Some(Pending::new(Then::Remove));
        img.updated = super::state::now_epoch();
    }
    Ok(json!({}))
}

fn deactivate(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
    img.status = "deactivating".into();
    img.pending = Some(Pending::new(Then::Status("deactivated")));
    Ok(json!({}))
}

fn reactivate(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let img = own(state, &ctx.account, &region, &id)?;
    if img.status != "deactivated" {
        return Err(wrong_state(&id, &img.status, "deactivated"));
    }
    img.status = "reactivating".into();
    img.pending = Some(Pending::new(Then::Status("active")));
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------
// Sharing

fn valid_account_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn share(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
    img.shares.push(Share { account: dest, status: "waiting".into(), created: super::state::now_epoch() });
    Ok(json!({}))
}

fn unshare(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
    let accepted = |s: &Share| s.status == "accepted";
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
fn my_share<'s>(state: &'s mut State, ctx: &Ctx, region: &str, id: &str) -> Result<&'s mut Share, Fail> {
    if !state.settle_image(id) {
        return Err(not_found(id));
    }
    let img = state.images.get_mut(id).filter(|i| i.region == region).ok_or_else(|| not_found(id))?;
    let share = img.shares.iter_mut().find(|s| s.account == ctx.account);
    share.ok_or_else(|| {
        Fail::new("Image.Share.NotFound", format!("image {id} is not shared with this account"), "共享关系不存在")
    })
}

fn share_state(id: &str, status: &str, wanted: &str) -> Fail {
    Fail::new(
        "Image.Share.StateInvalid",
        format!("the share of image {id} is {status}; this operation needs it {wanted}"),
        "共享状态不支持该操作",
    )
}

fn accept(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let s = my_share(state, ctx, &region, &id)?;
    if s.status == "accepted" {
        return Err(share_state(&id, &s.status, "waiting or rejected"));
    }
    s.status = "accepted".into();
    Ok(json!({}))
}

fn reject(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let s = my_share(state, ctx, &region, &id)?;
    if s.status == "rejected" {
        return Err(share_state(&id, &s.status, "waiting or accepted"));
    }
    s.status = "rejected".into();
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------
// Copies

fn cross_region_copy(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
        if state.settle_image(&cid) && state.images[&cid].status == "queued" {
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

fn copy(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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

fn create_from_shared(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("imageID")?;
    let name = p.required("imageName")?;
    let common = common(p, 10, 128, false)?;
    let status = my_share(state, ctx, &region, &id)?.status.clone();
    if status != "accepted" {
        return Err(share_state(&id, &status, "accepted (accept the shared image first)"));
    }
    let src = state.images[&id].clone();
    if src.status != "active" {
        return Err(wrong_state(&id, &src.status, "active"));
    }
    check_name(state, &ctx.account, &region, &name, None)?;
    let mut img = copy_of(state, &src, &ctx.account, &region, &name);
    common.apply(&mut img);
    (img.minimum_ram, img.maximum_ram) = (src.minimum_ram, src.maximum_ram);
    insert_creating(state, img);
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------
// Export and tasks

fn export(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
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
    let running: Vec<String> =
        state.tasks.values().filter(|t| t.image_id == id && t.action == "export").map(|t| t.id.clone()).collect();
    for t in running {
        state.settle_task(&t);
        if state.tasks[&t].running() || state.tasks[&t].status == "cancelling" {
            return Err(Fail::new(
                "Image.Export.InProgress",
                format!("image {id} is being exported (task {t}); wait for it to finish"),
                "镜像导出任务进行中",
            ));
        }
    }
    let seq = state.next_seq();
    let task = Task {
        id: uuid::Uuid::new_v4().to_string(),
        owner: ctx.account.clone(),
        region,
        image_id: id.clone(),
        image_name: name,
        os_type,
        action: "export",
        status: "exporting".into(),
        progress: 0,
        bucket: Some(bucket),
        filename: Some(filename),
        format: Some(format),
        created: std::time::SystemTime::now(),
        finished: None,
        seq,
        pending: Some(Pending::new(Then::Status("exported"))),
    };
    if let Some(img) = state.images.get_mut(&id) {
        img.task_id = Some(task.id.clone());
    }
    state.tasks.insert(task.id.clone(), task);
    Ok(json!({}))
}

fn own_task(state: &mut State, ctx: &Ctx, region: &str, id: &str) -> Result<(), Fail> {
    state.settle_task(id);
    match state.tasks.get(id) {
        Some(t) if t.owner == ctx.account && t.region == region => Ok(()),
        _ => Err(Fail::new("Image.Task.NotFound", format!("task {id} does not exist in this region"), "任务不存在")),
    }
}

fn action_task(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("taskID")?;
    p.required("action")?;
    p.one_of("action", &["cancel"])?;
    own_task(state, ctx, &region, &id)?;
    let task = state.tasks.get_mut(&id).expect("checked above");
    if !task.running() {
        return Err(Fail::new(
            "Image.Task.StateInvalid",
            format!("task {id} is {}; only importing or exporting tasks can be cancelled", task.status),
            "任务状态不支持该操作",
        ));
    }
    task.status = "cancelling".into();
    task.pending = Some(Pending::new(Then::Status("cancelled")));
    Ok(json!({ "success": true }))
}

fn delete_import_task(state: &mut State, ctx: &Ctx, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let id = p.required("taskID")?;
    // As documented: deleting a task that does not exist, or whose image is not in `error`,
    // succeeds without deleting anything.
    if own_task(state, ctx, &region, &id).is_ok() && state.tasks[&id].action == "import" {
        let image_id = state.tasks[&id].image_id.clone();
        let image_alive = state.settle_image(&image_id);
        if !image_alive || state.images[&image_id].status == "error" {
            state.tasks.remove(&id);
            state.images.remove(&image_id);
        }
    }
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        for ok in ["ab", "web-golden-1", "A1", &"a".repeat(32)] {
            assert!(valid_image_name(ok), "{ok}");
        }
        for bad in ["a", "1abc", "-abc", "abc-", "a_b", "a b", &"a".repeat(33), "", "镜像"] {
            assert!(!valid_image_name(bad), "{bad}");
        }
    }

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

    #[test]
    fn every_operation_is_routed_once() {
        assert_eq!(OPERATIONS.len(), 27);
        let mut paths: Vec<&str> = OPERATIONS.iter().map(|o| o.1).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), 27);
    }
}
