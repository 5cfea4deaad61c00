#!/usr/bin/env python3
"""check_reports.py FORMAT REPORT.json OUTPUT [options] - check that a report
in another format says what the JSON report of the same audit says.

  sarif OUT.sarif --schema S.json --multitool-log LOG.sarif
        schema-valid (the official SARIF 2.1.0 schema), no error or
        unexpected warning from Microsoft's SARIF multitool (its SARIF
        and GitHub rules), one result per finding with the level of its
        verdict, a location in the input it was found in (the outer file
        for archive members), unique fingerprints
  html DOM.html [--png P.png] [--console ERR.txt] [--text S]...
        the DOM a browser built: one .component per component, one
        .conflict per conflict finding, one .obligation per obligation
        (checked when met), one SVG node per component and one edge per
        linked pair (undeclared ones marked), no script, no event
        handler, no external resource; the texts S appear as text
  markdown OUT.md [--text S]...
        one table row per component, one checklist item per obligation
        ([x] when met), one section per conflict, no raw HTML
  cyclonedx BOM.json
        the audited model is a machine-learning-model with a modelCard,
        every other model is among its pedigree ancestors, datasets are
        data components, every dependency ref exists
  spdx DOC.json
        one ai_AIPackage per model component, one dataset_DatasetPackage
        per dataset, one lineage relationship per linked pair and type

Exit 0 when it holds, 1 with the differences on stderr.
"""
import html.parser
import json
import sys
import urllib.parse

LEVEL = {"fail": "error", "warn": "warning", "pass": "note"}
# Multitool warnings pedigree accepts, and why (docs/report.md):
# SARIF2005: informationUri, the project has no web address to give;
# SARIF2017: a region, absent where a finding has no line (a whole file).
ALLOWED_WARNINGS = {"SARIF2005", "SARIF2017"}


def args_of(argv, name, many=False):
    vals = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == name]
    return vals if many else (vals[0] if vals else None)


def links(report):
    """Distinct (from, to) pairs with their types and declared state."""
    out = {}
    for e in report["edges"]:
        k = (e["from"], e["to"])
        x = out.setdefault(k, {"types": set(), "declared": True})
        x["types"].add(e["type"])
        x["declared"] = x["declared"] and e["declared"]
    return out


def conflicts(report):
    return [f for f in report["findings"] if f["kind"] == "conflict"]


# ---- SARIF -----------------------------------------------------------------

