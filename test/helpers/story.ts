/**
 * Conversation stories as data (test/stories/*.yaml): what a person types or clicks, and what the bot,
 * the summary the person is shown and the staff's case must then hold. The format is described in
 * test/stories/README.md; this module reads and checks a file, and plays a story through the real bot.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Activity, Storage } from 'botbuilder';
import { ActivityTypes } from 'botbuilder';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CaseRecord } from '../../src/core/cases.js';
import type { InterviewState } from '../../src/core/interview/state.js';
import { buttonsOf, textOf, type Conversation } from './harness.js';
import { interviewOf } from './interview-script.js';
import { readCases } from './stored.js';

const texts = z.array(z.string().min(1)).default([]);
const expectations = { reply_contains: texts, reply_not_contains: texts };

const StepSchema = z.union([
  z.object({ say: z.string(), ...expectations }).strict(),
  z.object({ click: z.string().min(1), ...expectations }).strict(),
  z.object({ answer_rest: z.literal('skip') }).strict(),
  z.object({ skip_until: z.string().min(1) }).strict(),
], { error: 'a step is one of say: "...", click: "...", skip_until: "..." or answer_rest: skip (say and click may add reply_contains / reply_not_contains lists)' });

const CheckSchema = z.object({ contains: texts, not_contains: texts }).strict();

export const StorySchema = z
  .object({
    title: z.string().min(1),
    kinds: z.array(z.number().int().min(1).max(11)).min(1),
    locale: z.enum(['sv', 'en']).default('sv'),
    page: z.object({ municipality: z.string().min(1) }).strict().optional(),
    steps: z.array(StepSchema).min(1),
    summary: CheckSchema.optional(),
    staff: CheckSchema.optional(),
  })
  .strict();

export type Story = z.infer<typeof StorySchema>;
export type StoryStep = Story['steps'][number];

/** A story file read and checked; a mistake names the file and the field ("steps.3.say: …"). */
export async function loadStory(file: string): Promise<Story> {
  const name = path.relative(process.cwd(), file);
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${name}: not readable YAML: ${(err as Error).message}`);
  }
  const parsed = StorySchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(the whole file)'}: ${i.message}`);
    throw new Error(`${name} is not a valid story:\n${issues.join('\n')}`);
  }
  return parsed.data;
}

/** Answers the runner gives to questions that cannot be skipped, when a story says `answer_rest: skip`. */
const REQUIRED_DEFAULTS: Record<string, Record<string, string>> = {
  sv: {
    respondent: 'För mig själv',
    subject_agrees: 'Ja, hen vet och tycker att det är bra',
    municipality: 'Karlstad',
    person_name: 'Testa Testsson',
    contact_name: 'Maja Testsson',
  },
  en: {
    respondent: 'For myself',
    subject_agrees: 'Yes, they know and think it is good',
    municipality: 'Karlstad',
    person_name: 'Testa Testsson',
    contact_name: 'Maja Testsson',
  },
};

/** What a story left: every turn's text, the last summary shown, and the case once shared. */
export interface Played {
  transcript: string[];
  summary?: string;
  staff?: string;
  case?: CaseRecord;
}

const LOCALE_TAGS = { sv: 'sv-SE', en: 'en-GB' } as const;

