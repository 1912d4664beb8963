/* explore-memo.h - deliveries remembered, so a repeated state costs no copy
 *
 * A speed device of mmr explore, kept apart from the search it serves
 * (explore.c reads the same without it); see explore-memo.c for why it
 * is sound.
 */
#ifndef MMR_EXPLORE_MEMO_H
#define MMR_EXPLORE_MEMO_H

#include <glib.h>

#include "scenario/runner.h"

G_BEGIN_DECLS

typedef struct _MmrExploreMemo MmrExploreMemo;

/* One state's hash (mmr_runner_hash_state) and the terms of its replicas
 * (mmr_world_hash_replica), each computed when first needed. */
typedef struct {
  guint64 hash;
  guint64 replica[MMR_MAX_REPLICAS];
  guint32 known;                     /* bit i: replica[i] is computed */
} MmrExploreHashes;

/* A memo for one search of @script. NULL when deliveries in it cannot be
 * predicted (the script crashes or restarts replicas: a restarted
 * replica's recovery depends on state the hash leaves out). */
MmrExploreMemo *mmr_explore_memo_new  (const MmrScript *script);
void            mmr_explore_memo_free (MmrExploreMemo *memo);

/* Before delivering the @index-th message of @from -> @to (once) in @r,
 * a state whose hashes are @hashes: TRUE with *@out_hash when the memo
 * knows the hash of the state it leads to, FALSE when not. Either way the
 * memo keeps what it needs to learn this delivery if the caller computes
 * it (_watch, then _learn); @r is not changed. */
gboolean mmr_explore_memo_predict (MmrExploreMemo *memo, const MmrRunner *r,
                                   MmrExploreHashes *hashes, guint from,
                                   guint to, guint index, guint64 *out_hash);
/* The delivery of the last _predict is about to be made in @child (a copy
 * of that state, or the state itself): watch the conflicts it raises. */
void     mmr_explore_memo_watch   (MmrExploreMemo *memo, MmrRunner *child);
/* It was made: sets @out to @child's hashes (the predicted hash, and
 * the replica terms the state before knew, or the hash computed) and
 * remembers the delivery, or checks the prediction made for it against
 * the receiver's computed term (a wrong one is a bug: it asserts). */
void     mmr_explore_memo_learn   (MmrExploreMemo *memo, MmrRunner *child,
                                   MmrExploreHashes *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrExploreMemo, mmr_explore_memo_free)

G_END_DECLS

#endif
