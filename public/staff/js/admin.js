/*
 * For an organisation's administrators (#/accounts): the organisation's local staff accounts (add,
 * reset a password, disable after a confirmation) and who works in which unit (#/units: local and
 * Microsoft members alike; a unit is a contact point of the directory, and staff see the cases sent
 * to their units).
 */
import { announce, api, apiMessage, badge, clear, clearMessages, el, failure, h, loading, me, option, organisationName, say, section, sessionEnded, signInOptions, startView, stillShowing, t, tCount, uid, warn } from './core.js';


/** The shortest password the API accepts (MIN_PASSWORD_LENGTH in src/staff/accounts.ts). */
var MIN_PASSWORD = 12;
var MAX_PASSWORD = 500;
var MAX_NAME = 200;
/** Close to what the API accepts as an e-mail address; it has the last word. */
var EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[^\s@.]{2,}$/;

/** Local accounts are managed here only by administrators, and only when the service has them on. */
export function managesAccounts() {
  return Boolean(me && me.role === 'admin' && signInOptions.local);
}


export function renderAccounts() {
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

/**
 * #/units: who works in which unit. One form per member, with a checkbox per unit of the
 * organisation; saving sets that member's units (audited). Staff see the cases sent to their units,
 * so this is where need-to-know access is given and taken away.
 */
export function renderUnits() {
  var view = startView(t('units.title'));
  clearMessages();
  if (me.role !== 'admin') {
    el.view.appendChild(h('p', { className: 'notice notice--error', id: 'units-refused' }, t('units.forbidden')));
    announce(t('units.forbidden'));
    return;
  }
  el.view.appendChild(h('p', { className: 'lead' }, t('units.intro', { organisation: organisationName(me.organisationId) })));
  var holder = h('div', { className: 'units' });
  el.view.appendChild(holder);
  var done = loading();
  api('GET', '/members').then(function (res) {
    if (!stillShowing(view)) return;
    done();
    if (res.status === 401) return sessionEnded();
    if (!res.ok || !res.json) {
      holder.appendChild(h('p', { className: 'notice notice--error' }, res.status === 403 ? t('units.forbidden') : failure(res)));
      return;
    }
    var units = res.json.units || [];
    var members = res.json.members || [];
    if (!members.length) {
      holder.appendChild(h('p', { className: 'empty' }, t('units.none')));
      return;
    }
    members.forEach(function (m) {
      holder.appendChild(memberForm(m, units));
    });
    announce(tCount('units.count', members.length));
  });

  function memberForm(m, units) {
    var id = uid('member');
    var boxes = units.map(function (u) {
      var boxId = id + '-' + u.contactType;
      return h(
        'p',
        { className: 'check' },
        h('input', { type: 'checkbox', id: boxId, name: 'unit', value: u.key, checked: m.units.indexOf(u.key) >= 0 ? true : undefined }),
        h('label', { for: boxId }, u.name),
      );
    });
    var save = h('button', { type: 'submit', className: 'btn btn--primary btn--small', 'data-member': m.id }, t('units.save'), h('span', { className: 'visually-hidden' }, ' ' + t('units.saveFor', { name: m.name })));
    var form = h(
      'form',
      { className: 'member-units', 'data-member': m.id },
      h(
        'fieldset',
        {},
        h('legend', {}, m.name, ' ', h('span', { className: 'muted small' }, '(' + m.id + ', ' + t('units.source.' + m.source) + ')')),
        h('div', { className: 'member-units__boxes' }, boxes),
        h('div', { className: 'buttons' }, save),
      ),
    );
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var chosen = Array.prototype.filter
        .call(form.querySelectorAll('input[name="unit"]'), function (b) {
          return b.checked;
        })
        .map(function (b) {
          return b.value;
        });
      save.disabled = true;
      api('PUT', '/members/' + encodeURIComponent(m.id) + '/units', { units: chosen }).then(function (res) {
        save.disabled = false;
        if (res.status === 401) return sessionEnded();
        if (!res.ok) {
          warn(res.status === 403 ? t('units.forbidden') : failure(res));
          return;
        }
        say(chosen.length ? t('units.saved', { name: m.name, count: chosen.length }) : t('units.savedNone', { name: m.name }));
      });
    });
    return form;
  }
}
