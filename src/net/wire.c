/* wire.c - the wire format: messages to bytes and back
 *
 * Replicas never share memory: everything one learns about another arrives
 * as a byte string, so the simulator counts real bytes and a student can
 * read a message in hex.  The layout is in wire.h and docs/wire-format.md.
 *
 * Why varints: nearly every number on the wire is small (replica indices,
 * counters, HLC counters, string lengths), so unsigned LEB128 spends one byte
 * on anything below 128 instead of four or eight.  Signed numbers (physical
 * times, which skew can push below zero) are zig-zag mapped first, so that
 * -1 costs one byte rather than ten.
 *
 * Interface:
 *   mmr_message_new / _free / _add_register / _add_need   build a message
 *   mmr_wire_encode   message -> bytes, plus the metadata byte count
 *   mmr_wire_encode_push  one pushed register -> bytes, no message built
 *   mmr_wire_decode   bytes -> message, or a GError (MMR_WIRE_ERROR)
 *   mmr_wire_decode_into  the same into a reused message (the hot path)
 *
 * Invariants:
 *   - encoding is canonical: equal messages give equal bytes (vv entries in
 *     ascending replica order, zero entries omitted, minimal varints,
 *     siblings in the order given);
 *   - decoding is strict, so it is the exact inverse: any byte string it
 *     accepts re-encodes to the same bytes (tests/net/wire-test.cc checks
 *     this on random input);
 *   - the decoder never reads past the buffer and never aborts: every
 *     length is checked against what is left before it is used, and every
 *     count is bounded by the bytes left before anything is allocated.
 *     fuzz/wire-fuzz.c hammers on this.
 *
 * Taught in docs/wire-format.md.
 */
#include "net/wire.h"

#include "core/varint.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (mmr-wire-error-quark, mmr_wire_error)

/* Smallest encodings, used to bound counts before allocating:
 * a register is name + vv + sibling count, a digest entry name + vv, a
 * version replica + 5 varints + flags. */
#define MIN_REGISTER_BYTES 3
#define MIN_DIGEST_ENTRY_BYTES 2
#define MIN_VERSION_BYTES 7
#define MIN_NAME_BYTES 1
#define FLAG_TOMBSTONE 0x01

/* ---- building messages ------------------------------------------------ */

/* Where a decoded message keeps what it points to (see wire.h): every
 * string, NUL-terminated, in one text buffer, and the registers and their
 * versions in arrays. A message is decoded into the same storage again and
 * again (mmr_wire_decode_into), so once the buffers have grown to the
 * largest message seen, decoding allocates nothing.
 *
 * Invariant: text never moves while a message is decoded. Every string on
 * the wire is preceded by a length of at least one byte, and its copy
 * needs exactly one byte more than its bytes (the NUL), so the text of a
 * message never exceeds the message's size - which is reserved up front.
 * The arrays may move while they grow; pointers into them are set once
 * the whole message is read (fix_pointers). */
struct _MmrMessageStorage {
  char *text;
  gsize text_len;
  gsize text_cap;
  MmrWireRegister *wire;     /* n_regs of them */
  MmrRegister *regs;         /* n_regs of them */
  guint n_regs;
  guint wire_cap;
  guint regs_cap;
  MmrVersion *versions;      /* every register's siblings, in order */
  guint n_versions;
  guint versions_cap;
};

/* Grows *@array of @size-byte items to hold @need items at least. */
static void
storage_reserve (gpointer array, guint *cap, guint need, gsize size)
{
  gpointer *p = array;

  if (need <= *cap)
    return;
  *cap = MAX (need, MAX (4, 2 * *cap));
  *p = g_realloc_n (*p, *cap, size);
}

static void
wire_crdt_free (gpointer data)
{
  MmrWireCrdt *wc = data;

  g_free (wc->name);
  g_clear_pointer (&wc->state, g_bytes_unref);
  g_free (wc);
}

void
mmr_message_add_crdt (MmrMessage *msg, const char *name, GBytes *state,
                      guint64 hash)
{
  MmrWireCrdt *wc;

  g_return_if_fail (msg != NULL && name != NULL);
  g_return_if_fail ((msg->type == MMR_MSG_CRDT_DIGEST) == (state == NULL));
  wc = g_new0 (MmrWireCrdt, 1);
  wc->name = g_strdup (name);
  wc->state = state != NULL ? g_bytes_ref (state) : NULL;
  wc->hash = hash;
  g_ptr_array_add (msg->crdts, wc);
}

