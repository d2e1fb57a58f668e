//! README's "Testing your code" example is `tests/readme_example.rs`, verbatim: this test fails
//! when one is edited without the other.

#[test]
fn readme_example_is_the_compiled_test() {
    let readme = include_str!("../../../README.md");
    let section =
        readme.split("\n## Testing your code\n").nth(1).expect("README has a \"## Testing your code\" section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let block =
        section.split("```rust,ignore\n").nth(1).and_then(|b| b.split("\n```").next()).expect("a ```rust,ignore block");
    let file = include_str!("readme_example.rs");
    assert_eq!(
        format!("{}\n", block.trim_end()),
        file,
        "README.md's \"Testing your code\" example and tests/fake/tests/readme_example.rs differ; copy one to the other"
    );
}
