import WebSocket from "ws";
import type { IncomingMessage } from "http";
import type { KeyedText, MessageKey } from "../errors";
import { redact, secretReach } from "../redact";

/** What a session needs from a WebSocket; tests substitute an in-memory fake. */
export interface Transport {
  send(data: string | Uint8Array): void;
  /** Graceful close; the transport reports `close` when done. */
  close(code?: number): void;
  /** Immediate teardown with no close handshake. */
  terminate(): void;
  readonly bufferedAmount: number;
}

export interface TransportHandlers {
  open(): void;
  message(data: string, isBinary: boolean): void;
  close(code: number, reason: string): void;
  /**
   * `status` is the HTTP status when the server refused the upgrade; `i18n` names the catalogue
   * key of the error's text, so the node can say it in the user's language.
   */
  error(err: Error, status?: number, i18n?: MessageKey): void;
}

export type AuthMethod = "header" | "subprotocol";

export interface ConnectRequest {
  url: string;
  apiKey: string;
  authMethod: AuthMethod;
  handshakeTimeoutMs: number;
  /** Ping this often; 0 disables the heartbeat. */
  heartbeatIntervalMs: number;
  /** A connection whose pong is this late is dead (a half-open socket fires no event by itself). */
  heartbeatTimeoutMs: number;
}

export type TransportFactory = (request: ConnectRequest, handlers: TransportHandlers) => Transport;

const SUBPROTOCOL = "soniox-api-key";

/**
 * The largest frame we accept from the server. Soniox sends a result every few hundred ms with
 * the tokens since the last one; even a final flush after a long stall (tokens of ~150 bytes of
 * JSON each, ~10 per second of speech with translation, so ~1.5 KB per second of audio) needs
 * ~1 MB only for ten minutes of unconfirmed audio. 4 MiB leaves that margin twice over and still
 * stops a broken server from making us hold a 100 MiB frame (ws closes with 1009 instead).
 */
export const MAX_SERVER_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * The real transport over `ws`. The key goes in the upgrade request (Authorization header or the
 * soniox-api-key subprotocol), never in the start message: the start-message field is deprecated
 * and refused from 2027-01-15.
 */
export const wsTransport: TransportFactory = (request, handlers) => {
  const headers: Record<string, string> = {};
  let protocols: string[] | undefined;
  if (request.authMethod === "subprotocol") protocols = [SUBPROTOCOL, request.apiKey];
  else headers.Authorization = `Bearer ${request.apiKey}`;

  const ws = new WebSocket(request.url, protocols, {
    headers,
    handshakeTimeout: request.handshakeTimeoutMs,
    perMessageDeflate: false,
    maxPayload: MAX_SERVER_FRAME_BYTES,
  });

  let failed = false;
  const fail = ({ text, i18n }: KeyedText, status?: number) => {
    if (failed) return;
    failed = true;
    handlers.error(new Error(text), status, i18n);
  };

  const heartbeat = startHeartbeat(ws, request, (dead) => {
    fail(dead);
    ws.terminate();
  });
  ws.on("open", () => {
    heartbeat.start();
    handlers.open();
  });
  ws.on("message", (data, isBinary) => handlers.message(isBinary ? "" : data.toString(), isBinary));
  ws.on("close", (code, reason) => {
    heartbeat.stop();
    handlers.close(code, reason.toString());
  });
  ws.on("error", (err) => fail(describeSocketError(err)));
  ws.on("unexpected-response", (req, res: IncomingMessage) => {
    readSmallBody(res, request.apiKey, (body) => {
      const status = res.statusCode ?? 0;
      const http = `${status} ${res.statusMessage ?? ""}`.trim();
      const refused: KeyedText = body
        ? { text: `Soniox refused the connection with HTTP ${http}: ${body}`, i18n: { key: "session.http-refused-detail", params: { http, detail: body } } }
        : { text: `Soniox refused the connection with HTTP ${http}`, i18n: { key: "session.http-refused", params: { http } } };
      fail(refused, status);
      req.destroy();
      ws.terminate();
    });
  });

  return {
    send: (data) => ws.send(data),
    close: (code) => {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(code);
    },
    terminate: () => {
      heartbeat.stop();
      ws.terminate();
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
};

/**
 * Pings on a fixed cadence and calls the connection dead when a pong is overdue: without it a
 * connection whose peer vanished (NAT timeout, pulled cable) looks open forever. One timer per
 * connection, not per message.
 */
function startHeartbeat(ws: WebSocket, request: ConnectRequest, onDead: (why: KeyedText) => void): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let awaiting = false;
  const interval = request.heartbeatIntervalMs;
  const timeout = request.heartbeatTimeoutMs;
  const schedule = (ms: number) => {
    stop();
    timer = setTimeout(tick, ms);
  };
  const tick = () => {
    timer = null;
    if (awaiting) {
      onDead({ text: `Connection to Soniox lost: no answer to a ping for ${timeout} ms`, i18n: { key: "session.ping-timeout", params: { ms: timeout } } });
      return;
    }
    if (ws.readyState !== WebSocket.OPEN) return;
    awaiting = true;
    ws.ping();
    schedule(timeout);
  };
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  ws.on("pong", () => {
    if (!awaiting) return;
    awaiting = false;
    schedule(interval);
  });
  return {
    start: () => {
      if (interval > 0 && timeout > 0) schedule(interval);
    },
    stop,
  };
}

/** Error texts from the socket layer, without anything that could echo request headers. */
function describeSocketError(err: Error & { code?: string }): KeyedText {
  if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
    return {
      text: `The server sent a frame larger than ${MAX_SERVER_FRAME_BYTES} bytes, far beyond any Soniox result; the connection was closed. Check that the URL points at Soniox or a faithful proxy.`,
      i18n: { key: "session.frame-too-large", params: { bytes: MAX_SERVER_FRAME_BYTES } },
    };
  }
  // The operating system's or ws's own words (ECONNREFUSED, a TLS failure) stay as they are.
  const detail = err.code ? `${err.message} (${err.code})` : err.message;
  return { text: `Connection to Soniox failed: ${detail}`, i18n: { key: "session.socket-error", params: { detail } } };
}

/** Soniox explains refusals in a short JSON body: at most this much of it is read and shown. */
const BODY_CHARS = 1024;
const BODY_SHOWN_CHARS = 200;

/**
 * Reads the start of a refusal's body and makes it safe to show. A proxy may echo the key; it is
 * redacted before anything is cut (a cut through the key would leave part of it readable), so the
 * read goes on past the cut by as far as the key can reach in any form redact() knows.
 */
function readSmallBody(res: IncomingMessage, secret: string, done: (body: string) => void): void {
  const limit = BODY_CHARS + secretReach(secret);
  let body = "";
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    done(summariseBody(redact(body.slice(0, limit), [secret])));
  };
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    body += chunk;
    if (body.length >= limit) {
      res.destroy();
      finish();
    }
  });
  res.on("end", finish);
  res.on("error", finish);
  res.on("close", finish);
}

function summariseBody(body: string): string {
  const text = body.slice(0, BODY_CHARS).trim();
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const message = json.error_message ?? json.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.replace(/\s+/g, " ").slice(0, BODY_SHOWN_CHARS);
}
