#!/usr/bin/python3
"""Run the cross-test matrix described by cells.conf and write its table.

    run_matrix.py --conf cells.conf --run-pair run_pair.sh --interop DIR
                  --python PY --postern-server P --postern-client P
                  [--cpp-server P] [--cpp-client P] [--go-server P] [--go-client P] [--pairs a,b] [--slice] [--jobs N]
                  [--markdown OUT.md] [--logs DIR]

Each cell that is not skipped runs as one run_pair.sh call (a server, then a
client against it, both given Apache Thrift's cross-test runner's
arguments), several at once. Prints one line per cell and a summary; writes
the Markdown table (every cell: pass, FAIL, or why it is not run). Exit
status 1 when a cell that ran failed, 2 on a bad configuration.
"""

import argparse
import concurrent.futures
import fnmatch
import os
import shlex
import subprocess
import sys
import time

SOCKET_ARGS = {
    "ip": [],
    "ip-ssl": ["--ssl"],
    "domain": ["--domain-socket={socket}"],
    "abstract": ["--abstract-namespace", "--domain-socket={socket}"],
}
RUN_PAIR_SOCKET = {"domain": ["--unix"], "abstract": ["--abstract"]}


class ConfError(Exception):
    pass


def matches(field, value):
    return any(fnmatch.fnmatchcase(value, pat) for pat in field.split(","))


def parse_conf(path):
    conf = {"axes": {}, "programs": {}, "pairs": [], "skips": [], "slices": [],
            "args": []}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            kind, rest = words[0], words[1:]
            where = "%s:%d" % (path, lineno)
            if kind in ("protocols", "transports", "sockets"):
                conf["axes"][kind] = rest
            elif kind == "program":
                if len(rest) < 2:
                    raise ConfError("%s: program needs a name and a command" % where)
                cmd, trailing = rest[1:], []
                if "--" in cmd:
                    i = cmd.index("--")
                    cmd, trailing = cmd[:i], cmd[i + 1:]
                conf["programs"][rest[0]] = (cmd, trailing)
            elif kind == "pair":
                if len(rest) != 3:
                    raise ConfError("%s: pair needs NAME CLIENT SERVER" % where)
                conf["pairs"].append(tuple(rest))
            elif kind == "skip":
                if len(rest) < 5:
                    raise ConfError("%s: skip needs PAIRS PROTOCOLS TRANSPORTS "
                                    "SOCKETS REASON" % where)
                conf["skips"].append((rest[:4], " ".join(rest[4:])))
            elif kind == "args":
                if len(rest) < 6 or rest[4] not in ("client", "server"):
                    raise ConfError("%s: args needs PAIRS PROTOCOLS TRANSPORTS "
                                    "SOCKETS client|server ARGS..." % where)
                conf["args"].append((rest[:4], rest[4], rest[5:]))
            elif kind == "slice":
                if len(rest) != 4:
                    raise ConfError("%s: slice needs PAIRS PROTOCOLS TRANSPORTS "
                                    "SOCKETS" % where)
                conf["slices"].append(rest)
            else:
                raise ConfError("%s: unknown line kind '%s'" % (where, kind))
    for axis in ("protocols", "transports", "sockets"):
        if not conf["axes"].get(axis):
            raise ConfError("%s: no '%s' line" % (path, axis))
    for sock in conf["axes"]["sockets"]:
        if sock not in SOCKET_ARGS:
            raise ConfError("%s: socket kind '%s' unknown to run_matrix.py" % (path, sock))
    for name, client, server in conf["pairs"]:
        for prog in (client, server):
            if prog not in conf["programs"]:
                raise ConfError("%s: pair %s: no program '%s'" % (path, name, prog))
    return conf


def rule_matches(fields, cell):
    return all(matches(f, v) for f, v in zip(fields, cell))


def expand(words, values):
    out = []
    for w in words:
        for k, v in values.items():
            w = w.replace("{%s}" % k, v)
        out.append(w)
    return out


