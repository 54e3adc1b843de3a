/*
 * A unit's part of a case: its status (ny, pågår, avslutad, återöppnad), who has it, when it is due
 * (overdue in words and colour), its urgency, and its journal of notes and contacts with the person,
 * which only the unit's own staff see. The actions: take it, give it to a colleague in the unit,
 * write a note or a contact while it is open, close it (with a note), reopen it, and, for an urgent
 * case, judge whether it is still urgent (with a note: reminders stop when it is not).
 */
import { api, failure, h, me, option, section, sessionEnded, statusBadge, t, time, uid, urgentBadge, warn, badge } from './core.js';

function todayInSweden() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function cssId(unit) {
  return String(unit).replace(/[^a-z0-9_-]/gi, '-');
}

/** One journal line, in Swedish, with its time. */
function journalLine(e) {
  var text;
  if (e.kind === 'assigned') text = e.assignee && e.assignee.id !== e.by ? t('journal.assigned', { assignee: e.assignee.name, name: e.byName }) : t('journal.assignedSelf', { name: e.byName });
  else if (e.kind === 'status') text = t('journal.status.' + e.status, { name: e.byName });
  else if (e.kind === 'reclassified') text = t(e.urgent ? 'journal.stillUrgent' : 'journal.notUrgent', { name: e.byName });
  else text = t('journal.' + e.kind, { name: e.byName });
  return h('li', { className: 'journal__entry journal__entry--' + e.kind }, h('p', { className: 'journal__head' }, h('strong', {}, text), ' ', h('span', { className: 'muted nowrap' }, time(e.at))), e.text ? h('p', { className: 'journal__text' }, e.text) : null);
}

/**
 * The part of one unit. `canWork`: the reader works in this unit (false when they read the case
 * outside their unit, with a reason: then it is shown, not changed). `changed(text)` shows the case
 * again and says `text`.
 */
export function workPanel(c, w, unitName, canWork, changed) {
  var overdue = w.status !== 'closed' && w.due < todayInSweden();
  var mine = w.assignee && me && w.assignee.id === me.id;
  var headingId = 'work-' + cssId(w.unit);
  var facts = h(
    'dl',
    { className: 'facts__list work__facts' },
    h('dt', {}, t('work.status')),
    h('dd', { className: 'work-status' }, statusBadge(w.status)),
    h('dt', {}, t('work.assignee')),
    h('dd', { className: 'work-assignee' }, w.assignee ? (mine ? t('work.you', { name: w.assignee.name }) : w.assignee.name) : h('span', { className: 'muted' }, t('work.nobody'))),
    h('dt', {}, t('work.due')),
    h('dd', { className: 'work-due' + (overdue ? ' is-overdue' : '') }, h('time', { datetime: w.due }, w.due), overdue ? [' ', badge('overdue', t('work.overdue'), '!')] : null),
    h('dt', {}, t('work.urgency')),
    h('dd', { className: 'work-urgency' }, w.urgent ? urgentBadge() : t('work.notUrgent')),
  );
  var journal = w.journal && w.journal.length ? h('ol', { className: 'journal' }, w.journal.map(journalLine)) : h('p', { className: 'muted' }, t('journal.none'));
  var children = [facts];
  if (canWork) children.push(actions(c, w, unitName, mine, changed));
  children.push(h('h3', {}, t('journal.title')), journal);
  var part = h('section', { className: 'work', 'aria-labelledby': headingId, 'data-unit': w.unit });
  part.appendChild(h('h2', { id: headingId, tabindex: '-1' }, t('work.title', { unit: unitName })));
  children.forEach(function (child) {
    part.appendChild(child);
  });
  return part;
}

/** Sends one change of this unit's part; on success the case is shown again and `doneText` said. */
function send(c, w, what, body, button, doneText, changed) {
  button.disabled = true;
  var payload = { unit: w.unit };
  for (var k in body) payload[k] = body[k];
  api('POST', '/cases/' + encodeURIComponent(c.reference) + '/' + what, payload).then(function (res) {
    button.disabled = false;
    if (res.status === 401) return sessionEnded();
    if (res.status === 409) {
      warn(t('work.conflict'));
      changed(t('work.conflict'));
      return;
    }
    if (!res.ok) {
      warn(res.status === 403 ? t('work.forbidden') : res.status === 400 ? t('work.invalid') : failure(res));
      return;
    }
    changed(doneText);
  });
}

function actions(c, w, unitName, mine, changed) {
  var closed = w.status === 'closed';
  var holder = h('div', { className: 'work__actions' });
  var buttons = h('div', { className: 'buttons' });
  if (!closed && !mine) {
    var take = h('button', { type: 'button', className: 'btn btn--primary', id: 'take-' + cssId(w.unit) }, w.assignee ? t('work.takeOver') : t('work.take'));
    take.addEventListener('click', function () {
      send(c, w, 'take', {}, take, t('work.took', { reference: c.reference }), changed);
    });
    buttons.appendChild(take);
  }
  if (buttons.childNodes.length) holder.appendChild(buttons);
  if (!closed) {
    holder.appendChild(assignForm(c, w, changed));
    holder.appendChild(noteForm(c, w, changed));
  }
  holder.appendChild(statusForm(c, w, changed));
  if (c.urgent) holder.appendChild(reclassifyForm(c, w, changed));
  return holder;
}

