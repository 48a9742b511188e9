/**
 * What the server says about itself in answer to `describe`, and how a Wyoming `transcribe`
 * language becomes Soniox language hints.
 */

/**
 * ISO 639-1 codes Soniox real-time models accept as language hints (Soniox's list, Feb 2026).
 * Kept apart from the simulator's own copy on purpose: the simulator must not share our assumptions.
 */
export const SONIOX_LANGUAGES: readonly string[] = (
  "af sq ar az eu be bn bs bg ca zh hr cs da nl en et fi fr gl de el gu he hi hu id it ja kn kk ko lv lt mk ms " +
  "ml mr no fa pl pt pa ro ru sr sk sl es sw sv tl ta te th tr uk ur vi cy"
).split(" ");

const KNOWN: ReadonlySet<string> = new Set(SONIOX_LANGUAGES);
// Codes clients use for a language Soniox names otherwise (Home Assistant uses nb for Norwegian).
const ALIASES: Readonly<Record<string, string>> = { nb: "no", nn: "no", iw: "he", in: "id", fil: "tl" };

/**
 * The Soniox language hint for a Wyoming language ("en-US", "de", "nb"): its primary subtag, or
 * null when Soniox does not know the language (then no hint is sent and Soniox detects it).
 */
export function languageHint(language: unknown): string | null {
  if (typeof language !== "string") return null;
  const primary = language.trim().toLowerCase().split(/[-_]/)[0];
  const code = ALIASES[primary] ?? primary;
  return KNOWN.has(code) ? code : null;
}

export interface InfoOptions {
  /** The name Home Assistant shows for the service. */
  name: string;
  /** Our package version. */
  version: string;
  /** transcript-start / transcript-chunk / transcript-stop are sent. */
  streaming: boolean;
  /** Soniox endpoint detection ends commands, so the client need not run its own VAD. */
  endpointing: boolean;
}

const ATTRIBUTION = { name: "Soniox", url: "https://soniox.com" };

/** The `info` event's data: one ASR program with one model listing every Soniox language. */
export function buildInfo(o: InfoOptions): Record<string, unknown> {
  const description = "Soniox real-time speech-to-text through Node-RED";
  return {
    asr: [
      {
        name: o.name,
        description,
        attribution: ATTRIBUTION,
        installed: true,
        version: o.version,
        models: [{ name: "soniox", description, attribution: ATTRIBUTION, installed: true, version: o.version, languages: [...SONIOX_LANGUAGES] }],
        supports_transcript_streaming: o.streaming,
        requires_external_vad: !o.endpointing,
      },
    ],
    tts: [],
    handle: [],
    intent: [],
    wake: [],
  };
}
