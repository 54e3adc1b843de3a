/** Cases for staff and delivery tests, built directly (the interview itself is tested elsewhere). */
import type { NewCase } from '../../src/core/cases.js';
import type { ContactType } from '../../src/core/content/schema.js';

export interface RecipientSpec {
  organisationId: string;
  organisationName: string;
  contactType: ContactType;
  contactName: string;
  consent: boolean;
  /** The whole conversation may be read there too (issue 18); true unless said, as most staff tests read it. */
  transcript?: boolean;
  side?: 'municipality' | 'region';
  responseDays?: number;
}

let n = 0;

/** A confirmed case from an invented resident (Skatteverket's test personnummer only). */
export function caseDraft(
  recipients: RecipientSpec[],
  options: { urgent?: boolean; createdAt?: string; municipality?: { id: string; name: string; scbCode?: string }; name?: string; personnummer?: string; phone?: string } = {},
): NewCase {
  n += 1;
  return {
    idempotencyKey: `test/${process.pid}/${n}/${Math.random()}`,
    createdAt: options.createdAt ?? new Date().toISOString(),
    locale: 'sv',
    urgent: options.urgent ?? false,
    riskCategories: [],
    respondent: 'self',
    municipality: options.municipality ?? { id: 'karlstad', name: 'Karlstads kommun', scbCode: '1780' },
    topics: ['elderly_care'],
    sipSuggested: false,
    recipients: recipients.map((r) => ({
      key: `${r.organisationId}:${r.contactType}`,
      organisationId: r.organisationId,
      organisationName: r.organisationName,
      contactType: r.contactType,
      contactName: r.contactName,
      side: r.side ?? 'municipality',
      responseDays: r.responseDays ?? 5,
      topics: ['elderly_care'],
      consent: r.consent,
      transcript: r.consent && (r.transcript ?? true),
    })),
    answers: {
      daily_life_now: { kind: 'text', text: 'Jag bor ensam och trappan är svår.' },
      personnummer: { kind: 'text', text: options.personnummer ?? '19811218-9876' },
      person_name: { kind: 'text', text: options.name ?? 'Testa Testsson' },
      ...(options.phone ? { phone: { kind: 'text' as const, text: options.phone } } : {}),
    },
    summary: { title: 'Sammanfattning', topics: 'Det här gäller främst: Äldreomsorg', recipients: '', sections: [] },
    summaryText: 'Sammanfattning\nVardagen just nu: Jag bor ensam och trappan är svår.\nPersonnummer: 19811218-9876',
    conversation: { channelId: 'test', conversationId: `conv-${n}` },
  };
}

export const KARLSTAD_BISTAND: RecipientSpec = { organisationId: 'karlstad', organisationName: 'Karlstads kommun', contactType: 'bistand', contactName: 'Biståndshandläggning (äldreomsorg), Karlstads kommun', consent: true };
export const KARLSTAD_IFO: RecipientSpec = { organisationId: 'karlstad', organisationName: 'Karlstads kommun', contactType: 'ifo', contactName: 'Individ- och familjeomsorg, Karlstads kommun', consent: true };
export const REGION_VARDCENTRAL: RecipientSpec = { organisationId: 'region_varmland', organisationName: 'Region Värmland', contactType: 'vardcentral', contactName: 'Vårdcentralen (Hälsoval Värmland)', consent: true, side: 'region' };
export const KIL_BISTAND: RecipientSpec = { organisationId: 'kil', organisationName: 'Kils kommun', contactType: 'bistand', contactName: 'Biståndshandläggning (äldreomsorg), Kils kommun', consent: true };
