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
    if (!url) throw new SonioxError("invalid_config", `Unknown region "${r}": use us, eu, jp or custom`, { key: "keys.unknown-region", params: { region: r } });
    return url;
  }
  const explicit = (restUrl ?? "").trim();
  if (explicit !== "") return checkedBase(explicit, REST_URL);
  const ws = (wsUrl ?? "").trim();
  const parsed = parse(ws, CUSTOM_URL);
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new SonioxError("invalid_config", `Custom URL "${ws}" must start with wss:// (set a REST URL to mint temporary keys elsewhere)`, {
      key: "keys.custom-url-not-wss",
      params: { url: ws },
    });
  }
  return checkedBase(`${parsed.protocol === "wss:" ? "https:" : "http:"}//${parsed.host}`, DERIVED_URL);
}

/** What a URL is, in the English messages, and the catalogue keys of its messages. */
interface UrlRole {
  what: string;
  invalid: string;
  credentials: string;
}

/** A URL that is used as the REST base, so also checked for https. */
interface BaseRole extends UrlRole {
  notHttps: string;
  unencrypted: string;
}

const REST_URL: BaseRole = {
  what: "REST URL",
  invalid: "keys.rest-url-invalid",
  credentials: "keys.rest-url-credentials",
  notHttps: "keys.rest-url-not-https",
  unencrypted: "keys.rest-url-unencrypted",
};
const CUSTOM_URL: UrlRole = {
  what: "Custom URL",
  invalid: "keys.custom-url-invalid",
  credentials: "keys.custom-url-credentials",
};
const DERIVED_URL: BaseRole = {
  what: "REST URL derived from the custom URL",
  invalid: "keys.derived-url-invalid",
  credentials: "keys.derived-url-credentials",
  notHttps: "keys.derived-url-not-https",
  unencrypted: "keys.derived-url-unencrypted",
};

function parse(raw: string, role: UrlRole): URL {
  const { what } = role;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SonioxError("invalid_config", `${what} "${redact(raw)}" is not a valid URL: use https://host`, { key: role.invalid, params: { url: redact(raw) } });
  }
  if (url.username !== "" || url.password !== "") {
    // user:pass@ would travel into error texts and, through the example's error answer, to callers.
    throw new SonioxError("invalid_config", `${what} "${redact(raw)}" contains a user name or password: remove the user:pass@ part (the API key is the only credential Soniox needs)`, {
      key: role.credentials,
      params: { url: redact(raw) },
    });
  }
  return url;
}

function checkedBase(raw: string, role: BaseRole): string {
  const { what } = role;
  const url = parse(raw, role);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SonioxError("invalid_config", `${what} "${raw}" must start with https://`, { key: role.notHttps, params: { url: raw } });
  }
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new SonioxError(
      "invalid_config",
      `${what} "${raw}" uses unencrypted http:// to another machine: use https:// (http:// is allowed only for 127.0.0.1 / localhost)`,
      { key: role.unencrypted, params: { url: raw } },
    );
  }
  return url.toString().replace(/\/+$/, "");
}
