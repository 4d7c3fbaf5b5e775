#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clusnotify-pacemaker's mapping and differ against real Pacemaker, no
# daemons: crm_simulate moves a three-node cluster from one state to the
# next (nodes up, down, failed; injected operation failures; quorum),
# crm_attribute, crm_resource and cibadmin edit its configuration, and
# each step's exact event sequence (--dry-run --diff OLD NEW) is checked.
# TAP output; $1 is the top of the repository.
top=$(cd "${1:-.}" && pwd)
# Never a closed stdin: Pacemaker's CIB file writer takes descriptor 0,
# if free, for an error (it asserts fd > 0) and loses the write.
exec </dev/null
bin=$top/build/bridge/clusnotify-pacemaker
fixture=$top/tests/host/bridge/three-nodes.xml
n=0
fails=0

echo "TAP version 13"
if ! command -v crm_simulate >/dev/null 2>&1 ||
   ! command -v crm_mon >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 - bridge mapping # SKIP crm_simulate/crm_mon missing (scripts/install-deps)"
	exit 0
fi
echo "1..24"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}

# sim IN OUT crm_simulate-args...: run the transition and save the result.
sim() {
	in=$1 out=$2
	shift 2
	if ! crm_simulate -x "$in" "$@" -S -O "$out" >sim.log 2>&1; then
		echo "# crm_simulate $* on $in failed:"
		tail -n 5 sim.log | sed 's/^/#   /'
		return 1
	fi
}

# edit IN OUT command...: run a CLI tool on a copy of IN (CIB_file).
edit() {
	in=$1 out=$2
	shift 2
	cp "$in" "$out" && CIB_file=$out "$@" >edit.log 2>&1 || {
		echo "# $* failed:"
		sed 's/^/#   /' edit.log
		return 1
	}
}

# expect NAME OLD NEW... <<EOF: the changes from OLD to NEW (and on to
# the next, if more) are exactly EOF.
expect() {
	name=$1
	shift
	cat >expected
	if ! "$bin" --dry-run --diff "$@" >actual 2>err; then
		echo "# clusnotify-pacemaker failed:"
		sed 's/^/#   /' err
		result 1 "$name"
		return
	fi
	if cmp -s expected actual; then
		result 0 "$name"
	else
		echo "# expected (-) vs produced (+):"
		diff -u expected actual | tail -n +3 | sed 's/^/#   /'
		result 1 "$name"
	fi
}

# A pending operation, as the controller records it before it returns:
# pending NODE OPID TASK CIB (edited in place).
pending() {
	CIB_file=$4 cibadmin -M --xpath "//node_state[@uname='$1']//lrm_rsc_op[@id='$2']" \
		-X "<lrm_rsc_op id=\"$2\" operation_key=\"${2%_last_0}_$3_0\" operation=\"$3\" op-status=\"-1\" rc-code=\"193\" call-id=\"90\" transition-key=\"90:-1:0:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\" transition-magic=\"-1:193;90:-1:0:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"/>" \
		>edit.log 2>&1
}

cp "$fixture" s0.xml

