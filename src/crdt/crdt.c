/* crdt.c - one interface over every CRDT type
 *
 * The engine (and the scenario language) name a type and an operation as
 * strings and hold states as opaque MmrCrdt pointers; this file turns those
 * into calls on the type's MmrCrdtClass (crdt-class.h) and does what every
 * type shares:
 *
 *   - allocation, copy and free of a state of any type;
 *   - the delta flag: a state built by an operation is a delta until a
 *     full state is merged into it (see mmr_crdt_merge);
 *   - the encoding header and its checks;
 *   - error messages for unknown types and operations.
 *
 * Encoding (format version 1): version:u8 type:u8 flags:u8 payload, where
 * flags bit 0 marks a delta and the payload is the type's own (each type's
 * file documents it). Decoding rejects a wrong version, an unknown type,
 * unknown flag bits, any payload the type would not have produced, and
 * trailing bytes.
 *
 * Invariant: merge is a join. For all reachable states a, b, c of one type,
 * merge(a, b) == merge(b, a), merge(merge(a, b), c) == merge(a, merge(b, c))
 * and merge(a, a) == a, under mmr_crdt_equal; tests/crdt/crdt-laws-test.cc
 * checks it for every type on seeded random states.
 *
 * Taught in docs/crdts.md.
 */
#include "crdt/crdt-class.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (mmr-crdt-error-quark, mmr_crdt_error)

static const MmrCrdtClass *const classes[MMR_CRDT_N_TYPES] = {
  [MMR_CRDT_GCOUNTER] = &mmr_g_counter_class,
  [MMR_CRDT_PNCOUNTER] = &mmr_pn_counter_class,
  [MMR_CRDT_GSET] = &mmr_g_set_class,
  [MMR_CRDT_TWO_P_SET] = &mmr_two_p_set_class,
  [MMR_CRDT_ORSET] = &mmr_or_set_class,
  [MMR_CRDT_LWW_REGISTER] = &mmr_lww_register_class,
  [MMR_CRDT_MV_REGISTER] = &mmr_mv_register_class,
  [MMR_CRDT_ORMAP] = &mmr_or_map_class,
};

const char *
mmr_crdt_type_to_string (MmrCrdtType type)
{
  g_return_val_if_fail (type < MMR_CRDT_N_TYPES, NULL);
  return classes[type]->name;
}

gboolean
mmr_crdt_type_from_string (const char *name, MmrCrdtType *out_type,
                           GError **error)
{
  g_return_val_if_fail (name != NULL && out_type != NULL, FALSE);
  for (guint t = 0; t < MMR_CRDT_N_TYPES; t++)
    if (strcmp (classes[t]->name, name) == 0)
      {
        *out_type = (MmrCrdtType) t;
        return TRUE;
      }
  g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_UNKNOWN_TYPE,
               "unknown CRDT type '%s'; expected gcounter, pncounter, gset, "
               "2pset, orset, lwwreg, mvreg or ormap", name);
  return FALSE;
}

const char *const *
mmr_crdt_type_get_ops (MmrCrdtType type)
{
  g_return_val_if_fail (type < MMR_CRDT_N_TYPES, NULL);
  return classes[type]->ops;
}

static MmrCrdt *
alloc_state (const MmrCrdtClass *klass, guint replica)
{
  MmrCrdt *crdt = g_malloc0 (klass->instance_size);

  crdt->klass = klass;
  crdt->replica = (guint8) replica;
  klass->init (crdt);
  return crdt;
}

MmrCrdt *
mmr_crdt_new (MmrCrdtType type, guint replica)
{
  g_return_val_if_fail (type < MMR_CRDT_N_TYPES, NULL);
  g_return_val_if_fail (replica < MMR_MAX_REPLICAS, NULL);
  return alloc_state (classes[type], replica);
}

MmrCrdt *
mmr_crdt_new_delta_for (const MmrCrdt *crdt)
{
  MmrCrdt *delta = alloc_state (crdt->klass, crdt->replica);

  delta->is_delta = TRUE;
  return delta;
}

