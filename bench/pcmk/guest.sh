#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of bench/pcmk-run (issue 9), run inside
# `scripts/vm-run --rootfs` (Debian with Pacemaker, the module loaded):
# how long a Pacemaker change takes to reach a clusnotify consumer, against
# how long it takes to reach an administrator's crm_mon, and what the
# bridge's CPU costs per event.
#
# One boot: a one-node Corosync + Pacemaker (tests/vm/pcmk_cluster.sh) with
# one Dummy resource; the bridge posting (clusnotify-pacemaker, its default
# coalescing of 100 ms); and three followers of the same changes, all
# stamping CLOCK_MONOTONIC:
#
#   bridge   pcmk-consumer, GetClusterNotifyV2(INFINITE) on a V2 port
#   crm_mon  crm_mon as its help suggests for following a cluster:
#            --daemonize --output-as html --output-to FILE (default -i 5 s),
#            with --inactive and --show-node-attributes, so that a
#            stopped resource and node attributes are shown; pcmk-tool follows the file by
#            inotify and stamps each complete new version
#   cib      pcmk-cibwatch, the bare libcib diff notification (what both
#            of the others are woken by), with the CIB's state after it
#
# Then CHANGES changes, in turn: stop and start of the resource
# (crm_resource --meta target-role) and a permanent node attribute
# (crm_attribute), each run under pcmk-tool stamp. A change is seen by a
# follower when it first shows the change's outcome after the command was
# issued: the resource Offline/Online (bridge), Stopped/Started (crm_mon),
# its stop/start operation recorded as done (cib); the attribute's new
# value (crm_mon, cib) or the node's PRIVATE_PROPERTY event (bridge). The
# next change starts once all three have seen it and everything settled,
# so changes never overlap.
#
#   guest.sh DIR CHANGES [SETTLE [IDLE]]
#
# DIR holds clusnotify-pacemaker, clusnotify, pcmk-consumer, pcmk-tool,
# pcmk-cibwatch and pcmk_cluster.sh. SETTLE: seconds of quiet between
# changes (default 6: longer than crm_mon's 5 s interval, within which it
# delays a refresh). IDLE: seconds the bridge's CPU is measured with
# nothing changing, before the changes (default 10). Prints "### info
# pcmk-..." lines, "### pcmk idle ...", one "### pcmk change ..." line per
# change and one "### pcmk cpu ..." line (bench/pcmk/summary
# reads them), and "### result pass|fail bench-pcmk". Every time printed is
# CLOCK_MONOTONIC in seconds; "-" where a follower never saw a change.
set -u
dir=${1:?usage: guest.sh DIR CHANGES [SETTLE [IDLE]]}
changes=${2:?usage: guest.sh DIR CHANGES [SETTLE [IDLE]]}
settle=${3:-6}
idle=${4:-10}
bridge=$dir/clusnotify-pacemaker
cli=$dir/clusnotify
tool=$dir/pcmk-tool
name=bench
rsc=dummy1
node=clusnotify-vm
work=/tmp/pcmkbench
pids=()
mkdir -p "$work/mon"

cleanup() {
	local p
	[ -s "$work/crm_mon.pid" ] && kill "$(cat "$work/crm_mon.pid")" 2>/dev/null
	for p in "${pids[@]+"${pids[@]}"}"; do
		kill "$p" 2>/dev/null
	done
}
trap cleanup EXIT
fail() {
	echo "### result fail bench-pcmk ($1)"
	for f in corosync.log pacemaker.log bridge.err consumer.err cibwatch.err mon.err; do
		[ -s "$work/$f" ] || continue
		echo "# --- $f, last lines:"
		tail -n 8 "$work/$f" | sed 's/^/#   /'
	done
	exit 1
}
mon1() { crm_mon -1 --output-as=xml 2>/dev/null; }
node_online() { mon1 | grep -q "<node name=\"$node\" [^>]*online=\"true\""; }
rsc_started() { mon1 | grep -q "<resource id=\"$rsc\" [^>]*role=\"Started\""; }
registered() { "$cli" clusters 2>/dev/null | awk -v n="$name" '$NF == n { f = 1 } END { exit !f }'; }
# ticks PID: utime stime cutime cstime (clock ticks) of a process; the
# children's are those it waited for (the bridge's crm_mon runs).
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12, $13, $14, $15 }'; }

for c in corosync pacemakerd crm_mon crm_resource crm_attribute "$bridge" \
	"$cli" "$tool" "$dir/pcmk-consumer" "$dir/pcmk-cibwatch"; do
	command -v "$c" >/dev/null || fail "$c missing in the VM"
