/* dot-fun.h - a map from dots to immutable values (private)
 *
 * A "dot fun" (Almeida, Shoker, Baquero 2018, section 6: DotFun) is a set
 * of values, each tagged by the dot of the write that made it. A dot names
 * exactly one write, so two states that hold the same dot hold the same
 * value, and the causal join of two dot funs needs no rule about values:
 * keep a dot that both sides hold, or that one side holds and the other
 * has not seen (mmr_dot_fun_join).
 *
 * The MV-Register is one dot fun and a causal context; every field of an
 * OR-Map is one dot fun under the map's shared context. The payload
 * struct is the union of what those need; a dot fun's users say which
 * parts they use (MmrDotFunParts) and the rest stay zero.
 */
#pragma once

#include <glib.h>

#include "crdt/causal-context.h"
#include "crdt/codec.h"

G_BEGIN_DECLS

typedef struct {
  MmrDot dot;
  guint32 logical;    /* stamp: LWW fields */
  gint64 ts;
  guint64 p, n;       /* counts: counter fields, the writer's totals */
  char *value;        /* value: register values and set elements; owned */
} MmrDottedValue;

typedef enum {
  MMR_DOT_FUN_VALUE = 1 << 0,
  MMR_DOT_FUN_STAMP = 1 << 1,
  MMR_DOT_FUN_COUNTS = 1 << 2,
} MmrDotFunParts;

typedef struct {
  guint n;
  MmrDottedValue *items;   /* ascending by dot; owned */
} MmrDotFun;

typedef gboolean (*MmrDottedValuePredicate) (const MmrDottedValue *v,
                                             gconstpointer user_data);

void     mmr_dot_fun_init      (MmrDotFun *f);
void     mmr_dot_fun_clear     (MmrDotFun *f);
void     mmr_dot_fun_copy      (MmrDotFun *dst, const MmrDotFun *src);
/* Adds a copy of @v; its dot must be new to @f. */
void     mmr_dot_fun_add       (MmrDotFun *f, const MmrDottedValue *v);
/* Removes every item @pred accepts (NULL: all) and adds its dot to
 * @removed (may be NULL): how an operation supersedes what it saw. */
void     mmr_dot_fun_remove_if (MmrDotFun *f, MmrDottedValuePredicate pred,
                                gconstpointer user_data,
                                MmrCausalContext *removed);
/* The causal join: @into becomes the join of (@into, @into_ctx) and
 * (@other, @other_ctx). The contexts are not changed. */
void     mmr_dot_fun_join      (MmrDotFun *into,
                                const MmrCausalContext *into_ctx,
                                const MmrDotFun *other,
                                const MmrCausalContext *other_ctx);
gboolean mmr_dot_fun_equal     (const MmrDotFun *a, const MmrDotFun *b);
/* n (dot [ts:zigzag logical] [p n] [value]){n}, dots ascending. */
void     mmr_dot_fun_encode    (const MmrDotFun *f, MmrDotFunParts parts,
                                GByteArray *out);
gboolean mmr_dot_fun_decode    (MmrDotFun *f, MmrDotFunParts parts,
                                MmrCodecReader *r, GError **error);
/* Are all of @f's dots in @ctx? (decoders check it) */
gboolean mmr_dot_fun_in_context (const MmrDotFun *f,
                                 const MmrCausalContext *ctx);

G_END_DECLS
