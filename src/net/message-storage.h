/* message-storage.h - where a decoded message keeps its contents (private
 * to src/net; a speed trick, see message-storage.c)
 *
 * A decoded MmrMessage points its registers, versions and strings into one
 * MmrMessageStorage, reused from one message to the next. The decoder
 * (wire-decode.c) only asks it for room; how the room is kept is this
 * file's business.
 */
#pragma once

#include "net/wire.h"

G_BEGIN_DECLS

MmrMessageStorage *mmr_message_storage_new     (void);
void               mmr_message_storage_free    (MmrMessageStorage *s);
/* Forgets the previous message, keeping the buffers, and makes sure the
 * strings of a message of @message_bytes bytes fit without moving. */
void               mmr_message_storage_reset   (MmrMessageStorage *s,
                                                gsize message_bytes);
/* A NUL-terminated copy of the @len bytes at @bytes, valid until the next
 * reset. Never moves what earlier copies returned. */
char              *mmr_message_storage_copy_text (MmrMessageStorage *s,
                                                  const char *bytes,
                                                  gsize len);
/* Room for @n registers, numbered 0 .. @n - 1, before any is read. */
void               mmr_message_storage_reserve_registers (MmrMessageStorage *s,
                                                          guint n);
/* Register @i, zeroed, its reg pointing at its MmrRegister; the message
 * then has @i + 1 registers. */
MmrWireRegister   *mmr_message_storage_register (MmrMessageStorage *s,
                                                 guint i);
/* @n versions for the last register's siblings, to be filled in at once:
 * the array may move at the next call. */
MmrVersion        *mmr_message_storage_add_versions (MmrMessageStorage *s,
                                                     guint n);
/* The message is complete: points each register at its siblings. */
void               mmr_message_storage_finish  (MmrMessageStorage *s);

G_END_DECLS
