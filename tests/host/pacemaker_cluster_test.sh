#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clusnotify-pacemaker on a real 3-node Pacemaker/Corosync cluster
# (tests/pacemaker/netns-cluster: each node in its own network, mount and
# UTS namespaces on this host), in dry-run mode on node1: the JSON events
# it prints for attribute and configuration changes, a group move and
# back, a standby failover and back, resource failures (recovered by
# Pacemaker; blocked, then cleaned up), a group added and deleted, a node
# lost (kill -9 of its corosync) with its group failing over and its
# Corosync link down (network and interface states), and quorum lost
# with a second node.
#
# Each step waits for the events it must cause, in order (other lines may
# come between: Pacemaker's timing decides whether the bridge's snapshots
# catch states such as OnlinePending or a group's PartialOnline while it
# moves), then for the output to settle, and then checks the final state
# of the objects involved and that nothing contradictory appeared (an
# owner change that must not happen, a state that must not be reached).
# Every wait has a timeout that fails the step with the bridge's output.
# Skips (with the reason) when not root, without the packages, without
# the bridge built, or when namespaces cannot be made. TAP output; $1 is
# the top of the repository.
top=$(cd "${1:-.}" && pwd)
# Never a closed stdin: Pacemaker's CIB file writer takes descriptor 0,
# if free, for an error (it asserts fd > 0) and loses the write.
exec </dev/null
plan=20

skip_all() {
	echo "TAP version 13"
	echo "1..$plan"
	i=1
	while [ "$i" -le "$plan" ]; do
		echo "ok $i - pacemaker cluster # SKIP $1"
		i=$((i + 1))
	done
	exit 0
}

# Run again by netns-cluster, in its namespaces, with a second argument.
if [ "${2:-}" != --in-cluster ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	for c in corosync corosync-cfgtool pacemakerd crm_mon crm_attribute \
	    crm_resource cibadmin unshare nsenter ip; do
		command -v "$c" >/dev/null 2>&1 ||
			skip_all "$c missing (scripts/install-deps)"
	done
	[ -x /usr/lib/ocf/resource.d/pacemaker/Dummy ] ||
		skip_all "ocf:pacemaker:Dummy missing (pacemaker-resource-agents)"
	[ -x "$top/build/bridge/clusnotify-pacemaker" ] ||
		skip_all "build/bridge/clusnotify-pacemaker not built"
	unshare --kill-child --pid --mount-proc --mount --net --uts true \
		2>/dev/null || skip_all "cannot create namespaces"
	unshare --net sh -c 'ip link add nscprobe type bridge &&
		ip link add v0 type veth peer name v1' >/dev/null 2>&1 ||
		skip_all "cannot create a bridge and veth pairs"
	exec "$top/tests/pacemaker/netns-cluster" run sh "$0" "$top" --in-cluster
fi

# ---- in the cluster's outer namespaces (netns-cluster run) ----
bin=$top/build/bridge/clusnotify-pacemaker
work=$NSC_DIR/test
mkdir -p "$work"
out=$work/out
n=0
failed=0

now() {
	cut -d' ' -f1 /proc/uptime
}

since() { # T0: seconds since T0, one decimal
	echo "$(now) $1" | awk '{ printf "%.1f", $1 - $2 }'
}

echo "TAP version 13"
echo "1..$plan"

# ---- checks: each adds to $why when it fails ----

# The output lines since the mark hold each WANT, in order. A WANT is a
# whole line, or "~" and fragments separated by tabs that must all be in
# one line (for property lists holding values set by Pacemaker itself).
match_in_order() {
	printf '%s\n' "$@" >"$work/want"
	tail -n "+$((mark + 1))" "$out" | awk '
		NR == FNR { want[++nw] = $0; next }
		function hit(w, l,  f, k, i) {
			if (substr(w, 1, 1) != "~")
				return w == l
			k = split(substr(w, 2), f, "\t")
			for (i = 1; i <= k; i++)
				if (index(l, f[i]) == 0)
					return 0
			return 1
		}
		i < nw && hit(want[i + 1], $0) { i++ }
		END { exit i == nw ? 0 : 1 }' "$work/want" -
}

# expect SECONDS WANT...: wait for them.
expect() {
	secs=$1
	shift
	t=$((secs * 10))
	until match_in_order "$@"; do
		t=$((t - 1))
		if [ "$t" -le 0 ]; then
			why="$why
not seen in ${secs} s, in this order:"
			for w in "$@"; do
				why="$why
  $w"
			done
			return 1
		fi
		sleep 0.1
	done
	seen=$(since "$t0")
}

# Wait until the bridge has printed nothing for a second (Pacemaker may
# still be finishing the transition), at most 15 s.
settle() {
	last=-1
	quiet=0
	t=150
	while [ "$quiet" -lt 10 ] && [ "$t" -gt 0 ]; do
		c=$(wc -l <"$out")
		if [ "$c" = "$last" ]; then
			quiet=$((quiet + 1))
		else
			quiet=0
			last=$c
		fi
		sleep 0.1
		t=$((t - 1))
	done
	[ "$quiet" -ge 10 ] || why="$why
output still changing after 15 s"
}

# final KIND ID STATE [OWNER]: the object (KIND NODE, GROUP, RESOURCE,
# NETWORK or NETINTERFACE)
# ends the step in STATE, and a group owned by node OWNER, by what the
# bridge printed since it started: the state of its last state event, or
# of its publication when no event changed it (a resource that moved
# within one coalescing interval has no event), and the owner of the
# last of these and of the group's owner changes (a group that moved
# within one interval has only the owner change).
final() {
	pk=$1
	[ "$pk" = NETINTERFACE ] && pk=NETWORK_INTERFACE
	pub="{\"publish\":\"$pk\",\"id\":\"$2\","
	st="{\"event\":\"CLUSTER_CHANGE_$1_STATE_V2\",\"id\":\"$2\","
	last=$(grep -F -e "$pub" -e "$st" "$out" | tail -n 1)
	case "$last" in
	*"\"state\":\"$3\"}") ;;
	*)
		why="$why
