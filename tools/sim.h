/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusnotify sim: a simulated cluster service. The model of the cluster
 * (sim_model.c) knows every object, its state and owner; the driver
 * (sim.c) turns model changes into V2 events and posts them as a producer
 * (clusapi_linux.h); the scripted day (sim_day.c) and the random mode
 * (sim_random.c) decide which changes happen.
 */
#ifndef CLUSNOTIFY_TOOLS_SIM_H
#define CLUSNOTIFY_TOOLS_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <clusapi_linux.h>

/* Windows CLUSTER_CHANGE_*_V2 flags the simulator posts (clusapi.h). */
#define SIM_CLUSTER_GROUP_ADDED 0x0004ULL
#define SIM_CLUSTER_RESOURCE_TYPE_ADDED 0x0040ULL
#define SIM_CLUSTER_COMMON_PROPERTY 0x0080ULL
#define SIM_GROUP_DELETED 0x0001ULL
#define SIM_GROUP_COMMON_PROPERTY 0x0002ULL
#define SIM_GROUP_STATE 0x0008ULL
#define SIM_GROUP_OWNER_NODE 0x0010ULL
#define SIM_GROUP_PREFERRED_OWNERS 0x0020ULL
#define SIM_GROUP_RESOURCE_ADDED 0x0040ULL
#define SIM_RESOURCE_COMMON_PROPERTY 0x0001ULL
#define SIM_RESOURCE_PRIVATE_PROPERTY 0x0002ULL
#define SIM_RESOURCE_STATE 0x0004ULL
#define SIM_RESOURCE_DELETED 0x0080ULL
#define SIM_RESOURCE_TYPE_DELETED 0x0001ULL
#define SIM_NETINTERFACE_STATE 0x0008ULL
#define SIM_NETWORK_STATE 0x0008ULL
#define SIM_NODE_COMMON_PROPERTY 0x0004ULL
#define SIM_NODE_STATE 0x0010ULL
#define SIM_NODE_GROUP_GAINED 0x0020ULL
#define SIM_NODE_GROUP_LOST 0x0040ULL
#define SIM_REGISTRY_ATTRIBUTES 0x0001ULL
#define SIM_REGISTRY_NAME 0x0002ULL
#define SIM_REGISTRY_VALUE 0x0008ULL

/* The Windows state enums (CLUSTER_*_STATE in clusapi.h). */
enum {
	SIM_NODE_UP = 0, SIM_NODE_DOWN = 1, SIM_NODE_PAUSED = 2,
	SIM_NODE_JOINING = 3,
};
enum {
	SIM_GROUP_ONLINE = 0, SIM_GROUP_OFFLINE = 1, SIM_GROUP_FAILED = 2,
	SIM_GROUP_PARTIAL_ONLINE = 3, SIM_GROUP_PENDING = 4,
};
enum {
	SIM_RES_ONLINE = 2, SIM_RES_OFFLINE = 3, SIM_RES_FAILED = 4,
	SIM_RES_ONLINE_PENDING = 129, SIM_RES_OFFLINE_PENDING = 130,
};
enum { SIM_NET_DOWN = 1, SIM_NET_UP = 3 };
enum { SIM_NETIF_FAILED = 1, SIM_NETIF_UP = 3 };

#define SIM_ID_MAX 96
#define SIM_NAME_MAX 96

/*
 * One object of the model. Objects are never freed or moved while the
 * simulator runs (a deleted one only loses alive), so the array can be
 * snapshotted with one copy and indexes stay valid.
 */
struct sim_obj {
	uint32_t type;		/* CLUSNOTIFY_OBJ_* */
	uint32_t state;		/* the type's state enum, if has_state */
	int has_state;
	int alive;		/* 0 once deleted */
	/* The state the module's directory holds for it (publish/post). */
	uint32_t dir_state;
	int in_dir;
	/*
	 * Relations: a group's owner node, a resource's group, an interface's
	 * node, a registry key's parent key: all by id, as the directory
	 * keeps them. A resource's type is type_name.
	 */
	char id[SIM_ID_MAX];
	char name[SIM_NAME_MAX];
	char parent[SIM_ID_MAX];
	char type_name[SIM_NAME_MAX];
	int core;		/* the core group, never deleted or moved */
};

#define SIM_MAX_OBJECTS 4096
#define SIM_MAX_NODES 32

struct sim_model {
	struct sim_obj obj[SIM_MAX_OBJECTS];
	int n;
	unsigned int nodes;
	unsigned int next_serial;	/* for the ids of new objects */
};

