/* pn-counter.c - PN-Counter: a counter that goes up and down
 *
 * A G-Counter cannot go down: its merge takes maxima, so a smaller slot
 * would simply lose. The PN-Counter keeps two G-Counters, P for increments
 * and N for decrements, each merged by maxima, and reads P - N. A replica
 * that decrements grows its N slot; nothing ever shrinks.
 *
 * Interface (through crdt.h): incr [N], decr [N]. The delta of an
 * operation at replica r carries r's new total in the slot it grew.
 *
 * Invariants: every slot <= MMR_CRDT_COUNT_MAX, so P - N fits a gint64.
 *
 * Encoding: P's counts vector, then N's (see g-counter.c).
 *
 * Taught in docs/crdts.md, "PN-Counter".
 */
#include "crdt/crdt-class.h"

#include <string.h>

typedef struct {
  MmrCrdt parent;
  guint64 p[MMR_MAX_REPLICAS];   /* increments, per replica */
  guint64 n[MMR_MAX_REPLICAS];   /* decrements, per replica */
} PnCounter;

static const char *const ops[] = { "incr", "decr", NULL };

static void
pncounter_init (MmrCrdt *crdt)
{
  (void) crdt;
}

static void
pncounter_clear (MmrCrdt *crdt)
{
  (void) crdt;
}

static void
pncounter_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  PnCounter *d = (PnCounter *) dst;
  const PnCounter *s = (const PnCounter *) src;

  memcpy (d->p, s->p, sizeof d->p);
  memcpy (d->n, s->n, sizeof d->n);
}

static MmrCrdt *
pncounter_apply (MmrCrdt *crdt, const char *op, const char *arg,
                 const MmrCrdtStamp *stamp, GError **error)
{
  PnCounter *self = (PnCounter *) crdt;
  guint r = crdt->replica;
  int which = mmr_crdt_find_op (ops, op);
  guint64 amount, *slots, *delta_slots;
  PnCounter *delta;

  (void) stamp;
  if (which < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (!mmr_crdt_parse_amount (op, arg, &amount, error))
    return NULL;
  slots = which == 0 ? self->p : self->n;
  if (amount > MMR_CRDT_COUNT_MAX - slots[r])
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "%s would take replica %c's count past %" G_GINT64_FORMAT,
                   op, MMR_REPLICA_LETTER (r), MMR_CRDT_COUNT_MAX);
      return NULL;
    }
  slots[r] += amount;   /* DOC: pncounter-apply */
  delta = (PnCounter *) mmr_crdt_new_delta_for (crdt);
  delta_slots = which == 0 ? delta->p : delta->n;
  delta_slots[r] = slots[r];
  return &delta->parent;
}

/* DOC: pncounter-merge */
static void
pncounter_merge (MmrCrdt *into, const MmrCrdt *other)
{
  PnCounter *a = (PnCounter *) into;
  const PnCounter *b = (const PnCounter *) other;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      a->p[i] = MAX (a->p[i], b->p[i]);
      a->n[i] = MAX (a->n[i], b->n[i]);
    }
}

static gboolean
pncounter_equal (const MmrCrdt *a, const MmrCrdt *b)
{
  const PnCounter *x = (const PnCounter *) a;
  const PnCounter *y = (const PnCounter *) b;

  return memcmp (x->p, y->p, sizeof x->p) == 0
         && memcmp (x->n, y->n, sizeof x->n) == 0;
}

static gboolean
pncounter_is_empty (const MmrCrdt *crdt)
{
  const PnCounter *self = (const PnCounter *) crdt;

  return mmr_g_counter_vector_n_entries (self->p) == 0
         && mmr_g_counter_vector_n_entries (self->n) == 0;
}

static void
pncounter_encode (const MmrCrdt *crdt, GByteArray *out)
{
  const PnCounter *self = (const PnCounter *) crdt;

  mmr_g_counter_vector_encode (self->p, out);
  mmr_g_counter_vector_encode (self->n, out);
}

static gboolean
pncounter_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  PnCounter *self = (PnCounter *) crdt;

  return mmr_g_counter_vector_decode (self->p, r, error)
         && mmr_g_counter_vector_decode (self->n, r, error);
}

static void
pncounter_read (const MmrCrdt *crdt, GPtrArray *out)
{
  const PnCounter *self = (const PnCounter *) crdt;
  gint64 value = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    value += (gint64) self->p[i] - (gint64) self->n[i];
  g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static gsize
pncounter_metadata_size (const MmrCrdt *crdt)
{
  const PnCounter *self = (const PnCounter *) crdt;

  return (mmr_g_counter_vector_n_entries (self->p)
          + mmr_g_counter_vector_n_entries (self->n))
         * (MMR_META_REPLICA + MMR_META_COUNT);
}

static void
pncounter_describe (const MmrCrdt *crdt, GString *out)
{
  const PnCounter *self = (const PnCounter *) crdt;

  g_string_append (out, "{P");
  mmr_g_counter_vector_describe (self->p, out);
  g_string_append (out, " N");
  mmr_g_counter_vector_describe (self->n, out);
  g_string_append_c (out, '}');
}

const MmrCrdtClass mmr_pn_counter_class = {
  .type = MMR_CRDT_PNCOUNTER,
  .name = "pncounter",
  .ops = ops,
  .instance_size = sizeof (PnCounter),
  .init = pncounter_init,
  .clear = pncounter_clear,
  .copy = pncounter_copy,
  .apply = pncounter_apply,
  .merge = pncounter_merge,
  .equal = pncounter_equal,
  .is_empty = pncounter_is_empty,
  .encode = pncounter_encode,
  .decode = pncounter_decode,
  .read = pncounter_read,
  .metadata_size = pncounter_metadata_size,
  .describe = pncounter_describe,
};
