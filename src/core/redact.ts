/**
 * The one place text we emit (errors, warnings, statuses, log lines) is made safe to show: a
 * server or proxy can echo the Authorization header or the key itself, and a URL can carry
 * user:pass@. Known secrets are replaced exactly; unknown ones by the shape of an auth header.
 */

import type { MessageKey } from "./errors";

/** What a removed secret reads as, so the reader knows something was there. */
export const REDACTED = "[redacted]";

// Credentials are long; requiring 8 characters keeps prose such as "bearer of news" intact.
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
// A header echoed with a scheme we do not know (Authorization: Token abc) still hides its value.
const AUTH_HEADER = /\b(authorization["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s)(?:[A-Za-z]+\s+)?[^"'\s,;}]+/gi;
const SUBPROTOCOL_KEY = /\b(soniox-api-key\s*,\s*)[^"'\s,;}]+/gi;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

export function redact(text: string, secrets: ReadonlyArray<string | null | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) for (const form of secretForms(secret)) out = out.split(form).join(REDACTED);
  }
  return out
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(AUTH_HEADER, `$1${REDACTED}`)
    .replace(SUBPROTOCOL_KEY, `$1${REDACTED}`)
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`);
}

// Below this a secret's base64 fragments are short enough to match ordinary text.
const MIN_ENCODED_SECRET = 12;

/**
 * The ways a server or proxy echoes a secret: as it is, URL-encoded (only the characters that need
 * it, or every one, in either hex case) and in base64 or base64url. Inside a longer base64 text
 * the secret's characters depend on where its bytes fall in the 3-byte groups, so each of the
 * three alignments gives a form: the whole groups from its first, second or third byte on. At
 * most two characters either side of such a form derive partly from the secret.
 */
function secretForms(secret: string): string[] {
  const forms = [secret];
  const add = (form: string) => {
    if (form && !forms.includes(form)) forms.push(form);
  };
  add(encodeURIComponent(secret));
  const bytes = Buffer.from(secret, "utf8");
  const everyByte = [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  add(everyByte.toUpperCase());
  add(everyByte);
  if (bytes.length >= MIN_ENCODED_SECRET) {
    for (let from = 0; from < 3; from++) {
      const whole = bytes.subarray(from, from + 3 * Math.floor((bytes.length - from) / 3));
      add(whole.toString("base64"));
      add(whole.toString("base64url"));
    }
  }
  // Longest first, so a form that contains another is removed whole.
  return forms.sort((a, b) => b.length - a.length);
}

/** How far a secret can reach in a text, in any form redact() removes: the margin to read past a cut. */
export function secretReach(secret: string): number {
  return secretForms(secret)[0].length;
}

/**
 * At most `maxChars` characters of `text`, cutting from the middle so both the beginning (the
 * stream name, the kind of error) and the end (what to do) survive, with a marker saying how much
 * went. A 5 MB topic or a 50 MB error_message must not become a 5 MB log line.
 */
export function boundText(text: string, maxChars: number, reportedLength = text.length): string {
  if (text.length <= maxChars) return text;
  const probe = ` … [${reportedLength} characters cut] … `;
  const keep = Math.max(0, maxChars - probe.length);
  const head = Math.ceil((keep * 2) / 3);
  const marker = ` … [${reportedLength - keep} characters cut] … `;
  return text.slice(0, head) + marker + text.slice(text.length - (keep - head));
}

/** Longest text we put in an error, warning or log line. */
export const MAX_EMITTED_CHARS = 2000;
/** Redaction runs on at most this much of a text, its beginning and end. */
const REDACT_WINDOW = MAX_EMITTED_CHARS * 32;

/** Redacted and bounded: what every emitted text goes through. */
export function safeText(text: string, secrets: ReadonlyArray<string | null | undefined> = []): string {
  // Cutting can split a secret and leave half of it readable, so the final cut comes after
  // redaction. Redacting all of a 50 MB text would be slow, so only its two ends are redacted;
  // the seam between them lies in the middle that the final cut removes.
  if (text.length <= REDACT_WINDOW) return boundText(redact(text, secrets), MAX_EMITTED_CHARS);
  const half = REDACT_WINDOW / 2;
  const ends = redact(`${text.slice(0, half)}\n${text.slice(text.length - half)}`, secrets);
  return boundText(ends, MAX_EMITTED_CHARS, ends.length + text.length - REDACT_WINDOW - 1);
}

type Params = Record<string, string | number>;

/**
 * A catalogue key with every text in it (params, parts) made safe like the English text beside
 * it: a translated message must not show what the English one hides.
 */
export function safeKey<K extends MessageKey>(i18n: K, secrets: ReadonlyArray<string | null | undefined> = []): K {
  const safeParams = (params: Params | undefined): Params | undefined =>
    params && Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? safeText(v, secrets) : v]));
  const safe: K = { ...i18n };
  if (i18n.params) safe.params = safeParams(i18n.params);
  if (i18n.parts) {
    safe.parts = Object.fromEntries(
      Object.entries(i18n.parts).map(([k, part]) => {
        const safePart = { ...part, text: safeText(part.text, secrets) };
        if (part.params) safePart.params = safeParams(part.params);
        return [k, safePart];
      }),
    );
  }
  return safe;
}