static void
wire_register_free (gpointer data)
{
  MmrWireRegister *wr = data;

  g_free (wr->name);
  g_clear_pointer (&wr->reg, mmr_register_free);
  g_free (wr);
}

static MmrMessage *
message_new (MmrMsgType type, gboolean owns_registers)
{
  MmrMessage *msg = g_new0 (MmrMessage, 1);

  msg->type = type;
  /* Reserved small: most messages carry one register. GLib's default
   * first growth is 16 pointers, a 128-byte block per array that keeps
   * malloc out of its fast bins on the hottest path of the simulator. */
  msg->registers = g_ptr_array_new_full (1, owns_registers
                                            ? wire_register_free : NULL);
  msg->need = g_ptr_array_new_full (0, owns_registers ? g_free : NULL);
  msg->crdts = g_ptr_array_new_full (0, wire_crdt_free);
  msg->nodes = g_array_new (FALSE, FALSE, sizeof (MmrMerkleNode));
  return msg;
}

MmrMessage *
mmr_message_new (MmrMsgType type)
{
  g_return_val_if_fail (type >= MMR_MSG_STATE
                        && type <= MMR_MSG_MERKLE, NULL);
  return message_new (type, TRUE);
}

MmrMessage *
mmr_message_new_decoded (void)
{
  MmrMessage *msg = message_new (MMR_MSG_STATE, FALSE);

  msg->decoded = g_new0 (MmrMessageStorage, 1);
  return msg;
}

void
mmr_message_free (MmrMessage *msg)
{
  if (msg == NULL)
    return;
  g_ptr_array_unref (msg->registers);
  g_ptr_array_unref (msg->need);
  g_ptr_array_unref (msg->crdts);
  g_array_unref (msg->nodes);
  if (msg->decoded != NULL)
    {
      g_free (msg->decoded->text);
      g_free (msg->decoded->wire);
      g_free (msg->decoded->regs);
      g_free (msg->decoded->versions);
      g_free (msg->decoded);
    }
  g_free (msg);
}

void
mmr_message_add_register (MmrMessage *msg, const char *name,
                          MmrRegister *reg)
{
  MmrWireRegister *wr;

  g_return_if_fail (msg != NULL && name != NULL && reg != NULL);
  g_return_if_fail (msg->decoded == NULL);
  wr = g_new0 (MmrWireRegister, 1);
  wr->name = g_strdup (name);
  wr->reg = reg;
  g_ptr_array_add (msg->registers, wr);
}

void
mmr_message_add_need (MmrMessage *msg, const char *name)
{
  g_return_if_fail (msg != NULL && name != NULL);
  g_return_if_fail (msg->decoded == NULL);
  g_return_if_fail (msg->type == MMR_MSG_DIGEST_REPLY
                    || msg->type == MMR_MSG_CRDT_REPLY);
  g_ptr_array_add (msg->need, g_strdup (name));
}

const char *
mmr_msg_type_to_string (MmrMsgType type)
{
  switch (type)
    {
    case MMR_MSG_STATE:
      return "state";
    case MMR_MSG_DIGEST:
      return "digest";
    case MMR_MSG_DIGEST_REPLY:
      return "digest-reply";
    case MMR_MSG_CRDT:
      return "crdt";
    case MMR_MSG_CRDT_DIGEST:
      return "crdt-digest";
    case MMR_MSG_CRDT_REPLY:
      return "crdt-reply";
    case MMR_MSG_CRDT_ACK:
      return "crdt-ack";
    case MMR_MSG_MERKLE:
      return "merkle";
    default:
      return "unknown";
    }
}

/* ---- encoding ---------------------------------------------------------- */

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
  put_u8 (out, v->value == NULL ? FLAG_TOMBSTONE : 0);
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

static gboolean
is_crdt_type (MmrMsgType type)
{
  return type >= MMR_MSG_CRDT && type <= MMR_MSG_CRDT_ACK;
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
  else if (is_crdt_type (msg->type))
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

/* ---- decoding ---------------------------------------------------------- */

/* A cursor over the input.  Every read checks what is left first; the
 * first failure sets *error and every later read is skipped by the
 * callers' early returns. Strings are copied into the message's storage
 * (see MmrMessageStorage above). */
typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
  GError **error;
  MmrMessageStorage *store;
} Reader;

static gsize
left (const Reader *r)
{
  return r->len - r->pos;
}

G_GNUC_PRINTF (3, 4)
static gboolean
fail (Reader *r, MmrWireError code, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (r->error, MMR_WIRE_ERROR, code, text);
  return FALSE;
}

