/*
 * The staff page's shared pieces: its texts (GET /staff/strings, locales/sv/staff-page.yaml), building
 * elements (strings are only ever set as text, never as HTML), the live regions that announce what
 * happened, the API under /staff/api, and the start of every view. The views are modules of their
 * own (list.js, case.js, journal.js, audit.js, admin.js), started by main.js.
 *
 * Shared state is exported as live bindings (`me`, `strings`, `signInOptions`) and changed only
 * through the setters here, so every module sees the same signed-in person and texts.
 */

export var API = '/staff/api';
export var REFERENCE = /^NV-\d{4}-\d{6}$/;

export var strings = {};
export var me = null;
/** The ways of signing in this service offers (GET /staff/api/signin-options). */
export var signInOptions = { local: true, entra: false };
/** Increases with every view shown, so that an answer for a view that was left is dropped. */
var viewSeq = 0;
/** The page's fixed elements (header, live regions, the view), found once at start. */
export var el = {};
/** What to do when the session ends in the middle (main.js shows the sign-in form). */
var onSessionEnded = null;

export function setStrings(value) {
  strings = value;
}
export function setMe(value) {
  me = value;
}
export function setSignInOptions(value) {
  signInOptions = value;
}
export function whenSessionEnds(fn) {
  onSessionEnded = fn;
}

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

/** A unit's status (ny, pågår, avslutad, återöppnad) as a badge. */
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
  setMe(null);
  if (onSessionEnded) onSessionEnded();
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


function clearAlertOnly() {
  el.alert.textContent = '';
}

function option(value, text, selected) {
  return h('option', { value: value, selected: selected ? true : undefined }, text);
}

/** The English message of an API error, to tell refusals apart (never shown). */
function apiMessage(res) {
  return res.json && res.json.error && typeof res.json.error.message === 'string' ? res.json.error.message : '';
}

/**
 * Goes to a view. keepFocus: the filters were changed, so the list is shown again without moving
 * the focus away from the filter the person is using.
 */
var keepFocusOnce = null;
var router = null;
function navigate(hash, keepFocus) {
  if (keepFocus && document.activeElement && document.activeElement.id) keepFocusOnce = document.activeElement.id;
  if (window.location.hash === hash) router();
  else window.location.hash = hash;
}
/** The id of the element to keep the focus on once (after navigate with keepFocus), and forgets it. */
function takeKeepFocus() {
  var id = keepFocusOnce;
  keepFocusOnce = null;
  return id;
}
function setRouter(fn) {
  router = fn;
}

/** The Swedish local time of a date (YYYY-MM-DD) as the page shows it: "2026-11-02". */
function formatDay(value) {
  return value || '';
}

export { lookup, t, tCount, organisationName, topicName, formats, asDate, formatDateTime, formatDateTimeSeconds, formatDate, formatTime, time, h, append, clear, uid, section, badge, statusBadge, urgentBadge, say, announce, warn, clearMessages, api, failure, sessionEnded, startView, stillShowing, loading, clearAlertOnly, option, apiMessage, navigate, takeKeepFocus, setRouter, formatDay };
