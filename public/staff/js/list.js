/*
 * The case list (#/cases?…): the cases sent to the signed-in person's units, with one search box
 * (reference, name, personnummer or phone: the server tells which, and audits the search), "Mina
 * ärenden" and "Försenade" as quick choices, filters that fit the account (no municipality filter
 * for a municipality: all its cases are its own), sorting, and for each case the person's own
 * units' status, assignee and due date, overdue in words and colour.
 */
import { sessionEnded, announce, api, clearAlertOnly, el, failure, h, loading, me, navigate, option, organisationName, startView, statusBadge, stillShowing, strings, t, tCount, takeKeepFocus, time, topicName, urgentBadge, badge } from './core.js';

var FILTERS = ['q', 'mine', 'overdue', 'status', 'urgent', 'municipality', 'from', 'to', 'sort'];
var STATUSES = ['open', 'new', 'in_progress', 'reopened', 'closed'];

/** The list as last shown (with its filters), for the way back from a case. */
export var lastList = '#/cases';

/** Only the Region and the shared guidance receive cases from several municipalities. */
function seesSeveralMunicipalities() {
  return !(strings.municipalities || []).some(function (m) {
    return m.id === me.organisationId;
  });
}

export function renderList(query) {
  var keep = takeKeepFocus();
  var view = startView(t('list.title'), !keep);
  lastList = window.location.hash && window.location.hash.indexOf('#/cases') === 0 ? window.location.hash : '#/cases';
  clearAlertOnly();
  var filters = {};
  FILTERS.forEach(function (name) {
    var v = query.get(name);
    if (v) filters[name] = v;
  });
  if (!seesSeveralMunicipalities()) delete filters.municipality;

  el.view.appendChild(h('p', { className: 'lead' }, t('list.intro', { organisation: organisationName(me.organisationId) })));
  if (!me.units || !me.units.length) {
    el.view.appendChild(h('p', { className: 'notice', id: 'no-units' }, t('list.noUnits')));
    announce(t('list.noUnits'));
    return;
  }
  el.view.appendChild(searchForm(filters));
  el.view.appendChild(quickChoices(filters));
  el.view.appendChild(filterForm(filters));
  if (keep) {
    var kept = document.getElementById(keep);
    if (kept) kept.focus();
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
      var bad = filters.q ? t('list.badSearch') : t('list.badFilter');
      el.view.appendChild(h('p', { className: 'notice notice--error', id: 'list-error' }, bad));
      announce(bad);
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
    // Counted by the server over all the units' cases: the list may show only some.
    var waiting = res.json.urgentWaiting || 0;
    var overdue = res.json.overdue || 0;
    var notices = [];
    if (waiting > 0) {
      var onlyUrgentNew = filters.status === 'new' && filters.urgent === 'true';
      notices.push(
        h(
          'p',
          { className: 'notice notice--urgent', id: 'urgent-waiting' },
          h('span', { className: 'badge__icon', 'aria-hidden': 'true' }, '!'),
          tCount('list.urgentWaiting', waiting),
          onlyUrgentNew ? null : [' ', h('a', { href: '#/cases?status=new&urgent=true' }, t('list.showUrgent'))],
        ),
      );
    }
    if (overdue > 0 && filters.overdue !== 'true') {
      notices.push(h('p', { className: 'notice notice--overdue', id: 'overdue-count' }, tCount('list.overdueCount', overdue), ' ', h('a', { href: '#/cases?overdue=true&sort=due' }, t('list.showOverdue'))));
    }
    notices.forEach(function (n) {
      el.view.appendChild(n);
    });
    if (filters.q) el.view.appendChild(h('p', { className: 'hint', id: 'search-kind' }, t('list.searchedFor', { kind: t('list.searchKind.' + (res.json.search || 'name')), text: filters.q })));
    if (cases.length === 0) {
      var none = filters.q ? t('list.noneFound') : filtered ? t('list.none') : t('list.noneAtAll');
      el.view.appendChild(h('p', { className: 'empty', id: 'list-empty' }, none));
      announce(none);
      return;
    }
    var count = total > cases.length ? t('list.countNewest', { shown: cases.length, count: total }) : tCount('list.count', cases.length);
    if (total > cases.length) el.view.appendChild(h('p', { className: 'notice', id: 'list-more' }, count));
    el.view.appendChild(caseTable(cases));
    announce(waiting > 0 ? count + ' ' + tCount('list.urgentWaiting', waiting) : count);
  });
}

