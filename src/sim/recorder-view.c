/* recorder-view.c - the view of one register, for the recorder
 *
 * The recorder stores, at every change, the changed register's view
 * entries. view.h reads a whole replica at a time (mmr_view_dup), which
 * would make each change cost O(registers) - minutes for a run with
 * thousands of keys. This file computes the same entries for one
 * register, in O(its siblings), with the same rules as view.c
 * (docs/conflicts.md, "Reading"):
 *
 *   - all versions tombstones: one entry, absent;
 *   - granularity field: one entry, the sorted distinct live values;
 *   - granularity record: one entry per field of a live version;
 *   - strategy merge: several values read as their merge;
 *   - a CRDT key: one entry, its read value.
 *
 * It mirrors view.c's add_register_entries and CRDT branch. The recorder
 * test (tests/sim/recorder-test.cc) replays every example scenario at every
 * instant and compares with mmr_view_dup, so the two cannot drift apart
 * unnoticed. When view.h gains a per-register function, this file goes.
 */
#include "sim/recorder-view.h"

#include <string.h>

#include "store/merge-fn.h"

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(const MmrViewEntry *const *) a)->name,
                 (*(const MmrViewEntry *const *) b)->name);
}

static void
sort_unique (GPtrArray *values)
{
  g_ptr_array_sort (values, str_ptr_cmp);
  for (guint i = 1; i < values->len;)
    if (strcmp (values->pdata[i - 1], values->pdata[i]) == 0)
      g_ptr_array_remove_index (values, i);
    else
      i++;
}

static MmrViewEntry *
entry_new (const char *name, const char *register_name, const MmrRegister *reg)
{
  MmrViewEntry *e = g_new0 (MmrViewEntry, 1);

  e->name = g_strdup (name);
  e->register_name = g_strdup (register_name);
  e->values = g_ptr_array_new_with_free_func (g_free);
  e->vv = reg->vv;
  e->n_siblings = reg->n_siblings;
  e->is_absent = mmr_register_is_absent (reg);
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      e->has_tombstone |= reg->siblings[i].value == NULL;
      e->n_live += reg->siblings[i].value != NULL;
    }
  return e;
}

static void
finish_entry (GPtrArray *out, MmrViewEntry *e, const char *merge)
{
  sort_unique (e->values);
  if (merge != NULL && e->values->len >= 2)
    {
      char *merged = mmr_merge_apply (merge,
                                      (const char *const *) e->values->pdata,
                                      e->values->len);

      if (merged != NULL)
        {
          g_ptr_array_set_size (e->values, 0);
          g_ptr_array_add (e->values, merged);
        }
    }
  g_ptr_array_add (out, e);
}

/* Granularity record: one entry per field present in a live version. */
static void
add_record_fields (GPtrArray *out, const char *name, const MmrRegister *reg,
                   const char *merge)
{
  g_autoptr (GHashTable) by_field = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) made = g_ptr_array_new ();   /* borrowed entries */

  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const char *value = reg->siblings[i].value;
      g_autoptr (GPtrArray) fields = NULL;

      if (value == NULL)
        continue;
      fields = mmr_record_dup_fields (value);
      for (guint f = 0; f < fields->len; f++)
        {
          const char *field = fields->pdata[f];
          MmrViewEntry *e = g_hash_table_lookup (by_field, field);

          if (e == NULL)
            {
              g_autofree char *full = *field != '\0'
                                      ? g_strconcat (name, ".", field, NULL)
                                      : g_strdup (name);

              e = entry_new (full, name, reg);
              g_hash_table_insert (by_field, g_strdup (field), e);
              g_ptr_array_add (made, e);
            }
          g_ptr_array_add (e->values, mmr_record_dup_field (value, field));
        }
    }
  for (guint i = 0; i < made->len; i++)
    finish_entry (out, made->pdata[i], merge);
}

static void
add_crdt_entry (GPtrArray *out, const char *key, const MmrCrdt *c)
{
  MmrViewEntry *e = g_new0 (MmrViewEntry, 1);

  e->name = g_strdup (key);
  e->register_name = g_strdup (key);
  e->values = mmr_crdt_read (c);
  g_ptr_array_set_free_func (e->values, g_free);
  e->n_siblings = e->n_live = 1;
  e->crdt_type = mmr_crdt_type_to_string (mmr_crdt_type_of (c));
  e->is_absent = e->values->len == 0;
  g_ptr_array_add (out, e);
}

/* DOC: recorder-register-view */
GPtrArray *
mmr_recorder_dup_register_view (const MmrWorld *world, guint replica,
                                const char *register_name)
{
  MmrStore *store = (MmrStore *) mmr_world_get_store (world, replica);
  const MmrRegister *reg = mmr_store_lookup (store, register_name);
  const MmrCrdt *crdt = mmr_world_get_crdt (world, replica, register_name);
  const MmrWorldConfig *cfg = mmr_world_get_config (world);
  const char *merge = cfg->strategy == MMR_STRATEGY_MERGE ? cfg->merge : NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_view_entry_free);

  if (reg != NULL && (cfg->granularity == MMR_GRANULARITY_FIELD
                      || mmr_register_is_absent (reg)))
    {
      MmrViewEntry *e = entry_new (register_name, register_name, reg);

      for (guint i = 0; i < reg->n_siblings; i++)
        if (reg->siblings[i].value != NULL)
          g_ptr_array_add (e->values, g_strdup (reg->siblings[i].value));
      finish_entry (out, e, merge);
    }
  else if (reg != NULL)
    add_record_fields (out, register_name, reg, merge);
  if (crdt != NULL)
    add_crdt_entry (out, register_name, crdt);
  g_ptr_array_sort (out, entry_cmp);
  return out;
}
