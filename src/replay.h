/* replay.h — a recorded exchange instead of the network.
 *
 * A recording directory (as in tests/fixtures/) holds `response` (the raw
 * body), `headers.txt` (status line and headers), `request.json` (the body
 * that was sent) and `meta.txt` (endpoint, server, model, time). Replaying
 * feeds the body through exactly the live path (ingest: SSE → dialect →
 * document), event by event, so print mode, tests, the benchmark and the
 * bundled demo exercise the same code as a real request. The dialect is
 * meta.txt's "dialect:" line when there is one, else the one whose path
 * the recorded endpoint ends with (dialect_for_endpoint); a stream is a
 * request that asked for one or a response that is an event stream or
 * JSON lines. A "source:" line (fixtures built from documentation) is the
 * provenance instead of the server and recording time. */
#ifndef TOKSCOPE_REPLAY_H
#define TOKSCOPE_REPLAY_H

#include "src/doc.h"
#include "src/err.h"

/* Clears d and replays dir into it. Sets request, endpoint, provenance
 * ("llama.cpp llama-server b4748 · stories260K · recorded 2026-11-22") and
 * title (the directory's name) metadata. on_progress (may be NULL) is
 * called after each piece fed. Returns the exchange's outcome like
 * exchange_run (TS_OK, TS_EHTTP with the server's message, ...). */
int replay_dir(struct doc *d, const char *dir, void (*on_progress)(void *ctx, const struct doc *d),
	       void *ctx, struct ts_err *err);

#endif