/* A batch of events being built, posted as one clusnotify_post. */
struct sim_batch {
	struct clusnotify_event *ev;
	char **strs;		/* every string the events point to */
	size_t nstrs, capstrs;
	size_t n, cap;
};

struct sim {
	struct sim_model *m;
	clusnotify_producer *p;
	uint32_t cid;
	const char *cluster;
	int dry_run;		/* print what would be posted, post nothing */
	int verbose;		/* print every event */
	int sync;		/* after a step, wait until ports drained */
	int keep;		/* leave the cluster registered at the end */
	unsigned int pace_ms;
	int steps;		/* steps taken so far */
	struct sim_batch b;
	uint64_t posted, queued, lost, announced;
	FILE *out;
};

/* The model (sim_model.c). */
void sim_model_init(struct sim_model *m, unsigned int nodes);
void sim_model_steady(struct sim_model *m);
struct sim_obj *sim_node(struct sim_model *m, unsigned int i); /* 1-based */
struct sim_obj *sim_find(struct sim_model *m, uint32_t type,
			 const char *name);
struct sim_obj *sim_find_id(struct sim_model *m, uint32_t type,
			    const char *id);
struct sim_obj *sim_add(struct sim_model *m, uint32_t type, const char *name,
			const char *parent, const char *type_name,
			int has_state, uint32_t state);
void sim_new_id(struct sim_model *m, uint32_t type, char *buf);
/* The registry key of an object ("Groups\<id>"), or NULL. */
struct sim_obj *sim_key_of(struct sim_model *m, const struct sim_obj *o);
unsigned int sim_groups_on(struct sim_model *m, const char *node_id);
/* The up node with the fewest groups, not @avoid; NULL if none. */
struct sim_obj *sim_least_loaded(struct sim_model *m, const char *avoid);
int sim_index(struct sim_model *m, const struct sim_obj *o);

/* Names for printing (sim_model.c). */
const char *sim_type_str(uint32_t type);
const char *sim_v2_str(uint32_t type, uint64_t flag);
const char *sim_v1_str(uint32_t bit);
const char *sim_state_str(uint32_t type, uint32_t state);
void sim_state_kind(uint32_t type, uint64_t *v2, uint32_t *v1_bit);

/*
 * Changes: each updates the model and queues the events that announce it
 * (sim_model.c). Nothing is posted until sim_commit().
 */
void sim_set_state(struct sim *s, struct sim_obj *o, uint32_t state);
void sim_group_online(struct sim *s, struct sim_obj *g);
void sim_group_offline(struct sim *s, struct sim_obj *g);
void sim_group_move(struct sim *s, struct sim_obj *g, struct sim_obj *node);
void sim_group_failover(struct sim *s, struct sim_obj *g,
			struct sim_obj *node);
void sim_node_join(struct sim *s, struct sim_obj *node);
void sim_node_fail(struct sim *s, struct sim_obj *node);
void sim_resource_restart(struct sim *s, struct sim_obj *res);
void sim_property(struct sim *s, struct sim_obj *o, uint64_t flag,
		  const char *prop, uint32_t value, const char *sz);
void sim_registry(struct sim *s, struct sim_obj *key, uint64_t flag);
struct sim_obj *sim_key_create(struct sim *s, const char *path,
			       const char *parent);
void sim_key_delete(struct sim *s, struct sim_obj *key);
struct sim_obj *sim_restype_add(struct sim *s, const char *name);
void sim_restype_delete(struct sim *s, struct sim_obj *t);
struct sim_obj *sim_group_add(struct sim *s, const char *name,
			      struct sim_obj *node);
struct sim_obj *sim_resource_add(struct sim *s, struct sim_obj *g,
				 const char *name, const char *type_name);
void sim_group_delete(struct sim *s, struct sim_obj *g);

/* The driver (sim.c). */
void sim_emit(struct sim *s, uint32_t type, uint64_t flag,
	      const struct sim_obj *o, const char *parent,
	      const void *payload, uint32_t len);
int sim_commit(struct sim *s);
void sim_discard(struct sim *s);
int sim_step(struct sim *s, const char *clock, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sim_say(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sim_service_down(struct sim *s);
int sim_service_up(struct sim *s);
int sim_interrupted(void);
void sim_sleep_ms(unsigned int ms);
uint64_t sim_now_ms(void);

/* The modes. */
int sim_day(struct sim *s);
int sim_random(struct sim *s, uint64_t seed, uint64_t events,
	       double duration_s, double rate);

#endif
