/* record.c - records with named fields, packed into one register value
 *
 * Under granularity "record" one register holds the whole record, so the
 * fields must travel as one string.  The encoding is deliberately plain:
 *
 *   fields sorted by name, each "name\x1Fvalue", joined by "\x1E"
 *   (ASCII unit and record separators), e.g. "age\x1F""41\x1Ename\x1F""Ada"
 *
 * and a record whose only field is the unnamed one ("") is just its value,
 * so a plain key stores exactly what was written.  Sorting makes the
 * encoding canonical: two replicas that hold the same fields hold the same
 * string, and equal strings are what the register compares.
 *
 * Interface:
 *   mmr_record_split_name     "user.name" -> ("user", "name")
 *   mmr_record_register_name  which register holds a field
 *   mmr_record_set_field      set or remove one field of an encoded record
 *   mmr_record_dup_field      read one field
 *   mmr_record_dup_fields     list the fields
 *
 * The empty record: a record with no fields is NULL, never "".  The string
 * "" always means "the unnamed field, set to the empty value"; were ""
 * also the empty record, writing an empty value to a plain key would read
 * back as absent.  mmr_record_set_field() returns NULL when it removes the
 * last field; the caller then deletes the key (writes a tombstone).
 *
 * A string with no unit separator is a bare value.  In a string with one,
 * a segment without a separator cannot have come from this file: it is
 * ignored, and of two segments with the same name the later wins.
 *
 * Taught in docs/conflicts.md ("Granularity") and lab 06.
 */
#include "store/record.h"

#include <string.h>

#define UNIT_SEP '\x1F'     /* between a field's name and its value */
#define RECORD_SEP "\x1E"   /* between fields */

typedef struct {
  char *name;
  char *value;
} Field;

static void
field_free (gpointer data)
{
  Field *f = data;

  g_free (f->name);
  g_free (f->value);
  g_free (f);
}

static Field *
field_new (const char *name, gsize name_len, const char *value)
{
  Field *f = g_new (Field, 1);

  f->name = g_strndup (name, name_len);
  f->value = g_strdup (value);
  return f;
}

/* Index of @name in the sorted @fields, or where it would be inserted. */
static guint
field_find (GPtrArray *fields, const char *name, gboolean *out_found)
{
  guint lo = 0, hi = fields->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = strcmp (((Field *) fields->pdata[mid])->name, name);

      if (cmp == 0)
        {
          *out_found = TRUE;
          return mid;
        }
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *out_found = FALSE;
  return lo;
}

/* Sets (replaces) or, with @value NULL, removes @name; keeps the order. */
static void
fields_put (GPtrArray *fields, Field *f)
{
  gboolean found;
  guint i = field_find (fields, f->name, &found);

  if (found && f->value == NULL)
    {
      g_ptr_array_remove_index (fields, i);
      field_free (f);
    }
  else if (found)
    {
      field_free (fields->pdata[i]);
      fields->pdata[i] = f;
    }
  else if (f->value != NULL)
    g_ptr_array_insert (fields, i, f);
  else
    field_free (f);
}

/* DOC: record-decode */
static GPtrArray *
fields_parse (const char *encoded)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (field_free);
  g_auto (GStrv) segments = NULL;

  if (encoded == NULL)
    return fields;
  if (strchr (encoded, UNIT_SEP) == NULL)
    {
      g_ptr_array_add (fields, field_new ("", 0, encoded));
      return fields;
    }
  segments = g_strsplit (encoded, RECORD_SEP, -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *sep = strchr (segments[i], UNIT_SEP);

      if (sep != NULL)
        fields_put (fields, field_new (segments[i], sep - segments[i],
                                       sep + 1));
    }
  return fields;
}

/* DOC: record-encode */
static char *
fields_serialize (GPtrArray *fields)
{
  GString *out;

  if (fields->len == 0)
    return NULL;
  if (fields->len == 1 && ((Field *) fields->pdata[0])->name[0] == '\0')
    return g_strdup (((Field *) fields->pdata[0])->value);
  out = g_string_new (NULL);
  for (guint i = 0; i < fields->len; i++)
    {
      Field *f = fields->pdata[i];

      if (i > 0)
        g_string_append (out, RECORD_SEP);
      g_string_append (out, f->name);
      g_string_append_c (out, UNIT_SEP);
      g_string_append (out, f->value);
    }
  return g_string_free (out, FALSE);
}

static gboolean
has_separator (const char *s)
{
  return s != NULL && strpbrk (s, "\x1E\x1F") != NULL;
}

/* Splits at the first dot: the key is what names the record, and a field
 * name may itself contain dots ("a.b.c" is field "b.c" of record "a"). */
void
mmr_record_split_name (const char *name, char **out_key, char **out_field)
{
  const char *dot;

  g_return_if_fail (name != NULL && out_key != NULL && out_field != NULL);
  dot = strchr (name, '.');
  if (dot == NULL)
    {
      *out_key = g_strdup (name);
      *out_field = g_strdup ("");
      return;
    }
  *out_key = g_strndup (name, dot - name);
  *out_field = g_strdup (dot + 1);
}

char *
mmr_record_register_name (MmrGranularity granularity, const char *key,
                          const char *field)
{
  g_return_val_if_fail (key != NULL && field != NULL, NULL);
  if (granularity == MMR_GRANULARITY_RECORD || field[0] == '\0')
    return g_strdup (key);
  return g_strconcat (key, ".", field, NULL);
}

char *
mmr_record_set_field (const char *encoded, const char *field,
                      const char *value)
{
  g_autoptr (GPtrArray) fields = NULL;

  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (!has_separator (field) && !has_separator (value),
                        NULL);
  fields = fields_parse (encoded);
  fields_put (fields, field_new (field, strlen (field), value));
  return fields_serialize (fields);
}

char *
mmr_record_dup_field (const char *encoded, const char *field)
{
  g_autoptr (GPtrArray) fields = NULL;
  gboolean found;
  guint i;

  g_return_val_if_fail (field != NULL, NULL);
  fields = fields_parse (encoded);
  i = field_find (fields, field, &found);
  return found ? g_strdup (((Field *) fields->pdata[i])->value) : NULL;
}

GPtrArray *
mmr_record_dup_fields (const char *encoded)
{
  g_autoptr (GPtrArray) fields = fields_parse (encoded);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < fields->len; i++)
    g_ptr_array_add (names, g_strdup (((Field *) fields->pdata[i])->name));
  return names;
}
