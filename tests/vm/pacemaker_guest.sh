#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/vm/pacemaker_test.sh: runs inside
# `scripts/vm-run --rootfs` (Debian with Pacemaker, the module loaded) and
# prints TAP. A one-node Corosync + Pacemaker with one Dummy resource; the
# bridge (clusnotify-pacemaker, posting through the producer API) follows
# it; a consumer (clusnotify watch, which uses only clusapi.h) must receive
# the bridge's events for a stop and a start of the resource done with
# crm_resource, the resource's stop reported before CLUSTER_STATE when
# Pacemaker stops, CLUSTER_RECONNECT when it is started again, and the
# bridge's events after that. A second
# watcher on a V1 port (GetClusterNotify, where an event names its object
# by name only) must get the same, by name.
#
#   pacemaker_guest.sh DIR [DONE]
#
# DIR holds clusnotify-pacemaker and clusnotify. DONE: how many tests the
# caller has already reported (and planned for): this script's are
# numbered after them, and it prints the TAP header only when DONE is 0.
#
# Times are seconds since the kernel booted (/proc/uptime).
set -u
dir=${1:?usage: pacemaker_guest.sh DIR}
bridge=$dir/clusnotify-pacemaker
cli=$dir/clusnotify
name=e2e
rsc=dummy1
work=/tmp/e2e
n=${2:-0}
plan=$((n + 15))
pids=()

mkdir -p "$work"
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }

if [ "$n" -eq 0 ]; then
	echo "TAP version 13"
	echo "1..$plan"
fi
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
# What a failed step leaves behind, as TAP comments.
show() { # file [lines]
	[ -s "$1" ] || return 0
	echo "# --- $(basename "$1"), last ${2:-15} lines:"
	tail -n "${2:-15}" "$1" | sed 's/^/#   /'
}
# The rest of the plan cannot run: each remaining test fails with why.
bail() {
	while [ $n -lt $plan ]; do
		not_ok "$1"
	done
	cleanup
	exit 1
}
cleanup() {
	local p
	for p in "${pids[@]+"${pids[@]}"}"; do
		kill "$p" 2>/dev/null
	done
}
# The cluster's configuration and start, and until_ok, shared with
# bench/pcmk/guest.sh.
# shellcheck source=tests/vm/pcmk_cluster.sh
. "$(dirname "$0")/pcmk_cluster.sh"
mon() { crm_mon -1 --output-as=xml 2>/dev/null; }
node_online() { mon | grep -q '<node name="clusnotify-vm" [^>]*online="true"'; }
rsc_role() { # role
	mon | grep -q "<resource id=\"$rsc\" [^>]*role=\"$1\""
}
# The watcher's events from line FROM on hold one matching every pattern
# (grep -E; one JSON object a line). seen_in: in FILE, not the V2 port's.
seen() { # from pattern...
	seen_in "$work/watch.out" "$@"
}
seen_in() { # file from pattern...
	local file=$1 from=$2 p
	shift 2
	tail -n "+$from" "$file" >"$work/seen"
	for p in "$@"; do
		grep -E -- "$p" "$work/seen" >"$work/seen.next" || return 1
		mv "$work/seen.next" "$work/seen"
	done
}

for c in corosync corosync-cfgtool pacemakerd crm_mon crm_resource "$bridge" "$cli"; do
	command -v "$c" >/dev/null || bail "$c missing in the VM"
done

pcmk_cluster_setup

t_start=$(now)
echo "# $t_start s: starting corosync and pacemakerd"
if ! pcmk_cluster_start; then
	pids+=("$pcmk_corosync_pid")
	not_ok "Corosync answers"
	show "$work/corosync.log"
	bail "no Corosync"
fi
pids+=("$pcmk_corosync_pid")
echo "# $(now) s: corosync answers, $(since "$t_start") s after its start"
pcmk=$pcmk_pacemakerd_pid
pids+=("$pcmk")

if until_ok 90 node_online; then
	ok "one-node cluster: clusnotify-vm online"
	echo "# $(now) s: node online, $(since "$t_start") s after the start"
else
	not_ok "one-node cluster: clusnotify-vm online"
	show "$work/corosync.log"
	show "$work/pacemaker.log"
	bail "no cluster"
fi

if until_ok 45 rsc_role Started; then
	ok "crm_mon --output-as=xml shows $rsc Started"
	echo "# $(now) s: $rsc Started"
else
	not_ok "crm_mon --output-as=xml shows $rsc Started"
	mon | sed 's/^/#   /' | tail -n 30
	bail "the resource never started"
fi

if [ -c /dev/clusnotify ] && [ -d /sys/module/clusnotify ]; then
	ok "the clusnotify module is loaded"
else
	not_ok "the clusnotify module is loaded"
	bail "no module"
fi

# The bridge in its live, posting mode: no --dry-run, no file.
"$bridge" --verbose --coalesce-ms 100 --retry-ms 500 \
	>"$work/bridge.out" 2>"$work/bridge.err" &