static gboolean
fail_truncated (Reader *r, guint64 need, const char *what)
{
  return fail (r, MMR_WIRE_ERROR_TRUNCATED,
               "truncated message: expected %" G_GUINT64_FORMAT " byte%s of "
               "%s at offset %" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left",
               need, need == 1 ? "" : "s", what, r->pos, left (r));
}

static inline gboolean
read_u8 (Reader *r, const char *what, guint8 *out)
{
  if (left (r) < 1)
    return fail_truncated (r, 1, what);
  *out = r->data[r->pos++];
  return TRUE;
}

/* Why the varint at the cursor is bad, in the words of the wire's errors;
 * only called on failure. */
G_GNUC_NO_INLINE static gboolean
fail_varint (Reader *r, MmrVarintStatus status, const char *what,
             const char *suffix)
{
  switch (status)
    {
    case MMR_VARINT_TRUNCATED:
      return fail (r, MMR_WIRE_ERROR_TRUNCATED,
                   "truncated message: expected a varint (%s%s) at offset %"
                   G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left",
                   what, suffix, r->pos, left (r));
    case MMR_VARINT_OVERFLOW:
      return fail (r, MMR_WIRE_ERROR_MALFORMED,
                   "varint (%s%s) at offset %" G_GSIZE_FORMAT " overflows "
                   "64 bits", what, suffix, r->pos);
    case MMR_VARINT_OVERLONG:
      return fail (r, MMR_WIRE_ERROR_MALFORMED,
                   "varint (%s%s) at offset %" G_GSIZE_FORMAT " is not "
                   "minimally encoded", what, suffix, r->pos);
    case MMR_VARINT_TOO_LONG:
    case MMR_VARINT_OK:
    default:
      break;
    }
  return fail (r, MMR_WIRE_ERROR_MALFORMED,
               "varint (%s%s) at offset %" G_GSIZE_FORMAT " is longer "
               "than %d bytes", what, suffix, r->pos, MMR_VARINT_MAX_BYTES);
}

/* Strict (src/core/varint.c rejects what the encoder never writes), so
 * that decoding stays the inverse of encoding. The length of a string is
 * read with @what naming the string and @suffix " length"; error messages
 * are only built on failure. */
static inline gboolean
read_varint_of (Reader *r, const char *what, const char *suffix,
                guint64 *out)
{
  const guint8 *p = r->data + r->pos;
  MmrVarintStatus status;
  gsize used = 0;

  /* Most varints on the wire are one byte (counts, lengths, replicas). */
  if (G_LIKELY (r->pos < r->len && p[0] < 0x80))
    {
      r->pos++;
      *out = p[0];
      return TRUE;
    }
  status = mmr_varint_decode (p, left (r), out, &used);
  if (G_UNLIKELY (status != MMR_VARINT_OK))
    return fail_varint (r, status, what, suffix);
  r->pos += used;
  return TRUE;
}

static inline gboolean
read_varint (Reader *r, const char *what, guint64 *out)
{
  return read_varint_of (r, what, "", out);
}

static inline gboolean
read_u32 (Reader *r, const char *what, guint32 *out)
{
  gsize at = r->pos;
  guint64 v = 0;

  if (!read_varint (r, what, &v))
    return FALSE;
  if (v > G_MAXUINT32)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s %" G_GUINT64_FORMAT " at offset %" G_GSIZE_FORMAT
                 " does not fit in 32 bits", what, v, at);
  *out = (guint32) v;
  return TRUE;
}

static inline gboolean
read_zigzag (Reader *r, const char *what, gint64 *out)
{
  guint64 u = 0;

  if (!read_varint (r, what, &u))
    return FALSE;
  *out = mmr_varint_zigzag_decode (u);
  return TRUE;
}

/* A count of items that each take at least @min_item_bytes: a count the
 * remaining bytes cannot hold is truncation, caught before allocating. */
static inline gboolean
read_count (Reader *r, const char *what, guint min_item_bytes, guint *out)
{
  gsize at = r->pos;
  guint64 n = 0;

  if (!read_varint (r, what, &n))
    return FALSE;
  if (n > left (r) / min_item_bytes)
    return fail (r, MMR_WIRE_ERROR_TRUNCATED,
                 "truncated message: %s %" G_GUINT64_FORMAT " at offset %"
                 G_GSIZE_FORMAT " needs at least %u bytes each, %"
                 G_GSIZE_FORMAT " left", what, n, at, min_item_bytes,
                 left (r));
  *out = (guint) n;
  return TRUE;
}

