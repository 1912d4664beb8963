/* view.c - registers as a reader sees them (see view.h)
 *
 * Visibility rules (docs/conflicts.md, "Reading"):
 *   - a register whose versions are all tombstones reads as absent;
 *   - otherwise the values of the non-tombstone versions are read back
 *     together (one value, or siblings);
 *   - with granularity record, each field of the record is its own entry;
 *     a field is visible when at least one live version has it.
 */
#include "sim/view.h"

#include <string.h>

#include "store/merge-fn.h"

void
mmr_view_entry_free (MmrViewEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->name);
  g_free (e->register_name);
  g_ptr_array_unref (e->values);
  g_free (e);
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
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

/* The merge of @values as a reader sees it: their distinct values, merged
 * when there are two or more (apply_merge below does the same). */
static char *
merge_distinct (const char *merge, GPtrArray *values)
{
  sort_unique (values);
  if (values->len == 0)
    return NULL;
  if (values->len == 1)
    return g_strdup (values->pdata[0]);
  return mmr_merge_apply (merge, (const char *const *) values->pdata,
                          values->len);
}

/* DOC: merge-per-field */
char *
mmr_view_merge_values (MmrGranularity granularity, const char *merge,
                       const char *const *values, guint n)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GPtrArray) fields = NULL;
  char *record = NULL;

  if (granularity == MMR_GRANULARITY_FIELD)
    {
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (all, g_strdup (values[i]));
      return merge_distinct (merge, all);
    }
  /* Record granularity: a record's encoding is not a value to merge; each
   * field is merged over the records that have it, as the view reads. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  fields = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GPtrArray) fs = mmr_record_dup_fields (values[i]);

      for (guint f = 0; f < fs->len; f++)
        if (!g_hash_table_contains (seen, fs->pdata[f]))
          {
            g_hash_table_add (seen, fs->pdata[f]);
            g_ptr_array_add (fields, g_strdup (fs->pdata[f]));
          }
    }
  for (guint f = 0; f < fields->len; f++)
    {
      g_autoptr (GPtrArray) vs = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *merged = NULL;
      char *next;

      for (guint i = 0; i < n; i++)
        {
          char *v = mmr_record_dup_field (values[i], fields->pdata[f]);

          if (v != NULL)
            g_ptr_array_add (vs, v);
        }
      merged = merge_distinct (merge, vs);
      next = mmr_record_set_field (record, fields->pdata[f], merged);
      g_free (record);
      record = next;
    }
  return record;
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

/* DOC: read-merge */
/* Strategy merge: the reader sees one value, the merge of the siblings'.
 * Every replica with the same siblings computes the same value. */
static void
apply_merge (MmrViewEntry *e, const char *merge)
{
  char *merged;

  if (merge == NULL || e->values->len < 2)
    return;
  merged = mmr_merge_apply (merge, (const char *const *) e->values->pdata,
                            e->values->len);
  if (merged == NULL)
    return;
  g_ptr_array_set_size (e->values, 0);
  g_ptr_array_add (e->values, merged);
}

static void
add_register_entries (GPtrArray *out, MmrGranularity granularity,
                      const char *name, const MmrRegister *reg,
                      gboolean with_absent, const char *merge)
{
  g_autoptr (GHashTable) fields = NULL;
  g_autoptr (GPtrArray) field_names = NULL;

  if (granularity == MMR_GRANULARITY_FIELD || mmr_register_is_absent (reg))
    {
      MmrViewEntry *e;

      if (mmr_register_is_absent (reg) && !with_absent)
        return;
      e = entry_new (name, name, reg);
      for (guint i = 0; i < reg->n_siblings; i++)
        if (reg->siblings[i].value != NULL)
          g_ptr_array_add (e->values, g_strdup (reg->siblings[i].value));
      sort_unique (e->values);
      apply_merge (e, merge);
      g_ptr_array_add (out, e);
      return;
    }
  /* Record granularity: one entry per field present in a live version. */
  /* Keys are borrowed from field_names, which owns them. */
  fields = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                  (GDestroyNotify) mmr_view_entry_free);
  field_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      g_autoptr (GPtrArray) fs = NULL;

      if (reg->siblings[i].value == NULL)
        continue;
      fs = mmr_record_dup_fields (reg->siblings[i].value);
      for (guint f = 0; f < fs->len; f++)
        {
          const char *field = fs->pdata[f];
          MmrViewEntry *e = g_hash_table_lookup (fields, field);

          if (e == NULL)
            {
              g_autofree char *full = *field != '\0'
                                      ? g_strconcat (name, ".", field, NULL)
                                      : g_strdup (name);

              char *key = g_strdup (field);

              e = entry_new (full, name, reg);
              g_ptr_array_add (field_names, key);
              g_hash_table_insert (fields, key, e);
            }
          g_ptr_array_add (e->values,
                           mmr_record_dup_field (reg->siblings[i].value, field));
        }
    }
  for (guint f = 0; f < field_names->len; f++)
    {
      MmrViewEntry *e = g_hash_table_lookup (fields, field_names->pdata[f]);

      g_hash_table_steal (fields, field_names->pdata[f]);
      sort_unique (e->values);
      apply_merge (e, merge);
      g_ptr_array_add (out, e);
    }
}

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  const MmrViewEntry *x = *(const MmrViewEntry *const *) a;
  const MmrViewEntry *y = *(const MmrViewEntry *const *) b;

  return strcmp (x->name, y->name);
}

