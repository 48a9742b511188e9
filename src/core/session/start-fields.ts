import { START_FIELD_TABLE } from "./start-field-table";

/** Every start-message field Soniox documents, as Soniox spells them. */
export const START_FIELDS: readonly string[] = START_FIELD_TABLE.map((row) => row.wire);

/** Names of `options` that are not start-message fields, in their order. */
export function unknownStartFields(options: Record<string, unknown>, alsoKnown: readonly string[] = []): string[] {
  const known = new Set([...START_FIELDS, ...alsoKnown]);
  return Object.keys(options).filter((name) => !known.has(name));
}

/** Longer names are no typo of a field (the longest is 33 characters), so no distance is measured. */
export const MAX_GUESSED_NAME = 64;

/**
 * The known field a name most likely meant, or null when none is close. A typo is a few edits
 * away; anything further is a different name, not a misspelling.
 */
export function likelyStartField(name: string, alsoKnown: readonly string[] = []): string | null {
  if (name.length > MAX_GUESSED_NAME) return null;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of [...START_FIELDS, ...alsoKnown]) {
    const d = editDistance(name.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
