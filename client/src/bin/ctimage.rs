//! `ctimage`: the command line for the CTyun image API (feature `cli`). Everything is in
//! `ctyun_image::cli`; run `ctimage --help`.

fn main() -> std::process::ExitCode {
    ctyun_image::cli::main()
}
