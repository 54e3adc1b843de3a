/*
 * The audit log view (#/audit, administrators): the organisation's entries, newest first, whether
 * the whole chain is unbroken, denied attempts only on request, and an export.
 */
import { API, REFERENCE, announce, api, clear, clearMessages, el, failure, formatDateTimeSeconds, h, loading, lookup, me, organisationName, sessionEnded, startView, stillShowing, strings, t, time } from './core.js';


var AUDIT_ROWS = 500;

function chainReason(reason) {
  if (/changed/.test(reason || '')) return t('audit.reasonChanged');
  if (/follow/.test(reason || '')) return t('audit.reasonOrder');
  if (/missing/.test(reason || '')) return t('audit.reasonMissing');
  return t('audit.reasonOther');
}

export function renderAudit() {
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
  var extra = [];
  if (e.unit) extra.push(h('span', { className: 'muted small' }, ' (' + e.unit + ')'));
  // A stated reason (reading outside one's unit) or what a search looked for (numbers only as a keyed hash).
  if (e.reason) extra.push(h('span', { className: 'audit-reason' }, ' – ', t('audit.reason', { reason: e.reason })));
  return [auditTargetOnly(e), extra];
}

function auditTargetOnly(e) {
  if (!e.target) return '–';
  if (REFERENCE.test(e.target)) return h('a', { href: '#/cases/' + encodeURIComponent(e.target) }, e.target);
  if (e.action === 'case.list') return e.target === '(all)' ? t('audit.allCases') : t('audit.filterTarget', { filter: describeFilter(e.target) });
  if (e.action === 'case.search' && e.target === '(none)') return t('audit.noHits');
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

