/* causal-context.c - version vector plus dot cloud
 *
 * The causal context is how the optimized OR-Set (Bieniusa, Zawirski,
 * Preguica, Shapiro, Baquero, Balegas, Duarte, "An optimized conflict-free
 * replicated set", 2012) forgets removed elements without tombstones: a
 * state that has seen a dot but no longer holds it has removed it. The
 * same context serves the MV-Register and the OR-Map.
 *
 * Interface: init/clear/copy, contains, add, join, next_dot, equal,
 * encode/decode (see causal-context.h).
 *
 * Invariant: the normal form described in the header holds after every
 * public function returns; compact() restores it after a change.
 *
 * Taught in docs/crdts.md, "Causal contexts".
 */
#include "crdt/causal-context.h"

#include <string.h>

#include "crdt/crdt-class.h"

void
mmr_causal_context_init (MmrCausalContext *ctx)
{
  mmr_version_vector_init (&ctx->vv);
  ctx->n_cloud = 0;
  ctx->cloud_size = 0;
  ctx->cloud = NULL;
}

void
mmr_causal_context_clear (MmrCausalContext *ctx)
{
  g_clear_pointer (&ctx->cloud, g_free);
  ctx->n_cloud = 0;
  ctx->cloud_size = 0;
}

void
mmr_causal_context_copy (MmrCausalContext *dst, const MmrCausalContext *src)
{
  mmr_causal_context_clear (dst);
  dst->vv = src->vv;
  if (src->n_cloud > 0)
    {
      dst->cloud = g_memdup2 (src->cloud, src->n_cloud * sizeof (MmrDot));
      dst->n_cloud = dst->cloud_size = src->n_cloud;
    }
}

/* A plain array rather than a GArray: a delta's context is almost always
 * a few cloud dots, and one allocation is half the cost of two. */
static void
cloud_insert (MmrCausalContext *ctx, guint at, MmrDot dot)
{
  if (ctx->n_cloud == ctx->cloud_size)
    {
      ctx->cloud_size = MAX (4, ctx->cloud_size * 2);
      ctx->cloud = g_renew (MmrDot, ctx->cloud, ctx->cloud_size);
    }
  memmove (&ctx->cloud[at + 1], &ctx->cloud[at],
           (ctx->n_cloud - at) * sizeof (MmrDot));
  ctx->cloud[at] = dot;
  ctx->n_cloud++;
}

static gboolean
cloud_find (const MmrCausalContext *ctx, MmrDot dot, guint *out_index)
{
  guint lo = 0, hi = ctx->n_cloud;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = mmr_dot_compare (ctx->cloud[mid], dot);

      if (cmp == 0)
        {
          *out_index = mid;
          return TRUE;
        }
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *out_index = lo;
  return FALSE;
}

gboolean
mmr_causal_context_contains (const MmrCausalContext *ctx, MmrDot dot)
{
  guint at;

  if (dot.counter <= ctx->vv.c[dot.replica])
    return TRUE;
  return cloud_find (ctx, dot, &at);
}

/* DOC: context-compact */
/* One pass suffices: the cloud is sorted, so once vv[r] grows to absorb a
 * dot, the next dot of r is checked against the grown entry. */
static void
compact (MmrCausalContext *ctx)
{
  guint kept = 0;

  for (guint i = 0; i < ctx->n_cloud; i++)
    {
      MmrDot d = ctx->cloud[i];
      guint32 *c = &ctx->vv.c[d.replica];

      if (d.counter <= *c)
        continue;
      if (d.counter == *c + 1)
        {
          *c = d.counter;
          continue;
        }
      ctx->cloud[kept++] = d;
    }
  ctx->n_cloud = kept;
}

void
mmr_causal_context_add (MmrCausalContext *ctx, MmrDot dot)
{
  guint at;

  g_assert (dot.replica < MMR_MAX_REPLICAS && dot.counter > 0);
  if (mmr_causal_context_contains (ctx, dot))
    return;
  if (dot.counter == ctx->vv.c[dot.replica] + 1)
    {
      ctx->vv.c[dot.replica] = dot.counter;
      compact (ctx);    /* the new entry may reach dots in the cloud */
      return;
    }
  cloud_find (ctx, dot, &at);
  cloud_insert (ctx, at, dot);
}

/* DOC: context-join */
void
mmr_causal_context_join (MmrCausalContext *into,
                         const MmrCausalContext *other)
{
  mmr_version_vector_join (&into->vv, &other->vv);
  for (guint i = 0; i < other->n_cloud; i++)
    {
      MmrDot d = other->cloud[i];
      guint at;

      if (d.counter > into->vv.c[d.replica] && !cloud_find (into, d, &at))
        cloud_insert (into, at, d);
    }
  compact (into);
}