$1 $2 does not end $3: ${last:-no state at all}"
		return 1
		;;
	esac
	[ -n "${4:-}" ] || return 0
	last=$(grep -F -e "$pub" -e "$st" \
		-e "{$GO,\"id\":\"$2\"," "$out" | tail -n 1)
	case "$last" in
	*"\"parent\":\"$4\","* | *"\"parent\":\"$4\"}") ;;
	*)
		why="$why
$1 $2 does not end owned by node $4: ${last:-no owner at all}"
		return 1
		;;
	esac
}

# none FRAGMENT...: no line since the mark holds all the fragments.
none() {
	printf '%s\n' "$@" >"$work/frags"
	bad=$(tail -n "+$((mark + 1))" "$out" | awk '
		NR == FNR { f[++nf] = $0; next }
		{ for (i = 1; i <= nf; i++) if (index($0, f[i]) == 0) next; print }
		' "$work/frags" -)
	if [ -n "$bad" ]; then
		why="$why
must not appear: $bad"
		return 1
	fi
}

# lost_after NODE T: print how long after the wall clock time T (seconds
# of the day) node1's controller logged NODE lost.
lost_after() {
	grep -m 1 "pacemaker-controld.*Node $1 state is now lost" \
		"$NSC_DIR/node1/pacemaker.log" | awk -v t="$2" '{
			split($3, h, ":")
			d = h[1] * 3600 + h[2] * 60 + h[3] - t
			if (d >= 0)
				printf "#   node1 saw %s lost %.1f s after the kill\n", n, d
		}' n="$1"
}

clock() {
	date +%H:%M:%S.%N | awk -F: '{ printf "%.3f", $1 * 3600 + $2 * 60 + $3 }'
}

# ---- steps ----

# begin NAME: a step starts here (output mark, clock).
begin() {
	name=$1
	why=""
	mark=$(wc -l <"$out")
	t0=$(now)
	seen=""
}

