#!/bin/sh
# arctic-agent exports nothing of its own: plugins link only libarctic-plugin (-z defs), so
# every daemon symbol is hidden. What may remain is the C runtime's startup symbols and data
# the executable copies from shared libraries (copy relocations, e.g. stderr@GLIBC_2.2.5).
#   check-agent-symbols.sh AGENT
set -eu
agent=$1

all=$(nm -D --defined-only "$agent" | awk '{print $NF}')
stray=$(echo "$all" | grep -v '@' |
	grep -Ev '^(_start|_init|_fini|_IO_stdin_used|__bss_start|_edata|_end|__data_start|data_start)$' ||
	true)
if [ -n "$stray" ]; then
	echo "$agent exports $(echo "$stray" | wc -l) symbols it should not:" >&2
	echo "$stray" >&2
	exit 1
fi
echo "$(echo "$all" | grep -c . || true) dynamic symbols, none of the agent's own:"
echo "$all"
