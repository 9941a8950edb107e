// purr's review pages. Each view is drawn from the JSON API (/api/v1, docs/openapi.yaml)
// with DOM nodes and text nodes only: nothing from the data is ever parsed as HTML.
// Keyboard shortcuts: see the overlay on "?" (the shell in web/pages.cc lists them).
'use strict';

(function () {
  const body = document.body;
  const view = body.dataset.view;
  const id = body.dataset.id || '';
  const me = body.dataset.user || '';
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : '';
  const main = document.getElementById('main');

  // ---- helpers ----------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  function money(minor, currency) {
    const sign = minor < 0 ? '-' : '';
    const abs = Math.abs(minor);
    return sign + Math.floor(abs / 100) + '.' + String(abs % 100).padStart(2, '0') + ' ' + (currency || '');
  }

  function say(text, isError) {
    const s = document.getElementById('status');
    if (!s) return;
    s.textContent = text;
    s.className = isError ? 'error' : 'ok';
  }

  async function api(method, path, payload) {
    const options = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET') options.headers['X-CSRF-Token'] = csrf;
    if (payload !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(payload);
    }
    const response = await fetch(path, options);
    if (response.status === 401 && view !== 'signin') {
      location.href = '/signin?next=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('signed out');
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : {};
    if (!response.ok) throw new Error(data.error || ('HTTP ' + response.status));
    return data;
  }

  function typing(event) {
    const t = event.target;
    return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
  }

  // A modal dialog; resolves with the form's values, or null when cancelled.
  function ask(title, fields, okLabel) {
    return new Promise((resolve) => {
      const form = el('form', { method: 'dialog', class: 'dialog-form' }, el('h2', {}, title), fields,
        el('div', { class: 'buttons' },
          el('button', { type: 'submit', value: 'ok', class: 'primary' }, okLabel || 'OK'),
          el('button', { type: 'button', value: 'cancel', onclick: () => dialog.close('cancel') }, 'Cancel')));
      const dialog = el('dialog', { class: 'dialog' }, form);
      document.body.append(dialog);
      dialog.addEventListener('close', () => {
        const ok = dialog.returnValue === 'ok';
        const values = {};
        for (const input of form.querySelectorAll('input, textarea, select')) {
          if (!input.name) continue;
          if (input.type === 'checkbox') {
            (values[input.name] = values[input.name] || []);
            if (input.checked) values[input.name].push(input.value);
          } else {
            values[input.name] = input.value;
          }
        }
        dialog.remove();
        resolve(ok ? values : null);
      });
      dialog.showModal();
      const first = form.querySelector('input, textarea, select');
      if (first) first.focus();
    });
  }

  function dueBadge(item) {
    const label = { overdue: 'overdue', today: 'due today', later: '', none: '' }[item.due] || '';
    return label ? el('span', { class: 'badge due-' + item.due }, label) : null;
  }

  function historyTable(entries) {
    return el('table', { class: 'history' },
      el('thead', {}, el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Who'), el('th', {}, 'Subject'),
        el('th', {}, 'Action'), el('th', {}, 'Why'))),
      el('tbody', {}, entries.map((a) => el('tr', {},
        el('td', {}, a.at), el('td', {}, a.actor), el('td', {}, a.subject),
        el('td', {}, a.action, a.rule ? el('small', {}, ' ' + a.rule) : null), el('td', {}, a.reason)))));
  }

  function section(title, ...content) {
    return el('section', {}, el('h2', {}, title), content);
  }

  // ---- the queue ---------------------------------------------------------------------------

  const filterNames = ['status', 'reason', 'class', 'legal', 'language', 'assignee', 'age_days', 'overdue'];
  let queueItems = [];
  let selected = 0;

  function queueParams() {
    const p = new URLSearchParams(location.search);
    const out = new URLSearchParams();
    for (const n of filterNames.concat(['offset', 'after', 'before'])) if (p.get(n)) out.set(n, p.get(n));
    return out;
  }

  async function drawQueue() {
    const params = queueParams();
    params.set('limit', '50');
    let data, classes;
    try {
      [data, classes] = await Promise.all([api('GET', '/api/v1/followups?' + params), api('GET', '/api/v1/classes')]);
    } catch (e) {
      main.replaceChildren(el('p', { class: 'error' }, e.message));
      return;
    }
    queueItems = data.items;
    selected = Math.min(selected, Math.max(0, queueItems.length - 1));
    const current = Object.fromEntries(params.entries());
    const select = (name, label, options) => el('label', {}, label, el('select', { name, id: 'filter-' + name },
      options.map(([value, text]) => el('option', { value, selected: (current[name] || '') === value }, text))));
    const filters = el('form', { id: 'filters', class: 'filters', onchange: (e) => applyFilters(e.currentTarget), onsubmit: (e) => { e.preventDefault(); applyFilters(e.currentTarget); } },
      select('status', 'Status', [['', 'open'], ['resolved', 'resolved'], ['all', 'all']]),
      select('reason', 'Reason', [['', 'any']].concat(data.counts.map((c) => [c.reason, c.reason + ' (' + c.count + ')']))),
      select('class', 'Class', [['', 'any']].concat(classes.classes.map((c) => [c, c]))),
      select('legal', 'Legal', [['', 'any'], ['halt', 'halt'], ['statutory_deadline', 'statutory deadline'], ['none', 'none']]),
      el('label', {}, 'Language', el('input', { name: 'language', id: 'filter-language', size: 3, value: current.language || '' })),
      select('assignee', 'Assignee', [['', 'anyone'], [me, 'me'], ['-', 'unassigned']]),
      el('label', {}, 'Older than (days)', el('input', { name: 'age_days', id: 'filter-age_days', type: 'number', min: 0, size: 4, value: current.age_days || '' })),
      el('label', { class: 'check' }, el('input', { name: 'overdue', id: 'filter-overdue', type: 'checkbox', value: '1', checked: current.overdue === '1' }), 'overdue only'));
    const counts = el('ul', { class: 'counts', id: 'counts' }, data.counts.map((c) =>
      el('li', {}, el('a', { href: '/?reason=' + encodeURIComponent(c.reason) }, c.reason), ' ', el('b', {}, c.count))));
    // Pages follow cursors (next / prev), which stay fast however deep; pos is for display.
    const offset = Math.max(0, Number(new URLSearchParams(location.search).get('pos')) || 0) + data.offset;
    const rows = queueItems.map((item, i) => el('tr', {
      class: ['item', item.due, i === selected ? 'selected' : ''].join(' '),
      dataset: { index: i, id: item.id },
      onclick: () => { selected = i; markSelected(); },
      ondblclick: () => openItem(item),
    },
    el('td', {}, item.deadline || '—', ' ', dueBadge(item)),
    el('td', {}, 'p' + item.priority),
    el('td', {}, item.kind),
    el('td', {}, item.classes.join(', ') || '—'),
    el('td', {}, item.legal || '—'),
    el('td', {}, item.case ? el('a', { href: '/cases/' + encodeURIComponent(item.case) }, item.case) : '—'),
    el('td', {}, item.letter ? el('a', { href: '/letters/' + item.letter.id, class: 'open' }, item.letter.file)
      : item.payment_id ? el('a', { href: '/payments/' + encodeURIComponent(item.payment_id), class: 'open' }, item.payment_id) : '—'),
    el('td', { class: 'why' }, el('span', { class: 'rule' }, item.rule), ' ', item.reasons[0] || ''),
    el('td', {}, item.assignee || '—')));
    const pager = el('p', { class: 'pager' },
      data.prev ? el('a', { href: '?' + withCursor('before', data.prev, Math.max(0, offset - 50)), id: 'prev-page' }, '← previous') : null,
      ' ', data.total === 0 ? 'Nothing to do.' : `${offset + 1}–${offset + queueItems.length} of ${data.total}`, ' ',
      data.next ? el('a', { href: '?' + withCursor('after', data.next, offset + queueItems.length), id: 'next-page' }, 'next →') : null);
    main.replaceChildren(el('h1', {}, 'Follow-ups'), filters, counts,
      el('table', { class: 'queue', id: 'queue' },
        el('thead', {}, el('tr', {}, ['Deadline', 'Prio', 'Kind', 'Classes', 'Legal', 'Case', 'Item', 'Why', 'Assignee'].map((h) => el('th', {}, h)))),
        el('tbody', {}, rows)), pager);
    markSelected();
  }

  function withCursor(name, cursor, pos) {
    const p = queueParams();
    for (const n of ['offset', 'after', 'before']) p.delete(n);
    p.set(name, cursor);
    if (pos > 0) p.set('pos', String(pos));
    return p.toString();
  }

  function applyFilters(form) {
    const p = new URLSearchParams();
    for (const n of filterNames) {
      const input = form.elements[n];
      if (!input) continue;
      if (input.type === 'checkbox') { if (input.checked) p.set(n, '1'); } else if (input.value) p.set(n, input.value);
    }
    history.replaceState(null, '', '/?' + p.toString());
    selected = 0;
    drawQueue();
  }

  function markSelected() {
    for (const row of document.querySelectorAll('#queue tbody tr')) {
      row.classList.toggle('selected', Number(row.dataset.index) === selected);
      if (Number(row.dataset.index) === selected) row.scrollIntoView({ block: 'nearest' });
    }
  }

  function openItem(item) {
    if (!item) return;
    if (item.letter) location.href = '/letters/' + item.letter.id;
    else if (item.payment_id) location.href = '/payments/' + encodeURIComponent(item.payment_id);
    else if (item.case) location.href = '/cases/' + encodeURIComponent(item.case);
  }

  function actionPath(item) {
    if (item.letter) return '/api/v1/letters/' + item.letter.id + '/actions';
    if (item.payment_id) return '/api/v1/payments/' + encodeURIComponent(item.payment_id) + '/actions';
    return null;
  }

  async function queueAction(action) {
    const item = queueItems[selected];
    if (!item) return;
    const path = actionPath(item);
    if (!path) { say('this follow-up has no letter or payment to act on', true); return; }
    let payload = { action };
    if (action === 'confirm' && !item.letter) { say('accept is for letters', true); return; }
    if (action === 'set_classes') { location.href = '/letters/' + item.letter.id + '#change'; return; }
    if (action === 'resolve') {
      const v = await ask('Resolve follow-up #' + item.id, [el('label', {}, 'Comment', el('textarea', { name: 'comment', required: true, rows: 3 }))], 'Resolve');
      if (!v) return;
      payload.comment = v.comment;
    }
    try {
      const r = await api('POST', path, payload);
      say(r.message);
      drawQueue();
    } catch (e) {
      say(e.message, true);
    }
  }

  // ---- a letter ------------------------------------------------------------------------------

  let letter = null;

  function markClass(m) { return m.kind === 'reason' ? 'mark-reason' : 'mark-entity'; }

  function drawPage(page, marks) {
    const figure = el('figure', { class: 'page', id: 'page-' + page.page });
    if (page.image && page.width > 0) {
      const w = page.width, h = page.height;
      const picture = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'page-image', role: 'img', 'aria-label': 'page ' + page.page });
      picture.append(svg('image', { href: page.image, x: 0, y: 0, width: w, height: h }));
      for (const [x, y, bw, bh, m] of page.boxes) {
        const rect = svg('rect', { x: x - 3, y: y - 3, width: bw + 6, height: bh + 6, class: 'box ' + markClass(marks[m]), 'data-mark': m });
        const title = svg('title', {});
        title.textContent = marks[m].label;
        rect.append(title);
        picture.append(rect);
      }
      figure.append(picture);
    }
    const text = el('pre', { class: 'page-text' }, page.segments.map((s) => s.marks.length
      ? el('mark', { class: markClass(marks[s.marks[0]]), title: s.marks.map((m) => marks[m].label).join('\n'), dataset: { mark: s.marks.join(' ') } }, s.text)
      : s.text));
    figure.append(el('figcaption', {}, 'Page ' + page.page + (page.confidence >= 0 ? ` · OCR confidence ${Math.round(page.confidence)}` : '')), text);
    return figure;
  }

  async function drawLetter() {
    try {
      letter = await api('GET', '/api/v1/letters/' + encodeURIComponent(id));
    } catch (e) {
      main.replaceChildren(el('p', { class: 'error' }, e.message));
      return;
    }
    const l = letter;
    const open = l.follow_ups.filter((f) => f.status === 'open');
    const activeHolds = l.holds.filter((h) => h.active);
    const classification = (l.classification || []).map((c) => el('li', {},
      el('b', {}, c.class), ` ${Math.round(c.confidence * 100)}%`,
      el('ul', {}, c.reasons.map((r) => el('li', {}, el('span', { class: 'rule' }, r.source + ' ' + r.id), ' ', r.detail)))));
    const entities = (l.entities || []).map((e) => el('li', {}, el('b', {}, e.type), ' ', e.value, e.valid ? '' : ' (check digit fails)'));
    const actions = el('div', { class: 'actions' },
      el('button', { id: 'act-confirm', onclick: () => letterAction({ action: 'confirm' }) }, 'Accept classes (a)'),
      el('button', { id: 'act-classes', onclick: changeClasses }, 'Change classes (c)'),
      el('button', { id: 'act-link', onclick: linkCase }, 'Link case (l)'),
      el('button', { id: 'act-hold', onclick: toggleHold }, activeHolds.length ? 'Lift hold (h)' : 'Hold (h)'),
      el('button', { id: 'act-resolve', onclick: resolveLetter, disabled: open.length === 0 }, 'Resolve (r)'),
      el('button', { id: 'act-assign', onclick: () => letterAction({ action: 'assign' }), disabled: open.length === 0 }, 'Assign to me (m)'));
    main.replaceChildren(
      el('p', {}, el('a', { href: '/' }, '← queue (u)')),
      el('h1', {}, l.file),
      el('dl', { class: 'facts' },
        el('dt', {}, 'Classes'), el('dd', { id: 'classes' }, l.classes.join(', ')),
        el('dt', {}, 'Legal'), el('dd', {}, l.legal + (l.statute ? ' — ' + l.statute : '')),
        el('dt', {}, 'Deadline'), el('dd', { id: 'deadline' }, l.deadline || '—'),
        el('dt', {}, 'Language'), el('dd', {}, l.language),
        el('dt', {}, 'Received'), el('dd', {}, l.received),
        el('dt', {}, 'Case'), el('dd', {}, l.case ? el('a', { href: '/cases/' + encodeURIComponent(l.case) }, l.case) : 'not linked'),
        el('dt', {}, 'Status'), el('dd', {}, l.status),
        el('dt', {}, 'Needs a human'), el('dd', {}, l.needs_human ? l.needs_human_reasons.join('; ') : 'no'),
        el('dt', {}, 'Follow-ups'), el('dd', { id: 'follow-ups' }, l.follow_ups.map((f) => el('div', {},
          `#${f.id} ${f.status} `, dueBadge(f), ' ', el('span', { class: 'rule' }, f.rule), ' ', f.reasons.join('; '),
          f.assignee ? ` · ${f.assignee}` : '', f.comment ? ` · “${f.comment}”` : '')))),
      actions,
      el('div', { class: 'letter' },
        el('div', { class: 'pages' }, l.pages.map((p) => drawPage(p, l.marks))),
        el('aside', {},
          section('Why', el('ul', { class: 'reasons' }, classification)),
          section('Found in the text', el('ul', { class: 'entities' }, entities)),
          l.case ? el('div', { id: 'case-panel' }, el('p', {}, 'Loading the case…')) : null,
          section('History', historyTable(l.history)))));
    if (l.case) drawCasePanel(l.case);
    if (location.hash === '#change') { history.replaceState(null, '', location.pathname); changeClasses(); }
  }

  async function drawCasePanel(caseId) {
    const panel = document.getElementById('case-panel');
    try {
      const c = await api('GET', '/api/v1/cases/' + encodeURIComponent(caseId));
      panel.replaceChildren(caseSummary(c));
    } catch (e) {
      panel.replaceChildren(el('p', { class: 'error' }, e.message));
    }
  }

  function caseSummary(c) {
    return el('div', {},
      section('Case ' + c.case + ' (' + c.flag + ')',
        el('p', {}, 'Customer ', c.customer, ' · ', el('a', { href: '/cases/' + encodeURIComponent(c.case) }, 'open the case')),
        el('table', { class: 'invoices' }, el('thead', {}, el('tr', {}, ['Invoice', 'Open', 'Original', 'Due', 'Status'].map((h) => el('th', {}, h)))),
          el('tbody', {}, c.invoices.map((i) => el('tr', {}, el('td', {}, i.invoice, i.blocking ? ' ⛔' : ''), el('td', {}, money(i.open_minor, i.currency)),
            el('td', {}, money(i.original_minor, i.currency)), el('td', {}, i.due_date), el('td', {}, i.status)))))),
      section('Payments', el('ul', {}, c.payments.map((p) => el('li', {}, el('a', { href: '/payments/' + encodeURIComponent(p.payment_id) }, p.payment_id), ' ', money(p.amount_minor, p.currency), ' ', p.booking_date)))),
      section('Letters', el('ul', {}, c.letters.map((l) => el('li', {}, el('a', { href: '/letters/' + l.id }, l.file), ' ', l.classes.join(', '), ' · ', l.status)))),
      section('Holds', el('ul', {}, c.holds.map((h) => el('li', {}, h.reason, ' ', h.active ? '(active)' : `(lifted by ${h.released_by})`)))));
  }

  async function letterAction(payload) {
    payload.version = letter.version;
    try {
      const r = await api('POST', '/api/v1/letters/' + letter.id + '/actions', payload);
      say(r.message + (r.events.length ? ' — reactivation sent: ' + r.events.join(', ') : ''));
      await drawLetter();
    } catch (e) {
      say(e.message, true);
    }
  }

  async function changeClasses() {
    const classes = (await api('GET', '/api/v1/classes')).classes;
    const v = await ask('Classes of this letter', [el('div', { class: 'checks' }, classes.map((c) =>
      el('label', {}, el('input', { type: 'checkbox', name: 'classes', value: c, checked: letter.classes.includes(c) }), c)))], 'Set classes');
    if (v) letterAction({ action: 'set_classes', classes: v.classes || [] });
  }

  async function linkCase() {
    const results = el('ul', { class: 'hits', id: 'case-hits' });
    const query = el('input', { name: 'q', id: 'case-search', placeholder: 'reference, invoice, case number or name', size: 40 });
    const chosen = el('input', { name: 'case', id: 'case-chosen', placeholder: 'case number', size: 20 });
    query.addEventListener('input', async () => {
      if (query.value.length < 2) { results.replaceChildren(); return; }
      try {
        const r = await api('GET', '/api/v1/cases?q=' + encodeURIComponent(query.value));
        results.replaceChildren(...r.items.map((h) => el('li', {}, el('button', { type: 'button', onclick: () => { chosen.value = h.case; } }, h.case), ' ', h.customer_name || h.customer, ' — ', h.matched)));
      } catch (e) { results.replaceChildren(el('li', { class: 'error' }, e.message)); }
    });
    const v = await ask('Link to another case', [el('label', {}, 'Search ', query), results, el('label', {}, 'Case ', chosen),
      el('label', {}, 'Comment ', el('input', { name: 'comment', size: 40 }))], 'Link');
    if (v && v.case) letterAction({ action: 'link_case', case: v.case, comment: v.comment });
  }

  async function toggleHold() {
    const active = letter.holds.some((h) => h.active);
    const v = await ask(active ? 'Lift the hold' : 'Put the case on hold', [el('label', {}, 'Comment ', el('input', { name: 'comment', size: 40, required: !active }))], active ? 'Lift hold' : 'Hold');
    if (v) letterAction({ action: active ? 'lift_hold' : 'hold', comment: v.comment });
  }

  async function resolveLetter() {
    const v = await ask('Resolve', [el('label', {}, 'Comment', el('textarea', { name: 'comment', id: 'resolve-comment', required: true, rows: 3 }))], 'Resolve');
    if (v) letterAction({ action: 'resolve', comment: v.comment });
  }

  // ---- a payment -----------------------------------------------------------------------------

  let payment = null;

  async function drawPayment() {
    try {
      payment = await api('GET', '/api/v1/payments/' + encodeURIComponent(id));
    } catch (e) {
      main.replaceChildren(el('p', { class: 'error' }, e.message));
      return;
    }
    const p = payment;
    const open = p.follow_ups.filter((f) => f.status === 'open');
    const rows = p.open_invoices.map((i) => el('tr', {}, el('td', {}, i.invoice, i.blocking ? ' ⛔' : ''), el('td', {}, i.case),
      el('td', {}, money(i.open_minor, i.currency)), el('td', {}, i.due_date), el('td', {}, i.reference),
      el('td', {}, el('input', { type: 'number', min: 0, step: '0.01', class: 'allocate', dataset: { invoice: i.invoice }, size: 10 }))));
    main.replaceChildren(
      el('p', {}, el('a', { href: '/' }, '← queue (u)')),
      el('h1', {}, 'Payment ', p.payment_id),
      el('dl', { class: 'facts' },
        el('dt', {}, 'Amount'), el('dd', {}, money(p.amount_minor, p.currency)),
        el('dt', {}, 'Unapplied'), el('dd', { id: 'unapplied' }, money(p.unapplied_minor, p.currency)),
        el('dt', {}, 'Booked'), el('dd', {}, p.booking_date),
        el('dt', {}, 'Payer'), el('dd', {}, p.payer),
        el('dt', {}, 'References'), el('dd', {}, p.references.join(', ') || '—'),
        el('dt', {}, 'Text'), el('dd', {}, p.text || '—'),
        el('dt', {}, 'Decision'), el('dd', {}, p.decision + (p.disposition ? ' · ' + p.disposition : '')),
        el('dt', {}, 'Allocated'), el('dd', {}, p.allocations.map((a) => a.invoice + ' ' + money(a.amount_minor, p.currency)).join(', ') || '—'),
        el('dt', {}, 'Follow-ups'), el('dd', {}, p.follow_ups.map((f) => el('div', {}, `#${f.id} ${f.status} `, el('span', { class: 'rule' }, f.rule), ' ', f.reasons.join('; '))))),
      section('Why the matcher was unsure', el('pre', { class: 'json' }, JSON.stringify(p.reasons, null, 1)),
        el('pre', { class: 'json' }, JSON.stringify(p.candidates, null, 1))),
      section('Allocate to open invoices of ' + (p.customer || 'the customer'),
        el('table', { class: 'invoices' }, el('thead', {}, el('tr', {}, ['Invoice', 'Case', 'Open', 'Due', 'Reference', 'Amount'].map((h) => el('th', {}, h)))), el('tbody', {}, rows)),
        el('div', { class: 'actions' },
          el('button', { id: 'act-allocate', onclick: allocate, disabled: p.unapplied_minor <= 0 }, 'Allocate'),
          el('button', { id: 'act-refund', onclick: () => paymentAction({ action: 'refund' }), disabled: p.unapplied_minor <= 0 }, 'Mark for refund'),
          el('button', { id: 'act-resolve', onclick: resolvePayment, disabled: open.length === 0 }, 'Resolve (r)'),
          el('button', { id: 'act-assign', onclick: () => paymentAction({ action: 'assign' }), disabled: open.length === 0 }, 'Assign to me (m)'))),
      section('History', historyTable(p.history)));
  }

  async function paymentAction(payload) {
    payload.version = payment.version;
    try {
      const r = await api('POST', '/api/v1/payments/' + encodeURIComponent(payment.payment_id) + '/actions', payload);
      say(r.message + (r.events.length ? ' — reactivation sent: ' + r.events.join(', ') : ''));
      await drawPayment();
    } catch (e) {
      say(e.message, true);
    }
  }

  function allocate() {
    const allocations = [];
    for (const input of document.querySelectorAll('input.allocate')) {
      if (!input.value) continue;
      const [whole, frac = ''] = input.value.split('.');
      const minor = Number(whole) * 100 + Number((frac + '00').slice(0, 2)) * (whole.startsWith('-') ? -1 : 1);
      if (minor > 0) allocations.push({ invoice: input.dataset.invoice, amount_minor: minor });
    }
    if (!allocations.length) { say('enter an amount for at least one invoice', true); return; }
    paymentAction({ action: 'allocate', allocations });
  }

  async function resolvePayment() {
    const v = await ask('Resolve', [el('label', {}, 'Comment', el('textarea', { name: 'comment', required: true, rows: 3 }))], 'Resolve');
    if (v) paymentAction({ action: 'resolve', comment: v.comment });
  }

  // ---- a case, the audit log, users ---------------------------------------------------------

  async function drawCase() {
    try {
      const c = await api('GET', '/api/v1/cases/' + encodeURIComponent(id));
      main.replaceChildren(el('p', {}, el('a', { href: '/' }, '← queue (u)')), el('h1', {}, 'Case ', c.case), caseSummary(c), section('History', historyTable(c.history)));
    } catch (e) {
      main.replaceChildren(el('p', { class: 'error' }, e.message));
    }
  }

  async function drawAudit() {
    const p = new URLSearchParams(location.search);
    const offset = Number(p.get('offset') || 0);
    const q = new URLSearchParams({ limit: '100', offset: String(offset) });
    if (p.get('subject')) q.set('subject', p.get('subject'));
    try {
      const a = await api('GET', '/api/v1/audit?' + q);
      main.replaceChildren(el('h1', {}, 'Audit log'),
        el('form', { class: 'filters', method: 'get' }, el('label', {}, 'Subject ', el('input', { name: 'subject', value: p.get('subject') || '', placeholder: 'letter:12, case:S-1, user:kari' })), el('button', {}, 'Show')),
        historyTable(a.items),
        el('p', { class: 'pager' }, offset > 0 ? el('a', { href: '?offset=' + Math.max(0, offset - 100) }, '← newer') : null, ' ',
          a.items.length === 100 ? el('a', { href: '?offset=' + (offset + 100) }, 'older →') : null));
    } catch (e) {
      main.replaceChildren(el('p', { class: 'error' }, e.message));
    }
  }

  async function drawUsers() {
    let users;
    try { users = (await api('GET', '/api/v1/users')).items; } catch (e) { main.replaceChildren(el('p', { class: 'error' }, e.message)); return; }
    const change = async (name, payload) => {
      try { const r = await api('POST', '/api/v1/users/' + encodeURIComponent(name), payload); say(r.message); drawUsers(); } catch (e) { say(e.message, true); }
    };
    const add = el('form', { id: 'add-user', class: 'filters', onsubmit: async (e) => {
      e.preventDefault();
      const f = e.currentTarget.elements;
      try {
        await api('POST', '/api/v1/users', { name: f.name.value, role: f.role.value, password: f.password.value });
        say('added ' + f.name.value);
        drawUsers();
      } catch (err) { say(err.message, true); }
    } },
    el('label', {}, 'Name ', el('input', { name: 'name', required: true })),
    el('label', {}, 'Role ', el('select', { name: 'role' }, el('option', { value: 'clerk' }, 'clerk'), el('option', { value: 'admin' }, 'admin'))),
    el('label', {}, 'Password ', el('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' })),
    el('button', {}, 'Add user'));
    main.replaceChildren(el('h1', {}, 'Users'),
      el('table', { class: 'users' }, el('thead', {}, el('tr', {}, ['Name', 'Role', 'State', 'Since', ''].map((h) => el('th', {}, h)))),
        el('tbody', {}, users.map((u) => el('tr', {}, el('td', {}, u.name), el('td', {}, u.role), el('td', {}, u.disabled ? 'disabled' : 'active'), el('td', {}, u.created_at),
          el('td', {}, u.name === me ? '' : el('button', { onclick: () => change(u.name, { disabled: !u.disabled }) }, u.disabled ? 'Enable' : 'Disable')))))),
      el('h2', {}, 'Add a user'), add);
  }

  // ---- sign-in, sign-out, keys ---------------------------------------------------------------

  function signIn() {
    const form = document.getElementById('signin-form');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const error = document.getElementById('signin-error');
      try {
        const r = await fetch('/api/v1/session', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: form.elements.name.value, password: form.elements.password.value }) });
        const data = await r.json();
        if (!r.ok) { error.textContent = data.error; return; }
        const next = new URLSearchParams(location.search).get('next') || '/';
        location.href = next.startsWith('/') && !next.startsWith('//') ? next : '/';
      } catch (err) {
        error.textContent = err.message;
      }
    });
  }

  function toggleHelp(show) {
    const help = document.getElementById('help');
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
  }

  document.addEventListener('keydown', (e) => {
    if (view === 'signin' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector('dialog[open]')) return;
    if (e.key === 'Escape') { toggleHelp(false); return; }
    if (typing(e)) return;
    const key = e.key;
    if (key === '?') { toggleHelp(); e.preventDefault(); return; }
    if (key === 'u' && view !== 'queue') { location.href = '/'; return; }
    if (view === 'queue') {
      if (key === 'j' || key === 'ArrowDown') { selected = Math.min(queueItems.length - 1, selected + 1); markSelected(); e.preventDefault(); }
      else if (key === 'k' || key === 'ArrowUp') { selected = Math.max(0, selected - 1); markSelected(); e.preventDefault(); }
      else if (key === 'o' || key === 'Enter') openItem(queueItems[selected]);
      else if (key === 'a') queueAction('confirm');
      else if (key === 'c') queueAction('set_classes');
      else if (key === 'r') queueAction('resolve');
      else if (key === 'm') queueAction('assign');
      else if (key === 'n') { const n = document.getElementById('next-page'); if (n) n.click(); }
      else if (key === 'p') { const p = document.getElementById('prev-page'); if (p) p.click(); }
      else if (key === '/') { const f = document.getElementById('filter-reason'); if (f) { f.focus(); e.preventDefault(); } }
    } else if (view === 'letter' && letter) {
      if (key === 'a') letterAction({ action: 'confirm' });
      else if (key === 'c') changeClasses();
      else if (key === 'r') resolveLetter();
      else if (key === 'm') letterAction({ action: 'assign' });
      else if (key === 'h') toggleHold();
      else if (key === 'l') { e.preventDefault(); linkCase(); }
    } else if (view === 'payment' && payment) {
      if (key === 'r') resolvePayment();
      else if (key === 'm') paymentAction({ action: 'assign' });
    }
  });

  const signout = document.getElementById('signout');
  if (signout) signout.addEventListener('click', async () => {
    try { await api('DELETE', '/api/v1/session'); } catch (e) { /* signed out either way */ }
    location.href = '/signin';
  });
  const helpButton = document.getElementById('help-button');
  if (helpButton) helpButton.addEventListener('click', () => toggleHelp());
  const help = document.getElementById('help');
  if (help) help.addEventListener('click', (e) => { if (e.target === help) toggleHelp(false); });
  for (const a of document.querySelectorAll('[data-nav]')) if (a.dataset.nav === view) a.classList.add('current');

  const draw = { signin: signIn, queue: drawQueue, letter: drawLetter, payment: drawPayment, case: drawCase, audit: drawAudit, users: drawUsers };
  if (draw[view]) draw[view]();
  else if (view === 'notfound') main.replaceChildren(el('h1', {}, 'Not found'), el('p', {}, el('a', { href: '/' }, 'Back to the queue')));
})();
