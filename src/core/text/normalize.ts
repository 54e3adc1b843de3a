/**
 * Text normalisation for recognising typed answers: lower case, Unicode-composed, punctuation and
 * extra spaces removed. Swedish letters (å, ä, ö) are kept: "får" and "far" are different words.
 */
export function normalize(text: string): string {
  return text
    .normalize('NFC')
    .toLocaleLowerCase('sv-SE')
    .replace(/[^\p{L}\p{N}&?\s]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Words of a normalised text. */
export function words(text: string): string[] {
  const n = normalize(text);
  return n ? n.split(' ') : [];
}