/** Where the filters of the list go when one of them changes: the list again, the focus kept. */
function apply(filters, changes) {
  var params = new URLSearchParams();
  var next = {};
  FILTERS.forEach(function (name) {
    next[name] = name in changes ? changes[name] : filters[name];
    if (next[name]) params.set(name, next[name]);
  });
  var qs = params.toString();
  navigate('#/cases' + (qs ? '?' + qs : ''), true);
}

/** One search box: the server recognises a reference, a personnummer, a phone number or a name. */
function searchForm(filters) {
  var input = h('input', { type: 'search', id: 'search', name: 'q', value: filters.q || '', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'search-hint', maxlength: '100' });
  var form = h(
    'form',
    { className: 'search', role: 'search', 'aria-label': t('list.search') },
    h('label', { for: 'search' }, t('list.search')),
    h('p', { className: 'hint', id: 'search-hint' }, t('list.searchHint')),
    h('div', { className: 'search__row' }, input, h('button', { type: 'submit', className: 'btn btn--primary', id: 'search-submit' }, t('list.searchSubmit'))),
  );
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    apply(filters, { q: input.value.trim() });
  });
  return form;
}

/** "Alla", "Mina ärenden", "Försenade": links that are the list's most used filters. */
function quickChoices(filters) {
  var choices = [
    ['all', '#/cases', !filters.mine && !filters.overdue],
    ['mine', '#/cases?mine=true', filters.mine === 'true'],
    ['overdue', '#/cases?overdue=true&sort=due', filters.overdue === 'true'],
  ];
  return h(
    'nav',
    { className: 'quick', 'aria-label': t('list.quickLabel') },
    h(
      'ul',
      {},
      choices.map(function (c) {
        return h('li', {}, h('a', { href: c[1], id: 'quick-' + c[0], 'aria-current': c[2] ? 'page' : undefined }, t('list.quick.' + c[0])));
      }),
    ),
  );
}

