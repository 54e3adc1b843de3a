/**
 * The safety level a recognizer gives each of a list of texts, asserted: exactly a level, or a bound
 * ("at least unsure": the question or the alarm; "at most unsure": never the alarm). Shared by the
 * Swedish and English safety suites, which used to keep a copy each.
 */
import { expect } from 'chai';
import type { Recognizer } from '../../src/core/nlu/recognizer.js';
import type { SafetyLevel } from '../../src/core/safety/verdict.js';

export type ExpectedLevel = SafetyLevel | 'at most unsure' | 'at least unsure';

export async function expectLevels(recognizer: Recognizer, level: ExpectedLevel, texts: string[], locale: string): Promise<void> {
  for (const text of texts) {
    const got = (await recognizer.recognize(text, locale)).safety.level;
    if (level === 'at most unsure') expect(got, text).to.not.equal('acute');
    else if (level === 'at least unsure') expect(got, text).to.not.equal('none');
    else expect(got, text).to.equal(level);
  }
}
