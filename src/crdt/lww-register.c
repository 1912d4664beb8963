/* lww-register.c - LWW-Register: the last write wins
 *
 * A register holding one value; of two writes the one with the larger
 * timestamp wins and the other is lost, even if it was written later in
 * real time on a replica whose clock runs slow. That silent loss is the
 * price of a single value, and the reason docs/crdts.md puts the
 * MV-Register next to it.
 *
 * Writes are ordered by the tuple (ts, logical, replica, value)
 * (compare_writes). The engine supplies (ts, logical) through
 * mmr_crdt_apply_at from the scenario's `clock` (physical, lamport or hlc;
 * src/sync/crdt-sync.c, mmr_replica_crdt_op), the same stamp strategy lww
 * uses, so a clock-skew lab shows the same loss for a lwwreg key as for a
 * plain key; the HLC only when `clock hlc`. The replica is the writing
 * state's own index (a replica writes only through its own state, so it
 * cannot claim another's tie-break). The value comes last only so that the
 * order is total: if a replica reused a timestamp for two different
 * values, merge would otherwise depend on the order of arrival.
 * mmr_crdt_apply, without a stamp, uses a Lamport timestamp: one more than
 * the visible write's ts, logical 0, so a write always beats what its
 * replica has seen.
 *
 * The register is a lattice under that order (a chain with bottom "never
 * written"); merge keeps the larger write. The delta of a set is the write
 * itself, even when it loses to the visible one.
 *
 * Interface (through crdt.h): set VALUE.
 *
 * Encoding: is_set:u8, then if 1: ts:zigzag logical replica:u8 value.
 *
 * Taught in docs/crdts.md, "LWW-Register".
 */
#include "crdt/crdt-class.h"

#include <string.h>

typedef struct {
  MmrCrdt parent;
  gboolean is_set;
  gint64 ts;
  guint32 logical;
  guint8 writer;     /* replica that made the visible write */
  char *value;       /* owned; NULL while never set */
} LwwRegister;

static const char *const ops[] = { "set", NULL };

static void
lwwreg_init (MmrCrdt *crdt)
{
  (void) crdt;
}

static void
lwwreg_clear (MmrCrdt *crdt)
{
  g_clear_pointer (&((LwwRegister *) crdt)->value, g_free);
}

static void
assign (LwwRegister *dst, const LwwRegister *src)
{
  dst->is_set = src->is_set;
  dst->ts = src->ts;
  dst->logical = src->logical;
  dst->writer = src->writer;
  g_free (dst->value);
  dst->value = g_strdup (src->value);
}

static void
lwwreg_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  assign ((LwwRegister *) dst, (const LwwRegister *) src);
}

/* DOC: lww-order */
static int
compare_writes (const LwwRegister *a, const LwwRegister *b)
{
  if (a->is_set != b->is_set)
    return a->is_set ? 1 : -1;
  if (!a->is_set)
    return 0;
  if (a->ts != b->ts)
    return a->ts < b->ts ? -1 : 1;
  if (a->logical != b->logical)
    return a->logical < b->logical ? -1 : 1;
  if (a->writer != b->writer)
    return a->writer < b->writer ? -1 : 1;
  return strcmp (a->value, b->value);
}

static MmrCrdt *
lwwreg_apply (MmrCrdt *crdt, const char *op, const char *arg,
              const MmrCrdtStamp *stamp, GError **error)
{
  LwwRegister *self = (LwwRegister *) crdt;
  LwwRegister *delta;

  if (mmr_crdt_find_op (ops, op) < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (!mmr_crdt_check_value (op, arg, error))
    return NULL;
  if (stamp == NULL && self->is_set && self->ts == G_MAXINT64)
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "the register's Lamport timestamp is exhausted");
      return NULL;
    }
  delta = (LwwRegister *) mmr_crdt_new_delta_for (crdt);
  delta->is_set = TRUE;
  /* DOC: lww-lamport-default */
  delta->ts = stamp != NULL ? stamp->ts : self->is_set ? self->ts + 1 : 1;
  delta->logical = stamp != NULL ? stamp->logical : 0;
  delta->writer = crdt->replica;
  delta->value = g_strdup (arg);
  if (compare_writes (delta, self) > 0)
    assign (self, delta);
  return &delta->parent;
}