# act NODE COMMAND...: run a CLI in a node; its failure fails the step.
act() {
	if ! "$NSC" exec "$@" >"$work/act.out" 2>&1; then
		why="$why
'$*' failed: $(head -c 300 "$work/act.out")"
	fi
}

end() {
	n=$((n + 1))
	if [ -z "$why" ]; then
		echo "ok $n - $name"
		[ "$n" = 1 ] ||
			echo "#   ${seen:+events after $seen s, }settled after $(since "$t0") s"
	else
		failed=1
		echo "not ok $n - $name"
		printf '%s\n' "$why" | sed '/^$/d; s/^/#   /'
		echo "#   bridge output of the step:"
		tail -n "+$((mark + 1))" "$out" | sed 's/^/#     /'
		tail -n 5 "$work/err" | sed 's/^/#   stderr: /'
	fi
}

: >"$out"
: >"$work/err"

begin "the cluster starts: three nodes online, both groups started"
up=$("$NSC" wait-up 120 2>"$work/up.err") ||
	why="$why
$(cat "$work/up.err")"
end
[ -z "$why" ] && echo "#   three nodes online, resources started ${up} s after the start"
if [ -n "$why" ]; then
	# Nothing below can pass: say so for each.
	while [ "$n" -lt "$plan" ]; do
		n=$((n + 1))
		echo "not ok $n - (the cluster did not start)"
	done
	tail -n 20 "$NSC_DIR"/node1/pacemaker.log | sed 's/^/# /'
	exit 1
fi

# The bridge on node1, where it sees node2 and node3 lost and keeps quorum
# last; dry run: JSON lines instead of posting.
"$NSC" exec node1 "$bin" --dry-run --coalesce-ms 100 --retry-ms 500 \
	>"$out" 2>"$work/err" &
bridge=$!

A='"parent":"alpha","type":"ocf:pacemaker:Dummy"'
B='"parent":"beta","type":"ocf:pacemaker:Dummy"'
GS='"event":"CLUSTER_CHANGE_GROUP_STATE_V2"'
GO='"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2"'
RS='"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2"'
NS='"event":"CLUSTER_CHANGE_NODE_STATE_V2"'
NW='"event":"CLUSTER_CHANGE_NETWORK_STATE_V2"'
NI='"event":"CLUSTER_CHANGE_NETINTERFACE_STATE_V2"'
NP='"event":"CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2"'
RV='"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2"'
RN='"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2"'

begin "first snapshot: registered as Corosync's cluster name, the directory as it runs"
expect 20 '{"register":"nscluster"}' \
	'{"publish":"QUORUM","id":"Quorum","state":"Quorate"}' \
	'{"publish":"NODE","id":"1","name":"node1","state":"Up"}' \
	'{"publish":"NODE","id":"2","name":"node2","state":"Up"}' \
	'{"publish":"NODE","id":"3","name":"node3","state":"Up"}' \
	'{"publish":"RESOURCE_TYPE","id":"ocf:pacemaker:Dummy"}' \
	'{"publish":"GROUP","id":"alpha","parent":"2","state":"Online"}' \
	'{"publish":"GROUP","id":"beta","parent":"3","state":"Online"}' \
	"{\"publish\":\"RESOURCE\",\"id\":\"alpha-a\",$A,\"state\":\"Online\"}" \
	"{\"publish\":\"RESOURCE\",\"id\":\"alpha-b\",$A,\"state\":\"Online\"}" \
	"{\"publish\":\"RESOURCE\",\"id\":\"beta-a\",$B,\"state\":\"Online\"}" \
	"{\"publish\":\"RESOURCE\",\"id\":\"beta-b\",$B,\"state\":\"Online\"}"
expect 5 '{"publish":"NETWORK","id":"link0","name":"Link 0","state":"Up"}' \
	'{"publish":"NETWORK_INTERFACE","id":"1-link0","parent":"1","name":"node1 - Link 0","state":"Up"}' \
	'{"publish":"NETWORK_INTERFACE","id":"2-link0","parent":"2","name":"node2 - Link 0","state":"Up"}' \
	'{"publish":"NETWORK_INTERFACE","id":"3-link0","parent":"3","name":"node3 - Link 0","state":"Up"}'
