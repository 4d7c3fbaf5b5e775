#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clusnotify-pacemaker against a real one-node Pacemaker/Corosync cluster
# on the host, in dry-run mode (JSON lines instead of posting): the first
# snapshot, standby and back, a resource stopped, an attribute changed,
# Pacemaker stopped (the cluster goes down) and started again (it comes
# back with what changed meanwhile, and only that).
#
# Everything runs in new PID, mount, network and UTS namespaces with a
# private /run, /dev/shm and /var/lib/pacemaker, so nothing touches the
# host's cluster stack, and every daemon dies with the namespace. Skips
# (with the reason) when not root, without the packages, or when the
# cluster does not come up. TAP output; $1 is the top of the repository.
top=$(cd "${1:-.}" && pwd)
# Never a closed stdin: Pacemaker's CIB file writer takes descriptor 0,
# if free, for an error (it asserts fd > 0) and loses the write.
exec </dev/null
plan=10

skip_all() {
	echo "TAP version 13"
	echo "1..$plan"
	i=1
	while [ "$i" -le "$plan" ]; do
		echo "ok $i - bridge live # SKIP $1"
		i=$((i + 1))
	done
	exit 0
}

if [ -z "${BRIDGE_LIVE_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	for c in corosync pacemakerd crm_mon crm_attribute crm_resource unshare ip; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c missing (scripts/install-deps)"
	done
	[ -x "$top/build/bridge/clusnotify-pacemaker" ] ||
		skip_all "build/bridge/clusnotify-pacemaker not built"
	unshare --pid --fork --mount-proc --mount --net --uts true 2>/dev/null ||
		skip_all "cannot create namespaces"
	BRIDGE_LIVE_NS=1 exec unshare --pid --fork --mount-proc --mount --net \
		--uts sh "$0" "$top"
fi

# ---- inside the namespaces: PID 1, root of a private cluster ----
bin=$top/build/bridge/clusnotify-pacemaker
work=$(mktemp -d)
n=0

mount --make-rprivate /
for d in /run /dev/shm /var/lib/pacemaker /var/lib/corosync /var/log/pacemaker; do
	mkdir -p "$d" && mount -t tmpfs tmpfs "$d"
done
ip link set lo up
hostname node1
mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine \
	/var/lib/pacemaker/blackbox /var/lib/pacemaker/cores
chown -R hacluster:haclient /var/lib/pacemaker /var/log/pacemaker

cat >"$work/corosync.conf" <<EOF
totem {
	version: 2
	cluster_name: livetest
	transport: knet
	crypto_cipher: none
	crypto_hash: none
}
logging {
	to_stderr: no
	to_syslog: no
	to_logfile: yes
	logfile: $work/corosync.log
}
quorum {
	provider: corosync_votequorum
}
nodelist {
	node {
		name: node1
		nodeid: 1
		ring0_addr: 127.0.0.1
	}
}
EOF

# dc-deadtime and stonith-enabled seeded, or every start waits 20 s.
cat >/var/lib/pacemaker/cib/cib.xml <<'EOF'
<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-deadtime" name="dc-deadtime" value="2s"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <group id="web">
        <primitive id="web-a" class="ocf" provider="pacemaker" type="Dummy"/>
        <primitive id="web-b" class="ocf" provider="pacemaker" type="Dummy"/>
      </group>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF
chown hacluster:haclient /var/lib/pacemaker/cib/cib.xml
chmod 600 /var/lib/pacemaker/cib/cib.xml

start_pacemaker() {
	PCMK_logfile=$work/pacemaker.log pacemakerd -f >>"$work/pacemakerd.out" 2>&1 &
	pcmk_pid=$!
}

# until SECONDS COMMAND...: poll every 0.2 s.
until_ok() {
	tries=$(($1 * 5))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		tries=$((tries - 1))
	done
	return 1
}

started() {
	crm_mon -1 --output-as=xml 2>/dev/null |
		grep -q "resource id=\"$1\".*role=\"Started\""
}

corosync -f -c "$work/corosync.conf" >"$work/corosync.out" 2>&1 &
sleep 1
start_pacemaker
if ! until_ok 60 started web-b; then
	tail -n 5 "$work/pacemaker.log" | sed 's/^/# /'
	skip_all "the one-node cluster did not start in 60 s"
fi

echo "TAP version 13"
echo "1..$plan"

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		echo "# bridge output since the step:"
		tail -n "+$((mark + 1))" "$work/out" | sed 's/^/#   /'
		sed 's/^/#   stderr: /' "$work/err" | tail -n 5
	fi
}