bpid=$!
pids+=("$bpid")
registered() { "$cli" clusters 2>/dev/null | awk -v n="$name" '$NF == n { f = 1 } END { exit !f }'; }
if until_ok 30 registered; then
	ok "the bridge registered cluster $name"
	echo "# $(now) s: cluster $name registered"
else
	not_ok "the bridge registered cluster $name"
	show "$work/bridge.err"
	"$cli" clusters 2>&1 | sed 's/^/#   /'
	bail "the bridge did not register"
fi

# The consumer: a V2 port with every flag of every object type, ended by
# -n or -t, or by us once it has seen what it must.
"$cli" watch -c "$name" --json -n 500 -t 300 \
	>"$work/watch.out" 2>"$work/watch.err" &
wpid=$!
pids+=("$wpid")
"$cli" watch -c "$name" --v1 --json -n 500 -t 300 \
	>"$work/v1.out" 2>"$work/v1.err" &
v1pid=$!
pids+=("$v1pid")
for f in watch v1; do
	if ! until_ok 15 grep -q 'Watches established' "$work/$f.err"; then
		show "$work/$f.err"
		bail "clusnotify watch did not set up its port"
	fi
done

res='"type":"RESOURCE"'
who="\"(name|id)\":\"$rsc\""
t=$(now)
crm_resource --resource "$rsc" --meta --set-parameter target-role \
	--parameter-value Stopped >"$work/crm_resource.out" 2>&1
if until_ok 45 seen 1 '"event":"RESOURCE_STATE_V2"' "$res" "$who" '"state":"Offline"'; then
	ok "crm_resource stop: the watcher gets RESOURCE_STATE_V2 $rsc Offline"
	echo "# $(now) s: Offline seen, $(since "$t") s after crm_resource"
else
	not_ok "crm_resource stop: the watcher gets RESOURCE_STATE_V2 $rsc Offline"
	show "$work/crm_resource.out"
	show "$work/watch.out" 20
	show "$work/bridge.err"
fi
until_ok 30 rsc_role Stopped || echo "# crm_mon never showed $rsc Stopped"

lines=$(wc -l <"$work/watch.out")
t=$(now)
crm_resource --resource "$rsc" --meta --set-parameter target-role \
	--parameter-value Started >"$work/crm_resource.out" 2>&1
# Only the events after the stop count for the start.
if until_ok 45 seen $((lines + 1)) '"event":"RESOURCE_STATE_V2"' "$res" "$who" '"state":"Online"'; then
	ok "crm_resource start: the watcher gets RESOURCE_STATE_V2 $rsc Online"
	echo "# $(now) s: Online seen, $(since "$t") s after crm_resource"
else
	not_ok "crm_resource start: the watcher gets RESOURCE_STATE_V2 $rsc Online"
	show "$work/crm_resource.out"
	show "$work/watch.out" 20
	show "$work/bridge.err"
fi

# V1: the record names the resource; a V1 program has nothing else.
v1rsc=('"event":"RESOURCE_STATE"' '"type":"RESOURCE"' "\"name\":\"$rsc\"")
v1_stop_start() {
	seen_in "$work/v1.out" 1 "${v1rsc[@]}" '"state":"Offline"' &&
		seen_in "$work/v1.out" 1 "${v1rsc[@]}" '"state":"Online"'
}
if until_ok 10 v1_stop_start; then
	ok "V1 port: RESOURCE_STATE Offline and Online, named $rsc"
else
	not_ok "V1 port: RESOURCE_STATE Offline and Online, named $rsc"
	grep '"RESOURCE_STATE"' "$work/v1.out" | cut -c1-160 | head -n 4 | sed 's/^/#   /'
fi

if kill -0 "$bpid" 2>/dev/null; then
	ok "the bridge is still running"
else
	wait "$bpid"
	not_ok "the bridge is still running (exit status $?)"
	show "$work/bridge.err"
fi

lines=$(wc -l <"$work/watch.out")
t=$(now)
echo "# $t s: stopping Pacemaker"
kill -TERM "$pcmk"
if until_ok 45 seen 1 '"event":"CLUSTER_STATE_V2"'; then
	ok "Pacemaker stopped: the watcher gets CLUSTER_STATE_V2"
	echo "# $(now) s: CLUSTER_STATE seen, $(since "$t") s after SIGTERM to pacemakerd"
else
	not_ok "Pacemaker stopped: the watcher gets CLUSTER_STATE_V2"
	show "$work/watch.out" 20
	show "$work/bridge.err"
fi

# Pacemaker stops the resource on its way down and says so in the CIB
# before the CIB manager leaves: the bridge reports it while the cluster
# is still up, so the last state a port heard is the one it had.
stop_then_down() {
	tail -n "+$((lines + 1))" "$work/watch.out" | awk -v who="$who" '
		/"event":"RESOURCE_STATE_V2"/ && $0 ~ who && /"state":"Offline"/ { off = 1 }
		/"event":"CLUSTER_STATE_V2"/ { exit !off }
		END { if (!off) exit 1 }'
}
if stop_then_down; then
	ok "Pacemaker stopping: RESOURCE_STATE_V2 $rsc Offline before CLUSTER_STATE_V2"
