/* run-db.c - schema and blob codecs of a recorded run (see run-db.h)
 *
 * Interface: mmr_run_db_format, mmr_run_db_schema_sql,
 * encode/decode_entries, _versions, _dots, parse_kind, parse_rule, the
 * code names (dup_kind_names, dup_rule_names, codes_init).
 *
 * Design: events and changes are packed into blocks (run-db-blocks.c), a
 * row of SQLite per few thousand, because a row per event cost the
 * recorder several times the run itself (docs/benchmarks.md); kinds and
 * rules are stored as codes with their names in meta, so the file
 * survives new enum values. Register
 * state is stored as view entries - what a reader saw - because that is
 * what replay must reproduce, byte for byte, through any change to the
 * view rules (merge functions, CRDT reads) made after the recording.
 *
 * Invariants: changes.id and snapshots.id grow with virtual time; a
 * snapshot's last_change is the last change it includes; decoding
 * rejects, never trusts, a malformed blob. A decoder's data may be NULL
 * when its length is 0 (sqlite3_column_blob of a NULL or empty column):
 * each checks the length before computing data + len, since arithmetic
 * on NULL, even "+ 0", is undefined in C (tests/record/run-db-null-test.c).
 */
#include "record/run-db.h"

#include <string.h>

const MmrStorageFormat mmr_run_db_format = {
  MMR_RUN_DB_APPLICATION_ID, MMR_RUN_DB_SCHEMA_VERSION, "run database"
};

const MmrOutputFormat mmr_run_db_output_format = {
  "run database", MMR_RUN_DB_APPLICATION_ID, NULL, NULL
};

