/* event.h - one traced event of a run
 *
 * Everything that happens in a run is reported as an MmrEvent to the
 * world's observers: the trace writer, the checkers, the metrics, the
 * inspector and (issue 5) the run recorder all read the same stream.
 * An event is borrowed: its pointers are valid only during the callback.
 *
 * Fields a kind does not use are zero, -1 (replica/peer) or NULL.
 */
#pragma once

#include <glib.h>

#include "core/clock.h"
#include "core/version-vector.h"

G_BEGIN_DECLS

typedef enum {
  MMR_EV_WRITE,        /* a local put was acknowledged */
  MMR_EV_DELETE,       /* a local delete was acknowledged (a tombstone) */
  MMR_EV_SEND,         /* a message was handed to a link */
  MMR_EV_DELIVER,      /* a message arrived and was applied */
  MMR_EV_DROP,         /* a message was lost: loss, cut link, down replica */
  MMR_EV_DUPLICATE,    /* a link delivered a second copy of a message */
  MMR_EV_CONFLICT,     /* concurrent versions of one register met */
  MMR_EV_RESOLVE,      /* the strategy decided: a winner, or siblings kept */
  MMR_EV_PARTITION,    /* links were cut */
  MMR_EV_HEAL,         /* links were restored */
  MMR_EV_SKEW,         /* a physical clock's offset or drift changed */
  MMR_EV_ANTIENTROPY,  /* a replica started an anti-entropy exchange */
  MMR_EV_CONFIG,       /* a world setting changed (loss, latency, ...) */
  MMR_EV_READ,         /* a client read a key and got its context */
  MMR_EV_OP,           /* a CRDT operation was applied locally */
  MMR_EV_CRASH,        /* a replica crashed: memory and uncommitted work lost */
  MMR_EV_RESTART,      /* a replica restarted from its database */
  MMR_EV_REFUSED,      /* a client write a down or recovering replica refused */
  MMR_EV_N_KINDS
} MmrEventKind;

/* How a conflict ended (MMR_EV_RESOLVE). */
typedef enum {
  MMR_RESOLVE_NONE,
  MMR_RESOLVE_LWW_TIMESTAMP,  /* LWW: the larger timestamp won */
  MMR_RESOLVE_LWW_TIEBREAK,   /* LWW: equal timestamps, larger replica name won */
  MMR_RESOLVE_LWW_REJECTED,   /* LWW: a causally newer write had the smaller
                               * timestamp and was discarded (clock skew) */
  MMR_RESOLVE_SIBLINGS,       /* siblings: all concurrent versions kept */
  MMR_RESOLVE_MERGED,         /* merge: kept, read through a merge function */
} MmrResolveRule;

/* One version taking part in a conflict. */
typedef struct {
  MmrDot dot;
  const char *value;     /* NULL for a tombstone */
  gint64 ts;             /* LWW timestamp */
  guint32 ts_logical;
  MmrHlc hlc;
} MmrEventVersion;

typedef struct {
  guint64 seq;               /* position in the run, from 0 */
  gint64 time_us;            /* virtual time */
  MmrEventKind kind;
  int replica;               /* where it happened; -1 for world events */
  int peer;                  /* other end of a link; -1 when none */
  const char *key;           /* register ("cart", "user.name") or NULL */
  const char *value;         /* value written or carried; NULL if none */
  MmrDot dot;                /* the write this event is about */
  MmrVersionVector vv;       /* the register's version vector after it */
  MmrVersionVector clock;    /* the replica's vector clock over events */
  MmrHlc hlc;                /* the replica's HLC after the event */
  guint64 msg_id;            /* SEND/DELIVER/DROP/DUPLICATE; 0 if none */
  guint32 bytes;             /* message size on the wire */
  guint32 exchange;          /* ANTIENTROPY: the exchange's id */
  const char *detail;        /* short human text: "loss", "cut A->B", ... */

  /* CONFLICT and RESOLVE: the versions that met, and what survived. */
  MmrResolveRule rule;
  guint n_versions;
  const MmrEventVersion *versions;
  guint n_kept;
  const MmrDot *kept;
  /* WRITE/DELETE: the visible versions this write replaced, having seen
   * them; the lost-write checker needs exactly this. */
  guint n_superseded;
  const MmrDot *superseded;
} MmrEvent;

const char *mmr_event_kind_to_string   (MmrEventKind kind);
/* CONFLICT/RESOLVE: "key|r:c|r:c" over the sorted dots of the versions
 * that met. The same conflict is detected at every replica the versions
 * meet, in whatever order they arrive; this names it once. */
char       *mmr_event_conflict_id      (const MmrEvent *event);
const char *mmr_resolve_rule_to_string (MmrResolveRule rule);

typedef void (*MmrObserverFunc) (const MmrEvent *event, gpointer user_data);

G_END_DECLS
