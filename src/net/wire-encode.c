/* wire-encode.c - a message to bytes
 *
 * Writes the layout of wire.h: the header, then the body of the message's
 * type, every integer a varint (src/core/varint.c). One pass, into one
 * buffer that becomes the GBytes without a copy. Besides the bytes, the
 * encoder counts the metadata among them - version vectors, dots,
 * timestamps, HLCs - which the metrics and docs/wire-format.md report.
 *
 * Interface:
 *   mmr_wire_encode       any message -> bytes
 *   mmr_wire_encode_push  one pushed register -> bytes, without building a
 *                         message (the commonest message, the hottest path)
 *
 * Invariant: canonical - equal messages give equal bytes (vv entries in
 * ascending replica order, zero entries left out, minimal varints, siblings
 * in the order the register keeps them), which wire-decode.c relies on to
 * be the exact inverse.
 *
 * Taught in docs/wire-format.md ("Code", "Canonical bytes").
 */
#include "net/wire-private.h"

#include <string.h>

#include "core/varint.h"

/* An output buffer that becomes the message's GBytes without a copy.
 * Every write reserves first; a push is sized up front (push_size_hint)
 * so that it is written with one allocation. */
typedef struct {
  guint8 *data;
  gsize len;
  gsize cap;
} Writer;

static void
writer_init (Writer *w, gsize size_hint)
{
  w->cap = MAX (size_hint, 32);
  w->data = g_malloc (w->cap);
  w->len = 0;
}

static inline void
writer_reserve (Writer *w, gsize n)
{
  if (G_LIKELY (w->len + n <= w->cap))
    return;
  while (w->len + n > w->cap)
    w->cap *= 2;
  w->data = g_realloc (w->data, w->cap);
}

static GBytes *
writer_finish (Writer *w)
{
  return g_bytes_new_take (w->data, w->len);
}

static inline void
put_u8 (Writer *out, guint8 v)
{
  writer_reserve (out, 1);
  out->data[out->len++] = v;
}

static void
put_bytes (Writer *out, const void *data, gsize n)
{
  if (n == 0)           /* an empty GBytes may give a NULL @data */
    return;
  writer_reserve (out, n);
  memcpy (out->data + out->len, data, n);
  out->len += n;
}

/* DOC: wire-varint */
/* Every integer is a varint (src/core/varint.c); the one-byte case, most
 * of them, is written here without a call. */
static inline void
put_varint (Writer *out, guint64 v)
{
  writer_reserve (out, MMR_VARINT_MAX_BYTES);
  if (G_LIKELY (v < 0x80))
    out->data[out->len++] = (guint8) v;
  else
    out->len += mmr_varint_encode (v, out->data + out->len);
}

static void
put_string (Writer *out, const char *s)
{
  gsize len = strlen (s);

  /* The decoder rejects anything else; catch the sender, not the receiver. */
  g_warn_if_fail (g_utf8_validate (s, len, NULL));
  put_varint (out, len);
  put_bytes (out, s, len);
}

static void
put_vv (Writer *out, const MmrVersionVector *vv)
{
  put_varint (out, mmr_version_vector_n_entries (vv));
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (vv->c[i] != 0)
      {
        put_u8 (out, i);
        put_varint (out, vv->c[i]);
      }
}

/* Everything but the value is metadata; returns the metadata bytes. */
static guint32
put_version (Writer *out, const MmrVersion *v)
{
  gsize start = out->len;
  guint32 metadata;

  g_return_val_if_fail (v->dot.replica < MMR_MAX_REPLICAS, 0);
  put_u8 (out, v->dot.replica);
  put_varint (out, v->dot.counter);
  put_varint (out, mmr_varint_zigzag_encode (v->ts));
  put_varint (out, v->ts_logical);
  put_varint (out, mmr_varint_zigzag_encode (v->hlc.l));
  put_varint (out, v->hlc.c);
  metadata = out->len - start;
  put_u8 (out, v->value == NULL ? MMR_WIRE_FLAG_TOMBSTONE : 0);
  if (v->value != NULL)
    put_string (out, v->value);
  return metadata;
}

/* A DIGEST entry is name + vv only: siblings, if the caller left any in
 * the register, are not sent. */
static guint32
put_register (Writer *out, const char *name, const MmrRegister *reg,
              gboolean with_siblings)
{
  guint32 metadata;
  gsize start;

  put_string (out, name);
  start = out->len;
  put_vv (out, &reg->vv);
  metadata = out->len - start;
  if (!with_siblings)
    return metadata;
  put_varint (out, reg->n_siblings);
  for (guint i = 0; i < reg->n_siblings; i++)
    metadata += put_version (out, &reg->siblings[i]);
  return metadata;
}

static void
put_need (Writer *out, const MmrMessage *msg)
{
  put_varint (out, msg->need->len);
  for (guint i = 0; i < msg->need->len; i++)
    put_string (out, msg->need->pdata[i]);
}