# 1. The directory of a cluster where nothing runs yet.
"$bin" --dry-run --cib-file s0.xml >actual 2>err
cat >expected <<'EOF'
{"register":"testclu"}
{"publish":"QUORUM","id":"Quorum","state":"Lost"}
{"publish":"NODE","id":"1","name":"node1","state":"Down"}
{"publish":"NODE","id":"2","name":"node2","state":"Down"}
{"publish":"NODE","id":"3","name":"node3","state":"Down"}
{"publish":"RESOURCE_TYPE","id":"ocf:heartbeat:Dummy"}
{"publish":"RESOURCE_TYPE","id":"ocf:pacemaker:Dummy"}
{"publish":"RESOURCE_TYPE","id":"ocf:pacemaker:Stateful"}
{"publish":"GROUP","id":"ping-clone","state":"Offline"}
{"publish":"GROUP","id":"solo","state":"Offline"}
{"publish":"GROUP","id":"web","state":"Offline"}
{"publish":"RESOURCE","id":"ping","parent":"ping-clone","type":"ocf:pacemaker:Stateful","state":"Offline"}
{"publish":"RESOURCE","id":"solo","parent":"solo","type":"ocf:heartbeat:Dummy","state":"Offline"}
{"publish":"RESOURCE","id":"web-ip","parent":"web","type":"ocf:pacemaker:Dummy","state":"Offline"}
{"publish":"RESOURCE","id":"web-srv","parent":"web","type":"ocf:pacemaker:Dummy","state":"Offline"}
{"publish":"REGISTRY","id":"Groups","name":"Groups"}
{"publish":"REGISTRY","id":"Groups\\ping-clone","name":"ping-clone"}
{"publish":"REGISTRY","id":"Groups\\solo","name":"solo"}
{"publish":"REGISTRY","id":"Groups\\web","name":"web"}
{"publish":"REGISTRY","id":"Nodes","name":"Nodes"}
{"publish":"REGISTRY","id":"Nodes\\1","name":"1"}
{"publish":"REGISTRY","id":"Nodes\\2","name":"2"}
{"publish":"REGISTRY","id":"Nodes\\3","name":"3"}
{"publish":"REGISTRY","id":"ResourceTypes","name":"ResourceTypes"}
{"publish":"REGISTRY","id":"ResourceTypes\\ocf:heartbeat:Dummy","name":"ocf:heartbeat:Dummy"}
{"publish":"REGISTRY","id":"ResourceTypes\\ocf:pacemaker:Dummy","name":"ocf:pacemaker:Dummy"}
{"publish":"REGISTRY","id":"ResourceTypes\\ocf:pacemaker:Stateful","name":"ocf:pacemaker:Stateful"}
{"publish":"REGISTRY","id":"Resources","name":"Resources"}
{"publish":"REGISTRY","id":"Resources\\ping","name":"ping"}
{"publish":"REGISTRY","id":"Resources\\ping\\Parameters","name":"Parameters"}
{"publish":"REGISTRY","id":"Resources\\solo","name":"solo"}
{"publish":"REGISTRY","id":"Resources\\solo\\Parameters","name":"Parameters"}
{"publish":"REGISTRY","id":"Resources\\web-ip","name":"web-ip"}
{"publish":"REGISTRY","id":"Resources\\web-ip\\Parameters","name":"Parameters"}
{"publish":"REGISTRY","id":"Resources\\web-srv","name":"web-srv"}
{"publish":"REGISTRY","id":"Resources\\web-srv\\Parameters","name":"Parameters"}
EOF
if cmp -s expected actual; then
	result 0 "directory of a stopped cluster"
else
	diff -u expected actual | tail -n +3 | sed 's/^/#   /'
	sed 's/^/#   /' err
	result 1 "directory of a stopped cluster"
fi

# 2. Three nodes join with quorum; everything starts.
sim s0.xml s1.xml -u node1 -u node2 -u node3 -q true
expect "nodes join, resources start" s0.xml s1.xml <<'EOF'
{"event":"CLUSTER_CHANGE_QUORUM_STATE_V2","id":"Quorum","state":"Quorate"}
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"1","name":"node1","state":"Up"}
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"2","name":"node2","state":"Up"}
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"3","name":"node3","state":"Up"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"ping","parent":"ping-clone","type":"ocf:pacemaker:Stateful","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"solo","parent":"solo","type":"ocf:heartbeat:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-ip","parent":"web","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-srv","parent":"web","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"solo","parent":"2"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"solo","parent":"2","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"web","parent":"1"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Online"}
EOF

# 3. The same snapshot twice: nothing to say.
expect "no change, no event" s1.xml s1.xml </dev/null

# 4. node1 fails: web fails over to node2, the clone runs on two of three.
sim s1.xml s2.xml -f node1
expect "node fails, its group fails over" s1.xml s2.xml <<'EOF'
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"1","name":"node1","state":"Down"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"PartialOnline"}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"web","parent":"2"}
EOF

# 5. node1 comes back; web (no stickiness) goes home.
sim s2.xml s3.xml -u node1
expect "node rejoins, group moves back" s2.xml s3.xml <<'EOF'
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"1","name":"node1","state":"Up"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"web","parent":"1"}
EOF

# 6. A monitor finds web-srv not running: failed, before recovery.
crm_simulate -x s3.xml -i web-srv_monitor_10000@node1=7 -O s4.xml >sim.log 2>&1
expect "monitor failure: resource and group Failed" s3.xml s4.xml <<'EOF'
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-srv","parent":"web","type":"ocf:pacemaker:Dummy","state":"Failed"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Failed"}
EOF

