#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a SARIF file against the rules GitHub code scanning applies on
upload that can be checked offline: the documented limits ("SARIF results
exceed limit" in GitHub's docs: runs per file 20, results and rules per run
25,000, tool extensions per run 100, locations per result 1,000, tags per
rule 20, 10 MB gzipped), and the properties its alert view reads (a
numeric security-severity, help text, relative artifact URIs, fingerprints).
Usage: sarif_github.py FILE [--expect-rule-tags]  (exit 1 with the reasons)."""
import gzip
import json
import re
import sys
from urllib.parse import urlsplit

LIMITS = {"runs": 20, "results": 25000, "rules": 25000, "extensions": 100,
          "locations": 1000, "tags": 20, "gzip_bytes": 10 * 1024 * 1024}
problems = []


def need(cond, why):
    if not cond:
        problems.append(why)


def absolute_uri(u):
    p = urlsplit(u)
    return p.scheme in ("http", "https") and p.netloc != ""


def check_rule(i, r, builtin):
    where = f"rule {i} ({r.get('id')})"
    need(isinstance(r.get("id"), str) and r["id"], f"{where}: no id")
    for k in ("shortDescription", "fullDescription"):
        need(isinstance(r.get(k, {}).get("text"), str) and r[k]["text"].strip(), f"{where}: no {k}.text")
    h = r.get("help", {})
    need(isinstance(h.get("text"), str) and h["text"].strip(), f"{where}: no help.text")
    need(isinstance(h.get("markdown"), str) and h["markdown"].strip(), f"{where}: no help.markdown")
    need(absolute_uri(r.get("helpUri", "")), f"{where}: helpUri not an absolute http(s) URI")
    props = r.get("properties", {})
    tags = props.get("tags")
    need(isinstance(tags, list) and 0 < len(tags) <= LIMITS["tags"] and
         all(isinstance(t, str) and t for t in tags) and len(set(tags)) == len(tags),
         f"{where}: tags must be 1..20 distinct strings")
    sev = props.get("security-severity")
    ok = isinstance(sev, str) and re.fullmatch(r"\d+(\.\d+)?", sev) is not None and 0 <= float(sev) <= 10
    need(ok, f"{where}: security-severity must be a string holding a number 0.0-10.0, got {sev!r}")
    if builtin and isinstance(tags, list):
        need("custom-rule" not in tags, f"{where}: a built-in rule has only the generic metadata")


def check_result(run_rules, i, res):
    where = f"result {i}"
    rid = res.get("ruleId")
    need(rid in run_rules, f"{where}: ruleId {rid!r} not among the run's rules")
    if "ruleIndex" in res:
        need(0 <= res["ruleIndex"] < len(run_rules) and run_rules[res["ruleIndex"]] == rid,
             f"{where}: ruleIndex does not point at its ruleId")
    need(isinstance(res.get("message", {}).get("text"), str) and res["message"]["text"].strip(),
         f"{where}: no message.text")
    need(res.get("level", "warning") in ("none", "note", "warning", "error"), f"{where}: bad level")
    locs = res.get("locations", [])
    need(1 <= len(locs) <= LIMITS["locations"], f"{where}: needs 1..1000 locations")
    for loc in locs:
        pl = loc.get("physicalLocation", {})
        uri = pl.get("artifactLocation", {}).get("uri", "")
        p = urlsplit(uri)
        need(uri and not p.scheme and not uri.startswith("/") and "\\" not in uri and
             ".." not in uri.split("/"),
             f"{where}: artifact uri {uri!r} is not relative to the repository root")
        reg = pl.get("region", {})
        need(isinstance(reg.get("startLine"), int) and reg["startLine"] >= 1, f"{where}: startLine")
        if "startColumn" in reg and "endColumn" in reg:
            need(1 <= reg["startColumn"] < reg["endColumn"], f"{where}: columns")
    fps = res.get("partialFingerprints", {})
    need(fps and all(isinstance(v, str) and v for v in fps.values()), f"{where}: partialFingerprints")
    for s in res.get("suppressions", []):
        need(s.get("kind") in ("inSource", "external"), f"{where}: suppression kind {s.get('kind')!r}")
        need(s.get("status", "accepted") in ("accepted", "underReview", "rejected"), f"{where}: suppression status")


def main():
    path = sys.argv[1]
    builtin = "--expect-rule-tags" in sys.argv[2:]
    raw = open(path, "rb").read()
    need(len(gzip.compress(raw)) <= LIMITS["gzip_bytes"], "larger than 10 MB gzipped")
    doc = json.loads(raw)
    need(doc.get("version") == "2.1.0", "version is not 2.1.0")
    runs = doc.get("runs", [])
    need(1 <= len(runs) <= LIMITS["runs"], "needs 1..20 runs")
    for run in runs:
        drv = run.get("tool", {}).get("driver", {})
        need(isinstance(drv.get("name"), str) and drv["name"], "no tool.driver.name")
        need(absolute_uri(drv.get("informationUri", "")), "no absolute tool.driver.informationUri")
        need(len(run.get("tool", {}).get("extensions", [])) <= LIMITS["extensions"], "too many extensions")
        rules = drv.get("rules", [])
        need(len(rules) <= LIMITS["rules"], "too many rules")
        ids = [r.get("id") for r in rules]
        need(len(set(ids)) == len(ids), "duplicate rule ids")
        for i, r in enumerate(rules):
            check_rule(i, r, builtin)
        results = run.get("results", [])
        need(len(results) <= LIMITS["results"], "too many results")
        for i, res in enumerate(results):
            check_result(ids, i, res)
    if problems:
        for p in problems[:50]:
            print(f"{path}: {p}", file=sys.stderr)
        sys.exit(1)


main()
