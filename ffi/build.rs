//! Gives the shared library `libamscore.so` its SONAME on ELF platforms.
//!
//! The SONAME names the ABI a program links against. amscore follows semver: before 1.0 a new
//! minor version may break the ABI (0.1 to 0.2), so the SONAME keeps major and minor
//! (`libamscore.so.0.1` for every 0.1.z); from 1.0 on only the major (`libamscore.so.1`).
//! `scripts/install.sh` installs `libamscore.so.X.Y.Z` with the SONAME and `libamscore.so`
//! as symlinks to it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos" | "solaris"
    );
    if !elf {
        return;
    }
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let minor = env!("CARGO_PKG_VERSION_MINOR");
    let abi = if major == "0" { format!("0.{minor}") } else { major.to_owned() };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libamscore.so.{abi}");
}