done
[ -c /dev/clusnotify ] || fail "the module is not loaded"

echo "### info pcmk-guest-kernel $(uname -r)"
echo "### info pcmk-pacemaker $(crm_mon --version | head -n 1)"
echo "### info pcmk-corosync $(corosync -v | head -n 1)"
echo "### info pcmk-guest-cpus $(nproc)"

# shellcheck source=tests/vm/pcmk_cluster.sh
. "$dir/pcmk_cluster.sh"
pcmk_cluster_setup
t0=$(cut -d' ' -f1 /proc/uptime)
pcmk_cluster_start || fail "Corosync did not answer within 90 s"
pids+=("$pcmk_corosync_pid" "$pcmk_pacemakerd_pid")
until_ok 120 node_online || fail "the node never came online"
until_ok 60 rsc_started || fail "$rsc never started"
echo "### info pcmk-cluster-up $(awk -v t="$t0" '{ printf "%.0f", $1 - t }' /proc/uptime) s from start to $rsc Started"

"$bridge" --retry-ms 500 >"$work/bridge.out" 2>"$work/bridge.err" &
bpid=$!
pids+=("$bpid")
until_ok 60 registered || fail "the bridge did not register"
echo "### info pcmk-bridge clusnotify-pacemaker, default coalescing (100 ms), posting"

"$dir/pcmk-consumer" "$name" >"$work/consumer.out" 2>"$work/consumer.err" &
pids+=("$!")
until_ok 30 grep -q ready "$work/consumer.err" || fail "pcmk-consumer did not start"

op="//lrm_rsc_op[@id='${rsc}_last_0']"
"$dir/pcmk-cibwatch" \
	"op=concat($op/@operation_key,'/',$op/@op-status,'/',$op/@rc-code)" \
	"attr=string(//node[@uname='$node']/instance_attributes/nvpair[@name='bench-attr']/@value)" \
	>"$work/cib.out" 2>"$work/cibwatch.err" &
pids+=("$!")
until_ok 30 grep -q ready "$work/cibwatch.err" || fail "pcmk-cibwatch did not start"

"$tool" inotify "$work/mon.html" "$work/mon" >"$work/mon.out" 2>"$work/inotify.err" &
pids+=("$!")
until_ok 10 grep -q following "$work/inotify.err" || fail "pcmk-tool inotify did not start"
# --inactive: otherwise a stopped resource is only absent from the page.
crm_mon --daemonize --pid-file="$work/crm_mon.pid" --output-as=html \
	--output-to="$work/mon.html" --inactive --show-node-attributes \
	>"$work/mon.err" 2>&1 || fail "crm_mon --daemonize failed"
until_ok 60 grep -q '^upd' "$work/mon.out" || fail "crm_mon wrote no page"
until_ok 10 test -s "$work/crm_mon.pid" || fail "crm_mon wrote no pid file"
# crm_mon pads the pid with blanks.
mpid=$(tr -dc '0-9' <"$work/crm_mon.pid")
echo "### info pcmk-crm_mon crm_mon --daemonize --output-as=html --output-to=FILE --inactive --show-node-attributes (interval 5 s), inotify on FILE"
# The bridge's cost with nothing changing (it polls Corosync's links).
i0=$(ticks "$bpid")
t_i0=$("$tool" now)
sleep "$idle"
t_i1=$("$tool" now)
i1=$(ticks "$bpid")
echo "### pcmk idle $(echo "$t_i0 $t_i1 $i0 $i1" | awk -v hz="$(getconf CLK_TCK)" '{
	printf "%.3f %.3f %.3f", $2 - $1, ($7 + $8 - $3 - $4) / hz,
		($9 + $10 - $5 - $6) / hz }')"

# first_rec T TYPE KIND NAME [STATE]: the first record at or after T.
first_rec() {
	awk -v t="$1" -v ty="$2" -v k="$3" -v n="$4" -v s="${5:-}" '
	$1 == "rec" && $2 >= t && $4 == ty && $5 == k && $6 == n &&
	(s == "" || $7 == s) { print $2; f = 1; exit } END { exit !f }' \
		"$work/consumer.out"
}
# first_cib T NAME=VALUE: the first notification after which it holds.
first_cib() {
	awk -v t="$1" -v want="$2" '$1 == "cib" && $2 >= t {
		for (i = 4; i <= NF; i++) if ($i == want) { print $2; f = 1; exit }
	} END { exit !f }' "$work/cib.out"
}
# first_mon T ERE: the first page crm_mon wrote at or after T showing it.
first_mon() {
	local ts n
	while read -r _ ts n; do
		awk -v a="$ts" -v b="$1" 'BEGIN { exit !(a >= b) }' || continue
		if tr -d '\n' <"$work/mon/$n.html" | grep -Eq -- "$2"; then
			echo "$ts"
			return 0
		fi
	done <"$work/mon.out"
	return 1
}
seen_all() {
	first_rec "$t_issued" "${want_rec[@]}" >/dev/null &&
		first_cib "$t_issued" "$want_cib" >/dev/null &&
		first_mon "$t_issued" "$want_mon" >/dev/null
}

