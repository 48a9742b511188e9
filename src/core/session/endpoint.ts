import { SonioxError } from "../errors";
import { redact } from "../redact";

export type Region = "us" | "eu" | "jp" | "custom";

export const REGION_URLS: Readonly<Record<Exclude<Region, "custom">, string>> = {
  us: "wss://stt-rt.soniox.com/transcribe-websocket",
  eu: "wss://stt-rt.eu.soniox.com/transcribe-websocket",
  jp: "wss://stt-rt.jp.soniox.com/transcribe-websocket",
};

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * The WebSocket URL for a region or a custom URL. Plain ws:// would send the API key in clear
 * text, so it is allowed only to this machine (a local simulator or proxy).
 */
export function resolveEndpoint(region: string | undefined, customUrl: string | undefined): string {
  const r = region || "us";
  if (r !== "custom") {
    const url = REGION_URLS[r as Exclude<Region, "custom">];
    if (!url) throw new SonioxError("invalid_config", `Unknown region "${r}": use us, eu, jp or custom`, { key: "session.unknown-region", params: { region: r } });
    return url;
  }
  const raw = (customUrl ?? "").trim();
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new SonioxError("invalid_config", `Custom URL "${redact(raw)}" is not a valid URL: use wss://host/transcribe-websocket`, {
      key: "session.url-invalid",
      params: { url: redact(raw) },
    });
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // A user:pass@ URL would carry a second secret into status texts, errors and the URL handed
    // to browsers; Soniox authenticates with the API key alone.
    throw new SonioxError("invalid_config", `Custom URL "${redact(raw)}" contains a user name or password: remove the user:pass@ part (the API key is the only credential Soniox needs)`, {
      key: "session.url-credentials",
      params: { url: redact(raw) },
    });
  }
  if (parsed.protocol === "wss:") return parsed.toString();
  if (parsed.protocol === "ws:" && LOOPBACK_HOSTS.has(parsed.hostname)) return parsed.toString();
  if (parsed.protocol === "ws:") {
    throw new SonioxError("invalid_config", `Custom URL "${raw}" uses unencrypted ws:// to another machine: use wss:// (ws:// is allowed only for 127.0.0.1 / localhost)`, {
      key: "session.url-unencrypted",
      params: { url: raw },
    });
  }
  throw new SonioxError("invalid_config", `Custom URL "${raw}" must start with wss://`, { key: "session.url-not-wss", params: { url: raw } });
}
