/**
 * Conversation stories (test/stories/*.yaml) played through the real bot: each story is what a person
 * types or clicks, and what the bot's replies, the summary they are shown and the staff's case must
 * then hold. A care worker adds a story without reading TypeScript (test/stories/README.md).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { config, expect } from 'chai';
import { REPO_ROOT, startConversation, type Conversation } from './helpers/harness.js';
import { loadStory, playStory } from './helpers/story.js';

// A failing story shows the whole summary, not its first 40 characters.
config.truncateThreshold = 0;

const DIR = path.join(REPO_ROOT, 'test', 'stories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('conversation stories (test/stories)', function () {
  this.timeout(60000);
  let convo: Conversation | undefined;
  afterEach(async () => {
    await convo?.close();
    convo = undefined;
  });

  it('there are stories, and each file is a valid story', async () => {
    expect(files.length).to.be.greaterThan(0);
    for (const f of files) await loadStory(path.join(DIR, f));
  });

  for (const file of files) {
    it(file.replace(/\.yaml$/u, ''), async function () {
      const story = await loadStory(path.join(DIR, file));
      this.test!.title = `${file}: ${story.title}`;
      convo = await startConversation();
      const played = await playStory(convo, story);
      const last = played.transcript.at(-1) ?? '';
      if (story.summary) {
        expect(played.summary, `the person was never shown the summary; the bot last said:\n${last}`).to.be.a('string');
        for (const want of story.summary.contains) expect(played.summary, 'the summary').to.include(want);
        for (const unwanted of story.summary.not_contains) expect(played.summary, 'the summary').not.to.include(unwanted);
      }
      if (story.staff) {
        for (const want of story.staff.contains) expect(played.staff, "the staff's case").to.include(want);
        for (const unwanted of story.staff.not_contains) expect(played.staff, "the staff's case").not.to.include(unwanted);
      }
    });
  }
});
