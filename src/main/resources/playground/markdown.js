'use strict';
/**
 * The Markdown that bots send to Webex, enough of it to read their replies: fenced code blocks, `code spans`,
 * **bold**, *italics* / _italics_, line breaks. The text is untrusted: it is HTML-escaped first, and only the
 * tags added here ever reach innerHTML.
 */
const Markdown = (() => {
  const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);

  function inline(text) {
    return text.split(/(`[^`\n]+`)/).map((part, i) => i % 2
      ? '<code>' + part.slice(1, -1) + '</code>'
      : part
        .replace(/\*\*(?=\S)(.+?)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^\w*])\*(?=\S)(.+?)\*(?![\w*])/g, '$1<em>$2</em>')
        .replace(/(^|\W)_(?=\S)(.+?)_(?!\w)/g, '$1<em>$2</em>')
        .replace(/\n/g, '<br>')
    ).join('');
  }

  /** Odd parts between ``` fences are code blocks; an optional language name ends the opening fence's line. */
  function toHtml(markdown) {
    const parts = escapeHtml(markdown).split('```');
    return parts.map((part, i) => {
      if (i % 2) {
        return '<pre><code>' + part.replace(/^[\w+-]*\n/, '').replace(/\n$/, '') + '</code></pre>';
      }
      if (i > 0) part = part.replace(/^\n/, '');              // the line break after a closing fence
      if (i < parts.length - 1) part = part.replace(/\n$/, ''); // the one before an opening fence
      return inline(part);
    }).join('');
  }

  return { toHtml, escapeHtml };
})();