c0=$(ticks "$bpid")
m0=$(ticks "$mpid")
w0=$("$tool" now)
recs0=$(wc -l <"$work/consumer.out")
upds0=$(wc -l <"$work/mon.out")
missing=0
for k in $(seq 1 "$changes"); do
	case $((k % 3)) in
	1)	kind=stop
		cmd=(crm_resource --resource "$rsc" --meta --set-parameter target-role --parameter-value Stopped)
		want_rec=(RESOURCE STATE "$rsc" Offline)
		want_cib="op=${rsc}_stop_0/0/0"
		want_mon="${rsc}[^<]*Stopped" ;;
	2)	kind=start
		cmd=(crm_resource --resource "$rsc" --meta --set-parameter target-role --parameter-value Started)
		want_rec=(RESOURCE STATE "$rsc" Online)
		want_cib="op=${rsc}_start_0/0/0"
		want_mon="${rsc}[^<]*Started" ;;
	0)	kind=attr
		val="v${k}x$RANDOM"
		cmd=(crm_attribute --node "$node" --name bench-attr --update "$val")
		want_rec=(NODE PRIVATE_PROPERTY "$node")
		want_cib="attr=$val"
		want_mon="bench-attr[^<]*$val" ;;
	esac
	: >"$work/stamp"
	"$tool" stamp "$work/stamp" -- "${cmd[@]}" >"$work/cmd.out" 2>&1
	read -r t_issued t_returned st <"$work/stamp"
	[ "$st" = 0 ] || { cat "$work/cmd.out"; fail "change $k ($kind): ${cmd[*]} exited $st"; }
	until_ok 60 seen_all
	t_cib=$(first_cib "$t_issued" "$want_cib") || t_cib=-
	t_mon=$(first_mon "$t_issued" "$want_mon") || t_mon=-
	t_rec=$(first_rec "$t_issued" "${want_rec[@]}") || t_rec=-
	case "$t_cib $t_mon $t_rec" in *-*) missing=$((missing + 1)) ;; esac
	if [ "$t_mon" = - ]; then
		echo "# crm_mon's last page, where it names $rsc or bench-attr:"
		n=$(awk 'END { print $3 }' "$work/mon.out")
		grep -E "$rsc|bench-attr" "$work/mon/$n.html" | head -n 8 | sed 's/^/#   /'
	fi
	echo "### pcmk change $k $kind $t_issued $t_returned $t_cib $t_mon $t_rec"
	sleep "$settle"
done
w1=$("$tool" now)
c1=$(ticks "$bpid")
m1=$(ticks "$mpid")
events=$(awk -v a="$w0" -v b="$w1" '$1 == "rec" && $2 >= a && $2 <= b' "$work/consumer.out" | wc -l)
updates=$(awk -v a="$w0" -v b="$w1" '$1 == "upd" && $2 >= a && $2 <= b' "$work/mon.out" | wc -l)
# window bridge(self children) crm_mon(self children) in seconds, events
# the consumer got, pages crm_mon wrote, changes.
echo "### pcmk cpu $(echo "$w0 $w1 $c0 $c1 $m0 $m1" | awk -v hz="$(getconf CLK_TCK)" '{
	printf "%.3f %.3f %.3f %.3f %.3f", $2 - $1,
		($7 + $8 - $3 - $4) / hz, ($9 + $10 - $5 - $6) / hz,
		($15 + $16 - $11 - $12) / hz, ($17 + $18 - $13 - $14) / hz }') $events $updates $changes"
echo "# the consumer's records in the window ($((events)) of $(wc -l <"$work/consumer.out")), crm_mon pages ($updates of $(wc -l <"$work/mon.out")), from $recs0 and $upds0"
tail -n "+$((recs0 + 1))" "$work/consumer.out" | head -n 60 | sed 's/^/#   /'
echo "# the CIB notifications:"
sed 's/^/#   /' "$work/cib.out" | tail -n 60
kill -0 "$bpid" 2>/dev/null || fail "the bridge died"
[ "$missing" -eq 0 ] || fail "$missing of $changes changes not seen by every follower within 60 s"
echo "### result pass bench-pcmk"