# 7. The transition recovers it in place (fail-count is not a property).
sim s4.xml s5.xml
expect "recovery: Online again, in place" s4.xml s5.xml <<'EOF'
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-srv","parent":"web","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Online"}
EOF

# 8. A stop under way (recorded pending): OfflinePending, group Pending.
cp s5.xml p1.xml && pending node2 solo_last_0 stop p1.xml
expect "pending stop: OfflinePending" s5.xml p1.xml <<'EOF'
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"solo","parent":"solo","type":"ocf:heartbeat:Dummy","state":"OfflinePending"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"solo","parent":"2","state":"Pending"}
EOF

# 9. A start under way: OnlinePending.
cp s5.xml p2.xml && pending node1 web-ip_last_0 start p2.xml
expect "pending start: OnlinePending" s5.xml p2.xml <<'EOF'
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-ip","parent":"web","type":"ocf:pacemaker:Dummy","state":"OnlinePending"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Pending"}
EOF

# 10. node2 in standby: Paused, solo drains to node3; the attribute shows.
edit s5.xml s6a.xml crm_attribute -N node2 -n standby -v on
sim s6a.xml s6.xml
expect "standby: node Paused, its group moves" s5.xml s6.xml <<'EOF'
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"2","name":"node2","state":"Paused"}
{"event":"CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2","id":"2","name":"node2","props":{"standby":"on"}}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"PartialOnline"}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"solo","parent":"3"}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Nodes\\2","props":{"NodeName":"node2","standby":"on"}}
EOF

# 11. A group is added, with a new resource type.
edit s6.xml s7a.xml cibadmin -C -o resources -X '<group id="db"><primitive id="db-vip" class="ocf" provider="heartbeat" type="IPaddr2"><instance_attributes id="db-vip-ia"><nvpair id="db-vip-ip" name="ip" value="192.0.2.10"/></instance_attributes></primitive><primitive id="db-srv" class="ocf" provider="pacemaker" type="Dummy"/></group>'
sim s7a.xml s7.xml
expect "group added" s6.xml s7.xml <<'EOF'
{"publish":"REGISTRY","id":"Groups\\db","name":"db"}
{"publish":"REGISTRY","id":"ResourceTypes\\ocf:heartbeat:IPaddr2","name":"ocf:heartbeat:IPaddr2"}
{"publish":"REGISTRY","id":"Resources\\db-srv","name":"db-srv"}
{"publish":"REGISTRY","id":"Resources\\db-srv\\Parameters","name":"Parameters"}
{"publish":"REGISTRY","id":"Resources\\db-vip","name":"db-vip"}
{"publish":"REGISTRY","id":"Resources\\db-vip\\Parameters","name":"Parameters"}
{"event":"CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2","id":"ocf:heartbeat:IPaddr2","name":"ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2","id":"db","parent":"3"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"db","parent":"3","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"db-srv","parent":"db","type":"ocf:pacemaker:Dummy"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"db-srv","parent":"db","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"db-vip","parent":"db","type":"ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"db-vip","parent":"db","type":"ocf:heartbeat:IPaddr2","state":"Online"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Groups\\db"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"ResourceTypes\\ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-srv"}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Resources\\db-srv","props":{"Group":"db","Type":"ocf:pacemaker:Dummy"}}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-srv\\Parameters"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-vip"}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Resources\\db-vip","props":{"Group":"db","Type":"ocf:heartbeat:IPaddr2"}}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-vip\\Parameters"}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Resources\\db-vip\\Parameters","props":{"ip":"192.0.2.10"}}
EOF

# 12. An instance attribute and a group meta attribute change.
edit s7.xml s8a.xml crm_resource -r db-vip -p ip -v 192.0.2.11
CIB_file=s8a.xml crm_resource -r db --meta -p resource-stickiness -v 50 >edit.log 2>&1
sim s8a.xml s8.xml
expect "instance and meta attributes: property events" s7.xml s8.xml <<'EOF'
{"event":"CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2","id":"db-vip","parent":"db","type":"ocf:heartbeat:IPaddr2","props":{"ip":"192.0.2.11"}}
{"event":"CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2","id":"db","parent":"3","props":{"resource-stickiness":"50"}}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Groups\\db","props":{"resource-stickiness":"50"}}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Resources\\db-vip\\Parameters","props":{"ip":"192.0.2.11"}}
EOF

