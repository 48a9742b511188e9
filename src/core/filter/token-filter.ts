/**
 * The token-filter's logic, free of Node-RED: select tokens from the transcribe node's responses
 * and turn them into what a flow needs (single tokens, text, a live caption, utterances, speaker
 * turns or phrase triggers). State is kept per stream and dropped when the stream finishes.
 */
import { isMarker, isTranslated, type SonioxToken } from "../session";
import { plainConstructor } from "../plain-object";
import { UtteranceAssembler, type Utterance } from "./utterance";
import { CaptionBuilder, DEFAULT_CAPTION_MAX_CHARS, type Caption } from "./caption";
import { PhraseMatcher, type PhraseMatch } from "./phrase-matcher";
import { DEFAULT_SELECTION, selectToken, type TokenSelection } from "./selection";
import { SpeakerTurnTracker, type SpeakerTurn } from "./speaker-turns";
import { SonioxError } from "../errors";
import { FILTER_MODE_TABLE, FILTER_MODES, isFilterMode, type FilterMode } from "./modes";

export interface TokenFilterOptions {
  mode: FilterMode;
  selection: TokenSelection;
  /** Results from spoken tokens go to port 0 and from translated tokens to port 1. */
  splitTranslation: boolean;
  captionMaxChars: number;
  phrases: readonly string[];
  phraseRegex: string;
  /** Most streams with state at once; the least recently used one is forgotten past it. */
  maxStreams: number;
}

export const DEFAULT_FILTER_OPTIONS: TokenFilterOptions = {
  mode: "text",
  selection: DEFAULT_SELECTION,
  splitTranslation: false,
  captionMaxChars: DEFAULT_CAPTION_MAX_CHARS,
  phrases: [],
  phraseRegex: "",
  maxStreams: 100,
};

export type Port = 0 | 1;

const TextOf = plainConstructor(function (this: { final: string; non_final: string }, final: string, nonFinal: string) {
  this.final = final;
  this.non_final = nonFinal;
});

/** One message to send. `payload` is always a plain string; the other field becomes msg.<name>. */
export type FilterOutput =
  | { port: Port; payload: string; token: SonioxToken }
  | { port: Port; payload: string; tokens: SonioxToken[]; text: { final: string; non_final: string } }
  | { port: Port; payload: string; caption: Caption }
  | { port: Port; payload: string; utterance: Utterance }
  | { port: Port; payload: string; turn: SpeakerTurn }
  | { port: Port; payload: string; match: PhraseMatch; utterance: Utterance };

export interface PushResult {
  /** Shared and frozen when empty: read it, never write to it. */
  outputs: readonly FilterOutput[];
  /** Key of a stream whose state was dropped to stay within maxStreams, if any. */
  evicted: string | null;
}

// Most responses yield nothing (only non-final words, with final ones selected): they share these
// rather than making a result, an outputs array and a kept-tokens array each.
const NO_OUTPUTS: readonly FilterOutput[] = Object.freeze([]);
const NO_TOKENS: readonly SonioxToken[] = Object.freeze([]);
const NOTHING: PushResult = Object.freeze({ outputs: NO_OUTPUTS, evicted: null });

export class TokenFilter {
  readonly #options: TokenFilterOptions;
  readonly #selection: TokenSelection;
  readonly #matcher: PhraseMatcher | null;
  readonly #streams = new Map<string, StreamState>();
  // Least recently used by a stamp per stream rather than by Map order: re-inserting on every
  // response made the Map rehash its (long-lived, so tenured) table every few hundred responses,
  // garbage only a full collection frees. The scan for the oldest runs only when one is evicted.
  #tick = 0;