/* CRDT bodies: a state is an opaque blob (crdt.h encodes it). */
static void
put_crdts (Writer *out, const MmrMessage *msg)
{
  put_varint (out, msg->crdts->len);
  for (guint i = 0; i < msg->crdts->len; i++)
    {
      const MmrWireCrdt *wc = msg->crdts->pdata[i];

      put_string (out, wc->name);
      if (msg->type == MMR_MSG_CRDT_DIGEST)
        {
          guint64 le = GUINT64_TO_LE (wc->hash);

          put_bytes (out, &le, 8);
        }
      else
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (wc->state, &len);

          put_varint (out, len);
          put_bytes (out, data, len);
        }
    }
  if (msg->type == MMR_MSG_CRDT_REPLY)
    put_need (out, msg);
}

static guint32
put_merkle (Writer *out, const MmrMessage *msg)
{
  gsize start = out->len;
  guint32 metadata;

  put_u8 (out, msg->step);
  put_varint (out, msg->nodes->len);
  for (guint i = 0; i < msg->nodes->len; i++)
    {
      const MmrMerkleNode *n = &g_array_index (msg->nodes, MmrMerkleNode, i);

      put_varint (out, n->node);
      if (msg->step != MMR_MERKLE_BUCKETS)
        {
          guint64 le = GUINT64_TO_LE (n->hash);

          put_bytes (out, &le, 8);
        }
    }
  metadata = out->len - start;
  if (msg->step != MMR_MERKLE_BUCKETS)
    return metadata;
  put_varint (out, msg->registers->len);
  for (guint i = 0; i < msg->registers->len; i++)
    {
      const MmrWireRegister *wr = msg->registers->pdata[i];

      metadata += put_register (out, wr->name, wr->reg, FALSE);
    }
  return metadata;
}

static void
put_header (Writer *out, MmrMsgType type, guint64 lamport, MmrHlc hlc,
            guint32 exchange)
{
  put_u8 (out, MMR_WIRE_VERSION);
  put_u8 (out, type);
  put_varint (out, lamport);
  put_varint (out, mmr_varint_zigzag_encode (hlc.l));
  put_varint (out, hlc.c);
  put_varint (out, exchange);
}

/* DOC: wire-encode */
GBytes *
mmr_wire_encode (const MmrMessage *msg, guint32 *out_metadata_bytes)
{
  Writer out;
  guint32 metadata = 0;

  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail (msg->type == MMR_MSG_DIGEST_REPLY
                        || msg->type == MMR_MSG_CRDT_REPLY
                        || msg->need->len == 0, NULL);

  writer_init (&out, 64);
  put_header (&out, msg->type, msg->lamport, msg->hlc, msg->exchange);
  if (msg->type == MMR_MSG_MERKLE)
    metadata = put_merkle (&out, msg);
  else if (mmr_wire_is_crdt_type (msg->type))
    put_crdts (&out, msg);
  else
    {
      gboolean with_siblings = msg->type != MMR_MSG_DIGEST;

      put_varint (&out, msg->registers->len);
      for (guint i = 0; i < msg->registers->len; i++)
        {
          const MmrWireRegister *wr = msg->registers->pdata[i];

          metadata += put_register (&out, wr->name, wr->reg, with_siblings);
        }
      if (msg->type == MMR_MSG_DIGEST_REPLY)
        put_need (&out, msg);
    }
  if (out_metadata_bytes != NULL)
    *out_metadata_bytes = metadata;
  return writer_finish (&out);
}

/* An upper bound of a one-register STATE message's size, so that a push
 * is written into one allocation. */
static gsize
push_size_hint (const char *name, const MmrRegister *reg)
{
  gsize n = 2 + 4 * MMR_VARINT_MAX_BYTES + 2 * MMR_VARINT_MAX_BYTES + strlen (name)
            + 1 + MMR_MAX_REPLICAS * 6 + MMR_VARINT_MAX_BYTES;

  for (guint i = 0; i < reg->n_siblings; i++)
    n += 2 + 5 * MMR_VARINT_MAX_BYTES + MMR_VARINT_MAX_BYTES
         + (reg->siblings[i].value != NULL
            ? strlen (reg->siblings[i].value) : 0);
  return n;
}

/* DOC: wire-encode-push */
GBytes *
mmr_wire_encode_push (guint64 lamport, MmrHlc hlc, const char *name,
                      const MmrRegister *reg, guint32 *out_metadata_bytes)
{
  Writer out;
  guint32 metadata;

  g_return_val_if_fail (name != NULL && reg != NULL, NULL);
  writer_init (&out, push_size_hint (name, reg));
  put_header (&out, MMR_MSG_STATE, lamport, hlc, 0);
  put_varint (&out, 1);
  metadata = put_register (&out, name, reg, TRUE);
  if (out_metadata_bytes != NULL)
    *out_metadata_bytes = metadata;
  return writer_finish (&out);
}