# 13. The group is deleted (Pacemaker stops it; orphans are not shown).
edit s8.xml s9a.xml cibadmin -D -o resources -X '<group id="db"/>'
sim s9a.xml s9.xml
expect "group deleted" s8.xml s9.xml <<'EOF'
{"event":"CLUSTER_CHANGE_RESOURCE_DELETED_V2","id":"db-srv","parent":"db","type":"ocf:pacemaker:Dummy"}
{"event":"CLUSTER_CHANGE_RESOURCE_DELETED_V2","id":"db-vip","parent":"db","type":"ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_GROUP_DELETED_V2","id":"db"}
{"event":"CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2","id":"ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Groups\\db"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"ResourceTypes\\ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-srv"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-srv\\Parameters"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-vip"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Resources\\db-vip\\Parameters"}
{"remove":"REGISTRY","id":"Resources\\db-vip\\Parameters"}
{"remove":"REGISTRY","id":"Resources\\db-vip"}
{"remove":"REGISTRY","id":"Resources\\db-srv\\Parameters"}
{"remove":"REGISTRY","id":"Resources\\db-srv"}
{"remove":"REGISTRY","id":"ResourceTypes\\ocf:heartbeat:IPaddr2"}
{"remove":"REGISTRY","id":"Groups\\db"}
EOF

# 14. Quorum lost (no-quorum-policy=stop): everything stops where it was;
# quorum back: it starts again where it was, no owner changes.
# crm_simulate -q does not change a have-quorum already there: cibadmin.
edit s9.xml s10a.xml cibadmin --modify --xml-text '<cib have-quorum="0"/>'
sim s10a.xml s10.xml
edit s10.xml s11a.xml cibadmin --modify --xml-text '<cib have-quorum="1"/>'
sim s11a.xml s11.xml
expect "quorum lost then regained: resources stop, start in place" \
	s9.xml s10.xml s11.xml <<'EOF'
{"event":"CLUSTER_CHANGE_QUORUM_STATE_V2","id":"Quorum","state":"Lost"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"ping","parent":"ping-clone","type":"ocf:pacemaker:Stateful","state":"Offline"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"solo","parent":"solo","type":"ocf:heartbeat:Dummy","state":"Offline"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-ip","parent":"web","type":"ocf:pacemaker:Dummy","state":"Offline"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-srv","parent":"web","type":"ocf:pacemaker:Dummy","state":"Offline"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"Offline"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"solo","parent":"3","state":"Offline"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Offline"}
{"event":"CLUSTER_CHANGE_QUORUM_STATE_V2","id":"Quorum","state":"Quorate"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"ping","parent":"ping-clone","type":"ocf:pacemaker:Stateful","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"solo","parent":"solo","type":"ocf:heartbeat:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-ip","parent":"web","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-srv","parent":"web","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"PartialOnline"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"solo","parent":"3","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Online"}
EOF

# 15. In a lone diff from a stopped cluster the owners are not known: the
# start names them (the daemon and a chain carry them, see test 14).
expect "a lone diff from a stopped cluster announces owners" \
	s10.xml s11.xml <<'EOF'
{"event":"CLUSTER_CHANGE_QUORUM_STATE_V2","id":"Quorum","state":"Quorate"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"ping","parent":"ping-clone","type":"ocf:pacemaker:Stateful","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"solo","parent":"solo","type":"ocf:heartbeat:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-ip","parent":"web","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"web-srv","parent":"web","type":"ocf:pacemaker:Dummy","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"PartialOnline"}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"solo","parent":"3"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"solo","parent":"3","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"web","parent":"1"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"web","parent":"1","state":"Online"}
EOF

# 16. crm_resource --move (a constraint: no event of its own) and a
# crm_config change (the cluster's private properties, the root key); the
# controller's last-lrm-refresh, written on every cleanup, is bookkeeping.
edit s11.xml s12a.xml crm_resource --move -r web -N node3
CIB_file=s12a.xml crm_attribute -n batch-limit -v 10 >edit.log 2>&1
CIB_file=s12a.xml crm_attribute -n last-lrm-refresh -v 1795509598 >edit.log 2>&1
sim s12a.xml s12.xml
expect "move and crm_config change" s11.xml s12.xml <<'EOF'
{"event":"CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2","name":"testclu","props":{"batch-limit":"10","cluster-name":"testclu","stonith-enabled":"false"}}
{"event":"CLUSTER_CHANGE_GROUP_OWNER_NODE_V2","id":"web","parent":"3"}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"","props":{"batch-limit":"10","cluster-name":"testclu","stonith-enabled":"false"}}
EOF

# 17. Maintenance pauses node3; a stop asked there is not carried out.
edit s12.xml s13a.xml crm_attribute -N node3 -n maintenance -v on
CIB_file=s13a.xml crm_resource -r solo --meta -p target-role -v Stopped >edit.log 2>&1
sim s13a.xml s13.xml
expect "maintenance: node Paused, resources unmanaged" s12.xml s13.xml <<'EOF'
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"3","name":"node3","state":"Paused"}
{"event":"CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2","id":"3","name":"node3","props":{"maintenance":"on"}}
{"event":"CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2","id":"solo","parent":"solo","type":"ocf:heartbeat:Dummy","props":{"resource-stickiness":"100","target-role":"Stopped"}}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Nodes\\3","props":{"NodeName":"node3","maintenance":"on"}}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Resources\\solo","props":{"Group":"solo","Type":"ocf:heartbeat:Dummy","resource-stickiness":"100","target-role":"Stopped"}}
EOF