/* DOC: run-db-schema */
const char mmr_run_db_schema_sql[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE replicas (idx INTEGER PRIMARY KEY, name TEXT NOT NULL);"
  /* Events and changes, packed (run-db-blocks.c): first_seq and
   * first_id are the first event's seq and the first change's id, n how
   * many the block holds; time never decreases along either. */
  "CREATE TABLE event_blocks ("
  "  first_seq INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
  "  first_time_us INTEGER NOT NULL, last_time_us INTEGER NOT NULL,"
  "  data BLOB NOT NULL);"
  "CREATE TABLE change_blocks ("
  "  first_id INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
  "  first_time_us INTEGER NOT NULL, last_time_us INTEGER NOT NULL,"
  "  data BLOB NOT NULL);"
  "CREATE TABLE snapshots ("
  "  id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
  "  time_us INTEGER NOT NULL, last_change INTEGER NOT NULL);"
  "CREATE TABLE snapshot_registers ("
  "  snapshot INTEGER NOT NULL, replica INTEGER NOT NULL,"
  "  register TEXT NOT NULL, entries BLOB NOT NULL,"
  "  PRIMARY KEY (snapshot, replica, register)) WITHOUT ROWID;";

/* DOC: run-db-entries */
static void
encode_entry (GByteArray *out, const MmrViewEntry *e)
{
  guint8 flags = (e->is_absent ? 1 : 0) | (e->has_tombstone ? 2 : 0);
  guint8 vv[MMR_STORAGE_VV_MAX];
  gsize vv_len = mmr_storage_vv_encode (&e->vv, vv);

  mmr_storage_put_string (out, e->name);
  g_byte_array_append (out, &flags, 1);
  mmr_storage_put_varint (out, e->n_siblings);
  mmr_storage_put_varint (out, e->n_live);
  mmr_storage_put_varint (out, vv_len);
  g_byte_array_append (out, vv, (guint) vv_len);
  mmr_storage_put_string (out, e->crdt_type != NULL ? e->crdt_type : "");
  mmr_storage_put_varint (out, e->values->len);
  for (guint i = 0; i < e->values->len; i++)
    mmr_storage_put_string (out, e->values->pdata[i]);
}

void
mmr_run_db_encode_entries (GByteArray *out, GPtrArray *entries, guint first,
                           guint n)
{
  mmr_storage_put_varint (out, n);
  for (guint i = first; i < first + n; i++)
    encode_entry (out, entries->pdata[i]);
}

static gboolean
decode_entry (const guint8 **p, const guint8 *end, MmrViewEntry *e)
{
  guint64 n_siblings, n_live, vv_len, n_values;
  g_autofree char *crdt = NULL;
  guint8 flags;

  if (!mmr_storage_get_string (p, end, &e->name) || *p >= end)
    return FALSE;
  flags = *(*p)++;
  if (flags > 3 || !mmr_storage_get_varint (p, end, &n_siblings)
      || !mmr_storage_get_varint (p, end, &n_live)
      || !mmr_storage_get_varint (p, end, &vv_len)
      || vv_len > (guint64) (end - *p) || n_siblings > G_MAXUINT
      || n_live > G_MAXUINT
      || !mmr_storage_vv_decode (*p, vv_len, &e->vv))
    return FALSE;
  *p += vv_len;
  e->is_absent = (flags & 1) != 0;
  e->has_tombstone = (flags & 2) != 0;
  e->n_siblings = (guint) n_siblings;
  e->n_live = (guint) n_live;
  if (!mmr_storage_get_string (p, end, &crdt)
      || !mmr_storage_get_varint (p, end, &n_values)
      || n_values > (guint64) (end - *p))
    return FALSE;
  /* A view entry borrows its type name; interned strings live forever. */
  e->crdt_type = *crdt != '\0' ? g_intern_string (crdt) : NULL;
  for (guint64 i = 0; i < n_values; i++)
    {
      char *v = NULL;

      if (!mmr_storage_get_string (p, end, &v))
        return FALSE;
      g_ptr_array_add (e->values, v);
    }
  return TRUE;
}

gboolean
mmr_run_db_decode_entries (const guint8 *data, gsize len,
                           const char *register_name, GPtrArray *into)
{
  const guint8 *p = data, *end;
  guint64 n;

  if (len == 0)               /* no count: not an entries blob */
    return FALSE;
  end = data + len;
  if (!mmr_storage_get_varint (&p, end, &n) || n > len)
    return FALSE;
  for (guint64 i = 0; i < n; i++)
    {
      MmrViewEntry *e = g_new0 (MmrViewEntry, 1);

      e->register_name = g_strdup (register_name);
      e->values = g_ptr_array_new_with_free_func (g_free);
      if (!decode_entry (&p, end, e))
        {
          mmr_view_entry_free (e);
          return FALSE;
        }
      g_ptr_array_add (into, e);
    }
  return p == end;
}

/* DOC: run-db-dots */
void
mmr_run_db_encode_dots (GByteArray *out, const MmrDot *dots, guint n)
{
  g_byte_array_set_size (out, 0);
  for (guint i = 0; i < n; i++)
    {
      g_byte_array_append (out, &dots[i].replica, 1);
      mmr_storage_put_varint (out, dots[i].counter);
    }
}

gboolean
mmr_run_db_decode_dots (const guint8 *data, gsize len, GArray *into)
{
  const guint8 *p = data, *end;

  g_array_set_size (into, 0);
  if (len == 0)               /* see "Invariants": maybe NULL */
    return TRUE;
  end = data + len;
  while (p < end)
    {
      MmrDot d;
      guint64 counter;

      d.replica = *p++;
      if (d.replica >= MMR_MAX_REPLICAS
          || !mmr_storage_get_varint (&p, end, &counter) || counter == 0
          || counter > G_MAXUINT32)
        return FALSE;
      d.counter = (guint32) counter;
      g_array_append_val (into, d);
    }
  return TRUE;
}

/* DOC: run-db-versions */
void
mmr_run_db_encode_versions (GByteArray *out, const MmrEventVersion *versions,
                            guint n)
{
  g_byte_array_set_size (out, 0);
  mmr_storage_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    mmr_storage_put_version (out, versions[i].dot, versions[i].ts,
                             versions[i].ts_logical, versions[i].hlc,
                             versions[i].value);
}

gboolean
mmr_run_db_decode_versions (const guint8 *data, gsize len, GArray *into,
                            GPtrArray *values)
{
  const guint8 *p = data, *end;
  guint64 n = 0;

  g_array_set_size (into, 0);
  if (len == 0)               /* see "Invariants": maybe NULL */
    return TRUE;
  end = data + len;
  if (!mmr_storage_get_varint (&p, end, &n) || n > len)
    return FALSE;
  for (guint64 i = 0; i < n; i++)
    {
      MmrEventVersion v = { 0 };
      char *value = NULL;
      gboolean ok = mmr_storage_get_version (&p, end, &v.dot, &v.ts,
                                             &v.ts_logical, &v.hlc, &value);

      if (value != NULL)
        g_ptr_array_add (values, value);
      if (!ok)
        return FALSE;
      v.value = value;
      g_array_append_val (into, v);
    }
  return p == end;
}

gboolean
mmr_run_db_parse_kind (const char *text, MmrEventKind *out)
{
  for (int k = 0; text != NULL && k < MMR_EV_N_KINDS; k++)
    if (strcmp (mmr_event_kind_to_string ((MmrEventKind) k), text) == 0)
      {
        *out = (MmrEventKind) k;
        return TRUE;
      }
  return FALSE;
}

/* The last rule event.h names; mmr_resolve_rule_to_string asserts past
 * it. */
#define LAST_RULE MMR_RESOLVE_MERGED

gboolean
mmr_run_db_parse_rule (const char *text, MmrResolveRule *out)
{
  for (int r = 0; text != NULL && r <= (int) LAST_RULE; r++)
    if (strcmp (mmr_resolve_rule_to_string ((MmrResolveRule) r), text) == 0)
      {
        *out = (MmrResolveRule) r;
        return TRUE;
      }
  return FALSE;
}

char *
mmr_run_db_dup_kind_names (void)
{
  GString *s = g_string_new (NULL);

  for (int k = 0; k < MMR_EV_N_KINDS; k++)
    g_string_append_printf (s, "%s%s", k > 0 ? " " : "",
                            mmr_event_kind_to_string ((MmrEventKind) k));
  return g_string_free (s, FALSE);
}

char *
mmr_run_db_dup_rule_names (void)
{
  GString *s = g_string_new (NULL);

  for (int r = 0; r <= (int) LAST_RULE; r++)
    g_string_append_printf (s, "%s%s", r > 0 ? " " : "",
                            mmr_resolve_rule_to_string ((MmrResolveRule) r));
  return g_string_free (s, FALSE);
}

void
mmr_run_db_codes_init (MmrRunDbCodes *codes, const char *kinds,
                       const char *rules, guint n_replicas)
{
  g_auto (GStrv) k = g_strsplit (kinds, " ", 256);
  g_auto (GStrv) r = g_strsplit (rules, " ", 256);

  memset (codes, 0, sizeof *codes);
  codes->n_replicas = n_replicas;
  for (codes->n_kinds = 0; k[codes->n_kinds] != NULL; codes->n_kinds++)
    codes->has_kind[codes->n_kinds] = mmr_run_db_parse_kind (
        k[codes->n_kinds], &codes->kinds[codes->n_kinds]);
  for (codes->n_rules = 0; r[codes->n_rules] != NULL; codes->n_rules++)
    codes->has_rule[codes->n_rules] = mmr_run_db_parse_rule (
        r[codes->n_rules], &codes->rules[codes->n_rules]);
}
