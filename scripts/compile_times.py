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
--before, each figure beside that of an older log.

With --check (the test command runs it on its build), exits 1 and names each
file over a limit. Memory is the compiler's own and nearly the same on any
machine. Seconds are not: the build compiles scripts/compile_yardstick.cpp
(the standard library only) among its files, and the check scales the limit
by its time against YARDSTICK_SECONDS, its time on the machine the limits
were set on; so a slower machine, or a busier one, counts the same. A file
then fails if it is over the scaled limit by more than the build's noise
(NOISE). The files known to be over are listed in
scripts/compile_limits.txt with their figures; for them the check fails
only if they grow past those, and says when one is back under the limits.
"""
import argparse
import collections
import os
import resource
import subprocess
import sys

LIMIT_SECONDS = 10.0
LIMIT_KB = 600e6 / 1024  # 600 MB, in the KiB that /usr/bin/time reports
# The yardstick's user seconds in the test command's build (-j2, g++ 12,
# Release) on the machine of the limits (docs/performance.md, "Build time":
# AMD EPYC, 2 cores), which is also where the figures of compile_limits.txt
# come from. Alone on that machine it takes 3.2 s, so a -j2 build's other
# job makes a compile 1.2 times slower.
YARDSTICK = "scripts/compile_yardstick.cpp"
YARDSTICK_FLAGS = ["-std=gnu++20", "-O3", "-DNDEBUG"]
YARDSTICK_SECONDS = 3.86
# A file's seconds over the yardstick's vary by up to 17% from one clean
# -j2 build to the next (two fresh clones of the test command, every file
# over 3 s compared): a file fails when over its limit by more than this.
NOISE = 1.25
HERE = os.path.dirname(os.path.abspath(__file__))


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
    parser.add_argument("--limits", default=os.path.join(HERE, "compile_limits.txt"),
                        help="the files known to be over the limits, with their figures")
    parser.add_argument("--scale", type=float,
                        help="this machine's compile time against the reference's, instead of the yardstick's")
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
    before_by_name = {(short(source), output): value for (source, output), value in (before or {}).items()}
    for key, (user, peak) in rows:
        # By the path within the tree: the older log may be another clone's.
        old = before_by_name.get((short(key[0]), key[1]))
        old = f"{old[0]:6.1f} -> " if old else ""
        print(f"  {short(key[0]):58s} {old}{user:6.1f} s {peak * 1024 / 1e6:7.0f} MB")
    if args.check:
        sys.exit(check(now, args.log, args.limits, args.scale))


def compiler_of(path):
    """The compiler of a timing launcher's log: the command's first word."""
    with open(path) as log:
        for line in log:
            parts = line.split()
            if len(parts) > 3 and any(p.endswith((".cpp", ".cc", ".cxx")) for p in parts[4:]):
                return parts[3]
    sys.exit(f"{path}: found no compiler command")


def yardstick_seconds(files, log):
    """User seconds of the yardstick's compile: from the build's log, where it
    was compiled among the other files and under the same load (target
    ctgrad_compile_yardstick); else compiled now, the least of three runs."""
    for (source, _), (user, _) in files.items():
        if source.endswith(YARDSTICK):
            return user
    times = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        subprocess.run([compiler_of(log), *YARDSTICK_FLAGS, "-c", os.path.join(HERE, "..", YARDSTICK), "-o",
                        os.devnull], check=True)
        times.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before)
    return min(times)


def load_limits(path):
    """short source -> (seconds, KB) allowed, from compile_limits.txt."""
    allowed = {}
    with open(path) as listing:
        for number, line in enumerate(listing, 1):
            line = line.split("#")[0].strip()
            if not line:
                continue
            parts = line.split()
            try:
                allowed[parts[0]] = (float(parts[1]), float(parts[2]) * 1e6 / 1024)
            except (IndexError, ValueError):
                sys.exit(f"{path}:{number}: expected 'file seconds MB', found {line!r}")
    return allowed


def check(files, log, limits_path, scale=None):
    """0 if every file is within the limits (or its listed figures), else 1."""
    if scale is None:
        scale = yardstick_seconds(files, log) / YARDSTICK_SECONDS
    allowed = load_limits(limits_path)
    print(f"compile_times: this machine compiles the yardstick at {scale:.2f} times the reference's time; "
          f"the limits here are {LIMIT_SECONDS * scale:.1f} s and {LIMIT_KB * 1024 / 1e6:.0f} MB a file")
    failed = False
    seen = set()
    for (source, _), (user, peak) in sorted(files.items()):
        if not os.path.exists(source):
            continue  # a file since deleted or renamed, from an older build in the same log
        name = short(source)
        seconds_limit, kb_limit = allowed.get(name, (LIMIT_SECONDS, LIMIT_KB))
        seconds_limit, kb_limit = max(seconds_limit, LIMIT_SECONDS), max(kb_limit, LIMIT_KB)
        if name in allowed:
            seen.add(name)
        if user > seconds_limit * scale * NOISE or peak > kb_limit * NOISE:
            failed = True
            where = f"its figures in {os.path.relpath(limits_path)}" if name in allowed else "the limits"
            print(f"compile_times: {name} took {user:.1f} s ({user / scale:.1f} s at the reference's speed) and "
                  f"{peak * 1024 / 1e6:.0f} MB, over {where}, {seconds_limit:.1f} s and "
                  f"{kb_limit * 1024 / 1e6:.0f} MB, by more than the noise ({NOISE - 1:.0%})", file=sys.stderr)
        elif name in allowed and user <= LIMIT_SECONDS * scale and peak <= LIMIT_KB:
            print(f"compile_times: {name} is back under the limits ({user / scale:.1f} s, "
                  f"{peak * 1024 / 1e6:.0f} MB): take it off {os.path.relpath(limits_path)}")
    for name in sorted(set(allowed) - seen):
        print(f"compile_times: {name}, listed in {os.path.relpath(limits_path)}, was not compiled in this build")
    return 1 if failed else 0


if __name__ == "__main__":
    main()