function filterForm(filters) {
  var status = h(
    'select',
    { id: 'filter-status', name: 'status' },
    option('', t('list.statusAll'), !filters.status),
    STATUSES.map(function (s) {
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
  var municipality = null;
  if (seesSeveralMunicipalities()) {
    var municipalities = (strings.municipalities || []).slice().sort(function (a, b) {
      return a.name.localeCompare(b.name, 'sv');
    });
    municipality = h(
      'select',
      { id: 'filter-municipality', name: 'municipality' },
      option('', t('list.municipalityAll'), !filters.municipality),
      municipalities.map(function (m) {
        return option(m.scbCode, m.name, filters.municipality === m.scbCode || filters.municipality === m.id);
      }),
    );
  }
  var from = h('input', { type: 'date', id: 'filter-from', name: 'from', value: filters.from || '' });
  var to = h('input', { type: 'date', id: 'filter-to', name: 'to', value: filters.to || '' });
  var sort = h(
    'select',
    { id: 'filter-sort', name: 'sort' },
    ['newest', 'oldest', 'due'].map(function (s) {
      return option(s === 'newest' ? '' : s, t('list.sort.' + s), (filters.sort || 'newest') === s);
    }),
  );
  var form = h(
    'form',
    { className: 'filters', 'aria-label': t('list.filters') },
    h(
      'fieldset',
      {},
      h('legend', {}, t('list.filters')),
      h(
        'div',
        { className: 'filters__fields' },
        h('div', { className: 'field' }, h('label', { for: 'filter-status' }, t('list.status')), status),
        h('div', { className: 'field' }, h('label', { for: 'filter-urgent' }, t('list.urgent')), urgent),
        municipality ? h('div', { className: 'field' }, h('label', { for: 'filter-municipality' }, t('list.municipality')), municipality) : null,
        h('div', { className: 'field' }, h('label', { for: 'filter-from' }, t('list.from')), from),
        h('div', { className: 'field' }, h('label', { for: 'filter-to' }, t('list.to')), to),
        h('div', { className: 'field' }, h('label', { for: 'filter-sort' }, t('list.sortLabel')), sort),
        h(
          'div',
          { className: 'filters__buttons' },
          h('button', { type: 'submit', className: 'btn btn--primary', id: 'filter-apply' }, t('list.apply')),
          h(
            'button',
            {
              type: 'button',
              className: 'btn btn--quiet',
              id: 'filter-clear',
              onclick: function () {
                navigate('#/cases');
              },
            },
            t('list.clear'),
          ),
        ),
      ),
    ),
  );
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    apply(filters, { status: status.value, urgent: urgent.value, municipality: municipality ? municipality.value : '', from: from.value, to: to.value, sort: sort.value });
  });
  return form;
}

/** The person's units' part, in words: status, who has it, when it is due (overdue stands out). */
function workCell(work, what) {
  return work.map(function (w) {
    var several = work.length > 1 ? h('span', { className: 'muted small unit-name' }, w.unitName + ': ') : null;
    if (what === 'status') return h('span', { className: 'work-line' }, several, statusBadge(w.status));
    if (what === 'assignee') return h('span', { className: 'work-line' }, several, w.assignee || h('span', { className: 'muted' }, '–'));
    if (w.status === 'closed') return h('span', { className: 'work-line muted' }, several, '–');
    return h('span', { className: 'work-line' }, several, h('time', { datetime: w.due }, w.due), w.overdue ? [' ', badge('overdue', t('list.overdue'), '!')] : null);
  });
}

function caseTable(cases) {
  var showMunicipality = seesSeveralMunicipalities();
  var cols = ['reference', 'name', 'created', 'status', 'urgent', 'due', 'assignee'].concat(showMunicipality ? ['municipality'] : []).concat(['topics']);
  var caption = h('caption', {}, tCount('list.caption', cases.length));
  var head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      cols.map(function (c) {
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
      var work = c.work || [];
      var urgentNow = work.some(function (w) {
        return w.urgent;
      });
      var overdue = work.some(function (w) {
        return w.overdue;
      });
      var cells = {
        reference: h('th', { scope: 'row', className: 'col-reference', 'data-label': t('list.columns.reference') }, h('a', { href: '#/cases/' + encodeURIComponent(c.reference) }, c.reference)),
        name: h('td', { className: 'col-name', 'data-label': t('list.columns.name') }, c.name || h('span', { className: 'muted' }, t('list.noName'))),
        created: h('td', { className: 'col-created', 'data-label': t('list.columns.created') }, time(c.createdAt)),
        status: h('td', { className: 'col-status', 'data-label': t('list.columns.status') }, workCell(work, 'status')),
        urgent: h('td', { className: 'col-urgent', 'data-label': t('list.columns.urgent') }, urgentNow ? urgentBadge() : h('span', { className: 'muted' }, t('list.notUrgent'))),
        due: h('td', { className: 'col-due', 'data-label': t('list.columns.due') }, workCell(work, 'due')),
        assignee: h('td', { className: 'col-assignee', 'data-label': t('list.columns.assignee') }, workCell(work, 'assignee')),
        municipality: h('td', { className: 'col-municipality', 'data-label': t('list.columns.municipality') }, c.municipality ? c.municipality.name : h('span', { className: 'muted' }, t('list.noMunicipality'))),
        topics: h(
          'td',
          { className: 'col-topics', 'data-label': t('list.columns.topics') },
          topics.join(', '),
          extras.length
            ? h(
                'span',
                { className: 'extras' },
                extras.map(function (x) {
                  return h('span', { className: 'tag' }, x);
                }),
              )
            : null,
        ),
      };
      return h(
        'tr',
        { className: 'case-row' + (urgentNow ? ' is-urgent' : '') + (overdue ? ' is-overdue' : ''), 'data-reference': c.reference },
        cols.map(function (col) {
          return cells[col];
        }),
      );
    }),
  );
  return h('div', { className: 'table-wrap' }, h('table', { className: 'cases stack stack-wide' }, caption, head, body));
}
