#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ (docs/fuzzing.md).

The text seeds (frontmatter, YAML, configs, IDs) are written out below; the
binary ones (index files, deltas, packs) come from the real `git`
binary run on a throwaway repository (commit dates are fixed; the index
files carry the stat data of the moment, so they differ from run to run).
Run it from anywhere; it replaces fuzz/corpus/ entirely. Needs git and
python3.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")
UID = "019a2b3c-4d5e-7f00-8abc-0123456789ab"

ITEM = f"""id: KABSD-TSK-0028
uid: {UID}
type: Task
title: Migrate streaming slug builder
state: Planned
priority: P0
parent: KCCS-USR-0010
area: storage
iteration: backlog
tags: [tests]
created: 2024-04-02
updated: 2024-09-01
owner: copilot
external:
  azure_id: null
  jira_key: null
links:
  relates: []
  blocks: [KABSD-TSK-0030]
  blocked_by: []
decisions: [ADR-0001]
"""
ADR = f"""id: ADR-0001
uid: {UID}
title: "Use legacy frontmatter parser on Windows"
status: Accepted
date: 2024-02-26
related_items: [KABSD-TSK-0001, KCCS-USR-0002]
supersedes: null
"""
YAML_BLOCKS = {
    "item": ITEM,
    "adr": ADR,
    "null_ids": "id: ~\nuid: null\ntitle: 'it''s'\n",
    "block_seq": "id: A-TSK-0001\ntags:\n- a\n- 'b'\nlinks:\n  relates:\n  - A-TSK-0002\n",
    "repeated": "id: A-TSK-0001\ntitle: t\nid: A-TSK-0002\n",
    "merge": "base: &b\n  id: A-TSK-0001\n  uid: x\n<<: *b\ntitle: merged\n",
    "merge_list": "a: &a {id: A-TSK-0001}\nb: &b {id: A-TSK-0002, uid: y}\n<<: [*a, *b]\n",
    "merge_own": "a: &a {uid: x}\n<<: *a\nid: A-TSK-0001\n",
    "alias_links": "parent: &p A-TSK-0001\nlinks: [*p, *p]\ndecisions: &d [ADR-0001]\nrelated: *d\n",
    "alias_nest": "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nlinks: [*c, *c]\nid: A-TSK-0001\n",
    "flow_map": "id: \"A-TSK-0001\"\nexternal: {azure_id: 3, jira: null}\nlinks: {relates: [A-TSK-0002]}\n",
    "literal": "id: A-TSK-0001\ntitle: >-\n  folded\n  title\nnotes: |\n  keep\n  this\n",
    "tags_types": "id: !!str 0042\nuid: 12\ntitle: 2024-01-01\ntype: true\n",
    "unicode": "id: A-TSK-0001\ntitle: \u00e9t\u00e9 \u2014 \u65e5\u672c\nowner: \"\\u00e9\"\n",
    "comment": "# leading comment\nid: A-TSK-0001 # trailing\n\ntitle: t   # c\n",
}


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def text_seeds():
    for name, block in YAML_BLOCKS.items():
        write("pyyaml_key", name, block)
        write("frontmatter", name, f"---\n{block}---\n\n# Body\n\nText.\n")
    fm = "frontmatter"
    write(fm, "crlf", f"---\n{ITEM}---\n# Body\n".replace("\n", "\r\n"))
    write(fm, "bom", "\ufeff" + f"---\n{ADR}---\n")
    write(fm, "bom_crlf", ("\ufeff" + f"---\n{ITEM}---\nbody").replace("\n", "\r\n"))
    write(fm, "no_newline", "---\nid: A-TSK-0001\n---")
    write(fm, "unterminated", "---\nid: A-TSK-0001\ntitle: t\n")
    write(fm, "document", "# Just a document\n\nid: A-TSK-0001\n")
    write(fm, "binary", b"---\nid: A-TSK-0001\x00\n---\n")
    write(fm, "invalid", "---\nid: [A-TSK-0001\ntitle: t\n---\n")
    write(fm, "not_map", "---\n- a\n- b\n---\n")
    write(fm, "empty", "---\n---\n")
    write(fm, "dashes_in_body", "---\nid: A-TSK-0001\n---\n---\nmore\n---\n")

    cfg = "config"
    write(cfg, "full", """[defaults]
default_product = "kano"

[shared.cache]
root = ".kano/cache/backlog"

[products.kano]
name = "Kano"
prefix = "kabsd"
backlog_root = "_kano/backlog/products/kano"

[products.other]
prefix = "OTH"
backlog_root = "./custom/place/"
cache_root = "/tmp/cache"
""")
    write(cfg, "minimal", '[products.demo]\nprefix = "DEMO"\n')
    write(cfg, "empty", "")
    write(cfg, "crlf", '[defaults]\r\ndefault_product = "demo"\r\n[products.demo]\r\nname = "Demo"\r\n')
    write(cfg, "types", '[products.x]\nprefix = 42\nname = ["a"]\nbacklog_root = { a = 1 }\n'
                        'cache_root = 1979-05-27T07:32:00Z\n')
    write(cfg, "quoted_keys", '[products."kano-agent-backlog-skill"]\nname = """multi\nline"""\n'
                              "prefix = 'ka'\n[products.'a.b']\nbacklog_root = \"\\u00e9\"\n")
    write(cfg, "arrays", "[[tables]]\nx = 1\n[[tables]]\nx = 2.5e3\ninline = { a = [1, 2], b = true }\n")
    write(cfg, "comments", "# comment\n[defaults] # after\ndefault_product = \"p\" # more\n")

    for name, text in {
        "task": "KABSD-TSK-0302", "lower": "kabsd-tsk-302", "adr": "ADR-7",
        "spaced": "  KCCS-USR-0010\t", "story": "A-Story-1", "long": "P-BUG-999999999999999",
        "file": "_kano/backlog/items/task/0000/KABSD-TSK-0001_migrate-slug.md",
        "file_adr": "decisions/ADR-0012_use-sqlite.MD", "type": "UserStory", "bad": "KABSD--0001",
    }.items():
        write("id", name, text)


