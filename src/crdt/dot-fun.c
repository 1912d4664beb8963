/* dot-fun.c - dotted values and their causal join
 *
 * Interface: see dot-fun.h. Invariant: items are sorted by dot with no
 * repeats, so equal dot funs are equal arrays and encode to equal bytes.
 *
 * Taught in docs/crdts.md, "MV-Register" and "OR-Map".
 */
#include "crdt/dot-fun.h"

#include <string.h>

#include "crdt/crdt-class.h"

void
mmr_dot_fun_init (MmrDotFun *f)
{
  f->n = 0;
  f->items = NULL;
}

void
mmr_dot_fun_clear (MmrDotFun *f)
{
  for (guint i = 0; i < f->n; i++)
    g_free (f->items[i].value);
  g_clear_pointer (&f->items, g_free);
  f->n = 0;
}

static void
copy_value (MmrDottedValue *dst, const MmrDottedValue *src)
{
  *dst = *src;
  dst->value = g_strdup (src->value);
}

void
mmr_dot_fun_copy (MmrDotFun *dst, const MmrDotFun *src)
{
  mmr_dot_fun_clear (dst);
  dst->n = src->n;
  dst->items = g_new (MmrDottedValue, src->n);
  for (guint i = 0; i < src->n; i++)
    copy_value (&dst->items[i], &src->items[i]);
}

void
mmr_dot_fun_add (MmrDotFun *f, const MmrDottedValue *v)
{
  guint at = f->n;

  while (at > 0 && mmr_dot_compare (f->items[at - 1].dot, v->dot) > 0)
    at--;
  g_assert (at == 0 || !mmr_dot_equal (f->items[at - 1].dot, v->dot));
  f->items = g_renew (MmrDottedValue, f->items, f->n + 1);
  memmove (&f->items[at + 1], &f->items[at],
           (f->n - at) * sizeof (MmrDottedValue));
  copy_value (&f->items[at], v);
  f->n++;
}

void
mmr_dot_fun_remove_if (MmrDotFun *f, MmrDottedValuePredicate pred,
                       gconstpointer user_data, MmrCausalContext *removed)
{
  guint kept = 0;

  for (guint i = 0; i < f->n; i++)
    {
      MmrDottedValue *v = &f->items[i];

      if (pred != NULL && !pred (v, user_data))
        {
          f->items[kept++] = *v;
          continue;
        }
      if (removed != NULL)
        mmr_causal_context_add (removed, v->dot);
      g_free (v->value);
    }
  /* The array is kept even when empty: a register's write supersedes its
   * one value and adds another straight away. */
  f->n = kept;
}

/* DOC: dotfun-join */
void
mmr_dot_fun_join (MmrDotFun *into, const MmrCausalContext *into_ctx,
                  const MmrDotFun *other, const MmrCausalContext *other_ctx)
{
  MmrDottedValue *out = g_new (MmrDottedValue, into->n + other->n);
  guint i = 0, j = 0, k = 0;

  while (i < into->n || j < other->n)
    {
      int cmp = i == into->n ? 1 : j == other->n ? -1
                : mmr_dot_compare (into->items[i].dot, other->items[j].dot);

      if (cmp == 0)
        {
          out[k++] = into->items[i++];   /* same dot, same value */
          j++;
        }
      else if (cmp < 0)
        {
          if (!mmr_causal_context_contains (other_ctx, into->items[i].dot))
            out[k++] = into->items[i];
          else
            g_free (into->items[i].value);   /* seen and dropped there */
          i++;
        }
      else
        {
          if (!mmr_causal_context_contains (into_ctx, other->items[j].dot))
            copy_value (&out[k++], &other->items[j]);
          j++;
        }
    }
  g_free (into->items);
  into->items = out;
  into->n = k;
  if (k == 0)
    g_clear_pointer (&into->items, g_free);
}

gboolean
mmr_dot_fun_equal (const MmrDotFun *a, const MmrDotFun *b)
{
  if (a->n != b->n)
    return FALSE;
  for (guint i = 0; i < a->n; i++)
    {
      const MmrDottedValue *x = &a->items[i], *y = &b->items[i];

      if (!mmr_dot_equal (x->dot, y->dot) || x->ts != y->ts
          || x->logical != y->logical || x->p != y->p || x->n != y->n
          || g_strcmp0 (x->value, y->value) != 0)
        return FALSE;
    }
  return TRUE;
}

void
mmr_dot_fun_encode (const MmrDotFun *f, MmrDotFunParts parts,
                    GByteArray *out)
{
  mmr_codec_put_varint (out, f->n);
  for (guint i = 0; i < f->n; i++)
    {
      const MmrDottedValue *v = &f->items[i];

      mmr_codec_put_dot (out, v->dot);
      if (parts & MMR_DOT_FUN_STAMP)
        {
          mmr_codec_put_zigzag (out, v->ts);
          mmr_codec_put_varint (out, v->logical);
        }
      if (parts & MMR_DOT_FUN_COUNTS)
        {
          mmr_codec_put_varint (out, v->p);
          mmr_codec_put_varint (out, v->n);
        }
      if (parts & MMR_DOT_FUN_VALUE)
        mmr_codec_put_string (out, v->value);
    }
}

static gboolean
decode_item (MmrDottedValue *v, MmrDotFunParts parts, MmrCodecReader *r,
             GError **error)
{
  guint64 logical;

  if (!mmr_codec_get_dot (r, &v->dot, error))
    return FALSE;
  if ((parts & MMR_DOT_FUN_STAMP)
      && (!mmr_codec_get_zigzag (r, &v->ts, error)
          || !mmr_codec_get_bounded (r, G_MAXUINT32, &logical, error)))
    return FALSE;
  v->logical = (parts & MMR_DOT_FUN_STAMP) ? (guint32) logical : 0;
  if ((parts & MMR_DOT_FUN_COUNTS)
      && (!mmr_codec_get_bounded (r, MMR_CRDT_COUNT_MAX, &v->p, error)
          || !mmr_codec_get_bounded (r, MMR_CRDT_COUNT_MAX, &v->n, error)))
    return FALSE;
  if ((parts & MMR_DOT_FUN_VALUE) && !mmr_codec_get_string (r, &v->value,
                                                            error))
    return FALSE;
  return TRUE;
}

gboolean
mmr_dot_fun_decode (MmrDotFun *f, MmrDotFunParts parts, MmrCodecReader *r,
                    GError **error)
{
  guint n;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  f->items = n > 0 ? g_new0 (MmrDottedValue, n) : NULL;
  for (guint i = 0; i < n; i++)
    {
      /* Count the item before reading it, so clear() frees a partial one. */
      f->n = i + 1;
      if (!decode_item (&f->items[i], parts, r, error))
        return FALSE;
      if (i > 0 && mmr_dot_compare (f->items[i - 1].dot, f->items[i].dot) >= 0)
        return mmr_codec_fail (r, error, "dots not ascending");
    }
  return TRUE;
}

gboolean
mmr_dot_fun_in_context (const MmrDotFun *f, const MmrCausalContext *ctx)
{
  for (guint i = 0; i < f->n; i++)
    if (!mmr_causal_context_contains (ctx, f->items[i].dot))
      return FALSE;
  return TRUE;
}
