/*
 * The staff page (served at /staff/): plain JavaScript as ES modules, no framework, no build step.
 * This module starts the page, signs in and out, and shows the view the address asks for:
 *
 *   #/cases?q=…&mine=…&overdue=…&status=…&urgent=…&municipality=…&from=…&to=…&sort=…   list.js
 *   #/cases/NV-2026-000123                 one case (case.js), its units' parts (journal.js)
 *   #/cases/NV-2026-000123/utskrift        the print view (case.js)
 *   #/audit                                the audit log (audit.js, administrators)
 *   #/accounts, #/units                    staff accounts and who works in which unit (admin.js)
 *
 * Without a session the sign-in form is shown in place of the view, and the requested view follows
 * once signed in. Every text comes from GET /staff/strings (locales/sv/staff-page.yaml); everything
 * else from the staff API under /staff/api. Residents' words are only ever set as text, never as HTML.
 */
import { api, clear, clearMessages, el, failure, h, me, organisationName, say, setMe, setRouter, setSignInOptions, setStrings, signInOptions, startView, stillShowing, strings, t, takeKeepFocus, uid, warn, whenSessionEnds, formats } from './core.js';
import { renderList } from './list.js';
import { renderCase, renderPrint } from './case.js';
import { renderAudit } from './audit.js';
import { managesAccounts, renderAccounts, renderUnits } from './admin.js';

/** What the way back from Microsoft sign-in said (?signin=notstaff or failed), shown once. */
var signInNotice = null;

/* ---------- routing ---------- */

function currentRoute() {
  var hash = window.location.hash.replace(/^#/, '');
  var path = hash.split('?')[0];
  var query = new URLSearchParams(hash.indexOf('?') >= 0 ? hash.slice(hash.indexOf('?') + 1) : '');
  if (path === '' || path === '/' || path === '/cases' || path === '/cases/') return { view: 'list', query: query };
  var m = /^\/cases\/([^/]+)$/.exec(path);
  if (m) return { view: 'case', reference: decodeURIComponent(m[1]) };
  var p = /^\/cases\/([^/]+)\/utskrift$/.exec(path);
  if (p) return { view: 'print', reference: decodeURIComponent(p[1]) };
  if (path === '/audit') return { view: 'audit' };
  if (path === '/accounts') return { view: 'accounts' };
  if (path === '/units') return { view: 'units' };
  return { view: 'unknown' };
}

function route() {
  if (!me) {
    takeKeepFocus();
    return renderSignIn();
  }
  var r = currentRoute();
  markNavigation(r.view);
  if (r.view === 'list') return renderList(r.query);
  if (r.view === 'case') return renderCase(r.reference);
  if (r.view === 'print') return renderPrint(r.reference);
  if (r.view === 'audit') return renderAudit();
  if (r.view === 'accounts') return renderAccounts();
  if (r.view === 'units') return renderUnits();
  return renderUnknown();
}

function markNavigation(view) {
  el.navCases.removeAttribute('aria-current');
  el.navAudit.removeAttribute('aria-current');
  el.navAccounts.removeAttribute('aria-current');
  el.navUnits.removeAttribute('aria-current');
  if (view === 'units') el.navUnits.setAttribute('aria-current', 'page');
  if (view === 'list') el.navCases.setAttribute('aria-current', 'page');
  if (view === 'audit') el.navAudit.setAttribute('aria-current', 'page');
  if (view === 'accounts') el.navAccounts.setAttribute('aria-current', 'page');
}

/* ---------- the header ---------- */

function showSignedIn() {
  el.nav.hidden = false;
  el.navAuditItem.hidden = me.role !== 'admin';
  el.navAccountsItem.hidden = !managesAccounts();
  el.navUnitsItem.hidden = me.role !== 'admin';
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
      setMe(res.json);
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
    setMe(null);
    showSignedOut();
    // The next person to sign in on this computer starts at the list.
    if (window.history && window.history.replaceState) window.history.replaceState(null, '', window.location.pathname + window.location.search + '#/cases');
    renderSignIn();
    say(t('app.signedOut'));
  });
}
/* ---------- other ---------- */

function renderUnknown() {
  startView(t('error.notFound'));
  el.view.appendChild(h('p', { className: 'back' }, h('a', { href: '#/cases', id: 'back' }, h('span', { 'aria-hidden': 'true' }, '← '), t('case.back'))));
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
  el.navUnits = document.getElementById('nav-units');
  el.navUnitsItem = document.getElementById('nav-units-item');
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
      setStrings(json && json.strings ? json.strings : json || {});
      if (strings.htmlLang) document.documentElement.lang = strings.htmlLang;
      formats();
      el.brand.textContent = t('app.name');
      el.nav.setAttribute('aria-label', t('app.navLabel'));
      el.navCases.textContent = t('app.navCases');
      el.navAudit.textContent = t('app.navAudit');
      el.navAccounts.textContent = t('app.navAccounts');
      el.navUnits.textContent = t('app.navUnits');
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
      setRouter(route);
      whenSessionEnds(function () {
        showSignedOut();
        renderSignIn(t('signIn.expired'));
      });
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
      if (options.ok && options.json) setSignInOptions({ local: options.json.local !== false, entra: options.json.entra === true });
      var notice = signInNotice;
      signInNotice = null;
      if (res.ok && res.json) {
        setMe(res.json);
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

// A module runs once the document is parsed: start at once.
start();