class Cell:
    def __init__(self, pair, proto, trans, sock):
        self.pair, self.proto, self.trans, self.sock = pair, proto, trans, sock
        self.reason = None      # why it is not run
        self.status = None      # run_pair.sh's exit status
        self.seconds = 0.0

    @property
    def name(self):
        return "%s/%s-%s-%s" % (self.pair, self.proto, self.trans, self.sock)


def command(conf, prog, side, cell, values):
    cmd, trailing = conf["programs"][prog]
    args = ["--protocol=" + cell.proto, "--transport=" + cell.trans]
    args += SOCKET_ARGS[cell.sock] + ["--port={port}"]
    key = (cell.pair, cell.proto, cell.trans, cell.sock)
    for fields, which, more in conf["args"]:
        if which == side and rule_matches(fields, key):
            args += more
    return expand(cmd + args + trailing, values)


def run_cell(conf, cell, opts, values):
    name, client, server = next(p for p in conf["pairs"] if p[0] == cell.pair)
    pair_opts = RUN_PAIR_SOCKET.get(cell.sock, []) + [
        "--start-timeout", "20", "--client-timeout", str(opts.client_timeout)]
    if server.startswith("postern"):
        pair_opts.append("--server-exit-clean")
    argv = ([opts.run_pair] + pair_opts + ["--"]
            + command(conf, server, "server", cell, values)
            + ["--"] + command(conf, client, "client", cell, values))
    start = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL)
    cell.seconds = time.monotonic() - start
    cell.status = proc.returncode
    log = os.path.join(opts.logs, cell.name.replace("/", "_") + ".log")
    with open(log, "wb") as f:
        f.write(("$ " + " ".join(shlex.quote(a) for a in argv) + "\n").encode())
        f.write(proc.stdout)
    return cell, log, proc.stdout


def mark(cell, notes):
    if cell.reason is not None:
        if cell.reason not in notes:
            notes.append(cell.reason)
        return "–%d" % (notes.index(cell.reason) + 1)
    if cell.status is None:
        return "·"
    return "✓" if cell.status == 0 else "**✗%d**" % cell.status


