//! The 27 operations of the image API, as the fake implements them: the request parameters,
//! failures, checks shared by several operations, and the routing table [`OPERATIONS`]; the
//! handlers, by operation family, in the submodules.
//!
//! Every handler receives the caller's account id and the request parameters (query pairs,
//! or the JSON body's fields) and returns a `returnObj` or a [`Fail`]. Business failures are
//! HTTP 200 with `statusCode` 900, as the real service answers.

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::model::{
    now_epoch, stable_uuid, Image, ImageStatus, Share, ShareStatus, Task, TaskAction, TaskStatus, View, WireEnum,
};
use super::store::State;
use super::transitions::{rule_of, Action, IMAGE_TRANSITIONS, SHARE_TRANSITIONS, TASK_TRANSITIONS};

mod change;
mod copy;
mod create;
mod read;
mod share;
mod tasks;

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

fn wrong_state(id: &str, status: ImageStatus, wanted: &str) -> Fail {
    Fail::new(
        "Image.ImageState.Invalid",
        format!("image {id} is {status}; this operation needs it {wanted}"),
        "镜像状态不支持该操作",
    )
}

/// Starts `action`'s transition of image `id` (`Image.ImageState.Invalid` when its status
/// does not allow it).
fn begin(state: &mut State, id: &str, action: Action) -> Result<(), Fail> {
    state.begin_image(id, action).map_err(|(status, wanted)| wrong_state(id, status, &wanted))
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

    /// An optional value of a status-like enum, by its API spelling.
    fn wire<E: WireEnum>(&self, name: &str) -> Result<Option<E>, Fail> {
        match self.opt(name) {
            None => Ok(None),
            Some(v) => E::ALL.iter().copied().find(|e| e.wire() == v).map(Some).ok_or_else(|| {
                let allowed: Vec<&str> = E::ALL.iter().map(|e| e.wire()).collect();
                invalid(format!("{name} must be one of {allowed:?}, got {v:?}"))
            }),
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
    let rule = rule_of(IMAGE_TRANSITIONS, Action::Create);
    img.status = rule.via;
    img.pending = rule.pending();
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
    if img.status != ImageStatus::Active {
        return Err(wrong_state(id, img.status, ImageStatus::Active.as_str()));
    }
    Ok(img)
}

fn page(items: &[Value], page_no: i64, page_size: i64, key: &str) -> Map<String, Value> {
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
    ("POST", "/v4/image/create", create::create),
    ("POST", "/v4/image/create-from-data-disk", create::create_from_data_disk),
    ("POST", "/v4/image/create-from-ecs-snapshot", create::create_from_ecs_snapshot),
    ("POST", "/v4/image/create-from-ecs", create::create_from_ecs),
    ("POST", "/v4/image/delete-import-task", tasks::delete_import_task),
    ("POST", "/v4/image/shared-image/create", share::share),
    ("POST", "/v4/image/shared-image/delete", share::unshare),
    ("POST", "/v4/image/deactivate", change::deactivate),
    ("POST", "/v4/image/reactivate", change::reactivate),
    ("POST", "/v4/image/delete", change::delete),
    ("GET", "/v4/image/list-supported-dest-crr-regions", read::list_supported_dest_crr_regions),
    ("GET", "/v4/image/detail", read::detail),
    ("GET", "/v4/image/list", read::list),
    ("GET", "/v4/image/show-shared-list", read::show_shared_list),
    ("GET", "/v4/image/list-import-tasks", read::list_import_tasks),
    ("POST", "/v4/image/update", change::update),
    ("POST", "/v4/image/import", create::import),
    ("POST", "/v4/image/cross-region-copy", copy::cross_region_copy),
    ("POST", "/v4/image/copy", copy::copy),
    ("POST", "/v4/image/export", tasks::export),
    ("POST", "/v4/image/shared-image/accept", share::accept),
    ("POST", "/v4/image/shared-image/reject", share::reject),
    ("GET", "/v4/image/validate-file-source", create::validate_file_source),
    ("POST", "/v4/image/list-tasks", read::list_tasks),
    ("POST", "/v4/image/action-task", tasks::action_task),
    ("POST", "/v4/image/create-from-shared", copy::create_from_shared),
    ("POST", "/v4/image/update-labels", change::update_labels),
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
    fn every_operation_is_routed_once() {
        assert_eq!(OPERATIONS.len(), 27);
        let mut paths: Vec<&str> = OPERATIONS.iter().map(|o| o.1).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), 27);
    }
}
