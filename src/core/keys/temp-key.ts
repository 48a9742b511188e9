/**
 * Minting Soniox temporary API keys (`POST /v1/auth/temporary-api-key`, protocol notes §1.3), so a
 * browser can stream straight to Soniox while the long-lived key stays on the server.
 */
import { SonioxError, type MessageKey } from "../errors";
import { safeText } from "../redact";

export type TempKeyUsage = "transcribe_websocket" | "tts_rt";

/** A checked request, in Soniox's field names (they go on the wire as they are). */
export interface TempKeyRequest {
  usage_type: TempKeyUsage;
  expires_in_seconds: number;
  single_use?: boolean;
  max_session_duration_seconds?: number;
  client_reference_id?: string;
}

/** Soniox's 201 answer. */
export interface TempKey {
  api_key: string;
  expires_at: string;
}

export interface MintOptions {
  /** REST base such as https://api.soniox.com (no /v1). */
  apiUrl: string;
  /** The long-lived key; it is sent only in the Authorization header and never echoed in errors. */
  apiKey: string;
  request: TempKeyRequest;
  /** Gives up after this long (default 10 s). */
  timeoutMs?: number;
  /** Injected in tests; the global fetch otherwise. */
  fetchImpl?: typeof fetch;
}

const USAGES: readonly TempKeyUsage[] = ["transcribe_websocket", "tts_rt"];

function intInRange(value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new SonioxError("invalid_config", `${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, {
      key: "keys.range",
      params: { field, min, max, value: String(JSON.stringify(value)) },
    });
  }
  return n;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/**
 * Checks a request before it costs a round trip (and a rate-limited mint): usage_type,
 * expires_in_seconds 1..3600, max_session_duration_seconds 1..18000, client_reference_id at most
 * 256 characters, single_use boolean. Blank optional fields are left out. Throws a SonioxError
 * ("invalid_config") naming the field and its range.
 */
export function checkTempKeyRequest(input: Record<string, unknown>): TempKeyRequest {
  const usage = input.usage_type ?? "transcribe_websocket";
  if (!USAGES.includes(usage as TempKeyUsage)) {
    throw new SonioxError("invalid_config", `usage_type must be ${USAGES.join(" or ")}, got ${JSON.stringify(usage)}`, {
      key: "keys.usage",
      params: { value: String(JSON.stringify(usage)) },
    });
  }
  const request: TempKeyRequest = {
    usage_type: usage as TempKeyUsage,
    expires_in_seconds: intInRange(input.expires_in_seconds, "expires_in_seconds", 1, 3600),
  };
  if (!isBlank(input.max_session_duration_seconds)) {
    request.max_session_duration_seconds = intInRange(input.max_session_duration_seconds, "max_session_duration_seconds", 1, 18000);
  }
  if (input.single_use !== undefined && input.single_use !== null) {
    if (typeof input.single_use !== "boolean") {
      throw new SonioxError("invalid_config", `single_use must be true or false, got ${JSON.stringify(input.single_use)}`, {
        key: "keys.single-use",
        params: { value: String(JSON.stringify(input.single_use)) },
      });
    }
    request.single_use = input.single_use;
  }
  if (!isBlank(input.client_reference_id)) {
    const ref = input.client_reference_id;
    if (typeof ref !== "string") {
      throw new SonioxError("invalid_config", `client_reference_id must be a string, got ${typeof ref}`, { key: "keys.reference-type", params: { type: typeof ref } });
    }
    if (ref.length > 256) {
      throw new SonioxError("invalid_config", `client_reference_id must be at most 256 characters, got ${ref.length}`, {
        key: "keys.reference-length",
        params: { length: ref.length },
      });
    }
    request.client_reference_id = ref;
  }
  return request;
}

interface ApiErrorBody {
  status_code?: unknown;
  error_type?: unknown;
  message?: unknown;
  validation_errors?: unknown;
}

/** Soniox's REST ApiError as one sentence: status, type, message and every validation error. */
function describeApiError(status: number, body: ApiErrorBody | null, secrets: string[]): { text: string; i18n: MessageKey } {
  const type = body && typeof body.error_type === "string" ? ` ${body.error_type}` : "";
  const message = body && typeof body.message === "string" ? `: ${body.message}` : "";
  const details = Array.isArray(body?.validation_errors)
    ? (body!.validation_errors as unknown[])
        .map((v) => {
          const e = (v ?? {}) as { location?: unknown; message?: unknown };
          const where = typeof e.location === "string" ? e.location.replace(/^body\.payload\./, "") : "request";
          return typeof e.message === "string" ? `${where}: ${e.message}` : null;
        })
        .filter((d): d is string => d !== null)
    : [];
  const hint =
    status === 401 ? " Check the API key of the soniox config node (it must be a long-lived key, not a temporary one)." : "";
  const reason = `${message}${details.length ? ` (${details.join("; ")})` : ""}`;
  // answer: whether Soniox's ApiError came back, or something else (a proxy, a captive portal) answered.
  const answer = body && typeof body.error_type === "string" ? "api-error" : "other";
  return {
    text: safeText(`Soniox refused the temporary key request (${status}${type})${reason}.${hint}`, secrets),
    i18n: { key: hint ? "keys.refused-401" : "keys.refused", params: { status: `${status}${type}`, reason: safeText(reason, secrets), answer } },
  };
}

/**
 * Mints a temporary key. Rejects with a SonioxError: the HTTP status as the code for an ApiError
 * answer, "connect_timeout" / "connection_failed" when Soniox could not be reached, "protocol" for
 * an answer without api_key / expires_at.
 */
export async function mintTemporaryKey(options: MintOptions): Promise<TempKey> {
  const url = `${options.apiUrl.replace(/\/+$/, "")}/v1/auth/temporary-api-key`;
  const timeoutMs = options.timeoutMs ?? 10000;
  const doFetch = options.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${options.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(options.request),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === "TimeoutError") {
      throw new SonioxError("connect_timeout", `No answer from ${url} within ${timeoutMs} ms`, { key: "keys.timeout", params: { url, ms: timeoutMs } });
    }
    const { message: cause, code } = (e as Error & { cause?: { message?: string; code?: unknown } }).cause ?? {};
    throw new SonioxError("connection_failed", safeText(`Could not reach ${url}: ${cause ?? e.message}`, [options.apiKey]), {
      key: "keys.unreachable",
      // cause: the network error's code (ENOTFOUND, a certificate error...), for callers that tell them apart.
      params: { url, detail: safeText(cause ?? e.message, [options.apiKey]), cause: typeof code === "string" ? code : "" },
    });
  }
  const text = await res.text().catch(() => "");
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok) {
    const apiError = typeof body === "object" && body !== null ? (body as ApiErrorBody) : null;
    const refused = describeApiError(res.status, apiError, [options.apiKey]);
    throw new SonioxError(res.status, refused.text, refused.i18n);
  }
  const key = (body ?? {}) as Partial<Record<keyof TempKey, unknown>>;
  if (typeof key.api_key !== "string" || key.api_key === "" || typeof key.expires_at !== "string") {
    throw new SonioxError("protocol", `${url} answered ${res.status} without api_key and expires_at`, {
      key: "keys.no-key-in-answer",
      params: { url, status: res.status },
    });
  }
  return { api_key: key.api_key, expires_at: key.expires_at };
}
