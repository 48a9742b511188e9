/**
 * Whether a key works in a region, without streaming billed audio: it mints a temporary key that
 * expires after a second and could open one stream (which nobody opens). The outcome is one a
 * user can act on; `detail` is the evidence in English, with the key redacted.
 */
import { SonioxError } from "../errors";
import { safeText } from "../redact";
import { mintTemporaryKey, type TempKeyRequest } from "./temp-key";

export type KeyCheckOutcome = "ok" | "key-rejected" | "no-balance" | "unreachable" | "proxy" | "tls" | "refused";

export interface KeyCheck {
  outcome: KeyCheckOutcome;
  /** The HTTP status when the REST API (or something in its place) answered. */
  status?: number;
  detail: string;
}

export interface KeyCheckOptions {
  /** REST base such as https://api.soniox.com (resolveApiUrl). */
  apiUrl: string;
  apiKey: string;
  /** Whether the process has HTTPS_PROXY or HTTP_PROXY set: these nodes connect directly all the same. */
  proxyConfigured?: boolean;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const PROBE: TempKeyRequest = { usage_type: "transcribe_websocket", expires_in_seconds: 1, single_use: true, client_reference_id: "node-red-soniox key check" };
// Node's names for a certificate or TLS handshake that failed (OpenSSL's and Node's own).
const TLS_FAILURE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_/;

/** Whether an environment names an HTTP(S) proxy, which fetch and ws here do not use. */
export function proxyInEnvironment(env: Readonly<Record<string, string | undefined>>): boolean {
  return [env.HTTPS_PROXY, env.https_proxy, env.HTTP_PROXY, env.http_proxy].some((v) => (v ?? "").trim() !== "");
}

export async function checkKey(options: KeyCheckOptions): Promise<KeyCheck> {
  try {
    await mintTemporaryKey({ apiUrl: options.apiUrl, apiKey: options.apiKey, request: PROBE, timeoutMs: options.timeoutMs ?? 10000, fetchImpl: options.fetchImpl });
    return { outcome: "ok", detail: `${options.apiUrl} accepted the key` };
  } catch (err) {
    if (!(err instanceof SonioxError)) return { outcome: "refused", detail: safeText(String((err as Error)?.message ?? err), [options.apiKey]) };
    return classify(err, options.proxyConfigured === true);
  }
}

function classify(err: SonioxError, proxyConfigured: boolean): KeyCheck {
  if (typeof err.code === "number") {
    const status = err.code;
    // What came back, without the advice around it (the outcome carries the advice).
    const detail = typeof err.params?.status === "string" ? `HTTP ${err.params.status}${err.params.reason ?? ""}` : err.message;
    // (A 407 never gets here: fetch turns it into a network error.)
    if (err.params?.answer === "other") return { outcome: "proxy", status, detail };
    if (status === 401 || status === 403) return { outcome: "key-rejected", status, detail };
    if (status === 402) return { outcome: "no-balance", status, detail };
    return { outcome: "refused", status, detail };
  }
  const detail = err.message;
  const cause = String(err.params?.cause ?? "");
  if (TLS_FAILURE.test(cause)) return { outcome: "tls", detail };
  if (err.code === "connect_timeout" || err.code === "connection_failed") {
    return { outcome: proxyConfigured ? "proxy" : "unreachable", detail };
  }
  return { outcome: "refused", detail };
}
