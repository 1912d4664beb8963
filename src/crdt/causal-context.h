/* causal-context.h - the set of dots a CRDT state has seen (private)
 *
 * A causal context is a set of dots, kept compact as a version vector
 * (every dot (r, 1..vv[r])) plus a "dot cloud" of the dots beyond it that
 * arrived out of order (Almeida, Shoker, Baquero 2018, section 5.2). With
 * causal delivery the cloud stays empty; deltas that are lost, duplicated
 * or reordered leave gaps, and the cloud is what lets a state say exactly
 * which dots it has seen instead of pretending it saw the gap.
 *
 * Invariant (normal form): the cloud is sorted by (replica, counter) with
 * no repeats, and every cloud dot (r, c) has c >= vv[r] + 2: a dot at
 * vv[r] + 1 is absorbed into the vector. So equal sets have equal forms.
 */
#pragma once

#include <glib.h>

#include "core/version-vector.h"
#include "crdt/codec.h"

G_BEGIN_DECLS

typedef struct {
  MmrVersionVector vv;
  guint n_cloud;
  guint cloud_size;     /* allocated */
  MmrDot *cloud;        /* owned; NULL until a dot arrives out of order */
} MmrCausalContext;

void     mmr_causal_context_init     (MmrCausalContext *ctx);
void     mmr_causal_context_clear    (MmrCausalContext *ctx);
/* @dst must be initialised (its old content is released). */
void     mmr_causal_context_copy     (MmrCausalContext *dst,
                                      const MmrCausalContext *src);
gboolean mmr_causal_context_contains (const MmrCausalContext *ctx,
                                      MmrDot dot);
void     mmr_causal_context_add      (MmrCausalContext *ctx, MmrDot dot);
void     mmr_causal_context_join     (MmrCausalContext *into,
                                      const MmrCausalContext *other);
/* The next dot @replica should use: one past the largest it has seen,
 * and above @floor (a restarted replica's dot lease, sync/durability.c;
 * 0 for none). FALSE when the 32-bit counter is exhausted. Does not add
 * the dot. */
gboolean mmr_causal_context_next_dot (const MmrCausalContext *ctx,
                                      guint replica, guint32 floor,
                                      MmrDot *out);
gboolean mmr_causal_context_equal    (const MmrCausalContext *a,
                                      const MmrCausalContext *b);
gboolean mmr_causal_context_is_empty (const MmrCausalContext *ctx);
gsize    mmr_causal_context_metadata_size (const MmrCausalContext *ctx);

/* vv := n (replica:u8 counter){n} ascending, zeros omitted;
 * cloud := n dot{n} in normal form. */
void     mmr_causal_context_encode   (const MmrCausalContext *ctx,
                                      GByteArray *out);
gboolean mmr_causal_context_decode   (MmrCausalContext *ctx,
                                      MmrCodecReader *r, GError **error);
/* "ctx{A:2, C:1}+[B4]" */
void     mmr_causal_context_describe (const MmrCausalContext *ctx,
                                      GString *out);

/* Dot order: mmr_dot_compare (core/version-vector.h). */

static inline gboolean
mmr_dot_equal (MmrDot a, MmrDot b)
{
  return a.replica == b.replica && a.counter == b.counter;
}

G_END_DECLS
