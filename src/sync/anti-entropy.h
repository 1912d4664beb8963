/* anti-entropy.h - digest exchange that repairs what pushes missed
 *
 * See anti-entropy.c for the protocol. Taught in docs/storage.md ("Merkle anti-entropy"),
 * docs/scenario-language.md (the antientropy modes) and
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
/* FULL: a peer's whole state arrived (STATE with an exchange id). */
void mmr_antientropy_answer_full   (MmrReplica *r, guint from,
                                    const MmrMessage *state);
/* FULL: TRUE when @reply holds exactly this replica's registers, with
 * equal vectors and the same sibling dots (after a switch of strategy
 * equal vectors alone prove nothing) - checked before merging it. */
gboolean mmr_antientropy_reply_matches (MmrReplica *r,
                                        const MmrMessage *reply);
/* MERKLE: one step of the tree walk. */
void mmr_antientropy_merkle        (MmrReplica *r, guint from,
                                    const MmrMessage *msg);

G_END_DECLS
