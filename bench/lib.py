"""Helpers for the benchmark harness (Python 3 stdlib only).

    import sys; sys.path.insert(0, "bench"); import lib
    path = lib.corpus(10_000)                       # generate once, reuse
    r = lib.measure(["build/kabsd-guard", "check"], cwd=path, runs=5)
    print(r["median_s"], r["max_rss_kb"])

Whole-process timings: wall clock from fork to wait4, max RSS from the
rusage that wait4 returns for that child (it covers the child and the
descendants it waited for, so a wrapper shell is included).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")          # git-ignored (/bench/out/ in .gitignore)
META_NAME = ".bench-meta.json"
GEN = os.path.join(BENCH, "gen-corpus")
REF_CHECKER = os.path.join(BENCH, "ref-checker")
PY_RESERVE = os.path.join(BENCH, "py-reserve")

# Variables that would point git at another repository or change its output.
_GIT_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES", "GIT_NAMESPACE")


def clean_env(extra=None):
    """The environment for measured runs: no GIT_* redirection, C locale."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV}
    env["LC_ALL"] = "C"
    if extra:
        env.update(extra)
    return env


# -- corpora -------------------------------------------------------------------

def corpus_path(items, seed=1):
    return os.path.join(OUT, "corpus-%d-s%d" % (items, seed))


def load_meta(path):
    with open(os.path.join(path, META_NAME)) as f:
        return json.load(f)


def corpus(items, seed=1, path=None, **opts):
    """Path of a generated corpus, generating it when missing or when its
    meta does not match. `opts` are gen-corpus options (side_items=20, ...)."""
    path = path or corpus_path(items, seed)
    try:
        m = load_meta(path)
        if m["items"] == items and m["seed"] == seed and all(
                m["options"].get(k) == v for k, v in opts.items()):
            return path
    except (OSError, ValueError, KeyError):
        pass
    cmd = [sys.executable, GEN, "--items", str(items), "--seed", str(seed), "--force"]
    for k, v in opts.items():
        flag = "--" + k.replace("_", "-")
        if v is True:
            cmd.append(flag)
        elif v not in (False, None):
            cmd += [flag, str(v)]
    if os.path.exists(path) and not os.path.exists(os.path.join(path, META_NAME)):
        raise RuntimeError("%s exists and is not a corpus" % path)
    subprocess.run(cmd + [path], check=True)
    return path


