/**
 * Diacritic folding for the safety net: "ta livet av mig" and "ta livet av mej" are read the same
 * whether or not the writer's keyboard has å, ä and ö ("vill inte leva langre", "dod"). Texts and
 * patterns are folded alike, so a pattern written with å still matches a text written without.
 */

/** The text without diacritics (å → a, ä → a, ö → o, é → e), case kept: safe for regular expressions. */
export function stripMarks(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}

/** Lower case without diacritics: how the safety net reads a text. */
export function fold(text: string): string {
  return stripMarks(text).toLocaleLowerCase('sv-SE');
}
