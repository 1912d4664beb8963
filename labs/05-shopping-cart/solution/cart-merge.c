/* cart-merge.c - lab 05's reference solution (see ../starter/cart-merge.h)
 *
 * Per item, the maximum quantity over all siblings: a join in the lattice
 * of maps from item to number ordered entry-wise, so the merge is
 * commutative, associative and idempotent - the same reason a G-Counter's
 * merge is safe (lab 08). It cannot express removal: an item present in
 * any sibling stays, as in the Dynamo paper's cart (DeCandia et al. 2007).
 */
#include "cart-merge.h"

#include <stdlib.h>
#include <string.h>

static int
compare_items (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
collect_item (gpointer key, gpointer value, gpointer items)
{
  (void) value;
  g_ptr_array_add (items, key);
}

/* Adds "ITEM[:QTY]" to @qty, keeping the larger quantity. */
static void
add_entry (GHashTable *qty, const char *entry)
{
  const char *colon = strchr (entry, ':');
  guint64 n = colon != NULL ? g_ascii_strtoull (colon + 1, NULL, 10) : 1;
  char *item = colon != NULL ? g_strndup (entry, (gsize) (colon - entry))
                             : g_strdup (entry);
  gpointer old;

  if (g_hash_table_lookup_extended (qty, item, NULL, &old)
      && GPOINTER_TO_SIZE (old) >= n)
    {
      g_free (item);
      return;
    }
  g_hash_table_replace (qty, item, GSIZE_TO_POINTER ((gsize) n));
}

char *
cart_merge (const char *const *values, guint n, gpointer user_data)
{
  g_autoptr (GHashTable) qty = g_hash_table_new_full (g_str_hash,
                                                      g_str_equal, g_free,
                                                      NULL);
  g_autoptr (GPtrArray) items = NULL;
  GString *out = g_string_new (NULL);

  (void) user_data;
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) entries = g_strsplit (values[i], ",", -1);

      for (char **e = entries; *e != NULL; e++)
        if (**e != '\0')
          add_entry (qty, *e);
    }
  items = g_ptr_array_new ();
  g_hash_table_foreach (qty, collect_item, items);
  g_ptr_array_sort (items, compare_items);
  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (out, "%s%s:%zu", i > 0 ? "," : "",
                            (const char *) items->pdata[i],
                            GPOINTER_TO_SIZE (g_hash_table_lookup (
                                qty, items->pdata[i])));
  return g_string_free (out, FALSE);
}