# 18. An ungrouped primitive put into a group: its own group goes away.
edit s5.xml s14a.xml cibadmin -D -o resources -X '<primitive id="solo"/>'
CIB_file=s14a.xml cibadmin -C -o resources -X '<group id="pair"><primitive id="solo" class="ocf" provider="heartbeat" type="Dummy"/></group>' >edit.log 2>&1
sim s14a.xml s14.xml
expect "primitive moves into a group" s5.xml s14.xml <<'EOF'
{"publish":"REGISTRY","id":"Groups\\pair","name":"pair"}
{"event":"CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2","id":"pair","parent":"2"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"pair","parent":"2","state":"Online"}
{"event":"CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2","id":"solo","parent":"pair","type":"ocf:heartbeat:Dummy"}
{"event":"CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2","id":"solo","parent":"pair","type":"ocf:heartbeat:Dummy","props":{}}
{"event":"CLUSTER_CHANGE_GROUP_DELETED_V2","id":"solo"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Groups\\pair"}
{"event":"CLUSTER_CHANGE_REGISTRY_VALUE_V2","id":"Resources\\solo","props":{"Group":"pair","Type":"ocf:heartbeat:Dummy"}}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Groups\\solo"}
{"remove":"REGISTRY","id":"Groups\\solo"}
EOF

# 19. A node removed from the configuration (crm_node -R's effect).
edit s13.xml s15.xml cibadmin -D -o nodes -X '<node id="2"/>'
CIB_file=s15.xml cibadmin -D -o status -X '<node_state id="2"/>' >edit.log 2>&1
expect "node deleted (the clone now needs two instances)" s13.xml s15.xml <<'EOF'
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ping-clone","state":"Online"}
{"event":"CLUSTER_CHANGE_NODE_DELETED_V2","id":"2","name":"node2"}
{"event":"CLUSTER_CHANGE_REGISTRY_NAME_V2","id":"Nodes\\2"}
{"remove":"REGISTRY","id":"Nodes\\2"}
EOF

# 20. A promotable clone and a bundle are added: one group each, with no
# owner node; the bundle's guest nodes are nodes. (Registry lines, 60 of
# them, are left out here: the other steps check the layout.)
edit s5.xml b0.xml cibadmin -C -o resources -X '<clone id="ms"><meta_attributes id="ms-m"><nvpair id="ms-p" name="promotable" value="true"/><nvpair id="ms-cm" name="clone-max" value="2"/></meta_attributes><primitive id="st" class="ocf" provider="pacemaker" type="Stateful"/></clone>'
CIB_file=b0.xml cibadmin -C -o resources -X '<bundle id="httpd-bundle"><docker image="pcmk:http" replicas="2"/><network ip-range-start="192.0.2.100" host-interface="eth0" host-netmask="24"/><primitive id="httpd" class="ocf" provider="heartbeat" type="apache"/></bundle>' >edit.log 2>&1
sim b0.xml b1.xml
cat >expected <<'EOF'
{"event":"CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2","id":"httpd-bundle-0","name":"httpd-bundle-0"}
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"httpd-bundle-0","name":"httpd-bundle-0","state":"Up"}
{"event":"CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2","id":"httpd-bundle-1","name":"httpd-bundle-1"}
{"event":"CLUSTER_CHANGE_NODE_STATE_V2","id":"httpd-bundle-1","name":"httpd-bundle-1","state":"Up"}
{"event":"CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2","id":"ocf:heartbeat:IPaddr2","name":"ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2","id":"ocf:heartbeat:apache","name":"ocf:heartbeat:apache"}
{"event":"CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2","id":"ocf:heartbeat:docker","name":"ocf:heartbeat:docker"}
{"event":"CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2","id":"ocf:pacemaker:remote","name":"ocf:pacemaker:remote"}
{"event":"CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2","id":"httpd-bundle"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"httpd-bundle","state":"Online"}
{"event":"CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2","id":"ms"}
{"event":"CLUSTER_CHANGE_GROUP_STATE_V2","id":"ms","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"httpd","parent":"httpd-bundle","type":"ocf:heartbeat:apache"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"httpd","parent":"httpd-bundle","type":"ocf:heartbeat:apache","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"httpd-bundle-0","parent":"httpd-bundle","type":"ocf:pacemaker:remote"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"httpd-bundle-0","parent":"httpd-bundle","type":"ocf:pacemaker:remote","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"httpd-bundle-1","parent":"httpd-bundle","type":"ocf:pacemaker:remote"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"httpd-bundle-1","parent":"httpd-bundle","type":"ocf:pacemaker:remote","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"httpd-bundle-docker-0","parent":"httpd-bundle","type":"ocf:heartbeat:docker"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"httpd-bundle-docker-0","parent":"httpd-bundle","type":"ocf:heartbeat:docker","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"httpd-bundle-docker-1","parent":"httpd-bundle","type":"ocf:heartbeat:docker"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"httpd-bundle-docker-1","parent":"httpd-bundle","type":"ocf:heartbeat:docker","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"httpd-bundle-ip-192.0.2.100","parent":"httpd-bundle","type":"ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"httpd-bundle-ip-192.0.2.100","parent":"httpd-bundle","type":"ocf:heartbeat:IPaddr2","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"httpd-bundle-ip-192.0.2.101","parent":"httpd-bundle","type":"ocf:heartbeat:IPaddr2"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"httpd-bundle-ip-192.0.2.101","parent":"httpd-bundle","type":"ocf:heartbeat:IPaddr2","state":"Online"}
{"event":"CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2","id":"st","parent":"ms","type":"ocf:pacemaker:Stateful"}
{"event":"CLUSTER_CHANGE_RESOURCE_STATE_V2","id":"st","parent":"ms","type":"ocf:pacemaker:Stateful","state":"Online"}
EOF
"$bin" --dry-run --diff s5.xml b1.xml 2>err | grep -v REGISTRY >actual
if cmp -s expected actual; then
	result 0 "promotable clone and bundle added"