/* Most names and values are ASCII: checked here without a call, the
 * general UTF-8 validation runs only for the others. */
static inline gboolean
is_plain_ascii (const char *s, gsize len)
{
  guint8 bad = 0;

  for (gsize i = 0; i < len; i++)
    bad |= (guint8) ((guint8) s[i] - 1) >= 0x7f;
  return bad == 0;
}

/* Strings must be UTF-8 without NUL bytes: they become C strings, copied
 * into the message's text (which cannot overflow, see MmrMessageStorage). */
static gboolean
read_string (Reader *r, const char *what, char **out)
{
  MmrMessageStorage *s = r->store;
  guint64 len = 0;
  const char *start;

  if (!read_varint_of (r, what, " length", &len))
    return FALSE;
  if (len > left (r))
    return fail_truncated (r, len, what);
  start = (const char *) r->data + r->pos;
  if (!is_plain_ascii (start, len) && !g_utf8_validate_len (start, len, NULL))
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s at offset %" G_GSIZE_FORMAT " is not valid UTF-8 "
                 "(or contains a NUL byte)", what, r->pos);
  g_assert (s->text_len + len + 1 <= s->text_cap);
  *out = s->text + s->text_len;
  memcpy (*out, start, len);
  (*out)[len] = '\0';
  s->text_len += len + 1;
  r->pos += len;
  return TRUE;
}

static gboolean
read_replica (Reader *r, const char *what, guint8 *out)
{
  gsize at = r->pos;

  if (!read_u8 (r, what, out))
    return FALSE;
  if (*out >= MMR_MAX_REPLICAS)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s %u at offset %" G_GSIZE_FORMAT " is out of range "
                 "(at most %d)", what, *out, at, MMR_MAX_REPLICAS - 1);
  return TRUE;
}

/* DOC: wire-decode-vv */
static gboolean
read_vv (Reader *r, MmrVersionVector *vv)
{
  gsize at = r->pos;
  guint32 seen = 0;
  int prev = -1;
  guint64 n = 0;

  mmr_version_vector_init (vv);
  if (!read_varint (r, "version vector size", &n))
    return FALSE;
  if (n > MMR_MAX_REPLICAS)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "version vector at offset %" G_GSIZE_FORMAT " has %"
                 G_GUINT64_FORMAT " entries (at most %d)",
                 at, n, MMR_MAX_REPLICAS);
  for (guint i = 0; i < n; i++)
    {
      gsize entry_at = r->pos;
      guint8 replica = 0;

      if (!read_replica (r, "version vector replica", &replica))
        return FALSE;
      if (seen & (1u << replica))
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "duplicate replica %u in version vector at offset %"
                     G_GSIZE_FORMAT, replica, entry_at);
      if (replica < prev)
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "version vector entries out of order at offset %"
                     G_GSIZE_FORMAT ": replica %u after %d",
                     entry_at, replica, prev);
      seen |= 1u << replica;
      prev = replica;
      if (!read_u32 (r, "version vector counter", &vv->c[replica]))
        return FALSE;
      if (vv->c[replica] == 0)
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "zero counter for replica %u in version vector at "
                     "offset %" G_GSIZE_FORMAT " (zero entries are omitted)",
                     replica, entry_at);
    }
  return TRUE;
}

static gboolean
read_version (Reader *r, MmrVersion *v)
{
  gsize flags_at;
  guint8 flags = 0;

  memset (v, 0, sizeof *v);
  if (!read_replica (r, "dot replica", &v->dot.replica)
      || !read_u32 (r, "dot counter", &v->dot.counter)
      || !read_zigzag (r, "timestamp", &v->ts)
      || !read_u32 (r, "logical timestamp", &v->ts_logical)
      || !read_zigzag (r, "version HLC time", &v->hlc.l)
      || !read_u32 (r, "version HLC counter", &v->hlc.c))
    return FALSE;
  flags_at = r->pos;
  if (!read_u8 (r, "flags", &flags))
    return FALSE;
  if (flags & ~FLAG_TOMBSTONE)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "unknown flags 0x%02x at offset %" G_GSIZE_FORMAT,
                 flags, flags_at);
  if (flags & FLAG_TOMBSTONE)
    return TRUE;
  return read_string (r, "value", &v->value);
}

/* Register @i of the message: its name, vector and (@with_siblings) its
 * versions, appended to the storage's versions. The register's siblings
 * pointer is set by fix_pointers once every version is read. */
