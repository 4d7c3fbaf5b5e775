# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A one-node Corosync + Pacemaker in the VM booted on scripts/vm-rootfs,
# for the scripts that need one (tests/vm/pacemaker_guest.sh,
# bench/pcmk/guest.sh). Sourced, not run. The caller sets:
#
#   work   a directory for the configuration and the logs
#   name   the cluster's name (Corosync's cluster_name)
#   rsc    the id of the one ocf:pacemaker:Dummy resource it starts with
#
# until_ok SECONDS COMMAND... polls COMMAND until it succeeds, for
# SECONDS of the clock. pcmk_cluster_setup writes $work/corosync.conf and
# seeds the CIB; pcmk_cluster_start starts corosync, then pacemakerd once
# Corosync answers, in the background (logs in $work), and sets
# pcmk_corosync_pid and pcmk_pacemakerd_pid.
# Under TCG the node is online about 30-40 s after the start.

# until_ok SECONDS COMMAND...: poll every 0.2 s, for SECONDS of the
# clock (a count of tries would stretch with the load of an emulated VM).
until_ok() {
	local end
	end=$(awk -v t="$1" '{ printf "%d", $1 + t }' /proc/uptime)
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

pcmk_cluster_setup() {
	: "${work:?}" "${name:?}" "${rsc:?}"
	cat >"$work/corosync.conf" <<EOF
totem {
	version: 2
	cluster_name: $name
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
		name: clusnotify-vm
		nodeid: 1
		ring0_addr: 127.0.0.1
	}
}
EOF

	# stonith-enabled=false and a short dc-deadtime seeded before the
	# start: otherwise the node waits 20 s for a DC and refuses to start
	# anything.
	cat >/var/lib/pacemaker/cib/cib.xml <<EOF
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
      <primitive id="$rsc" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF
	chown hacluster:haclient /var/lib/pacemaker/cib/cib.xml
	chmod 600 /var/lib/pacemaker/cib/cib.xml
	mkdir -p /var/log/pacemaker /run/resource-agents
	chown hacluster:haclient /var/log/pacemaker
}

# The pids are the caller's to use. pacemakerd gives up after about 16 s
# of Corosync not answering, which a loaded emulated VM can take: it is
# started once corosync-cfgtool answers, within 90 s, else
# pcmk_cluster_start returns 1 without starting it.
# shellcheck disable=SC2034
pcmk_cluster_start() {
	: "${work:?}"
	corosync -f -c "$work/corosync.conf" >"$work/corosync.out" 2>&1 &
	pcmk_corosync_pid=$!
	pcmk_pacemakerd_pid=""
	until_ok 90 corosync-cfgtool -s || return 1
	PCMK_logfile=$work/pacemaker.log pacemakerd -f >"$work/pacemakerd.out" 2>&1 &
	pcmk_pacemakerd_pid=$!
}
