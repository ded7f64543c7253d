#!/bin/sh
# Checks the D-Bus and polkit files: every XML file must be well-formed, and valid against its
# DTD when the DTD is installed locally (never fetched). With dbus-daemon present, a bus must
# also start with the bus policy included, which catches what dbus-daemon itself refuses.
# Exits 77 (skipped) without xmllint.
set -eu

if ! command -v xmllint >/dev/null 2>&1; then
	echo "xmllint not found: skipping"
	exit 77
fi

arc_find_dtd() {
	for candidate in "$@"; do
		if [ -r "$candidate" ]; then
			echo "$candidate"
			return 0
		fi
	done
	return 0
}

arc_check_bus_policy() {
	policy=$1
	if ! command -v dbus-daemon >/dev/null 2>&1; then
		echo "dbus-daemon not found: not starting a bus with $policy"
		return 0
	fi
	tmp=$(mktemp -d)
	cat >"$tmp/bus.conf" <<EOF
<busconfig>
  <type>session</type>
  <listen>unix:dir=$tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <include>$policy</include>
</busconfig>
EOF
	dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=1 >"$tmp/address" \
		2>"$tmp/stderr" &
	pid=$!
	tries=0
	while [ ! -s "$tmp/address" ] && kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 100 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
	status=0
	if [ ! -s "$tmp/address" ]; then
		echo "dbus-daemon does not accept $policy:"
		cat "$tmp/stderr"
		status=1
	fi
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$tmp"
	return "$status"
}

# Every method of the Agent must pass the default policy of the bus: the agent authorises
# the writes itself (root or polkit), so a method missing from the policy would be refused by
# the bus to every user but root, whatever polkit says.
arc_check_policy_covers() {
	interface_xml=$1
	policy=$2
	missing=0
	methods=$(xmllint --nonet --xpath \
		'//interface[@name="com.tillered.Arctic1.Agent"]/method/@name' "$interface_xml" |
		sed -e 's/ *name="\([^"]*\)"/\1 /g')
	if [ -z "$methods" ]; then
		echo "$interface_xml: no method of com.tillered.Arctic1.Agent found"
		return 1
	fi
	for method in $methods; do
		if ! xmllint --nonet --xpath "//policy[@context='default']/allow[@send_interface='com.tillered.Arctic1.Agent' and @send_member='$method']" \
			"$policy" >/dev/null 2>&1; then
			echo "$policy: com.tillered.Arctic1.Agent.$method is not allowed to local users"
			missing=1
		fi
	done
	return "$missing"
}

agent_xml=
bus_policy=
for file in "$@"; do
	case "$file" in
	*com.tillered.Arctic1.Agent.xml) agent_xml=$file ;;
	*.conf) bus_policy=$file ;;
	esac
done

for file in "$@"; do
	case "$file" in
	*.policy)
		dtd=$(arc_find_dtd /usr/share/polkit-1/policyconfig-1.dtd)
		;;
	*.conf)
		dtd=$(arc_find_dtd /usr/share/xml/dbus-1/busconfig.dtd)
		;;
	*)
		dtd=$(arc_find_dtd /usr/share/xml/dbus-1/introspect.dtd)
		;;
	esac
	if [ -n "$dtd" ]; then
		xmllint --noout --nonet --dtdvalid "$dtd" "$file"
		echo "$file: valid against $dtd"
	else
		xmllint --noout --nonet "$file"
		echo "$file: well-formed (no local DTD)"
	fi
	case "$file" in
	*.conf)
		arc_check_bus_policy "$file"
		;;
	esac
done

if [ -n "$agent_xml" ] && [ -n "$bus_policy" ]; then
	arc_check_policy_covers "$agent_xml" "$bus_policy"
	echo "$bus_policy: lets local users call every method of com.tillered.Arctic1.Agent"
fi