static gboolean
read_register (Reader *r, MmrMessage *msg, guint i, gboolean with_siblings)
{
  MmrMessageStorage *s = r->store;
  MmrWireRegister *wr = &s->wire[i];
  MmrRegister *reg = &s->regs[i];
  guint n = 0;

  memset (reg, 0, sizeof *reg);
  if (!read_string (r, "register name", &wr->name)
      || !read_vv (r, &reg->vv))
    return FALSE;
  wr->reg = reg;
  g_ptr_array_add (msg->registers, wr);
  s->n_regs = i + 1;
  if (!with_siblings)
    return TRUE;
  if (!read_count (r, "sibling count", MIN_VERSION_BYTES, &n))
    return FALSE;
  storage_reserve (&s->versions, &s->versions_cap, s->n_versions + n,
                   sizeof (MmrVersion));
  for (guint k = 0; k < n; k++)
    {
      reg->n_siblings = k + 1;
      if (!read_version (r, &s->versions[s->n_versions++]))
        return FALSE;
    }
  return TRUE;
}

/* @n registers, each at least @min_bytes long. */
static gboolean
read_registers (Reader *r, MmrMessage *msg, guint min_bytes,
                gboolean with_siblings)
{
  MmrMessageStorage *s = r->store;
  guint n = 0;

  if (!read_count (r, "register count", min_bytes, &n))
    return FALSE;
  /* Sized once: the registers do not move while they are read. */
  storage_reserve (&s->wire, &s->wire_cap, n, sizeof (MmrWireRegister));
  storage_reserve (&s->regs, &s->regs_cap, n, sizeof (MmrRegister));
  for (guint i = 0; i < n; i++)
    if (!read_register (r, msg, i, with_siblings))
      return FALSE;
  return TRUE;
}

/* The versions are final: point each register at its siblings. */
static void
fix_pointers (MmrMessageStorage *s)
{
  guint next = 0;

  for (guint i = 0; i < s->n_regs; i++)
    {
      MmrRegister *reg = &s->regs[i];

      reg->siblings = reg->n_siblings > 0 ? &s->versions[next] : NULL;
      next += reg->n_siblings;
    }
}

static gboolean
read_header (Reader *r, MmrMessage *msg)
{
  guint8 version = 0, type = 0;

  if (!read_u8 (r, "format version", &version))
    return FALSE;
  /* Nothing past the version byte can be trusted under another version. */
  if (version != MMR_WIRE_VERSION)
    return fail (r, MMR_WIRE_ERROR_VERSION,
                 "unsupported wire format version %u (this build speaks %d)",
                 version, MMR_WIRE_VERSION);
  if (!read_u8 (r, "message type", &type))
    return FALSE;
  if (type < MMR_MSG_STATE || type > MMR_MSG_MERKLE)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "unknown message type %u at offset 1", type);
  msg->type = type;
  return read_varint (r, "Lamport clock", &msg->lamport)
         && read_zigzag (r, "HLC time", &msg->hlc.l)
         && read_u32 (r, "HLC counter", &msg->hlc.c)
         && read_u32 (r, "exchange id", &msg->exchange);
}

