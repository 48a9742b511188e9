import { isRawFormat } from "../../core/audio";
import { SonioxError } from "../../core/errors";
import { DEFAULT_STREAM_SETTINGS, START_FIELD_TABLE, startFieldDialogDefaults, type ContextObject, type Translation } from "../../core/session";
import type { StreamSettings } from "../../core/streams";

/** The soniox-transcribe node's properties as the editor stores them (strings for blank-able numbers). */
export interface TranscribeNodeConfig {
  model?: string;
  audioFormat?: string;
  sampleRate?: number | string;
  numChannels?: number | string;
  languageHints?: string;
  languageHintsStrict?: boolean;
  enableSpeakerDiarization?: boolean;
  enableLanguageIdentification?: boolean;
  enableEndpointDetection?: boolean;
  maxEndpointDelayMs?: number | string;
  endpointSensitivity?: number | string;
  endpointLatencyAdjustmentLevel?: number | string;
  clientReferenceId?: string;
  contextGeneral?: Array<{ key: string; value: string }>;
  contextText?: string;
  contextTerms?: string;
  contextTranslationTerms?: Array<{ source: string; target: string }>;
  translation?: string;
  translationTargetLanguage?: string;
  translationLanguageA?: string;
  translationLanguageB?: string;
  streamKeyProperty?: string;
  maxStreams?: number | string;
  idleTimeout?: number | string;
  keepaliveInterval?: number | string;
  pacing?: boolean;
  maxQueueMb?: number | string;
  connectTimeout?: number | string;
  finishTimeout?: number | string;
  formatTimeout?: number | string;
  reconnect?: boolean;
  reconnectAttempts?: number | string;
  reconnectDelay?: number | string;
  rotateAfter?: number | string;
  heartbeat?: number | string;
  convertToPcm?: boolean;
  floatHandling?: string;
  passUnknownOptions?: boolean;
  everyResponse?: boolean;
}

/** The streams' settings plus where the node reads a message's stream key. */
export interface TranscribeSettings extends StreamSettings {
  streamKeyProperty: string;
}

const D = DEFAULT_STREAM_SETTINGS;

/**
 * What a new node's dialog shows, in the dialog's units: the start fields' dialog defaults and
 * DEFAULT_STREAM_SETTINGS. The editor reads it as the node setting sonioxTranscribeDefaults, and
 * streamSettings() uses it for a field left blank or missing from a saved flow.
 */
export const TRANSCRIBE_DIALOG_DEFAULTS = {
  ...startFieldDialogDefaults(),
  maxStreams: D.maxStreams,
  idleTimeout: D.idleTimeoutMs / 1000,
  keepaliveInterval: D.keepaliveIntervalMs / 1000,
  pacing: D.pacing,
  maxQueueMb: D.maxQueuedBytes / (1024 * 1024),
  connectTimeout: D.connectTimeoutMs / 1000,
  finishTimeout: D.finishTimeoutMs / 1000,
  formatTimeout: D.formatTimeoutMs / 1000,
  reconnect: D.reconnect.enabled,
  reconnectAttempts: D.reconnect.maxAttempts,
  reconnectDelay: D.reconnect.baseDelayMs / 1000,
  rotateAfter: D.rotation.afterMs / 60000,
  heartbeat: D.heartbeatIntervalMs / 1000,
  convertToPcm: D.convertToPcm,
  floatHandling: D.floatHandling,
  passUnknownOptions: D.passUnknownOptions,
  everyResponse: D.everyResponse,
};
const DD = TRANSCRIBE_DIALOG_DEFAULTS;

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** A setting from the dialog as a number, or a clear error naming the dialog field and its range. */
function numberSetting(problems: string[], label: string, v: unknown, min: number, max: number, integer: boolean, fallback: number): number {
  if (blank(v)) return fallback;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    problems.push(`${label} must be ${integer ? "an integer" : "a number"} from ${min} to ${max} (got ${JSON.stringify(v)})`);
    return fallback;
  }
  return n;
}

function optionalNumber(v: unknown): number | undefined {
  return blank(v) ? undefined : Number(v);
}

