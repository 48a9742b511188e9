import type { SonioxError } from "../errors";
import { subprotocolKeyError } from "./session-messages";
import type { SessionOptions } from "./session-types";
import { DEFAULT_STREAM_SETTINGS } from "./stream-defaults";
import type { ConnectRequest } from "./transport";

/** What a WebSocket subprotocol may contain (RFC 7230 tchar). */
const SUBPROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * What a session asks its transport to open, or why it never can: a key that is no subprotocol
 * token (a retry cannot help).
 */
export function connectRequest(opts: SessionOptions): ConnectRequest | SonioxError {
  const authMethod = opts.authMethod ?? "header";
  if (authMethod === "subprotocol" && !SUBPROTOCOL_TOKEN.test(opts.apiKey)) return subprotocolKeyError();
  return {
    url: opts.url,
    apiKey: opts.apiKey,
    authMethod,
    handshakeTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_STREAM_SETTINGS.connectTimeoutMs,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? DEFAULT_STREAM_SETTINGS.heartbeatIntervalMs,
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? DEFAULT_STREAM_SETTINGS.heartbeatTimeoutMs,
  };
}