static gboolean
read_needs (Reader *r, MmrMessage *msg)
{
  guint n = 0;

  if (!read_count (r, "need count", MIN_NAME_BYTES, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *name = NULL;

      if (!read_string (r, "needed name", &name))
        return FALSE;
      g_ptr_array_add (msg->need, name);
    }
  return TRUE;
}

static gboolean
read_crdts (Reader *r, MmrMessage *msg)
{
  gboolean is_digest = msg->type == MMR_MSG_CRDT_DIGEST;
  guint n = 0;

  if (!read_count (r, "CRDT count", is_digest ? 9 : 2, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      MmrWireCrdt *wc = g_new0 (MmrWireCrdt, 1);
      char *name = NULL;

      g_ptr_array_add (msg->crdts, wc);
      if (!read_string (r, "CRDT name", &name))
        return FALSE;
      wc->name = g_strdup (name);
      if (is_digest)
        {
          guint64 le;

          if (left (r) < 8)
            return fail_truncated (r, 8, "CRDT hash");
          memcpy (&le, r->data + r->pos, 8);
          r->pos += 8;
          wc->hash = GUINT64_FROM_LE (le);
        }
      else
        {
          guint64 len = 0;

          if (!read_varint (r, "CRDT state length", &len))
            return FALSE;
          if (len > left (r))
            return fail_truncated (r, len, "CRDT state");
          wc->state = g_bytes_new (r->data + r->pos, (gsize) len);
          r->pos += (gsize) len;
        }
    }
  return msg->type != MMR_MSG_CRDT_REPLY || read_needs (r, msg);
}

static gboolean
read_merkle (Reader *r, MmrMessage *msg)
{
  guint8 step = 0;
  guint n = 0;

  if (!read_u8 (r, "Merkle step", &step))
    return FALSE;
  if (step > MMR_MERKLE_BUCKETS)
    return fail (r, MMR_WIRE_ERROR_MALFORMED, "unknown Merkle step %u at "
                 "offset %" G_GSIZE_FORMAT, step, r->pos - 1);
  msg->step = step;
  if (!read_count (r, "Merkle node count", 1, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      MmrMerkleNode node = { 0, 0 };

      if (!read_u32 (r, "Merkle node", &node.node))
        return FALSE;
      if (step != MMR_MERKLE_BUCKETS)
        {
          guint64 le;

          if (left (r) < 8)
            return fail_truncated (r, 8, "Merkle hash");
          memcpy (&le, r->data + r->pos, 8);
          r->pos += 8;
          node.hash = GUINT64_FROM_LE (le);
        }
      g_array_append_val (msg->nodes, node);
    }
  if (step != MMR_MERKLE_BUCKETS)
    return TRUE;
  return read_registers (r, msg, MIN_DIGEST_ENTRY_BYTES, FALSE);
}

static gboolean
read_body (Reader *r, MmrMessage *msg)
{
  gboolean is_digest = msg->type == MMR_MSG_DIGEST;

  if (msg->type == MMR_MSG_MERKLE)
    return read_merkle (r, msg);
  if (is_crdt_type (msg->type))
    return read_crdts (r, msg);
  if (!read_registers (r, msg,
                       is_digest ? MIN_DIGEST_ENTRY_BYTES : MIN_REGISTER_BYTES,
                       !is_digest))
    return FALSE;
  return msg->type != MMR_MSG_DIGEST_REPLY || read_needs (r, msg);
}

/* Empties a decoded message, keeping its buffers for the next one. */
static void
reset_decoded (MmrMessage *msg, gsize text_needed)
{
  MmrMessageStorage *s = msg->decoded;

  msg->type = MMR_MSG_STATE;
  msg->lamport = 0;
  msg->hlc.l = 0;
  msg->hlc.c = 0;
  msg->exchange = 0;
  msg->step = MMR_MERKLE_ASK;
  /* Registers and needs point into the storage: nothing to free. */
  if (msg->registers->len > 0)
    g_ptr_array_set_size (msg->registers, 0);
  if (msg->need->len > 0)
    g_ptr_array_set_size (msg->need, 0);
  if (msg->crdts->len > 0)
    g_ptr_array_set_size (msg->crdts, 0);
  if (msg->nodes->len > 0)
    g_array_set_size (msg->nodes, 0);
  s->n_regs = 0;
  s->n_versions = 0;
  s->text_len = 0;
  if (s->text_cap < text_needed)
    {
      s->text_cap = MAX (text_needed, 2 * s->text_cap);
      s->text = g_realloc (s->text, s->text_cap);
    }
}

/* DOC: wire-decode */
gboolean
mmr_wire_decode_into (GBytes *bytes, MmrMessage *msg, GError **error)
{
  Reader r = { NULL, 0, 0, error, NULL };

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (msg != NULL && msg->decoded != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  r.data = g_bytes_get_data (bytes, &r.len);
  r.store = msg->decoded;
  reset_decoded (msg, r.len);
  if (!read_header (&r, msg) || !read_body (&r, msg))
    {
      reset_decoded (msg, 0);
      return FALSE;
    }
  if (left (&r) != 0)
    {
      fail (&r, MMR_WIRE_ERROR_MALFORMED,
            "%" G_GSIZE_FORMAT " trailing byte%s after the message end at "
            "offset %" G_GSIZE_FORMAT, left (&r), left (&r) == 1 ? "" : "s",
            r.pos);
      reset_decoded (msg, 0);
      return FALSE;
    }
  fix_pointers (msg->decoded);
  return TRUE;
}

MmrMessage *
mmr_wire_decode (GBytes *bytes, GError **error)
{
  g_autoptr (MmrMessage) msg = mmr_message_new_decoded ();

  g_return_val_if_fail (bytes != NULL, NULL);
  if (!mmr_wire_decode_into (bytes, msg, error))
    return NULL;
  return g_steal_pointer (&msg);
}
