// @generated placeholder
pub mod model {}
pub mod operations {}
