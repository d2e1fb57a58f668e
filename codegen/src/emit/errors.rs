//! `errors.rs`: the `ErrorCode` enum of the CTyun error codes declared in `x-error-codes`,
//! with an `Unknown` fallback like every generated enum.

use proc_macro2::TokenStream;

use super::enums::emit_string_enum;
use super::Cx;
use crate::ir::Variant;

pub(super) fn emit_errors(cx: &Cx<'_>) -> TokenStream {
    let variants: Vec<Variant<String>> = cx
        .api
        .error_codes
        .iter()
        .map(|c| {
            let mut docs = c.docs.clone();
            docs.push(if c.operations.is_empty() {
                format!("Code `{}`; any operation may return it.", c.code)
            } else {
                let ops: Vec<String> = c.operations.iter().map(|m| format!("`{m}`")).collect();
                format!("Code `{}`; returned by {}.", c.code, ops.join(", "))
            });
            Variant { rust_name: c.rust_name.clone(), value: c.code.clone(), docs }
        })
        .collect();
    let docs = vec![
        "A CTyun error code (`error` / `errorCode` of a failure envelope), as declared in the spec's \
         `x-error-codes`: only codes the sources confirm are named."
            .to_owned(),
        "Get it from an error with `Error::error_code`; `Error::api_code` keeps the raw text.".to_owned(),
    ];
    let body = emit_string_enum(cx, "ErrorCode", &variants, docs);
    quote::quote! {
        //! Known CTyun error codes (`x-error-codes` of the spec).
        #body
    }
}