def markdown(conf, cells, pairs, title):
    """One row per protocol and transport, one column per pair; each entry
    lists the socket kinds in order: ✓ passed, ✗N failed with status N,
    –N not run for reason N, · not in this run (a slice)."""
    notes = []
    socks = conf["axes"]["sockets"]
    head = ["protocol", "transport"]
    for name, client, server in pairs:
        head.append("%s → %s" % (client.split("-")[0], server.split("-")[0]))
    lines = [title, "",
             "Each entry: %s. ✓ passed, ✗N failed (exit status N), –N not run "
             "(reason N below)%s." % (" / ".join(socks),
                                      ", · not in this run" if any(
                                          c.status is None and c.reason is None
                                          for c in cells) else ""),
             "", "| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * len(head)) + "|"]
    by = {(c.pair, c.proto, c.trans, c.sock): c for c in cells}
    for proto in conf["axes"]["protocols"]:
        for trans in conf["axes"]["transports"]:
            row = [proto, trans]
            for name, _, _ in pairs:
                row.append(" ".join(mark(by[(name, proto, trans, s)], notes) for s in socks))
            lines.append("| " + " | ".join(row) + " |")
    ran = [c for c in cells if c.status is not None]
    passed = sum(1 for c in ran if c.status == 0)
    lines.append("")
    lines.append("%d cells: %d run, %d passed, %d failed, %d not run."
                 % (len(cells), len(ran), passed, len(ran) - passed,
                    sum(1 for c in cells if c.reason is not None)))
    lines.append("")
    lines.append("Not run:")
    lines.append("")
    for i, n in enumerate(notes, 1):
        lines.append("%d. %s" % (i, n))
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description="postern's cross-test matrix")
    p.add_argument("--conf", required=True)
    p.add_argument("--run-pair", required=True)
    p.add_argument("--interop", required=True)
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--postern-server", required=True)
    p.add_argument("--postern-client", required=True)
    p.add_argument("--cpp-server", default="")
    p.add_argument("--cpp-client", default="")
    p.add_argument("--go-server", default="")
    p.add_argument("--go-client", default="")
    p.add_argument("--pairs", default="", help="comma-separated pairs (default: all)")
    p.add_argument("--slice", action="store_true", help="only the slice cells")
    p.add_argument("--jobs", type=int, default=3)
    p.add_argument("--client-timeout", type=int, default=60)
    p.add_argument("--markdown", default="")
    p.add_argument("--logs", default="")
    opts = p.parse_args()
    try:
        conf = parse_conf(opts.conf)
    except (ConfError, OSError) as e:
        sys.stderr.write("run_matrix: %s\n" % e)
        return 2
    pairs = conf["pairs"]
    if opts.pairs:
        wanted = opts.pairs.split(",")
        unknown = [w for w in wanted if w not in [n for n, _, _ in pairs]]
        if unknown:
            sys.stderr.write("run_matrix: no pair %s in %s\n" % (", ".join(unknown), opts.conf))
            return 2
        pairs = [pr for pr in pairs if pr[0] in wanted]
    if not opts.logs:
        opts.logs = os.path.join(os.getcwd(), "matrix-logs")
    os.makedirs(opts.logs, exist_ok=True)
    values = {"python": opts.python, "interop": opts.interop,
              "postern-server": opts.postern_server,
              "postern-client": opts.postern_client, "cpp-server": opts.cpp_server,
              "cpp-client": opts.cpp_client, "go-server": opts.go_server,
              "go-client": opts.go_client}

    cells = []
    for name, client, server in pairs:
        for proto in conf["axes"]["protocols"]:
            for trans in conf["axes"]["transports"]:
                for sock in conf["axes"]["sockets"]:
                    c = Cell(name, proto, trans, sock)
                    key = (name, proto, trans, sock)
                    for fields, reason in conf["skips"]:
                        if rule_matches(fields, key):
                            c.reason = reason
                            break
                    progs = conf["programs"][client][0] + conf["programs"][server][0]
                    for peer in ("cpp-server", "cpp-client", "go-server", "go-client"):
                        if c.reason is None and "{%s}" % peer in progs and not values[peer]:
                            c.reason = "the Thrift %s peer is not built" % (
                                "C++" if peer.startswith("cpp") else "Go")
                    cells.append(c)
    todo = [c for c in cells if c.reason is None]
    if opts.slice:
        todo = [c for c in todo
                if any(rule_matches(s, (c.pair, c.proto, c.trans, c.sock))
                       for s in conf["slices"])]
    print("run_matrix: %d cells, running %d (%d at a time)" % (len(cells), len(todo), opts.jobs),
          flush=True)
    failed = []
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
        futures = [ex.submit(run_cell, conf, c, opts, values) for c in todo]
        for fut in concurrent.futures.as_completed(futures):
            cell, log, out = fut.result()
            ok = cell.status == 0
            print("%s %s (%.1f s)" % ("ok  " if ok else "FAIL", cell.name, cell.seconds),
                  flush=True)
            if not ok:
                failed.append(cell)
                sys.stdout.write("---- %s (log: %s), last lines:\n" % (cell.name, log))
                sys.stdout.write("\n".join(out.decode(errors="replace").splitlines()[-25:]))
                sys.stdout.write("\n----\n")
    took = time.monotonic() - start
    print("run_matrix: %d run, %d passed, %d failed, %d not run, in %.0f s"
          % (len(todo), len(todo) - len(failed), len(failed),
             sum(1 for c in cells if c.reason is not None), took))
    if opts.markdown:
        title = ("postern's cross-test matrix%s (`tests/interop/matrix/`): client → server"
                 % (" (slice)" if opts.slice else ""))
        with open(opts.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(conf, cells, pairs, title))
        print("run_matrix: table written to %s" % opts.markdown)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
