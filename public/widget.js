/*
 * The intake chat widget for "god och nära vård". A municipality adds it with one tag:
 *
 *   <script src="https://HOST/widget.js" data-municipality="1780" data-lang="sv"
 *           data-accent="#0b5cad" data-position="right" async></script>
 *
 * It adds widget.css and a launcher button. On a tap it does two things at once: it starts the
 * conversation itself (one Direct Line request, which also brings the greeting) and shows the first
 * messages and buttons in a light panel of its own, and it loads Web Chat from the same server
 * (HOST/webchat/webchat.js?v=<build>). When Web Chat is ready it takes over the same conversation
 * (same token, from the light panel's watermark, with the messages shown so far), and the light
 * panel gives way; whatever the person answered or typed meanwhile is kept. See docs/widget.md.
 * Every text comes from HOST/widget/strings?lang=… (locales/<lang>/widget.yaml); this file has none
 * of its own. The conversation is kept in sessionStorage, so a reload re-opens the same conversation.
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
  // A language folder under locales/, such as "sv" or "sv-lattlast".
  var LANG_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;
  var data = script.dataset || {};
  var config = {
    municipality: /^\d{4}$/.test(data.municipality || '') ? data.municipality : '',
    // A language folder under locales/, such as "sv" (a missing one falls back to the server's default).
    lang: LANG_TAG.test((data.lang || '').toLowerCase()) ? data.lang.toLowerCase() : 'sv',
    accent: (data.accent || '').trim() || '#0b5cad',
    position: data.position === 'left' ? 'left' : 'right'
  };

  var STORAGE_KEY = 'nv-intake:' + base;
  var OPEN_KEY = 'nv-intake-open:' + base;
  var SEND_BOX = '[data-id="webchat-sendbox-input"], .webchat__send-box-text-box__input';
  // The server (src/http/web.ts) adds the build's ?v= to this path, so a new build is fetched at once.
  var WEBCHAT_PATH = '/webchat/webchat.js'; /* nv:webchat-path */
  var CONNECTION = { ONLINE: 2, EXPIRED: 3, FAILED: 4, ENDED: 5 };
  // localStorage: the versioned path of the Web Chat build this browser last ran (see warmWebChat).
  var WEBCHAT_NOTE_KEY = 'nv-intake-webchat:' + base;

  var strings = {};
  var els = {};
  var colors = null;
  var state = {
    open: false,
    session: null, // { conversationId, token, userId, domain, expiresAt, lifetime, started }
    light: null, // the light panel while Web Chat loads (see showLight)
    directLine: null,
    store: null, // Web Chat's store, to hand it what the person typed in the light panel
    webChatHost: null,
    tokenTimer: null,
    subscriptions: [],
    chatPromise: null,
    ending: false,
    generation: 0,
    emergency: null, // the numbers of the last safety alarm ([{ number, href, label }]), offered again on "Avsluta"
    intake: null, // where the interview stands, as the bot said ({ stage: 'sentNow' | 'done', reference }): what "Avsluta" means
    lang: config.lang, // the language of the texts shown (the conversation's, once the bot says it: see noteLanguage)
    webChatProps: null // what Web Chat was drawn with, to draw it again in another language
  };

  window.__nvIntakeWidget = { base: base };

  /** A User Timing mark of a stage of opening (shown in the browser's performance tools and by npm run bench:widget). */
  function mark(name) {
    try {
      if (window.performance && typeof performance.mark === 'function') performance.mark('nv:' + name);
    } catch (e) {
      /* no User Timing */
    }
  }

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

  /** Web Chat, as our build exposes it (createStore too: the light panel hands over what was typed). */
  function webChatLoaded() {
    var w = window.WebChat;
    return Boolean(w && typeof w.renderWebChat === 'function' && typeof w.createDirectLine === 'function' && typeof w.createStore === 'function');
  }

  var webChatPromise = null;
  function loadWebChat() {
    if (webChatLoaded()) return Promise.resolve(window.WebChat);
    if (!webChatPromise) {
      webChatPromise = new Promise(function (resolve, reject) {
        mark('webchat-run');
        var s = document.createElement('script');
        s.src = base + WEBCHAT_PATH;
        s.async = true;
        // Anonymous, like the widget's Direct Line requests, so both share one connection.
        s.crossOrigin = 'anonymous';
        s.setAttribute('data-nv-webchat', '');
        s.onload = function () {
          mark('webchat-loaded');
          if (webChatLoaded()) {
            noteWebChatBuild();
            resolve(window.WebChat);
          } else reject(new Error('Web Chat did not load'));
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

  /** Remembers that this browser has run this build (so its HTTP cache most likely holds it). */
  function noteWebChatBuild() {
    if (WEBCHAT_PATH.indexOf('?v=') < 0) return; // unversioned: cached for minutes only
    try {
      window.localStorage.setItem(WEBCHAT_NOTE_KEY, WEBCHAT_PATH);
    } catch (e) {
      /* no localStorage: every visit is a first one */
    }
  }

  /**
   * A repeat visit: when this browser has run this very build before (noted in localStorage by its
   * versioned path), it is in the HTTP cache, so Web Chat is run in idle time after the page has
   * loaded, and a tap on the launcher then only draws it (0.9 s from tap to ready for typing on a
   * repeat visit became about half of that, see docs/widget.md). Not on a first visit or after a new
   * build (that would download 350 KB the person may never use), not with Data Saver on, and not
   * when the chat is already being opened.
   */
  function warmWebChat() {
    var noted = null;
    try {
      noted = window.localStorage.getItem(WEBCHAT_NOTE_KEY);
    } catch (e) {
      return;
    }
    if (noted !== WEBCHAT_PATH || WEBCHAT_PATH.indexOf('?v=') < 0) return;
    if (navigator.connection && navigator.connection.saveData) return;
    var idle = function (fn) {
      if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(fn, { timeout: 2000 });
      else setTimeout(fn, 200);
    };
    var run = function () {
      // Once the chat is being opened, Web Chat runs after the greeting is on screen (ensureChat).
      if (webChatLoaded() || webChatPromise || state.chatPromise) return;
      loadWebChat().then(
        function (WebChat) { idle(function () { rehearseWebChat(WebChat); }); },
        function () { /* tried again when the chat opens */ }
      );
    };
    var whenIdle = function () { idle(run); };
    if (document.readyState === 'complete') whenIdle();
    else window.addEventListener('load', whenIdle, { once: true });
  }

  /** A Direct Line that never connects: what Web Chat draws in the rehearsal. */
  var NEVER = { subscribe: function () { return { unsubscribe: function () {} }; } };

  /**
   * Web Chat drawn once, in idle time, into an element that is never on the page, with a Direct Line
   * that never connects, and removed at once: its first drawing (its styles written into the page,
   * its code made hot) is then done before the tap, and the real one, on the conversation, is
   * quicker. Nothing of it is seen, focused or heard. Only on a repeat visit (see warmWebChat).
   */
  function rehearseWebChat(WebChat) {
    if (state.chatPromise || state.directLine) return;
    var host = document.createElement('div');
    try {
      WebChat.renderWebChat(
        {
          directLine: { activity$: NEVER, connectionStatus$: NEVER, postActivity: function () { return NEVER; }, end: function () {} },
          userID: 'rehearsal',
          locale: t('webchatLocale') || config.lang,
          styleOptions: styleOptions()
        },
        host
      );
    } catch (e) {
      /* the real drawing will tell */
    }
    setTimeout(function () {
      try {
        WebChat.unmount(host);
      } catch (e) {
        /* nothing drawn */
      }
    }, 0);
  }

  /**
   * Starts downloading Web Chat without running it: running it keeps the browser busy for a while
   * (a few hundred milliseconds on a phone). False where the browser cannot preload.
   */
  function preloadWebChat() {
    if (webChatLoaded() || webChatPromise || document.querySelector('link[data-nv-webchat-preload]')) return true;
    var l = document.createElement('link');
    if (!(l.relList && typeof l.relList.supports === 'function' && l.relList.supports('preload'))) return false;
    l.rel = 'preload';
    l.as = 'script';
    l.href = base + WEBCHAT_PATH;
    l.crossOrigin = 'anonymous'; // as the script element, so the preloaded copy is the one it uses
    l.setAttribute('data-nv-webchat-preload', '');
    document.head.appendChild(l);
    return true;
  }

  var preconnected = false;
  /**
   * On the first sign that the person is about to open the chat (pointer over or on the launcher,
   * keyboard focus on it): a connection to this service, so the tap does not wait for one. The page's
   * own connection from loading the widget has usually been closed by then.
   */
  function preconnect() {
    if (preconnected) return;
    preconnected = true;
    try {
      var origin = new URL(base, window.location.href).origin;
      if (origin === window.location.origin) return;
      var l = document.createElement('link');
      l.rel = 'preconnect';
      l.href = origin;
      l.crossOrigin = 'anonymous';
      document.head.appendChild(l);
    } catch (e) {
      /* an old browser without URL: no head start */
    }
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

  /**
   * A new conversation. Our own Direct Line starts it at once and answers with its first activities
   * (`start: true`); any other (Azure's) ignores that, and the conversation is started with a
   * request of its own. Resolves with { session, first: { activities, watermark } | null }.
   */
  function generateSession() {
    // The bot's language is the locale folder itself ("sv-lattlast" is not a browser locale);
    // Web Chat's own texts use webchatLocale.
    var body = { locale: config.lang || t('webchatLocale'), start: true };
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
        var first = Array.isArray(j.activities) ? { activities: j.activities, watermark: j.watermark == null ? '' : String(j.watermark) } : null;
        return {
          session: {
            conversationId: j.conversationId,
            token: j.token,
            userId: j.userId,
            domain: String(j.domain || base + '/v3/directline').replace(/\/+$/, ''),
            expiresAt: Date.now() + lifetime(j) * 1000,
            lifetime: lifetime(j),
            started: Boolean(first)
          },
          first: first
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

  /* ---------- Direct Line from the widget itself, before Web Chat has loaded ---------- */

  function directLineCall(session, method, path, body) {
    var headers = { Authorization: 'Bearer ' + session.token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(session.domain + path, {
      method: method,
      credentials: 'omit',
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (res) {
      if (!res.ok) throw httpError(res);
      return res.status === 204 ? {} : res.json();
    });
  }

  function conversationPath(session) {
    return '/conversations/' + encodeURIComponent(session.conversationId);
  }

  /** The activities after a watermark ('' for all): { activities, watermark }. */
  function activitiesAfter(session, watermark) {
    return directLineCall(session, 'GET', conversationPath(session) + '/activities?watermark=' + encodeURIComponent(watermark || '')).then(function (j) {
      return {
        activities: j && Array.isArray(j.activities) ? j.activities : [],
        watermark: j && j.watermark != null ? String(j.watermark) : watermark || ''
      };
    });
  }

  /** Starts the session's conversation (the bot greets) and reads what was said. */
  function startAndRead(session) {
    return directLineCall(session, 'POST', '/conversations').then(function () {
      session.started = true;
      return activitiesAfter(session, '');
    });
  }

  function postToConversation(session, activity) {
    return directLineCall(session, 'POST', conversationPath(session) + '/activities', activity);
  }

  /**
   * The conversation to show: the stored one if it can still be used (with everything said so far),
   * else a new one. Resolves with { session, activities, watermark }.
   */
  function obtainConversation() {
    var shown = function (session) {
      return function (page) {
        return { session: session, activities: page.activities, watermark: page.watermark };
      };
    };
    var fresh = function () {
      return generateSession().then(function (g) {
        return g.first ? shown(g.session)(g.first) : startAndRead(g.session).then(shown(g.session));
      });
    };
    var stored = readJson(STORAGE_KEY);
    // An expired token cannot be refreshed: start anew without asking.
    if (validSession(stored) && stored.expiresAt && stored.expiresAt < Date.now()) {
      writeJson(STORAGE_KEY, null);
      stored = null;
    }
    if (!validSession(stored)) return fresh();
    return refreshSession(stored).then(
      function (s) {
        return (s.started ? activitiesAfter(s, '') : startAndRead(s)).then(shown(s));
      },
      function (err) {
        // 401/403: the token has expired; 404: the conversation is gone. Anything else is a
        // connection problem: keep the stored conversation so that the retry button can resume it.
        if (err && (err.status === 401 || err.status === 403 || err.status === 404)) {
          writeJson(STORAGE_KEY, null);
          return fresh();
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

  /* ---------- the light panel: the first messages at once, while Web Chat loads ---------- */

  var ICON_SEND = 'M3 20.5 21.5 12 3 3.5V10l12 2-12 2z';

  function setStage(stage) {
    if (stage) els.panel.setAttribute('data-nv-stage', stage);
    else els.panel.removeAttribute('data-nv-stage');
  }

  /** True when focus is nowhere in particular: on the panel's heading, the panel itself or the page. */
  function focusIsIdle() {
    var active = document.activeElement;
    return !active || active === document.body || active === els.title || active === els.panel;
  }

  function buildLight() {
    var root = document.createElement('div');
    root.className = 'nv-light';

    // The messages; a log is a polite live region, so each new one is read out once.
    var log = document.createElement('div');
    log.className = 'nv-light__log';
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.tabIndex = 0; // it scrolls: keyboard users can scroll it too

    var actions = document.createElement('div');
    actions.className = 'nv-light__actions';
    actions.setAttribute('role', 'group');
    actions.hidden = true;

    var form = document.createElement('form');
    form.className = 'nv-light__sendbox';
    form.setAttribute('novalidate', '');
    var input = document.createElement('textarea');
    input.className = 'nv-light__input';
    input.rows = 1;
    var send = button('nv-light__send');
    send.type = 'submit';
    send.appendChild(svg(ICON_SEND));
    form.appendChild(input);
    form.appendChild(send);

    root.appendChild(log);
    root.appendChild(actions);
    root.appendChild(form);

    var light = { root: root, log: log, actions: actions, input: input, send: send, activities: [], ids: {}, pending: {}, watermark: '', busy: 0, feed: null };
    labelLight(light);

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = input.value;
      if (!text.trim()) return;
      input.value = '';
      fitInput(input);
      lightSend(light, { type: 'message', text: text }, text, function () {
        // Not sent: the text goes back where it was written, unless something new is there.
        if (!input.value) input.value = text;
        fitInput(input);
      });
    });
    // Enter sends, Shift+Enter starts a new line: as in Web Chat's send box.
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (typeof form.requestSubmit === 'function') form.requestSubmit();
        else form.dispatchEvent(new Event('submit', { cancelable: true }));
      }
    });
    input.addEventListener('input', function () { fitInput(input); });
    return light;
  }

  /** The send box grows with what is written, up to a few lines (then it scrolls). */
  function fitInput(input) {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 160) + 'px';
  }

  function fromPerson(activity) {
    var from = activity && activity.from;
    return Boolean(from && state.session && (from.id === state.session.userId || from.role === 'user'));
  }

  /** What an activity says in words: its text, and for a card its fallback text (Web Chat draws the card). */
  function wordsOf(activity) {
    var parts = [];
    if (typeof activity.text === 'string' && activity.text.trim()) parts.push(activity.text);
    (activity.attachments || []).forEach(function (attachment) {
      var content = attachment && attachment.content;
      var words = content && (content.fallbackText || content.speak || content.text || content.title);
      if (typeof words === 'string' && words.trim()) parts.push(words);
    });
    return parts.join('\n\n');
  }

  function lightMessage(words, mine, markdown) {
    var el = document.createElement('div');
    el.className = 'nv-light__msg nv-light__msg--' + (mine ? 'user' : 'bot');
    var who = document.createElement('span');
    who.className = 'nv-visually-hidden';
    who.textContent = t(mine ? 'lightYouSaid' : 'lightBotSaid') + ' ';
    var text = document.createElement('p');
    text.className = 'nv-light__text';
    if (markdown) appendMarkdown(text, words);
    else text.textContent = words;
    el.appendChild(who);
    el.appendChild(text);
    return el;
  }

  var TEL_LINK = /\[([^\]]+)\]\((tel:[+\d]+)\)/g;

  /** Markdown's backslash escapes removed: the text as it is shown. */
  function unescapeMarkdown(text) {
    return text.replace(/\\([\\`*_[\]<>#|])/g, '$1');
  }

  /**
   * The little markdown the assistant sends (the emergency numbers, see src/bot/render.ts): lines,
   * "- " list items and [number](tel:…) links, the only links it makes. Everything else is text.
   */
  function appendMarkdown(parent, words) {
    words.split('\n').forEach(function (line, i) {
      if (i > 0) parent.appendChild(document.createElement('br'));
      var item = /^- /.test(line);
      if (item) parent.appendChild(document.createTextNode('• '));
      var rest = item ? line.slice(2) : line;
      var at = 0;
      rest.replace(TEL_LINK, function (whole, label, href, offset) {
        parent.appendChild(document.createTextNode(unescapeMarkdown(rest.slice(at, offset))));
        var a = document.createElement('a');
        a.href = href;
        a.className = 'nv-link';
        a.textContent = unescapeMarkdown(label);
        parent.appendChild(a);
        at = offset + whole.length;
        return whole;
      });
      parent.appendChild(document.createTextNode(unescapeMarkdown(rest.slice(at))));
    });
  }

  /**
   * Keeps where the interview stands, from the bot's own word on its last message of a turn
   * (channelData.intakeState): an urgent case sent during the interview, or the case sent at the end.
   * "Avsluta" then says what ending means, truthfully.
   */
  function noteIntake(activity) {
    noteLanguage(activity);
    var intake = activity && activity.channelData && activity.channelData.intakeState;
    if (!intake || (intake.stage !== 'sentNow' && intake.stage !== 'done')) return;
    state.intake = { stage: intake.stage, reference: typeof intake.reference === 'string' ? intake.reference : '' };
  }

  /**
   * The conversation's language, from the bot's word on its last message of a turn
   * (channelData.intakeLanguage): after "english please" the widget's own texts and Web Chat's send
   * box change language too. One switch at a time; the newest word wins.
   */
  function noteLanguage(activity) {
    var lang = activity && activity.channelData && activity.channelData.intakeLanguage;
    if (typeof lang !== 'string' || !LANG_TAG.test(lang) || lang === state.wantedLang || (!state.wantedLang && lang === state.lang)) return;
    state.wantedLang = lang;
    loadStrings(0, lang)
      .then(function (loaded) {
        if (state.wantedLang !== lang) return;
        strings = loaded;
        state.lang = lang;
        relabel();
      })
      .catch(function () {
        /* the texts stay in the language they are in */
      });
  }

  /** The light panel's texts, from the current strings (when it is built, and after a change of language). */
  function labelLight(light) {
    light.input.placeholder = t('lightInputPlaceholder');
    light.input.setAttribute('aria-label', t('lightInputLabel'));
    if (t('lightLog')) light.log.setAttribute('aria-label', t('lightLog'));
    if (t('lightActions')) light.actions.setAttribute('aria-label', t('lightActions'));
    light.send.setAttribute('aria-label', t('lightSend'));
  }

  /**
   * Every text of the widget's own, and Web Chat's language, from the current strings: when the
   * widget is built, and again after a change of language.
   */
  function relabel() {
    var lang = t('htmlLang') || state.lang;
    els.root.setAttribute('lang', lang);
    els.panel.setAttribute('lang', lang);
    els.launcherText.textContent = t('launcher');
    els.title.textContent = t('title');
    els.subtitle.textContent = t('subtitle');
    els.end.textContent = t('end');
    els.closeText.textContent = t('close');
    // The accessible name starts with the visible text (WCAG 2.5.3) and says the conversation stays.
    if (t('closeLabel')) els.close.setAttribute('aria-label', t('closeLabel'));
    els.confirmText.textContent = endConfirmText();
    els.confirmYes.textContent = t('endConfirmYes');
    els.confirmNo.textContent = t('endConfirmNo');
    if (t('chatRegion')) els.chat.setAttribute('aria-label', t('chatRegion'));
    [[els.privacy, 'privacyLink'], [els.accessibility, 'accessibilityLink']].forEach(function (pair) {
      pair[0].firstChild.textContent = t(pair[1]);
      var hint = pair[0].querySelector('.nv-visually-hidden');
      if (hint) hint.textContent = ' ' + t('newTab');
    });
    if (state.light) labelLight(state.light);
    var WebChat = window.WebChat;
    if (state.webChatProps && state.webChatHost && WebChat) {
      state.webChatProps.locale = t('webchatLocale') || state.lang;
      WebChat.renderWebChat(state.webChatProps, state.webChatHost);
    }
  }

  /** "Avsluta"'s question: answers are erased, or an urgent case stays with its recipient, or the case is already sent. */
  function endConfirmText() {
    var intake = state.intake;
    var key = !intake ? 'endConfirmText' : intake.stage === 'done' ? 'endConfirmTextDone' : 'endConfirmTextSentNow';
    return (t(key) || t('endConfirmText')).replace(/\{\{\s*reference\s*\}\}/g, intake ? intake.reference : '');
  }

  /** Keeps the numbers of a safety alarm (an urgent message with tel: links) to offer them again on "Avsluta". */
  function noteEmergency(activity) {
    if (!activity || activity.importance !== 'urgent' || typeof activity.text !== 'string') return;
    var numbers = [];
    activity.text.split('\n').forEach(function (line) {
      var m = /^- \[([^\]]+)\]\((tel:[+\d]+)\): (.*)$/.exec(line);
      if (m) numbers.push({ number: unescapeMarkdown(m[1]), href: m[2], label: unescapeMarkdown(m[3]) });
    });
    if (numbers.length) state.emergency = numbers;
  }

  function scrollLightToEnd(light) {
    light.log.scrollTop = light.log.scrollHeight;
  }

  /** Adds what the server said (new activities only); messages the person sent are already shown. */
  function receiveLight(light, activities, watermark) {
    activities.forEach(function (activity) {
      if (!activity || !activity.id || light.ids[activity.id]) return;
      light.ids[activity.id] = true;
      light.activities.push(activity);
      if (light.feed) light.feed.push(activity);
      if (activity.type !== 'message') return;
      var clientId = activity.channelData && activity.channelData.clientActivityID;
      if (clientId && light.pending[clientId]) {
        light.pending[clientId].classList.remove('nv-light__msg--sending');
        light.pending[clientId].setAttribute('data-nv-at', activity.timestamp || '');
        delete light.pending[clientId];
        return;
      }
      noteEmergency(activity);
      noteIntake(activity);
      var words = wordsOf(activity);
      if (!words) return;
      var el = lightMessage(words, fromPerson(activity), activity.textFormat === 'markdown');
      el.setAttribute('data-nv-at', activity.timestamp || '');
      light.log.appendChild(el);
    });
    if (watermark) light.watermark = watermark;
    markGroupEnds(light);
    renderLightActions(light);
    scrollLightToEnd(light);
  }

  /**
   * "Just nu" under the last message of each run from one side, as Web Chat shows it, so that
   * nothing moves when Web Chat takes over. Only for messages of the last minute: Web Chat says how
   * long ago older ones were, which the light panel does not try to.
   */
  function markGroupEnds(light) {
    var messages = Array.prototype.slice.call(light.log.querySelectorAll('.nv-light__msg'));
    messages.forEach(function (el, i) {
      var next = messages[i + 1];
      var ends = !next || next.classList.contains('nv-light__msg--user') !== el.classList.contains('nv-light__msg--user');
      var status = el.querySelector('.nv-light__status');
      var at = Date.parse(el.getAttribute('data-nv-at') || '');
      var recent = !el.classList.contains('nv-light__msg--sending') && (isNaN(at) || Date.now() - at < 60000);
      if (ends && recent && t('lightJustNow')) {
        if (!status) {
          status = document.createElement('span');
          status.className = 'nv-light__status';
          status.setAttribute('aria-hidden', 'true'); // for the eye: the log reads out each message once
          status.textContent = t('lightJustNow');
          el.appendChild(status);
        }
      } else if (status) {
        el.removeChild(status);
      }
    });
  }

  /** The buttons of the last message, if the assistant sent it (as Web Chat shows suggested actions). */
  function renderLightActions(light) {
    var box = light.actions;
    box.textContent = '';
    var messages = light.activities.filter(function (a) { return a.type === 'message'; });
    var last = messages[messages.length - 1];
    var actions = last && !fromPerson(last) && last.suggestedActions && Array.isArray(last.suggestedActions.actions) ? last.suggestedActions.actions : [];
    if (light.busy > 0) actions = [];
    actions.forEach(function (action) {
      if (!action || typeof action.title !== 'string') return;
      var b = button('nv-light__action', action.title);
      b.addEventListener('click', function () {
        var text = action.type === 'imBack' || typeof action.value !== 'object' ? String(action.value == null ? action.title : action.value) : action.title;
        var activity = { type: 'message', text: action.type === 'postBack' ? undefined : text };
        if (action.type !== 'imBack' && action.value !== undefined) activity.value = action.value;
        lightSend(light, activity, action.type === 'postBack' ? '' : (action.displayText || text), null);
        // Web Chat does the same: after an answer, the send box is where the next one is written.
        light.input.focus();
      });
      box.appendChild(b);
    });
    box.hidden = box.childNodes.length === 0;
  }

  /**
   * Sends the person's answer from the light panel: shown at once (as "sending"), posted to the
   * conversation, and the assistant's reply read back (our Direct Line answers a post once the bot
   * has replied). On failure the answer comes back (`restore`) and the panel says so: nothing lost.
   */
  function lightSend(light, activity, shownText, restore) {
    var session = state.session;
    if (!session) return;
    var clientId = 'nv-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
    var body = {
      type: activity.type,
      text: activity.text,
      textFormat: 'plain',
      locale: t('webchatLocale') || config.lang,
      from: { id: session.userId, role: 'user' },
      channelData: { clientActivityID: clientId }
    };
    if (activity.value !== undefined) body.value = activity.value;
    var shown = null;
    if (shownText) {
      shown = lightMessage(shownText, true);
      shown.classList.add('nv-light__msg--sending');
      light.pending[clientId] = shown;
      light.log.appendChild(shown);
    }
    light.busy++;
    markGroupEnds(light);
    renderLightActions(light);
    scrollLightToEnd(light);
    postToConversation(session, body)
      .then(function () { return activitiesAfter(session, light.watermark); })
      .then(
        function (page) {
          light.busy--;
          receiveLight(light, page.activities, page.watermark);
        },
        function () {
          light.busy--;
          if (shown && shown.parentNode) shown.parentNode.removeChild(shown);
          delete light.pending[clientId];
          markGroupEnds(light);
          renderLightActions(light);
          if (restore) restore();
          if (state.light === light) showError(t('lightSendFailed'), null);
        }
      );
  }

  /** The light panel with what the conversation has said so far. */
  function showLight(first) {
    var light = buildLight();
    state.light = light;
    els.chat.appendChild(light.root);
    receiveLight(light, first.activities, first.watermark);
    setStage('light');
    if (state.open && focusIsIdle()) light.input.focus();
    return light;
  }

  /* ---------- the hand-over to Web Chat ---------- */

  /**
   * Makes Direct Line's activity stream begin with the activities the light panel has shown: Web
   * Chat shows them at once, without asking the server again, while Direct Line itself goes on after
   * the light panel's watermark. Activities the light panel receives meanwhile are passed on too.
   * Web Chat keeps one activity per id, so nothing is shown twice.
   */
  function feedEarlier(directLine, earlier) {
    var live = directLine.activity$;
    var sent = earlier.slice();
    var observers = [];
    directLine.activity$ = {
      subscribe: function (observerOrNext, onError, onComplete) {
        var observer = typeof observerOrNext === 'function' ? { next: observerOrNext, error: onError, complete: onComplete } : observerOrNext || {};
        observers.push(observer);
        sent.forEach(function (activity) {
          if (observer.next) observer.next(activity);
        });
        var subscription = live.subscribe(observer);
        return {
          unsubscribe: function () {
            observers = observers.filter(function (o) { return o !== observer; });
            subscription.unsubscribe();
          }
        };
      }
    };
    return {
      push: function (activity) {
        sent.push(activity);
        observers.slice().forEach(function (o) {
          if (o.next) o.next(activity);
        });
      }
    };
  }

  /**
   * Resolves once the browser has drawn what was just put on the page and the panel has faded in
   * (its opening animation, 0.18 s, none with reduced motion): what runs next may keep the browser
   * busy, and the greeting is to be readable first.
   */
  function afterPaint() {
    return new Promise(function (resolve) {
      var panel = els.panel;
      var running = typeof panel.getAnimations === 'function' ? panel.getAnimations() : [];
      var faded = running.length ? Promise.all(running.map(function (a) { return a.finished.catch(function () {}); })) : Promise.resolve();
      var atMost = new Promise(function (done) { setTimeout(done, 500); }); // a paused animation never finishes
      Promise.race([faded, atMost]).then(function () {
        nextFrame(function () { setTimeout(resolve, 0); });
      });
    });
  }

  function nextFrame(fn) {
    var done = false;
    var once = function () {
      if (done) return;
      done = true;
      fn();
    };
    if (typeof window.requestAnimationFrame === 'function') window.requestAnimationFrame(once);
    setTimeout(once, 100); // a hidden tab draws no frames
  }

  /**
   * Starts Web Chat, hidden, on the light panel's conversation and waits until it is ready: connected,
   * showing every activity the light panel has, its send box drawn, and no answer of the light panel
   * still on its way. Then it takes the light panel's place (see swapToWebChat).
   */
  function handOver(WebChat, generation) {
    var light = state.light;
    var session = state.session;
    if (!light || !session) return Promise.resolve();
    var seen = {};
    var connected = false;
    // Web Chat's store, watched for the activities it has taken in and for its connection.
    var store = WebChat.createStore({}, function () {
      return function (next) {
        return function (action) {
          var activity = action && action.payload && action.payload.activity;
          if (action && action.type === 'DIRECT_LINE/INCOMING_ACTIVITY' && activity && activity.id) {
            seen[activity.id] = true;
            noteEmergency(activity);
            noteIntake(activity);
          }
          if (action && action.type === 'DIRECT_LINE/CONNECT_FULFILLED') connected = true;
          return next(action);
        };
      };
    });
    var directLine = WebChat.createDirectLine({
      token: session.token,
      domain: session.domain,
      webSocket: false,
      conversationId: session.conversationId,
      watermark: light.watermark,
      // With a stream URL Direct Line takes the conversation as open (the light panel has just
      // opened it) and polls at once instead of asking the server first; polling never uses the URL.
      // It then leaves the token to us: see keepTokenFresh.
      streamUrl: session.domain + conversationPath(session) + '/stream'
    });
    light.feed = feedEarlier(directLine, light.activities);
    state.directLine = directLine;
    state.store = store;
    keepTokenFresh(directLine);

    subscribe(directLine.connectionStatus$, function (status) {
      if (status === CONNECTION.ONLINE) {
        if (!state.session) return;
        state.session.started = true;
        syncSession();
        saveSession();
      } else if (status === CONNECTION.FAILED || status === CONNECTION.EXPIRED) {
        if (!state.ending) showError(t('connectError'), retryChat);
      }
    });

    // Drawn out of sight and out of reach (screen readers and Tab too) until it takes over.
    var host = document.createElement('div');
    host.className = 'nv-webchat nv-webchat--pending';
    host.setAttribute('aria-hidden', 'true');
    host.inert = true;
    els.chat.appendChild(host);
    state.webChatHost = host;
    state.webChatProps = {
      directLine: directLine,
      store: store,
      userID: session.userId,
      locale: t('webchatLocale') || config.lang,
      styleOptions: styleOptions()
    };
    WebChat.renderWebChat(state.webChatProps, host);
    mark('webchat-rendered');

    return new Promise(function (resolve) {
      var check = function () {
        if (generation !== state.generation || state.light !== light) return resolve();
        // Messages are what the person sees; other activities (events) need not be waited for.
        var shown = light.activities.every(function (a) { return a.type !== 'message' || seen[a.id]; });
        if (connected && shown && light.busy === 0 && host.querySelector(SEND_BOX)) {
          swapToWebChat(light, host);
          return resolve();
        }
        nextFrame(check);
      };
      check();
    });
  }

  /**
   * A fresh token halfway through each token's life, as Direct Line does itself when it opens a
   * conversation (here the light panel opened it). A refusal (the conversation has ended or was
   * erased) is said, with a way to start again; a network error waits for the next turn.
   */
  function keepTokenFresh(directLine) {
    clearInterval(state.tokenTimer);
    var seconds = Math.max(60, ((state.session && state.session.lifetime) || 1800) / 2);
    state.tokenTimer = setInterval(function () {
      var session = state.session;
      if (state.directLine !== directLine || !session) return;
      refreshSession(session).then(
        function (fresh) {
          if (state.directLine !== directLine) return;
          state.session = fresh;
          saveSession();
          directLine.reconnect({ conversationId: fresh.conversationId, token: fresh.token, streamUrl: directLine.streamUrl });
        },
        function (err) {
          if (state.directLine === directLine && err && (err.status === 401 || err.status === 403 || err.status === 404)) {
            showError(t('connectError'), retryChat);
          }
        }
      );
    }, seconds * 1000);
  }

  /**
   * Web Chat takes the light panel's place in one step (no frame shows both or neither, and nothing
   * moves): a half-written answer moves into Web Chat's send box, and focus with it when it was in
   * the light panel.
   */
  function swapToWebChat(light, host) {
    var focusHere = light.root.contains(document.activeElement) || focusIsIdle();
    var draft = light.input.value;
    if (draft && state.store) state.store.dispatch({ type: 'WEB_CHAT/SET_SEND_BOX', payload: { text: draft } });
    host.classList.remove('nv-webchat--pending');
    host.removeAttribute('aria-hidden');
    host.inert = false;
    light.feed = null;
    state.light = null;
    if (light.root.parentNode) light.root.parentNode.removeChild(light.root);
    setStage('webchat');
    mark('webchat-ready');
    if (!state.open || !focusHere) return;
    var input = sendBox();
    if (!input) return;
    input.focus();
    try {
      input.setSelectionRange(input.value.length, input.value.length);
    } catch (e) {
      /* not a text field */
    }
  }

  function ensureChat() {
    if (state.chatPromise) return state.chatPromise;
    var generation = ++state.generation;
    mark('open');
    setStage('loading');
    showStatus(t('loading'));
    // Both at once: Web Chat downloads while the conversation starts and its greeting is shown. It
    // runs only once the greeting is on screen, also when it is here sooner (from the browser's
    // cache): on a slow phone running it takes a second, and the greeting is not to wait for that
    // (the light panel takes answers meanwhile). Where the browser cannot preload, it runs as soon
    // as it has arrived.
    var running = null;
    if (!preloadWebChat()) {
      running = loadWebChat();
      running.catch(function () { /* said once the conversation is shown */ });
    }
    state.chatPromise = obtainConversation().then(
      function (first) {
        if (generation !== state.generation) return;
        mark('conversation');
        state.session = first.session;
        saveSession();
        clearStatus();
        showLight(first);
        mark('light-panel');
        return (running || afterPaint().then(loadWebChat)).then(
          function (WebChat) {
            if (generation === state.generation) return handOver(WebChat, generation);
          },
          function () {
            // The light panel goes on working; Web Chat can be fetched again.
            if (generation === state.generation) showError(t('connectError'), retryWebChat);
          }
        );
      },
      function () {
        if (generation !== state.generation) return;
        state.chatPromise = null;
        setStage(null);
        showError(t('connectError'), retryChat);
      }
    );
    return state.chatPromise;
  }

  /** Web Chat could not be fetched; the light panel is still there, so only Web Chat is tried again. */
  function retryWebChat() {
    var generation = state.generation;
    clearStatus();
    loadWebChat().then(
      function (WebChat) {
        if (generation === state.generation && state.light && !state.directLine) return handOver(WebChat, generation);
      },
      function () {
        if (generation === state.generation) showError(t('connectError'), retryWebChat);
      }
    );
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
    if (state.webChatHost && window.WebChat && typeof window.WebChat.unmount === 'function') {
      try { window.WebChat.unmount(state.webChatHost); } catch (e) { /* already gone */ }
    }
    clearInterval(state.tokenTimer);
    state.tokenTimer = null;
    state.directLine = null;
    state.store = null;
    state.webChatHost = null;
    state.light = null;
    state.chatPromise = null;
    setStage(null);
    // A fresh container: the old light panel and Web Chat tree are dropped with their element.
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

  /** Where the person writes: the light panel's box until Web Chat has taken over, then Web Chat's. */
  function sendBox() {
    if (state.light) return state.light.input;
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
    els.confirmText.textContent = endConfirmText();
    renderConfirmHelp();
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

  /** After a safety alarm, the numbers once more where the person chooses to end (tappable). */
  function renderConfirmHelp() {
    var box = els.confirmHelp;
    box.textContent = '';
    box.hidden = !state.emergency;
    if (!state.emergency) return;
    var intro = document.createElement('p');
    intro.className = 'nv-confirm__text';
    intro.textContent = t('endHelp');
    var list = document.createElement('ul');
    list.className = 'nv-confirm__numbers';
    state.emergency.forEach(function (n) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = n.href;
      a.className = 'nv-link';
      a.textContent = n.number;
      li.appendChild(a);
      li.appendChild(document.createTextNode(': ' + n.label));
      list.appendChild(li);
    });
    box.appendChild(intro);
    box.appendChild(list);
  }

  /** Tells the server the conversation ends: through Web Chat once it has taken over, else directly. */
  function postEnd(session) {
    var activity = { type: 'endOfConversation', from: { id: session.userId, role: 'user' } };
    var dl = state.directLine;
    if (state.light || !dl) return postToConversation(session, activity);
    return new Promise(function (resolve, reject) {
      dl.postActivity(activity).subscribe(resolve, reject);
    });
  }

  function endConversation() {
    if (state.ending) return;
    var session = state.session;
    var finish = function () {
      state.ending = false;
      // A new conversation has sent nothing yet.
      state.intake = null;
      teardownChat();
      state.session = null;
      writeJson(STORAGE_KEY, null);
      clearStatus();
      closePanel();
      els.announce.textContent = t('ended');
      setTimeout(function () { els.announce.textContent = ''; }, 8000);
    };
    hideConfirm(false);
    if (!session || !session.started) {
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
    var ended;
    try {
      ended = postEnd(session);
    } catch (e) {
      ended = Promise.reject(e);
    }
    ended.then(
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

  /** A footer link that opens in a new tab; its text (and the hint saying so) is set by relabel(). */
  function link(href) {
    var a = document.createElement('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    a.className = 'nv-link';
    a.appendChild(document.createTextNode(''));
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

    var root = document.createElement('div');
    root.className = 'nv-root nv-root--' + config.position;
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
    launcher.appendChild(launcherText);

    var panel = document.createElement('div');
    panel.id = 'nv-panel';
    panel.className = 'nv-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'nv-title');
    panel.setAttribute('aria-describedby', 'nv-subtitle');
    panel.hidden = true;

    var header = document.createElement('div');
    header.className = 'nv-header';
    var title = document.createElement('h2');
    title.id = 'nv-title';
    title.className = 'nv-title';
    title.tabIndex = -1;
    var subtitle = document.createElement('p');
    subtitle.id = 'nv-subtitle';
    subtitle.className = 'nv-subtitle';

    var actions = document.createElement('div');
    actions.className = 'nv-header__actions';
    var end = button('nv-btn nv-btn--end');
    end.setAttribute('aria-expanded', 'false');
    end.setAttribute('aria-controls', 'nv-confirm');
    var close = button('nv-btn nv-btn--close');
    close.appendChild(svg(ICON_MINIMISE));
    var closeText = document.createElement('span');
    closeText.className = 'nv-btn__text';
    close.appendChild(closeText);
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
    var confirmButtons = document.createElement('div');
    confirmButtons.className = 'nv-confirm__buttons';
    var confirmYes = button('nv-btn nv-btn--danger');
    var confirmNo = button('nv-btn nv-btn--secondary');
    confirmButtons.appendChild(confirmYes);
    confirmButtons.appendChild(confirmNo);
    var confirmHelp = document.createElement('div');
    confirmHelp.className = 'nv-confirm__help';
    confirmHelp.hidden = true;
    confirm.appendChild(confirmText);
    confirm.appendChild(confirmHelp);
    confirm.appendChild(confirmButtons);

    var status = document.createElement('div');
    status.className = 'nv-status';
    status.setAttribute('role', 'status');
    status.hidden = true;

    // Web Chat goes in here; the group's name tells screen reader users where they are.
    var chat = document.createElement('div');
    chat.className = 'nv-chat';
    chat.setAttribute('role', 'group');

    var footer = document.createElement('div');
    footer.className = 'nv-footer';
    var privacy = link(base + '/integritet');
    var accessibility = link(base + '/tillganglighet');
    footer.appendChild(privacy);
    footer.appendChild(accessibility);

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

    els = { root: root, launcher: launcher, launcherText: launcherText, panel: panel, title: title, subtitle: subtitle, closeText: closeText, privacy: privacy, accessibility: accessibility, end: end, close: close, confirm: confirm, confirmText: confirmText, confirmHelp: confirmHelp, confirmYes: confirmYes, confirmNo: confirmNo, status: status, chat: chat, announce: announce };
    relabel();

    launcher.addEventListener('click', function () { openPanel(); });
    ['pointerenter', 'pointerdown', 'focus'].forEach(function (type) {
      launcher.addEventListener(type, preconnect);
    });
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
        warmWebChat();
      })
      .catch(function (err) {
        if (window.console) console.warn('[nv-widget] could not start:', err && err.message);
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