def git(repo, *args, stdin=None, env=None):
    e = dict(os.environ, GIT_AUTHOR_NAME="f", GIT_AUTHOR_EMAIL="f@example.com",
             GIT_COMMITTER_NAME="f", GIT_COMMITTER_EMAIL="f@example.com",
             GIT_AUTHOR_DATE="2024-01-01T00:00:00Z", GIT_COMMITTER_DATE="2024-01-01T00:00:00Z",
             GIT_CONFIG_NOSYSTEM="1", HOME=repo)
    e.update(env or {})
    return subprocess.run(["git", "-C", repo, *args], input=stdin, env=e, check=True,
                          stdout=subprocess.PIPE).stdout


def item_file(n, title, extra=""):
    return f"---\nid: KABSD-TSK-{n:04d}\nuid: {UID[:-2]}{n:02d}\ntitle: {title}\n{extra}---\n\n# Body\n"


def make_repo(tmp):
    repo = os.path.join(tmp, "repo")
    git(tmp, "init", "-q", "-b", "main", repo)
    items = os.path.join(repo, "_kano/backlog/items/task/0000")
    os.makedirs(items)
    os.makedirs(os.path.join(repo, ".kano"))
    with open(os.path.join(repo, ".kano/backlog_config.toml"), "w") as f:
        f.write('[products.kano]\nprefix = "KABSD"\n')
    for n in range(1, 4):
        with open(os.path.join(items, f"KABSD-TSK-{n:04d}_t{n}.md"), "w") as f:
            f.write(item_file(n, f"Task {n}", "state: Planned\n" * 3))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    # Small edits, so that the pack stores deltas.
    for n in range(1, 4):
        with open(os.path.join(items, f"KABSD-TSK-{n:04d}_t{n}.md"), "w") as f:
            f.write(item_file(n, f"Task {n} renamed", "state: Done\n" + "state: Planned\n" * 2))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two")
    return repo