gboolean
mmr_causal_context_next_dot (const MmrCausalContext *ctx, guint replica,
                             guint32 floor, MmrDot *out)
{
  /* Above the floor, the dot leaves a gap that stays in every context's
   * cloud: the price of never issuing a dot twice after a restart. */
  guint32 max = MAX (ctx->vv.c[replica], floor);

  for (guint i = 0; i < ctx->n_cloud; i++)
    if (ctx->cloud[i].replica == replica)
      max = MAX (max, ctx->cloud[i].counter);
  if (max == G_MAXUINT32)
    return FALSE;
  out->replica = (guint8) replica;
  out->counter = max + 1;
  return TRUE;
}

gboolean
mmr_causal_context_equal (const MmrCausalContext *a,
                          const MmrCausalContext *b)
{
  if (mmr_version_vector_compare (&a->vv, &b->vv) != MMR_VV_EQUAL
      || a->n_cloud != b->n_cloud)
    return FALSE;
  for (guint i = 0; i < a->n_cloud; i++)
    if (!mmr_dot_equal (a->cloud[i], b->cloud[i]))
      return FALSE;
  return TRUE;
}

gboolean
mmr_causal_context_is_empty (const MmrCausalContext *ctx)
{
  return ctx->n_cloud == 0 && mmr_version_vector_is_empty (&ctx->vv);
}

gsize
mmr_causal_context_metadata_size (const MmrCausalContext *ctx)
{
  gsize n = mmr_version_vector_n_entries (&ctx->vv) * MMR_META_DOT;

  return n + ctx->n_cloud * MMR_META_DOT;
}

void
mmr_causal_context_encode (const MmrCausalContext *ctx, GByteArray *out)
{
  mmr_codec_put_varint (out, mmr_version_vector_n_entries (&ctx->vv));
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (ctx->vv.c[i] != 0)
      {
        mmr_codec_put_u8 (out, (guint8) i);
        mmr_codec_put_varint (out, ctx->vv.c[i]);
      }
  mmr_codec_put_varint (out, ctx->n_cloud);
  for (guint i = 0; i < ctx->n_cloud; i++)
    mmr_codec_put_dot (out, ctx->cloud[i]);
}

static gboolean
decode_vv (MmrVersionVector *vv, MmrCodecReader *r, GError **error)
{
  guint n;
  int last = -1;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  if (n > MMR_MAX_REPLICAS)
    return mmr_codec_fail (r, error, "too many version vector entries");
  for (guint i = 0; i < n; i++)
    {
      MmrDot d;

      /* An entry has the shape of a dot: replica, counter >= 1. */
      if (!mmr_codec_get_dot (r, &d, error))
        return FALSE;
      if ((int) d.replica <= last)
        return mmr_codec_fail (r, error, "version vector not ascending");
      last = d.replica;
      vv->c[d.replica] = d.counter;
    }
  return TRUE;
}

gboolean
mmr_causal_context_decode (MmrCausalContext *ctx, MmrCodecReader *r,
                           GError **error)
{
  guint n;
  MmrDot prev = { 0, 0 };

  if (!decode_vv (&ctx->vv, r, error) || !mmr_codec_get_count (r, &n, error))
    return FALSE;
  if (n > 0)
    {
      ctx->cloud = g_new (MmrDot, n);
      ctx->cloud_size = n;
    }
  for (guint i = 0; i < n; i++)
    {
      MmrDot d;

      if (!mmr_codec_get_dot (r, &d, error))
        return FALSE;
      if (i > 0 && mmr_dot_compare (prev, d) >= 0)
        return mmr_codec_fail (r, error, "dot cloud not ascending");
      if ((guint64) d.counter < (guint64) ctx->vv.c[d.replica] + 2)
        return mmr_codec_fail (r, error, "dot cloud not compact");
      ctx->cloud[ctx->n_cloud++] = d;
      prev = d;
    }
  return TRUE;
}

void
mmr_causal_context_describe (const MmrCausalContext *ctx, GString *out)
{
  gboolean first = TRUE;

  g_string_append (out, "ctx{");
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (ctx->vv.c[i] != 0)
      {
        g_string_append_printf (out, "%s%c:%u", first ? "" : ", ",
                                MMR_REPLICA_LETTER (i), ctx->vv.c[i]);
        first = FALSE;
      }
  g_string_append_c (out, '}');
  if (ctx->n_cloud == 0)
    return;
  g_string_append (out, "+[");
  for (guint i = 0; i < ctx->n_cloud; i++)
    {
      MmrDot d = ctx->cloud[i];

      g_string_append_printf (out, "%s%c%u", i > 0 ? "," : "",
                              MMR_REPLICA_LETTER (d.replica), d.counter);
    }
  g_string_append_c (out, ']');
}
