/* merge-fn.c - the merge-function registry and the built-in merges
 *
 * set-union      values are comma-separated sets ("milk,flour"): the union
 *                of their elements, sorted, comma-separated (the shopping
 *                cart of the Dynamo paper, DeCandia et al. 2007, §4.4)
 * max, min       numerically when every value is a number, else by strcmp
 * sorted-concat  every value, sorted, joined by "|"
 */
#include "store/merge-fn.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  MmrMergeFunc fn;
  gpointer user_data;
} Entry;

static GHashTable *registry;   /* char* -> Entry* */

static int
str_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
set_union (const char *const *values, guint n, gpointer data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) uniq = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  (void) data;
  for (guint i = 0; i < n; i++)
    {
      char **parts = g_strsplit (values[i], ",", -1);

      for (char **p = parts; *p != NULL; p++)
        if (**p != '\0')
          g_ptr_array_add (all, g_strdup (*p));
      g_strfreev (parts);
    }
  for (guint i = 0; i < all->len; i++)
    if (g_hash_table_add (seen, all->pdata[i]))
      g_ptr_array_add (uniq, all->pdata[i]);
  g_ptr_array_sort (uniq, str_cmp);
  for (guint i = 0; i < uniq->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "",
                            (const char *) uniq->pdata[i]);
  return g_string_free (out, FALSE);
}

static gboolean
as_number (const char *s, double *out)
{
  char *end = NULL;

  if (*s == '\0')
    return FALSE;
  *out = g_ascii_strtod (s, &end);
  return *end == '\0';
}

/* @sign 1 for max, -1 for min. */
static char *
extreme (const char *const *values, guint n, int sign)
{
  gboolean numeric = TRUE;
  guint best = 0;
  double a = 0, b = 0;

  for (guint i = 0; i < n; i++)
    numeric &= as_number (values[i], &a);
  for (guint i = 1; i < n; i++)
    {
      int c;

      if (numeric)
        {
          as_number (values[i], &a);
          as_number (values[best], &b);
          c = a < b ? -1 : a > b;
        }
      else
        c = strcmp (values[i], values[best]);
      if (c * sign > 0)
        best = i;
    }
  return g_strdup (values[best]);
}

static char *
max_merge (const char *const *values, guint n, gpointer data)
{
  (void) data;
  return extreme (values, n, 1);
}

static char *
min_merge (const char *const *values, guint n, gpointer data)
{
  (void) data;
  return extreme (values, n, -1);
}

static char *
sorted_concat (const char *const *values, guint n, gpointer data)
{
  g_autoptr (GPtrArray) v = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  (void) data;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (v, (gpointer) values[i]);
  g_ptr_array_sort (v, str_cmp);
  for (guint i = 0; i < v->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "|" : "",
                            (const char *) v->pdata[i]);
  return g_string_free (out, FALSE);
}

static void
ensure_registry (void)
{
  if (registry != NULL)
    return;
  registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  mmr_merge_register ("set-union", set_union, NULL);
  mmr_merge_register ("max", max_merge, NULL);
  mmr_merge_register ("min", min_merge, NULL);
  mmr_merge_register ("sorted-concat", sorted_concat, NULL);
}

/* DOC: merge-register */
void
mmr_merge_register (const char *name, MmrMergeFunc fn, gpointer user_data)
{
  Entry *e;

  g_return_if_fail (name != NULL && fn != NULL);
  ensure_registry ();
  e = g_new (Entry, 1);
  e->fn = fn;
  e->user_data = user_data;
  g_hash_table_replace (registry, g_strdup (name), e);
}

gboolean
mmr_merge_exists (const char *name)
{
  ensure_registry ();
  return name != NULL && g_hash_table_contains (registry, name);
}

char *
mmr_merge_apply (const char *name, const char *const *values, guint n)
{
  Entry *e;

  ensure_registry ();
  e = name != NULL ? g_hash_table_lookup (registry, name) : NULL;
  if (e == NULL || n == 0)
    return NULL;
  return e->fn (values, n, e->user_data);
}

char **
mmr_merge_dup_names (void)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  ensure_registry ();
  g_hash_table_iter_init (&it, registry);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (names, g_strdup (key));
  g_ptr_array_sort (names, str_cmp);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