/** Plays a story through a started conversation; throws with the step and the bot's words when a step's check fails. */
export async function playStory(convo: Conversation, story: Story): Promise<Played> {
  const locale = LOCALE_TAGS[story.locale];
  const storage = (convo.stack.conversationState as unknown as { storage: Storage }).storage;
  const key = `${convo.channelId}/conversations/${convo.conversationId}/`;
  const state = async (): Promise<InterviewState | undefined> => interviewOf((await storage.read([key]))[key]);
  const played: Played = { transcript: [] };
  let last: Partial<Activity>[] = [];

  const send = async (extra: Partial<Activity>): Promise<string> => {
    last = await convo.send({ locale, ...extra });
    const text = textOf(last);
    played.transcript.push(text);
    const s = await state();
    // The summary the person is shown: the last turn that ends at the summary with its question.
    if (s?.phase === 'summary' && text.includes(convo.stack.engine.texts(s.locale).t('summary.question'))) played.summary = text;
    return text;
  };
  const say = (text: string) => send({ type: ActivityTypes.Message, text, ...(story.page ? { channelData: { intake: story.page } } : {}) });

  await send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'resident-1', name: 'Invånare' }], ...(story.page ? { channelData: { intake: story.page } } : {}) });

  for (const [i, step] of story.steps.entries()) {
    const where = `step ${i + 1} (${JSON.stringify(step)})`;
    if ('answer_rest' in step) {
      await answerRest(story, state, say, where);
      continue;
    }
    if ('skip_until' in step) {
      await answerRest(story, state, say, where, step.skip_until, () => textOf(last));
      continue;
    }
    let reply: string;
    if ('click' in step) {
      const shown = [...buttonsOf(last), ...cardChoices(last).map((c) => c.title)];
      const listed = textOf(last).includes(step.click);
      if (!shown.includes(step.click) && !listed) {
        throw new Error(`${where}: no button or option "${step.click}" was shown. The bot said:\n${textOf(last)}\nButtons: ${shown.join(' | ')}`);
      }
      const choice = buttonsOf(last).includes(step.click) ? undefined : cardChoices(last).find((c) => c.title === step.click);
      reply = choice ? await send({ type: ActivityTypes.Message, value: { ...choice.data, value: [choice.value] } }) : await say(step.click);
    } else {
      reply = await say(step.say);
    }
    for (const want of step.reply_contains) if (!reply.includes(want)) throw new Error(`${where}: the reply should contain "${want}" but was:\n${reply}`);
    for (const unwanted of step.reply_not_contains) if (reply.includes(unwanted)) throw new Error(`${where}: the reply should not contain "${unwanted}" but was:\n${reply}`);
  }

  if (story.staff) {
    const s = await state();
    if (s?.phase !== 'summary') throw new Error(`the story should end at the summary to share it with staff (it ends in phase ${s?.phase}):\n${played.transcript.at(-1)}`);
    const t = convo.stack.engine.texts(s.locale);
    await say(t.t('summary.confirm'));
    for (let n = 0; n < 10 && (await state())?.phase === 'share'; n++) await say(t.t('share.yes'));
    const [record] = await readCases(convo.dataDir);
    if (!record) throw new Error(`sharing ended without a case:\n${played.transcript.at(-1)}`);
    played.case = record;
    played.staff = record.summaryText;
  }
  return played;
}

/**
 * Skips every remaining question until the summary (or, with `until`, until the bot asks something
 * containing that text), answering those that cannot be skipped.
 */
async function answerRest(
  story: Story,
  state: () => Promise<InterviewState | undefined>,
  say: (text: string) => Promise<string>,
  where: string,
  until?: string,
  lastText?: () => string,
): Promise<void> {
  for (let n = 0; n < 60; n++) {
    if (until && lastText!().includes(until)) return;
    const s = await state();
    if (!s || s.phase !== 'asking' || s.pending) {
      if (s?.phase === 'summary' && !until) return;
      throw new Error(`${where}: expected a question to skip, but the interview is in phase ${s?.phase}${s?.pending ? ` (pending ${s.pending})` : ''}`);
    }
    const required = REQUIRED_DEFAULTS[story.locale]![s.current ?? ''];
    const bank = s.locale.startsWith('en') ? 'en' : 'sv';
    await say(required ?? (bank === 'en' ? 'skip' : 'hoppa över'));
  }
  throw new Error(until ? `${where}: the bot never asked "${until}"` : `${where}: still asking after 60 answers`);
}

interface CardChoice {
  title: string;
  value: string;
  data: Record<string, unknown>;
}

/** The options of a multi-choice card among the replies, with the data its submit sends. */
function cardChoices(replies: Partial<Activity>[]): CardChoice[] {
  const out: CardChoice[] = [];
  for (const r of replies) {
    for (const a of r.attachments ?? []) {
      const card = a.content as { body?: Array<{ type?: string; choices?: Array<{ title: string; value: string }> }>; actions?: Array<{ data?: Record<string, unknown> }> };
      const data = card?.actions?.find((x) => x.data?.['intake'] === 'answer')?.data;
      if (!data) continue;
      // An option is clicked by its words; the number shown before it ("3.\u00a0Ekonomi") is for typing.
      for (const el of card.body ?? []) if (el.type === 'Input.ChoiceSet') for (const c of el.choices ?? []) out.push({ ...c, title: c.title.replace(/^\d+\.\u00a0/u, ''), data });
    }
  }
  return out;
}
