#!/usr/bin/env python3
"""scripts/compile_times.py --check on made-up logs: a file over a limit
fails the check, a listed file within its figures passes, one grown past
them fails, the seconds scale with the machine's speed, and a log that is
not a timing launcher's is an error naming the file."""
import os
import subprocess
import sys
import tempfile

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "compile_times.py")


def run(folder, lines, limits, scale="1.0"):
    log = os.path.join(folder, "times.log")
    listing = os.path.join(folder, "limits.txt")
    with open(log, "w") as out:
        out.write("".join(lines))
    with open(listing, "w") as out:
        out.write(limits)
    return subprocess.run([sys.executable, SCRIPT, log, "--check", "--limits", listing, "--scale", scale],
                          capture_output=True, text=True)


def line(source, seconds, mb):
    return f"{seconds + 0.5:.2f} {seconds:.2f} {int(mb * 1e6 / 1024)} /usr/bin/c++ -O3 -o x.o -c {source}\n"


def expect(result, code, text):
    if result.returncode != code or text not in result.stdout + result.stderr:
        sys.exit(f"expected exit {code} and {text!r}, got exit {result.returncode}:\n{result.stdout}{result.stderr}")


with tempfile.TemporaryDirectory() as folder:
    sources = {}
    for name in ("fast.cpp", "slow.cpp", "large.cpp"):
        sources[name] = os.path.join(folder, "src", name)
        os.makedirs(os.path.dirname(sources[name]), exist_ok=True)
        open(sources[name], "w").close()
    fast, slow, large = sources["fast.cpp"], sources["slow.cpp"], sources["large.cpp"]
    expect(run(folder, [line(fast, 4.0, 300)], ""), 0, "the limits here are 10.0 s")
    expect(run(folder, [line(fast, 4.0, 300), line(slow, 13.0, 300)], ""), 1, "src/slow.cpp took 13.0 s")
    expect(run(folder, [line(large, 4.0, 800)], ""), 1, "src/large.cpp took 4.0 s")
    # Listed with its figures: within them passes, past them fails, under the limits is said.
    expect(run(folder, [line(slow, 13.0, 300)], "src/slow.cpp 12.0 300\n"), 0, "")
    expect(run(folder, [line(slow, 16.0, 300)], "src/slow.cpp 12.0 300\n"), 1, "over its figures")
    expect(run(folder, [line(slow, 5.0, 300)], "src/slow.cpp 12.0 300\n"), 0, "back under the limits")
    # A machine twice as slow: 18 s is 9 s at the reference's speed.
    expect(run(folder, [line(slow, 18.0, 300)], "", scale="2.0"), 0, "the limits here are 20.0 s")
    expect(run(folder, [line(slow, 18.0, 300)], "", scale="1.0"), 1, "src/slow.cpp took 18.0 s")
    # The last line of a file compiled twice counts.
    expect(run(folder, [line(slow, 18.0, 300), line(slow, 5.0, 300)], ""), 0, "")
    expect(run(folder, ["not a log\n"], ""), 1, "expected lines of a timing launcher")
    expect(run(folder, [line(fast, 4.0, 300)], "src/fast.cpp twelve 300\n"), 1, "limits.txt:1: expected")
print("compile_times.py --check: all cases as expected")
