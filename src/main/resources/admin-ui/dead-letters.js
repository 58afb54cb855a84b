// The dead-letter page: plain JavaScript on the admin API (README "Operating dead letters"), nothing else.
// Every text from the service is put in the page with textContent, never as HTML: a reason or a room id is data.
'use strict';

(() => {
  const API = '../dead-letters'; // this page is /admin/ui/dead-letters.html
  const PAGE_SIZE = 100;
  const TOKEN_KEY = 'wbxt-admin-token';
  const GONE = 'That dead letter is no longer there (replayed or deleted meanwhile).';
  const $ = id => document.getElementById(id);

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    filter: {queue: '', reason: '', roomId: ''}, // the one the list shows: the one "Replay all matching" uses
    offset: 0,
    total: 0,
    selected: new Set(), // ids of letters listed on this page
    loads: 0,
  };

  // ---- talking to the admin API ------------------------------------------------------------------------------

  /** One request; the answer's status and JSON (null when it has none). Throws when the service did not answer. */
  async function call(method, path, body) {
    const headers = {};
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(API + path, {method, headers, cache: 'no-store', credentials: 'omit',
        body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      throw new Error('The service did not answer (' + e.message + '): is it running?');
    }
    let json = null;
    try {
      json = await response.json();
    } catch (notJson) {
      // answered below by its status
    }
    return {status: response.status, json};
  }

  /** The answer of a request the page made; false when it was handled here (signed out, admin off, an error shown). */
  function usable(answer) {
    if (answer.status === 401) {
      const refused = !!state.token;
      forgetToken();
      showSignIn(refused ? 'The token was refused (401 unauthorized): it is not this service\'s ADMIN_TOKEN.' : null);
      return false;
    }
    if (answer.status === 404 && !(answer.json && answer.json.error)) {
      showAdminOff();
      return false;
    }
    return true;
  }

  function describeError(answer) {
    const json = answer.json || {};
    return 'The service answered ' + answer.status + (json.error ? ' ' + json.error : '')
      + (json.message ? ': ' + json.message : '');
  }

  // ---- what is shown -----------------------------------------------------------------------------------------

  function notice(text, info) {
    $('notice').textContent = text || '';
    $('notice').hidden = !text;
    $('notice').classList.toggle('info', !!info);
  }

  function showSignIn(message) {
    notice(message);
    $('letters').hidden = true;
    $('signed-in').hidden = $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    $('token').focus();
  }

  function showAdminOff() {
    notice('The admin endpoints are off: this service was started without ADMIN_TOKEN. Start it with '
      + 'ADMIN_TOKEN set (an environment variable, or admin.token in application.properties) to work with dead letters here.', true);
    $('letters').hidden = $('sign-in').hidden = true;
    $('signed-in').hidden = $('sign-out').hidden = true;
  }

  function result(text, failed) {
    $('result').textContent = text;
    $('result').classList.toggle('failed', !!failed);
  }

  function forgetToken() {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
  }

  function element(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  function button(text, onClick, className) {
    const b = element('button', text, className);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function time(iso) {
    return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
  }

  /**
   * A room id in a few characters: every Webex id is the base64 of ciscospark://<region>/ROOM/<uuid>, so its start
   * is the same for every room; the uuid's first characters tell rooms apart.
   */
  function shortRoom(id) {
    try {
      const match = /\/ROOM\/([0-9a-f-]{8})/i.exec(atob(id.replace(/-/g, '+').replace(/_/g, '/')));
      if (match) return 'ROOM/' + match[1] + '…';
    } catch (notBase64) {
      // shown as it is
    }
    return id.length > 16 ? id.slice(0, 16) + '…' : id;
  }

  function plural(n, one, many) {
    return n.toLocaleString('en') + ' ' + (n === 1 ? one : many);
  }

  function filterText(filter) {
    const parts = [];
    if (filter.queue) parts.push('in ' + filter.queue);
    if (filter.reason) parts.push('whose reason contains "' + filter.reason + '"');
    if (filter.roomId) parts.push('of room ' + filter.roomId);
    return parts.length ? parts.join(', ') : 'of every queue';
  }

  // ---- the list ------------------------------------------------------------------------------------------------

  async function load() {
    const asked = ++state.loads; // an answer to an older request, arriving after a newer one's, is dropped
    const query = new URLSearchParams({limit: PAGE_SIZE, offset: state.offset});
    for (const [name, value] of Object.entries(state.filter)) {
      if (value) query.set(name, value);
    }
    let answer;
    try {
      answer = await call('GET', '?' + query);
    } catch (e) {
      if (asked === state.loads) notice(e.message);
      return;
    }
    if (asked !== state.loads || !usable(answer)) return;
    if (answer.status !== 200) {
      notice(describeError(answer));
      return;
    }
    if (answer.json.count === 0 && state.offset > 0) { // the last page emptied: show the one before
      state.offset = Math.max(0, state.offset - PAGE_SIZE);
      return load();
    }
    if (state.token) sessionStorage.setItem(TOKEN_KEY, state.token);
    notice(null);
    $('sign-in').hidden = true;
    $('letters').hidden = false;
    $('signed-in').hidden = $('sign-out').hidden = false;
    render(answer.json);
  }

  function render(listing) {
    state.total = listing.total;
    state.selected.clear();

    const queue = $('queue');
    queue.replaceChildren(new Option('every dead-letter queue', ''));
    for (const q of listing.queues) queue.add(new Option(q, q));
    queue.value = state.filter.queue;
    $('reason').value = state.filter.reason;
    $('room').value = state.filter.roomId;
    $('reason-kinds').replaceChildren(...listing.reasons.map(r => new Option(r.count.toLocaleString('en') + ' ×', r.reason)));
    $('room-ids').replaceChildren(...listing.rooms.map(r => new Option(r.count.toLocaleString('en') + ' ×', r.roomId)));

    $('reason-list').replaceChildren(...listing.reasons.map(r => {
      const chosen = state.filter.reason === r.reason;
      const b = button(r.count.toLocaleString('en') + ' × ' + r.reason, () => applyFilter({...state.filter, reason: chosen ? '' : r.reason}),
        chosen ? 'chosen' : '');
      b.title = r.reason;
      const li = element('li');
      li.append(b);
      return li;
    }));

    $('rows').replaceChildren(...listing.items.map(row));
    const first = listing.count ? listing.offset + 1 : 0;
    $('summary').textContent = plural(listing.total, 'dead letter', 'dead letters') + ' ' + filterText(state.filter);
    $('page').textContent = listing.total > listing.count
      ? first + '–' + (listing.offset + listing.count) + ' of ' + listing.total.toLocaleString('en') : '';
    $('previous').disabled = listing.offset === 0;
    $('next').disabled = listing.offset + listing.count >= listing.total;
    $('replay-all').disabled = listing.total === 0;
    $('replay-all').textContent = 'Replay all ' + listing.total.toLocaleString('en') + ' matching';
    $('select-page').checked = false;
    selectionChanged();
  }

  function row(letter) {
    const tr = element('tr');
    tr.dataset.id = letter.id;
    const check = element('input');
    check.type = 'checkbox';
    check.className = 'select';
    check.addEventListener('change', () => {
      if (check.checked) state.selected.add(letter.id); else state.selected.delete(letter.id);
      selectionChanged();
    });
    const cell = (content, className) => {
      const td = element('td', null, className);
      td.append(content);
      tr.append(td);
      return td;
    };
    cell(check);
    cell(time(letter.lastFailureAt), 'time').title = letter.firstFailureAt ? 'first failed ' + time(letter.firstFailureAt) : '';
    const queue = cell(letter.queue, 'queue');
    if (letter.fromQueue) queue.append(element('small', 'from ' + letter.fromQueue));
    if (letter.roomId) {
      const room = button(shortRoom(letter.roomId), () => applyFilter({...state.filter, roomId: letter.roomId}));
      room.title = 'only this room: ' + letter.roomId;
      room.dataset.roomId = letter.roomId;
      cell(room, 'room');
    } else {
      cell('—', 'room');
    }
    cell(letter.resource ? letter.resource + '/' + letter.event : '—', 'event');
    cell(letter.reason || '—', 'reason');
    cell(String(letter.attempts), 'attempts');
    const actions = cell(button('Show', () => show(letter)), 'actions');
    actions.append(' ', button('Replay', () => replayOne(letter), 'replay'),
      ' ', button('Delete', () => deleteOne(letter), 'delete danger'));
    return tr;
  }

  function selectionChanged() {
    const n = state.selected.size;
    for (const tr of $('rows').children) tr.classList.toggle('selected', state.selected.has(tr.dataset.id));
    $('replay-selected').disabled = $('delete-selected').disabled = n === 0;
    $('replay-selected').textContent = n ? 'Replay ' + n + ' selected' : 'Replay selected';
    $('delete-selected').textContent = n ? 'Delete ' + n + ' selected' : 'Delete selected';
  }

  function applyFilter(filter) {
    state.filter = filter;
    state.offset = 0;
    $('queue').value = filter.queue; // at once: a filter changed before the list is back starts from this one
    $('reason').value = filter.reason;
    $('room').value = filter.roomId;
    $('detail').hidden = true;
    return load();
  }

  async function show(letter) {
    const answer = await call('GET', '/' + letter.id);
    if (!usable(answer)) return;
    if (answer.status !== 200) {
      result(answer.status === 404 ? GONE : describeError(answer), true);
      return;
    }
    $('detail-title').textContent = letter.resource + '/' + letter.event + ' · ' + letter.id + ' · ' + (answer.json.reason || '');
    $('detail-body').textContent = JSON.stringify(answer.json.body, null, 2);
    $('detail').hidden = false;
    $('detail').scrollIntoView();
  }

  // ---- the actions: each one confirmed, then the list is read again ---------------------------------------------

  function confirmed(text, action) {
    const dialog = $('confirm');
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = action;
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true}));
  }

  /** Runs one action's request and shows what it did; the list is read again in any case. */
  async function act(method, path, body, done, gone) {
    try {
      const answer = await call(method, path, body);
      if (!usable(answer)) return;
      if (answer.status === 200) {
        result(done(answer.json));
      } else {
        result(answer.status === 404 && gone ? gone : describeError(answer), true);
      }
    } catch (e) {
      result(e.message, true);
    }
    await load();
  }

  function missingText(missing) {
    return missing && missing.length
      ? '; ' + plural(missing.length, 'was', 'were') + ' no longer there: ' + missing.join(', ') : '';
  }

  async function replayOne(letter) {
    if (!await confirmed('Replay this dead letter (' + letter.resource + '/' + letter.event + ')? It goes back to '
      + (letter.fromQueue || 'its queue') + ' and is processed again.', 'Replay')) return;
    await act('POST', '/' + letter.id + '/replay', undefined, () => 'Replayed 1 dead letter (' + letter.id + ').', GONE);
  }

  async function deleteOne(letter) {
    if (!await confirmed('Delete this dead letter (' + letter.resource + '/' + letter.event + ') for good?', 'Delete')) return;
    await act('DELETE', '/' + letter.id, undefined, () => 'Deleted 1 dead letter (' + letter.id + ').', GONE);
  }

  /** Replays or deletes the selected letters, once confirmed. */
  async function actOnSelection(replay) {
    const ids = [...state.selected];
    const what = plural(ids.length, 'selected dead letter', 'selected dead letters');
    if (!await confirmed(replay ? 'Replay the ' + what + '? Each goes back to the queue it failed on and is processed again.'
      : 'Delete the ' + what + ' for good?', (replay ? 'Replay ' : 'Delete ') + ids.length)) return;
    await act('POST', replay ? '/replay' : '/delete', {ids}, json => (replay ? 'Replayed ' : 'Deleted ')
      + plural(replay ? json.replayed : json.deleted, 'dead letter', 'dead letters') + missingText(json.missing) + '.');
  }

  async function replayAll() {
    const filter = {...state.filter};
    if (!await confirmed('Replay all ' + plural(state.total, 'dead letter', 'dead letters') + ' ' + filterText(filter)
      + '? Each goes back to the queue it failed on and is processed again.', 'Replay all')) return;
    const body = {all: true};
    for (const [name, value] of Object.entries(filter)) {
      if (value) body[name] = value;
    }
    await act('POST', '/replay', body, json => 'Replayed ' + plural(json.replayed, 'dead letter', 'dead letters')
      + ' ' + filterText(filter) + '.');
  }

  // ---- wiring ----------------------------------------------------------------------------------------------------

  $('sign-in').addEventListener('submit', e => {
    e.preventDefault();
    state.token = $('token').value.trim();
    $('token').value = '';
    load();
  });
  $('sign-out').addEventListener('click', () => {
    forgetToken();
    showSignIn('The token is forgotten in this tab.');
  });
  $('filters').addEventListener('submit', e => {
    e.preventDefault();
    applyFilter({queue: $('queue').value, reason: $('reason').value.trim(), roomId: $('room').value.trim()});
  });
  $('queue').addEventListener('change', () => $('filters').requestSubmit());
  $('clear').addEventListener('click', () => applyFilter({queue: '', reason: '', roomId: ''}));
  $('refresh').addEventListener('click', () => load());
  $('previous').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    load();
  });
  $('next').addEventListener('click', () => {
    state.offset += PAGE_SIZE;
    load();
  });
  $('select-page').addEventListener('change', () => {
    for (const box of $('rows').querySelectorAll('input.select')) {
      box.checked = $('select-page').checked;
      const id = box.closest('tr').dataset.id;
      if (box.checked) state.selected.add(id); else state.selected.delete(id);
    }
    selectionChanged();
  });
  $('replay-selected').addEventListener('click', () => actOnSelection(true));
  $('delete-selected').addEventListener('click', () => actOnSelection(false));
  $('replay-all').addEventListener('click', replayAll);

  load(); // with the token of this tab, if any: otherwise the service's 401 (or 404: admin off) says what to show
})();
