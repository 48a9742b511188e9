/**
 * A value as a flow author would recognise it in an error text: JSON where JSON tells the truth,
 * otherwise a description (JSON.stringify turns NaN into null, gives undefined for functions and
 * symbols, and throws on circular objects and BigInt).
 */
export function showValue(value: unknown, maxChars = 100): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.slice(0, maxChars);
  } catch {
    // circular: fall through to a description that still names the type field
  }
  if (typeof value === "object" && value !== null && "type" in value) {
    return `an object with type ${showValue((value as { type: unknown }).type, maxChars)}`;
  }
  return typeof value === "object" ? "an object that is not plain JSON" : `a ${typeof value}`;
}

/** Why `value` cannot be sent as JSON (circular, BigInt), or null when it can. */
export function jsonProblem(value: unknown): string | null {
  try {
    JSON.stringify(value);
    return null;
  } catch (err) {
    return (err as Error).message.split("\n")[0];
  }
}
