/*
 * The staff page (served at /staff/): plain JavaScript, no framework, no build step.
 *
 * Views, by the address after # (the e-mails link to /staff/#/cases/<reference>):
 *   #/cases?status=…&urgent=…&municipality=…&from=…&to=…   the case list with its filters
 *   #/cases/NV-2026-000123                                  one case
 *   #/audit                                                 the audit log (administrators)
 *   #/accounts                                              the organisation's staff accounts
 *                                                           (administrators, when local accounts are on)
 * Without a session the sign-in form is shown in place of the view, and the requested view follows
 * once signed in. Every text comes from GET /staff/strings (locales/sv/staff-page.yaml); everything
 * else from the staff API under /staff/api. Residents' words are only ever set as text, never as HTML.
 */
(function () {
  'use strict';

  var API = '/staff/api';
  var REFERENCE = /^NV-\d{4}-\d{6}$/;

  var strings = {};
  var me = null;
  /** The ways of signing in this service offers (GET /staff/api/signin-options). */
  var signInOptions = { local: true, entra: false };
  /** What the way back from Microsoft sign-in said (?signin=notstaff or failed), shown once. */
  var signInNotice = null;
  /** Increases with every view shown, so that an answer for a view that was left is dropped. */
  var viewSeq = 0;

  var el = {};

  /* ---------- texts ---------- */

  function lookup(key) {
    var node = strings;
    var parts = key.split('.');
    for (var i = 0; i < parts.length; i++) {
      if (node === null || typeof node !== 'object') return undefined;
      // Keys may themselves contain dots ("login.failed"): try the rest of the key as one name.
      var rest = parts.slice(i).join('.');
      if (typeof node[rest] === 'string') return node[rest];
      node = node[parts[i]];
    }
    return node;
  }

  function t(key, values) {
    var text = lookup(key);
    if (typeof text !== 'string') return key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, function (_, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : '';
    });
  }

  /** "1 ärende visas." or "3 ärenden visas.": keyOne for one, key with {{count}} otherwise. */
  function tCount(key, count, values) {
    if (count === 1 && typeof lookup(key + 'One') === 'string') return t(key + 'One', values);
    var v = { count: count };
    for (var k in values || {}) v[k] = values[k];
    return t(key, v);
  }

  function organisationName(id) {
    if (!id) return '';
    var list = strings.municipalities || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i].organisation || list[i].name;
    var names = strings.organisations || {};
    return names[id] || id;
  }

  function topicName(topic) {
    var names = strings.topics || {};
    return names[topic] || topic;
  }

  var dateTimeFormat = null;
  var dateTimeSecondsFormat = null;
  var dateFormat = null;
  var timeFormat = null;

  function formats() {
    var zone = strings.timeZone || undefined;
    try {
      dateTimeFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
      dateTimeSecondsFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
      dateFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      timeFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
    } catch (e) {
      dateTimeFormat = new Intl.DateTimeFormat('sv-SE', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
      dateTimeSecondsFormat = new Intl.DateTimeFormat('sv-SE', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
      dateFormat = new Intl.DateTimeFormat('sv-SE', { year: 'numeric', month: '2-digit', day: '2-digit' });
      timeFormat = new Intl.DateTimeFormat('sv-SE', { hour: '2-digit', minute: '2-digit' });
    }
  }

  function asDate(value) {
    var d = new Date(value);
    return isNaN(d.getTime()) ? null : d;
  }

  function formatDateTime(value) {
    var d = asDate(value);
    return d ? dateTimeFormat.format(d) : '';
  }

  function formatDateTimeSeconds(value) {
    var d = asDate(value);
    return d ? dateTimeSecondsFormat.format(d) : '';
  }

  function formatDate(value) {
    var d = asDate(value);
    return d ? dateFormat.format(d) : '';
  }

  function formatTime(value) {
    var d = asDate(value);
    return d ? timeFormat.format(d) : '';
  }

  /** A <time> element with the machine-readable date. */
  function time(value, text) {
    var d = asDate(value);
    return h('time', d ? { datetime: d.toISOString() } : {}, text !== undefined ? text : formatDateTime(value));
  }

  /* ---------- building the page ---------- */

  /** h('p', { className: 'x' }, 'text', child, [children]): an element; strings become text nodes. */
  function h(tag, attrs) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name.slice(0, 2) === 'on' && typeof value === 'function') node.addEventListener(name.slice(2), value);
      else if (value === true) node.setAttribute(name, '');
      else node.setAttribute(name, String(value));
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) {
      for (var i = 0; i < child.length; i++) append(node, child[i]);
      return;
    }
    node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  var idCounter = 0;
  function uid(prefix) {
    idCounter += 1;
    return prefix + '-' + idCounter;
  }

  /** A section with a heading it is labelled by. */
  function section(level, title, className, children, headingExtra) {
    var id = uid('h');
    return h('section', { className: className, 'aria-labelledby': id }, h('h' + level, { id: id }, title, headingExtra || null), children);
  }

  function badge(kind, text, icon) {
    return h('span', { className: 'badge badge--' + kind }, icon ? h('span', { className: 'badge__icon', 'aria-hidden': 'true' }, icon) : null, text);
  }

  function statusBadge(status) {
    return badge(status, t('status.' + status));
  }

  function urgentBadge() {
    return badge('urgent', t('urgent.badge'), '!');
  }

  /* ---------- messages (announced through the live regions) ---------- */

  /** A confirmation of what one just did: shown, and read by screen readers. */
  function say(text) {
    setStatus(text, true);
  }

  /** Read by screen readers only: what the page already shows (a count, the chain's state). */
  function announce(text) {
    setStatus(text, false);
  }

  function setStatus(text, visible) {
    el.alert.textContent = '';
    el.status.textContent = '';
    el.status.classList.toggle('visually-hidden', !visible);
    // A moment later, so that the same text twice is still announced.
    window.setTimeout(function () {
      el.status.textContent = text;
    }, 50);
  }

  function warn(text) {
    el.status.textContent = '';
    el.alert.textContent = '';
    window.setTimeout(function () {
      el.alert.textContent = text;
    }, 50);
  }

  function clearMessages() {
    el.alert.textContent = '';
    el.status.textContent = '';
  }

  /* ---------- the API ---------- */

  /** Resolves with { status, ok, json, retryAfter } (status 0 when the server could not be reached). */
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { accept: 'application/json' } };
    if (method !== 'GET') {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    return fetch(API + path, init).then(
      function (res) {
        return res
          .json()
          .catch(function () {
            return null;
          })
          .then(function (json) {
            return { status: res.status, ok: res.ok, json: json, retryAfter: res.headers.get('retry-after') };
          });
      },
      function () {
        return { status: 0, ok: false, json: null };
      },
    );
  }

  /** The Swedish text for a failed request that has no more particular meaning. */
  function failure(res) {
    return res.status === 0 ? t('error.network') : t('error.server');
  }

  /** A session that ended in the middle: back to the sign-in form, for the same view. */
  function sessionEnded() {
    me = null;
    showSignedOut();
    renderSignIn(t('signIn.expired'));
  }

  /* ---------- routing ---------- */

  function currentRoute() {
    var hash = window.location.hash.replace(/^#/, '');
    var path = hash.split('?')[0];
    var query = new URLSearchParams(hash.indexOf('?') >= 0 ? hash.slice(hash.indexOf('?') + 1) : '');
    if (path === '' || path === '/' || path === '/cases' || path === '/cases/') return { view: 'list', query: query };
    var m = /^\/cases\/([^/]+)$/.exec(path);
    if (m) return { view: 'case', reference: decodeURIComponent(m[1]) };
    if (path === '/audit') return { view: 'audit' };
    if (path === '/accounts') return { view: 'accounts' };
    return { view: 'unknown' };
  }

  function route() {
    if (!me) {
      keepFocusOnce = null;
      return renderSignIn();
    }
    var r = currentRoute();
    markNavigation(r.view);
    if (r.view === 'list') return renderList(r.query);
    if (r.view === 'case') return renderCase(r.reference);
    if (r.view === 'audit') return renderAudit();
    if (r.view === 'accounts') return renderAccounts();
    return renderUnknown();
  }

  function markNavigation(view) {
    el.navCases.removeAttribute('aria-current');
    el.navAudit.removeAttribute('aria-current');
    el.navAccounts.removeAttribute('aria-current');
    if (view === 'list') el.navCases.setAttribute('aria-current', 'page');
    if (view === 'audit') el.navAudit.setAttribute('aria-current', 'page');
    if (view === 'accounts') el.navAccounts.setAttribute('aria-current', 'page');
  }

  /**
   * Starts a new view: a title for the tab, a first heading that takes the focus (so that a screen
   * reader says where one is), and the sequence number that drops late answers for older views.
   */
  function startView(title, focus) {
    viewSeq += 1;
    document.title = title + ' – ' + t('app.titleSuffix');
    clear(el.view);
    el.view.removeAttribute('aria-busy');
    var h1 = h('h1', { tabindex: '-1', id: 'view-title' }, title);
    el.view.appendChild(h1);
    if (focus !== false) h1.focus({ preventScroll: false });
    window.scrollTo(0, 0);
    return { seq: viewSeq, h1: h1 };
  }

  function stillShowing(view) {
    return view.seq === viewSeq;
  }

  function loading() {
    el.view.setAttribute('aria-busy', 'true');
    var p = h('p', { className: 'loading' }, t('app.loading'));
    el.view.appendChild(p);
    return function done() {
      el.view.removeAttribute('aria-busy');
      if (p.parentNode) p.parentNode.removeChild(p);
    };
  }

  /* ---------- the header ---------- */

  function showSignedIn() {
    el.nav.hidden = false;
    el.navAuditItem.hidden = me.role !== 'admin';
    el.navAccountsItem.hidden = !managesAccounts();
    el.who.hidden = false;
    var role = me.role === 'admin' ? ' (' + t('app.adminRole') + ')' : '';
    el.whoText.textContent = t('app.signedInAs', { name: me.name, organisation: organisationName(me.organisationId) }) + role;
  }

  function showSignedOut() {
    el.nav.hidden = true;
    el.who.hidden = true;
    el.whoText.textContent = '';
  }

  /* ---------- sign in ---------- */

  function renderSignIn(notice) {
    showSignedOut();
    var view = startView(t('signIn.title'), false);
    var r = currentRoute();
    var requested =
      r.view === 'case' ? t('signIn.requestedCase', { reference: r.reference }) : r.view === 'audit' ? t('signIn.requestedAudit') : r.view === 'accounts' ? t('signIn.requestedAccounts') : '';
    var errorId = uid('sign-in-error');
    // Always there (empty until needed), so that screen readers announce what is put in it.
    var error = h('p', { className: 'form-error', id: errorId, role: 'alert' });
    // Microsoft Entra ID: the server sends the browser on to Microsoft and back to this view.
    var entra = signInOptions.entra
      ? h('a', { className: 'btn btn--primary', id: 'sign-in-entra', href: '/staff/auth/entra?next=' + encodeURIComponent(window.location.hash || '#/cases') }, t('signIn.entra'))
      : null;
    var hint = requested ? h('p', { className: 'hint' }, t('signIn.requested', { what: requested })) : null;

    if (!signInOptions.local) {
      el.view.appendChild(
        h('div', { className: 'sign-in' }, h('p', {}, entra ? t('signIn.introEntra') : t('signIn.none')), hint, error, entra ? h('div', { className: 'buttons' }, entra) : null),
      );
      if (notice) {
        window.setTimeout(function () {
          error.textContent = notice;
        }, 50);
      }
      if (entra) entra.focus();
      return;
    }

    var email = h('input', { type: 'email', id: 'sign-in-email', name: 'email', autocomplete: 'username', required: true, spellcheck: 'false', 'aria-describedby': errorId });
    var password = h('input', { type: 'password', id: 'sign-in-password', name: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': errorId });
    var submit = h('button', { type: 'submit', className: 'btn btn--primary' }, t('signIn.submit'));
    var form = h(
      'form',
      { className: 'sign-in', novalidate: true, 'aria-labelledby': 'view-title' },
      h('p', {}, entra ? t('signIn.introEntra') : t('signIn.intro')),
      hint,
      error,
      entra ? h('div', { className: 'buttons' }, entra) : null,
      entra ? h('p', {}, t('signIn.orLocal')) : null,
      h('div', { className: 'field' }, h('label', { for: 'sign-in-email' }, t('signIn.email')), email),
      h('div', { className: 'field' }, h('label', { for: 'sign-in-password' }, t('signIn.password')), password),
      h('div', { className: 'buttons' }, submit),
    );
    el.view.appendChild(form);

    function showError(text, field) {
      error.textContent = '';
      window.setTimeout(function () {
        error.textContent = text;
      }, 50);
      email.setAttribute('aria-invalid', field === email || field === 'both' ? 'true' : 'false');
      password.setAttribute('aria-invalid', field === password || field === 'both' ? 'true' : 'false');
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!email.value.trim() || !password.value) {
        showError(t('signIn.missing'), !email.value.trim() ? email : password);
        (!email.value.trim() ? email : password).focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = t('signIn.busy');
      api('POST', '/login', { email: email.value.trim(), password: password.value }).then(function (res) {
        if (!stillShowing(view)) return;
        submit.disabled = false;
        submit.textContent = t('signIn.submit');
        if (res.status === 429) {
          // Too many failed sign-ins: the server says how long to wait (Retry-After, in seconds).
          showError(t('signIn.throttled', { seconds: res.retryAfter || '60' }), 'both');
          return;
        }
        if (res.status === 401 || res.status === 400) {
          password.value = '';
          showError(t('signIn.wrong'), 'both');
          password.focus();
          return;
        }
        if (!res.ok || !res.json) {
          showError(failure(res));
          return;
        }
        me = res.json;
        showSignedIn();
        clearMessages();
        route();
      });
    });

    if (notice) showError(notice);
    // Focus the first thing to do: the Microsoft button, or the first field of the form.
    (entra || email).focus();
  }

  function signOut() {
    api('POST', '/logout').then(function () {
      me = null;
      showSignedOut();
      // The next person to sign in on this computer starts at the list.
      if (window.history && window.history.replaceState) window.history.replaceState(null, '', window.location.pathname + window.location.search + '#/cases');
      renderSignIn();
      say(t('app.signedOut'));
    });
  }

  /* ---------- the case list ---------- */

  var FILTERS = ['status', 'urgent', 'municipality', 'from', 'to'];

  /** The list as last shown (with its filters), for the way back from a case. */
  var lastList = '#/cases';

  function renderList(query) {
    var view = startView(t('list.title'), !keepFocusOnce);
    lastList = window.location.hash && window.location.hash.indexOf('#/cases') === 0 ? window.location.hash : '#/cases';
    clearAlertOnly();
    var filters = {};
    FILTERS.forEach(function (name) {
      var v = query.get(name);
      if (v) filters[name] = v;
    });

    el.view.appendChild(h('p', { className: 'lead' }, t('list.intro', { organisation: organisationName(me.organisationId) })));
    el.view.appendChild(filterForm(filters));
    if (keepFocusOnce) {
      var keep = document.getElementById(keepFocusOnce);
      keepFocusOnce = null;
      if (keep) keep.focus();
    }

    if (filters.from && filters.to && filters.from > filters.to) {
      el.view.appendChild(h('p', { className: 'notice notice--error' }, t('list.badDates')));
      announce(t('list.badDates'));
      return;
    }

    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      if (filters[name]) params.set(name, filters[name]);
    });
    var qs = params.toString();
    var done = loading();
    api('GET', '/cases' + (qs ? '?' + qs : '')).then(function (res) {
      if (!stillShowing(view)) return;
      done();
      if (res.status === 401) return sessionEnded();
      if (res.status === 400) {
        el.view.appendChild(h('p', { className: 'notice notice--error' }, t('list.badFilter')));
        announce(t('list.badFilter'));
        return;
      }
      if (!res.ok || !res.json) {
        el.view.appendChild(h('p', { className: 'notice notice--error' }, failure(res)));
        announce(failure(res));
        return;
      }
      var cases = res.json.cases || [];
      var total = typeof res.json.total === 'number' ? res.json.total : cases.length;
      var filtered = Object.keys(filters).length > 0;
      // Counted by the server over all the organisation's cases: the list may show only the newest.
      var waiting = res.json.urgentWaiting || 0;
      var onlyUrgentNew = filters.status === 'new' && filters.urgent === 'true' && !filters.municipality && !filters.from && !filters.to;
      if (waiting > 0) {
        el.view.appendChild(
          h(
            'p',
            { className: 'notice notice--urgent', id: 'urgent-waiting' },
            h('span', { className: 'badge__icon', 'aria-hidden': 'true' }, '!'),
            tCount('list.urgentWaiting', waiting),
            onlyUrgentNew ? null : [' ', h('a', { href: '#/cases?status=new&urgent=true' }, t('list.showUrgent'))],
          ),
        );
      }
      if (cases.length === 0) {
        el.view.appendChild(h('p', { className: 'empty' }, filtered ? t('list.none') : t('list.noneAtAll')));
        announce(filtered ? t('list.none') : t('list.noneAtAll'));
        return;
      }
      var count = total > cases.length ? t('list.countNewest', { shown: cases.length, count: total }) : tCount('list.count', cases.length);
      if (total > cases.length) el.view.appendChild(h('p', { className: 'notice', id: 'list-more' }, count));
      el.view.appendChild(caseTable(cases));
      announce(waiting > 0 ? count + ' ' + tCount('list.urgentWaiting', waiting) : count);
    });
  }

  function clearAlertOnly() {
    el.alert.textContent = '';
  }

  function option(value, text, selected) {
    return h('option', { value: value, selected: selected ? true : undefined }, text);
  }

  function filterForm(filters) {
    var status = h(
      'select',
      { id: 'filter-status', name: 'status' },
      option('', t('list.statusAll'), !filters.status),
      ['new', 'taken', 'closed'].map(function (s) {
        return option(s, t('status.' + s), filters.status === s);
      }),
    );
    var urgent = h(
      'select',
      { id: 'filter-urgent', name: 'urgent' },
      option('', t('list.urgentAll'), !filters.urgent),
      option('true', t('list.urgentYes'), filters.urgent === 'true'),
      option('false', t('list.urgentNo'), filters.urgent === 'false'),
    );
    var municipalities = (strings.municipalities || []).slice().sort(function (a, b) {
      return a.name.localeCompare(b.name, 'sv');
    });
    var known = municipalities.some(function (m) {
      return m.scbCode === filters.municipality || m.id === filters.municipality;
    });
    var municipality = h(
      'select',
      { id: 'filter-municipality', name: 'municipality' },
      option('', t('list.municipalityAll'), !filters.municipality),
      municipalities.map(function (m) {
        return option(m.scbCode, m.name, filters.municipality === m.scbCode || filters.municipality === m.id);
      }),
      filters.municipality && !known ? option(filters.municipality, filters.municipality, true) : null,
    );
    var from = h('input', { type: 'date', id: 'filter-from', name: 'from', value: filters.from || '' });
    var to = h('input', { type: 'date', id: 'filter-to', name: 'to', value: filters.to || '' });
    var form = h(
      'form',
      { className: 'filters', role: 'search', 'aria-label': t('list.filters') },
      h(
        'fieldset',
        {},
        h('legend', {}, t('list.filters')),
        h('div', { className: 'filters__fields' },
          h('div', { className: 'field' }, h('label', { for: 'filter-status' }, t('list.status')), status),
          h('div', { className: 'field' }, h('label', { for: 'filter-urgent' }, t('list.urgent')), urgent),
          h('div', { className: 'field' }, h('label', { for: 'filter-municipality' }, t('list.municipality')), municipality),
          h('div', { className: 'field' }, h('label', { for: 'filter-from' }, t('list.from')), from),
          h('div', { className: 'field' }, h('label', { for: 'filter-to' }, t('list.to')), to),
          h('div', { className: 'filters__buttons' },
            h('button', { type: 'submit', className: 'btn btn--primary', id: 'filter-apply' }, t('list.apply')),
            h('button', { type: 'button', className: 'btn btn--quiet', id: 'filter-clear', onclick: function () {
              navigate('#/cases');
            } }, t('list.clear')),
          ),
        ),
      ),
    );
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      var values = { status: status.value, urgent: urgent.value, municipality: municipality.value, from: from.value, to: to.value };
      FILTERS.forEach(function (name) {
        if (values[name]) params.set(name, values[name]);
      });
      var qs = params.toString();
      navigate('#/cases' + (qs ? '?' + qs : ''), true);
    });
    return form;
  }

  /**
   * Goes to a view. keepFocus: the filters were changed, so the list is shown again without moving
   * the focus away from the filter the person is using.
   */
  var keepFocusOnce = null;
  function navigate(hash, keepFocus) {
    if (keepFocus && document.activeElement && document.activeElement.id) keepFocusOnce = document.activeElement.id;
    if (window.location.hash === hash) route();
    else window.location.hash = hash;
  }

  function caseTable(cases) {
    var cols = t('list.columns.reference');
    var caption = h('caption', {}, tCount('list.caption', cases.length));
    var head = h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['reference', 'created', 'status', 'urgent', 'municipality', 'topics', 'takenBy'].map(function (c) {
          return h('th', { scope: 'col', className: 'col-' + c }, t('list.columns.' + c));
        }),
      ),
    );
    var body = h(
      'tbody',
      {},
      cases.map(function (c) {
        var topics = (c.topics || []).map(topicName);
        var extras = [];
        if (c.respondent === 'other') extras.push(t('list.otherRespondent'));
        if (c.sipSuggested) extras.push(t('list.sip'));
        return h(
          'tr',
          { className: 'case-row case-row--' + c.status + (c.urgent ? ' is-urgent' : ''), 'data-reference': c.reference },
          h('th', { scope: 'row', className: 'col-reference', 'data-label': cols }, h('a', { href: '#/cases/' + encodeURIComponent(c.reference) }, c.reference)),
          h('td', { className: 'col-created', 'data-label': t('list.columns.created') }, time(c.createdAt)),
          h('td', { className: 'col-status', 'data-label': t('list.columns.status') }, statusBadge(c.status)),
          h('td', { className: 'col-urgent', 'data-label': t('list.columns.urgent') }, c.urgent ? urgentBadge() : h('span', { className: 'muted' }, t('list.notUrgent'))),
          h('td', { className: 'col-municipality', 'data-label': t('list.columns.municipality') }, c.municipality ? c.municipality.name : h('span', { className: 'muted' }, t('list.noMunicipality'))),
          h(
            'td',
            { className: 'col-topics', 'data-label': t('list.columns.topics') },
            topics.join(', '),
            extras.length ? h('span', { className: 'extras' }, extras.map(function (x) {
              return h('span', { className: 'tag' }, x);
            })) : null,
          ),
          h('td', { className: 'col-takenBy', 'data-label': t('list.columns.takenBy') }, c.takenBy || h('span', { className: 'muted' }, '–')),
        );
      }),
    );
    return h('div', { className: 'table-wrap' }, h('table', { className: 'cases stack' }, caption, head, body));
  }

  /* ---------- one case ---------- */

  function renderCase(reference, after) {
    var view = startView(t('case.title', { reference: reference }), !after);
    if (!after) clearMessages();
    el.view.insertBefore(backLink(), view.h1);
    if (!REFERENCE.test(reference)) {
      el.view.appendChild(h('p', { className: 'notice notice--error' }, t('case.badReference', { reference: reference })));
      return;
    }
    var done = loading();
    api('GET', '/cases/' + encodeURIComponent(reference)).then(function (res) {
      if (!stillShowing(view)) return;
      done();
      if (res.status === 401) return sessionEnded();
      if (res.status === 403) {
        view.h1.textContent = t('case.forbiddenTitle');
        document.title = t('case.forbiddenTitle') + ' – ' + t('app.titleSuffix');
        el.view.appendChild(h('p', { className: 'notice notice--error', id: 'case-forbidden' }, t('case.forbidden', { reference: reference })));
        announce(t('case.forbidden', { reference: reference }));
        return;
      }
      if (res.status === 404) {
        el.view.appendChild(h('p', { className: 'notice notice--error' }, t('case.notFound', { reference: reference })));
        announce(t('case.notFound', { reference: reference }));
        return;
      }
      if (res.status === 400) {
        el.view.appendChild(h('p', { className: 'notice notice--error' }, t('case.badReference', { reference: reference })));
        return;
      }
      if (!res.ok || !res.json || !res.json.case) {
        el.view.appendChild(h('p', { className: 'notice notice--error' }, failure(res)));
        announce(failure(res));
        return;
      }
      showCase(view, res.json);
      if (after) after();
    });
  }

  function backLink() {
    return h('p', { className: 'back' }, h('a', { href: lastList, id: 'back' }, h('span', { 'aria-hidden': 'true' }, '← '), t('case.back')));
  }

  function showCase(view, data) {
    var c = data.case;
    var transcript = data.transcript || [];
    var deliveries = data.deliveries || [];

    if (c.urgent) {
      var risks = (c.riskCategories || []).map(function (r) {
        return t('risk.' + r);
      });
      el.view.appendChild(
        h(
          'div',
          { className: 'urgent-banner', id: 'urgent-banner' },
          h('p', {}, urgentBadge(), ' ', t('urgent.caseBanner')),
          risks.length ? h('p', {}, t('urgent.risk', { categories: risks.join(', ') })) : null,
        ),
      );
    }

    var side = h('div', { className: 'case__side' }, facts(c), actions(c), history(c));
    var mainCol = h('div', { className: 'case__main' }, summary(c), conversation(c, transcript), deliveryHistory(deliveries));
    el.view.appendChild(h('div', { className: 'case' }, side, mainCol));
  }

  function fact(label, value) {
    return [h('dt', {}, label), h('dd', {}, value)];
  }

  function facts(c) {
    var recipients = (c.recipients || []).map(function (r) {
      return h('li', {}, r.contactName, h('span', { className: 'muted small' }, ' – ', r.consent ? t('case.consentYes') : t('case.consentNo')));
    });
    var language = strings.languages && strings.languages[c.locale] ? strings.languages[c.locale] : c.locale;
    var suggested = (c.suggestedTopics || []).map(topicName);
    return section(2, t('case.facts'), 'facts', [
      h(
        'dl',
        { className: 'facts__list' },
        fact(t('case.status'), [statusBadge(c.status), c.urgent ? [' ', urgentBadge()] : null]),
        fact(t('case.created'), time(c.createdAt)),
        fact(t('case.takenBy'), c.takenBy ? c.takenBy.name : h('span', { className: 'muted' }, t('case.nobody'))),
        fact(t('case.municipality'), c.municipality ? c.municipality.name : t('list.noMunicipality')),
        fact(t('case.respondent'), t('respondent.' + c.respondent)),
        language ? fact(t('case.language'), language) : null,
        fact(t('case.topics'), (c.topics || []).map(topicName).join(', ')),
        suggested.length ? fact(t('case.suggestedTopics'), suggested.join(', ')) : null,
        recipients.length ? fact(t('case.recipients'), h('ul', { className: 'plain' }, recipients)) : null,
      ),
    ]);
  }

  function actions(c) {
    var reference = c.reference;
    var mine = c.takenBy && me && c.takenBy.id === me.id;
    var stateText =
      c.status === 'closed' ? t('case.closedInfo') : mine ? t('case.takenByYou') : c.takenBy ? t('case.takenByOther', { name: c.takenBy.name }) : '';
    var children = [];
    children.push(h('p', { className: 'case-state', id: 'case-state', tabindex: '-1', hidden: !stateText }, stateText || null));

    if (c.status !== 'closed') {
      var buttons = h('div', { className: 'buttons' });
      if (!mine) {
        var take = h('button', { type: 'button', className: 'btn btn--primary', id: 'take' }, c.takenBy ? t('case.takeOver') : t('case.take'));
        take.addEventListener('click', function () {
          take.disabled = true;
          take.textContent = t('case.busy');
          change(reference, 'take', {}, take, t('case.took', { reference: reference }), c.takenBy ? t('case.takeOver') : t('case.take'));
        });
        buttons.appendChild(take);
      }
      var formId = uid('close-form');
      var toggle = h('button', { type: 'button', className: 'btn', id: 'close-toggle', 'aria-expanded': 'false', 'aria-controls': formId }, t('case.close'));
      buttons.appendChild(toggle);
      children.push(buttons);

      var noteHintId = uid('note-hint');
      var noteErrorId = uid('note-error');
      var note = h('textarea', { id: 'close-note', name: 'note', rows: '4', maxlength: '4000', 'aria-describedby': noteHintId + ' ' + noteErrorId });
      var noteError = h('p', { className: 'form-error', id: noteErrorId, hidden: true });
      var submit = h('button', { type: 'submit', className: 'btn btn--primary', id: 'close-submit' }, t('case.closeSubmit'));
      var cancel = h('button', { type: 'button', className: 'btn btn--quiet', id: 'close-cancel' }, t('case.closeCancel'));
      var form = h(
        'form',
        { className: 'close-form', id: formId, hidden: true, 'aria-labelledby': formId + '-title' },
        h('h3', { id: formId + '-title' }, t('case.closeTitle')),
        h('div', { className: 'field' }, h('label', { for: 'close-note' }, t('case.note')), h('p', { className: 'hint', id: noteHintId }, t('case.noteHint')), note, noteError),
        h('div', { className: 'buttons' }, submit, cancel),
      );
      children.push(form);

      var closeForm = function () {
        form.hidden = true;
        toggle.setAttribute('aria-expanded', 'false');
        toggle.focus();
      };
      toggle.addEventListener('click', function () {
        var open = form.hidden;
        form.hidden = !open;
        toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
        if (open) note.focus();
      });
      cancel.addEventListener('click', closeForm);
      form.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') {
          event.preventDefault();
          closeForm();
        }
      });
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        if (note.value.length > 4000) {
          noteError.textContent = t('case.noteTooLong');
          noteError.hidden = false;
          note.setAttribute('aria-invalid', 'true');
          note.focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = t('case.busy');
        var text = note.value.trim();
        change(reference, 'close', text ? { note: text } : {}, submit, t('case.closed', { reference: reference }), t('case.closeSubmit'));
      });
    }

    children.push(
      h(
        'div',
        { className: 'exports' },
        h('h3', {}, t('case.export')),
        h(
          'ul',
          { className: 'plain' },
          h('li', {}, h('a', { href: API + '/cases/' + encodeURIComponent(reference) + '/export', download: reference + '.txt', id: 'export-text' }, t('case.exportText'))),
          h('li', {}, h('a', { href: API + '/cases/' + encodeURIComponent(reference) + '/export?format=json', download: reference + '.json', id: 'export-json' }, t('case.exportJson'))),
        ),
      ),
    );
    return section(2, t('case.actions'), 'actions', children);
  }

  /** Takes or closes the case; shows it again with the focus on what changed. */
  function change(reference, what, body, button, doneText, buttonText) {
    api('POST', '/cases/' + encodeURIComponent(reference) + '/' + what, body).then(function (res) {
      if (res.status === 401) return sessionEnded();
      var focusState = function () {
        var state = document.getElementById('case-state');
        if (state) state.focus();
      };
      if (res.status === 409) {
        renderCase(reference, function () {
          focusState();
          warn(t('case.alreadyClosed'));
        });
        return;
      }
      if (res.status === 403) {
        warn(t('case.forbidden', { reference: reference }));
        button.disabled = false;
        button.textContent = buttonText;
        return;
      }
      if (!res.ok) {
        warn(failure(res));
        button.disabled = false;
        button.textContent = buttonText;
        return;
      }
      renderCase(reference, function () {
        focusState();
        say(doneText);
      });
    });
  }

  function history(c) {
    var events = c.events || [];
    var body = events.length
      ? h(
          'ol',
          { className: 'events' },
          events.map(function (e) {
            return h(
              'li',
              {},
              h('p', { className: 'event__head' }, h('strong', {}, t('event.' + e.action, { name: e.byName })), ' ', h('span', { className: 'muted nowrap' }, time(e.at))),
              e.note ? h('p', { className: 'event__note' }, t('event.note', { note: e.note })) : null,
            );
          }),
        )
      : h('p', { className: 'muted' }, t('case.historyNone'));
    return section(2, t('case.history'), 'history', [body]);
  }

  function summary(c) {
    var s = c.summary || {};
    var lines = [];
    if (s.urgent) lines.push(h('p', { className: 'summary__urgent' }, urgentBadge(), ' ', s.urgent));
    if (s.forOther) lines.push(h('p', { className: 'summary__line' }, s.forOther));
    if (s.topics) lines.push(h('p', { className: 'summary__line' }, s.topics));
    if (s.recipients) lines.push(h('p', { className: 'summary__line' }, s.recipients));
    if (s.sip) lines.push(h('p', { className: 'summary__line summary__sip' }, h('strong', {}, 'SIP: '), s.sip));
    if (s.suggested) lines.push(h('p', { className: 'summary__line summary__suggested' }, s.suggested));
    var sections = (s.sections || []).map(function (sec) {
      return section(
        3,
        sec.title,
        'summary__section',
        h(
          'dl',
          { className: 'items' },
          (sec.items || []).map(function (item) {
            return h(
              'div',
              { className: 'item' + (item.skipped ? ' item--skipped' : '') },
              h('dt', {}, h('span', { className: 'item__number' }, item.number + '.'), ' ', item.label),
              h('dd', { className: 'item__answer' }, item.answer),
              item.ibic && item.ibic.length ? h('dd', { className: 'item__ibic' }, t('case.ibic', { areas: item.ibic.join(', ') })) : null,
            );
          }),
        ),
      );
    });
    // A summary without sections (an older case, or one made by hand): the text the e-mail had.
    if (!sections.length && c.summaryText) {
      sections.push(section(3, t('case.summaryAsText'), 'summary__section', h('p', { className: 'summary__text' }, c.summaryText)));
    }
    return section(2, t('case.summary'), 'summary', [h('div', { className: 'summary__lines' }, lines), sections]);
  }

  function conversation(c, transcript) {
    var other = c.respondent === 'other';
    var lastDay = '';
    var items = transcript.map(function (m) {
      var day = formatDate(m.at);
      var stamp = day !== lastDay ? formatDateTime(m.at) : formatTime(m.at);
      lastDay = day;
      var fromResident = m.from === 'resident';
      // cardText: what a card said (its fallback text), if the API sends it along.
      var text = m.text || m.cardText;
      var body;
      if (text) body = h('p', { className: 'msg__text' }, text);
      else if (m.value !== undefined) body = h('p', { className: 'msg__text msg__text--form' }, t('case.formAnswer', { value: m.valueText || describeValue(m.value) }));
      else body = h('p', { className: 'msg__text muted' }, t('case.emptyMessage'));
      return h(
        'li',
        { className: 'msg ' + (fromResident ? 'msg--resident' : 'msg--assistant') },
        h('p', { className: 'msg__meta' }, h('span', { className: 'msg__who' }, fromResident ? (other ? t('case.fromResidentOther') : t('case.fromResident')) : t('case.fromAssistant')), ' ', time(m.at, stamp)),
        body,
      );
    });
    var count = h('span', { className: 'count' }, ' (', tCount('case.transcriptCount', transcript.length), ')');
    return section(2, t('case.transcript'), 'transcript', [items.length ? h('ol', { className: 'messages-list' }, items) : h('p', { className: 'muted' }, t('case.transcriptNone'))], items.length ? count : null);
  }

  /**
   * What a person submitted with a card. The interview's cards send { intake, question, value }:
   * only the value is the answer (the summary above has it in words).
   */
  function describeValue(value) {
    if (value === null || value === undefined) return '';
    if (typeof value !== 'object') return String(value);
    var technical = { intake: true, question: true };
    var parts = [];
    var keys = 'value' in value ? ['value'] : Object.keys(value);
    keys.forEach(function (k) {
      var v = value[k];
      if (technical[k] || v === null || v === undefined || v === '') return;
      parts.push(typeof v === 'object' ? JSON.stringify(v) : String(v).split(',').join(', '));
    });
    return parts.join(', ');
  }

  function targetText(target) {
    if (!target) return '';
    var kind = t('delivery.kind.' + target.kind);
    var where = target.kind === 'email' ? target.to : target.kind === 'webhook' ? target.url : target.channel;
    return kind + ': ' + (where || '');
  }

  function deliveryHistory(deliveries) {
    if (!deliveries.length) return section(2, t('case.deliveries'), 'deliveries', [h('p', { className: 'muted' }, t('case.deliveriesNone'))]);
    var failing = deliveries.filter(function (d) {
      return d.status === 'failing';
    }).length;
    var rows = deliveries.map(function (d) {
      var statusCell;
      if (d.status === 'failing') statusCell = h('strong', { className: 'delivery-failing' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('delivery.status.failing'));
      else statusCell = h('span', { className: 'delivery-' + d.status }, t('delivery.status.' + d.status));
      var errorCell = null;
      if (d.status === 'skipped') errorCell = t('delivery.skippedReason');
      else if (d.lastError) errorCell = [h('span', { className: 'visually-hidden' }, t('delivery.errorFromSystem') + ' '), h('code', { lang: 'en' }, d.lastError)];
      return h(
        'tr',
        { className: d.status === 'failing' ? 'is-failing' : '' },
        h('th', { scope: 'row' }, targetText(d.target)),
        h('td', { 'data-label': t('delivery.columns.status') }, statusCell),
        h('td', { className: 'num', 'data-label': t('delivery.columns.attempts') }, String(d.attempts || 0)),
        h('td', { 'data-label': t('delivery.columns.delivered') }, d.deliveredAt ? time(d.deliveredAt) : t('delivery.never')),
        h('td', { className: 'error-cell', 'data-label': t('delivery.columns.error') }, errorCell || t('delivery.never')),
      );
    });
    var table = h(
      'div',
      { className: 'table-wrap' },
      h(
        'table',
        { className: 'deliveries-table stack' },
        h('thead', {}, h('tr', {}, ['target', 'status', 'attempts', 'delivered', 'error'].map(function (col) {
          return h('th', { scope: 'col' }, t('delivery.columns.' + col));
        }))),
        h('tbody', {}, rows),
      ),
    );
    return section(2, t('case.deliveries'), 'deliveries', [
      failing ? h('p', { className: 'notice notice--error' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('case.deliveriesFailing', { count: failing })) : null,
      table,
    ]);
  }

  /* ---------- the audit log ---------- */

  var AUDIT_ROWS = 500;

  function chainReason(reason) {
    if (/changed/.test(reason || '')) return t('audit.reasonChanged');
    if (/follow/.test(reason || '')) return t('audit.reasonOrder');
    if (/missing/.test(reason || '')) return t('audit.reasonMissing');
    return t('audit.reasonOther');
  }

  function renderAudit() {
    var view = startView(t('audit.title'));
    clearMessages();
    if (me.role !== 'admin') {
      el.view.appendChild(h('p', { className: 'notice notice--error' }, t('audit.forbidden')));
      return;
    }
    var done = loading();
    api('GET', '/audit').then(function (res) {
      if (!stillShowing(view)) return;
      done();
      if (res.status === 401) return sessionEnded();
      if (res.status === 403) {
        el.view.appendChild(h('p', { className: 'notice notice--error' }, t('audit.forbidden')));
        announce(t('audit.forbidden'));
        return;
      }
      if (!res.ok || !res.json) {
        el.view.appendChild(h('p', { className: 'notice notice--error' }, failure(res)));
        announce(failure(res));
        return;
      }
      var chain = res.json.chain || {};
      var entries = (res.json.entries || []).slice().reverse();
      el.view.appendChild(h('p', { className: 'lead' }, t('audit.intro', { organisation: organisationName(me.organisationId) })));
      el.view.appendChild(
        chain.ok
          ? h('p', { className: 'notice notice--ok', id: 'chain-status' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('audit.chainOk', { count: chain.entries }))
          : h('p', { className: 'notice notice--error', id: 'chain-status' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('audit.chainBroken', { seq: chain.brokenAt, reason: chainReason(chain.reason) })),
      );
      var onlyDenied = h('input', { type: 'checkbox', id: 'audit-denied' });
      el.view.appendChild(
        h(
          'div',
          { className: 'audit-tools' },
          h('p', {}, h('a', { href: API + '/audit?format=jsonl', download: 'audit.jsonl', id: 'audit-export' }, t('audit.export'))),
          h('p', { className: 'check' }, onlyDenied, h('label', { for: 'audit-denied' }, t('audit.onlyDenied'))),
        ),
      );
      var holder = h('div', { className: 'audit-table' });
      el.view.appendChild(holder);
      var show = function (announceCount) {
        clear(holder);
        var list = onlyDenied.checked
          ? entries.filter(function (e) {
              return e.outcome !== 'allowed';
            })
          : entries;
        if (!list.length) {
          holder.appendChild(h('p', { className: 'muted' }, t('audit.none')));
          if (announceCount) announce(t('audit.none'));
          return;
        }
        var shown = list.slice(0, AUDIT_ROWS);
        if (shown.length < list.length) holder.appendChild(h('p', { className: 'hint' }, t('audit.truncated', { shown: shown.length, count: list.length })));
        holder.appendChild(auditTable(shown, list.length));
        if (announceCount) announce(t('audit.shown', { count: list.length }));
      };
      onlyDenied.addEventListener('change', function () {
        show(true);
      });
      show(false);
      announce(chain.ok ? t('audit.chainOk', { count: chain.entries }) : t('audit.chainBroken', { seq: chain.brokenAt, reason: chainReason(chain.reason) }));
    });
  }

  function auditTarget(e) {
    if (!e.target) return '–';
    if (REFERENCE.test(e.target)) return h('a', { href: '#/cases/' + encodeURIComponent(e.target) }, e.target);
    if (e.action === 'case.list') return e.target === '(all)' ? t('audit.allCases') : t('audit.filterTarget', { filter: describeFilter(e.target) });
    return e.target;
  }

  /** "?status=new&urgent=true" as "status nytt, brådskande ja". */
  function describeFilter(search) {
    var params = new URLSearchParams(search.replace(/^\?/, ''));
    var parts = [];
    params.forEach(function (value, name) {
      var label = typeof lookup('audit.filter.' + name) === 'string' ? t('audit.filter.' + name) : name;
      var shown = value;
      if (name === 'status' && typeof lookup('status.' + value) === 'string') shown = t('status.' + value).toLowerCase();
      if (name === 'urgent') shown = value === 'true' ? t('audit.filter.yes') : value === 'false' ? t('audit.filter.no') : value;
      if (name === 'municipality') {
        (strings.municipalities || []).forEach(function (m) {
          if (m.scbCode === value || m.id === value) shown = m.name;
        });
      }
      parts.push(label + ' ' + shown);
    });
    return parts.join(', ');
  }

  function auditTable(entries, total) {
    var cols = ['seq', 'at', 'actor', 'organisation', 'action', 'target', 'outcome', 'from'];
    return h(
      'div',
      { className: 'table-wrap' },
      h(
        'table',
        { className: 'audit stack stack-wide' },
        h('caption', {}, t('audit.caption', { count: total, organisation: organisationName(me.organisationId) })),
        h('thead', {}, h('tr', {}, cols.map(function (c) {
          return h('th', { scope: 'col' }, t('audit.columns.' + c));
        }))),
        h(
          'tbody',
          {},
          entries.map(function (e) {
            var outcome = t('audit.outcome.' + e.outcome);
            return h(
              'tr',
              { className: e.outcome !== 'allowed' ? 'is-denied' : '' },
              h('td', { className: 'num', 'data-label': t('audit.columns.seq') }, String(e.seq)),
              h('td', { className: 'nowrap', 'data-label': t('audit.columns.at') }, time(e.at, formatDateTimeSeconds(e.at))),
              h('td', { className: 'break', 'data-label': t('audit.columns.actor') }, e.actor),
              h('td', { 'data-label': t('audit.columns.organisation') }, organisationName(e.actorOrganisation) || '–'),
              h('td', { 'data-label': t('audit.columns.action') }, t('audit.action.' + e.action)),
              h('td', { className: 'break', 'data-label': t('audit.columns.target') }, auditTarget(e)),
              h('td', { 'data-label': t('audit.columns.outcome') }, e.outcome === 'allowed' ? outcome : h('strong', { className: 'denied' }, h('span', { 'aria-hidden': 'true' }, '✕ '), outcome)),
              h('td', { className: 'break', 'data-label': t('audit.columns.from') }, e.from || '–'),
            );
          }),
        ),
      ),
    );
  }

  /* ---------- staff accounts (administrators) ---------- */

  /** The shortest password the API accepts (MIN_PASSWORD_LENGTH in src/staff/accounts.ts). */
  var MIN_PASSWORD = 12;
  var MAX_PASSWORD = 500;
  var MAX_NAME = 200;
  /** Close to what the API accepts as an e-mail address; it has the last word. */
  var EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[^\s@.]{2,}$/;

  /** Local accounts are managed here only by administrators, and only when the service has them on. */
  function managesAccounts() {
    return Boolean(me && me.role === 'admin' && signInOptions.local);
  }

  /** The English message of an API error, to tell refusals apart (never shown). */
  function apiMessage(res) {
    return res.json && res.json.error && typeof res.json.error.message === 'string' ? res.json.error.message : '';
  }

  function renderAccounts() {
    var view = startView(t('accounts.title'));
    clearMessages();
    if (me.role !== 'admin') {
      el.view.appendChild(h('p', { className: 'notice notice--error', id: 'accounts-refused' }, t('accounts.forbidden')));
      announce(t('accounts.forbidden'));
      return;
    }
    if (!signInOptions.local) {
      el.view.appendChild(h('p', { className: 'notice', id: 'accounts-refused' }, t('accounts.localOff')));
      announce(t('accounts.localOff'));
      return;
    }
    var organisation = organisationName(me.organisationId);
    el.view.appendChild(h('p', { className: 'lead' }, t('accounts.intro', { organisation: organisation })));

    /** The accounts as last fetched, for telling a new account from a reset. */
    var known = [];
    var holder = h('div', { className: 'accounts-table' });
    el.view.appendChild(section(2, t('accounts.listTitle'), 'accounts-list', [holder]));
    el.view.appendChild(accountForm());

    /** Fetches the list again and shows it; then, if asked, puts the focus on one account's row. */
    function load(focusId, announceCount) {
      var done = loading();
      return api('GET', '/accounts').then(function (res) {
        if (!stillShowing(view)) return;
        done();
        if (res.status === 401) return sessionEnded();
        clear(holder);
        if (res.status === 403) {
          holder.appendChild(h('p', { className: 'notice notice--error' }, t('accounts.forbidden')));
          announce(t('accounts.forbidden'));
          return;
        }
        if (!res.ok || !res.json) {
          holder.appendChild(h('p', { className: 'notice notice--error' }, failure(res)));
          announce(failure(res));
          return;
        }
        known = (res.json.accounts || []).slice().sort(function (a, b) {
          if (a.disabled !== b.disabled) return a.disabled ? 1 : -1;
          return String(a.name).localeCompare(String(b.name), 'sv');
        });
        if (!known.length) {
          holder.appendChild(h('p', { className: 'empty' }, t('accounts.none')));
          if (announceCount) announce(t('accounts.none'));
          return;
        }
        holder.appendChild(accountTable(known, focusId));
        if (focusId) {
          var row = holder.querySelector('tr[data-account="' + cssEscape(focusId) + '"] > th');
          if (row) {
            row.setAttribute('tabindex', '-1');
            row.focus();
          }
        }
        if (announceCount) announce(tCount('accounts.count', known.length));
      });
    }

    function cssEscape(value) {
      return window.CSS && window.CSS.escape ? window.CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
    }

    var openConfirm = null;

    function accountTable(accounts, changedId) {
      var cols = ['name', 'email', 'role', 'status', 'action'];
      return h(
        'div',
        { className: 'table-wrap' },
        h(
          'table',
          { className: 'accounts stack' },
          h('caption', {}, tCount('accounts.caption', accounts.length, { organisation: organisation })),
          h('thead', {}, h('tr', {}, cols.map(function (c) {
            return h('th', { scope: 'col', className: 'col-' + c }, t('accounts.columns.' + c));
          }))),
          h(
            'tbody',
            {},
            accounts.map(function (a) {
              var own = me && a.id === me.id;
              return h(
                'tr',
                { className: (a.disabled ? 'is-disabled' : '') + (a.id === changedId ? ' is-changed' : ''), 'data-account': a.id },
                h('th', { scope: 'row', className: 'col-name' }, a.name, own ? h('span', { className: 'muted' }, ' ', t('accounts.you')) : null),
                h('td', { className: 'col-email break', 'data-label': t('accounts.columns.email') }, a.id),
                h('td', { className: 'col-role', 'data-label': t('accounts.columns.role') }, t('accounts.role.' + a.role)),
                h(
                  'td',
                  { className: 'col-status', 'data-label': t('accounts.columns.status') },
                  a.disabled ? badge('disabled', t('accounts.statusDisabled')) : badge('active', t('accounts.statusActive')),
                ),
                h('td', { className: 'col-action', 'data-label': t('accounts.columns.action') }, disableControl(a, own)),
              );
            }),
          ),
        ),
      );
    }

    /** "Stäng av" with an inline confirmation; nothing for a disabled account or one's own. */
    function disableControl(a, own) {
      if (a.disabled) return h('span', { className: 'muted' }, '–');
      if (own) return h('span', { className: 'muted' }, t('accounts.ownAccount'));
      var confirmId = uid('confirm');
      var button = h(
        'button',
        { type: 'button', className: 'btn btn--danger btn--small', 'aria-expanded': 'false', 'aria-controls': confirmId, 'data-disable': a.id },
        t('accounts.disable'),
        h('span', { className: 'visually-hidden' }, ' ' + t('accounts.disableWhom', { name: a.name })),
      );
      var question = h('p', { id: confirmId + '-q', tabindex: '-1', className: 'confirm__question' }, t('accounts.confirm', { name: a.name, email: a.id }));
      var yes = h('button', { type: 'button', className: 'btn btn--danger-solid', 'data-confirm': a.id }, t('accounts.confirmYes'));
      var no = h('button', { type: 'button', className: 'btn btn--quiet', 'data-cancel': a.id }, t('accounts.confirmNo'));
      var box = h('div', { className: 'confirm', id: confirmId, role: 'group', 'aria-labelledby': confirmId + '-q', hidden: true }, question, h('div', { className: 'buttons' }, yes, no));

      var close = function (focusButton) {
        box.hidden = true;
        button.hidden = false;
        button.setAttribute('aria-expanded', 'false');
        if (openConfirm === close) openConfirm = null;
        if (focusButton) button.focus();
      };
      button.addEventListener('click', function () {
        if (openConfirm) openConfirm(false);
        openConfirm = close;
        box.hidden = false;
        button.setAttribute('aria-expanded', 'true');
        // The button stays where it was (hidden while the question is asked), so Avbryt can return to it.
        button.hidden = true;
        question.focus();
      });
      no.addEventListener('click', function () {
        close(true);
      });
      box.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') {
          event.preventDefault();
          close(true);
        }
      });
      yes.addEventListener('click', function () {
        yes.disabled = true;
        no.disabled = true;
        yes.textContent = t('accounts.disabling');
        api('POST', '/accounts/' + encodeURIComponent(a.id) + '/disable').then(function (res) {
          if (!stillShowing(view)) return;
          if (res.status === 401) return sessionEnded();
          if (res.ok) {
            openConfirm = null;
            load(a.id).then(function () {
              say(t('accounts.disabled', { name: a.name, email: a.id }));
            });
            return;
          }
          if (res.status === 404) {
            openConfirm = null;
            load().then(function () {
              var title = document.getElementById('view-title');
              if (title) title.focus();
              warn(t('accounts.disableNotFound', { email: a.id }));
            });
            return;
          }
          yes.disabled = false;
          no.disabled = false;
          yes.textContent = t('accounts.confirmYes');
          warn(res.status === 403 ? (/another organisation/i.test(apiMessage(res)) ? t('accounts.disableOtherOrganisation', { email: a.id }) : t('accounts.forbidden')) : failure(res));
          question.focus();
        });
      });
      return [button, box];
    }

    function accountForm() {
      var formId = uid('account-form');
      var errorId = uid('account-error');
      var formError = h('p', { className: 'form-error', id: errorId, role: 'alert' });

      var fields = {};
      /** A labelled field with its hint and its own error text (read with the field). */
      var field = function (name, label, control, hint) {
        var fieldErrorId = 'account-' + name + '-error';
        var hintId = hint ? 'account-' + name + '-hint' : null;
        var fieldError = h('p', { className: 'form-error', id: fieldErrorId, hidden: true });
        control.setAttribute('aria-describedby', fieldErrorId + (hintId ? ' ' + hintId : ''));
        fields[name] = { control: control, error: fieldError };
        return h('div', { className: 'field' }, h('label', { for: control.id }, label), fieldError, hint ? h('p', { className: 'hint', id: hintId }, hint) : null, control);
      };

      var name = h('input', { type: 'text', id: 'account-name', name: 'name', autocomplete: 'off', maxlength: String(MAX_NAME), required: true });
      var email = h('input', { type: 'email', id: 'account-email', name: 'email', autocomplete: 'off', spellcheck: 'false', required: true });
      var role = h('select', { id: 'account-role', name: 'role' }, option('staff', t('accounts.role.staff'), true), option('admin', t('accounts.role.admin'), false));
      var password = h('input', { type: 'password', id: 'account-password', name: 'password', autocomplete: 'new-password', required: true });
      var show = h('input', { type: 'checkbox', id: 'account-show-password' });
      show.addEventListener('change', function () {
        password.type = show.checked ? 'text' : 'password';
      });
      var submit = h('button', { type: 'submit', className: 'btn btn--primary', id: 'account-submit' }, t('accounts.add.submit'));

      var form = h(
        'form',
        { className: 'account-form', id: formId, novalidate: true, 'aria-labelledby': formId + '-title' },
        h('h2', { id: formId + '-title' }, t('accounts.add.title')),
        h('p', {}, t('accounts.add.intro')),
        formError,
        field('name', t('accounts.add.name'), name),
        field('email', t('accounts.add.email'), email, t('accounts.add.emailHint')),
        field('role', t('accounts.add.role'), role, t('accounts.add.roleHint')),
        field('password', t('accounts.add.password'), password, t('accounts.add.passwordHint', { min: MIN_PASSWORD })),
        h('p', { className: 'check' }, show, h('label', { for: 'account-show-password' }, t('accounts.add.showPassword'))),
        h('div', { className: 'buttons' }, submit),
      );

      var clearErrors = function () {
        formError.textContent = '';
        Object.keys(fields).forEach(function (k) {
          fields[k].error.textContent = '';
          fields[k].error.hidden = true;
          fields[k].control.removeAttribute('aria-invalid');
        });
      };
      /** Marks the fields that are wrong and puts the focus on the first of them (which reads its error). */
      var fieldErrors = function (errors) {
        var first = null;
        ['name', 'email', 'role', 'password'].forEach(function (k) {
          if (!errors[k]) return;
          fields[k].error.textContent = errors[k];
          fields[k].error.hidden = false;
          fields[k].control.setAttribute('aria-invalid', 'true');
          if (!first) first = fields[k].control;
        });
        if (first) first.focus();
      };
      var formFailure = function (text) {
        formError.textContent = '';
        window.setTimeout(function () {
          formError.textContent = text;
        }, 50);
      };

      form.addEventListener('submit', function (event) {
        event.preventDefault();
        clearErrors();
        var values = { name: name.value.trim(), email: email.value.trim(), role: role.value === 'admin' ? 'admin' : 'staff', password: password.value };
        var errors = {};
        if (!values.name) errors.name = t('accounts.add.nameMissing');
        else if (values.name.length > MAX_NAME) errors.name = t('accounts.add.nameTooLong', { max: MAX_NAME });
        if (!values.email) errors.email = t('accounts.add.emailMissing');
        else if (!EMAIL.test(values.email)) errors.email = t('accounts.add.emailInvalid');
        if (!values.password) errors.password = t('accounts.add.passwordMissing', { min: MIN_PASSWORD });
        else if (values.password.length < MIN_PASSWORD) errors.password = t('accounts.add.passwordTooShort', { min: MIN_PASSWORD, length: values.password.length });
        else if (values.password.length > MAX_PASSWORD) errors.password = t('accounts.add.passwordTooLong', { max: MAX_PASSWORD });
        if (Object.keys(errors).length) {
          fieldErrors(errors);
          return;
        }
        var existing = known.some(function (a) {
          return a.id === values.email.toLowerCase();
        });
        submit.disabled = true;
        submit.textContent = t('accounts.add.busy');
        api('POST', '/accounts', values).then(function (res) {
          if (!stillShowing(view)) return;
          submit.disabled = false;
          submit.textContent = t('accounts.add.submit');
          if (res.status === 401) return sessionEnded();
          if (res.ok && res.json) {
            var added = res.json;
            form.reset();
            show.checked = false;
            password.type = 'password';
            load(added.id).then(function () {
              say(t(existing ? 'accounts.add.reset' : 'accounts.add.added', { name: added.name, email: added.id }));
            });
            return;
          }
          if (res.status === 400) {
            // The API's reason is in English: only which field it is about is taken from it.
            var reason = apiMessage(res);
            if (/password/i.test(reason)) fieldErrors({ password: values.password.length < MIN_PASSWORD ? t('accounts.add.passwordTooShort', { min: MIN_PASSWORD, length: values.password.length }) : t('accounts.add.passwordRejected', { min: MIN_PASSWORD, max: MAX_PASSWORD }) });
            else if (/e-?mail/i.test(reason)) fieldErrors({ email: t('accounts.add.emailInvalid') });
            else formFailure(t('accounts.add.invalid'));
            return;
          }
          if (res.status === 403) {
            if (/another organisation/i.test(apiMessage(res))) fieldErrors({ email: t('accounts.add.otherOrganisation', { email: values.email, organisation: organisation }) });
            else formFailure(t('accounts.forbidden'));
            return;
          }
          formFailure(failure(res));
        });
      });
      return form;
    }

    load(null, true);
  }

  /* ---------- other ---------- */

  function renderUnknown() {
    startView(t('error.notFound'));
    el.view.appendChild(backLink());
  }

  /* ---------- start ---------- */

  function start() {
    el.view = document.getElementById('view');
    el.alert = document.getElementById('alert');
    el.status = document.getElementById('status');
    el.nav = document.getElementById('nav');
    el.navCases = document.getElementById('nav-cases');
    el.navAudit = document.getElementById('nav-audit');
    el.navAuditItem = document.getElementById('nav-audit-item');
    el.navAccounts = document.getElementById('nav-accounts');
    el.navAccountsItem = document.getElementById('nav-accounts-item');
    el.who = document.getElementById('who');
    el.whoText = document.getElementById('who-text');
    el.signOut = document.getElementById('sign-out');
    el.skip = document.getElementById('skip');
    el.brand = document.getElementById('brand');

    fetch('/staff/strings', { credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('strings ' + res.status);
        return res.json();
      })
      .then(function (json) {
        strings = json && json.strings ? json.strings : json || {};
        if (strings.htmlLang) document.documentElement.lang = strings.htmlLang;
        formats();
        el.brand.textContent = t('app.name');
        el.nav.setAttribute('aria-label', t('app.navLabel'));
        el.navCases.textContent = t('app.navCases');
        el.navAudit.textContent = t('app.navAudit');
        el.navAccounts.textContent = t('app.navAccounts');
        el.signOut.textContent = t('app.signOut');
        el.skip.textContent = t('app.skip');
        el.skip.hidden = false;
        el.skip.addEventListener('click', function (event) {
          // The address after # is the view; the skip link only moves the focus.
          event.preventDefault();
          var title = document.getElementById('view-title');
          (title || document.getElementById('main')).focus();
        });
        el.signOut.addEventListener('click', signOut);
        window.addEventListener('hashchange', route);
        // Back from Microsoft sign-in without a session: say why, once (a reload does not repeat it).
        var signin = new URLSearchParams(window.location.search).get('signin');
        if (signin === 'notstaff') signInNotice = t('signIn.notStaff');
        else if (signin === 'failed') signInNotice = t('signIn.failed');
        if (signin !== null && window.history && window.history.replaceState) window.history.replaceState(null, '', window.location.pathname + window.location.hash);
        return Promise.all([api('GET', '/me'), api('GET', '/signin-options')]);
      })
      .then(function (both) {
        var res = both[0];
        var options = both[1];
        if (options.ok && options.json) signInOptions = { local: options.json.local !== false, entra: options.json.entra === true };
        var notice = signInNotice;
        signInNotice = null;
        if (res.ok && res.json) {
          me = res.json;
          showSignedIn();
          route();
          if (notice) warn(notice);
        } else if (res.status === 401) {
          renderSignIn(notice);
        } else {
          renderSignIn(notice);
          warn(failure(res));
        }
      })
      .catch(function () {
        clear(el.view);
        el.view.appendChild(h('p', { className: 'notice notice--error' }, strings && strings.error ? t('error.strings') : 'Personalsidans texter kunde inte hämtas.'));
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
