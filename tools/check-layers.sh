#!/usr/bin/env bash
# Keeps the layers of daemon/ honest (DESIGN.md §1): a file may include the headers of its own
# layer and of the layers below, never those of a layer above or of its sibling adapter, and
# never through a path ("../engine/x.h", "daemon/rest/x.h") that gets round the include
# directories each layer's meson dependency exports. core/ and engine/ use neither libsoup nor
# the gdbus-codegen output, and peer/'s headers show no libsoup type to the engine. Every file
# of daemon/ lives in one layer's folder. dataplane/ includes core only, and only main
# includes dataplane/. common/, below them all and below the CLI, includes only its own
# headers. Prints each breach and exits 1 if there is one.
#
#   tools/check-layers.sh [SOURCE_ROOT]
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
daemon=$root/daemon

# lowest first; layers that share a rank may not include each other: the adapters, and
# dataplane beside peer (it stands on core alone; the engine publishes views, main wires it)
declare -A rank=([core]=0 [peer]=1 [dataplane]=1 [engine]=2 [rest]=3 [dbus]=3 [main]=4)

failures=0
fail() {
	echo "$1" >&2
	failures=$((failures + 1))
}

# which layer each header belongs to; the D-Bus adapter owns the gdbus-codegen output of dbus/
declare -A owner=([arc-dbus-generated.h]=dbus)
for path in "$daemon"/*; do
	name=${path##*/}
	if [ -f "$path" ]; then
		[ "$name" = meson.build ] || fail "daemon/$name: not in a layer's folder"
		continue
	fi
	if [ -z "${rank[$name]+set}" ]; then
		fail "daemon/$name/: not a layer (${!rank[*]})"
		continue
	fi
	for header in "$path"/*.h; do
		[ -e "$header" ] || continue
		base=${header##*/}
		if [ -n "${owner[$base]+set}" ]; then
			fail "daemon/$name/$base: also in daemon/${owner[$base]}/"
		fi
		owner[$base]=$name
	done
done

# check_include WHERE LAYER TARGET: WHERE is daemon/LAYER/FILE:LINE
check_include() {
	local where=$1 layer=$2 target=$3
	local base=${target##*/} above

	if [[ $target == /* || $target == *../* || $target == ./* ]]; then
		fail "$where: includes $target by a relative or absolute path"
	elif [[ $target == */* && -n ${owner[$base]+set} ]]; then
		fail "$where: includes $target by a path instead of the layer's include directories"
	fi
	if [ -n "${owner[$base]+set}" ] && [ "${owner[$base]}" != "$layer" ]; then
		above=${owner[$base]}
		if [ "${rank[$above]}" -ge "${rank[$layer]}" ]; then
			fail "$where: includes $base of layer $above, which is not below $layer"
		fi
	fi
	# the data plane consumes views and nothing calls into it but main's wiring (DESIGN.md §8)
	if [ "${owner[$base]:-}" = dataplane ] && [ "$layer" != dataplane ] && [ "$layer" != main ]; then
		fail "$where: $layer may not include $base of layer dataplane: only main wires it"
	fi
	case $layer in
	core | engine)
		if [[ $target == libsoup/* || $base == arc-dbus-generated.h ]]; then
			fail "$where: $layer may not include $target"
		fi
		;;
	peer)
		if [[ $where == *.h:* && $target == libsoup/* ]]; then
			fail "$where: peer's headers may not show libsoup to the layers above"
		fi
		;;
	esac
}

# one grep for the whole tree: forks are what this script spends its time on
cd "$root"
sources=(daemon/*/*.[ch])
[ -e "${sources[0]}" ] || sources=()
while IFS=: read -r file line text; do
	layer=${file#daemon/}
	layer=${layer%%/*}
	[ -n "${rank[$layer]+set}" ] || continue
	target=${text#*include}
	target=${target#"${target%%[<\"]*}"}
	target=${target:1}
	target=${target%%[>\"]*}
	check_include "$file:$line" "$layer" "$target"
done < <([ "${#sources[@]}" -eq 0 ] ||
	grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "${sources[@]}" || true)

# libsoup and GDBus types reach a file through <gio/gio.h> and friends as well; comment lines
# may name them
lower=()
for file in "${sources[@]}"; do
	case $file in
	daemon/core/* | daemon/engine/*) lower+=("$file") ;;
	esac
done
while IFS=: read -r file line text; do
	layer=${file#daemon/}
	fail "$file:$line: ${layer%%/*} uses libsoup or GDBus: $text"
done < <([ "${#lower[@]}" -eq 0 ] ||
	grep -nHE '\b(Soup[A-Z]|soup_[a-z]|GDBus[A-Z]|g_dbus_[a-z]|ArcDbus[A-Z]|arc_dbus_[a-z])' \
		"${lower[@]}" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' || true)

# common/ is below every layer and below cli/: it includes only its own headers
commons=(common/*.[ch])
[ -e "${commons[0]}" ] || commons=()
while IFS=: read -r file line text; do
	target=${text#*include}
	target=${target#"${target%%[<\"]*}"}
	[ "${target:0:1}" = '"' ] || continue
	target=${target:1}
	target=${target%%\"*}
	if [[ $target == */* || ! -e common/$target ]]; then
		fail "$file:$line: common/ may include only its own headers, not $target"
	fi
done < <([ "${#commons[@]}" -eq 0 ] ||
	grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "${commons[@]}" || true)

if [ "$failures" -gt 0 ]; then
	echo "check-layers: $failures breach(es) of the layers of daemon/" >&2
	exit 1
fi
echo "check-layers: daemon/ keeps its layers"