static void
lwwreg_merge (MmrCrdt *into, const MmrCrdt *other)
{
  if (compare_writes ((const LwwRegister *) other,
                      (const LwwRegister *) into) > 0)
    assign ((LwwRegister *) into, (const LwwRegister *) other);
}

static gboolean
lwwreg_equal (const MmrCrdt *a, const MmrCrdt *b)
{
  return compare_writes ((const LwwRegister *) a,
                         (const LwwRegister *) b) == 0;
}

static gboolean
lwwreg_is_empty (const MmrCrdt *crdt)
{
  return !((const LwwRegister *) crdt)->is_set;
}

static void
lwwreg_encode (const MmrCrdt *crdt, GByteArray *out)
{
  const LwwRegister *self = (const LwwRegister *) crdt;

  mmr_codec_put_u8 (out, self->is_set ? 1 : 0);
  if (!self->is_set)
    return;
  mmr_codec_put_zigzag (out, self->ts);
  mmr_codec_put_varint (out, self->logical);
  mmr_codec_put_u8 (out, self->writer);
  mmr_codec_put_string (out, self->value);
}

static gboolean
lwwreg_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  LwwRegister *self = (LwwRegister *) crdt;
  guint8 is_set;
  guint64 logical;

  if (!mmr_codec_get_u8 (r, &is_set, error))
    return FALSE;
  if (is_set > 1)
    {
      r->pos--;
      return mmr_codec_fail (r, error, "unknown register flag");
    }
  if (!is_set)
    return TRUE;
  if (!mmr_codec_get_zigzag (r, &self->ts, error)
      || !mmr_codec_get_bounded (r, G_MAXUINT32, &logical, error)
      || !mmr_codec_get_u8 (r, &self->writer, error))
    return FALSE;
  if (self->writer >= MMR_MAX_REPLICAS)
    {
      r->pos--;
      return mmr_codec_fail (r, error, "replica index out of range");
    }
  if (!mmr_codec_get_string (r, &self->value, error))
    return FALSE;
  self->logical = (guint32) logical;
  self->is_set = TRUE;
  return TRUE;
}

static void
lwwreg_read (const MmrCrdt *crdt, GPtrArray *out)
{
  const LwwRegister *self = (const LwwRegister *) crdt;

  if (self->is_set)
    g_ptr_array_add (out, g_strdup (self->value));
}

static gsize
lwwreg_metadata_size (const MmrCrdt *crdt)
{
  return ((const LwwRegister *) crdt)->is_set
         ? MMR_META_STAMP + MMR_META_REPLICA : 0;
}

static void
lwwreg_describe (const MmrCrdt *crdt, GString *out)
{
  const LwwRegister *self = (const LwwRegister *) crdt;

  if (!self->is_set)
    {
      g_string_append (out, "{}");
      return;
    }
  g_string_append_printf (out, "{%s @ %" G_GINT64_FORMAT ".%u %c}",
                          self->value, self->ts, self->logical,
                          MMR_REPLICA_LETTER (self->writer));
}

const MmrCrdtClass mmr_lww_register_class = {
  .type = MMR_CRDT_LWW_REGISTER,
  .name = "lwwreg",
  .ops = ops,
  .instance_size = sizeof (LwwRegister),
  .init = lwwreg_init,
  .clear = lwwreg_clear,
  .copy = lwwreg_copy,
  .apply = lwwreg_apply,
  .merge = lwwreg_merge,
  .equal = lwwreg_equal,
  .is_empty = lwwreg_is_empty,
  .encode = lwwreg_encode,
  .decode = lwwreg_decode,
  .read = lwwreg_read,
  .metadata_size = lwwreg_metadata_size,
  .describe = lwwreg_describe,
};
