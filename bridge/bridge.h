/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bridge.h: the daemon's options and its live mode (bridge/live.c).
 */
#ifndef BRIDGE_BRIDGE_H
#define BRIDGE_BRIDGE_H

struct bm_options {
	int dry_run;		/* print JSON lines instead of posting */
	const char *cluster_name;	/* NULL: from the CIB, or Corosync */
	unsigned int coalesce_ms;	/* wait after a change for more */
	unsigned int retry_ms;	/* between reconnection attempts */
	unsigned int link_poll_ms;	/* Corosync link states; 0: never */
	int verbose;
};

/* Follow the live CIB until SIGINT or SIGTERM. The exit status. */
int bm_live(const struct bm_options *o);

/*
 * The name to register: o->cluster_name, else the CIB's cluster-name
 * property, else Corosync's totem.cluster_name. Caller frees.
 */
char *bm_cluster_name(const struct bm_options *o, const char *from_cib);

#endif /* BRIDGE_BRIDGE_H */