# The output lines after the mark hold each of the given lines, in order
# (other lines may come between: a live cluster passes through states
# the test cannot time, e.g. OfflinePending). A "--" starts a sequence of
# its own, searched from the mark again: a property change and the state
# changes it causes come in two batches, or in one (states first) when
# Pacemaker acts within one coalescing interval.
in_order() {
	tail -n "+$((mark + 1))" "$work/out" >"$work/since"
	for want in "$@"; do
		if [ "$want" = "--" ]; then
			tail -n "+$((mark + 1))" "$work/out" >"$work/since"
			continue
		fi
		line=$(grep -n -F -x -m 1 -- "$want" "$work/since" | cut -d: -f1)
		[ -n "$line" ] || return 1
		tail -n "+$((line + 1))" "$work/since" >"$work/rest"
		mv "$work/rest" "$work/since"
	done
}

# step NAME SECONDS ACTION LINES...: run ACTION (a shell string), then
# wait for LINES in order.
step() {
	name=$1 secs=$2 action=$3
	shift 3
	mark=$(wc -l <"$work/out")
	sh -c "$action" >"$work/action.out" 2>&1
	until_ok "$secs" in_order "$@"
	result $? "$name"
}

: >"$work/out"
mark=0
"$bin" --dry-run --coalesce-ms 100 --retry-ms 500 >"$work/out" 2>"$work/err" &
bridge=$!

G='"parent":"web","type":"ocf:pacemaker:Dummy"'
until_ok 20 in_order '{"register":"livetest"}' \
	'{"publish":"NODE","id":"1","name":"node1","state":"Up"}' \
	'{"publish":"NETWORK","id":"link0","name":"Link 0","state":"Up"}' \
	'{"publish":"NETWORK_INTERFACE","id":"1-link0","parent":"1","name":"node1 - Link 0","state":"Up"}' \
	'{"publish":"GROUP","id":"web","parent":"1","state":"Online"}' \
	"{\"publish\":\"RESOURCE\",\"id\":\"web-b\",$G,\"state\":\"Online\"}"
result $? "first snapshot: the directory with Corosync's link, registered as its name"

step "standby: node Paused, group Offline" 20 \
	"crm_attribute -N node1 -n standby -v on" \
	'{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"1","name":"node1","state":"Paused"}' \
	"{\"event\":\"CLUSTER_CHANGE_RESOURCE_STATE_V2\",\"id\":\"web-a\",$G,\"state\":\"Offline\"}" \
	'{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Offline"}' \
	-- '{"event":"CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2","id":"1","name":"node1","props":{"standby":"on"}}'

step "standby off: node Up, group Online" 20 \
	"crm_attribute -N node1 -n standby -v off" \
	'{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"1","name":"node1","state":"Up"}' \
	"{\"event\":\"CLUSTER_CHANGE_RESOURCE_STATE_V2\",\"id\":\"web-a\",$G,\"state\":\"Online\"}" \
	'{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Online"}'

step "target-role Stopped: resource Offline, group PartialOnline" 20 \
	"crm_resource -r web-b --meta -p target-role -v Stopped" \
	"{\"event\":\"CLUSTER_CHANGE_RESOURCE_STATE_V2\",\"id\":\"web-b\",$G,\"state\":\"Offline\"}" \
	'{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"PartialOnline"}' \
	-- "{\"event\":\"CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2\",\"id\":\"web-b\",$G,\"props\":{\"target-role\":\"Stopped\"}}"

step "instance attribute: private property and registry value" 20 \
	"crm_resource -r web-a -p fake -v 42" \
	"{\"event\":\"CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2\",\"id\":\"web-a\",$G,\"props\":{\"fake\":\"42\"}}" \
	'{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Resources\\web-a\\Parameters","props":{"fake":"42"}}'

