#!/bin/bash
# The bash completion script as bash runs it: `arctic completion bash` is sourced and its
# function called with COMP_WORDS/COMP_CWORD, as readline would; the zsh and fish scripts are
# parsed by their shells when installed (TAP output).
# Usage: test-completion-bash.sh (ARCTIC_CLI names the built arctic)
set -u

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
unset ARCTIC_CONFIG
mkdir -p "$XDG_CONFIG_HOME/arctic" "$XDG_CACHE_HOME/arctic"
cat >"$XDG_CONFIG_HOME/arctic/config.yaml" <<'YAML'
current_cluster: clu_01TEST
clusters:
  clu_01TEST:
    cluster_id: clu_01TEST
    peers:
      - peer_id: peer_01A
        name: agent-a
        endpoints: [http://127.0.0.1:9]
YAML
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$XDG_CACHE_HOME/arctic/completion.json" <<JSON
{"version":1,"updated_at":"$now","clusters":{"clu_01TEST":{"updated_at":"$now",
 "peers":[{"id":"peer_01A","name":"agent-a"},{"id":"peer_01B","name":"agent-b"}],
 "services":[{"id":"svc_01WEB"}]}}}
JSON

n=0
failed=0
script=$("$ARCTIC_CLI" completion bash) || { echo "Bail out! arctic completion bash failed"; exit 1; }
if ! bash -n <<<"$script"; then
	echo "Bail out! the bash completion script does not parse"
	exit 1
fi
# shellcheck disable=SC1090
source <(printf '%s\n' "$script")

# check EXPECTED WORD… : completes the last WORD of `arctic WORD…`
check() {
	local expected=$1
	shift
	COMP_WORDS=("$ARCTIC_CLI" "$@")
	COMP_CWORD=$(($# ))
	COMPREPLY=()
	_arctic
	local got="${COMPREPLY[*]}"
	n=$((n + 1))
	if [[ "$got" == "$expected" ]]; then
		echo "ok $n - arctic $* -> $expected"
	else
		echo "not ok $n - arctic $*: expected '$expected', got '$got'"
		failed=1
	fi
}

check "peers" pe
check "delete" peers del
check "--yes" peers delete --y
check "peer_01A peer_01B" peers delete peer_
check "svc_01WEB" services get ""
check "tcp kcp" services create --transport ""
check "agent-a" config delete-peer agent
check "bash" completion ba
check "refresh" cache re

# every command and subcommand offers its options (read from its --help) without failing
n=$((n + 1))
bad=
for command in $("$ARCTIC_CLI" __complete arctic ""); do
	subcommands=$("$ARCTIC_CLI" __complete arctic "$command" "")
	[ "$command" = completion ] && subcommands=
	for sub in ${subcommands:-""}; do
		# shellcheck disable=SC2086 # an empty $sub is no word
		if ! "$ARCTIC_CLI" __complete arctic "$command" $sub -- | grep -qx -- --help; then
			bad="$bad $command $sub;"
		fi
	done
done
if [ -z "$bad" ]; then
	echo "ok $n - every command completes its options"
else
	echo "not ok $n - no options completed for:$bad"
	failed=1
fi

# the other shells' scripts at least parse, where those shells are installed
for shell in zsh fish; do
	n=$((n + 1))
	if ! command -v "$shell" >/dev/null 2>&1; then
		echo "ok $n # SKIP $shell is not installed"
	elif [ "$shell" = zsh ] && "$ARCTIC_CLI" completion zsh | zsh -n; then
		echo "ok $n - the zsh completion script parses"
	elif [ "$shell" = fish ] && "$ARCTIC_CLI" completion fish | fish --no-execute; then
		echo "ok $n - the fish completion script parses"
	else
		echo "not ok $n - the $shell completion script does not parse"
		failed=1
	fi
done
echo "1..$n"
exit $failed