else
	diff -u expected actual | tail -n +3 | sed 's/^/#   /'
	sed 's/^/#   /' err
	result 1 "promotable clone and bundle added"
fi

# 21. An instance promoted (a promotion score set, as an agent does): a
# promoted instance is Online as before, and the score is no property.
edit b1.xml b2a.xml crm_attribute -N node2 -n master-st -l reboot -v 10
sim b2a.xml b2.xml
if CIB_file=b2.xml crm_mon --output-as=xml | grep -q 'id="st".*role="Promoted"'; then
	expect "promotion: no event" b1.xml b2.xml </dev/null
else
	echo "# st was not promoted by crm_simulate"
	result 1 "promotion: no event"
fi

# 22-24. Bad input: a precise message and a non-zero exit.
bad() {
	name=$1 want=$2
	shift 2
	"$bin" "$@" >out 2>err
	rc=$?
	if [ "$rc" -ne 0 ] && grep -q "$want" err; then
		result 0 "$name"
	else
		echo "# rc=$rc, stderr:"
		sed 's/^/#   /' err
		result 1 "$name"
	fi
}
bad "missing CIB file" "nofile.xml: No such file or directory" \
	--dry-run --diff s1.xml nofile.xml
echo '<configuration/>' >notcib.xml
bad "not a CIB" "notcib.xml: root element is not <cib>" \
	--dry-run --cib-file notcib.xml
bad "--diff takes two files or more" "two or more CIB files" \
	--dry-run --diff s1.xml

[ "$n" -eq 24 ] || echo "# ran $n tests, planned 24"
exit 0
