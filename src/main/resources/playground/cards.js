'use strict';
/**
 * Renders the Adaptive Cards a bot sends (the elements Webex bots use most) with DOM nodes and textContent, never
 * HTML from the card: TextBlock, Input.Text, Input.Toggle, Input.ChoiceSet, Input.Number, Input.Date, Container,
 * ColumnSet, FactSet, ActionSet, the card's own actions, and Action.Submit. A submit calls onSubmit(inputs) with
 * what Webex would put in the attachment action's "inputs": every input's value by id, plus the action's data.
 */
const AdaptiveCards = (() => {
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(card, onSubmit) {
    const root = el('form', 'ac-card');
    root.addEventListener('submit', (e) => e.preventDefault());
    const ctx = { inputs: [], root, onSubmit };
    (card.body || []).forEach((item) => root.append(element(item, ctx)));
    if (Array.isArray(card.actions) && card.actions.length) root.append(actionSet(card.actions, ctx));
    return root;
  }

  function element(item, ctx) {
    switch (item && item.type) {
      case 'TextBlock': {
        const d = el('div', 'ac-textblock');
        if (item.weight) d.classList.add('ac-weight-' + String(item.weight).toLowerCase());
        if (item.size) d.classList.add('ac-size-' + String(item.size).toLowerCase());
        d.innerHTML = Markdown.toHtml(item.text == null ? '' : item.text);
        return d;
      }
      case 'Input.Text':
      case 'Input.Number':
      case 'Input.Date': {
        const multi = item.type === 'Input.Text' && item.isMultiline;
        const i = el(multi ? 'textarea' : 'input', 'ac-input ac-input-text');
        if (!multi) i.type = { 'Input.Number': 'number', 'Input.Date': 'date' }[item.type] || 'text';
        i.name = item.id || '';
        i.placeholder = item.placeholder || '';
        i.value = item.value == null ? '' : item.value;
        if (item.maxLength) i.maxLength = item.maxLength;
        input(ctx, item, () => i.value);
        return labelled(item, i);
      }
      case 'Input.Toggle': {
        const on = item.valueOn == null ? 'true' : String(item.valueOn);
        const off = item.valueOff == null ? 'false' : String(item.valueOff);
        const box = el('input', 'ac-input ac-input-toggle');
        box.type = 'checkbox';
        box.name = item.id || '';
        box.checked = String(item.value) === on;
        const label = el('label', 'ac-toggle');
        label.append(box, document.createTextNode(' ' + (item.title || '')));
        input(ctx, item, () => (box.checked ? on : off));
        return labelled(item, label);
      }
      case 'Input.ChoiceSet':
        return choiceSet(item, ctx);
      case 'ActionSet':
        return actionSet(item.actions || [], ctx);
      case 'Container': {
        const d = el('div', 'ac-container');
        (item.items || []).forEach((child) => d.append(element(child, ctx)));
        return d;
      }
      case 'ColumnSet': {
        const d = el('div', 'ac-columnset');
        (item.columns || []).forEach((column) => {
          const c = el('div', 'ac-column');
          (column.items || []).forEach((child) => c.append(element(child, ctx)));
          d.append(c);
        });
        return d;
      }
      case 'FactSet': {
        const d = el('dl', 'ac-factset');
        (item.facts || []).forEach((f) => d.append(el('dt', '', f.title), el('dd', '', f.value)));
        return d;
      }
      default:
        return el('div', 'ac-unsupported', '[' + (item && item.type) + ': not shown in the playground]');
    }
  }

  function choiceSet(item, ctx) {
    const choices = item.choices || [];
    const selected = String(item.value == null ? '' : item.value).split(',');
    if (item.style === 'expanded' || item.isMultiSelect) {
      const group = el('div', 'ac-input ac-input-choiceset');
      const boxes = choices.map((c) => {
        const b = el('input');
        b.type = item.isMultiSelect ? 'checkbox' : 'radio';
        b.name = item.id || '';
        b.value = c.value;
        b.checked = selected.includes(String(c.value));
        const label = el('label', 'ac-choice');
        label.append(b, document.createTextNode(' ' + c.title));
        group.append(label);
        return b;
      });
      input(ctx, item, () => boxes.filter((b) => b.checked).map((b) => b.value).join(','));
      return labelled(item, group);
    }
    const select = el('select', 'ac-input ac-input-choiceset');
    select.name = item.id || '';
    select.append(el('option', '', item.placeholder || ''));
    select.firstChild.value = '';
    choices.forEach((c) => {
      const o = el('option', '', c.title);
      o.value = c.value;
      select.append(o);
    });
    select.value = item.value == null ? '' : String(item.value);
    input(ctx, item, () => select.value);
    return labelled(item, select);
  }

  function actionSet(actions, ctx) {
    const d = el('div', 'ac-actionset');
    actions.forEach((a) => {
      const b = el('button', 'ac-action', a.title || a.type);
      b.type = 'button';
      if (a.type === 'Action.Submit') {
        b.classList.add('ac-submit');
        b.addEventListener('click', () => submit(ctx, a, b));
      } else {
        b.disabled = true; // OpenUrl, ShowCard…: the playground opens nothing
        b.title = a.type + (a.url ? ' ' + a.url : '') + ' (not supported in the playground)';
      }
      d.append(b);
    });
    return d;
  }

  async function submit(ctx, action, button) {
    const inputs = {};
    if (action.data && typeof action.data === 'object' && !Array.isArray(action.data)) Object.assign(inputs, action.data);
    ctx.inputs.forEach((i) => { inputs[i.id] = i.value(); });
    button.disabled = true;
    try {
      await ctx.onSubmit(inputs);
      ctx.root.dataset.submitted = 'true';
    } finally {
      button.disabled = false;
    }
  }

  function input(ctx, item, value) {
    if (item.id) ctx.inputs.push({ id: item.id, value });
  }

  function labelled(item, control) {
    if (!item.label) return control;
    const wrap = el('div', 'ac-labelled');
    wrap.append(el('span', 'ac-label', item.label), control);
    return wrap;
  }

  return { render };
})();
