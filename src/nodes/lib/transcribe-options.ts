import { isRawFormat } from "../../core/audio";
import { SonioxError } from "../../core/errors";
import { DEFAULT_RECONNECT, type ContextObject } from "../../core/session";
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

/** The node's own start message; per-stream msg.soniox overrides are merged over it later. */
export function baseStartMessage(cfg: TranscribeNodeConfig): Record<string, unknown> {
  const format = cfg.audioFormat || "auto";
  const start: Record<string, unknown> = { model: (cfg.model || "stt-rt-v5").trim(), audio_format: format };
  if (isRawFormat(format)) {
    start.sample_rate = optionalNumber(cfg.sampleRate) ?? 16000;
    start.num_channels = optionalNumber(cfg.numChannels) ?? 1;
  }
  const hints = splitList(cfg.languageHints, /[,\s]+/);
  if (hints.length) start.language_hints = hints;
  if (cfg.languageHintsStrict) start.language_hints_strict = true;
  if (cfg.enableSpeakerDiarization) start.enable_speaker_diarization = true;
  if (cfg.enableLanguageIdentification) start.enable_language_identification = true;
  // On by default, like the dialog: a flow saved before the option existed has it undefined.
  if (cfg.enableEndpointDetection !== false) start.enable_endpoint_detection = true;
  const delay = optionalNumber(cfg.maxEndpointDelayMs);
  if (delay !== undefined) start.max_endpoint_delay_ms = delay;
  const sensitivity = optionalNumber(cfg.endpointSensitivity);
  if (sensitivity !== undefined) start.endpoint_sensitivity = sensitivity;
  const level = optionalNumber(cfg.endpointLatencyAdjustmentLevel);
  if (level !== undefined) start.endpoint_latency_adjustment_level = level;
  if (cfg.clientReferenceId) start.client_reference_id = cfg.clientReferenceId;
  const context = buildContext(cfg);
  if (context) start.context = context;
  if (cfg.translation === "one_way") {
    start.translation = { type: "one_way", target_language: (cfg.translationTargetLanguage ?? "").trim() };
  } else if (cfg.translation === "two_way") {
    start.translation = {
      type: "two_way",
      language_a: (cfg.translationLanguageA ?? "").trim(),
      language_b: (cfg.translationLanguageB ?? "").trim(),
    };
  }
  return start;
}

export function streamSettings(cfg: TranscribeNodeConfig): TranscribeSettings {
  const p: string[] = [];
  const settings: TranscribeSettings = {
    streamKeyProperty: (cfg.streamKeyProperty ?? "").trim() || "topic",
    maxStreams: numberSetting(p, "Max streams", cfg.maxStreams, 1, 1000, true, 10),
    idleTimeoutMs: numberSetting(p, "Idle timeout (s)", cfg.idleTimeout, 0, 86400, false, 60) * 1000,
    keepaliveIntervalMs: numberSetting(p, "Keepalive interval (s)", cfg.keepaliveInterval, 1, 15, false, 8) * 1000,
    pacing: cfg.pacing !== false,
    maxQueuedBytes: numberSetting(p, "Max queued audio (MB)", cfg.maxQueueMb, 1, 1024, false, 16) * 1024 * 1024,
    connectTimeoutMs: numberSetting(p, "Connect timeout (s)", cfg.connectTimeout, 1, 120, false, 10) * 1000,
    finishTimeoutMs: numberSetting(p, "Finish timeout (s)", cfg.finishTimeout, 1, 300, false, 10) * 1000,
    formatTimeoutMs: numberSetting(p, "Format wait (s)", cfg.formatTimeout, 1, 300, false, 10) * 1000,
    reconnect: {
      ...DEFAULT_RECONNECT,
      enabled: cfg.reconnect !== false,
      maxAttempts: numberSetting(p, "Reconnect attempts", cfg.reconnectAttempts, 1, 100, true, DEFAULT_RECONNECT.maxAttempts),
      baseDelayMs: numberSetting(p, "Reconnect delay (s)", cfg.reconnectDelay, 0, 60, false, 1) * 1000,
    },
    rotation: {
      afterMs: numberSetting(p, "Rotate session after (min)", cfg.rotateAfter, 0, 295, false, 280) * 60000,
      graceMs: 10 * 60000,
    },
    heartbeatIntervalMs: numberSetting(p, "Dead connection check (s)", cfg.heartbeat, 0, 300, false, 10) * 1000,
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
