#!/bin/sh
# Collects the built plugin modules into one directory (symlinks), so that tests and the
# development agent can point --plugin-dir at a single place.
set -eu
stamp=$1
dir=$2
shift 2
mkdir -p "$dir"
for module in "$@"; do
	ln -sf "$(cd "$(dirname "$module")" && pwd)/$(basename "$module")" "$dir/"
done
touch "$stamp"
