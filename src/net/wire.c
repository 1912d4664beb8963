/* wire.c - the wire format: what a message is
 *
 * Replicas never share memory: everything one learns about another arrives
 * as a byte string, so the simulator counts real bytes and a student can
 * read a message in hex. A message (MmrMessage, wire.h) is a header - the
 * sender's Lamport clock and HLC, an anti-entropy exchange id - and a body
 * of one of eight types: whole registers (STATE), names and version
 * vectors (DIGEST), both plus a list of needed names (DIGEST_REPLY), CRDT
 * states, hashes and acknowledgements, and the steps of a Merkle walk.
 * The byte layout is in wire.h and docs/wire-format.md.
 *
 * Why varints: nearly every number on the wire is small (replica indices,
 * counters, HLC counters, string lengths), so unsigned LEB128 spends one byte
 * on anything below 128 instead of four or eight.  Signed numbers (physical
 * times, which skew can push below zero) are zig-zag mapped first, so that
 * -1 costs one byte rather than ten (src/core/varint.c).
 *
 * The wire in four files, read in this order:
 *   wire.c             what a message is: building and freeing one
 *   wire-encode.c      message -> bytes
 *   wire-decode.c      bytes -> message, strictly
 *   message-storage.c  a speed trick: where a decoded message keeps its
 *                      strings and registers, reused message after
 *                      message; skip it on a first reading
 *
 * Interface:
 *   mmr_message_new / _free / _add_register / _add_need / _add_crdt
 *                     build a message
 *   mmr_msg_type_to_string  a type's name, as traces show it
 *   (wire-encode.c) mmr_wire_encode, mmr_wire_encode_push
 *   (wire-decode.c) mmr_wire_decode, mmr_wire_decode_into
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
 *   - a built message owns its registers and strings; a decoded one points
 *     into its MmrMessageStorage and owns nothing else but its CRDTs.
 *
 * Taught in docs/wire-format.md.
 */
#include "net/wire.h"

#include "net/message-storage.h"

/* ---- building messages ------------------------------------------------ */

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

  msg->decoded = mmr_message_storage_new ();
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
  mmr_message_storage_free (msg->decoded);
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

