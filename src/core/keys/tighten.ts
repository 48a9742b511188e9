import { SonioxError, type MessageKey } from "../errors";
import { checkTempKeyRequest, type TempKeyRequest } from "./temp-key";

const FIELDS = new Set(["usage_type", "expires_in_seconds", "single_use", "max_session_duration_seconds", "client_reference_id"]);

function refuse(text: string, i18n: MessageKey): never {
  throw new SonioxError("invalid_config", `msg.soniox ${text}`, i18n);
}

/**
 * The node's settings with a message's overrides applied, where an override may only make the key
 * weaker: msg.soniox often carries what a browser asked for, and the node's settings are the
 * owner's ceiling. Shorter expiry, single_use true, a lower session limit are taken; anything that
 * would loosen (longer, reusable, another usage, no limit, another reference id) is refused with
 * an error naming the field, rather than quietly clamped.
 */
export function tightenTempKeyRequest(base: TempKeyRequest, overrides: Record<string, unknown>): TempKeyRequest {
  for (const field of Object.keys(overrides)) {
    if (!FIELDS.has(field)) refuse(`has "${field.slice(0, 60)}", which is not a temporary key field: use ${[...FIELDS].join(", ")}`, {
        key: "keys.tighten-unknown-field",
        params: { field: field.slice(0, 60), fields: [...FIELDS].join(", ") },
      });
  }
  const given = checkTempKeyRequest({ ...base, ...overrides, max_session_duration_seconds: overrides.max_session_duration_seconds });
  const out: TempKeyRequest = { ...base };
  if ("usage_type" in overrides && given.usage_type !== base.usage_type) {
    refuse(`cannot change usage_type from the node's ${base.usage_type} to ${given.usage_type}`, {
      key: "keys.tighten-usage",
      params: { from: base.usage_type, to: given.usage_type },
    });
  }
  if (given.expires_in_seconds > base.expires_in_seconds) {
    refuse(`expires_in_seconds ${given.expires_in_seconds} is longer than the node's ${base.expires_in_seconds}: overrides can only shorten it`, {
      key: "keys.tighten-expiry",
      params: { given: given.expires_in_seconds, base: base.expires_in_seconds },
    });
  }
  out.expires_in_seconds = given.expires_in_seconds;
  if (given.single_use !== undefined) {
    if (base.single_use === true && given.single_use === false) refuse("cannot make a single-use key reusable (single_use: false): the node's setting is single use", { key: "keys.tighten-single-use" });
    out.single_use = base.single_use === true ? true : given.single_use;
  }
  // Absent, null or blank keeps the node's limit: only a number can change it, and only downwards.
  if (given.max_session_duration_seconds !== undefined) {
    if (base.max_session_duration_seconds !== undefined && given.max_session_duration_seconds > base.max_session_duration_seconds) {
      refuse(`max_session_duration_seconds ${given.max_session_duration_seconds} is longer than the node's ${base.max_session_duration_seconds}: overrides can only lower it`, {
        key: "keys.tighten-session",
        params: { given: given.max_session_duration_seconds, base: base.max_session_duration_seconds },
      });
    }
    out.max_session_duration_seconds = given.max_session_duration_seconds;
  }
  if (given.client_reference_id !== undefined) {
    if (base.client_reference_id !== undefined && given.client_reference_id !== base.client_reference_id) {
      refuse("cannot replace the client_reference_id set on the node: it is how usage is attributed, so only a flow without one may set it per message", {
        key: "keys.tighten-reference",
      });
    }
    out.client_reference_id = given.client_reference_id;
  }
  return out;
}
