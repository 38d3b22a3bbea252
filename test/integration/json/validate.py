#!/usr/bin/env python3
"""Validates zonesign --json documents against docs/json/<command>.schema.json.

validate.py SCHEMA DOCUMENT: exit 0 when DOCUMENT (one JSON value, the whole
file) is valid under SCHEMA (JSON Schema draft 2020-12), else 1 with each
violation and its place in the document. Uses python3-jsonschema, not
zonesign's code.
"""
import json
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        text = f.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        print(f"{sys.argv[2]}: not JSON: {e}")
        return 1
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(document)"
        print(f"{sys.argv[2]}: {where}: {e.message}")
        # oneOf failures say little at the top: show why each branch failed.
        for sub in e.context or []:
            inner = "/".join(str(p) for p in sub.absolute_path) or "(document)"
            print(f"  branch {list(sub.schema_path)[:2]}: {inner}: {sub.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
