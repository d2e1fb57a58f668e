//! The operations the fake implements.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::auth::Verified;
use super::state::{Image, State};
use super::{fail, ok};

/// A failure envelope to answer with.
#[derive(Debug)]
pub(crate) struct Fail {
    status: StatusCode,
    code: &'static str,
    message: String,
    description: &'static str,
}

impl Fail {
    /// A business failure: HTTP 200 with `statusCode` 900.
    pub(crate) fn new(code: &'static str, message: impl Into<String>, description: &'static str) -> Fail {
        Fail { status: StatusCode::OK, code, message: message.into(), description }
    }

    fn into_response(self) -> Response {
        fail(self.status, self.code, &self.message, self.description)
    }
}

type Outcome = Result<Value, Fail>;

/// Request parameters of one call: query pairs or the JSON body's fields.
struct Params<'a> {
    query: &'a [(String, String)],
    body: Option<Map<String, Value>>,
}

impl Params<'_> {
    fn str(&self, name: &str) -> Option<String> {
        if let Some(body) = &self.body {
            if let Some(v) = body.get(name) {
                return match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                };
            }
        }
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn required(&self, name: &str) -> Result<String, Fail> {
        self.str(name).filter(|s| !s.is_empty()).ok_or_else(|| invalid(&format!("missing required parameter {name}")))
    }

    fn int(&self, name: &str, default: i64, min: i64, max: i64) -> Result<i64, Fail> {
        match self.str(name) {
            None => Ok(default),
            Some(s) => match s.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(invalid(&format!("{name} must be an integer in {min}..={max}, got {s:?}"))),
            },
        }
    }
}

fn invalid(message: &str) -> Fail {
    Fail::new("Openapi.Parameter.Error", message, "参数错误")
}

/// Routes one verified request.
pub(crate) fn dispatch(
    state: &mut State,
    who: &Verified,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    body: &[u8],
) -> Response {
    let body = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Some(m),
            _ => return invalid("the request body must be a JSON object").into_response(),
        }
    };
    let p = Params { query, body };
    let account = state.account_of(&who.access_key);
    let result = match (method.as_str(), path) {
        ("GET", "/v4/image/list") => list_images(state, &account, &p),
        ("POST", "/v4/image/create") => create_image(state, &account, &p),
        _ => Err(Fail {
            status: StatusCode::NOT_FOUND,
            code: "Openapi.Api.NotFound",
            message: format!("no operation {method} {path}"),
            description: "接口不存在",
        }),
    };
    match result {
        Ok(v) => ok(v),
        Err(f) => f.into_response(),
    }
}

/// CTyun's image-name rule: 2–32 of `[A-Za-z0-9-]`, not starting with a digit or `-`, not
/// ending with `-`.
pub fn valid_image_name(name: &str) -> bool {
    let b = name.as_bytes();
    (2..=32).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphabetic()
        && b[b.len() - 1] != b'-'
}

fn page(items: Vec<Value>, page_no: i64, page_size: i64, key: &str) -> Value {
    let total = items.len() as i64;
    let total_page = if total == 0 { 0 } else { (total + page_size - 1) / page_size };
    let start = ((page_no - 1) * page_size).min(total) as usize;
    let end = (start + page_size as usize).min(items.len());
    let slice: Vec<Value> = items[start..end].to_vec();
    json!({
        key: slice,
        "currentPage": page_no,
        "currentCount": slice.len(),
        "totalPage": total_page,
        "totalCount": total,
    })
}

fn list_images(state: &mut State, account: &str, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    state.seed_region(&region);
    let code = p.int("imageVisibilityCode", 1, 0, 6)?;
    let page_no = p.int("pageNo", 1, 1, i64::MAX)?;
    let page_size = p.int("pageSize", 10, 1, 200)?;
    let name_filter = p.str("imageName");
    let mut images: Vec<&Image> = state
        .images
        .values()
        .filter(|i| i.region == region)
        .filter(|i| match code {
            0 => i.owner.as_deref() == Some(account) && i.status != "deleted",
            1 => i.owner.is_none(),
            _ => false,
        })
        .filter(|i| code != 0 || name_filter.as_deref().is_none_or(|n| i.name.contains(n)))
        .collect();
    images.sort_by_key(|i| i.seq);
    let items = images.iter().map(|i| i.to_json()).collect();
    Ok(page(items, page_no, page_size, "images"))
}

fn create_image(state: &mut State, account: &str, p: &Params<'_>) -> Outcome {
    let region = p.required("regionID")?;
    let instance = p.required("instanceID")?;
    let name = p.required("imageName")?;
    if !valid_image_name(&name) {
        return Err(Fail::new(
            "Image.ImageName.Invalid",
            "imageName must be 2-32 letters, digits or '-', start with a letter and not end with '-'",
            "镜像名称不合法",
        ));
    }
    if state
        .images
        .values()
        .any(|i| i.owner.as_deref() == Some(account) && i.region == region && i.name == name && i.status != "deleted")
    {
        return Err(Fail::new("Image.ImageName.Duplicate", "an image with this name already exists", "镜像名称已存在"));
    }
    let seq = state.next_seq();
    let image = Image {
        id: uuid::Uuid::new_v4().to_string(),
        owner: Some(account.to_owned()),
        region,
        name,
        status: "queued".into(),
        visibility: "private".into(),
        source: Some("cloud_server".into()),
        image_type: None,
        description: p.str("description"),
        os_distro: "CTyunOS".into(),
        os_version: "2.0.1".into(),
        os_type: "linux".into(),
        architecture: "x86_64".into(),
        disk_size: 40,
        source_server_id: Some(instance),
        created: chrono::Utc::now().timestamp(),
        seq,
    };
    let out = image.to_json();
    state.images.insert(image.id.clone(), image);
    Ok(json!({ "images": [out] }))
}