void
mmr_crdt_free (MmrCrdt *crdt)
{
  if (crdt == NULL)
    return;
  crdt->klass->clear (crdt);
  g_free (crdt);
}

MmrCrdt *
mmr_crdt_copy (const MmrCrdt *crdt)
{
  MmrCrdt *dst;

  g_return_val_if_fail (crdt != NULL, NULL);
  dst = alloc_state (crdt->klass, crdt->replica);
  dst->is_delta = crdt->is_delta;
  crdt->klass->copy (dst, crdt);
  return dst;
}

MmrCrdtType
mmr_crdt_type_of (const MmrCrdt *crdt)
{
  return crdt->klass->type;
}

guint
mmr_crdt_get_replica (const MmrCrdt *crdt)
{
  return crdt->replica;
}

gboolean
mmr_crdt_is_delta (const MmrCrdt *crdt)
{
  return crdt->is_delta;
}

gboolean
mmr_crdt_is_empty (const MmrCrdt *crdt)
{
  return crdt->klass->is_empty (crdt);
}

void
mmr_crdt_set_dot_floor (MmrCrdt *crdt, guint32 floor)
{
  crdt->dot_floor = floor;
}

MmrCrdt *
mmr_crdt_apply_at (MmrCrdt *crdt, const char *op, const char *arg,
                   const MmrCrdtStamp *stamp, GError **error)
{
  g_return_val_if_fail (crdt != NULL && op != NULL, NULL);
  return crdt->klass->apply (crdt, op, arg, stamp, error);
}

MmrCrdt *
mmr_crdt_apply (MmrCrdt *crdt, const char *op, const char *arg,
                GError **error)
{
  return mmr_crdt_apply_at (crdt, op, arg, NULL, error);
}

/* DOC: crdt-merge */
gboolean
mmr_crdt_merge (MmrCrdt *into, const MmrCrdt *other, GError **error)
{
  g_return_val_if_fail (into != NULL && other != NULL, FALSE);
  if (into->klass != other->klass)
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_TYPE_MISMATCH,
                   "cannot merge %s into %s", other->klass->name,
                   into->klass->name);
      return FALSE;
    }
  if (into == other)
    return TRUE;   /* idempotence: a state joined with itself is itself */
  into->klass->merge (into, other);
  /* A delta promises that its causal context speaks only of the elements
   * it lists (see or-set.c); a full state joined in breaks that promise. */
  into->is_delta = into->is_delta && other->is_delta;
  return TRUE;
}

gboolean
mmr_crdt_equal (const MmrCrdt *a, const MmrCrdt *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (a->klass != b->klass)
    return FALSE;
  return a->klass->equal (a, b);
}

int
mmr_crdt_strv_compare (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

const char **
mmr_crdt_sorted_keys (GHashTable *table, guint *out_n)
{
  guint n = g_hash_table_size (table);
  const char **keys = g_new (const char *, n + 1);
  GHashTableIter iter;
  gpointer key;
  guint i = 0;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    keys[i++] = key;
  keys[n] = NULL;
  qsort (keys, n, sizeof *keys, mmr_crdt_strv_compare);
  *out_n = n;
  return keys;
}

GPtrArray *
mmr_crdt_read (const MmrCrdt *crdt)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (crdt != NULL, out);
  crdt->klass->read (crdt, out);
  g_ptr_array_sort (out, mmr_crdt_strv_compare);
  return out;
}