def git(repo, *args, check=True):
    r = subprocess.run(["git", "-C", repo] + list(args), check=check, env=clean_env(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.stdout.strip()


def clone(src, dst):
    """A throw-away copy of a corpus for runs that write (commits, merges,
    hooks): objects shared with `src` (git clone --shared), branches main and
    side, meta copied. Checking out is the slow part (file creation on this
    disk runs at roughly 1,000 files/s when the machine is busy)."""
    if os.path.exists(dst):
        shutil.rmtree(dst)
    subprocess.run(["git", "clone", "-q", "--shared", "--branch", "main", src, dst],
                   check=True, env=clean_env())
    git(dst, "branch", "-q", "side", "origin/side")
    for k, v in (("user.name", "Bench Harness"), ("user.email", "bench@example.org"),
                 ("gc.auto", "0"), ("maintenance.auto", "false")):
        git(dst, "config", k, v)
    shutil.copy(os.path.join(src, META_NAME), os.path.join(dst, META_NAME))
    with open(os.path.join(dst, ".git", "info", "exclude"), "a") as f:
        f.write("/%s\n" % META_NAME)
    return dst


def verify(path):
    """Cross-checks a corpus against bench/ref-checker: the counts and the
    duplicate-ID groups must match the meta. Returns a list of problems."""
    m = load_meta(path)
    r = subprocess.run([sys.executable, REF_CHECKER, "--json", "--libyaml", path],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    got = json.loads(r.stdout)
    bad = []
    if got["items"] != m["files"]["items"]:
        bad.append("items: ref-checker %d, meta %d" % (got["items"], m["files"]["items"]))
    if got["adrs"] != m["files"]["adrs"]:
        bad.append("adrs: ref-checker %d, meta %d" % (got["adrs"], m["files"]["adrs"]))
    want = {g["claim_key"]: sorted(f["path"] for f in g["files"]) for g in m["duplicate_groups"]}
    have = {g["id"]: sorted(f["path"] for f in g["files"]) for g in got["duplicate_ids"]}
    if want != have:
        bad.append("duplicate groups differ: meta %s, ref-checker %s" % (sorted(want), sorted(have)))
    if got["duplicate_uids"]:
        bad.append("unexpected duplicate uids: %d" % len(got["duplicate_uids"]))
    if r.returncode != (1 if want else 0):
        bad.append("ref-checker exit %d" % r.returncode)
    return bad


# -- timing --------------------------------------------------------------------

def run(cmd, cwd=None, env=None, input=None, shell=False):
    """Runs one process. Returns dict(wall_s, max_rss_kb, rc, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stdin = subprocess.PIPE if input is not None else subprocess.DEVNULL
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env if env is not None else clean_env(),
                             stdin=stdin, stdout=out, stderr=err, shell=shell)
        if input is not None:
            p.stdin.write(input if isinstance(input, bytes) else input.encode())
            p.stdin.close()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall_s": wall, "max_rss_kb": ru.ru_maxrss, "user_s": ru.ru_utime,
                "sys_s": ru.ru_stime, "rc": p.returncode,
                "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace")}


def measure(cmd, runs=5, warmup=1, prepare=None, ok=(0,), **kw):
    """Median of `runs` whole-process runs after `warmup` unmeasured ones.
    `prepare` (a callable or a command) runs before every run, unmeasured.
    Raises when a run exits with a code not in `ok` (None accepts any)."""
    samples = []
    for i in range(warmup + runs):
        if prepare is not None:
            prepare() if callable(prepare) else subprocess.run(prepare, check=True, shell=isinstance(prepare, str))
        r = run(cmd, **kw)
        if ok is not None and r["rc"] not in ok:
            raise RuntimeError("%s exited %d: %s" % (cmd, r["rc"], r["stderr"][-2000:]))
        if i >= warmup:
            samples.append(r)
    walls = [s["wall_s"] for s in samples]
    rss = [s["max_rss_kb"] for s in samples]
    return {"cmd": cmd, "runs": runs, "median_s": statistics.median(walls),
            "min_s": min(walls), "max_s": max(walls),
            "stdev_s": statistics.stdev(walls) if len(walls) > 1 else 0.0,
            "max_rss_kb": max(rss), "median_rss_kb": statistics.median(rss),
            "user_s": statistics.median(s["user_s"] for s in samples),
            "sys_s": statistics.median(s["sys_s"] for s in samples),
            "rc": samples[-1]["rc"], "last": samples[-1]}


def hyperfine(commands, runs=10, warmup=2, prepare=None, cwd=None, shell=False, ignore_failure=False):
    """Runs hyperfine over {name: command string} and returns its JSON
    results in order (mean, median, stddev, min, max, times, exit_codes...).
    shell=False passes -N (no intermediate shell: lower overhead, but no
    pipes or redirections in the command); `prepare` always runs under sh."""
    with tempfile.NamedTemporaryFile(suffix=".json") as tf:
        cmd = ["hyperfine", "--style", "none", "--export-json", tf.name,
               "--runs", str(runs), "--warmup", str(warmup)]
        if not shell:
            cmd.append("-N")
        if ignore_failure:
            cmd.append("-i")
        if prepare:
            cmd += ["--prepare", "sh -c %s" % _shq(prepare) if not shell else prepare]
        for name, c in commands.items():
            cmd += ["-n", name, c]
        subprocess.run(cmd, cwd=cwd, env=clean_env(), check=True,
                       stdout=subprocess.DEVNULL)
        with open(tf.name) as f:
            return json.load(f)["results"]


def _shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def table(rows, cols):
    """A markdown table of dicts."""
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(_fmt(r.get(c, "")) for c in cols) + " |")
    return "\n".join(out)


def _fmt(v):
    if isinstance(v, float):
        return "%.3f" % v if v < 100 else "%.0f" % v
    return str(v)