function splitList(text: string | undefined, separator: RegExp): string[] {
  return (text ?? "")
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function buildContext(cfg: TranscribeNodeConfig): ContextObject | undefined {
  const context: ContextObject = {};
  const general = (cfg.contextGeneral ?? []).filter((p) => p && (p.key || p.value));
  if (general.length) context.general = general.map((p) => ({ key: String(p.key), value: String(p.value) }));
  if (cfg.contextText?.trim()) context.text = cfg.contextText;
  const terms = splitList(cfg.contextTerms, /\r?\n/);
  if (terms.length) context.terms = terms;
  const tt = (cfg.contextTranslationTerms ?? []).filter((p) => p && (p.source || p.target));
  if (tt.length) context.translation_terms = tt.map((p) => ({ source: String(p.source), target: String(p.target) }));
  return Object.keys(context).length ? context : undefined;
}

/** The node's own start message, field by field from the start-field table; per-stream msg.soniox overrides are merged over it later. */
export function baseStartMessage(cfg: TranscribeNodeConfig): Record<string, unknown> {
  const start: Record<string, unknown> = {};
  const props = cfg as Record<string, unknown>;
  for (const field of START_FIELD_TABLE) {
    const value = field.dialog === null ? undefined : props[field.dialog];
    switch (field.kind) {
      case "model":
        start.model = ((value as string) || field.dialogDefault).trim();
        break;
      case "audio-format":
        start.audio_format = (value as string) || field.dialogDefault;
        break;
      case "integer":
      case "number":
        if ("rawOnly" in field) {
          if (isRawFormat(start.audio_format as string)) start[field.wire] = optionalNumber(value) ?? field.dialogDefault;
        } else if (!blank(value)) start[field.wire] = Number(value);
        break;
      case "boolean":
        // A property a saved flow lacks is its default: a default-on switch is off only when unticked.
        if (field.dialogDefault ? value !== false : value) start[field.wire] = true;
        break;
      case "languages": {
        const hints = splitList(value as string | undefined, /[,\s]+/);
        if (hints.length) start[field.wire] = hints;
        break;
      }
      case "text":
        if (value) start[field.wire] = value;
        break;
      case "context": {
        const context = buildContext(cfg);
        if (context) start[field.wire] = context;
        break;
      }
      case "translation": {
        const translation = buildTranslation(cfg);
        if (translation) start[field.wire] = translation;
        break;
      }
      default: {
        const unbuilt: never = field;
        throw new Error(`start field ${JSON.stringify(unbuilt)} is not built from the dialog`);
      }
    }
  }
  return start;
}

function buildTranslation(cfg: TranscribeNodeConfig): Translation | undefined {
  if (cfg.translation === "one_way") return { type: "one_way", target_language: (cfg.translationTargetLanguage ?? "").trim() };
  if (cfg.translation === "two_way") {
    return { type: "two_way", language_a: (cfg.translationLanguageA ?? "").trim(), language_b: (cfg.translationLanguageB ?? "").trim() };
  }
  return undefined;
}

export function streamSettings(cfg: TranscribeNodeConfig): TranscribeSettings {
  const p: string[] = [];
  const settings: TranscribeSettings = {
    streamKeyProperty: (cfg.streamKeyProperty ?? "").trim() || "topic",
    maxStreams: numberSetting(p, "Max streams", cfg.maxStreams, 1, 1000, true, DD.maxStreams),
    idleTimeoutMs: numberSetting(p, "Idle timeout (s)", cfg.idleTimeout, 0, 86400, false, DD.idleTimeout) * 1000,
    keepaliveIntervalMs: numberSetting(p, "Keepalive interval (s)", cfg.keepaliveInterval, 1, 15, false, DD.keepaliveInterval) * 1000,
    pacing: cfg.pacing !== false,
    maxQueuedBytes: numberSetting(p, "Max queued audio (MB)", cfg.maxQueueMb, 1, 1024, false, DD.maxQueueMb) * 1024 * 1024,
    connectTimeoutMs: numberSetting(p, "Connect timeout (s)", cfg.connectTimeout, 1, 120, false, DD.connectTimeout) * 1000,
    finishTimeoutMs: numberSetting(p, "Finish timeout (s)", cfg.finishTimeout, 1, 300, false, DD.finishTimeout) * 1000,
    formatTimeoutMs: numberSetting(p, "Format wait (s)", cfg.formatTimeout, 1, 300, false, DD.formatTimeout) * 1000,
    reconnect: {
      ...D.reconnect,
      enabled: cfg.reconnect !== false,
      maxAttempts: numberSetting(p, "Reconnect attempts", cfg.reconnectAttempts, 1, 100, true, DD.reconnectAttempts),
      baseDelayMs: numberSetting(p, "Reconnect delay (s)", cfg.reconnectDelay, 0, 60, false, DD.reconnectDelay) * 1000,
    },
    rotation: {
      afterMs: numberSetting(p, "Rotate session after (min)", cfg.rotateAfter, 0, 295, false, DD.rotateAfter) * 60000,
      graceMs: D.rotation.graceMs,
    },
    heartbeatIntervalMs: numberSetting(p, "Dead connection check (s)", cfg.heartbeat, 0, 300, false, DD.heartbeat) * 1000,
    convertToPcm: cfg.convertToPcm === true,
    floatHandling: cfg.floatHandling === "convert" ? "convert" : "send",
    passUnknownOptions: cfg.passUnknownOptions === true,
    everyResponse: cfg.everyResponse === true,
  };
  settings.reconnect.rateLimitDelayMs = settings.reconnect.baseDelayMs * 10;
  if (cfg.floatHandling !== undefined && cfg.floatHandling !== "" && cfg.floatHandling !== "send" && cfg.floatHandling !== "convert") {
    p.push(`Other PCM must be "send" (as the matching pcm_* format) or "convert" (to 16-bit mono) (got ${JSON.stringify(cfg.floatHandling)})`);
  }
  // The quiet-moment wait must still end before Soniox's hard 300-minute cap.
  settings.rotation.graceMs = Math.max(0, Math.min(settings.rotation.graceMs, 295 * 60000 - settings.rotation.afterMs));
  if (p.length) {
    const problems = p.join("; ");
    throw new SonioxError("invalid_config", `Invalid soniox-transcribe settings: ${problems}`, { key: "settings.invalid", params: { problems } });
  }
  return settings;
}