def check_sarif(report, path, argv, err):
    sarif = json.load(open(path, encoding="utf-8"))
    schema_path = args_of(argv, "--schema")
    if schema_path:
        import jsonschema
        schema = json.load(open(schema_path, encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        for e in sorted(cls(schema).iter_errors(sarif), key=str)[:10]:
            err(f"schema: {'/'.join(map(str, e.path))}: {e.message}")
    log_path = args_of(argv, "--multitool-log")
    if log_path:
        log = json.load(open(log_path, encoding="utf-8"))
        for r in log["runs"][0].get("results", []):
            lvl = r.get("level", "warning")
            rid = r.get("ruleId")
            if lvl == "error" or (lvl == "warning" and
                                  rid not in ALLOWED_WARNINGS):
                msg = r.get("message", {})
                err(f"multitool {rid} ({lvl}): "
                    f"{msg.get('text') or msg.get('arguments')}")
        for inv in log["runs"][0].get("invocations", []):
            for n in inv.get("toolExecutionNotifications", []):
                if n.get("level") == "error":
                    err(f"multitool failed: {n.get('message')}")
    if sarif.get("version") != "2.1.0" or len(sarif.get("runs", [])) != 1:
        err("want version 2.1.0 and one run")
        return
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    bases = run.get("originalUriBaseIds", {})
    results = run["results"]
    findings = report["findings"]
    if len(results) != len(findings):
        err(f"{len(results)} results for {len(findings)} findings")
    fps = set()
    sources = [s["path"] for s in report["sources"]]
    for i, (r, f) in enumerate(zip(results, findings)):
        where = f"result {i} ({f['id']} {f['rule']})"
        if r["ruleId"] != f["rule"] or rules[r["ruleIndex"]]["id"] != f["rule"]:
            err(f"{where}: ruleId/ruleIndex do not name its rule")
        if r["level"] != LEVEL[f["verdict"]["result"]]:
            err(f"{where}: level {r['level']} for verdict "
                f"{f['verdict']['result']}")
        if r["properties"].get("pedigree/id") != f["id"]:
            err(f"{where}: properties name another finding")
        fp = r["partialFingerprints"].get("pedigreeFinding/v1")
        if not fp or fp in fps:
            err(f"{where}: fingerprint missing or not unique")
        fps.add(fp)
        locs = r.get("locations", [])
        if len(locs) != 1:
            err(f"{where}: {len(locs)} locations, want 1")
            continue
        phys = locs[0]["physicalLocation"]
        art = phys["artifactLocation"]
        base = art.get("uriBaseId")
        src = f["evidence"].get("source")
        if base != f"INPUT{sources.index(src) + 1}" or base not in bases:
            err(f"{where}: uriBaseId {base} is not its input's")
        p = f["evidence"].get("path")
        stype = report["sources"][sources.index(src)]["type"]
        if stype in ("archive", "file"):
            name = src.rstrip("/").rsplit("/", 1)[-1]
            if urllib.parse.unquote(art["uri"]) != name:
                err(f"{where}: uri {art['uri']} is not the input {name}")
            if stype == "archive" and p and ("region" in phys or
                    f"{name}!/{p}" not in r["message"]["text"]):
                err(f"{where}: an archive member needs its path in the "
                    "message and no region")
        elif p:
            outer = p.split("!/")[0]
            if urllib.parse.unquote(art["uri"]) != outer:
                err(f"{where}: uri {art['uri']} is not {outer}")
            member = "!/" in p
            line = f["evidence"].get("line_start")
            if member and "region" in phys:
                err(f"{where}: a region for an archive member")
            if line and not member and \
                    phys.get("region", {}).get("startLine") != line:
                err(f"{where}: startLine is not {line}")


# ---- HTML ------------------------------------------------------------------

class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []          # (tag, attrs dict)
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def having(self, cls, tag=None):
        return [(t, a) for t, a in self.elements
                if cls in (a.get("class") or "").split()
                and (tag is None or t == tag)]


def check_html(report, path, argv, err):
    dom = Dom()
    dom.feed(open(path, encoding="utf-8").read())
    text = "".join(dom.text)
    comps, obls = report["components"], report["obligations"]
    counts = [
        ("tr.component", len(dom.having("component", "tr")), len(comps)),
        ("article.conflict", len(dom.having("conflict", "article")),
         len(conflicts(report))),
        ("li.obligation", len(dom.having("obligation", "li")), len(obls)),
        ("tr.finding", len(dom.having("finding", "tr")),
         len(report["findings"])),
        ("svg g.node", len(dom.having("node", "g")), len(comps)),
        ("svg g.edge", len(dom.having("edge", "g")), len(links(report))),
        ("svg g.edge-undeclared", len(dom.having("edge-undeclared", "g")),
         sum(1 for x in links(report).values() if not x["declared"])),
    ]
    for what, got, want in counts:
        if got != want:
            err(f"{what}: {got} in the DOM, {want} in the JSON report")
    met = sum(1 for o in obls if o["status"] == "met")
    checked = sum(1 for t, a in dom.elements
                  if t == "input" and "checked" in a)
    if checked != met:
        err(f"{checked} checked boxes, {met} met obligations")
    verdict = [a for t, a in dom.elements if a.get("id") == "verdict"]
    if not verdict or f"verdict-{report['verdict']}" not in \
            verdict[0].get("class", ""):
        err(f"the summary verdict is not {report['verdict']}")
    ids = [a["id"] for t, a in dom.elements if "id" in a]
    if len(ids) != len(set(ids)):
        err("element ids are not unique")
    for t, a in dom.elements:
        if t in ("script", "iframe", "object", "embed", "link"):
            err(f"a <{t}> element")
        for k, v in a.items():
            if k.startswith("on"):
                err(f"an event handler {k} on <{t}>")
            if k in ("src", "href", "xlink:href") and v and \
                    not v.startswith(("#", "data:")):
                err(f"an external resource {k}={v!r} on <{t}>")
    for s in args_of(argv, "--text", many=True):
        if s not in text:
            err(f"the text {s!r} is not shown")
    png = args_of(argv, "--png")
    if png:
        data = open(png, "rb").read()
        if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 1000:
            err(f"{png} is not a rendered PNG")
    console = args_of(argv, "--console")
    if console:
        for line in open(console, encoding="utf-8", errors="replace"):
            if "CONSOLE" in line:
                err(f"browser console: {line.strip()}")


# ---- Markdown ----------------------------------------------------------------

def check_markdown(report, path, argv, err):
    md = open(path, encoding="utf-8").read()
    lines = md.splitlines()
    sections = {}
    cur = None
    for line in lines:
        if line.startswith("## "):
            cur = line[3:]
            sections[cur] = []
        elif cur:
            sections[cur].append(line)
    for name in ("Components", "Lineage", "Obligations", "Conflicts",
                 "Findings by component"):
        if name not in sections:
            err(f"no '## {name}' section")
    rows = [x for x in sections.get("Components", []) if x.startswith("| ")]
    if len(rows) - 1 != len(report["components"]):
        err(f"{len(rows) - 1} component rows, "
            f"{len(report['components'])} components")
    obls = report["obligations"]
    done = [x for x in lines if x.startswith("- [x] ")]
    todo = [x for x in lines if x.startswith("- [ ] ")]
    met = sum(1 for o in obls if o["status"] == "met")
    if len(done) != met or len(done) + len(todo) != len(obls):
        err(f"checklist [x] {len(done)} [ ] {len(todo)}, obligations "
            f"{len(obls)} of which {met} met")
    heads = [x for x in sections.get("Conflicts", [])
             if x.startswith("### PDG-")]
    if len(heads) != len(conflicts(report)):
        err(f"{len(heads)} conflicts, {len(conflicts(report))} in JSON")
    frows = [x for x in sections.get("Findings by component", [])
             if x.startswith("| PDG-")]
    if len(frows) != len(report["findings"]):
        err(f"{len(frows)} finding rows, {len(report['findings'])} in JSON")
    # No raw HTML: every '<' is escaped, so nothing becomes a tag.
    for i, line in enumerate(lines, 1):
        for j, ch in enumerate(line):
            if ch == "<" and (j == 0 or line[j - 1] != "\\"):
                err(f"line {i}: an unescaped '<'")
    for s in args_of(argv, "--text", many=True):
        if s not in md:
            err(f"the text {s!r} is not there")


# ---- CycloneDX ------------------------------------------------------------------

def walk(c):
    yield c
    for a in c.get("pedigree", {}).get("ancestors", []):
        yield from walk(a)


def check_cyclonedx(report, path, argv, err):
    bom = json.load(open(path, encoding="utf-8"))
    if bom.get("bomFormat") != "CycloneDX" or bom.get("specVersion") != "1.6":
        err("not CycloneDX 1.6")
    comps = report["components"]
    models = [c for c in comps if c["role"] == "model"]
    meta = bom["metadata"].get("component", {})
    if meta.get("type") != "machine-learning-model" or "modelCard" not in meta:
        err("metadata.component is not a machine-learning-model with a "
            "modelCard")
    every = [x for c in [meta] + bom.get("components", []) for x in walk(c)]
    refs = [x.get("bom-ref") for x in every]
    if len(refs) != len(set(refs)):
        err("bom-refs are not unique")
    if len(every) != len(comps):
        err(f"{len(every)} components in the BOM, {len(comps)} in the "
            "lineage")
    data = [x for x in every if x["type"] == "data"]
    if len(data) != sum(1 for c in comps if c["role"] == "dataset"):
        err("not one data component per dataset")
    upstream_models = {c["id"] for c in comps
                       if c["role"] in ("base", "teacher")}
    if models:
        named = {("%s/%s" % (a["group"], a["name"])) if "group" in a
                 else a["name"] for a in meta.get("pedigree", {})
                 .get("ancestors", [])}
        if named != upstream_models and len(models) == 1:
            err(f"pedigree.ancestors {sorted(named)} are not the upstream "
                f"models {sorted(upstream_models)}")
    for d in bom.get("dependencies", []):
        for r in [d["ref"]] + d.get("dependsOn", []):
            if r not in refs:
                err(f"dependency {r} names no component")


# ---- SPDX ----------------------------------------------------------------------

def check_spdx(report, path, argv, err):
    doc = json.load(open(path, encoding="utf-8"))
    g = doc["@graph"]
    comps = report["components"]

    def count(t):
        return sum(1 for x in g if x.get("type") == t)
    if count("ai_AIPackage") != sum(1 for c in comps
                                    if c["role"] != "dataset"):
        err("not one ai_AIPackage per model component")
    if count("dataset_DatasetPackage") != sum(1 for c in comps
                                              if c["role"] == "dataset"):
        err("not one dataset_DatasetPackage per dataset")
    want = 0
    for x in links(report).values():
        want += bool(x["types"] - {"dataset"}) + ("dataset" in x["types"])
    got = sum(1 for x in g if x.get("type") == "Relationship" and
              x["relationshipType"] in ("descendantOf", "trainedOn"))
    if got != want:
        err(f"{got} lineage relationships, {want} linked pairs and types")


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    fmt, report_path, out = argv[0], argv[1], argv[2]
    report = json.load(open(report_path, encoding="utf-8"))
    errs = []
    {"sarif": check_sarif, "html": check_html, "markdown": check_markdown,
     "cyclonedx": check_cyclonedx, "spdx": check_spdx}[fmt](
        report, out, argv[3:], errs.append)
    for e in errs:
        print(f"{out}: {e}", file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
