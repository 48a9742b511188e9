import type { Routing } from "../../core/control";

/** The websocket/http reply properties of a message, which every output for its stream carries back. */
export function routingOf(msg: { _session?: unknown; _client?: unknown }): Routing {
  const routing: Routing = {};
  if (msg._session !== undefined) routing._session = msg._session;
  if (msg._client !== undefined) routing._client = msg._client;
  return routing;
}
