/* mv-register.c - MV-Register: concurrent writes are all kept
 *
 * A multi-value register keeps every write that no other write it knows
 * of has overwritten: one value after sequential writes, several siblings
 * after concurrent ones, until a write that has seen them all replaces
 * them. Nothing is lost silently; the reader (or the application's merge
 * function) decides. It is the CRDT form of what Dynamo and Riak return
 * as siblings (DeCandia et al. 2007; Shapiro et al. 2011, "MV-Register").
 *
 * Representation (Almeida, Shoker, Baquero 2018, the MVRegister over a
 * dot fun): each sibling is a value tagged with the dot of its write
 * (dot-fun.c), and a causal context records every write seen. A write at
 * replica r takes a new dot and supersedes every sibling r holds; the
 * delta is ({d -> value}, ctx {d} + the superseded dots). Merge is the dot
 * fun's causal join, so a sibling survives exactly when the other side has
 * not seen its dot.
 *
 * Interface (through crdt.h): set VALUE. Read: each distinct sibling
 * value once, sorted (two replicas that write the same value concurrently
 * show it once).
 *
 * Invariants: every sibling's dot is in ctx; siblings sorted by dot.
 *
 * Encoding: n (dot value){n} dots ascending, then the causal context.
 *
 * Taught in docs/crdts.md, "MV-Register".
 */
#include "crdt/crdt-class.h"

#include <string.h>

#include "crdt/dot-fun.h"

typedef struct {
  MmrCrdt parent;
  MmrDotFun siblings;
  MmrCausalContext ctx;
} MvRegister;

static const char *const ops[] = { "set", NULL };

static void
mvreg_init (MmrCrdt *crdt)
{
  MvRegister *self = (MvRegister *) crdt;

  mmr_dot_fun_init (&self->siblings);
  mmr_causal_context_init (&self->ctx);
}

static void
mvreg_clear (MmrCrdt *crdt)
{
  MvRegister *self = (MvRegister *) crdt;

  mmr_dot_fun_clear (&self->siblings);
  mmr_causal_context_clear (&self->ctx);
}

static void
mvreg_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  MvRegister *d = (MvRegister *) dst;
  const MvRegister *s = (const MvRegister *) src;

  mmr_dot_fun_copy (&d->siblings, &s->siblings);
  mmr_causal_context_copy (&d->ctx, &s->ctx);
}

static MmrCrdt *
mvreg_apply (MmrCrdt *crdt, const char *op, const char *arg,
             const MmrCrdtStamp *stamp, GError **error)
{
  MvRegister *self = (MvRegister *) crdt;
  MvRegister *delta;
  MmrDottedValue v = { 0 };

  (void) stamp;
  if (mmr_crdt_find_op (ops, op) < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (!mmr_crdt_check_value (op, arg, error))
    return NULL;
  if (!mmr_causal_context_next_dot (&self->ctx, crdt->replica,
                                    crdt->dot_floor, &v.dot))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "replica %c has used every dot",
                   MMR_REPLICA_LETTER (crdt->replica));
      return NULL;
    }
  v.value = (char *) arg;   /* mmr_dot_fun_add copies it */
  delta = (MvRegister *) mmr_crdt_new_delta_for (crdt);
  /* DOC: mvreg-set */
  mmr_dot_fun_remove_if (&self->siblings, NULL, NULL, &delta->ctx);
  mmr_causal_context_add (&delta->ctx, v.dot);
  mmr_dot_fun_add (&delta->siblings, &v);
  mmr_dot_fun_add (&self->siblings, &v);
  mmr_causal_context_add (&self->ctx, v.dot);
  return &delta->parent;
}

/* DOC: mvreg-merge */
static void
mvreg_merge (MmrCrdt *into, const MmrCrdt *other)
{
  MvRegister *a = (MvRegister *) into;
  const MvRegister *b = (const MvRegister *) other;

  mmr_dot_fun_join (&a->siblings, &a->ctx, &b->siblings, &b->ctx);
  mmr_causal_context_join (&a->ctx, &b->ctx);
}

static gboolean
mvreg_equal (const MmrCrdt *x, const MmrCrdt *y)
{
  const MvRegister *a = (const MvRegister *) x;
  const MvRegister *b = (const MvRegister *) y;

  return mmr_causal_context_equal (&a->ctx, &b->ctx)
         && mmr_dot_fun_equal (&a->siblings, &b->siblings);
}

static gboolean
mvreg_is_empty (const MmrCrdt *crdt)
{
  return mmr_causal_context_is_empty (&((const MvRegister *) crdt)->ctx);
}

static void
mvreg_encode (const MmrCrdt *crdt, GByteArray *out)
{
  const MvRegister *self = (const MvRegister *) crdt;

  mmr_dot_fun_encode (&self->siblings, MMR_DOT_FUN_VALUE, out);
  mmr_causal_context_encode (&self->ctx, out);
}

static gboolean
mvreg_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  MvRegister *self = (MvRegister *) crdt;

  if (!mmr_dot_fun_decode (&self->siblings, MMR_DOT_FUN_VALUE, r, error)
      || !mmr_causal_context_decode (&self->ctx, r, error))
    return FALSE;
  if (!mmr_dot_fun_in_context (&self->siblings, &self->ctx))
    return mmr_codec_fail (r, error, "a dot missing from the causal context");
  return TRUE;
}

static void
mvreg_read (const MmrCrdt *crdt, GPtrArray *out)
{
  const MvRegister *self = (const MvRegister *) crdt;

  for (guint i = 0; i < self->siblings.n; i++)
    {
      const char *v = self->siblings.items[i].value;
      gboolean seen = FALSE;

      for (guint k = 0; k < out->len && !seen; k++)
        seen = strcmp (g_ptr_array_index (out, k), v) == 0;
      if (!seen)
        g_ptr_array_add (out, g_strdup (v));
    }
}

static gsize
mvreg_metadata_size (const MmrCrdt *crdt)
{
  const MvRegister *self = (const MvRegister *) crdt;

  return self->siblings.n * MMR_META_DOT
         + mmr_causal_context_metadata_size (&self->ctx);
}

static void
mvreg_describe (const MmrCrdt *crdt, GString *out)
{
  const MvRegister *self = (const MvRegister *) crdt;

  g_string_append_c (out, '{');
  for (guint i = 0; i < self->siblings.n; i++)
    {
      const MmrDottedValue *v = &self->siblings.items[i];

      g_string_append_printf (out, "%s%c%u:%s", i > 0 ? " " : "",
                              MMR_REPLICA_LETTER (v->dot.replica),
                              v->dot.counter, v->value);
    }
  g_string_append (out, "} ");
  mmr_causal_context_describe (&self->ctx, out);
}

const MmrCrdtClass mmr_mv_register_class = {
  .type = MMR_CRDT_MV_REGISTER,
  .name = "mvreg",
  .ops = ops,
  .instance_size = sizeof (MvRegister),
  .init = mvreg_init,
  .clear = mvreg_clear,
  .copy = mvreg_copy,
  .apply = mvreg_apply,
  .merge = mvreg_merge,
  .equal = mvreg_equal,
  .is_empty = mvreg_is_empty,
  .encode = mvreg_encode,
  .decode = mvreg_decode,
  .read = mvreg_read,
  .metadata_size = mvreg_metadata_size,
  .describe = mvreg_describe,
};
