import type { Routing } from "../../core/control";

/** Shared by every message without reply properties (most audio chunks): never written to. */
const NO_ROUTING: Routing = Object.freeze({});

/**
 * The websocket/http reply properties of a message, which every output for its stream carries
 * back. Read-only: callers copy it (Object.assign into their own object, spread) before keeping it.
 */
export function routingOf(msg: { _session?: unknown; _client?: unknown }): Routing {
  if (msg._session === undefined && msg._client === undefined) return NO_ROUTING;
  const routing: Routing = {};
  if (msg._session !== undefined) routing._session = msg._session;
  if (msg._client !== undefined) routing._client = msg._client;
  return routing;
}
