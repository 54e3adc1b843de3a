/** Typed answers shared by the conversation, Direct Line and browser tests. */

/** Answers for a resident answering for herself, question by question, up to the summary. */
export const SELF_ANSWERS = [
  'Ja, jag vill fortsätta',
  'För mig själv',
  'Karlstad',
  'Jag bor ensam i en lägenhet på tredje våningen.\nHissen är ofta trasig.',
  'Att kunna bo kvar hemma och träffa mina barnbarn.',
  'Kaffe på balkongen och en promenad.',
  'Handla själv.',
  '1, 7',
  'Hjälp med att handla.',
  'Det går inte så bra',
  'Det går med lite hjälp',
  'Det går inte så bra',
  'Ja',
  '2',
  'Ja',
  'Ibland',
  'Vårdcentral',
  'Jag undrar över mina blodtryckstabletter.',
  'Helst besök hemma, inte långa resor.',
  'Nej',
  'Ja',
  'Ja, det vill jag',
  'Svenska',
  'Telefon',
  'Testa Testsson',
  '19811218-9876',
  '070-123 45 67',
];

/**
 * The same answers when the page preselected Karlstad (data-municipality="1780"): the municipality
 * question becomes "Bor du i Karlstad?", confirmed with its suggested answer.
 */
export const SELF_ANSWERS_KARLSTAD_PRESET = SELF_ANSWERS.map((a) => (a === 'Karlstad' ? 'Ja, i Karlstad' : a));

/** From the summary to the case: confirm, and answer the three consent questions. */
export const CONFIRM_AND_SHARE = ['Det stämmer', 'Ja, skicka', 'Ja, skicka', 'Nej, skicka inte'];