settle
none '"event"'
end

quiet_from=$(wc -l <"$out")

begin "permanent node attribute: node private property, registry value"
act node3 crm_attribute -N node2 -n rack -v r2
expect 20 "{$NP,\"id\":\"2\",\"name\":\"node2\",\"props\":{\"rack\":\"r2\"}}" \
	"{$RV,\"id\":\"Nodes\\\\2\",\"props\":{\"NodeName\":\"node2\",\"rack\":\"r2\"}}"
settle
none 'STATE_V2"'
end

begin "transient node attribute (attrd): node private property"
act node1 crm_attribute -N node3 -l reboot -n load -v 7
expect 20 "{$NP,\"id\":\"3\",\"name\":\"node3\",\"props\":{\"load\":\"7\"}}"
settle
none 'STATE_V2"'
end

begin "cluster option (crm_config): cluster private property, root key"
act node2 crm_attribute -n batch-limit -v 10
expect 20 "~{\"event\":\"CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2\",\"name\":\"nscluster\",\"props\":{	\"batch-limit\":\"10\"	\"stonith-enabled\":\"false\"" \
	"~{$RV,\"id\":\"\",\"props\":{	\"batch-limit\":\"10\""
settle
none 'STATE_V2"'
end

# Dummy's "fake" is reloadable: Pacemaker reloads or restarts beta-a,
# which may show as OnlinePending; it ends Online where it was.
begin "instance attribute: resource private property, Parameters value"
act node1 crm_resource -r beta-a -p fake -v 42
expect 20 "{\"event\":\"CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2\",\"id\":\"beta-a\",$B,\"props\":{\"fake\":\"42\"}}" \
	"{$RV,\"id\":\"Resources\\\\beta-a\\\\Parameters\",\"props\":{\"fake\":\"42\"}}"
settle
final RESOURCE beta-a Online
final RESOURCE beta-b Online
final GROUP beta Online 3
none "$GO"
none '"state":"Failed"'
end

begin "group meta attribute: group common property, registry value"
act node2 crm_resource -r alpha --meta -p priority -v 5
expect 20 "{\"event\":\"CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2\",\"id\":\"alpha\",\"parent\":\"2\",\"props\":{\"priority\":\"5\"}}" \
	"{$RV,\"id\":\"Groups\\\\alpha\",\"props\":{\"priority\":\"5\"}}"
settle
none 'STATE_V2"'
end

# The move's constraint has no event of its own; alpha's members stop on
# node2 and start on node1 (intermediate states vary), beta stays put.
begin "group move (crm_resource --move): owner node1, Online"
act node1 crm_resource --move -r alpha -N node1
expect 20 "{$GO,\"id\":\"alpha\",\"parent\":\"1\"}"
settle
final GROUP alpha Online 1
final RESOURCE alpha-a Online
final RESOURCE alpha-b Online
none '"id":"beta"'
none '"state":"Failed"'
end

begin "move cleared: alpha goes back to node2, its preference"
act node1 crm_resource --clear -r alpha
expect 20 "{$GO,\"id\":\"alpha\",\"parent\":\"2\"}"
settle
final GROUP alpha Online 2
none '"id":"beta"'
none '"state":"Failed"'
end

begin "standby of node3: Paused, beta fails over to node2"
act node2 crm_attribute -N node3 -n standby -v on
expect 20 "{$NS,\"id\":\"3\",\"name\":\"node3\",\"state\":\"Paused\"}" \
	"{$NP,\"id\":\"3\",\"name\":\"node3\",\"props\":{\"load\":\"7\",\"standby\":\"on\"}}" \
	"{$GO,\"id\":\"beta\",\"parent\":\"2\"}"
settle
final NODE 3 Paused
final GROUP beta Online 2
final RESOURCE beta-a Online
final RESOURCE beta-b Online
none '"id":"alpha"'
none '"state":"Failed"'
end

begin "standby off: node3 Up, beta back to node3"
act node2 crm_attribute -N node3 -n standby -v off
expect 20 "{$NS,\"id\":\"3\",\"name\":\"node3\",\"state\":\"Up\"}" \
	"{$GO,\"id\":\"beta\",\"parent\":\"3\"}"
