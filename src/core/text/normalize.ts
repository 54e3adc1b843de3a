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

/**
 * A normalised text padded with spaces and without question marks, for finding a phrase as whole
 * words: ` ${phrase} ` is in it ("vad är hemtjänst?" holds " hemtjänst ").
 */
export function paddedWords(text: string): string {
  return ` ${normalize(text).replace(/\?/gu, ' ').replace(/\s+/gu, ' ').trim()} `;
}

/** Words of a normalised text. */
export function words(text: string): string[] {
  const n = normalize(text);
  return n ? n.split(' ') : [];
}
