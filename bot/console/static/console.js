/*
 * Staff console: keeps the inbox and an open conversation up to date without a reload.
 *
 * Lists marked data-poll are refreshed every few seconds from the console's JSON API,
 * which sends each row already rendered by the server's templates (client text
 * escaped there). New rows are added, changed rows replaced and gone rows removed,
 * except a row someone is typing in. A 401 means the session ended: say so.
 */
(function () {
  'use strict';

  var INTERVAL_MS = 3000;

  function rowFromHtml(html) {
    var template = document.createElement('template');
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function busy(element) {
    return element && element.contains(document.activeElement) && document.activeElement !== document.body;
  }

  // Make `container`'s rows match `rows` ([{id, version, html}], in order).
  function syncRows(container, rows) {
    var existing = {};
    Array.prototype.forEach.call(container.children, function (child) { existing[child.dataset.id] = child; });
    var wanted = {};
    var previous = null;
    rows.forEach(function (row) {
      wanted[row.id] = true;
      var current = existing[row.id];
      if (!current) {
        current = rowFromHtml(row.html);
        current.classList.add('is-new');
      } else if (current.dataset.version !== row.version && !busy(current)) {
        var fresh = rowFromHtml(row.html);
        container.replaceChild(fresh, current);
        current = fresh;
      }
      var after = previous ? previous.nextElementSibling : container.firstElementChild;
      if (after !== current) { container.insertBefore(current, after); }
      previous = current;
    });
    Object.keys(existing).forEach(function (id) {
      if (!wanted[id] && !busy(existing[id])) { existing[id].remove(); }
    });
  }

  function sessionEnded() {
    if (document.getElementById('session-ended')) { return; }
    var note = document.createElement('p');
    note.id = 'session-ended';
    note.className = 'flash flash-error';
    note.setAttribute('role', 'alert');
    note.textContent = 'Your session has ended. Reload the page to log in again.';
    document.querySelector('main').prepend(note);
  }

  function poll(url, apply) {
    function tick() {
      window.fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
        .then(function (response) {
          if (response.status === 401) { sessionEnded(); return null; }
          return response.ok ? response.json() : null;
        })
        .then(function (data) { if (data) { apply(data); } })
        .catch(function () { /* offline for a moment: try again next tick */ })
        .then(function () { if (!document.getElementById('session-ended')) { setTimeout(tick, INTERVAL_MS); } });
    }
    setTimeout(tick, INTERVAL_MS);
  }

  function setText(id, value) {
    var element = document.getElementById(id);
    if (element) { element.textContent = String(value); }
  }

  function startInbox(rows) {
    var held = document.querySelector('[data-live="held"]');
    poll(rows.dataset.poll, function (data) {
      syncRows(rows, data.requests);
      if (held) {
        syncRows(held, data.held);
        held.nextElementSibling.hidden = data.held.length > 0;
      }
      document.getElementById('no-requests').hidden = data.requests.length > 0;
      setText('pending-count', data.pending);
      setText('spooled-count', data.spooled);
      document.title = (data.pending ? '(' + data.pending + ') ' : '') + 'Inbox · Staff console';
    });
  }

  function startTranscript(list) {
    var base = list.dataset.poll;
    poll(base, function (data) {
      var last = list.lastElementChild ? Number(list.lastElementChild.dataset.id) : 0;
      data.turns.forEach(function (turn) {
        if (turn.id > last) {
          var row = rowFromHtml(turn.html);
          row.classList.add('is-new');
          list.appendChild(row);
        }
      });
    });
  }

  function start() {
    var rows = document.querySelector('[data-live="requests"]');
    if (rows) { startInbox(rows); }
    var transcript = document.getElementById('transcript');
    if (transcript && transcript.dataset.poll) { startTranscript(transcript); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