settle
final NODE 3 Up
final GROUP beta Online 3
none '"id":"alpha"'
none '"state":"Failed"'
end

# alpha-b is monitored every second; without its state file (in node2's
# private /run) the monitor returns "not running", and Pacemaker stops and
# starts it in place (fail count 1, below the migration threshold). The
# failed state lasts only from the monitor's result to the stop's, some
# 50-100 ms, within the bridge's coalescing interval: the bridge takes a
# failure as a boundary of its coalescing, so alpha-b must go Failed,
# then come back Online, in place.
begin "monitor failure, recovered in place by Pacemaker"
act node2 rm /run/Dummy-alpha-b.state
expect 20 "{$RS,\"id\":\"alpha-b\",$A,\"state\":\"Failed\"}" \
	"{$RS,\"id\":\"alpha-b\",$A,\"state\":\"Online\"}" \
	"{$GS,\"id\":\"alpha\",\"parent\":\"2\",\"state\":\"Online\"}"
final RESOURCE alpha-b Online
final GROUP alpha Online 2
none "$GO"
none '"id":"beta"'
end

# beta-b's monitor has on-fail=block: Pacemaker leaves it failed, and
# the group with it, until an administrator cleans it up.
begin "monitor failure with on-fail=block: resource and group Failed"
act node3 rm /run/Dummy-beta-b.state
expect 20 "{$RS,\"id\":\"beta-b\",$B,\"state\":\"Failed\"}" \
	"{$GS,\"id\":\"beta\",\"parent\":\"3\",\"state\":\"Failed\"}"
settle
final RESOURCE beta-b Failed
final GROUP beta Failed 3
none "$GO"
none '"id":"alpha"'
end

# The cleanup forgets the failure; the probe finds beta-b stopped and
# Pacemaker starts it where it was.
begin "cleanup of the blocked failure: Online again, in place"
act node1 crm_resource --cleanup -r beta-b
expect 20 "{$RS,\"id\":\"beta-b\",$B,\"state\":\"Online\"}" \
	"{$GS,\"id\":\"beta\",\"parent\":\"3\",\"state\":\"Online\"}"
settle
final RESOURCE beta-b Online
final GROUP beta Online 3
none "$GO"
none '"id":"alpha"'
end

G='"parent":"gamma","type":"ocf:pacemaker:Dummy"'
begin "group added: registry keys, group and resource added, Online"
act node3 cibadmin -C -o resources -X \
	'<group id="gamma"><primitive id="gamma-a" class="ocf" provider="pacemaker" type="Dummy"/></group>'
expect 20 '{"publish":"REGISTRY","id":"Groups\\gamma","name":"gamma"}' \
	'{"publish":"REGISTRY","id":"Resources\\gamma-a","name":"gamma-a"}' \
	'~{"event":"CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2","id":"gamma"' \
	"{\"event\":\"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2\",\"id\":\"gamma-a\",$G}" \
	"{$RN,\"id\":\"Groups\\\\gamma\"}" \
	"{$RN,\"id\":\"Resources\\\\gamma-a\"}"
settle
# The group may be added before it starts (no owner yet, Offline), or
# started; either way placement balances: it ends on node1, which ran
# nothing.
final GROUP gamma Online 1
final RESOURCE gamma-a Online
none '"id":"alpha"'
none '"id":"beta"'
none '"state":"Failed"'
end

# Pacemaker stops the orphan; the bridge shows no orphans: deleted now.
begin "group deleted: resource and group deleted, keys removed"
act node3 cibadmin -D -o resources -X '<group id="gamma"/>'
expect 20 "{\"event\":\"CLUSTER_CHANGE_RESOURCE_DELETED_V2\",\"id\":\"gamma-a\",$G}" \
	'{"event":"CLUSTER_CHANGE_GROUP_DELETED_V2","id":"gamma"}' \
	"{$RN,\"id\":\"Groups\\\\gamma\"}" \
	"{$RN,\"id\":\"Resources\\\\gamma-a\"}" \
	'{"remove":"REGISTRY","id":"Resources\\gamma-a\\Parameters"}' \
	'{"remove":"REGISTRY","id":"Resources\\gamma-a"}' \
	'{"remove":"REGISTRY","id":"Groups\\gamma"}'
