/* message-storage.c - the reusable storage of a decoded message
 *
 * A speed trick, not part of the concept: on a first reading skip this
 * file. What a message is and how it is laid out is in wire.c and wire.h;
 * how bytes become a message is in wire-decode.c. Decoding would be just
 * as correct if every string were a g_strndup and every register a
 * g_new: this file exists because a replica decodes every message it
 * receives, and with it a warm replica decodes without allocating
 * (docs/benchmarks.md).
 *
 * Interface (message-storage.h, private to src/net):
 *   mmr_message_storage_new / _free
 *   mmr_message_storage_reset           empty it for the next message
 *   mmr_message_storage_copy_text       a string of the message
 *   mmr_message_storage_reserve_registers / _register / _add_versions
 *   mmr_message_storage_finish          point registers at their siblings
 *
 * Where a decoded message keeps what it points to (see wire.h): every
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
 * the whole message is read (mmr_message_storage_finish).
 *
 * Taught in docs/wire-format.md ("Code") and docs/benchmarks.md.
 */
#include "net/message-storage.h"

#include <string.h>

/* DOC: message-storage */
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


MmrMessageStorage *
mmr_message_storage_new (void)
{
  return g_new0 (MmrMessageStorage, 1);
}

void
mmr_message_storage_free (MmrMessageStorage *s)
{
  if (s == NULL)
    return;
  g_free (s->text);
  g_free (s->wire);
  g_free (s->regs);
  g_free (s->versions);
  g_free (s);
}

void
mmr_message_storage_reset (MmrMessageStorage *s, gsize message_bytes)
{
  s->n_regs = 0;
  s->n_versions = 0;
  s->text_len = 0;
  if (s->text_cap < message_bytes)
    {
      s->text_cap = MAX (message_bytes, 2 * s->text_cap);
      s->text = g_realloc (s->text, s->text_cap);
    }
}

char *
mmr_message_storage_copy_text (MmrMessageStorage *s, const char *bytes,
                               gsize len)
{
  char *out = s->text + s->text_len;

  g_assert (s->text_len + len + 1 <= s->text_cap);
  memcpy (out, bytes, len);
  out[len] = '\0';
  s->text_len += len + 1;
  return out;
}

void
mmr_message_storage_reserve_registers (MmrMessageStorage *s, guint n)
{
  /* Sized once: the registers do not move while they are read. */
  storage_reserve (&s->wire, &s->wire_cap, n, sizeof (MmrWireRegister));
  storage_reserve (&s->regs, &s->regs_cap, n, sizeof (MmrRegister));
}

MmrWireRegister *
mmr_message_storage_register (MmrMessageStorage *s, guint i)
{
  MmrWireRegister *wr = &s->wire[i];

  g_assert (i < s->wire_cap && i < s->regs_cap);
  memset (&s->regs[i], 0, sizeof s->regs[i]);
  wr->name = NULL;
  wr->reg = &s->regs[i];
  s->n_regs = i + 1;
  return wr;
}

MmrVersion *
mmr_message_storage_add_versions (MmrMessageStorage *s, guint n)
{
  MmrVersion *first;

  if (n == 0)           /* the array may still be NULL, and NULL + 0 is UB */
    return NULL;
  storage_reserve (&s->versions, &s->versions_cap, s->n_versions + n,
                   sizeof (MmrVersion));
  first = &s->versions[s->n_versions];
  s->n_versions += n;
  return first;
}

void
mmr_message_storage_finish (MmrMessageStorage *s)
{
  guint next = 0;

  for (guint i = 0; i < s->n_regs; i++)
    {
      MmrRegister *reg = &s->regs[i];

      reg->siblings = reg->n_siblings > 0 ? &s->versions[next] : NULL;
      next += reg->n_siblings;
    }
}