/* DOC: crdt-view */
/* A CRDT key reads as its value: a counter's number, a set's elements.
 * It has no version vector: its merge needs none. */
static void
add_crdt_entry (GPtrArray *out, const MmrWorld *world, guint replica,
                const char *key, gboolean with_absent)
{
  const MmrCrdt *c = mmr_world_get_crdt (world, replica, key);
  MmrViewEntry *e = g_new0 (MmrViewEntry, 1);

  e->name = g_strdup (key);
  e->register_name = g_strdup (key);
  e->values = mmr_crdt_read (c);
  g_ptr_array_set_free_func (e->values, g_free);
  e->n_siblings = e->n_live = 1;
  e->crdt_type = mmr_crdt_type_to_string (mmr_crdt_type_of (c));
  /* An empty set or an unset register reads as absent. */
  e->is_absent = e->values->len == 0;
  if (e->is_absent && !with_absent)
    mmr_view_entry_free (e);
  else
    g_ptr_array_add (out, e);
}

static const char *
merge_of (const MmrWorldConfig *cfg)
{
  return cfg->strategy == MMR_STRATEGY_MERGE ? cfg->merge : NULL;
}

GPtrArray *
mmr_view_dup (const MmrWorld *world, guint replica, gboolean with_absent)
{
  MmrStore *store = (MmrStore *) mmr_world_get_store (world, replica);
  g_autoptr (GPtrArray) names = mmr_store_dup_names (store);
  GPtrArray *out = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_view_entry_free);
  const MmrWorldConfig *cfg = mmr_world_get_config (world);
  g_autoptr (GPtrArray) crdt_keys = mmr_world_dup_crdt_keys (world, replica);

  for (guint i = 0; i < names->len; i++)
    add_register_entries (out, cfg->granularity, names->pdata[i],
                          mmr_store_lookup (store, names->pdata[i]),
                          with_absent, merge_of (cfg));
  for (guint i = 0; i < crdt_keys->len; i++)
    add_crdt_entry (out, world, replica, crdt_keys->pdata[i], with_absent);
  g_ptr_array_sort (out, entry_cmp);
  return out;
}

GPtrArray *
mmr_view_dup_register (const MmrWorld *world, guint replica,
                       const char *register_name, gboolean with_absent)
{
  MmrStore *store = (MmrStore *) mmr_world_get_store (world, replica);
  const MmrRegister *reg = mmr_store_lookup (store, register_name);
  GPtrArray *out = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_view_entry_free);
  const MmrWorldConfig *cfg = mmr_world_get_config (world);

  if (reg != NULL)
    add_register_entries (out, cfg->granularity, register_name, reg,
                          with_absent, merge_of (cfg));
  else if (mmr_world_get_crdt (world, replica, register_name) != NULL)
    add_crdt_entry (out, world, replica, register_name, with_absent);
  g_ptr_array_sort (out, entry_cmp);
  return out;
}

/* Reads only the register that can hold @name, not the whole replica. */
MmrViewEntry *
mmr_view_lookup (const MmrWorld *world, guint replica, const char *name)
{
  g_autofree char *key = NULL;
  g_autofree char *field = NULL;
  g_autofree char *reg = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  mmr_record_split_name (name, &key, &field);
  reg = mmr_record_register_name (mmr_world_get_config (world)->granularity,
                                  key, field);
  entries = mmr_view_dup_register (world, replica, reg, TRUE);
  if (entries->len == 0 && strcmp (reg, name) != 0)
    {
      g_ptr_array_unref (entries);
      entries = mmr_view_dup_register (world, replica, name, TRUE);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      MmrViewEntry *e = entries->pdata[i];

      if (strcmp (e->name, name) == 0)
        return g_ptr_array_steal_index (entries, i);
    }
  return NULL;
}

MmrViewEntry *
mmr_view_read (MmrWorld *world, guint replica, const char *key,
               const char *field, MmrVersionVector *out_context)
{
  g_autofree char *entry = NULL;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (replica < mmr_world_n_replicas (world), NULL);
  entry = field != NULL && *field != '\0'
          ? g_strconcat (key, ".", field, NULL) : g_strdup (key);
  mmr_world_read (world, replica, key, field, out_context);
  return mmr_view_lookup (world, replica, entry);
}

char *
mmr_view_entry_format (const MmrViewEntry *e)
{
  GString *s;

  if (e == NULL || e->is_absent || e->values->len == 0)
    return g_strdup ("absent");
  if (e->values->len == 1)
    return g_strdup (e->values->pdata[0]);
  s = g_string_new ("{");
  for (guint i = 0; i < e->values->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "",
                            (const char *) e->values->pdata[i]);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

char *
mmr_view_format_value (MmrGranularity granularity, const char *value)
{
  g_autoptr (GPtrArray) fields = NULL;
  GString *s;

  if (value == NULL)
    return g_strdup ("(deleted)");
  if (granularity == MMR_GRANULARITY_FIELD)
    return g_strdup (value);
  fields = mmr_record_dup_fields (value);
  if (fields->len == 1 && *(const char *) fields->pdata[0] == '\0')
    return g_strdup (value);
  s = g_string_new ("{");
  for (guint i = 0; i < fields->len; i++)
    {
      g_autofree char *v = mmr_record_dup_field (value, fields->pdata[i]);

      g_string_append_printf (s, "%s%s: %s", i > 0 ? ", " : "",
                              (const char *) fields->pdata[i], v);
    }
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}
