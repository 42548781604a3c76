#!/usr/bin/env python3
"""A misbehaving adapter for the exec target's fault tests (standard library only).

It forwards every line between the harness and a real adapter (the command in
FAULTY_INNER), except in the subtest whose name contains FAULTY_SUBTEST, where
at the first `input` message it does FAULTY_MODE instead of answering:

- garbage: prints a line that is not JSON;
- schema:  prints JSON that breaks the protocol (a result without observations);
- exit:    exits with status 3;
- hang:    never answers.

FAULTY_CAPS, a comma-separated list, replaces the capabilities the inner
adapter announces (for the NOTRUN tests).
"""
import json
import os
import subprocess
import sys
import time

inner = subprocess.Popen(os.environ["FAULTY_INNER"], shell=True, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
target = os.environ.get("FAULTY_SUBTEST", "\0")
mode = os.environ.get("FAULTY_MODE", "")
caps = os.environ.get("FAULTY_CAPS")
faulty = False


def forward(line):
    inner.stdin.write(line)
    inner.stdin.flush()
    return inner.stdout.readline()


for line in sys.stdin:
    msg = json.loads(line)
    if msg["op"] == "begin":
        faulty = target in msg["subtest"]
    if faulty and msg["op"] == "input":
        if mode == "garbage":
            print("this is not json", flush=True)
        elif mode == "schema":
            print(json.dumps({"op": "result"}), flush=True)
        elif mode == "exit":
            sys.stderr.write("faulty adapter: exiting on purpose\n")
            sys.exit(3)
        elif mode == "hang":
            while True:
                time.sleep(60)
        continue
    if msg["op"] == "bye":
        forward(line)
        break
    answer = forward(line)
    if msg["op"] == "hello" and caps is not None:
        hello = json.loads(answer)
        hello["capabilities"] = {c: True for c in caps.split(",") if c}
        answer = json.dumps(hello) + "\n"
    sys.stdout.write(answer)
    sys.stdout.flush()
