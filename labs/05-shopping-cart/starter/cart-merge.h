/* cart-merge.h - lab 05's implementation exercise: the contract
 *
 * A cart with quantities is written as comma-separated ITEM:QTY entries,
 * "milk:2,eggs:1". cart_merge receives the live siblings of a cart
 * (@n >= 1 values, as MmrMergeFunc does: src/store/merge-fn.h) and
 * returns one cart that keeps every item of every sibling, each with the
 * largest quantity any sibling has for it:
 *
 *   {"milk:1,eggs:1", "milk:3"}  ->  "eggs:1,milk:3"
 *
 * Rules:
 *   - an entry without ":QTY" has quantity 1 ("milk" is "milk:1");
 *   - empty entries are skipped ("milk:1,,"); "" is the empty cart;
 *   - the result lists items sorted by name (strcmp), as ITEM:QTY joined
 *     by ",", and is "" for an empty cart;
 *   - it must not depend on the order of @values or on duplicates among
 *     them: every replica must compute the same cart from the same
 *     siblings.
 * The result is newly allocated (g_free). @user_data is unused.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *cart_merge (const char *const *values, guint n, gpointer user_data);

G_END_DECLS
