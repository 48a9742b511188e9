/**
 * The live caption line: all final text so far (bounded) followed by the current non-final
 * tail. Final text is appended once; the non-final tail is replaced by every response.
 */
import type { SonioxToken } from "../session";
import { plainConstructor } from "../plain-object";
import { SonioxError } from "../errors";

export interface Caption {
  /** Final transcript so far, cut at a word boundary from the front to stay within maxChars. */
  final: string;
  /** The current provisional tail; replaced (not appended) by the next response. */
  non_final: string;
  /** final + non_final, as one line for a plain text widget. */
  text: string;
}

export const DEFAULT_CAPTION_MAX_CHARS = 200;

// It travels on the message as msg.caption: made without a literal (see plain-object.ts).
const CaptionOf = plainConstructor(function (this: Caption, final: string, nonFinal: string, text: string) {
  this.final = final;
  this.non_final = nonFinal;
  this.text = text;
});

export class CaptionBuilder {
  readonly #maxChars: number;
  #final = "";
  #nonFinal = "";

  constructor(maxChars = DEFAULT_CAPTION_MAX_CHARS) {
    if (!Number.isInteger(maxChars) || maxChars < 1) {
      const value = String(maxChars);
      throw new SonioxError("invalid_config", `Caption length must be a positive whole number of characters, got ${value}`, { key: "filter.caption-length", params: { value } });
    }
    this.#maxChars = maxChars;
  }

  /** Apply one response's kept (marker-free) tokens. Returns the caption, or null when unchanged. */
  update(tokens: readonly SonioxToken[]): Caption | null {
    let appended = "";
    let nonFinal = "";
    for (const t of tokens) {
      if (t.is_final) appended += t.text;
      else nonFinal += t.text;
    }
    // The tail is bounded like the final text: a server can send one provisional token of MBs.
    nonFinal = clip(nonFinal, this.#maxChars);
    if (appended === "" && nonFinal === this.#nonFinal) return null;
    this.#final = clip(this.#final + appended, this.#maxChars);
    this.#nonFinal = nonFinal;
    const final = this.#final.trimStart();
    // The tail goes on the line even if final text is empty, so it must not start with a space.
    const text = (this.#final + nonFinal).trimStart();
    return new CaptionOf(final, final === "" ? nonFinal.trimStart() : nonFinal, text);
  }
}

/** Keep the last `max` characters, dropping the partial word at the cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const start = text.length - max;
  const cut = text.slice(start);
  // The cut already falls between words: nothing partial to drop.
  if (/\s/.test(text.charAt(start - 1))) return cut.trimStart();
  const space = cut.search(/\s/);
  return space === -1 ? cut : cut.slice(space).trimStart();
}
