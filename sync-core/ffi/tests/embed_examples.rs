//! Builds the library, compiles `examples/embed.c` with the system C compiler
//! and `examples/embed.cpp` with the C++ compiler, and runs them: statically
//! and dynamically linked, under valgrind, and with AddressSanitizer and
//! UndefinedBehaviorSanitizer. Each program checks its own steps and exits 0
//! only if every one matched.
//!
//! valgrind and the sanitizer runtime are optional on a developer machine:
//! when one is missing, only that part is skipped, with the reason printed.
//! A negative control (`tests/c/leaky.c`, which leaks one action) proves that
//! each checker used here does catch a leak.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Where things are.
struct Paths {
    crate_dir: PathBuf,
    /// The profile directory holding `libsync_ffi.a` and `libsync_ffi.so`.
    lib_dir: PathBuf,
    /// Scratch space for binaries and store files.
    out_dir: PathBuf,
}

/// Builds the static and shared libraries once for every test in this file.
fn paths() -> &'static Paths {
    static PATHS: OnceLock<Paths> = OnceLock::new();
    PATHS.get_or_init(|| {
        let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        // The test binary is <target>/<profile>/deps/embed_examples-<hash>.
        let exe = std::env::current_exe().expect("test binary path");
        let lib_dir = exe.parent().and_then(Path::parent).expect("profile directory").to_path_buf();
        let target_dir = lib_dir.parent().expect("target directory").to_path_buf();
        let profile = lib_dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug").to_string();
        let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        build.args(["build", "-p", "sync-ffi", "--lib", "--target-dir"]).arg(&target_dir);
        if profile != "debug" {
            build.args(["--profile", &profile]);
        }
        build.current_dir(&crate_dir);
        let out = build.output().expect("cargo runs");
        assert!(out.status.success(), "building sync-ffi failed:\n{}", String::from_utf8_lossy(&out.stderr));
        for lib in ["libsync_ffi.a", "libsync_ffi.so"] {
            assert!(lib_dir.join(lib).is_file(), "{lib} missing in {}", lib_dir.display());
        }
        let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ffi-embed");
        std::fs::create_dir_all(&out_dir).expect("scratch directory");
        Paths { crate_dir, lib_dir, out_dir }
    })
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

fn cxx() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".into())
}

