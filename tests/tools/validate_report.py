#!/usr/bin/env python3
"""Check a pedigree JSON report against docs/report.schema.json.

usage: validate_report.py [--schema SCHEMA] REPORT.json   ('-' reads stdin)

Exit status: 0 valid, 1 invalid (each error printed with its JSON path),
2 usage or environment problem (missing file, unusable schema, no
jsonschema module).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "..", "docs", "report.schema.json")


def usage(msg):
    print("validate_report.py: " + msg, file=sys.stderr)
    print("usage: validate_report.py [--schema SCHEMA] REPORT.json",
          file=sys.stderr)
    sys.exit(2)


def strict_pairs(pairs):
    # A duplicated key is legal JSON for Python but not for a report:
    # readers would disagree on which value counts.
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError("duplicate key %r" % key)
        obj[key] = value
    return obj


def reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def load_json(text):
    return json.loads(text, object_pairs_hook=strict_pairs,
                      parse_constant=reject_constant)


def json_path(path):
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += "[%d]" % part
        else:
            out += "." + str(part)
    return out


def parse_args(argv):
    schema = DEFAULT_SCHEMA
    args = list(argv)
    files = []
    while args:
        a = args.pop(0)
        if a == "--schema":
            if not args:
                usage("--schema needs a file")
            schema = args.pop(0)
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            sys.exit(0)
        elif a.startswith("--"):
            usage("unknown option " + a)
        else:
            files.append(a)
    if len(files) != 1:
        usage("expected exactly one report")
    return schema, files[0]


def read_text(name):
    try:
        if name == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        with open(name, "rb") as f:
            return f.read().decode("utf-8")
    except OSError as e:
        usage("%s: %s" % (name, e.strerror))
    except UnicodeDecodeError as e:
        print("%s: not UTF-8: %s" % (name, e), file=sys.stderr)
        sys.exit(1)


def main(argv):
    schema_file, report_file = parse_args(argv)
    try:
        import jsonschema
    except ImportError:
        usage("the jsonschema module is missing "
              "(Debian: apt-get install python3-jsonschema)")
    try:
        with open(schema_file, "rb") as f:
            schema = load_json(f.read().decode("utf-8"))
        cls = jsonschema.Draft202012Validator
        cls.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        usage("%s: unusable schema: %s" % (schema_file, e))

    try:
        report = load_json(read_text(report_file))
    except ValueError as e:
        print("%s: not valid JSON: %s" % (report_file, e), file=sys.stderr)
        return 1

    errors = sorted(cls(schema).iter_errors(report),
                    key=lambda e: (json_path(e.absolute_path), e.message))
    for e in errors:
        print("%s: %s: %s" % (report_file, json_path(e.absolute_path),
                              e.message), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