else
	not_ok "Pacemaker stopping: RESOURCE_STATE_V2 $rsc Offline before CLUSTER_STATE_V2"
	tail -n "+$((lines + 1))" "$work/watch.out" | cut -c1-160 | sed 's/^/#   /'
	show "$work/bridge.err"
fi

until_ok 45 sh -c "! kill -0 $pcmk" || echo "# pacemakerd still running after 45 s"
echo "# $(now) s: pacemakerd exited, $(since "$t") s after SIGTERM"

# Pacemaker again, Corosync never stopped: the bridge reconnects and
# registers again by itself, and the port that stayed open gets
# CLUSTER_RECONNECT, then the bridge's events as before.
lines=$(wc -l <"$work/watch.out")
t=$(now)
PCMK_logfile=$work/pacemaker.log pacemakerd -f >>"$work/pacemakerd.out" 2>&1 &
pcmk=$!
pids+=("$pcmk")
if until_ok 90 seen $((lines + 1)) '"event":"CLUSTER_RECONNECT_V2"' '"name":"'$name'"'; then
	ok "Pacemaker started again: the watcher gets CLUSTER_RECONNECT_V2"
	echo "# $(now) s: CLUSTER_RECONNECT seen, $(since "$t") s after the start"
else
	not_ok "Pacemaker started again: the watcher gets CLUSTER_RECONNECT_V2"
	show "$work/watch.out" 20
	show "$work/bridge.err"
fi
v1_down_up() {
	grep -E '"event":"CLUSTER_(STATE|RECONNECT)"' "$work/v1.out" |
		grep -F "\"name\":\"$name\"" | cut -d, -f2 | tr '\n' ' ' |
		grep -q '"event":"CLUSTER_STATE" "event":"CLUSTER_RECONNECT" $'
}
if until_ok 10 v1_down_up; then
	ok "V1 port: CLUSTER_STATE, then CLUSTER_RECONNECT"
else
	not_ok "V1 port: CLUSTER_STATE, then CLUSTER_RECONNECT"
	grep '"CLUSTER_' "$work/v1.out" | cut -c1-120 | sed 's/^/#   /'
fi
# The snapshot taken at the reconnect may catch the resource stopped or
# starting; whatever it posted, the last state the watcher gets must be
# the one Pacemaker ends in. No change may be lost.
if until_ok 60 rsc_role Started; then
	echo "# $(now) s: $rsc Started again"
	if until_ok 30 seen $((lines + 1)) '"event":"RESOURCE_STATE_V2"' "$res" "$who" '"state":"Online"'; then
		ok "after the reconnect: RESOURCE_STATE_V2 $rsc Online, as crm_mon shows"
	else
		not_ok "after the reconnect: RESOURCE_STATE_V2 $rsc Online, as crm_mon shows"
		show "$work/watch.out" 8
	fi
else
	not_ok "after the reconnect: RESOURCE_STATE_V2 $rsc Online, as crm_mon shows"
	echo "# crm_mon never showed $rsc Started again"
fi
lines=$(wc -l <"$work/watch.out")
t=$(now)
crm_resource --resource "$rsc" --meta --set-parameter target-role \
	--parameter-value Stopped >"$work/crm_resource.out" 2>&1
if until_ok 45 seen $((lines + 1)) '"event":"RESOURCE_STATE_V2"' "$res" "$who" '"state":"Offline"'; then
	ok "after the reconnect, crm_resource stop: RESOURCE_STATE_V2 $rsc Offline"
	echo "# $(now) s: Offline seen, $(since "$t") s after crm_resource"
else
	not_ok "after the reconnect, crm_resource stop: RESOURCE_STATE_V2 $rsc Offline"
	show "$work/crm_resource.out"
	show "$work/watch.out" 20
	show "$work/bridge.err"
fi
kill -TERM "$pcmk"
until_ok 45 sh -c "! kill -0 $pcmk" || echo "# pacemakerd still running after 45 s"
kill "$wpid" "$v1pid" 2>/dev/null
wst=0
wait "$wpid" 2>/dev/null || wst=$?
v1st=0
wait "$v1pid" 2>/dev/null || v1st=$?
# The watchers were only ever ended by us (143) or their own limits (0,
# 2); 1 is an error one hit.
if [ "$wst" -ne 1 ] && [ "$v1st" -ne 1 ] &&
	! cat "$work/watch.err" "$work/v1.err" | grep -qv 'Watches established'; then
	ok "the watchers reported no error"
else
	not_ok "the watchers reported no error (exit status $wst, V1 $v1st)"
	show "$work/watch.err"
	show "$work/v1.err"
fi
echo "# the watcher's events ($(wc -l <"$work/watch.out")):"
sed 's/^/#   /' "$work/watch.out" | cut -c1-200 | tail -n 40
echo "# the bridge's log, last lines:"
tail -n 15 "$work/bridge.err" | sed 's/^/#   /'
echo "# $(now) s: done"
cleanup
exit 0
