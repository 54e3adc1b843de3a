/**
 * What our Direct Line channel keeps per conversation: who it belongs to, what the page told us
 * (municipality, language), and every activity in order, numbered by its watermark. Kept behind an
 * interface so the embedded (lowdb) and the PostgreSQL implementations are interchangeable.
 */
import type { Activity } from 'botbuilder';

/** The channel id of our Direct Line's activities. */
export const DIRECT_LINE_CHANNEL_ID = 'directline';

export interface DirectLineConversation {
  id: string;
  userId: string;
  createdAt: string;
  /** True once the conversation was started (POST /conversations) and the bot greeted. */
  started: boolean;
  /** SCB code or organisation id preselected by the page embedding the widget. */
  municipality?: string;
  locale?: string;
}

export interface ActivityPage {
  activities: Partial<Activity>[];
  /** The watermark to ask from next time; never lower than the one asked with. */
  watermark: number;
}

/** A whole conversation as kept, for moving it between stores (`npm run db:move`). */
export interface DirectLineExport {
  conversation: DirectLineConversation;
  /** The watermark of the last activity ever appended (0: none); activities before a forgetBefore are gone, this is not. */
  last: number;
  /** The activities still kept, in order, each with its watermark. */
  activities: Array<{ watermark: number; activity: Partial<Activity> }>;
}

export interface DirectLineStore {
  /** Records a new conversation (not yet started). */
  create(conversation: DirectLineConversation): Promise<void>;
  /** The conversation, or undefined when it does not exist (or was erased). */
  get(id: string): Promise<DirectLineConversation | undefined>;
  /** Marks the conversation as started; resolves false when it already was. */
  markStarted(id: string): Promise<boolean>;
  /**
   * Appends activities; `prepare` gives each its id and timestamp from its watermark. Resolves with
   * the stored activities, in order.
   */
  append(id: string, activities: Partial<Activity>[], prepare: (activity: Partial<Activity>, watermark: number) => Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Activities after `watermark` (all when undefined). */
  after(id: string, watermark: number | undefined): Promise<ActivityPage>;
  /** Forgets every activity before `watermark` (kept: that one and later), for "keep nothing". */
  forgetBefore(id: string, watermark: number): Promise<void>;
}
