#!/usr/bin/env python3
"""validate.py SCHEMA FILE - check a JSON file against a JSON schema.

Python's standard library has no JSON Schema validator, so this is a
small one for the keywords the vendored schemas use: $ref (to
#/definitions/...), anyOf, const, enum, items, properties, required and
type. A schema with any other keyword is refused rather than half
checked. Prints each violation with its JSON path; exits 1 when there is
one, 2 on a bad schema or unreadable input.
"""
import json
import sys

KNOWN = {"$schema", "$ref", "definitions", "title", "description", "anyOf",
         "const", "enum", "items", "properties", "required", "type"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def resolve(root, ref):
    if not ref.startswith("#/"):
        raise ValueError("only local $ref is supported: " + ref)
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def check(root, schema, value, path, errors):
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError("schema keyword(s) not supported: %s" % sorted(unknown))
    if "$ref" in schema:
        check(root, resolve(root, schema["$ref"]), value, path, errors)
    if "type" in schema:
        types = schema["type"]
        types = types if isinstance(types, list) else [types]
        if not any(TYPES[t](value) for t in types):
            errors.append("%s: %r is not of type %s" % (path, value, types))
            return
    if "const" in schema and value != schema["const"]:
        errors.append("%s: %r is not %r" % (path, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: %r is not one of %r" % (path, value, schema["enum"]))
    if "anyOf" in schema:
        why = []
        for sub in schema["anyOf"]:
            trial = []
            check(root, sub, value, path, trial)
            if not trial:
                break
            why.append("; ".join(trial))
        else:
            errors.append("%s: matches none of anyOf (%s)"
                          % (path, " | ".join(why)))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append("%s: required %r is missing" % (path, key))
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                check(root, sub, value[key], "%s.%s" % (path, key), errors)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(root, schema["items"], item, "%s[%d]" % (path, i), errors)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: validate.py SCHEMA FILE\n")
        return 2
    try:
        with open(sys.argv[1]) as f:
            schema = json.load(f)
        with open(sys.argv[2]) as f:
            value = json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("validate.py: %s\n" % e)
        return 2
    errors = []
    try:
        check(schema, schema, value, "$", errors)
    except (ValueError, KeyError) as e:
        sys.stderr.write("validate.py: bad schema: %s\n" % e)
        return 2
    for e in errors[:20]:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
