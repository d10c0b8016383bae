#!/usr/bin/env python3
"""Per-file compile time and memory of a build, from a timing launcher's log.

Build with every compiler process timed (docs/performance.md, "Build time"):

  cmake -S . -B /tmp/build-time -DCMAKE_BUILD_TYPE=Release \\
    "-DCMAKE_CXX_COMPILER_LAUNCHER=/usr/bin/time;-f;%e %U %M %C;-a;-o;/tmp/tu_times.log"
  cmake --build /tmp/build-time -j2
  python3 scripts/compile_times.py /tmp/tu_times.log [--before OLD_LOG] [--top N]

Each log line is "wall user peak-KB command...". A file compiled more than
once (an incremental build after an edit) counts with its last line. Prints
the totals, the files over the project's limits (10 s of compiler user time,
600 MB), the user time by top-level folder and the slowest files; with
--before, each figure beside that of an older log. With --check, exits 1 if
any file is over a limit, naming each (the test command's build runs it).
"""
import argparse
import collections
import sys

LIMIT_SECONDS = 10.0
LIMIT_KB = 600e6 / 1024  # 600 MB, in the KiB that /usr/bin/time reports


def load(path):
    """(source, object) -> (user seconds, peak KB), the last line of each."""
    files = {}
    with open(path) as log:
        for number, line in enumerate(log, 1):
            parts = line.split()
            if len(parts) < 4 or line.startswith("Command exited with non-zero status"):
                continue  # time's note on a failed compile, whose retry comes later
            try:
                user, peak = float(parts[1]), int(parts[2])
            except ValueError:
                sys.exit(f"{path}:{number}: expected 'wall user peak-KB command', found {line.strip()[:80]!r}")
            # .hxx: a precompiled header (cmake/PrecompiledHeaders.cmake)
            sources = [p for p in parts[3:] if p.endswith((".cpp", ".cc", ".cxx", ".hxx"))]
            if not sources:
                continue  # a link, or a line of the compiler's own output
            outputs = [parts[i + 1] for i in range(3, len(parts) - 1) if parts[i] == "-o"]
            files[(sources[-1], outputs[-1] if outputs else "")] = (user, peak)
    if not files:
        sys.exit(f"{path}: expected lines of a timing launcher ('wall user peak-KB command'), found none")
    return files


def short(source):
    """A source path relative to the tree or the build folder."""
    for marker in ("/include/", "/tests/", "/lenet1/", "/lenet5/", "/micro_vit/", "/bench/", "/examples/",
                   "/report/", "/src/"):
        at = source.rfind(marker)
        if at >= 0:
            return source[at + 1:]
    return source


def summary(files):
    by_folder = collections.Counter()
    for (source, _), (user, _) in files.items():
        by_folder[short(source).split("/")[0]] += user
    return {
        "files": len(files),
        "user": sum(user for user, _ in files.values()),
        "over_seconds": sum(user > LIMIT_SECONDS for user, _ in files.values()),
        "over_memory": sum(peak > LIMIT_KB for _, peak in files.values()),
        "by_folder": by_folder,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("log")
    parser.add_argument("--before", help="an older build's log, to compare with")
    parser.add_argument("--top", type=int, default=20, help="how many of the slowest files to list")
    parser.add_argument("--check", action="store_true", help="exit 1 if any file is over a limit")
    args = parser.parse_args()
    now = load(args.log)
    before = load(args.before) if args.before else None
    s, b = summary(now), summary(before) if before else None

    def pair(key):
        return f"{b[key]:,.0f} -> {s[key]:,.0f}" if b else f"{s[key]:,.0f}"

    print(f"compiler processes: {pair('files')}")
    print(f"user seconds, all files: {pair('user')}")
    print(f"files over {LIMIT_SECONDS:.0f} s: {pair('over_seconds')}")
    print(f"files over {LIMIT_KB * 1024 / 1e6:.0f} MB: {pair('over_memory')}")
    print("user seconds by folder:")
    for folder, user in s["by_folder"].most_common():
        print(f"  {folder}: {b['by_folder'][folder]:,.0f} -> {user:,.0f}" if b else f"  {folder}: {user:,.0f}")
    print(f"slowest {args.top} files (user s, peak MB):")
    rows = sorted(now.items(), key=lambda item: -item[1][0])[: args.top]
    for key, (user, peak) in rows:
        old = f"{before[key][0]:6.1f} -> " if before and key in before else ""
        print(f"  {short(key[0]):58s} {old}{user:6.1f} s {peak / 1024:7.0f} MB")
    if args.check:
        over = [(short(source), user, peak) for (source, _), (user, peak) in now.items()
                if user > LIMIT_SECONDS or peak > LIMIT_KB]
        for source, user, peak in over:
            print(f"compile_times: {source} took {user:.1f} s and {peak * 1024 / 1e6:.0f} MB; the limits are "
                  f"{LIMIT_SECONDS:.0f} s and {LIMIT_KB * 1024 / 1e6:.0f} MB a file", file=sys.stderr)
        if over:
            sys.exit(1)


if __name__ == "__main__":
    main()
