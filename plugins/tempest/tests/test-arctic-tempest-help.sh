#!/bin/sh
# arctic-tempest speaks the user's language: its usage in German from the catalogue of the
# build tree (ARCTIC_LOCALEDIR), in English without one.
# Usage: test-arctic-tempest-help.sh ARCTIC-TEMPEST LOCALEDIR
set -eu

bin=$1
localedir=$2
if [ ! -f "$localedir/de/LC_MESSAGES/arctic.mo" ]; then
	echo "1..0 # SKIP no German catalogue in $localedir"
	exit 0
fi
echo "1..3"
out=$(LC_ALL=C.UTF-8 LANGUAGE=de ARCTIC_LOCALEDIR=$localedir "$bin" --help)
case $out in
*"Aufruf: arctic-tempest [-f|--foreground] SCHNITTSTELLE"*) echo "ok 1 - usage in German" ;;
*) echo "not ok 1 - usage in German: $out" ;;
esac
# a wrong call: the usage goes to stderr, in German too, exit status 2
status=0
err=$(LC_ALL=C.UTF-8 LANGUAGE=de ARCTIC_LOCALEDIR=$localedir "$bin" --nonsense 2>&1 >/dev/null) ||
	status=$?
case $status:$err in
2:*"Umgebung: WG_PROCESS_FOREGROUND=1"*) echo "ok 2 - wrong call in German, status 2" ;;
*) echo "not ok 2 - wrong call: status $status: $err" ;;
esac
out=$(LC_ALL=C.UTF-8 LANGUAGE='' ARCTIC_LOCALEDIR=$localedir "$bin" --help)
case $out in
"Usage: arctic-tempest [-f|--foreground] INTERFACE-NAME"*) echo "ok 3 - usage in English" ;;
*) echo "not ok 3 - usage in English: $out" ;;
esac