  /** Throws a SonioxError (invalid_config) with a message naming the bad option. */
  constructor(options: Partial<TokenFilterOptions> = {}) {
    const o: TokenFilterOptions = { ...DEFAULT_FILTER_OPTIONS, ...options };
    if (!isFilterMode(o.mode)) {
      const [value, choices] = [String(o.mode), FILTER_MODES.join(", ")];
      throw new SonioxError("invalid_config", `Unknown output mode "${value}"; use one of ${choices}`, { key: "filter.unknown-mode", params: { value, choices } });
    }
    if (!Number.isInteger(o.maxStreams) || o.maxStreams < 1) {
      const value = String(o.maxStreams);
      throw new SonioxError("invalid_config", `Max streams must be a positive whole number, got ${value}`, { key: "filter.max-streams", params: { value } });
    }
    if (!(o.selection.minConfidence >= 0 && o.selection.minConfidence <= 1)) {
      const value = String(o.selection.minConfidence);
      throw new SonioxError("invalid_config", `Minimum confidence must be between 0 and 1, got ${value}`, { key: "filter.min-confidence", params: { value } });
    }
    this.#options = o;
    this.#selection = FILTER_MODE_TABLE[o.mode].segments
      ? { ...o.selection, finality: "final", dropMarkers: false }
      : o.selection;
    this.#matcher = o.mode === "phrase" ? new PhraseMatcher(o.phrases, o.phraseRegex) : null;
    // Fail at deploy rather than on the first message.
    if (FILTER_MODE_TABLE[o.mode].state === "caption") new CaptionBuilder(o.captionMaxChars);
  }

  /** Process one transcribe-node response for `stream`. */
  push(stream: string, tokens: readonly SonioxToken[], finished: boolean): PushResult {
    const { state, evicted } = this.#stateFor(stream);
    const kept = selectTokens(tokens, this.#selection);
    const outputs = state.push(kept, finished);
    if (finished) this.#streams.delete(stream);
    return outputs.length === 0 && evicted === null ? NOTHING : { outputs, evicted };
  }

  /** Number of streams holding state (for status and tests). */
  get streamCount(): number {
    return this.#streams.size;
  }

  clear(): void {
    this.#streams.clear();
  }

  #stateFor(stream: string): { state: StreamState; evicted: string | null } {
    let state = this.#streams.get(stream);
    let evicted: string | null = null;
    if (state === undefined) {
      if (this.#streams.size >= this.#options.maxStreams) {
        evicted = this.#leastRecentlyUsed();
        this.#streams.delete(evicted);
      }
      state = new StreamState(this.#options, this.#matcher);
      this.#streams.set(stream, state);
    }
    state.lastUsed = ++this.#tick;
    return { state, evicted };
  }

  #leastRecentlyUsed(): string {
    let oldest = "";
    let stamp = Infinity;
    for (const [key, state] of this.#streams) {
      if (state.lastUsed < stamp) {
        stamp = state.lastUsed;
        oldest = key;
      }
    }
    return oldest;
  }

}

/** The tokens the selection keeps: the same array when it keeps them all (read-only either way). */
function selectTokens(tokens: readonly SonioxToken[], selection: TokenSelection): readonly SonioxToken[] {
  for (let i = 0; i < tokens.length; i++) {
    if (selectToken(tokens[i], selection)) continue;
    // Something is dropped: from here on, copy what is kept.
    let kept: SonioxToken[] | null = i > 0 ? tokens.slice(0, i) : null;
    for (let j = i + 1; j < tokens.length; j++) if (selectToken(tokens[j], selection)) (kept ??= []).push(tokens[j]);
    return kept ?? NO_TOKENS;
  }
  return tokens;
}

/** Everything one stream remembers between responses, per output lane (made only where the mode needs it). */
class StreamState {
  /** When the stream was last pushed, in the filter's own ticks. */
  lastUsed = 0;
  readonly #options: TokenFilterOptions;
  readonly #matcher: PhraseMatcher | null;
  /** The token-by-token modes' lanes, or the utterance modes' assembler and mode. */
  readonly #by: { lanes: [Lane, Lane | null] } | { assembler: UtteranceAssembler; mode: UtteranceMode };

  constructor(options: TokenFilterOptions, matcher: PhraseMatcher | null) {
    this.#options = options;
    this.#matcher = matcher;
    const mode = options.mode;
    this.#by = isLaneMode(mode)
      ? { lanes: [new Lane(options, mode), options.splitTranslation ? new Lane(options, mode) : null] }
      : { assembler: new UtteranceAssembler(), mode };
  }

