/**
 * One voice command's transcript, built from what the flow hands the response node: the
 * transcribe node's responses (tokens, finished) or the token filter's text and utterances.
 * Only final spoken text counts: a Wyoming transcript chunk cannot be taken back, and the
 * transcript is what was said, not its translation.
 */
import { END_TOKEN, isMarker, isTranslated, type SonioxToken } from "../session";

/** What the flow delivered for a command, read from its message. */
export type Delivery =
  /** A soniox-transcribe response. */
  | { kind: "response"; tokens: readonly SonioxToken[]; finished: boolean }
  /** A token-filter utterance (its text is trimmed; `reason` says what ended it). */
  | { kind: "utterance"; text: string; reason: string }
  /** Final text as it comes (token-filter text mode, or a flow's own string). */
  | { kind: "text"; text: string }
  /** The command's Soniox stream failed (soniox-transcribe's error, through a Catch node). */
  | { kind: "failure"; message: string };

export interface TranscriptStep {
  /** Text added by this delivery ("" when nothing new). */
  added: string;
  /** The command's transcript is complete. */
  complete: boolean;
}

export class TranscriptBuilder {
  readonly #endpointing: boolean;
  #text = "";

  /** With `endpointing`, a Soniox endpoint (`<end>`) completes the command before the stream ends. */
  constructor(endpointing: boolean) {
    this.#endpointing = endpointing;
  }

  get text(): string {
    return this.#text.trim();
  }

  push(d: Delivery): TranscriptStep {
    if (d.kind === "response") {
      let added = "";
      let endpoint = false;
      for (const t of d.tokens) {
        if (!t.is_final) continue;
        if (t.text === END_TOKEN) endpoint = true;
        else if (!isMarker(t) && !isTranslated(t)) added += t.text;
      }
      return this.#add(added, d.finished || (this.#endpointing && endpoint));
    }
    if (d.kind === "utterance") {
      const added = d.text === "" ? "" : this.#text.trim() === "" ? d.text : ` ${d.text}`;
      return this.#add(added, d.reason === "finished" || (this.#endpointing && d.reason === "endpoint"));
    }
    if (d.kind === "failure") return { added: "", complete: true };
    return this.#add(d.text, false);
  }

  #add(added: string, complete: boolean): TranscriptStep {
    // Leading space of the first words is dropped: chunks concatenated equal the transcript.
    const piece = this.#text === "" ? added.trimStart() : added;
    this.#text += piece;
    return { added: piece, complete };
  }
}
