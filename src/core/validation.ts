/**
 * Checks for answers with a known format: Swedish personnummer (and samordningsnummer) and phone
 * numbers. Each returns the normalised value, or the reason it is not valid so the resident
 * can be told exactly what to fix.
 */
import { createRequire } from 'node:module';
import type * as PhoneLibrary from 'libphonenumber-js/max';

/**
 * libphonenumber-js with its full metadata, loaded at the first phone number, not at start-up (its
 * ESM build is 93 modules, 0.07–0.1 s of a start's CPU); its CommonJS build, so that loading it stays
 * synchronous. Every use goes through here (a static import anywhere brings the cost back).
 */
let phoneLibrary: typeof PhoneLibrary | undefined;
export function phoneNumbers(): typeof PhoneLibrary {
  return (phoneLibrary ??= createRequire(import.meta.url)('libphonenumber-js/max') as typeof PhoneLibrary);
}
function parsePhoneNumberFromString(...args: Parameters<typeof PhoneLibrary.parsePhoneNumberFromString>): ReturnType<typeof PhoneLibrary.parsePhoneNumberFromString> {
  return phoneNumbers().parsePhoneNumberFromString(...args);
}

export type PersonnummerResult =
  | { ok: true; value: string; coordinationNumber: boolean }
  | { ok: false; reason: 'length' | 'date' | 'checksum' };

/** Luhn check digit over the nine digits before it (weights 2,1,2,...). */
function luhnDigit(nine: string): number {
  let sum = 0;
  for (let i = 0; i < nine.length; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Accepts ÅÅMMDD-NNNK, ÅÅMMDD+NNNK (100 years or older), ÅÅÅÅMMDDNNNK and the same with spaces.
 * Returns the 12-digit form ÅÅÅÅMMDD-NNNK. `today` decides the century of a 10-digit number.
 */
export function checkPersonnummer(input: string, today: Date = new Date()): PersonnummerResult {
  const compact = input.replace(/\s/gu, '');
  const m = /^(\d{2})?(\d{6})([-+]?)(\d{4})$/u.exec(compact);
  if (!m) return { ok: false, reason: 'length' };
  const [, century, yymmdd, separator, last4] = m as unknown as [string, string | undefined, string, string, string];
  if (century && separator === '+') return { ok: false, reason: 'length' };
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  const coordinationNumber = day > 60;
  if (coordinationNumber) day -= 60;

  let year: number;
  if (century) {
    year = Number(century) * 100 + yy;
  } else {
    const thisYear = today.getFullYear();
    year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear) year -= 100;
    if (separator === '+') year -= 100;
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  const validDate = month >= 1 && month <= 12 && day >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!validDate || date.getTime() > today.getTime()) return { ok: false, reason: 'date' };
  if (luhnDigit(yymmdd + last4.slice(0, 3)) !== Number(last4[3])) return { ok: false, reason: 'checksum' };
  return { ok: true, value: `${String(year).padStart(4, '0')}${yymmdd.slice(2)}-${last4}`, coordinationNumber };
}

/**
 * A phone number the intake's contact can call back: a Swedish one in national form (070-123 45 67,
 * 054-12 34 56) or any country's with its country code (+47 412 34 567, 0047 …), since relatives
 * often live in Norway or further away. Checked against libphonenumber-js's full metadata (number
 * ranges per country), not only its length. Returns it as typed, trimmed (people recognise their own
 * way of writing it), or undefined; anything but digits, spaces, dashes, brackets and a leading + is
 * no phone number.
 */
export function checkPhone(input: string): string | undefined {
  const trimmed = input.trim();
  if (!/^[+\d][\d\s\-()]*$/u.test(trimmed)) return undefined;
  return parsePhoneNumberFromString(trimmed, 'SE')?.isValid() ? trimmed : undefined;
}
