import { SonioxError, type KeyedText } from "../errors";
import { safeText, secretReach } from "../redact";
import { FRAME_EXCERPT_CHARS, invalidFrameWarning } from "./protocol";

// The session's errors and warnings, worded in one place (the editor catalogues hold the same keys).

export function subprotocolKeyError(): SonioxError {
  return new SonioxError(
    "invalid_config",
    'This API key cannot be sent as a WebSocket subprotocol: it has characters a subprotocol may not contain (temporary "temp:" keys have a colon). ' +
      'Set the Soniox config node\'s authentication to "Authorization header".',
    { key: "session.subprotocol-key" },
  );
}

export function connectTimeoutError(ms: number): SonioxError {
  return new SonioxError("connect_timeout", `Could not connect to Soniox within ${ms} ms`, { key: "session.connect-timeout", params: { ms } });
}

export function connectFailedError(err: unknown): SonioxError {
  const detail = (err as Error).message;
  return new SonioxError("connection_failed", `Could not open a connection to Soniox: ${detail}`, { key: "session.connect-failed", params: { detail } });
}

export function closedEarlyError(code: number, reason: string): SonioxError {
  const detail = reason ? `${code} ${reason}` : `${code}`;
  return new SonioxError("connection_closed", `Connection to Soniox closed before the stream finished (${detail})`, { key: "session.closed-early", params: { detail } });
}

export function finishTimeoutError(ms: number): SonioxError {
  return new SonioxError("finish_timeout", `Soniox did not confirm the end of the stream within ${ms} ms`, { key: "session.finish-timeout", params: { ms } });
}

export function sonioxErrorFrame(code: number, message: string): SonioxError {
  return new SonioxError(code, `Soniox error ${code}: ${message}`, { key: "session.soniox-error", params: { code, message } });
}

export const BINARY_FRAME: KeyedText = { text: "Soniox sent a binary frame; ignored (results are JSON text)", i18n: { key: "session.binary-frame" } };

/** The excerpt is redacted before it is cut, with room for a key that starts just before the cut. */
export function invalidFrameNotice(problem: Parameters<typeof invalidFrameWarning>[0], data: string, apiKey: string): KeyedText {
  const excerpt = safeText(data.slice(0, FRAME_EXCERPT_CHARS + secretReach(apiKey)), [apiKey]).slice(0, FRAME_EXCERPT_CHARS);
  return invalidFrameWarning(problem, excerpt);
}

export function untimedTokensWarning(count: number): KeyedText {
  return {
    text: `Soniox sent ${count} token(s) whose start_ms/end_ms is not a finite number; they are passed on without times`,
    i18n: { key: "session.token-times-unreadable", params: { count } },
  };
}

export function deliveryFailedWarning(err: unknown): KeyedText {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { text: `Passing on what Soniox sent failed (${detail}); it was dropped and the stream goes on`, i18n: { key: "session.delivery-failed", params: { detail } } };
}

export function backpressureWarning(bytes: number): KeyedText {
  return {
    text: `The connection to Soniox cannot keep up (${bytes} bytes waiting in the socket); audio is held in the bounded queue`,
    i18n: { key: "session.backpressure", params: { bytes } },
  };
}

export const PACING_APPROXIMATE: KeyedText = {
  text: 'Pacing is approximate: the duration of this compressed audio is not known (yet); it is measured with ffmpeg when installed, and "convert to PCM" paces exactly',
  i18n: { key: "session.pacing-approximate" },
};

export function queueFullWarning(bytes: number): KeyedText {
  return {
    text: `Audio queue full: dropped the oldest ${bytes} bytes of audio (dropped bytes are counted in stats). Raise the queue bound or feed audio closer to real time.`,
    i18n: { key: "session.queue-full", params: { bytes } },
  };
}
