/* anti-entropy.h - digest exchange that repairs what pushes missed
 *
 * See anti-entropy.c for the protocol. Taught in docs/anti-entropy.md and
 * lab 10.
 */
#pragma once

#include "net/wire.h"
#include "sync/replica.h"

G_BEGIN_DECLS

void mmr_antientropy_begin         (MmrReplica *r);
void mmr_antientropy_answer_digest (MmrReplica *r, guint from,
                                    const MmrMessage *digest);
void mmr_antientropy_finish        (MmrReplica *r, guint from,
                                    const MmrMessage *reply);

G_END_DECLS