/** Give the case to a colleague in the unit: the colleagues come from the server (members of the unit). */
function assignForm(c, w, changed) {
  var selectId = uid('assignee');
  var select = h('select', { id: selectId, name: 'assignee' }, option('', t('work.chooseColleague'), true));
  var submit = h('button', { type: 'submit', className: 'btn', id: 'assign-' + cssId(w.unit) }, t('work.assign'));
  var form = h('form', { className: 'assign-form inline-form' }, h('div', { className: 'field' }, h('label', { for: selectId }, t('work.assignLabel')), select), submit);
  api('GET', '/colleagues').then(function (res) {
    if (!res.ok || !res.json) return;
    (res.json.colleagues || [])
      .filter(function (m) {
        return m.units.indexOf(w.unit) >= 0 && (!w.assignee || m.id !== w.assignee.id);
      })
      .forEach(function (m) {
        select.appendChild(option(m.id, m.name + (me && m.id === me.id ? ' ' + t('work.youSuffix') : ''), false));
      });
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!select.value) {
      warn(t('work.chooseFirst'));
      select.focus();
      return;
    }
    var name = select.options[select.selectedIndex].textContent;
    send(c, w, 'assign', { assignee: select.value }, submit, t('work.assigned', { name: name, reference: c.reference }), changed);
  });
  return form;
}

/** A note, or a contact with the person, in the unit's journal (only while the part is open). */
function noteForm(c, w, changed) {
  var textId = uid('note');
  var kindId = uid('note-kind');
  var text = h('textarea', { id: textId, name: 'text', rows: '3', maxlength: '4000', 'aria-describedby': textId + '-hint' });
  var kind = h('select', { id: kindId, name: 'kind' }, option('note', t('journal.kindNote'), true), option('contact', t('journal.kindContact'), false));
  var submit = h('button', { type: 'submit', className: 'btn btn--primary', id: 'note-' + cssId(w.unit) }, t('journal.save'));
  var form = h(
    'form',
    { className: 'note-form' },
    h('h3', {}, t('journal.add')),
    h('div', { className: 'field' }, h('label', { for: kindId }, t('journal.kind')), kind),
    h('div', { className: 'field' }, h('label', { for: textId }, t('journal.text')), h('p', { className: 'hint', id: textId + '-hint' }, t('journal.hint')), text),
    h('div', { className: 'buttons' }, submit),
  );
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!text.value.trim()) {
      warn(t('journal.empty'));
      text.focus();
      return;
    }
    send(c, w, 'notes', { kind: kind.value, text: text.value.trim() }, submit, t('journal.saved'), changed);
  });
  return form;
}

/** Close (open parts) or reopen (a closed part), with an optional note. */
function statusForm(c, w, changed) {
  var closed = w.status === 'closed';
  var noteId = uid('status-note');
  var note = h('textarea', { id: noteId, name: 'note', rows: '2', maxlength: '4000' });
  var submit = h('button', { type: 'submit', className: 'btn', id: (closed ? 'reopen-' : 'close-') + cssId(w.unit) }, closed ? t('work.reopen') : t('work.close'));
  var form = h(
    'form',
    { className: 'status-form' },
    h('h3', {}, closed ? t('work.reopenTitle') : t('work.closeTitle')),
    h('div', { className: 'field' }, h('label', { for: noteId }, t('work.statusNote')), note),
    h('div', { className: 'buttons' }, submit),
  );
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = note.value.trim() ? { note: note.value.trim() } : {};
    send(c, w, closed ? 'reopen' : 'close', body, submit, closed ? t('work.reopened', { reference: c.reference }) : t('work.closed', { reference: c.reference }), changed);
  });
  return form;
}

/** For an urgent case: is it still urgent for this unit? With a note (audited); reminders stop when not. */
function reclassifyForm(c, w, changed) {
  var noteId = uid('reclassify-note');
  var name = uid('urgent-choice');
  var still = h('input', { type: 'radio', id: name + '-yes', name: name, value: 'true', checked: w.urgent ? true : undefined });
  var not = h('input', { type: 'radio', id: name + '-no', name: name, value: 'false', checked: w.urgent ? undefined : true });
  var note = h('textarea', { id: noteId, name: 'note', rows: '2', maxlength: '4000', 'aria-describedby': noteId + '-hint' });
  var submit = h('button', { type: 'submit', className: 'btn', id: 'reclassify-' + cssId(w.unit) }, t('reclassify.save'));
  var form = h(
    'form',
    { className: 'reclassify-form' },
    h(
      'fieldset',
      {},
      h('legend', {}, t('reclassify.title')),
      h('p', { className: 'check' }, still, h('label', { for: name + '-yes' }, t('reclassify.still'))),
      h('p', { className: 'check' }, not, h('label', { for: name + '-no' }, t('reclassify.not'))),
      h('div', { className: 'field' }, h('label', { for: noteId }, t('reclassify.note')), h('p', { className: 'hint', id: noteId + '-hint' }, t('reclassify.hint')), note),
      h('div', { className: 'buttons' }, submit),
    ),
  );
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!note.value.trim()) {
      warn(t('reclassify.noteMissing'));
      note.focus();
      return;
    }
    send(c, w, 'reclassify', { urgent: still.checked, note: note.value.trim() }, submit, t('reclassify.saved'), changed);
  });
  return form;
}
