/**
 * Client-side error codes, used alongside Soniox's HTTP-like numeric codes. Strings never collide
 * with Soniox's numbers, so a flow can branch on `code` either way.
 */
export type ClientErrorCode =
  | "connect_timeout"
  | "connection_failed"
  | "connection_closed"
  | "finish_timeout"
  | "invalid_config"
  | "invalid_state"
  | "protocol";

export type ErrorCode = number | ClientErrorCode;

/**
 * A catalogue key (under the transcribe node's `errors.` namespace) and its {{placeholders}}, so
 * the node can show the text in the user's language. Core stays free of Node-RED: it only names
 * the key, and the English text beside it remains the fallback and what logs and tests read.
 */
export interface MessageKey {
  key: string;
  params?: Record<string, string | number>;
  /**
   * Placeholders whose text is itself translated (a phrase such as "the WAV header" that many
   * messages share): each is looked up in the same section as the message, its English text the
   * fallback. A part without a key is put in as its text.
   */
  parts?: Record<string, MessagePart>;
}

/** A translated piece of a message: its English text, and its catalogue key when it has one. */
export interface MessagePart {
  text: string;
  key?: string;
  params?: Record<string, string | number>;
  /** The catalogue section of `key` when it is not the message's own (an error's text inside a warning). */
  section?: "errors" | "warnings";
}

/** A message's English text beside its catalogue key. */
export interface KeyedText {
  text: string;
  i18n: MessageKey;
}

/** A warning's catalogue key (under `warnings.`), and the stream whose "[key] " prefix the English text carries. */
export interface WarningKey extends MessageKey {
  stream?: string;
}

/**
 * Soniox codes worth retrying (408, 500, 503; 429 only after a longer wait), per the API's own
 * guidance; 502 and 504 come from a proxy in front of Soniox refusing the upgrade, a transport
 * fault like any other.
 */
export function isRetryableCode(code: ErrorCode): boolean {
  if (typeof code === "number") return code === 408 || code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
  return code === "connect_timeout" || code === "connection_failed" || code === "connection_closed";
}

export class SonioxError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly key?: string;
  readonly params?: Record<string, string | number>;
  readonly parts?: Record<string, MessagePart>;

  constructor(code: ErrorCode, message: string, i18n?: MessageKey) {
    super(message);
    this.name = "SonioxError";
    this.code = code;
    this.retryable = isRetryableCode(code);
    if (i18n) {
      this.key = i18n.key;
      this.params = i18n.params;
      this.parts = i18n.parts;
    }
  }

  /** The shape put on messages for Catch nodes: plain data, no stack. */
  toJSON(): { code: ErrorCode; message: string; retryable: boolean } {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

/**
 * An error's text as a part of another message ("gave up after 3 attempts: <error>"), so it is
 * translated with it. An error whose text has parts of its own goes in as its English text.
 */
export function errorPart(err: SonioxError): MessagePart {
  if (!err.key || err.parts) return { text: err.message };
  return { text: err.message, key: err.key, params: err.params, section: "errors" };
}
