#!/bin/sh
# Fails when a catalogue of po/LINGUAS lacks a translation of a string the sources mark with
# _() or N_(): it merges the catalogue with a template extracted afresh (the options of the meson
# i18n module's glib preset) and wants msgfmt to count every message translated and none fuzzy.
# A string added to cli/ without a translation is reported here, not by a user seeing English.
# Usage: check-complete.sh SOURCE_ROOT   (exit 77, "skipped", without the gettext tools)
set -eu

srcdir=$1
for tool in xgettext msgmerge msgfmt msgattrib; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$tool not found" >&2
		exit 77
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

xgettext --package-name=arctic -D "$srcdir" --files-from="$srcdir/po/POTFILES.in" \
	-o "$tmp/arctic.pot" --from-code=UTF-8 --add-comments \
	--keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
	--keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
	--flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
	--flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
	--flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
	--flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
	--flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
	--flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
	--flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

status=0
# LINGUAS may name several languages on one line: words are meant, not lines
# shellcheck disable=SC2013
for lang in $(sed -e 's/#.*//' "$srcdir/po/LINGUAS"); do
	msgmerge --quiet -o "$tmp/$lang.po" "$srcdir/po/$lang.po" "$tmp/arctic.pot"
	stats=$(LC_ALL=C msgfmt -c --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
	echo "$lang: $stats"
	case $stats in
	*fuzzy* | *untranslated*)
		echo "po/$lang.po is incomplete; run 'meson compile -C BUILD arctic-update-po'" \
			"and translate these:" >&2
		for which in --only-fuzzy --untranslated; do
			msgattrib "$which" --no-obsolete --no-wrap "$tmp/$lang.po" |
				grep '^msgid "..*"$' >&2 || true
		done
		status=1
		;;
	esac
done
exit $status