/// The system libraries the static library needs on Linux, as
/// `cargo rustc -p sync-ffi --crate-type staticlib -- --print native-static-libs` lists them.
const NATIVE_LIBS: [&str; 7] = ["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];

#[derive(Clone, Copy, PartialEq)]
enum Link {
    Static,
    Dynamic,
}

/// Compiles one C or C++ source into `name`; `extra` goes before the source.
fn compile(source: &str, name: &str, link: Link, extra: &[&str]) -> Result<PathBuf, String> {
    let p = paths();
    let cpp = source.ends_with(".cpp");
    let mut cmd = Command::new(if cpp { cxx() } else { cc() });
    cmd.arg(if cpp { "-std=c++17" } else { "-std=c11" });
    cmd.args(["-Wall", "-Wextra", "-Werror", "-pedantic", "-g"]).args(extra);
    cmd.arg("-I").arg(p.crate_dir.join("include")).arg(p.crate_dir.join(source));
    match link {
        Link::Static => {
            cmd.arg(p.lib_dir.join("libsync_ffi.a"));
        }
        Link::Dynamic => {
            cmd.arg("-L").arg(&p.lib_dir).arg("-lsync_ffi").arg(format!("-Wl,-rpath,{}", p.lib_dir.display()));
        }
    }
    cmd.args(NATIVE_LIBS);
    let exe = p.out_dir.join(name);
    cmd.arg("-o").arg(&exe);
    println!("$ {cmd:?}");
    let out = cmd.output().map_err(|e| format!("cannot run the compiler: {e}"))?;
    if !out.status.success() {
        return Err(format!("compiling {source} failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(exe)
}

/// Runs `exe` (optionally under `wrapper`) with a fresh scratch directory.
fn run(exe: &Path, wrapper: &[&str], env: &[(&str, &str)]) -> Output {
    let name = exe.file_name().and_then(|n| n.to_str()).unwrap_or("exe");
    let tag = if wrapper.is_empty() { "plain" } else { "wrapped" };
    let scratch = paths().out_dir.join(format!("{name}-{tag}-run"));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    let mut cmd = match wrapper.split_first() {
        Some((tool, args)) => {
            let mut c = Command::new(tool);
            c.args(args).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    cmd.arg(&scratch).envs(env.iter().copied());
    println!("$ {cmd:?}");
    cmd.output().expect("the example runs")
}

/// Asserts that an example ran to its end and matched every step.
fn assert_clean(what: &str, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("all steps matched") && !stdout.lines().any(|l| l.starts_with("FAIL")),
        "{what} failed ({}):\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
}

fn compiled(source: &str, name: &str, link: Link, extra: &[&str]) -> PathBuf {
    compile(source, name, link, extra).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn c_example_matches_every_step_when_linked_statically() {
    let exe = compiled("examples/embed.c", "embed_c_static", Link::Static, &[]);
    assert_clean("embed.c (static)", &run(&exe, &[], &[]));
}

#[test]
fn cpp_example_matches_every_step_when_linked_statically() {
    let exe = compiled("examples/embed.cpp", "embed_cpp_static", Link::Static, &[]);
    assert_clean("embed.cpp (static)", &run(&exe, &[], &[]));
}

#[test]
fn both_examples_match_every_step_when_linked_dynamically() {
    let c = compiled("examples/embed.c", "embed_c_dynamic", Link::Dynamic, &[]);
    assert_clean("embed.c (dynamic)", &run(&c, &[], &[]));
    let cpp = compiled("examples/embed.cpp", "embed_cpp_dynamic", Link::Dynamic, &[]);
    assert_clean("embed.cpp (dynamic)", &run(&cpp, &[], &[]));
}

const VALGRIND: [&str; 4] = ["valgrind", "-q", "--error-exitcode=1", "--leak-check=full"];

fn valgrind_present() -> bool {
    let found = Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        println!("SKIPPED: valgrind is not installed (CI installs it); the valgrind runs did not happen");
    }
    found
}

#[test]
fn both_examples_run_clean_under_valgrind() {
    if !valgrind_present() {
        return;
    }
    for (source, name) in [("examples/embed.c", "embed_c_vg"), ("examples/embed.cpp", "embed_cpp_vg")] {
        let exe = compiled(source, name, Link::Static, &[]);
        assert_clean(&format!("{source} under valgrind"), &run(&exe, &VALGRIND, &[]));
    }
}

const SANITIZE: [&str; 3] = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"];
const SANITIZER_ENV: [(&str, &str); 2] =
    [("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0"), ("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")];

/// Whether the compiler can build and run a sanitized program here.
fn sanitizers_work() -> bool {
    static WORKS: OnceLock<Result<(), String>> = OnceLock::new();
    let works = WORKS.get_or_init(|| {
        let dir = &paths().out_dir;
        let src = dir.join("probe.c");
        std::fs::write(&src, "#include <stdlib.h>\nint main(void) { free(malloc(8)); return 0; }\n")
            .map_err(|e| e.to_string())?;
        let exe = dir.join("probe");
        let out = Command::new(cc())
            .args(SANITIZE)
            .arg(&src)
            .arg("-o")
            .arg(&exe)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", cc()))?;
        if !out.status.success() {
            return Err(format!(
                "{} cannot link the sanitizer runtime: {}",
                cc(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let ran = Command::new(&exe).envs(SANITIZER_ENV).output().map_err(|e| e.to_string())?;
        if !ran.status.success() {
            return Err(format!("a sanitized program cannot run here: {}", String::from_utf8_lossy(&ran.stderr)));
        }
        Ok(())
    });
    if let Err(reason) = works {
        println!("SKIPPED: the sanitizer runs did not happen: {reason}");
    }
    works.is_ok()
}

#[test]
fn both_examples_run_clean_under_address_and_undefined_sanitizers() {
    if !sanitizers_work() {
        return;
    }
    for (source, name) in [("examples/embed.c", "embed_c_asan"), ("examples/embed.cpp", "embed_cpp_asan")] {
        let exe = compiled(source, name, Link::Static, &SANITIZE);
        assert_clean(&format!("{source} with -fsanitize=address,undefined"), &run(&exe, &[], &SANITIZER_ENV));
    }
}

#[test]
fn the_leak_checkers_catch_a_leaked_action() {
    if valgrind_present() {
        let exe = compiled("tests/c/leaky.c", "leaky_vg", Link::Static, &[]);
        let out = run(&exe, &VALGRIND, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains("definitely lost"),
            "valgrind did not report the leaked action ({}):\n{stderr}",
            out.status
        );
    }
    if sanitizers_work() {
        let exe = compiled("tests/c/leaky.c", "leaky_asan", Link::Static, &SANITIZE);
        let out = run(&exe, &[], &SANITIZER_ENV);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains("LeakSanitizer"),
            "LeakSanitizer did not report the leaked action ({}):\n{stderr}",
            out.status
        );
    }
}
