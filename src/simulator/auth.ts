/**
 * Decides who a connection is, from the upgrade request (Authorization header or the
 * `soniox-api-key` protocol) or, for the deprecated way, from the start message's api_key.
 */
import type { IncomingMessage } from "node:http";
import { DOCUMENTED, INVENTED } from "./messages";
import type { ResolvedOptions } from "./options";
import type { TempKey, TempKeyStore } from "./temp-keys";

export const API_KEY_PROTOCOL = "soniox-api-key";

export type AuthMethod = "header" | "subprotocol" | "start_message";

export type KeyCheck = { ok: true; tempKey: TempKey | null } | { ok: false; message: string };

export type UpgradeAuth =
  | { kind: "accepted"; method: "header" | "subprotocol"; tempKey: TempKey | null }
  | { kind: "rejected"; code: 400 | 401; message: string }
  /** No key on the upgrade, but a legacy api_key in the start message may still bring one. */
  | { kind: "deferred" };

interface UpgradeKeys {
  headerKey: string | null;
  protocolKey: string | null;
}

function readUpgradeKeys(req: IncomingMessage): UpgradeKeys {
  const header = req.headers.authorization;
  const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const protocols = (req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const at = protocols.indexOf(API_KEY_PROTOCOL);
  return {
    headerKey: bearer ? bearer[1] : null,
    protocolKey: at >= 0 && at + 1 < protocols.length ? protocols[at + 1] : null,
  };
}

/** Checks a key from any source against the long-lived keys and the minted temporary keys. */
export function checkKey(key: string, options: ResolvedOptions, store: TempKeyStore): KeyCheck {
  if (store.isTemporary(key)) {
    const temp = store.usable(key, options.auth.now());
    return temp ? { ok: true, tempKey: temp } : { ok: false, message: DOCUMENTED.invalidTempKey };
  }
  return options.apiKeys.includes(key) ? { ok: true, tempKey: null } : { ok: false, message: DOCUMENTED.invalidApiKey };
}

export function legacyCutoffPassed(options: ResolvedOptions): boolean {
  return options.auth.now().getTime() >= Date.parse(`${options.auth.startMessageCutoff}T00:00:00Z`);
}

export function authenticateUpgrade(req: IncomingMessage, options: ResolvedOptions, store: TempKeyStore): UpgradeAuth {
  const keys = readUpgradeKeys(req);
  const headerKey = options.auth.header ? keys.headerKey : null;
  const protocolKey = options.auth.subprotocol ? keys.protocolKey : null;
  if (headerKey !== null && protocolKey !== null && options.rejectHeaderAndSubprotocolTogether) {
    return { kind: "rejected", code: 400, message: INVENTED.headerAndSubprotocol };
  }
  const key = headerKey ?? protocolKey;
  if (key !== null) {
    const check = checkKey(key, options, store);
    if (!check.ok) return { kind: "rejected", code: 401, message: check.message };
    return { kind: "accepted", method: headerKey !== null ? "header" : "subprotocol", tempKey: check.tempKey };
  }
  // In "frame" mode, deferring past the cutoff lets the client hear why its api_key was refused;
  // in "http" mode the refusal has to happen now, on the upgrade.
  const legacyPossible =
    options.auth.startMessage && (options.badKeyResponse === "frame" || !legacyCutoffPassed(options));
  return legacyPossible ? { kind: "deferred" } : { kind: "rejected", code: 401, message: DOCUMENTED.missingApiKey };
}

/** Authentication from the start message's deprecated api_key, for a connection that had none. */
export function authenticateStartMessage(
  start: Record<string, unknown>,
  options: ResolvedOptions,
  store: TempKeyStore,
): KeyCheck {
  const key = start.api_key;
  if (typeof key !== "string" || key === "") return { ok: false, message: DOCUMENTED.missingApiKey };
  if (legacyCutoffPassed(options)) return { ok: false, message: INVENTED.legacyAuthRefused };
  return checkKey(key, options, store);
}
