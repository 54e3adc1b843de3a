/*
 * The intake chat widget for "god och nära vård". A municipality adds it with one tag:
 *
 *   <script src="https://HOST/widget.js" data-municipality="1780" data-lang="sv"
 *           data-accent="#0b5cad" data-position="right" async></script>
 *
 * It adds widget.css and a launcher button. Botframework-webchat is loaded from the same server
 * (HOST/webchat/webchat.js) only when the chat is first opened. Every text comes from
 * HOST/widget/strings?lang=… (locales/<lang>/widget.yaml); this file has none of its own.
 * The conversation is kept in sessionStorage, so a reload re-opens the same conversation.
 *
 * Plain ES2019, no build step. Everything it adds to the page is namespaced "nv-".
 */
(function () {
  'use strict';

  if (window.__nvIntakeWidget) return;

  var script = document.currentScript;
  if (!script) {
    var candidates = document.querySelectorAll('script[src*="widget.js"]');
    script = candidates[candidates.length - 1];
  }
  if (!script || !script.src) return;

  var base = script.src.replace(/[?#].*$/, '').replace(/\/[^/]*$/, '');
  var data = script.dataset || {};
  var config = {
    municipality: /^\d{4}$/.test(data.municipality || '') ? data.municipality : '',
    // A language folder under locales/, such as "sv" (a missing one falls back to the server's default).
    lang: /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test((data.lang || '').toLowerCase()) ? data.lang.toLowerCase() : 'sv',
    accent: (data.accent || '').trim() || '#0b5cad',
    position: data.position === 'left' ? 'left' : 'right'
  };

  var STORAGE_KEY = 'nv-intake:' + base;
  var OPEN_KEY = 'nv-intake-open:' + base;
  var SEND_BOX = '[data-id="webchat-sendbox-input"], .webchat__send-box-text-box__input';
  var CONNECTION = { ONLINE: 2, EXPIRED: 3, FAILED: 4, ENDED: 5 };

  var strings = {};
  var els = {};
  var colors = null;
  var state = {
    open: false,
    session: null, // { conversationId, token, userId, domain, expiresAt, lifetime, started }
    directLine: null,
    subscriptions: [],
    chatPromise: null,
    ending: false,
    generation: 0
  };

  window.__nvIntakeWidget = { base: base };

  function t(key) {
    var value = strings[key];
    return typeof value === 'string' ? value : '';
  }

  /* ---------- storage (sessionStorage may be unavailable; then nothing is remembered) ---------- */

  function readJson(key) {
    try {
      var raw = window.sessionStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function writeJson(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* private mode or full storage: the widget still works, without resuming */
    }
  }

  function saveSession() {
    writeJson(STORAGE_KEY, state.session);
  }

  function validSession(s) {
    return s && typeof s.token === 'string' && typeof s.conversationId === 'string' && typeof s.userId === 'string' && typeof s.domain === 'string';
  }

  /* ---------- colours: contrast is computed, never assumed ---------- */

  function parseColor(value) {
    if (!window.CSS || !CSS.supports || !CSS.supports('color', value)) return null;
    try {
      var canvas = document.createElement('canvas');
      canvas.width = 1;
      canvas.height = 1;
      var ctx = canvas.getContext('2d');
      if (!ctx) return null;
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, 1, 1);
      ctx.fillStyle = value;
      ctx.fillRect(0, 0, 1, 1);
      var d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2]]; // composited over white if the colour is translucent
    } catch (e) {
      return null;
    }
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      var s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function hex(rgb) {
    return '#' + rgb.map(function (v) {
      var h = Math.round(v).toString(16);
      return h.length === 1 ? '0' + h : h;
    }).join('');
  }

  function mix(rgb, target, amount) {
    return rgb.map(function (v, i) {
      return v + (target[i] - v) * amount;
    });
  }

  var WHITE = [255, 255, 255];
  var NEAR_BLACK = [17, 17, 17];
  var BLACK = [0, 0, 0];

  /** White or near-black text, whichever reaches 4.5:1 on the background (black always does if neither). */
  function textOn(bg) {
    if (contrast(WHITE, bg) >= 4.5) return WHITE;
    if (contrast(NEAR_BLACK, bg) >= 4.5) return NEAR_BLACK;
    return contrast(WHITE, bg) >= contrast(BLACK, bg) ? WHITE : BLACK;
  }

  /** The colour darkened (mixed with black) until it reaches 4.5:1 against every background given. */
  function darkenAgainst(rgb, backgrounds) {
    var ok = function (c) {
      return backgrounds.every(function (bg) { return contrast(c, bg) >= 4.5; });
    };
    var out = rgb;
    for (var i = 1; i <= 20 && !ok(out); i++) out = mix(rgb, BLACK, i * 0.05);
    return out.map(Math.round);
  }

  function computeColors(value) {
    var accent = parseColor(value) || parseColor('#0b5cad') || [11, 92, 173];
    var onAccent = textOn(accent);
    var tint = mix(accent, WHITE, 0.88).map(Math.round); // hover and focus background
    // The accent as text, border and focus ring on white and on the tint.
    var strong = darkenAgainst(accent, [WHITE, tint]);
    return {
      accent: hex(accent),
      onAccent: hex(onAccent),
      strong: hex(strong),
      onStrong: hex(textOn(strong)),
      tint: hex(tint),
      // Focus ring on the accent-coloured header: the header's text colour (already 4.5:1 against it).
      ringOnAccent: hex(onAccent)
    };
  }

  /* ---------- loading the styles, the strings and Web Chat ---------- */

  function loadCss() {
    return new Promise(function (resolve) {
      var existing = document.querySelector('link[data-nv-widget-css]');
      if (existing) return resolve();
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = base + '/widget.css';
      link.setAttribute('data-nv-widget-css', '');
      link.onload = function () { resolve(); };
      link.onerror = function () { resolve(); };
      document.head.appendChild(link);
    });
  }

  /**
   * The widget's texts for data-lang. The server answers { lang, strings } (or the strings alone);
   * a language without texts falls back to the server's default language. Network errors are retried.
   */
  function loadStrings(attempt, lang) {
    var query = lang ? '?lang=' + encodeURIComponent(lang) : '';
    return fetch(base + '/widget/strings' + query, { credentials: 'omit' })
      .then(function (res) {
        if (res.status === 404 && lang) return { fallback: true };
        if (!res.ok) throw new Error('strings ' + res.status);
        return res.json();
      })
      .then(function (json) {
        if (json && json.fallback === true) return loadStrings(attempt, '');
        var s = json && typeof json.strings === 'object' && json.strings ? json.strings : json;
        if (!s || typeof s.launcher !== 'string') throw new Error('strings: no launcher text');
        return s;
      })
      .catch(function (err) {
        if (attempt >= 2) throw err;
        return new Promise(function (resolve) { setTimeout(resolve, 3000); }).then(function () {
          return loadStrings(attempt + 1, lang);
        });
      });
  }

  var webChatPromise = null;
  function loadWebChat() {
    if (window.WebChat && typeof window.WebChat.renderWebChat === 'function' && typeof window.WebChat.createDirectLine === 'function') {
      return Promise.resolve(window.WebChat);
    }
    if (!webChatPromise) {
      webChatPromise = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = base + '/webchat/webchat.js';
        s.async = true;
        s.setAttribute('data-nv-webchat', '');
        s.onload = function () {
          if (window.WebChat && typeof window.WebChat.renderWebChat === 'function') resolve(window.WebChat);
          else reject(new Error('Web Chat did not load'));
        };
        s.onerror = function () {
          s.remove();
          webChatPromise = null;
          reject(new Error('Web Chat could not be fetched'));
        };
        document.head.appendChild(s);
      });
    }
    return webChatPromise;
  }

  /* ---------- the token flow ---------- */

  function httpError(res) {
    var err = new Error('HTTP ' + res.status);
    err.status = res.status;
    return err;
  }

  /** Seconds a token lives, from a token response (Direct Line's default when it says nothing). */
  function lifetime(response) {
    var seconds = Number(response && response.expires_in);
    return seconds > 0 ? seconds : 1800;
  }

  function generateSession() {
    // The bot's language is the locale folder itself ("sv-lattlast" is not a browser locale);
    // Web Chat's own texts use webchatLocale.
    var body = { locale: config.lang || t('webchatLocale') };
    if (config.municipality) body.municipality = config.municipality;
    return fetch(base + '/v3/directline/tokens/generate', {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    })
      .then(function (res) {
        if (!res.ok) throw httpError(res);
        return res.json();
      })
      .then(function (j) {
        if (!j || !j.token || !j.conversationId || !j.userId) throw new Error('token response incomplete');
        return {
          conversationId: j.conversationId,
          token: j.token,
          userId: j.userId,
          domain: String(j.domain || base + '/v3/directline').replace(/\/+$/, ''),
          expiresAt: Date.now() + lifetime(j) * 1000,
          lifetime: lifetime(j),
          started: false
        };
      });
  }

  function refreshSession(stored) {
    return fetch(stored.domain + '/tokens/refresh', {
      method: 'POST',
      credentials: 'omit',
      headers: { Authorization: 'Bearer ' + stored.token }
    }).then(function (res) {
      if (!res.ok) throw httpError(res);
      return res.json().then(function (j) {
        if (!j || !j.token) throw new Error('refresh response incomplete');
        var s = Object.assign({}, stored, {
          token: j.token,
          conversationId: j.conversationId || stored.conversationId,
          expiresAt: Date.now() + lifetime(j) * 1000,
          lifetime: lifetime(j)
        });
        return s;
      });
    });
  }

  /** A stored conversation if it can still be used, else a new one. */
  function obtainSession() {
    var stored = readJson(STORAGE_KEY);
    // An expired token cannot be refreshed: start anew without asking.
    if (validSession(stored) && stored.expiresAt && stored.expiresAt < Date.now()) {
      writeJson(STORAGE_KEY, null);
      stored = null;
    }
    if (!validSession(stored)) return generateSession().then(function (s) { return { session: s, resume: false }; });
    return refreshSession(stored).then(
      function (s) {
        return { session: s, resume: Boolean(s.started) };
      },
      function (err) {
        // 401/403: the token has expired; 404: the conversation is gone. Anything else is a
        // connection problem: keep the stored conversation so that the retry button can resume it.
        if (err && (err.status === 401 || err.status === 403 || err.status === 404)) {
          writeJson(STORAGE_KEY, null);
          return generateSession().then(function (s) { return { session: s, resume: false }; });
        }
        throw err;
      }
    );
  }

  /* ---------- Web Chat ---------- */

  function styleOptions() {
    var c = colors;
    return {
      accent: c.strong,
      backgroundColor: '#ffffff',
      primaryFont: 'inherit',
      subtle: '#5c5c5c',
      timestampColor: '#5c5c5c',
      rootHeight: '100%',
      rootWidth: '100%',
      hideUploadButton: true,

      bubbleBackground: '#f1f3f5',
      bubbleBorderColor: '#c9ced4',
      bubbleBorderWidth: 1,
      bubbleBorderRadius: 8,
      bubbleTextColor: '#111111',
      bubbleMaxWidth: 600,
      bubbleFromUserBackground: c.accent,
      bubbleFromUserBorderColor: c.accent,
      bubbleFromUserBorderWidth: 1,
      bubbleFromUserBorderRadius: 8,
      bubbleFromUserTextColor: c.onAccent,

      suggestedActionLayout: 'flow',
      suggestedActionHeight: 'auto',
      suggestedActionBorderRadius: 8,
      suggestedActionBorderWidth: 2,
      suggestedActionBorderStyle: 'solid',
      suggestedActionBackgroundColor: '#ffffff',
      suggestedActionBorderColor: c.strong,
      suggestedActionTextColor: c.strong,
      suggestedActionBackgroundColorOnHover: c.tint,
      suggestedActionBorderColorOnHover: c.strong,
      suggestedActionTextColorOnHover: c.strong,
      suggestedActionBackgroundColorOnFocus: c.tint,
      suggestedActionBorderColorOnFocus: c.strong,
      suggestedActionTextColorOnFocus: c.strong,
      suggestedActionBackgroundColorOnActive: c.strong,
      suggestedActionBorderColorOnActive: c.strong,
      suggestedActionTextColorOnActive: c.onStrong,
      suggestedActionBackgroundColorOnDisabled: '#f1f3f5',
      suggestedActionBorderColorOnDisabled: '#767676',
      suggestedActionTextColorOnDisabled: '#4f4f4f',
      suggestedActionKeyboardFocusIndicatorBorderColor: '#111111',
      suggestedActionKeyboardFocusIndicatorBorderWidth: 2,
      suggestedActionKeyboardFocusIndicatorBorderStyle: 'solid',
      suggestedActionKeyboardFocusIndicatorInset: 3,
      suggestedActionsVisualKeyboardIndicatorColor: c.strong,
      suggestedActionsVisualKeyboardIndicatorWidth: 2,

      sendBoxBackground: '#ffffff',
      sendBoxTextColor: '#111111',
      sendBoxPlaceholderColor: '#5c5c5c',
      sendBoxBorderTop: 'solid 1px #767676',
      sendBoxButtonColor: c.strong,
      sendBoxButtonColorOnHover: c.strong,
      sendBoxButtonColorOnFocus: c.strong,
      sendBoxButtonKeyboardFocusIndicatorBorderColor: c.strong,
      sendBoxButtonKeyboardFocusIndicatorBorderWidth: 2,
      sendBoxTextWrap: true,

      transcriptVisualKeyboardIndicatorColor: c.strong,
      transcriptVisualKeyboardIndicatorWidth: 2,
      transcriptActivityVisualKeyboardIndicatorColor: c.strong,
      transcriptActivityVisualKeyboardIndicatorWidth: 2,
      transcriptOverlayButtonBackground: c.strong,
      transcriptOverlayButtonColor: c.onStrong,
      transcriptOverlayButtonBackgroundOnFocus: c.strong,
      transcriptOverlayButtonColorOnFocus: c.onStrong,
      transcriptOverlayButtonBackgroundOnHover: c.strong,
      transcriptOverlayButtonColorOnHover: c.onStrong,
      transcriptTerminatorBackgroundColor: '#4f4f4f',
      transcriptTerminatorColor: '#ffffff',

      notificationText: '#111111',
      toastErrorBackgroundColor: '#fde7e9',
      toastErrorColor: '#8a0010',
      toastInfoBackgroundColor: '#e8f0fb',
      toastInfoColor: '#0b3d73',
      toastWarnBackgroundColor: '#fff4ce',
      toastWarnColor: '#5c4400',
      toastSuccessBackgroundColor: '#dff6dd',
      toastSuccessColor: '#0b5a08',

      cardEmphasisBackgroundColor: '#f1f3f5',
      cardPushButtonBackgroundColor: c.strong,
      cardPushButtonTextColor: c.onStrong,
      richCardWrapTitle: true
    };
  }

  function subscribe(observable, next) {
    if (!observable || typeof observable.subscribe !== 'function') return;
    var sub = observable.subscribe(next, function () {});
    state.subscriptions.push(sub);
  }

  /** Keeps the stored token and conversation id in step with what Direct Line uses now. */
  function syncSession() {
    var dl = state.directLine;
    var s = state.session;
    if (!dl || !s) return;
    var changed = false;
    if (typeof dl.token === 'string' && dl.token && dl.token !== s.token) {
      s.token = dl.token; // Direct Line refreshed it: a full lifetime from now
      s.expiresAt = Date.now() + (s.lifetime || 1800) * 1000;
      changed = true;
    }
    if (typeof dl.conversationId === 'string' && dl.conversationId && dl.conversationId !== s.conversationId) {
      s.conversationId = dl.conversationId;
      changed = true;
    }
    if (changed) saveSession();
  }

  function renderChat(WebChat, obtained) {
    var session = obtained.session;
    var options = { token: session.token, domain: session.domain, webSocket: false };
    if (obtained.resume) options.conversationId = session.conversationId;
    var directLine = WebChat.createDirectLine(options);
    state.directLine = directLine;
    state.session = session;
    saveSession();

    subscribe(directLine.connectionStatus$, function (status) {
      if (status === CONNECTION.ONLINE) {
        if (!state.session) return;
        state.session.started = true;
        syncSession();
        saveSession();
        clearStatus();
      } else if (status === CONNECTION.FAILED || status === CONNECTION.EXPIRED) {
        if (!state.ending) showError(t('connectError'), retryChat);
      }
    });

    var host = document.createElement('div');
    host.className = 'nv-webchat';
    els.chat.appendChild(host);
    WebChat.renderWebChat(
      {
        directLine: directLine,
        userID: session.userId,
        locale: t('webchatLocale') || config.lang,
        styleOptions: styleOptions()
      },
      host
    );
    watchSendBox();
  }

  function ensureChat() {
    if (state.chatPromise) return state.chatPromise;
    var generation = ++state.generation;
    showStatus(t('loading'));
    state.chatPromise = Promise.all([loadWebChat(), obtainSession()])
      .then(function (results) {
        if (generation !== state.generation) return;
        renderChat(results[0], results[1]);
      })
      .catch(function () {
        if (generation !== state.generation) return;
        state.chatPromise = null;
        showError(t('connectError'), retryChat);
      });
    return state.chatPromise;
  }

  function teardownChat() {
    state.generation++;
    state.subscriptions.forEach(function (sub) {
      try { sub.unsubscribe(); } catch (e) { /* already closed */ }
    });
    state.subscriptions = [];
    if (state.directLine && typeof state.directLine.end === 'function') {
      try { state.directLine.end(); } catch (e) { /* already ended */ }
    }
    state.directLine = null;
    state.chatPromise = null;
    // A fresh container: the old Web Chat tree is dropped with its element.
    var fresh = els.chat.cloneNode(false);
    els.chat.parentNode.replaceChild(fresh, els.chat);
    els.chat = fresh;
  }

  function retryChat() {
    syncSession();
    teardownChat();
    ensureChat();
    focusIntoPanel();
  }

  /* ---------- focus ---------- */

  function sendBox() {
    return els.chat.querySelector(SEND_BOX);
  }

  function focusIntoPanel() {
    var input = sendBox();
    if (input) input.focus();
    else els.title.focus();
  }

  var sendBoxObserver = null;
  /** Moves focus to the send box when Web Chat has drawn it, if focus is still on the heading. */
  function watchSendBox() {
    if (sendBoxObserver) sendBoxObserver.disconnect();
    var done = function () {
      if (sendBoxObserver) sendBoxObserver.disconnect();
      sendBoxObserver = null;
    };
    var check = function () {
      var input = sendBox();
      if (!input) return false;
      var active = document.activeElement;
      if (state.open && (active === els.title || active === els.panel || active === document.body || !active)) input.focus();
      done();
      return true;
    };
    if (check()) return;
    sendBoxObserver = new MutationObserver(check);
    sendBoxObserver.observe(els.chat, { childList: true, subtree: true });
    setTimeout(done, 30000);
  }

  /* ---------- status line inside the panel ---------- */

  function clearStatus() {
    els.status.textContent = '';
    els.status.hidden = true;
    els.status.classList.remove('nv-status--error');
  }

  function showStatus(text) {
    els.status.hidden = false;
    els.status.classList.remove('nv-status--error');
    els.status.textContent = text;
  }

  function showError(text, retry) {
    els.status.hidden = false;
    els.status.classList.add('nv-status--error');
    els.status.textContent = '';
    var p = document.createElement('p');
    p.className = 'nv-status__text';
    p.textContent = text;
    els.status.appendChild(p);
    if (retry) {
      var b = button('nv-btn nv-btn--primary', t('retry'));
      b.addEventListener('click', retry);
      els.status.appendChild(b);
    }
  }

  /* ---------- open, close, end ---------- */

  function openPanel(options) {
    var focus = !options || options.focus !== false;
    if (!state.open) {
      state.open = true;
      writeJson(OPEN_KEY, true);
      els.root.classList.add('nv-root--open');
      els.panel.hidden = false;
      els.launcher.setAttribute('aria-expanded', 'true');
      els.launcher.hidden = true;
      ensureChat();
    }
    if (focus) focusIntoPanel();
    if (state.directLine) watchSendBox();
  }

  function closePanel(options) {
    if (!state.open) return;
    state.open = false;
    writeJson(OPEN_KEY, null);
    hideConfirm(false);
    syncSession();
    els.root.classList.remove('nv-root--open');
    els.panel.hidden = true;
    els.launcher.hidden = false;
    els.launcher.setAttribute('aria-expanded', 'false');
    if (!options || options.focus !== false) els.launcher.focus();
  }

  function showConfirm() {
    els.confirm.hidden = false;
    els.end.setAttribute('aria-expanded', 'true');
    els.confirmNo.focus();
  }

  function hideConfirm(focusEnd) {
    if (els.confirm.hidden) return;
    els.confirm.hidden = true;
    els.end.setAttribute('aria-expanded', 'false');
    if (focusEnd) els.end.focus();
  }

  /** Tells the server to erase an unfinished interview, then forgets the conversation here. */
  function endConversation() {
    if (state.ending) return;
    var dl = state.directLine;
    var session = state.session;
    var finish = function () {
      state.ending = false;
      teardownChat();
      state.session = null;
      writeJson(STORAGE_KEY, null);
      clearStatus();
      closePanel();
      els.announce.textContent = t('ended');
      setTimeout(function () { els.announce.textContent = ''; }, 8000);
    };
    hideConfirm(false);
    if (!dl || !session || !session.started) {
      finish();
      return;
    }
    state.ending = true;
    showStatus(t('ending'));
    var settled = false;
    var timer = setTimeout(function () { fail(); }, 15000);
    function fail() {
      if (settled) return;
      settled = true;
      state.ending = false;
      showError(t('endFailed'), null);
      els.end.focus();
    }
    try {
      dl.postActivity({ type: 'endOfConversation', from: { id: session.userId } }).subscribe(
        function () {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          finish();
        },
        function () {
          clearTimeout(timer);
          fail();
        }
      );
    } catch (e) {
      clearTimeout(timer);
      fail();
    }
  }

  /* ---------- DOM ---------- */

  function button(className, text) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = className;
    if (text) b.textContent = text;
    return b;
  }

  function svg(path) {
    var ns = 'http://www.w3.org/2000/svg';
    var s = document.createElementNS(ns, 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    s.setAttribute('class', 'nv-icon');
    var p = document.createElementNS(ns, 'path');
    p.setAttribute('d', path);
    p.setAttribute('fill', 'currentColor');
    s.appendChild(p);
    return s;
  }

  var ICON_CHAT = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 5v2h12V8H6zm0 4v2h8v-2H6z';
  var ICON_MINIMISE = 'M5 11h14v2H5z';

  function link(href, text) {
    var a = document.createElement('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    a.className = 'nv-link';
    a.appendChild(document.createTextNode(text));
    if (t('newTab')) {
      var hint = document.createElement('span');
      hint.className = 'nv-visually-hidden';
      hint.textContent = ' ' + t('newTab');
      a.appendChild(hint);
    }
    return a;
  }

  function build() {
    colors = computeColors(config.accent);
    var lang = t('htmlLang') || config.lang;

    var root = document.createElement('div');
    root.className = 'nv-root nv-root--' + config.position;
    root.setAttribute('lang', lang);
    root.setAttribute('data-nv-widget', '');
    root.style.setProperty('--nv-accent', colors.accent);
    root.style.setProperty('--nv-on-accent', colors.onAccent);
    root.style.setProperty('--nv-strong', colors.strong);
    root.style.setProperty('--nv-on-strong', colors.onStrong);
    root.style.setProperty('--nv-tint', colors.tint);
    root.style.setProperty('--nv-ring-on-accent', colors.ringOnAccent);

    var launcher = button('nv-launcher');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'nv-panel');
    launcher.appendChild(svg(ICON_CHAT));
    var launcherText = document.createElement('span');
    launcherText.className = 'nv-launcher__text';
    launcherText.textContent = t('launcher');
    launcher.appendChild(launcherText);

    var panel = document.createElement('div');
    panel.id = 'nv-panel';
    panel.className = 'nv-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'nv-title');
    panel.setAttribute('aria-describedby', 'nv-subtitle');
    panel.setAttribute('lang', lang);
    panel.hidden = true;

    var header = document.createElement('div');
    header.className = 'nv-header';
    var title = document.createElement('h2');
    title.id = 'nv-title';
    title.className = 'nv-title';
    title.tabIndex = -1;
    title.textContent = t('title');
    var subtitle = document.createElement('p');
    subtitle.id = 'nv-subtitle';
    subtitle.className = 'nv-subtitle';
    subtitle.textContent = t('subtitle');

    var actions = document.createElement('div');
    actions.className = 'nv-header__actions';
    var end = button('nv-btn nv-btn--end', t('end'));
    end.setAttribute('aria-expanded', 'false');
    end.setAttribute('aria-controls', 'nv-confirm');
    var close = button('nv-btn nv-btn--close');
    close.appendChild(svg(ICON_MINIMISE));
    var closeText = document.createElement('span');
    closeText.className = 'nv-btn__text';
    closeText.textContent = t('close');
    close.appendChild(closeText);
    // The accessible name starts with the visible text (WCAG 2.5.3) and says the conversation stays.
    if (t('closeLabel')) close.setAttribute('aria-label', t('closeLabel'));
    actions.appendChild(end);
    actions.appendChild(close);
    header.appendChild(title);
    header.appendChild(actions);
    header.appendChild(subtitle);

    var confirm = document.createElement('div');
    confirm.id = 'nv-confirm';
    confirm.className = 'nv-confirm';
    confirm.setAttribute('role', 'group');
    confirm.setAttribute('aria-labelledby', 'nv-confirm-text');
    confirm.hidden = true;
    var confirmText = document.createElement('p');
    confirmText.id = 'nv-confirm-text';
    confirmText.className = 'nv-confirm__text';
    confirmText.textContent = t('endConfirmText');
    var confirmButtons = document.createElement('div');
    confirmButtons.className = 'nv-confirm__buttons';
    var confirmYes = button('nv-btn nv-btn--danger', t('endConfirmYes'));
    var confirmNo = button('nv-btn nv-btn--secondary', t('endConfirmNo'));
    confirmButtons.appendChild(confirmYes);
    confirmButtons.appendChild(confirmNo);
    confirm.appendChild(confirmText);
    confirm.appendChild(confirmButtons);

    var status = document.createElement('div');
    status.className = 'nv-status';
    status.setAttribute('role', 'status');
    status.hidden = true;

    // Web Chat goes in here; the group's name tells screen reader users where they are.
    var chat = document.createElement('div');
    chat.className = 'nv-chat';
    chat.setAttribute('role', 'group');
    if (t('chatRegion')) chat.setAttribute('aria-label', t('chatRegion'));

    var footer = document.createElement('div');
    footer.className = 'nv-footer';
    footer.appendChild(link(base + '/integritet', t('privacyLink')));
    footer.appendChild(link(base + '/tillganglighet', t('accessibilityLink')));

    panel.appendChild(header);
    panel.appendChild(confirm);
    panel.appendChild(status);
    panel.appendChild(chat);
    panel.appendChild(footer);

    // Said after "Avsluta", when the panel itself is already hidden.
    var announce = document.createElement('div');
    announce.className = 'nv-visually-hidden';
    announce.setAttribute('role', 'status');

    root.appendChild(panel);
    root.appendChild(launcher);
    root.appendChild(announce);

    els = { root: root, launcher: launcher, panel: panel, title: title, end: end, close: close, confirm: confirm, confirmYes: confirmYes, confirmNo: confirmNo, status: status, chat: chat, announce: announce };

    launcher.addEventListener('click', function () { openPanel(); });
    close.addEventListener('click', function () { closePanel(); });
    end.addEventListener('click', function () {
      if (els.confirm.hidden) showConfirm();
      else hideConfirm(true);
    });
    confirmYes.addEventListener('click', endConversation);
    confirmNo.addEventListener('click', function () { hideConfirm(true); });
    panel.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' && event.key !== 'Esc') return;
      if (event.defaultPrevented) return; // Web Chat used it (for example to leave a card)
      event.preventDefault();
      if (!els.confirm.hidden && els.confirm.contains(document.activeElement)) hideConfirm(true);
      else closePanel();
    });
    window.addEventListener('pagehide', syncSession);
    setInterval(syncSession, 60000);

    document.body.appendChild(root);

    if (readJson(OPEN_KEY)) {
      var active = document.activeElement;
      openPanel({ focus: !active || active === document.body });
    }
  }

  function start() {
    Promise.all([loadStrings(0, config.lang), loadCss()])
      .then(function (results) {
        strings = results[0];
        build();
      })
      .catch(function (err) {
        if (window.console) console.warn('[nv-widget] could not start:', err && err.message);
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
