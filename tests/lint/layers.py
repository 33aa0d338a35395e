#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The library's files call one way: the graph of calls between src/*.c
files (a call of an lm_ function defined in another file is an edge) has
no cycle.  Prints the graph and every cycle found; exits 1 on a cycle.

   usage: layers.py SRC_DIR"""
import glob
import os
import re
import sys


def strip(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def main(src):
    files = sorted(glob.glob(os.path.join(src, "*.c")))
    if not files:
        print(f"layers: no C files in {src}", file=sys.stderr)
        return 2
    text = {f: strip(open(f, encoding="utf-8", errors="replace").read()) for f in files}
    defined = {}
    for f, t in text.items():
        # a definition: a name at the start of a line, its parameters, a brace
        for m in re.finditer(r"^[A-Za-z_][^\n;=(]*?\b(lm_\w+)\s*\([^;{]*?\)\s*\{", t, flags=re.M):
            defined.setdefault(m.group(1), f)
    edges = {}
    for f, t in text.items():
        for m in re.finditer(r"\b(lm_\w+)\s*\(", t):
            g = defined.get(m.group(1))
            if g and g != f:
                edges.setdefault(f, {}).setdefault(g, m.group(1))
    base = os.path.basename
    for f in files:
        print(f"{base(f)} -> {' '.join(sorted(base(g) for g in edges.get(f, {})))}")
    state, stack, cycles = {}, [], []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in edges.get(u, {}):
            if state.get(v) == 1:
                cycles.append(stack[stack.index(v):] + [v])
            elif not state.get(v):
                visit(v)
        stack.pop()
        state[u] = 2

    sys.setrecursionlimit(10000)
    for f in files:
        if not state.get(f):
            visit(f)
    for c in cycles:
        print("cycle: " + " -> ".join(f"{base(a)} (calls {edges[a][b]})" for a, b in zip(c, c[1:])),
              file=sys.stderr)
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "src"))