settle
none 'STATE_V2","id":"gamma'
none '"id":"alpha"'
none '"id":"beta"'
end

# No fencing here: node3 may keep running beta's Dummies (split brain);
# the cluster, and so the bridge, takes it as down once it is lost. Its
# knet link, polled by the bridge every 2 s, is seen down by node1 too:
# node3's interface Unreachable, the network Partitioned (in a batch of
# its own, so its order against the node's events varies).
begin "kill -9 of node3's corosync: node3 Down, beta fails over to node2"
# Nothing before touched Corosync: no network or interface changed.
sed -n "$((quiet_from + 1)),${mark}p" "$out" |
	grep -q '"event":"CLUSTER_CHANGE_NET' && why="$why
a network or interface changed before any node was lost"
killed=$(clock)
"$NSC" kill-corosync node3 || why="$why
kill-corosync failed"
expect 30 "{$NS,\"id\":\"3\",\"name\":\"node3\",\"state\":\"Down\"}" \
	"{$GO,\"id\":\"beta\",\"parent\":\"2\"}"
expect 10 "{$NW,\"id\":\"link0\",\"name\":\"Link 0\",\"state\":\"Partitioned\"}"
expect 10 "{$NI,\"id\":\"3-link0\",\"parent\":\"3\",\"name\":\"node3 - Link 0\",\"state\":\"Unreachable\"}"
settle
final NETWORK link0 Partitioned
final NETINTERFACE 1-link0 Up
final NETINTERFACE 2-link0 Up
final NODE 3 Down
final GROUP beta Online 2
final RESOURCE beta-a Online
final RESOURCE beta-b Online
none '"id":"alpha"'
none '"state":"Failed"'
none '"event":"CLUSTER_CHANGE_QUORUM_STATE_V2"'
end
lost_after node3 "$killed"

# node1 alone: 1 vote of 3. With the default no-quorum-policy (stop) it
# runs nothing; alpha and beta were on node2 and keep it as last owner.
# The quorum and the node's state come in one batch or in two, in either
# order (the controller records them separately): two expectations.
begin "kill -9 of node2's corosync: quorum lost, node2 Down, all Offline"
killed=$(clock)
"$NSC" kill-corosync node2 || why="$why
kill-corosync failed"
expect 30 '{"event":"CLUSTER_CHANGE_QUORUM_STATE_V2","id":"Quorum","state":"Lost"}'
expect 10 "{$NS,\"id\":\"2\",\"name\":\"node2\",\"state\":\"Down\"}"
expect 10 "{$NI,\"id\":\"2-link0\",\"parent\":\"2\",\"name\":\"node2 - Link 0\",\"state\":\"Unreachable\"}"
settle
final NETWORK link0 Partitioned
final NETINTERFACE 1-link0 Up
final NODE 2 Down
final NODE 1 Up
final RESOURCE alpha-a Offline
final RESOURCE alpha-b Offline
final RESOURCE beta-a Offline
final RESOURCE beta-b Offline
final GROUP alpha Offline 2
final GROUP beta Offline 2
none "$GO"
none '"state":"Online"'
none '"state":"Failed"'
end
lost_after node2 "$killed"

begin "the bridge ran without errors on stderr"
[ -s "$work/err" ] && why="$why
stderr: $(head -c 500 "$work/err")"
end

begin "the bridge stops on SIGTERM, its cluster going down"
kill -TERM "$bridge"
wait "$bridge"
rc=$?
[ "$rc" = 0 ] || why="$why
exit status $rc"
expect 5 '{"down":"nscluster"}'
end

[ "$failed" = 0 ] || {
	echo "# node1's pacemaker.log, last lines:"
	tail -n 15 "$NSC_DIR/node1/pacemaker.log" | sed 's/^/#   /'
}
exit "$failed"
