'use strict';
/**
 * The playground: chat with the bot as a simulated user. Everything goes through the simulator's /simulator
 * endpoints; the room, the webhooks delivered and the Webex API calls are polled every 500 ms.
 */
(() => {
  const CARD = 'application/vnd.microsoft.card.adaptive';
  const $ = (id) => document.getElementById(id);
  const state = { room: null, lastMessageId: null, seen: new Set(), people: new Map(), deliveriesAfter: 0, callsAfter: 0 };

  async function api(method, path, body) {
    const res = await fetch('/simulator' + path, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error || res.status + ' ' + res.statusText);
    return json;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const user = () => $('user').value.trim() || 'alice@example.com';
  const status = (text) => { $('status').textContent = text; };
  const time = (iso) => (iso ? String(iso).slice(11, 19) : '');
  const pretty = (json) => { try { return JSON.stringify(JSON.parse(json), null, 2); } catch (e) { return String(json); } };

  // ---- people and rooms ------------------------------------------------------------------------------------

  async function refreshPeople() {
    const { items } = await api('GET', '/people');
    $('people').replaceChildren();
    items.forEach((p) => {
      state.people.set(p.id, p);
      if (p.type === 'person') $('people').append(Object.assign(el('option'), { value: p.emails[0] }));
    });
  }

  /** The room list: "Direct with the bot", then every group room (rebuilt only when one was added). */
  async function refreshRooms() {
    const { items } = await api('GET', '/rooms');
    const titles = items.filter((r) => r.type === 'group').map((r) => r.title);
    const select = $('room');
    if (titles.length === select.options.length - 1) return;
    const chosen = select.value;
    [...select.options].slice(1).forEach((o) => o.remove());
    titles.forEach((t) => select.append(Object.assign(el('option', '', t), { value: 'group:' + t })));
    select.value = chosen;
  }

  /** Opens the room chosen (the user's direct room with the bot, or a group room by title) and shows it from the start. */
  async function openRoom() {
    const choice = $('room').value;
    const room = await api('POST', '/rooms', choice === 'direct' ? { email: user() } : { title: choice.slice('group:'.length) });
    state.room = room.id;
    state.lastMessageId = null;
    state.seen.clear();
    $('messages').replaceChildren();
    $('room-name').textContent = room.type === 'direct' ? 'Direct: ' + user() + ' and the bot' : room.title + ' (group)';
    await refreshPeople();
    status('');
  }

  // ---- messages --------------------------------------------------------------------------------------------

  function showMessage(m) {
    if (state.seen.has(m.id)) return;
    state.seen.add(m.id);
    state.lastMessageId = m.id;
    const author = state.people.get(m.personId);
    const isBot = author ? author.type === 'bot' : false;
    const li = el('li', 'message ' + (isBot ? 'from-bot' : m.personEmail === user() ? 'from-me' : 'from-other'));
    li.dataset.id = m.id;
    li.dataset.author = isBot ? 'bot' : 'person';
    li.append(el('div', 'who', (author ? author.displayName : m.personEmail) + ' · ' + time(m.created)));
    const body = el('div', 'body');
    const cards = (m.attachments || []).filter((a) => a.contentType === CARD && a.content);
    if (cards.length) {
      cards.forEach((a) => body.append(AdaptiveCards.render(a.content, (inputs) => submitCard(m.id, inputs))));
    } else if (m.markdown) {
      body.innerHTML = Markdown.toHtml(m.markdown); // escapes the text first
    } else {
      body.classList.add('plain');
      body.textContent = m.text || '';
    }
    li.append(body);
    $('messages').append(li);
    li.scrollIntoView({ block: 'end' });
  }

  async function send(e) {
    e.preventDefault();
    const text = $('text').value;
    if (!text.trim() || !state.room) return;
    $('text').value = '';
    try {
      await api('POST', '/messages', { from: user(), room: state.room, text }); // answers once the bot replied
    } catch (err) {
      status('Not sent: ' + err.message);
    }
  }

  async function submitCard(messageId, inputs) {
    try {
      await api('POST', '/cards', { from: user(), messageId, inputs });
    } catch (err) {
      status('Card not submitted: ' + err.message);
    }
  }

  // ---- what went over the wire -----------------------------------------------------------------------------

  function logEntry(list, summary, detail, ok) {
    const li = el('li', 'entry' + (ok ? '' : ' failed'));
    const d = el('details');
    d.append(el('summary', '', summary), el('pre', '', detail));
    li.append(d);
    list.prepend(li); // newest first
    while (list.children.length > 200) list.lastChild.remove();
  }

  function showDelivery(d) {
    state.deliveriesAfter = d.seq;
    let what = '';
    try { const p = JSON.parse(d.payload); what = p.resource + '/' + p.event; } catch (e) { what = '(not JSON)'; }
    logEntry($('deliveries'), time(d.time) + ' ' + what + ' → ' + (d.status || 'no answer'),
      pretty(d.payload) + '\n\nanswer ' + d.status + ': ' + d.answer, d.status >= 200 && d.status < 300);
  }

  function showCall(c) {
    logEntry($('calls'), c.method + ' ' + c.path + ' → ' + c.status,
      c.requestBody ? pretty(c.requestBody) : '(no body)', c.status < 400);
  }

  // ---- polling ---------------------------------------------------------------------------------------------

  async function poll() {
    try {
      const room = state.room;
      if (room) {
        const after = state.lastMessageId ? '&after=' + encodeURIComponent(state.lastMessageId) : '';
        const { items } = await api('GET', '/messages?roomId=' + encodeURIComponent(room) + after);
        if (items.some((m) => !state.people.has(m.personId))) await refreshPeople();
        if (room === state.room) items.forEach(showMessage);
      }
      await refreshRooms();
      (await api('GET', '/deliveries?after=' + state.deliveriesAfter)).items.forEach(showDelivery);
      const calls = await api('GET', '/calls?after=' + state.callsAfter);
      state.callsAfter = calls.next;
      calls.items.forEach(showCall);
      if ($('status').textContent.startsWith('Simulator unreachable')) status('');
    } catch (err) {
      status('Simulator unreachable: ' + err.message);
    }
    setTimeout(poll, 500);
  }

  // ---- wiring ----------------------------------------------------------------------------------------------

  $('composer').addEventListener('submit', send);
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('room').addEventListener('change', () => openRoom().catch((err) => status(err.message)));
  $('user').addEventListener('change', () => openRoom().catch((err) => status(err.message)));
  $('new-room').addEventListener('submit', async (e) => {
    e.preventDefault();
    const title = $('room-title').value.trim();
    if (!title) return;
    await api('POST', '/rooms', { title });
    await refreshRooms();
    $('room').value = 'group:' + title;
    $('room-title').value = '';
    await openRoom();
  });

  refreshRooms().then(openRoom).catch((err) => status(err.message)).finally(poll);
})();
