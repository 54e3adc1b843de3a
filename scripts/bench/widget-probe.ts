/**
 * What `npm run bench:widget` watches in the page, as a script put in before the page's own (so it
 * also sees the page load). It is plain browser JavaScript in a string: it runs in Chromium, not
 * here. Times are on the page's performance.now() clock, from the tap on the launcher
 * (the pointerdown, or a click without one, on `.nv-launcher`). They are read at the first animation
 * frame in which the state holds, so they are times at which the state is on screen.
 *
 * - First bot message readable: the panel is open and fully faded in (opacity 1), and a message
 *   from the assistant with text is visible (a box of its own, not hidden) inside the part of the
 *   conversation that is in view: the light panel's `.nv-light__msg--bot .nv-light__text` in
 *   `.nv-light__log`, or Web Chat's bubble (`.webchat__bubble__content` of an activity not from the
 *   person) in its `.webchat__basic-transcript__scrollable`, whichever comes first.
 * - Web Chat ready for typing: the panel's `data-nv-stage` is `webchat` (the widget sets it when Web
 *   Chat has taken over: connected, showing every message the light panel showed, its send box
 *   drawn), and Web Chat's send box (`[data-id="webchat-sendbox-input"]`) is visible, not disabled
 *   and not read-only, with at least one message of the assistant shown by Web Chat.
 * - Answerable (for information, no target): the first frame in which the person can answer at
 *   all, in the light panel (its send box visible and enabled, a button of the assistant's question
 *   shown, or no question with buttons) or in Web Chat (ready for typing).
 * - Layout shifts: every `layout-shift` entry from the tap on, inputs or not (the swap to Web Chat
 *   follows a tap, which layout-shift counting would otherwise forgive).
 */
export const WIDGET_PROBE = String.raw`
(() => {
  const bench = (window.__nvBench = { tap: null, tapEpoch: null, first: null, firstFrom: null, answerable: null, ready: null, shifts: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.shifts.push({ value: e.value, at: e.startTime });
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (e) {}
  const visible = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    const s = getComputedStyle(el);
    return s.visibility === 'visible' && s.display !== 'none';
  };
  const inView = (el, box) => {
    const r = el.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    return r.bottom > b.top && r.top < b.bottom && r.right > b.left && r.left < b.right;
  };
  const webChatBotBubbles = (host) =>
    Array.from(host.querySelectorAll('article.webchat__basic-transcript__activity'))
      .filter((a) => !a.querySelector('.webchat__stacked-layout--from-user'))
      .map((a) => a.querySelector('.webchat__bubble__content'))
      .filter((b) => b && b.textContent.trim() && visible(b));
  const firstReadable = () => {
    const panel = document.getElementById('nv-panel');
    if (!panel || panel.hidden || getComputedStyle(panel).opacity !== '1') return null;
    const log = panel.querySelector('.nv-light__log');
    if (log) {
      for (const m of panel.querySelectorAll('.nv-light__msg--bot .nv-light__text')) {
        if (m.textContent.trim() && visible(m) && inView(m, log)) return 'light panel';
      }
    }
    const host = panel.querySelector('.nv-webchat:not(.nv-webchat--pending)');
    const scroller = host && host.querySelector('.webchat__basic-transcript__scrollable');
    if (host && scroller && webChatBotBubbles(host).some((b) => inView(b, scroller))) return 'Web Chat';
    return null;
  };
  const readyForTyping = () => {
    const panel = document.getElementById('nv-panel');
    if (!panel || panel.getAttribute('data-nv-stage') !== 'webchat') return false;
    const host = panel.querySelector('.nv-webchat:not(.nv-webchat--pending)');
    const input = host && host.querySelector('[data-id="webchat-sendbox-input"]');
    return Boolean(input && visible(input) && !input.disabled && !input.readOnly && webChatBotBubbles(host).length > 0);
  };
  const answerable = () => {
    const panel = document.getElementById('nv-panel');
    if (!panel || panel.getAttribute('data-nv-stage') !== 'light') return readyForTyping();
    const input = panel.querySelector('.nv-light__input');
    return Boolean(input && visible(input) && !input.disabled && firstReadable());
  };
  const watch = () => {
    const frame = () => {
      const now = performance.now();
      if (bench.first === null) {
        const from = firstReadable();
        if (from) {
          bench.first = now;
          bench.firstFrom = from;
        }
      }
      if (bench.answerable === null && answerable()) bench.answerable = now;
      if (bench.ready === null && readyForTyping()) bench.ready = now;
      if (bench.first === null || bench.ready === null) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  };
  const onTap = (event) => {
    if (bench.tap !== null) return;
    const target = event.target;
    if (!target || !target.closest || !target.closest('.nv-launcher')) return;
    bench.tap = event.timeStamp;
    bench.tapEpoch = performance.timeOrigin + event.timeStamp;
    watch();
  };
  addEventListener('pointerdown', onTap, true);
  addEventListener('click', onTap, true);
})();
`;

/** What the probe has seen, read back with page.evaluate. */
export interface ProbeResult {
  tap: number | null;
  tapEpoch: number | null;
  first: number | null;
  firstFrom: string | null;
  answerable: number | null;
  ready: number | null;
  shifts: Array<{ value: number; at: number }>;
}
