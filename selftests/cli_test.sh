#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clusnotify(1) against the module, inside the VM (busybox sh, as root):
# post registers clusters and posts events, watch receives them (the exact
# lines, human and JSON), lost counts with a tiny queue, clusters, objects
# and stat, and every error path's message and exit status, unprivileged
# ones as nobody. TAP output.
C=${CLUSNOTIFY:-$(dirname "$0")/clusnotify}
T=$(mktemp -d /tmp/cli_test.XXXXXX)
PARAMS=/sys/module/clusnotify/parameters
n=0
failed=0

echo "TAP version 13"
echo "1..35"

ok() { # name
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() { # name detail...
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /'
	done
}

skip() { # name why
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# Compare file $2 with the expected text $3; report as test $1.
expect_file() {
	printf '%s\n' "$3" >"$T/expected"
	if cmp -s "$T/expected" "$2"; then
		ok "$1"
	else
		not_ok "$1" "expected:" "$(cat "$T/expected")" "got:" "$(cat "$2")"
	fi
}

# Run a command; pass if its exit status is $2 and its stderr holds $3.
expect_fail() { # name rc message cmd...
	name=$1 want=$2 msg=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -qF -- "$msg" "$T/err" &&
	   [ ! -s "$T/out" ]; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc (want $want)" "stderr: $(cat "$T/err")" \
			"stdout: $(cat "$T/out")" "want message: $msg"
	fi
}

# As nobody (uid 65534): su from root asks for no password.
as_nobody() {
	cmdline=""
	for a in "$@"; do
		cmdline="$cmdline '$a'"
	done
	su -s /bin/sh nobody -c "$cmdline"
}

# watch in the background; returns once its filters are registered.
start_watch() { # out args...
	out=$1
	shift
	"$C" watch "$@" >"$out" 2>"$out.err" &
	WPID=$!
	i=0
	while ! grep -q "Watches established" "$out.err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 $WPID 2>/dev/null; then
			echo "# watch did not start: $(cat "$out.err")"
			return 1
		fi
		sleep 0.05
	done
}

wait_watch() {
	wait $WPID
	WRC=$?
}

strip_time() {
	sed 's/,"time_ns":[0-9]*//' "$1" >"$1.s"
}

# --- a cluster with objects -------------------------------------------
cat >"$T/objects" <<'B'
# the test cluster's directory
object NODE n1 name=node1 state=Up
object NODE n2 name=node2 state=Up
object GROUP g1 name="SQL Group" parent=n1 state=Online   # owner n1
object RESOURCE r1 name=ip1 parent=g1 restype="IP Address" state=Online
B
"$C" post -c clitest -f "$T/objects" -v >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -qx "cluster clitest (id [0-9]*): 4 objects published, 0 removed, 0 events posted, 0 records queued, 0 lost" "$T/out"; then
	ok "post -f registers a cluster and publishes its objects"
else
	not_ok "post -f registers a cluster and publishes its objects" "rc=$rc" "$(cat "$T/out" "$T/err")"
fi

"$C" clusters >"$T/out" 2>&1
if awk 'NR == 1 && $1 == "ID" && $9 == "NAME" { h = 1 }
	$9 == "clitest" && $2 == "down" && $3 == "0644" && $4 == 0 &&
	$5 == 0 && $6 == 4 && $7 == 0 && $8 == "no" { c = 1 }
	END { exit !(h && c) }' "$T/out"; then
	ok "clusters: the cluster is down once post exits, with 4 objects"
else
	not_ok "clusters: the cluster is down once post exits, with 4 objects" "$(cat "$T/out")"
fi

"$C" clusters -j >"$T/out" 2>&1
if grep -q '^{"id":[0-9]*,"name":"clitest","up":false,"uid":0,"gid":0,"mode":"0644","objects":4,"filters":0,"default":false}$' "$T/out"; then
	ok "clusters --json"
else
	not_ok "clusters --json" "$(cat "$T/out")"
fi

"$C" objects -c clitest >"$T/out" 2>&1
expect_file "objects: sorted by type and name, states by name" "$T/out" \
'TYPE              STATE         NAME ID PARENT RESTYPE
GROUP             Online        "SQL Group" g1 n1 -
RESOURCE          Online        ip1 r1 g1 "IP Address"
NODE              Up            node1 n1 - -
NODE              Up            node2 n2 - -'

"$C" objects -c CLITEST -T resource -j >"$T/out" 2>&1
sed 's/"state_seq":[0-9]*,//' "$T/out" >"$T/out.s"
expect_file "objects --json -T, cluster name case-insensitive" "$T/out.s" \
'{"type":"RESOURCE","id":"r1","name":"ip1","state":"Online","state_value":2,"parent":"g1","restype":"IP Address"}'

# --- watch: V2, human lines -------------------------------------------
cat >"$T/events" <<'B'
event GROUP STATE id=g1 name="SQL Group" state=Offline
event resource CLUSTER_CHANGE_RESOURCE_STATE_V2 id=r1 name=ip1 state=failed
event GROUP owner_node_v2 id=g1 name="SQL Group" parent=n2
event NODE STATE id=n1 name=node1 state=Down
B
if start_watch "$T/w1" -c clitest -T group -T RESOURCE:state -n 5 -t 30; then
	"$C" post -c clitest -f "$T/events" -v >"$T/post.out" 2>&1
	wait_watch
	if [ $WRC -eq 0 ]; then
		ok "watch -n: exit 0 once COUNT events arrived"
	else
		not_ok "watch -n: exit 0 once COUNT events arrived" "rc=$WRC" "$(cat "$T/w1.err")"
	fi
	expect_file "watch: V2 events, reconnect and down, exact lines" "$T/w1" \
'0 CLUSTER_RECONNECT_V2 CLUSTER clitest state=Up
1 GROUP_STATE_V2 GROUP "SQL Group" id=g1 state=Offline
2 RESOURCE_STATE_V2 RESOURCE ip1 id=r1 state=Failed
3 GROUP_OWNER_NODE_V2 GROUP "SQL Group" id=g1 parent=n2
4 CLUSTER_STATE_V2 CLUSTER clitest state=Down'
	if grep -qx "cluster clitest (id [0-9]*): 0 objects published, 0 removed, 4 events posted, 3 records queued, 0 lost" "$T/post.out"; then
		ok "post -v: the queued count of one watcher"
	else
		not_ok "post -v: the queued count of one watcher" "$(cat "$T/post.out")"
	fi
else
	not_ok "watch -n: exit 0 once COUNT events arrived"
	not_ok "watch: V2 events, reconnect and down, exact lines"
	not_ok "post -v: the queued count of one watcher"
fi

# --- watch: V1 on one object, JSON ------------------------------------
if start_watch "$T/w2" -c clitest -e group_state,CLUSTER_CHANGE_GROUP_PROPERTY --group "SQL Group" -j -n 4 -t 5; then
	"$C" post -c clitest -- event GROUP COMMON_PROPERTY id=g1 name="SQL Group" \
		payload=01020304 >/dev/null 2>&1
	wait_watch
	strip_time "$T/w2"
	expect_file "watch -e --group --json: V1 records of one object" "$T/w2.s" \
'{"seq":0,"event":"CLUSTER_RECONNECT","version":1,"type":"CLUSTER","name":"clitest","id":"","parent":"","restype":"","state":"Up","state_value":1,"lost":0,"kernel":true,"key":1,"v1_change":524288,"v2_flag":1,"payload":""}
{"seq":1,"event":"GROUP_PROPERTY","version":1,"type":"GROUP","name":"SQL Group","id":"g1","parent":"","restype":"","state":null,"state_value":null,"lost":0,"kernel":false,"key":1,"v1_change":32768,"v2_flag":2,"payload":"01020304"}
{"seq":2,"event":"CLUSTER_STATE","version":1,"type":"CLUSTER","name":"clitest","id":"","parent":"","restype":"","state":"Down","state_value":0,"lost":0,"kernel":true,"key":1,"v1_change":536870912,"v2_flag":2,"payload":""}'
	if [ $WRC -eq 2 ]; then
		ok "watch: exit 2 when the timeout comes before COUNT events"
	else
		not_ok "watch: exit 2 when the timeout comes before COUNT events" "rc=$WRC"
	fi
else
	not_ok "watch -e --group --json: V1 records of one object"
	not_ok "watch: exit 2 when the timeout comes before COUNT events"
fi

"$C" watch -c clitest -t 0.3 -q >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]; then
	ok "watch -t with no event: exit 2, nothing printed"
else
	not_ok "watch -t with no event: exit 2, nothing printed" "rc=$rc" "$(cat "$T/out" "$T/err")"
fi

# Names with quotes, blanks and control characters survive both formats.
printf '%s\n' 'event NODE COMMON_PROPERTY id=n2 name="node \"2\"\tb"' >"$T/odd"
if start_watch "$T/w6" -c clitest -T node:common_property -n 2 -t 30 &&
   start_watch "$T/w7" -c clitest -T node:common_property -n 2 -t 30 -j; then
	"$C" post -c clitest -f "$T/odd" >/dev/null 2>&1
	wait
	sed -n 2p "$T/w7" | sed 's/,"time_ns":[0-9]*//' >"$T/w7.s"
	sed -n 2p "$T/w6" >"$T/w6.s"
	if grep -qxF '1 NODE_COMMON_PROPERTY_V2 NODE "node \"2\"\tb" id=n2' "$T/w6.s" &&
	   grep -qxF '{"seq":1,"event":"NODE_COMMON_PROPERTY_V2","version":2,"type":"NODE","name":"node \"2\"\tb","id":"n2","parent":"","restype":"","state":null,"state_value":null,"lost":0,"kernel":false,"key":1,"v1_change":8,"v2_flag":4,"payload":""}' "$T/w7.s"; then
		ok "watch: quoting in human lines, escaping in JSON"
	else
		not_ok "watch: quoting in human lines, escaping in JSON" "$(cat "$T/w6.s" "$T/w7.s")"
	fi
else
	not_ok "watch: quoting in human lines, escaping in JSON"
fi

# Property lists: built from prop= fields, shown decoded.
printf '%s\n' 'event GROUP COMMON_PROPERTY id=g1 name="SQL Group" prop=Description:sz:"primary db" prop=Weight:dword:7 prop=Owners:multi_sz:n1,n2 prop=Delta:long:-3' >"$T/props"
if start_watch "$T/w8" -c clitest -T group:common_property -n 2 -t 30 &&
   start_watch "$T/w9" -c clitest -T group:common_property -n 2 -t 30 -j; then
	"$C" post -c clitest -f "$T/props" >/dev/null 2>&1
	wait
	sed -n 2p "$T/w8" | sed 's/ payload=[0-9]* / payload=N /' >"$T/w8.s"
	sed -n 2p "$T/w9" | sed 's/,"time_ns":[0-9]*//; s/"payload":"[0-9a-f]*"/"payload":"X"/' >"$T/w9.s"
	if grep -qxF '1 GROUP_COMMON_PROPERTY_V2 GROUP "SQL Group" id=g1 payload=N prop.Description="primary db" prop.Weight=7 prop.Owners=n1,n2 prop.Delta=-3' "$T/w8.s" &&
	   grep -qxF '{"seq":1,"event":"GROUP_COMMON_PROPERTY_V2","version":2,"type":"GROUP","name":"SQL Group","id":"g1","parent":"","restype":"","state":null,"state_value":null,"lost":0,"kernel":false,"key":1,"v1_change":32768,"v2_flag":2,"payload":"X","properties":{"Description":"primary db","Weight":7,"Owners":["n1","n2"],"Delta":-3}}' "$T/w9.s"; then
		ok "post prop=, watch: property lists, human and JSON"
	else
		not_ok "post prop=, watch: property lists, human and JSON" "$(cat "$T/w8.s" "$T/w9.s")"
	fi
else
	not_ok "post prop=, watch: property lists, human and JSON"
fi

# A cluster of mode 0644 may be watched by anybody.
as_nobody "$C" watch -c clitest -t 0.2 >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -qx "Watches established." "$T/err"; then
	ok "watch as nobody on a 0644 cluster: set up, then exit 2 on the timeout"
else
	not_ok "watch as nobody on a 0644 cluster: set up, then exit 2 on the timeout" "rc=$rc" "$(cat "$T/err")"
fi

# --- lost counts with a tiny queue -----------------------------------
old=$(cat $PARAMS/max_records)
echo 3 >$PARAMS/max_records
: >"$T/burst"
for i in 1 2 3 4 5 6 7 8 9 10; do
	echo "event GROUP STATE id=g1 name=\"SQL Group\" state=Pending" >>"$T/burst"
done
# max_records bounds a queue, not the ring libclusapi maps by default:
# this watcher reads by ioctl.
export CLUSAPI_RING=0
start_watch "$T/w3" -c clitest -T group -n 4 -t 30
rc=$?
unset CLUSAPI_RING
if [ $rc -eq 0 ]; then
	# Stopped, the watcher reads nothing: the queue fills for sure.
	kill -STOP $WPID
	"$C" post -c clitest -f "$T/burst" -v >"$T/post.out" 2>&1
	if grep -qx "cluster clitest (id [0-9]*): 0 objects published, 0 removed, 10 events posted, 2 records queued, 8 lost" "$T/post.out"; then
		ok "post -v: the records lost to a full queue"
	else
		not_ok "post -v: the records lost to a full queue" "$(cat "$T/post.out")"
	fi
	"$C" stat >"$T/stat" 2>&1
	"$C" stat -j -u root >"$T/statj" 2>&1
	kill -CONT $WPID
	wait_watch
	expect_file "watch: the overflow record carries the exact lost count" "$T/w3" \
'0 CLUSTER_RECONNECT_V2 CLUSTER clitest state=Up
1 GROUP_STATE_V2 GROUP "SQL Group" id=g1 state=Pending
2 GROUP_STATE_V2 GROUP "SQL Group" id=g1 state=Pending
3 CLUSTER_LOST_NOTIFICATIONS_V2 CLUSTER clitest lost=9'
	if awk -v pid=$WPID '$3 == pid && $2 == "root" && $4 == 4 &&
		$5 == 0 && $6 == 9 && $7 == 12 && $8 == 1 { p = 1 }
		$1 == "root" && $2 >= 1 && $5 >= 9 { u = 1 }
		END { exit !(p && u) }' "$T/stat"; then
		ok "stat: queue depth, lost and filters of the stopped watcher, totals per user"
	else
		not_ok "stat: queue depth, lost and filters of the stopped watcher, totals per user" "$(cat "$T/stat")"
	fi
	if grep -q "^{\"kind\":\"port\",\"port\":[0-9]*,\"uid\":0,\"user\":\"root\",\"pid\":$WPID,\"queued\":4,\"delivered\":0,\"lost\":9,\"next_seq\":12,\"filters\":1}\$" "$T/statj" &&
	   grep -q '^{"kind":"user","uid":0,"user":"root","ports":' "$T/statj"; then
		ok "stat --json --user"
	else
		not_ok "stat --json --user" "$(cat "$T/statj")"
	fi
else
	not_ok "post -v: the records lost to a full queue"
	not_ok "watch: the overflow record carries the exact lost count"
	not_ok "stat: queue depth, lost and filters of the stopped watcher, totals per user"
	not_ok "stat --json --user"
fi
echo "$old" >$PARAMS/max_records

"$C" stat -u nobody >"$T/out" 2>&1
if [ "$(grep -c . "$T/out")" -eq 2 ]; then
	ok "stat --user: only that user's ports (nobody has none)"
else
	not_ok "stat --user: only that user's ports (nobody has none)" "$(cat "$T/out")"
fi

# --- registry keys and resource types ---------------------------------
cat >"$T/reg" <<'B'
object REGISTRY Params name=Params
object REGISTRY Params\Sub name=Sub
object REGISTRY Other name=Other
object RESOURCE_TYPE rt1 name="IP Address"
B
"$C" post -c regtest -f "$T/reg" >/dev/null 2>&1
cat >"$T/regev" <<'B'
event REGISTRY VALUE id=Params\Sub name=Sub
event REGISTRY VALUE id=Other name=Other
event REGISTRY NAME id=Params name=Params
event RESOURCE_TYPE COMMON_PROPERTY id=rt1 name="IP Address"
event RESOURCE_TYPE POSSIBLE_OWNERS id=rt1 name="IP Address"
B
if start_watch "$T/w4" -c regtest --key Params -e registry_value,registry_subtree -n 3 -t 30 &&
   start_watch "$T/w5" -c regtest --restype "ip address" -T resource_type:common_property -n 3 -t 30; then
	"$C" post -c regtest -f "$T/regev" >/dev/null 2>&1
	wait $WPID
	wait
	expect_file "watch --key: a V1 registry filter with SUBTREE sees the keys below" "$T/w4" \
'0 CLUSTER_RECONNECT CLUSTER regtest state=Up
1 REGISTRY_VALUE REGISTRY Sub id="Params\\Sub"
2 CLUSTER_STATE CLUSTER regtest state=Down'
	expect_file "watch --restype: RegisterClusterResourceTypeNotifyV2" "$T/w5" \
'0 CLUSTER_RECONNECT_V2 CLUSTER regtest state=Up
1 RESOURCE_TYPE_COMMON_PROPERTY_V2 RESOURCE_TYPE "IP Address" id=rt1
2 CLUSTER_STATE_V2 CLUSTER regtest state=Down'
else
	not_ok "watch --key: a V1 registry filter with SUBTREE sees the keys below"
	not_ok "watch --restype: RegisterClusterResourceTypeNotifyV2"
fi

# The example of man/clusnotify.1's BATCH FORMAT, as it is written there.
cat >"$T/example" <<'B'
# a two-node cluster with one group
object NODE n1 name=node1 state=Up
object NODE n2 name=node2 state=Up
object GROUP g1 name="SQL Group" parent=n1 state=Online
object RESOURCE r1 name=ip1 parent=g1 restype="IP Address" state=Online
# the group fails over to node2
event RESOURCE STATE id=r1 name=ip1 state=OfflinePending
event GROUP STATE id=g1 name="SQL Group" state=Pending
event GROUP OWNER_NODE id=g1 name="SQL Group" parent=n2
event GROUP STATE id=g1 name="SQL Group" state=Online
event GROUP COMMON_PROPERTY id=g1 prop=Description:sz:"SQL, primary" prop=Weight:dword:7
B
"$C" post -c example -f "$T/example" -v >"$T/out" 2>&1
rc=$?
"$C" objects -c example -T group >"$T/objs" 2>&1
if [ $rc -eq 0 ] && grep -q ": 4 objects published, 0 removed, 5 events posted" "$T/out" &&
   grep -qx 'GROUP             Online        "SQL Group" g1 n2 -' "$T/objs"; then
	ok "the man page's batch example posts, and the directory follows it"
else
	not_ok "the man page's batch example posts, and the directory follows it" "rc=$rc" "$(cat "$T/out" "$T/objs")"
fi

# --- errors -----------------------------------------------------------
expect_fail "watch: unknown cluster" 1 "no cluster named 'nosuch'" \
	"$C" watch -c nosuch -t 1
expect_fail "watch: unknown object" 1 "cannot open group 'nosuch': no such object in the cluster" \
	"$C" watch -c clitest --group nosuch -t 1
expect_fail "watch: bad flag name" 64 "unknown V2 flag 'bogus' for type GROUP" \
	"$C" watch -c clitest -T group:state,bogus
expect_fail "objects: unknown cluster" 1 "listing objects: no cluster named 'nosuch'" \
	"$C" objects -c nosuch

printf 'object GROUP g9 name=G9\nevent GROUP STATE id=g9 state=Online\nevent GROUP STATE id=g9 state=Sleepy\n' >"$T/bad"
"$C" post -c clitest -f "$T/bad" >"$T/out" 2>"$T/err"
rc=$?
"$C" objects -c clitest -T group >"$T/objs" 2>&1
if [ $rc -eq 65 ] &&
   grep -qF "$T/bad:3: unknown state 'Sleepy' for GROUP (Online, Offline, Failed, PartialOnline, Pending) (nothing was posted)" "$T/err" &&
   ! grep -q G9 "$T/objs"; then
	ok "post: a batch line that does not parse names its line, posts nothing"
else
	not_ok "post: a batch line that does not parse names its line, posts nothing" "rc=$rc" "$(cat "$T/err" "$T/objs")"
fi

printf 'object GROUP g5 name=G5\nremove GROUP nosuch\nobject GROUP g6 name=G6\n' >"$T/refused"
"$C" post -c clitest -f "$T/refused" >"$T/out" 2>"$T/err"
rc=$?
"$C" objects -c clitest -T group >"$T/objs" 2>&1
if [ $rc -eq 1 ] && grep -qF "$T/refused:2: no such object" "$T/err" &&
   grep -qF "the 1 entries before it were applied" "$T/err" &&
   grep -q " G5 g5 " "$T/objs" && ! grep -q G6 "$T/objs"; then
	ok "post: a batch the kernel refuses names the line; what came before stays"
else
	not_ok "post: a batch the kernel refuses names the line; what came before stays" "rc=$rc" "$(cat "$T/err" "$T/objs")"
fi

expect_fail "post: kinds only the module makes are refused" 64 "CLUSTER_STATE_V2 is made by the module only" \
	"$C" post -c clitest event CLUSTER STATE

"$C" post -c secret --mode 0600 object GROUP s1 name=S1 >"$T/out" 2>&1
expect_fail "watch as nobody: permission denied" 1 "permission denied: cluster 'secret' grants you no read access" \
	as_nobody "$C" watch -c secret -t 1
expect_fail "objects as nobody: permission denied" 1 "permission denied: cluster 'secret' grants you no read access" \
	as_nobody "$C" objects -c secret
expect_fail "post as nobody: needs CAP_SYS_ADMIN" 1 "permission denied: registering cluster 'open' needs CAP_SYS_ADMIN" \
	as_nobody "$C" post -c open event GROUP STATE id=x

"$C" post -c held --hold &
hpid=$!
i=0
while ! "$C" clusters | awk '$9 == "held" && $2 == "up" { f = 1 } END { exit !f }'; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.05
done
expect_fail "post: a cluster up in another session" 1 "cluster 'held' is up in another producer's session" \
	"$C" post -c held event GROUP STATE id=x
kill -TERM $hpid
wait $hpid
hrc=$?
"$C" post -c gone --unregister >/dev/null 2>&1
urc=$?
"$C" clusters >"$T/out" 2>&1
if [ $hrc -eq 0 ] && [ $urc -eq 0 ] &&
   awk '$9 == "held" && $2 == "down" { h = 1 } $9 == "gone" { g = 1 }
	END { exit !(h && !g) }' "$T/out"; then
	ok "post --hold keeps the cluster up until SIGTERM; --unregister removes it"
else
	not_ok "post --hold keeps the cluster up until SIGTERM; --unregister removes it" "hold rc=$hrc unregister rc=$urc" "$(cat "$T/out")"
fi

# Last: without the module (loaded again afterwards for the next tests).
if [ -f /clusnotify.ko ] && rmmod clusnotify 2>/dev/null; then
	"$C" watch -t 1 >"$T/o1" 2>&1
	r1=$?
	"$C" clusters >"$T/o2" 2>&1
	r2=$?
	insmod /clusnotify.ko
	if [ $r1 -eq 1 ] && [ $r2 -eq 1 ] &&
	   grep -q "module not loaded: run modprobe clusnotify" "$T/o1" &&
	   grep -q "module not loaded: run modprobe clusnotify" "$T/o2"; then
		ok "without the module: 'module not loaded' and exit 1"
	else
		not_ok "without the module: 'module not loaded' and exit 1" "$(cat "$T/o1" "$T/o2")"
	fi
else
	skip "without the module: 'module not loaded' and exit 1" "cannot unload and reload the module here"
fi

rm -rf "$T"
[ $failed -eq 0 ]