# Pacemaker stops web-a on its way down, and the CIB says so before the
# CIB manager leaves: that is reported before the cluster goes down.
# A second bridge, which would wait 30 s before its next snapshot, shows
# that this does not depend on the CIB manager still answering when the
# snapshot is taken: its copy of the CIB has the changes notified before
# the connection dropped, and it reports them before going down.
"$bin" --dry-run --coalesce-ms 30000 --retry-ms 500 --cluster-name slowtest \
	>"$work/out2" 2>"$work/err2" &
bridge2=$!
until_ok 20 grep -q '"publish":"RESOURCE","id":"web-a"' "$work/out2"
# While Pacemaker is down, web-b is started again in the saved CIB: the
# reconnection must report exactly that, once.
step "Pacemaker stops: web-a and web go Offline, then the cluster goes down" 30 \
	"kill -TERM $pcmk_pid" \
	"{\"event\":\"CLUSTER_CHANGE_RESOURCE_STATE_V2\",\"id\":\"web-a\",$G,\"state\":\"Offline\"}" \
	'{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Offline"}' \
	'{"down":"livetest"}'
until_ok 20 sh -c "! kill -0 $pcmk_pid"
slow_bridge() {
	grep -n -F -x -e '{"down":"slowtest"}' \
		-e "{\"event\":\"CLUSTER_CHANGE_RESOURCE_STATE_V2\",\"id\":\"web-a\",$G,\"state\":\"Offline\"}" \
		"$work/out2" | cut -d: -f2- | tr '\n' ' '
}
until_ok 10 grep -q '"down":"slowtest"' "$work/out2"
if [ "$(slow_bridge)" = "{\"event\":\"CLUSTER_CHANGE_RESOURCE_STATE_V2\",\"id\":\"web-a\",$G,\"state\":\"Offline\"} {\"down\":\"slowtest\"} " ]; then
	result 0 "a snapshot due after the CIB left: web-a Offline reported, then down"
else
	result 1 "a snapshot due after the CIB left: web-a Offline reported, then down"
	sed 's/^/#   /' "$work/out2" "$work/err2" | cut -c1-160 | tail -n 20
fi
kill "$bridge2" 2>/dev/null
wait "$bridge2" 2>/dev/null
# Every daemon gone, the CIB manager's last write of cib.xml included,
# before the file is edited (a late write would undo the edit, and the
# test would blame the bridge for a change Pacemaker never saw).
until_ok 20 sh -c "! pgrep -f pacemaker-based"
CIB_file=/var/lib/pacemaker/cib/cib.xml crm_resource -r web-b --meta \
	-d target-role >"$work/action.out" 2>&1
# The digest beside it (cib.xml.sig) no longer matches the edited file;
# without one the CIB manager reads cib.xml as it is.
rm -f /var/lib/pacemaker/cib/cib.xml.sig
# (crm_resource -g exits 0 for a missing attribute too: look at the file.)
if grep -q 'name="target-role"' /var/lib/pacemaker/cib/cib.xml; then
	echo "# the saved CIB still has web-b's target-role after the edit:"
	sed 's/^/#   /' "$work/action.out"
fi
mark=$(wc -l <"$work/out")
start_pacemaker
until_ok 60 in_order '{"register":"livetest"}' \
	"{\"event\":\"CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2\",\"id\":\"web-b\",$G,\"props\":{}}" \
	'{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Online"}'
result $? "Pacemaker back: registered again, the change made meanwhile posted"

# Nothing was announced twice: after the reconnection no publish line,
# and web-b came Online once.
since=$(tail -n "+$((mark + 1))" "$work/out")
if ! echo "$since" | grep -q '"publish"' &&
   [ "$(echo "$since" | grep -c -F "\"id\":\"web-b\",$G,\"state\":\"Online\"")" = 1 ]; then
	result 0 "after the reconnection nothing is reported twice"
else
	result 1 "after the reconnection nothing is reported twice"
fi

mark=$(wc -l <"$work/out")
kill -TERM "$bridge"
wait "$bridge"
rc=$?
grep -q -F -x '{"down":"livetest"}' "$work/out" && [ "$rc" = 0 ]
result $? "the bridge stops on SIGTERM, its cluster going down"

# PID 1 leaving takes every daemon of the namespace with it.
rm -rf "$work"
exit 0
