// A text read with its HTML numeric character references as the characters they stand for.

/**
 * `text` with each numeric character reference replaced by the character it stands for, and, for a UTF-16
 * unit of the result, where in `text` it starts (`startOf`) and ends (`endOf`); `undefined` when `text`
 * holds no reference. A reference to no character (0, past U+10FFFF) stays as it is written. Only the
 * references are recorded (where each begins in the result and in `text`), so the map costs memory in
 * the number of references, not the length of the text; a unit is placed by a binary search among them.
 */
export function readNumericReferences(
  text: string,
  first = text.indexOf('&#'),
): { decoded: string; startOf(unit: number): number; endOf(unit: number): number } | undefined {
  // For the k-th reference: its first unit in the result, how many units it gave (1 or 2), and where it
  // starts and ends in `text`.
  const at: number[] = [];
  const units: number[] = [];
  const sourceStart: number[] = [];
  const sourceEnd: number[] = [];
  let decoded = '';
  let copied = 0;
  for (let position = first; position !== -1; position = text.indexOf('&#', position)) {
    let index = position + 2;
    const x = text.charCodeAt(index);
    const hex = x === 120 || x === 88;
    if (hex) index += 1;
    const digitsStart = index;
    let code = 0;
    for (; index < text.length; index += 1) {
      const c = text.charCodeAt(index);
      const digit =
        c >= 48 && c <= 57
          ? c - 48
          : hex && c >= 97 && c <= 102
            ? c - 87
            : hex && c >= 65 && c <= 70
              ? c - 55
              : -1;
      if (digit === -1) break;
      code = code * (hex ? 16 : 10) + digit;
      if (code > 0x10ffff) break;
    }
    if (index === digitsStart || code === 0 || code > 0x10ffff || text.charCodeAt(index) !== 59) {
      position += 1;
      continue;
    }
    decoded += text.slice(copied, position);
    const character = String.fromCodePoint(code);
    at.push(decoded.length);
    units.push(character.length);
    sourceStart.push(position);
    sourceEnd.push(index + 1);
    decoded += character;
    copied = index + 1;
    position = copied;
  }
  if (at.length === 0) return undefined;
  decoded += text.slice(copied);
  // The last reference whose first unit is at or before `unit`, or -1.
  const referenceAt = (unit: number): number => {
    let low = 0;
    let high = at.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((at[middle] as number) <= unit) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  };
  // Where `unit` stands in `text`: inside reference k, or that many units after its end (or from the start).
  const place = (unit: number, end: boolean): number => {
    const k = referenceAt(unit);
    if (k === -1) return end ? unit + 1 : unit;
    const after = unit - (at[k] as number) - (units[k] as number);
    if (after < 0) return end ? (sourceEnd[k] as number) : (sourceStart[k] as number);
    return (sourceEnd[k] as number) + after + (end ? 1 : 0);
  };
  return { decoded, startOf: (unit) => place(unit, false), endOf: (unit) => place(unit, true) };
}
