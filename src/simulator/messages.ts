/**
 * Every error text the simulator sends, in one place. Texts under DOCUMENTED are copied verbatim
 * from the Soniox error table (protocol notes, soniox-protocol.md §6) so clients can be tested
 * against the real wording. Texts under INVENTED cover cases Soniox documents no wording for; they are
 * the simulator's own and must not be matched on by production code.
 */

export const DOCUMENTED = {
  startNotText: "Start request must be a text message.",
  startMalformed: "Start request is malformed.",
  invalidModel: "Invalid model specified.",
  missingAudioFormat:
    'Missing audio format. Specify a valid audio format (e.g. s16le, f32le, wav, ogg, flac...) or "auto" for auto format detection.',
  missingSampleRate: "Audio data sample rate must be specified for PCM formats",
  missingChannels: "Audio data channels must be specified for PCM formats",
  hintsNotUnique: "Language hints must be unique.",
  invalidHint: "Invalid language hint.",
  contextTooLong: "Context is too long (max length 20000).",
  clientReferenceTooLong: "Client reference ID is too long (max length 256)",
  invalidTranslationTarget: "Invalid translation target language.",
  modelWithoutTranslation: "Model does not support translations.",
  controlInvalidType: "Control request invalid type.",
  controlMalformed: "Control request is malformed.",
  tooMuchAudio: "Received too much audio data in total.",
  noAudio: "No audio received.",
  audioTooLong: "Audio is too long.",
  audioDecodeError: "Audio decode error",
  invalidApiKey: "Invalid API key.",
  invalidTempKey: "Invalid/expired temporary API key.",
  missingApiKey: "Missing API key.",
  balanceExhausted: "Organization balance exhausted. Please either add funds manually or enable autopay.",
  startTimeout: "Start request timeout",
  firstAudioTimeout: "Timed out while waiting for the first audio chunk",
  requestTimeout: "Request timeout.",
  inputTooSlow: "Input too slow",
  tooManyConcurrent: "Your project has exceeded max number of concurrent requests.",
  internalError:
    "The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our support email support@soniox.com if you keep seeing this error.",
} as const;

/** Soniox's 503 text; N is an internal code the docs do not explain, so any number is faithful. */
export function cannotContinueText(n: number): string {
  return `Cannot continue request (code ${n}). Please restart the request. Refer to: https://soniox.com/url/cannot-continue-request`;
}

export function invalidAudioFormatText(format: unknown): string {
  return `Invalid audio data format: ${String(format)}`;
}

/** Simulator-invented texts: Soniox rejects these cases but its docs give no wording. */
export const INVENTED = {
  maxEndpointDelay: "Invalid max_endpoint_delay_ms: it must be a number from 500 to 3000. (simulator text)",
  endpointSensitivity: "Invalid endpoint_sensitivity: it must be a number from -1 to 1. (simulator text)",
  endpointLatencyLevel:
    "Invalid endpoint_latency_adjustment_level: it must be one of the integers 0, 1, 2, 3. (simulator text)",
  sampleRateInvalid: "Invalid sample_rate: it must be a positive integer number of Hz. (simulator text)",
  channelsInvalid: "Invalid num_channels: it must be a positive integer. (simulator text)",
  contextType: "Invalid context: it must be a string or an object. (simulator text)",
  translationType: 'Invalid translation: type must be "one_way" or "two_way". (simulator text)',
  headerAndSubprotocol:
    "Send the API key either in the Authorization header or in the soniox-api-key WebSocket protocol, not both. (simulator text)",
  legacyAuthRefused:
    "An api_key in the start message is no longer accepted; send the key in the Authorization header or the soniox-api-key WebSocket protocol. (simulator text)",
  sessionDurationExceeded:
    "The temporary API key's max_session_duration_seconds was exceeded; the connection was dropped. (simulator text)",
} as const;

export function unknownFieldText(field: string): string {
  return `Unknown field in start request: ${field}. (simulator text)`;
}

/**
 * The documented text a test most likely means when it injects `code` without a message.
 * Codes Soniox does not document get a generic text naming the code.
 */
export function defaultErrorText(code: number): string {
  switch (code) {
    case 400:
      return DOCUMENTED.audioDecodeError;
    case 401:
      return DOCUMENTED.invalidApiKey;
    case 402:
      return DOCUMENTED.balanceExhausted;
    case 408:
      return DOCUMENTED.requestTimeout;
    case 429:
      return DOCUMENTED.tooManyConcurrent;
    case 500:
      return DOCUMENTED.internalError;
    case 503:
      return cannotContinueText(1);
    default:
      return `Simulated error ${code}. (simulator text)`;
  }
}

/** ISO 639-1 codes Soniox lists as supported (protocol notes §3, Feb 2026). */
export const SUPPORTED_LANGUAGES: ReadonlySet<string> = new Set(
  (
    "af sq ar az eu be bn bs bg ca zh hr cs da nl en et fi fr gl de el gu he hi hu id it ja kn kk ko lv lt mk ms " +
    "ml mr no fa pl pt pa ro ru sr sk sl es sw sv tl ta te th tr uk ur vi cy"
  ).split(" "),
);
