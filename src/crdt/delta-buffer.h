/* delta-buffer.h - deltas kept until every peer has acknowledged them
 *
 * The sending side of delta-state replication (Almeida, Shoker, Baquero
 * 2018, Algorithm 2, "delta-interval anti-entropy"): a replica records the
 * delta of every local operation with a sequence number; to a peer it
 * ships the join of the deltas that peer has not acknowledged, one delta
 * group per key; the peer's ack names the last sequence number it merged.
 * A delta every peer has acknowledged is dropped. The buffer is bounded:
 * when it drops deltas a peer has not acknowledged (a long partition),
 * collect says so, and the engine ships that peer full states instead.
 *
 * Losing, duplicating or reordering these messages is harmless: a group
 * is a state, merging it twice changes nothing, and an unacknowledged
 * group is simply sent again, joined with newer deltas.
 *
 * Taught in docs/crdts.md, "Delta-state replication".
 */
#pragma once

#include <glib.h>

#include "crdt/crdt.h"

G_BEGIN_DECLS

typedef struct _MmrDeltaBuffer MmrDeltaBuffer;

typedef struct {
  char *key;         /* owned */
  MmrCrdt *delta;    /* owned: the join of the key's pending deltas */
} MmrDeltaGroup;

/* A buffer keeping at most @max_deltas deltas (0: unbounded). */
MmrDeltaBuffer *mmr_delta_buffer_new      (guint max_deltas);
void            mmr_delta_buffer_free     (MmrDeltaBuffer *buf);
/* Deltas are kept for tracked peers only; a new peer has acknowledged
 * nothing (sequence 0). */
void            mmr_delta_buffer_add_peer (MmrDeltaBuffer *buf, guint peer);
/* Records the delta of a local operation on @key; takes @delta. Returns
 * its sequence number, from 1. Empty deltas are not recorded (returns the
 * current sequence number). */
guint64         mmr_delta_buffer_push     (MmrDeltaBuffer *buf,
                                           const char *key, MmrCrdt *delta);
/* What @peer still needs: a new array of MmrDeltaGroup sorted by key
 * (empty when nothing is pending) and in @out_upto the sequence number to
 * acknowledge once they are merged. Returns FALSE, with *@out_groups
 * NULL, when deltas @peer needs were dropped: ship full states, then
 * acknowledge @out_upto. */
gboolean        mmr_delta_buffer_collect  (MmrDeltaBuffer *buf, guint peer,
                                           GPtrArray **out_groups,
                                           guint64 *out_upto);
/* @peer has merged everything up to @upto (a stale ack is ignored). */
void            mmr_delta_buffer_ack      (MmrDeltaBuffer *buf, guint peer,
                                           guint64 upto);
/* Number of deltas held. */
guint           mmr_delta_buffer_get_length (const MmrDeltaBuffer *buf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrDeltaBuffer, mmr_delta_buffer_free)

G_END_DECLS
