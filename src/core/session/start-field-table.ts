/**
 * Every start-message field Soniox documents (protocol notes §3), one row each, in the order
 * problems are reported and the node builds its start message. The validator of msg.soniox and
 * the node's settings, the node's start-message builder, the did-you-mean check for misspelt
 * msg.soniox names and the editor's defaults (a node setting) read it. A new boolean option is
 * one row here, its dialog field, i18n and help. The simulator keeps its own list on purpose: it
 * is written from the protocol notes, not from what this client assumes.
 */
export const START_FIELD_TABLE = [
  { wire: "model", dialog: "model", kind: "model", dialogDefault: "stt-rt-v5" },
  { wire: "audio_format", dialog: "audioFormat", kind: "audio-format", dialogDefault: "auto" },
  // Sent only with a raw format (a container says its own); the dialog's value is then the default.
  { wire: "sample_rate", dialog: "sampleRate", kind: "integer", min: 1000, max: 384000, dialogDefault: 16000, rawOnly: true },
  { wire: "num_channels", dialog: "numChannels", kind: "integer", min: 1, max: 2, dialogDefault: 1, rawOnly: true },
  { wire: "language_hints", dialog: "languageHints", kind: "languages", dialogDefault: "" },
  { wire: "language_hints_strict", dialog: "languageHintsStrict", kind: "boolean", dialogDefault: false },
  { wire: "enable_speaker_diarization", dialog: "enableSpeakerDiarization", kind: "boolean", dialogDefault: false },
  { wire: "enable_language_identification", dialog: "enableLanguageIdentification", kind: "boolean", dialogDefault: false },
  // On by default, like the dialog: a flow saved before the option existed has it undefined.
  { wire: "enable_endpoint_detection", dialog: "enableEndpointDetection", kind: "boolean", dialogDefault: true },
  // A blank dialog field leaves these to Soniox (serverDefault is what Soniox then uses).
  { wire: "max_endpoint_delay_ms", dialog: "maxEndpointDelayMs", kind: "integer", min: 500, max: 3000, dialogDefault: "", serverDefault: 2000 },
  { wire: "endpoint_sensitivity", dialog: "endpointSensitivity", kind: "number", min: -1, max: 1, dialogDefault: "", serverDefault: 0 },
  { wire: "endpoint_latency_adjustment_level", dialog: "endpointLatencyAdjustmentLevel", kind: "integer", min: 0, max: 3, dialogDefault: "", serverDefault: 0 },
  { wire: "client_reference_id", dialog: "clientReferenceId", kind: "text", maxLength: 256, dialogDefault: "" },
  // Built from the dialog's four context fields (general, text, terms, translation terms).
  { wire: "context", dialog: null, kind: "context", maxLength: 10000 },
  { wire: "translation", dialog: "translation", kind: "translation", dialogDefault: "none" },
] as const satisfies readonly StartField[];

export type StartFieldKind = "model" | "audio-format" | "integer" | "number" | "boolean" | "languages" | "text" | "context" | "translation";

export interface StartField {
  /** The field as Soniox spells it in the start message (and msg.soniox). */
  wire: string;
  /** The soniox-transcribe node's property that sets it, or null when no single property does. */
  dialog: string | null;
  kind: StartFieldKind;
  /** Inclusive range of a number. */
  min?: number;
  max?: number;
  /** Most characters of text (for context: of all its text together). */
  maxLength?: number;
  /** A new node's value in the dialog, which the runtime also uses for a property a saved flow lacks. */
  dialogDefault?: string | number | boolean;
  /** What Soniox uses when the field is left out (the dialog's blank). */
  serverDefault?: number;
  /** Sent only for a raw audio format. */
  rawOnly?: boolean;
}

export type StartFieldRow = (typeof START_FIELD_TABLE)[number];

/** The sample rates raw audio may declare; the editor and README state the same range (a test holds them to it). */
export const SAMPLE_RATE_RANGE = { min: startField("sample_rate").min, max: startField("sample_rate").max } as const;

/** The row of one field. */
export function startField<W extends StartFieldRow["wire"]>(wire: W): Extract<StartFieldRow, { wire: W }> {
  return START_FIELD_TABLE.find((row) => row.wire === wire) as Extract<StartFieldRow, { wire: W }>;
}

/** The dialog's default of every property that sets a start field, by property name. */
export function startFieldDialogDefaults(): Record<string, string | number | boolean> {
  const defaults: Record<string, string | number | boolean> = {};
  for (const row of START_FIELD_TABLE) if (row.dialog !== null) defaults[row.dialog] = row.dialogDefault;
  return defaults;
}
