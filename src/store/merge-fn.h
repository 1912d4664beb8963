/* merge-fn.h - application merge functions, by name
 *
 * With "strategy merge NAME", concurrent versions are kept as siblings
 * (nothing is lost) and read back through the merge function NAME: the
 * reader sees one merged value. The next write, having seen the siblings,
 * replaces them with whatever the application wrote - usually the merged
 * value (read-your-merge, as Riak and Dynamo applications do).
 *
 * A merge function must be deterministic and must not depend on the order
 * of its input (the engine passes the values sorted, but a function that
 * sorts again costs nothing): every replica holding the same siblings must
 * read the same merged value, or replicas would disagree.
 *
 * Writing one (docs/conflicts.md, "Writing a merge function"):
 *
 *   static char *
 *   longest_merge (const char *const *values, guint n, gpointer data)
 *   {
 *     ... return a newly allocated string ...
 *   }
 *   mmr_merge_register ("longest", longest_merge, NULL);
 *
 * Built in: set-union, max, min, sorted-concat.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @values: the live sibling values, sorted (strcmp), @n >= 1. Returns a
 * newly allocated merged value. */
typedef char *(*MmrMergeFunc) (const char *const *values, guint n,
                               gpointer user_data);

/* Registers (or replaces) @name. Process-wide; not thread-safe. */
void         mmr_merge_register (const char *name, MmrMergeFunc fn,
                                 gpointer user_data);
gboolean     mmr_merge_exists   (const char *name);
/* Merges with @name; NULL if no such function. */
char        *mmr_merge_apply    (const char *name, const char *const *values,
                                 guint n);
/* Registered names, sorted; a new NULL-terminated array. */
char       **mmr_merge_dup_names (void);

G_END_DECLS