  push(kept: readonly SonioxToken[], finished: boolean): readonly FilterOutput[] {
    if ("assembler" in this.#by) {
      const mode = this.#by.mode;
      return this.#by.assembler.push(kept, finished).flatMap((u) => this.#fromUtterance(mode, u));
    }
    const [spokenLane, translationLane] = this.#by.lanes;
    if (translationLane === null) return spokenLane.push(0, kept, finished);
    // Markers belong to both lanes: they end segments of speech and of translation alike.
    const spoken = kept.filter((t) => !isTranslated(t));
    const translated = kept.filter((t) => isTranslated(t) || isMarker(t));
    return [...spokenLane.push(0, spoken, finished), ...translationLane.push(1, translated, finished)];
  }

  #fromUtterance(mode: UtteranceMode, u: Utterance): FilterOutput[] {
    const split = this.#options.splitTranslation;
    const texts: [Port, string][] = [];
    if (u.text !== "") texts.push([0, u.text]);
    if (u.translation) texts.push([split ? 1 : 0, u.translation]);
    switch (mode) {
      case "utterance":
        // Unsplit, one message per utterance: its text, or the translation when only that was kept.
        if (!split) return [{ port: 0, payload: texts[0][1], utterance: u }];
        return texts.map(([port, payload]) => ({ port, payload, utterance: u }));
      case "phrase": {
        const out: FilterOutput[] = [];
        for (const [port, text] of texts) {
          for (const match of this.#matcher!.match(text)) out.push({ port, payload: match.phrase, match, utterance: u });
        }
        return out;
      }
      default: {
        // An utterance mode added to the table fails to compile here until it has its output.
        const unhandled: never = mode;
        throw new Error(`filter mode ${String(unhandled)} has no case in StreamState`);
      }
    }
  }
}

/** The modes that work token by token, each in its own Lane (the others go through the UtteranceAssembler). */
type LaneMode = { [M in FilterMode]: (typeof FILTER_MODE_TABLE)[M]["state"] extends "utterances" ? never : M }[FilterMode];

/** The modes that work on whole utterances. */
type UtteranceMode = Exclude<FilterMode, LaneMode>;

function isLaneMode(mode: FilterMode): mode is LaneMode {
  return FILTER_MODE_TABLE[mode].state !== "utterances";
}

/** Per-lane state for the modes that work token by token. */
class Lane {
  readonly #mode: LaneMode;
  readonly #caption: CaptionBuilder | null;
  readonly #turns: SpeakerTurnTracker | null;

  constructor(options: TokenFilterOptions, mode: LaneMode) {
    this.#mode = mode;
    const state = FILTER_MODE_TABLE[mode].state;
    this.#caption = state === "caption" ? new CaptionBuilder(options.captionMaxChars) : null;
    this.#turns = state === "turns" ? new SpeakerTurnTracker() : null;
  }

  push(port: Port, tokens: readonly SonioxToken[], finished: boolean): readonly FilterOutput[] {
    switch (this.#mode) {
      case "tokens":
        return tokens.map((token) => ({ port, payload: token.text, token }));
      case "turns":
        return this.#turns!.push(tokens, finished).map((turn) => ({ port, payload: turn.text, turn }));
      case "caption": {
        const caption = this.#caption!.update(tokens.filter((t) => !isMarker(t)));
        return caption ? [{ port, payload: caption.text, caption }] : [];
      }
      case "text":
        return textOutputs(port, tokens);
      default: {
        // A token-by-token mode added to the table fails to compile here until it has its output.
        const unhandled: never = this.#mode;
        throw new Error(`filter mode ${String(unhandled)} has no case in Lane.push()`);
      }
    }
  }
}

/**
 * Text mode, once per response. msg.tokens and msg.text are made by a builtin and a plain
 * constructor, not literals: they travel on the message (see plain-object.ts).
 */
function textOutputs(port: Port, tokens: readonly SonioxToken[]): readonly FilterOutput[] {
  if (tokens.length === 0) return NO_OUTPUTS;
  const words = tokens.filter((t) => !isMarker(t));
  let final = "";
  let nonFinal = "";
  for (const t of words) {
    if (t.is_final) final += t.text;
    else nonFinal += t.text;
  }
  const payload = final + nonFinal;
  if (payload.trim() === "") return [];
  return [{ port, payload, tokens: words, text: new TextOf(final, nonFinal) }];
}