GBytes *
mmr_crdt_encode (const MmrCrdt *crdt)
{
  GByteArray *out = g_byte_array_new ();

  g_return_val_if_fail (crdt != NULL, NULL);
  mmr_codec_put_u8 (out, MMR_CRDT_FORMAT_VERSION);
  mmr_codec_put_u8 (out, (guint8) crdt->klass->type);
  mmr_codec_put_u8 (out, crdt->is_delta ? 1 : 0);
  crdt->klass->encode (crdt, out);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
decode_header (MmrCodecReader *r, const MmrCrdtClass **out_klass,
               gboolean *out_delta, GError **error)
{
  guint8 version, type, flags;

  if (!mmr_codec_get_u8 (r, &version, error))
    return FALSE;
  if (version != MMR_CRDT_FORMAT_VERSION)
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_VERSION,
                   "CRDT format version %u; this build reads version %u",
                   version, MMR_CRDT_FORMAT_VERSION);
      return FALSE;
    }
  if (!mmr_codec_get_u8 (r, &type, error))
    return FALSE;
  if (type >= MMR_CRDT_N_TYPES)
    {
      r->pos--;
      return mmr_codec_fail (r, error, "unknown CRDT type");
    }
  if (!mmr_codec_get_u8 (r, &flags, error))
    return FALSE;
  if (flags > 1)
    {
      r->pos--;
      return mmr_codec_fail (r, error, "unknown flags");
    }
  *out_klass = classes[type];
  *out_delta = flags == 1;
  return TRUE;
}

MmrCrdt *
mmr_crdt_decode (GBytes *bytes, guint replica, GError **error)
{
  MmrCodecReader r;
  const MmrCrdtClass *klass = NULL;
  gboolean is_delta = FALSE;
  gsize len;
  const guint8 *data;
  g_autoptr (MmrCrdt) crdt = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (replica < MMR_MAX_REPLICAS, NULL);
  data = g_bytes_get_data (bytes, &len);
  mmr_codec_reader_init (&r, data, len);
  if (!decode_header (&r, &klass, &is_delta, error))
    return NULL;
  crdt = alloc_state (klass, replica);
  crdt->is_delta = is_delta;
  if (!klass->decode (crdt, &r, error) || !mmr_codec_expect_end (&r, error))
    return NULL;
  return g_steal_pointer (&crdt);
}

gsize
mmr_crdt_metadata_size (const MmrCrdt *crdt)
{
  return crdt->klass->metadata_size (crdt);
}

char *
mmr_crdt_to_string (const MmrCrdt *crdt)
{
  GString *s = g_string_new (crdt->klass->name);

  if (crdt->is_delta)
    g_string_append (s, "(delta)");
  crdt->klass->describe (crdt, s);
  return g_string_free (s, FALSE);
}

/* Error messages and argument checks shared by the types. */

int
mmr_crdt_find_op (const char *const *ops, const char *op)
{
  for (int i = 0; ops[i] != NULL; i++)
    if (strcmp (ops[i], op) == 0)
      return i;
  return -1;
}

void
mmr_crdt_set_bad_op_error (GError **error, const char *type_name,
                           const char *const *ops, const char *op)
{
  GString *expected = g_string_new (NULL);
  guint n = g_strv_length ((char **) ops);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (expected, i + 1 == n ? " or " : ", ");
      g_string_append (expected, ops[i]);
    }
  g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_OP,
               "%s has no operation '%s'; expected %s", type_name, op,
               expected->str);
  g_string_free (expected, TRUE);
}

gboolean
mmr_crdt_parse_amount (const char *op, const char *arg, guint64 *out,
                       GError **error)
{
  guint64 v = 0;

  if (arg == NULL || arg[0] == '\0')
    {
      *out = 1;
      return TRUE;
    }
  for (const char *p = arg; *p != '\0'; p++)
    {
      guint64 digit = (guint64) (*p - '0');

      /* Non-digits and numbers past the maximum both end here as 0. */
      if (!g_ascii_isdigit (*p) || v > (MMR_CRDT_COUNT_MAX - digit) / 10)
        {
          v = 0;
          break;
        }
      v = v * 10 + digit;
    }
  if (v == 0)
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "%s needs a whole number from 1 to %" G_GINT64_FORMAT
                   ", got '%s'", op, MMR_CRDT_COUNT_MAX, arg);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
mmr_crdt_check_element (const char *op, const char *arg, GError **error)
{
  if (arg == NULL || arg[0] == '\0')
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "%s needs an element", op);
      return FALSE;
    }
  return TRUE;
}

gboolean
mmr_crdt_check_value (const char *op, const char *arg, GError **error)
{
  if (arg == NULL)
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "%s needs a value", op);
      return FALSE;
    }
  return TRUE;
}