def index_seeds(repo, tmp):
    idx = os.path.join(repo, ".git/index")
    def save(name):
        with open(idx, "rb") as f:
            write("index_file", name, f.read())
    git(repo, "write-tree")  # a full cache-tree
    save("v2_tree")
    git(repo, "update-index", "--index-version", "4")
    save("v4")
    git(repo, "update-index", "--index-version", "2")
    with open(os.path.join(repo, "new.md"), "w") as f:
        f.write(item_file(9, "new"))
    git(repo, "add", "-N", "new.md")  # intent-to-add: version 3
    save("v3_intent")
    git(repo, "rm", "-q", "--cached", "new.md")
    git(repo, "update-index", "--skip-worktree", ".kano/backlog_config.toml")
    save("v3_skip_worktree")
    git(repo, "update-index", "--no-skip-worktree", ".kano/backlog_config.toml")
    os.remove(os.path.join(repo, "new.md"))
    # A conflict: stages 1, 2 and 3.
    path = "_kano/backlog/items/task/0000/KABSD-TSK-0001_t1.md"
    git(repo, "checkout", "-q", "-b", "side")
    with open(os.path.join(repo, path), "w") as f:
        f.write(item_file(1, "side"))
    git(repo, "commit", "-q", "-am", "side")
    git(repo, "checkout", "-q", "main")
    with open(os.path.join(repo, path), "w") as f:
        f.write(item_file(1, "main"))
    git(repo, "commit", "-q", "-am", "main")
    subprocess.run(["git", "-C", repo, "merge", "-q", "side"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=dict(os.environ, HOME=repo, GIT_CONFIG_NOSYSTEM="1"))
    save("conflict")
    git(repo, "checkout", "-q", "--theirs", path)
    git(repo, "add", path)  # resolves: a REUC extension
    save("reuc")
    git(repo, "reset", "-q", "--hard")
    git(repo, "update-index", "--untracked-cache")
    git(repo, "status", "--porcelain")
    save("untracked_cache")
    git(repo, "update-index", "--no-untracked-cache")
    git(repo, "update-index", "--split-index")
    save("split")  # the reader leaves "link" to libgit2
    git(repo, "update-index", "--no-split-index")
    git(repo, "read-tree", "--empty")
    save("empty")


def pack_seeds(repo, tmp):
    """Packs (OFS_DELTA and REF_DELTA) and their raw deltas."""
    for name, extra in (("ofs", ["--delta-base-offset"]), ("ref", [])):
        revs = git(repo, "rev-list", "--objects", "--all").decode().split("\n")
        objs = "\n".join(line.split(" ")[0] for line in revs if line) + "\n"
        base = os.path.join(tmp, f"pack-{name}")
        sha = git(repo, "pack-objects", "-q", "--window=10", *extra, base, stdin=objs.encode()).decode().strip()
        pack_path, idx_path = f"{base}-{sha}.pack", f"{base}-{sha}.idx"
        with open(pack_path, "rb") as f:
            pack = f.read()
        listing = git(repo, "verify-pack", "-v", idx_path).decode().split("\n")
        entries = []  # (oid, type, offset, delta depth)
        for line in listing:
            parts = line.split()
            if len(parts) >= 5 and len(parts[0]) == 40 and parts[1] in ("blob", "tree", "commit", "tag"):
                entries.append((parts[0], parts[1], int(parts[4]), len(parts) > 5))
        entries.sort(key=lambda e: e[2])
        # Pack seeds: the deltified objects first (at most 15 records).
        chosen = [e for e in entries if e[3]][:8] + [e for e in entries if not e[3]][:7]
        rec = bytes([len(chosen)]) + b"".join(bytes.fromhex(e[0]) + e[2].to_bytes(4, "big") for e in chosen)
        write("pack", f"{name}_all", rec + pack)
        for e in chosen[:3]:
            write("pack", f"{name}_{e[1]}_{e[0][:8]}", bytes([1]) + bytes.fromhex(e[0]) +
                  e[2].to_bytes(4, "big") + pack)
        if name != "ofs":
            continue
        # Raw deltas: the zlib data after each OFS_DELTA header, with its base.
        ndelta = 0
        for oid, kind, off, deltified in entries:
            if not deltified or ndelta >= 4:
                continue
            p = off
            c = pack[p]; p += 1
            while c & 0x80:
                c = pack[p]; p += 1
            d = zlib.decompressobj()
            back_c = pack[p]; p += 1  # ofs base varint
            while back_c & 0x80:
                back_c = pack[p]; p += 1
            delta = d.decompress(pack[p:])
            # The base: what `verify-pack -v` names in its last column.
            line = next(l for l in listing if l.startswith(oid))
            base_sha = line.split()[-1]
            kind_base = git(repo, "cat-file", "-t", base_sha).decode().strip()
            base_data = git(repo, "cat-file", kind_base, base_sha)
            if len(base_data) > 0xFFFF:
                continue
            write("delta", f"delta_{oid[:8]}", len(base_data).to_bytes(2, "little") + base_data + delta)
            ndelta += 1
        write("delta", "insert_only", bytes([0, 0, 0, 3, 3]) + b"abc")
        write("delta", "copy_only", bytes([4, 0]) + b"abcd" + bytes([4, 4, 0x91, 0, 4]))

def main():
    shutil.rmtree(OUT, ignore_errors=True)
    text_seeds()
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(tmp)
        pack_seeds(repo, tmp)
        index_seeds(repo, tmp)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"fuzz/corpus: {sum(len(fs) for _, _, fs in os.walk(OUT))} files, {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
