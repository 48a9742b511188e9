import { SonioxError } from "../errors";
import { redact } from "../redact";

/** REST bases of the three regions (protocol notes §1.1); API paths live under /v1. */
export const REGION_API_URLS: Readonly<Record<"us" | "eu" | "jp", string>> = {
  us: "https://api.soniox.com",
  eu: "https://api.eu.soniox.com",
  jp: "https://api.jp.soniox.com",
};

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * The REST base URL (no trailing slash) for a region. For `custom` it is `restUrl` when given,
 * else the origin of the custom WebSocket URL with ws→http and wss→https, which is where a proxy
 * or the bundled simulator serves both. Plain http would send the long-lived key in clear text,
 * so it is allowed only to this machine, as for ws://.
 */
export function resolveApiUrl(region: string | undefined, wsUrl: string | undefined, restUrl: string | undefined): string {
  const r = region || "us";
  if (r !== "custom") {
    const url = REGION_API_URLS[r as keyof typeof REGION_API_URLS];
    if (!url) throw new SonioxError("invalid_config", `Unknown region "${r}": use us, eu, jp or custom`);
    return url;
  }
  const explicit = (restUrl ?? "").trim();
  if (explicit !== "") return checkedBase(explicit, "REST URL");
  const ws = (wsUrl ?? "").trim();
  const parsed = parse(ws, "Custom URL");
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new SonioxError("invalid_config", `Custom URL "${ws}" must start with wss:// (set a REST URL to mint temporary keys elsewhere)`);
  }
  return checkedBase(`${parsed.protocol === "wss:" ? "https:" : "http:"}//${parsed.host}`, "REST URL derived from the custom URL");
}

function parse(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SonioxError("invalid_config", `${what} "${redact(raw)}" is not a valid URL: use https://host`);
  }
  if (url.username !== "" || url.password !== "") {
    // user:pass@ would travel into error texts and, through the example's error answer, to callers.
    throw new SonioxError("invalid_config", `${what} "${redact(raw)}" contains a user name or password: remove the user:pass@ part (the API key is the only credential Soniox needs)`);
  }
  return url;
}

function checkedBase(raw: string, what: string): string {
  const url = parse(raw, what);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new SonioxError("invalid_config", `${what} "${raw}" must start with https://`);
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new SonioxError(
      "invalid_config",
      `${what} "${raw}" uses unencrypted http:// to another machine: use https:// (http:// is allowed only for 127.0.0.1 / localhost)`,
    );
  }
  return url.toString().replace(/\/+$/, "");
}
