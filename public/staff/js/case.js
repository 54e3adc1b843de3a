/*
 * One case (#/cases/NV-…): the key facts first (about the person, in the third person: who, where,
 * how to reach them, language and interpreter, SIP wish, who gave consent and whether the person can
 * decide), the reader's units' part (journal.js), why it is urgent (the sentence that raised the
 * alarm, its level and category, the person's own correction), the summary, the conversation and
 * the deliveries. A case of another unit of one's organisation is read only after stating a reason.
 * #/cases/NV-…/utskrift is the print view: the key facts and the summary, the conversation only
 * when asked for.
 */
import { sessionEnded, API, REFERENCE, announce, api, clearMessages, el, failure, formatDate, formatDateTime, formatTime, h, loading, say, section, startView, stillShowing, strings, t, tCount, time, uid, urgentBadge } from './core.js';
import { lastList } from './list.js';
import { workPanel } from './journal.js';

export function renderCase(reference, after) {
  var view = startView(t('case.title', { reference: reference }), !after);
  if (!after) clearMessages();
  el.view.insertBefore(backLink(), view.h1);
  fetchCase(view, reference, function (res) {
    if (res.status === 403 && res.json && res.json.error && res.json.error.code === 'OutsideUnit') return outsideUnit(view, reference);
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

/**
 * A case sent to another unit of the reader's organisation: said plainly, with a way to read it
 * anyway after writing why (the reason goes into the audit log with the read).
 */
function outsideUnit(view, reference) {
  view.h1.textContent = t('case.outsideTitle');
  var reasonId = uid('reason');
  var errorId = uid('reason-error');
  var reason = h('textarea', { id: reasonId, name: 'reason', rows: '3', maxlength: '500', 'aria-describedby': reasonId + '-hint ' + errorId });
  var error = h('p', { className: 'form-error', id: errorId, role: 'alert' });
  var submit = h('button', { type: 'submit', className: 'btn btn--primary', id: 'outside-submit' }, t('case.outsideSubmit'));
  var form = h(
    'form',
    { className: 'outside-form', id: 'outside-form', 'aria-labelledby': 'view-title' },
    h('p', { className: 'notice', id: 'case-outside' }, t('case.outside', { reference: reference })),
    h('div', { className: 'field' }, h('label', { for: reasonId }, t('case.outsideReason')), h('p', { className: 'hint', id: reasonId + '-hint' }, t('case.outsideHint')), error, reason),
    h('div', { className: 'buttons' }, submit, h('a', { className: 'btn btn--quiet', href: lastList }, t('case.back'))),
  );
  el.view.appendChild(form);
  announce(t('case.outside', { reference: reference }));
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = reason.value.trim();
    if (text.length < 10) {
      error.textContent = t('case.outsideTooShort');
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    submit.disabled = true;
    api('POST', '/cases/' + encodeURIComponent(reference) + '/read-outside', { reason: text }).then(function (res) {
      if (!stillShowing(view)) return;
      submit.disabled = false;
      if (!res.ok || !res.json) {
        error.textContent = res.status === 403 ? t('case.forbidden', { reference: reference }) : failure(res);
        return;
      }
      form.parentNode.removeChild(form);
      view.h1.textContent = t('case.title', { reference: reference });
      showCase(view, res.json);
      view.h1.focus();
      say(t('case.outsideRead'));
    });
  });
}

/**
 * Fetches the case for a view (a malformed reference is said at once); `then` gets the answer unless
 * the view was left meanwhile or the session ended.
 */
function fetchCase(view, reference, then) {
  if (!REFERENCE.test(reference)) {
    el.view.appendChild(h('p', { className: 'notice notice--error' }, t('case.badReference', { reference: reference })));
    return;
  }
  var done = loading();
  api('GET', '/cases/' + encodeURIComponent(reference)).then(function (res) {
    if (!stillShowing(view)) return;
    done();
    if (res.status === 401) return sessionEnded();
    then(res);
  });
}

function backLink() {
  return h('p', { className: 'back no-print' }, h('a', { href: lastList, id: 'back' }, h('span', { 'aria-hidden': 'true' }, '← '), t('case.back')));
}

function showCase(view, data) {
  var c = data.case;
  if (data.outsideUnit) el.view.appendChild(h('p', { className: 'notice notice--outside', id: 'outside-banner' }, t('case.outsideBanner')));
  var works = Object.keys(c.work || {}).map(function (k) {
    return c.work[k];
  });
  // The alarm stays on the case; the reader's units may have judged it no longer urgent for them.
  var judgedCalm =
    works.length > 0 &&
    works.every(function (w) {
      return !w.urgent;
    });
  if (c.urgent) el.view.appendChild(urgentBanner(c, judgedCalm));
  var canWork = data.workUnits || [];
  var parts = works.map(function (w) {
    return workPanel(c, w, unitName(c, w.unit), canWork.indexOf(w.unit) >= 0, function (doneText) {
      renderCase(c.reference, function () {
        var heading = document.getElementById('work-' + cssId(w.unit));
        if (heading) heading.focus();
        say(doneText);
      });
    });
  });
  var mainCol = h('div', { className: 'case__main' }, summary(c), conversation(c, data.transcript || [], data.shared), deliveryHistory(data.deliveries || []));
  var side = h('div', { className: 'case__side' }, keyFacts(data.keyFacts || []), parts, caseMeta(c), exportsAndPrint(c));
  el.view.appendChild(h('div', { className: 'case' }, side, mainCol));
}

export function cssId(unit) {
  return String(unit).replace(/[^a-z0-9_-]/gi, '-');
}

function unitName(c, unit) {
  var r = (c.recipients || []).filter(function (x) {
    return x.key === unit;
  })[0];
  return r ? r.contactName : unit;
}

/**
 * Why the case is urgent: the safety net's signal (issue 19 fills the risk record from the
 * conversation: each sentence, its level and category, and the person's own correction).
 */
function urgentBanner(c, judgedCalm) {
  var risk = c.risk || null;
  var categories = (c.riskCategories || []).map(function (r) {
    return t('risk.' + r);
  });
  var triggers = risk && risk.triggers ? risk.triggers : [];
  // Judged no longer urgent by the reader's units: the alarm and its reasons stay (staff see why),
  // but not the red call to act at once.
  return h(
    'div',
    { className: judgedCalm ? 'urgent-banner urgent-banner--judged' : 'urgent-banner', id: 'urgent-banner' },
    judgedCalm ? h('p', { className: 'urgent-judged', id: 'urgent-judged' }, t('urgent.judgedCalm')) : h('p', {}, urgentBadge(), ' ', t('urgent.caseBanner')),
    categories.length ? h('p', {}, t('urgent.risk', { categories: categories.join(', ') })) : null,
    triggers.length
      ? h(
          'ul',
          { className: 'risk-triggers' },
          triggers.map(function (tr) {
            return h(
              'li',
              {},
              h('span', { className: 'risk-level' }, t('urgent.level.' + tr.level), tr.category ? ' – ' + t('risk.' + tr.category) : '', ': '),
              h('q', { className: 'risk-sentence' }, tr.sentence),
            );
          }),
        )
      : null,
    risk && risk.correction ? h('p', { className: 'risk-correction' }, t('urgent.correction'), ' ', h('q', {}, risk.correction.text), ' ', h('span', { className: 'muted small' }, time(risk.correction.at))) : null,
  );
}

/** The key facts, first: about the person, in the third person. */
function keyFacts(facts) {
  return section(2, t('case.keyFacts'), 'key-facts', [
    h(
      'dl',
      { className: 'facts__list', id: 'key-facts' },
      facts.map(function (f) {
        return [h('dt', {}, f.label), h('dd', { className: f.attention ? 'attention' : null, 'data-fact': f.id }, f.value)];
      }),
    ),
  ]);
}

function fact(label, value) {
  return [h('dt', {}, label), h('dd', {}, value)];
}

/** When the case came in, in which language, what it is about, who else received it. */
function caseMeta(c) {
  var language = strings.languages && strings.languages[c.locale] ? strings.languages[c.locale] : c.locale;
  var suggested = (c.suggestedTopics || []).map(topicNameOf);
  var recipients = (c.recipients || []).filter(function (r) {
    return r.consent;
  });
  return section(2, t('case.facts'), 'facts', [
    h(
      'dl',
      { className: 'facts__list' },
      fact(t('case.created'), time(c.createdAt)),
      language ? fact(t('case.language'), language) : null,
      fact(t('case.topics'), (c.topics || []).map(topicNameOf).join(', ')),
      suggested.length ? fact(t('case.suggestedTopics'), suggested.join(', ')) : null,
      recipients.length
        ? fact(
            t('case.recipients'),
            h(
              'ul',
              { className: 'plain' },
              recipients.map(function (r) {
                return h('li', {}, r.contactName);
              }),
            ),
          )
        : null,
    ),
  ]);
}

function topicNameOf(topic) {
  var names = strings.topics || {};
  return names[topic] || topic;
}

function exportsAndPrint(c) {
  var reference = c.reference;
  return h(
    'div',
    { className: 'exports no-print' },
    h('h2', {}, t('case.export')),
    h(
      'ul',
      { className: 'plain' },
      h('li', {}, h('a', { href: '#/cases/' + encodeURIComponent(reference) + '/utskrift', id: 'print-view' }, t('case.printView'))),
      h('li', {}, h('a', { href: API + '/cases/' + encodeURIComponent(reference) + '/export', download: reference + '.txt', id: 'export-text' }, t('case.exportText'))),
      h('li', {}, h('a', { href: API + '/cases/' + encodeURIComponent(reference) + '/export?format=json', download: reference + '.json', id: 'export-json' }, t('case.exportJson'))),
    ),
  );
}

/**
 * The print view: the key facts and the summary on paper; the conversation (often many pages) only
 * when the box is ticked. Reading it is audited as a read of the case, like the case view.
 */
export function renderPrint(reference) {
  var view = startView(t('print.title', { reference: reference }));
  clearMessages();
  el.view.insertBefore(h('p', { className: 'back no-print' }, h('a', { href: '#/cases/' + encodeURIComponent(reference), id: 'back' }, h('span', { 'aria-hidden': 'true' }, '← '), t('print.back'))), view.h1);
  fetchCase(view, reference, function (res) {
    if (!res.ok || !res.json || !res.json.case) {
      el.view.appendChild(h('p', { className: 'notice notice--error' }, res.status === 403 ? t('case.forbidden', { reference: reference }) : failure(res)));
      return;
    }
    var c = res.json.case;
    var withTranscript = h('input', { type: 'checkbox', id: 'print-transcript' });
    var printButton = h('button', { type: 'button', className: 'btn btn--primary', id: 'print-now', onclick: function () { window.print(); } }, t('print.print'));
    el.view.appendChild(h('div', { className: 'print-tools no-print' }, h('p', { className: 'check' }, withTranscript, h('label', { for: 'print-transcript' }, t('print.withTranscript'))), h('div', { className: 'buttons' }, printButton)));
    el.view.appendChild(h('p', { className: 'print-meta' }, t('print.meta', { created: formatDateTime(c.createdAt), printed: formatDateTime(new Date().toISOString()) })));
    el.view.appendChild(keyFacts(res.json.keyFacts || []));
    el.view.appendChild(summary(c));
    var transcript = conversation(c, res.json.transcript || [], res.json.shared);
    transcript.hidden = true;
    transcript.id = 'print-conversation';
    el.view.appendChild(transcript);
    withTranscript.addEventListener('change', function () {
      transcript.hidden = !withTranscript.checked;
    });
  });
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

// shared: what the person agreed these units may read ('summary' or 'conversation'; issue 18).
function conversation(c, transcript, shared) {
  if (shared === 'summary') return section(2, t('case.transcript'), 'transcript', [h('p', { className: 'shared-note' }, t('case.sharedSummaryOnly'))], null);
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
  var agreed = shared === 'conversation' ? [h('p', { className: 'shared-note' }, t('case.sharedConversation'))] : [];
  return section(2, t('case.transcript'), 'transcript', agreed.concat([items.length ? h('ol', { className: 'messages-list' }, items) : h('p', { className: 'muted' }, t('case.transcriptNone'))]), items.length ? count : null);
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
