/* wire-private.h - what the wire's encoder and decoder share (private to
 * src/net): the flag bits of a version and the kinds of body.
 */
#pragma once

#include "net/wire.h"

G_BEGIN_DECLS

/* A version's flags byte: bit 0 marks a tombstone (no value follows). */
#define MMR_WIRE_FLAG_TOMBSTONE 0x01

/* CRDT, CRDT_DIGEST, CRDT_REPLY and CRDT_ACK carry CRDT bodies. */
static inline gboolean
mmr_wire_is_crdt_type (MmrMsgType type)
{
  return type >= MMR_MSG_CRDT && type <= MMR_MSG_CRDT_ACK;
}

G_END_DECLS
